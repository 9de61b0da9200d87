package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/cmd"
	"github.com/pocketbase/pocketbase/tools/osutils"
	"github.com/spf13/pflag"
)

// configRow is one row of README's Configuration table.
type configRow struct{ env, def, line string }

// readmeConfigTable reads the table under "## Configuration": flag → row.
func readmeConfigTable(t *testing.T) map[string]configRow {
	t.Helper()
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "\n## Configuration\n")
	if !ok {
		t.Fatal(`README has no "## Configuration" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	rows := map[string]configRow{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`--") {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[1]), "`-")
		rows[name] = configRow{env: strings.Trim(strings.TrimSpace(cells[2]), "`"), def: strings.Trim(strings.TrimSpace(cells[3]), "`"), line: line}
	}
	return rows
}

// The one configuration table in README and `rollcall --help` / `rollcall
// serve --help` cannot drift: every flag has a row naming its environment
// variable and default, and every row is a real flag.
func TestConfigurationTableMatchesHelp(t *testing.T) {
	app, err := newApp()
	if err != nil {
		t.Fatal(err)
	}
	rows := readmeConfigTable(t)
	flags := map[string]*pflag.Flag{}
	collect := func(f *pflag.Flag) { flags[f.Name] = f }
	app.RootCmd.PersistentFlags().VisitAll(collect)
	serve := cmd.NewServeCommand(app, false)
	serve.Flags().VisitAll(collect)
	serve.PersistentFlags().VisitAll(collect)
	delete(flags, "help")

	for name, f := range flags {
		row, ok := rows[name]
		if !ok {
			t.Errorf("--%s is in --help but has no row in README's Configuration table", name)
			continue
		}
		env := ""
		if i := strings.Index(f.Usage, "(env "); i >= 0 {
			env = strings.TrimSuffix(strings.Fields(f.Usage[i+5:])[0], ")")
		}
		if row.env != env {
			t.Errorf("--%s: README names env %q, --help says %q", name, row.env, env)
		}
		// A bool's default is README prose ("off").
		if f.Value.Type() != "bool" && !sameDefault(f.DefValue, row.def) {
			t.Errorf("--%s: README default %q, --help says %q", name, row.def, f.DefValue)
		}
	}
	for name := range rows {
		if flags[name] == nil {
			t.Errorf("README's Configuration table has --%s, which `rollcall --help` does not know", name)
		}
	}
}

// sameDefault compares a flag's default with README's: durations by value,
// lists without brackets, the data dir by name (PocketBase makes it
// absolute, beside the binary); an empty default is README prose.
func sameDefault(flag, readme string) bool {
	flag = strings.Trim(flag, "[]")
	if flag == "" {
		return true
	}
	if filepath.IsAbs(flag) {
		flag = filepath.Base(flag)
	}
	if a, err := time.ParseDuration(flag); err == nil {
		b, err := time.ParseDuration(readme)
		return err == nil && a == b
	}
	return flag == readme
}

// The scrape command's own flags are in docs/scraper.md's flag table.
func TestScrapeFlagsAreDocumented(t *testing.T) {
	app, err := newApp()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("docs/scraper.md")
	if err != nil {
		t.Fatal(err)
	}
	scrape, _, err := app.RootCmd.Find([]string{"scrape"})
	if err != nil {
		t.Fatal(err)
	}
	scrape.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "help" && !strings.Contains(string(raw), "| `--"+f.Name+"` |") {
			t.Errorf("rollcall scrape --%s has no row in docs/scraper.md", f.Name)
		}
	})
}

// A binary under the temp directory is not in dev mode (which logs every
// SQL statement with its values) unless started with --dev, though
// PocketBase takes such a binary for `go run`.
func TestDevModeOnlyWithFlag(t *testing.T) {
	args := os.Args
	t.Cleanup(func() { os.Args = args })
	binary := filepath.Join(t.TempDir(), "rollcall")

	os.Args = []string{binary, "serve"}
	if !osutils.IsProbablyGoRun() {
		t.Fatalf("PocketBase does not take %s for `go run`: this test would prove nothing", binary)
	}
	app, err := newApp()
	if err != nil {
		t.Fatal(err)
	}
	if app.IsDev() {
		t.Error("started without --dev, the app is in dev mode")
	}

	os.Args = []string{binary, "serve", "--dev"}
	app, err = newApp()
	if err != nil {
		t.Fatal(err)
	}
	if !app.IsDev() {
		t.Error("started with --dev, the app is not in dev mode")
	}
}
