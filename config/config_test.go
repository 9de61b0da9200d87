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
