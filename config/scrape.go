package config

import (
	"fmt"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/tools/cron"
	"github.com/spf13/pflag"

	"github.com/rollcall/rollcall/scraper"
)

// Environment variables of the scraper's settings.
const (
	EnvScrapeCron    = "ROLLCALL_SCRAPE_CRON"
	EnvScrapeTZ      = "ROLLCALL_SCRAPE_TZ"
	EnvScrapeBaseURL = "ROLLCALL_SCRAPE_BASE_URL"
	EnvScrapeContact = "ROLLCALL_SCRAPE_CONTACT"
	EnvScrapeDelay   = "ROLLCALL_SCRAPE_DELAY"
	EnvScrapeLease   = "ROLLCALL_SCRAPE_LEASE"

	EnvScrapeDetails        = "ROLLCALL_SCRAPE_DETAILS"
	EnvScrapeDetailsRefresh = "ROLLCALL_SCRAPE_DETAILS_REFRESH"
)

// Scrape holds the scheduled scrape's settings (the CLI's flags override
// base URL and contact for one run).
type Scrape struct {
	// Cron is a 5-field expression in Zone, or "off".
	Cron     string
	TimeZone string
	BaseURL  string
	// Contact goes into the User-Agent so the site's operators can reach us.
	Contact string
	// Delay separates the scheduled run's requests (and the trigger's).
	Delay time.Duration
	// Lease is how long a scrape's lease outlives its last heartbeat: after
	// a crash, the next run waits this long before taking the run over.
	Lease time.Duration
	// Details reads profile pages (all owners, ERF, scheme) of new and
	// changed properties, plus DetailsRefresh unchanged ones per run.
	Details        bool
	DetailsRefresh int

	Schedule *cron.Schedule // nil when off; set by Resolve
	Zone     *time.Location
}

// newScrape reads the defaults from the environment; malformed durations
// are added to bad for Resolve to report.
func newScrape(bad *[]error) Scrape {
	return Scrape{
		Cron:     envOr(EnvScrapeCron, "0 2 * * *"),
		TimeZone: envOr(EnvScrapeTZ, "Africa/Johannesburg"),
		BaseURL:  envOr(EnvScrapeBaseURL, scraper.DefaultBaseURL),
		Contact:  envOr(EnvScrapeContact, "https://github.com/rollcall/rollcall"),
		Lease:    envDuration(EnvScrapeLease, 2*time.Minute, bad),
		Delay:    envDuration(EnvScrapeDelay, time.Second, bad),

		Details:        envBool(EnvScrapeDetails, true, bad),
		DetailsRefresh: envInt(EnvScrapeDetailsRefresh, scraper.DefaultDetailsRefresh, bad),
	}
}

func (s *Scrape) bindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&s.Cron, "scrape-cron", s.Cron, `when the daily valuation scrape runs, a cron expression in --scrape-tz, or "off" (env `+EnvScrapeCron+`)`)
	fs.StringVar(&s.TimeZone, "scrape-tz", s.TimeZone, "IANA time zone of --scrape-cron; other jobs keep theirs (env "+EnvScrapeTZ+")")
	fs.StringVar(&s.BaseURL, "scrape-base-url", s.BaseURL, "valuation site to scrape (env "+EnvScrapeBaseURL+")")
	fs.DurationVar(&s.Delay, "scrape-delay", s.Delay, "pause between the scheduled scrape's requests (0 only against a local copy) (env "+EnvScrapeDelay+")")
	fs.DurationVar(&s.Lease, "scrape-lease", s.Lease, "how long a scrape's lease outlives its last heartbeat (a crashed run is resumed after it) (env "+EnvScrapeLease+")")
	fs.StringVar(&s.Contact, "scrape-contact", s.Contact, "contact URL or address sent in the scraper's User-Agent (env "+EnvScrapeContact+")")
	fs.BoolVar(&s.Details, "scrape-details", s.Details, "the scheduled scrape reads the profile pages of new and changed properties (env "+EnvScrapeDetails+")")
	fs.IntVar(&s.DetailsRefresh, "scrape-details-refresh", s.DetailsRefresh, "unchanged properties whose profile each scheduled scrape re-reads, longest-unread first (env "+EnvScrapeDetailsRefresh+")")
}

func (s *Scrape) resolve() error {
	zone, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return fmt.Errorf("--scrape-tz %q is not an IANA time zone: %w", s.TimeZone, err)
	}
	s.Zone = zone
	s.Schedule = nil
	if s.Cron != "off" {
		if s.Schedule, err = cron.NewSchedule(s.Cron); err != nil {
			return fmt.Errorf(`--scrape-cron %q: %w (or "off")`, s.Cron, err)
		}
	}
	if s.Delay < 0 {
		return fmt.Errorf("--scrape-delay %s: cannot be negative", s.Delay)
	}
	if s.DetailsRefresh < 0 {
		return fmt.Errorf("--scrape-details-refresh %d: cannot be negative", s.DetailsRefresh)
	}
	if s.Lease < 4*time.Second {
		return fmt.Errorf("--scrape-lease %s: want at least 4s (heartbeats come every quarter of it)", s.Lease)
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--scrape-base-url %q: want http(s)://host", s.BaseURL)
	}
	return nil
}

// Due says whether the scheduled scrape starts in the minute of t.
func (s *Scrape) Due(t time.Time) bool {
	return s.Schedule != nil && s.Schedule.IsDue(cron.NewMoment(t.In(s.Zone)))
}

// nextHorizon bounds the search for the next start: a valid expression
// fires within four years (29 February), one that never does (31 February)
// has no next start.
const nextHorizon = 5 * 366

// Next is the scheduled scrape's first start after t, in Zone, found as the
// cron job finds it (each wall-clock minute of the zone that the expression
// matches); false when the schedule is off or never fires.
func (s *Scrape) Next(t time.Time) (time.Time, bool) {
	if s.Schedule == nil || s.Zone == nil {
		return time.Time{}, false
	}
	sc := s.Schedule
	local := t.In(s.Zone)
	has := func(set map[int]struct{}, v int) bool { _, ok := set[v]; return ok }
	for d := range nextHorizon {
		day := time.Date(local.Year(), local.Month(), local.Day()+d, 12, 0, 0, 0, s.Zone)
		if !has(sc.Months, int(day.Month())) || !has(sc.Days, day.Day()) || !has(sc.DaysOfWeek, int(day.Weekday())) {
			continue
		}
		for h := range 24 {
			if !has(sc.Hours, h) {
				continue
			}
			for m := range 60 {
				if !has(sc.Minutes, m) {
					continue
				}
				at := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, s.Zone)
				// A time a daylight-saving jump skips never ticks.
				if at.Hour() != h || at.Minute() != m || !at.After(t) {
					continue
				}
				return at, true
			}
		}
	}
	return time.Time{}, false
}
