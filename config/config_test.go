package config

import (
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	cases := []struct {
		name    string
		zone    string
		exempt  []string
		wantErr string
	}{
		{"defaults", "UTC", nil, ""},
		{"IANA zone and CIDR", "Africa/Johannesburg", []string{"127.0.0.1", "10.0.0.0/8", "::1"}, ""},
		{"unknown zone", "Mars/Olympus", nil, "--tz"},
		{"bad exemption", "UTC", []string{"localhost"}, "--rate-limit-exempt"},
	}
	for _, tc := range cases {
		c := New()
		c.TimeZone, c.RateLimitExempt = tc.zone, tc.exempt
		err := c.Resolve()
		if tc.wantErr == "" {
			if err != nil || c.Location.String() != tc.zone {
				t.Errorf("%s: %v, location %v", tc.name, err, c.Location)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: error %v, want one naming %s", tc.name, err, tc.wantErr)
		}
	}
}

func TestEnvironmentDefaults(t *testing.T) {
	t.Setenv(EnvTimeZone, "Europe/Berlin")
	t.Setenv(EnvRateLimitExempt, " 127.0.0.1 , ::1 ")
	c := New()
	if c.TimeZone != "Europe/Berlin" || len(c.RateLimitExempt) != 2 || c.RateLimitExempt[1] != "::1" {
		t.Fatalf("env defaults not read: %+v", c)
	}
}

func TestStatusMaxAge(t *testing.T) {
	t.Setenv(EnvStatusMaxAge, "48h")
	if c := New(); c.StatusMaxAge.Hours() != 48 || c.Resolve() != nil {
		t.Fatalf("%s=48h not read: %v", EnvStatusMaxAge, c.StatusMaxAge)
	}
	t.Setenv(EnvStatusMaxAge, "two days")
	if err := New().Resolve(); err == nil || !strings.Contains(err.Error(), EnvStatusMaxAge) {
		t.Fatalf("malformed %s accepted: %v", EnvStatusMaxAge, err)
	}
	t.Setenv(EnvStatusMaxAge, "")
	c := New()
	c.StatusMaxAge = 0
	if err := c.Resolve(); err == nil || !strings.Contains(err.Error(), "--status-max-age") {
		t.Fatalf("zero --status-max-age accepted: %v", err)
	}
}

func TestScrapeDurationsFromEnvironment(t *testing.T) {
	t.Setenv(EnvScrapeDelay, "2500ms")
	t.Setenv(EnvScrapeLease, "5m")
	c := New()
	if err := c.Resolve(); err != nil || c.Scrape.Delay.Milliseconds() != 2500 || c.Scrape.Lease.Minutes() != 5 {
		t.Fatalf("env durations not read: delay %s, lease %s, %v", c.Scrape.Delay, c.Scrape.Lease, err)
	}
	for _, env := range []string{EnvScrapeDelay, EnvScrapeLease} {
		t.Setenv(EnvScrapeDelay, "")
		t.Setenv(EnvScrapeLease, "")
		t.Setenv(env, "soon")
		if err := New().Resolve(); err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("malformed %s accepted: %v", env, err)
		}
	}
}

// The scheduled scrape's profile settings come from the environment; a
// malformed value or a negative budget stops start-up, naming it.
func TestScrapeDetailsSettings(t *testing.T) {
	if c := New(); !c.Scrape.Details || c.Scrape.DetailsRefresh <= 0 {
		t.Fatalf("defaults: details %v, refresh %d; want on and a budget", c.Scrape.Details, c.Scrape.DetailsRefresh)
	}
	t.Setenv(EnvScrapeDetails, "off")
	t.Setenv(EnvScrapeDetailsRefresh, "250")
	if c := New(); c.Resolve() != nil || c.Scrape.Details || c.Scrape.DetailsRefresh != 250 {
		t.Fatalf("env not read: details %v, refresh %d", c.Scrape.Details, c.Scrape.DetailsRefresh)
	}
	for env, bad := range map[string]string{EnvScrapeDetails: "maybe", EnvScrapeDetailsRefresh: "lots"} {
		t.Setenv(EnvScrapeDetails, "")
		t.Setenv(EnvScrapeDetailsRefresh, "")
		t.Setenv(env, bad)
		if err := New().Resolve(); err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("malformed %s accepted: %v", env, err)
		}
	}
	t.Setenv(EnvScrapeDetails, "")
	t.Setenv(EnvScrapeDetailsRefresh, "-1")
	if err := New().Resolve(); err == nil || !strings.Contains(err.Error(), "--scrape-details-refresh") {
		t.Errorf("negative budget accepted: %v", err)
	}
}
