// Package config holds Rollcall's own settings (those PocketBase does not
// already have), read from flags with environment-variable defaults.
package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Environment variables that give the flags their defaults.
const (
	EnvTimeZone        = "ROLLCALL_TZ"
	EnvRateLimitExempt = "ROLLCALL_RATE_LIMIT_EXEMPT"
	EnvStatusMaxAge    = "ROLLCALL_STATUS_MAX_AGE"
	EnvRequireVerified = "ROLLCALL_REQUIRE_VERIFIED"
	EnvAppURL          = "ROLLCALL_APP_URL"
)

// Config is shared by the hooks and the commands. Flag values land in the
// exported string fields; Resolve turns them into the typed fields.
type Config struct {
	// TimeZone is the IANA zone whose calendar day decides "asked today".
	TimeZone string
	// RateLimitExempt lists IPs or CIDRs the rate limiter skips. Empty by
	// default; meant for loopback load tests and trusted internal callers.
	RateLimitExempt []string

	// RequireVerified lets only users with a verified email ask, answer,
	// vote or report.
	RequireVerified bool
	// AppURL, when set, is stored as PocketBase's application URL at start:
	// the address every link in a mail begins with.
	AppURL string

	// Scrape is the valuation scraper's schedule and target.
	Scrape Scrape
	// StatusMaxAge is how old the last successful whole-roll scrape may be
	// before /api/status says "degraded".
	StatusMaxAge time.Duration

	// Location is TimeZone loaded; set by Resolve.
	Location *time.Location
	// Now is the clock. Tests replace it so nothing ever sleeps.
	Now func() time.Time

	envErrors []error // malformed environment variables, reported by Resolve
}

// New returns a Config with defaults taken from the environment.
func New() *Config {
	c := &Config{
		TimeZone:        envOr(EnvTimeZone, "UTC"),
		RateLimitExempt: splitList(os.Getenv(EnvRateLimitExempt)),
		Location:        time.UTC,
		Now:             time.Now,
	}
	c.RequireVerified = envBool(EnvRequireVerified, false, &c.envErrors)
	c.AppURL = envOr(EnvAppURL, "")
	c.Scrape = newScrape(&c.envErrors)
	c.StatusMaxAge = envDuration(EnvStatusMaxAge, 36*time.Hour, &c.envErrors)
	return c
}

// BindFlags registers the flags on a (persistent) flag set.
func (c *Config) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.TimeZone, "tz", c.TimeZone,
		"IANA time zone of the calendar day behind the \"asked today\" bonus (env "+EnvTimeZone+")")
	fs.StringSliceVar(&c.RateLimitExempt, "rate-limit-exempt", c.RateLimitExempt,
		"comma-separated IPs/CIDRs the rate limiter skips, e.g. 127.0.0.1 for local load tests; off by default (env "+EnvRateLimitExempt+")")
	fs.DurationVar(&c.StatusMaxAge, "status-max-age", c.StatusMaxAge,
		"age of the last successful valuation scrape past which /api/status says degraded (env "+EnvStatusMaxAge+")")
	fs.BoolVar(&c.RequireVerified, "require-verified", c.RequireVerified,
		"only users with a verified email may ask, answer, vote or report (env "+EnvRequireVerified+")")
	fs.StringVar(&c.AppURL, "app-url", c.AppURL,
		"public address of this server, e.g. https://rollcall.example.org, stored as the application URL mail links use; unset keeps the dashboard's (env "+EnvAppURL+")")
	c.Scrape.bindFlags(fs)
}

// Resolve validates the flag values and fills the typed fields.
func (c *Config) Resolve() error {
	if len(c.envErrors) > 0 {
		return c.envErrors[0]
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return fmt.Errorf("--tz %q is not an IANA time zone: %w", c.TimeZone, err)
	}
	c.Location = loc
	for _, item := range c.RateLimitExempt {
		if _, err := netip.ParsePrefix(item); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(item); err != nil {
			return fmt.Errorf("--rate-limit-exempt %q is neither an IP nor a CIDR", item)
		}
	}
	if c.AppURL != "" {
		u, err := url.Parse(c.AppURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return fmt.Errorf("--app-url %q: give the server's address, e.g. https://rollcall.example.org", c.AppURL)
		}
		c.AppURL = strings.TrimSuffix(c.AppURL, "/")
	}
	if c.StatusMaxAge < time.Minute {
		return fmt.Errorf("--status-max-age %s is too short: give at least 1m", c.StatusMaxAge)
	}
	if err := c.Scrape.resolve(); err != nil {
		return err
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// ZoneName names the resolved time zone.
func (c *Config) ZoneName() string {
	if c.Location == nil {
		return c.TimeZone
	}
	return c.Location.String()
}

func envOr(key, fallback string) string {
	if v := strings.TrimSpace(os.Getenv(key)); v != "" {
		return v
	}
	return fallback
}

// envBool reads true/false (1/0, yes/no) from the environment; a malformed
// value is reported by Resolve.
func envBool(key string, fallback bool, bad *[]error) bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(key))) {
	case "":
		return fallback
	case "true", "1", "yes", "on":
		return true
	case "false", "0", "no", "off":
		return false
	}
	*bad = append(*bad, fmt.Errorf("%s=%q: want true or false", key, os.Getenv(key)))
	return fallback
}

// envInt reads a whole number from the environment; a malformed value is
// reported by Resolve.
func envInt(key string, fallback int, bad *[]error) int {
	v := strings.TrimSpace(os.Getenv(key))
	if v == "" {
		return fallback
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		*bad = append(*bad, fmt.Errorf("%s=%q is not a whole number", key, v))
		return fallback
	}
	return n
}

// envDuration reads a duration from the environment; a malformed value is
// reported by Resolve rather than silently replaced by the fallback.
func envDuration(key string, fallback time.Duration, bad *[]error) time.Duration {
	v := strings.TrimSpace(os.Getenv(key))
	if v == "" {
		return fallback
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		*bad = append(*bad, fmt.Errorf("%s=%q is not a duration (e.g. 36h): %w", key, v, err))
		return fallback
	}
	return d
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
