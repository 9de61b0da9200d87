package config

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/pflag"
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

// Every flag Rollcall adds, and its environment variable, is documented in
// a README table row, so `rollcall --help` and the README cannot drift.
func TestREADMEDocumentsEveryFlag(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "| `--") {
			name := strings.TrimPrefix(strings.SplitN(line, "`", 3)[1], "--")
			rows[name] = line
		}
	}
	fs := pflag.NewFlagSet("rollcall", pflag.ContinueOnError)
	New().BindFlags(fs)
	fs.VisitAll(func(f *pflag.Flag) {
		row, ok := rows[f.Name]
		if !ok {
			t.Errorf("--%s has no row in a README table", f.Name)
			return
		}
		if i := strings.Index(f.Usage, "(env "); i >= 0 {
			env := strings.TrimSuffix(strings.Fields(f.Usage[i+5:])[0], ")")
			if !strings.Contains(row, env) {
				t.Errorf("README row of --%s does not name %s", f.Name, env)
			}
		}
	})
}
