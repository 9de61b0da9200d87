package config

import (
	"testing"
	"time"
)

// Next is the first minute after now that the expression matches in the
// schedule's zone, as the every-minute cron check would start it.
func TestScrapeNext(t *testing.T) {
	utc := func(s string) time.Time {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	cases := []struct {
		cron, zone, now, want string // want "" when there is none
	}{
		// 02:00 in Johannesburg is 00:00 UTC: before it today, after it tomorrow.
		{"0 2 * * *", "Africa/Johannesburg", "2026-12-01T23:30:00Z", "2026-12-02T02:00:00+02:00"},
		{"0 2 * * *", "Africa/Johannesburg", "2026-12-01T00:00:30Z", "2026-12-02T02:00:00+02:00"},
		{"0 2 * * *", "Africa/Johannesburg", "2026-11-30T23:59:59Z", "2026-12-01T02:00:00+02:00"},
		// The same minute that is due now has started already.
		{"0 2 * * *", "Africa/Johannesburg", "2026-12-01T00:00:00Z", "2026-12-02T02:00:00+02:00"},
		{"*/15 * * * *", "UTC", "2026-12-01T10:07:00Z", "2026-12-01T10:15:00Z"},
		// Weekdays and months: the next Monday, the next 1 January.
		{"30 6 * * 1", "UTC", "2026-12-01T10:00:00Z", "2026-12-07T06:30:00Z"},
		{"@yearly", "Europe/London", "2026-12-01T10:00:00Z", "2027-01-01T00:00:00Z"},
		// 29 February is years away; 31 February never comes.
		{"0 0 29 2 *", "UTC", "2026-12-01T10:00:00Z", "2028-02-29T00:00:00Z"},
		{"0 0 31 2 *", "UTC", "2026-12-01T10:00:00Z", ""},
		// 02:30 does not exist in New York on 8 March 2026 (clocks jump to 03:00).
		{"30 2 * * *", "America/New_York", "2026-03-08T05:00:00Z", "2026-03-09T02:30:00-04:00"},
		{"off", "Africa/Johannesburg", "2026-12-01T10:00:00Z", ""},
	}
	for _, c := range cases {
		s := Scrape{Cron: c.cron, TimeZone: c.zone, BaseURL: "https://example.org", Lease: time.Minute}
		if err := s.resolve(); err != nil {
			t.Fatalf("%s: %v", c.cron, err)
		}
		got, ok := s.Next(utc(c.now))
		switch {
		case c.want == "" && ok:
			t.Errorf("%s in %s after %s: %s, want none", c.cron, c.zone, c.now, got.Format(time.RFC3339))
		case c.want != "" && (!ok || got.Format(time.RFC3339) != c.want):
			t.Errorf("%s in %s after %s: %s (%v), want %s", c.cron, c.zone, c.now, got.Format(time.RFC3339), ok, c.want)
		case ok && !s.Due(got):
			t.Errorf("%s: Next gave %s, which Due refuses", c.cron, got)
		}
	}
}
