package commands_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/spf13/cobra"

	"github.com/rollcall/rollcall/commands"
	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/internal/apptest"
)

func newApp(t *testing.T) (*tests.TestApp, *config.Config) {
	t.Helper()
	app := apptest.NewEmpty(t)
	cfg := config.New()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	cfg.Now = func() time.Time { return now }
	hooks.Register(app, cfg, apptest.Pages)
	return app, cfg
}

func run(t *testing.T, cmd *cobra.Command, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func count(t *testing.T, app core.App, collection string) int64 {
	t.Helper()
	n, err := app.CountRecords(collection)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSeedIsIdempotent(t *testing.T) {
	app, cfg := newApp(t)
	out, err := run(t, commands.Seed(app), "--questions", "12")
	if err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	users, qs, answers, votes := count(t, app, "users"), count(t, app, "questions"), count(t, app, "answers"), count(t, app, "votes")
	if users != 2 || qs != 17 || answers == 0 || votes == 0 {
		t.Fatalf("after seed: %d users, %d questions, %d answers, %d votes", users, qs, answers, votes)
	}
	out, err = run(t, commands.Seed(app), "--questions", "12")
	if err != nil || !strings.Contains(out, "0 record(s) created") {
		t.Fatalf("second seed: %v\n%s", err, out)
	}
	if count(t, app, "questions") != qs || count(t, app, "answers") != answers || count(t, app, "votes") != votes {
		t.Fatal("second seed added rows")
	}
	user, err := app.FindAuthRecordByEmail("users", "user_1@example.com")
	if err != nil || !user.ValidatePassword(commands.DemoPassword) {
		t.Fatalf("user_1 cannot sign in with the demo password (%v)", err)
	}
	if out, err := run(t, commands.Ranking(app, cfg), "check"); err != nil {
		t.Fatalf("seeded data drifted: %v\n%s", err, out)
	}
}

func TestSeedRefusesBadInput(t *testing.T) {
	app, _ := newApp(t)
	if _, err := run(t, commands.Seed(app), "--questions", "-1"); err == nil || !strings.Contains(err.Error(), "--questions") {
		t.Fatalf("negative --questions: %v", err)
	}
	_, err := run(t, commands.Seed(app), "--password", "123")
	if err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("short password: %v", err)
	}
	if n := count(t, app, "users"); n != 0 {
		t.Fatalf("a refused seed left %d users", n)
	}
}

func TestRankingCheckAndRebuild(t *testing.T) {
	app, cfg := newApp(t)
	if _, err := run(t, commands.Seed(app)); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := app.DB().Select("id").From("questions").Limit(1).Row(&id); err != nil {
		t.Fatal(err)
	}
	// Drift the stored values behind the hooks' back.
	if _, err := app.DB().NewQuery("UPDATE questions SET likes = likes + 7, ranking = ranking + 35 WHERE id = {:id}").
		Bind(dbx.Params{"id": id}).Execute(); err != nil {
		t.Fatal(err)
	}

	out, err := run(t, commands.Ranking(app, cfg), "check")
	if err == nil || !strings.Contains(err.Error(), "1 question(s) differ") || !strings.Contains(out, id) {
		t.Fatalf("check must fail and list %s: %v\n%s", id, err, out)
	}
	out, err = run(t, commands.Ranking(app, cfg), "rebuild")
	if err != nil || !strings.Contains(out, "1 question(s) changed") {
		t.Fatalf("rebuild: %v\n%s", err, out)
	}
	if out, err := run(t, commands.Ranking(app, cfg), "check"); err != nil || !strings.Contains(out, "0 questions differ") {
		t.Fatalf("check after rebuild: %v\n%s", err, out)
	}
	if out, _ := run(t, commands.Ranking(app, cfg), "rebuild"); !strings.Contains(out, "0 question(s) changed") {
		t.Fatalf("second rebuild: %s", out)
	}
}

// Bad scrape flags stop before any request, with the flag named.
func TestScrapeRejectsBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--roll", "commercial"}, `--roll "commercial"`},
		{[]string{"--delay", "-1"}, "--delay -1"},
		{[]string{"--concurrency", "0"}, "--concurrency 0"},
		{[]string{"--concurrency", "99"}, "--concurrency 99"},
		{[]string{"--base-url", "ftp://example.org", "--dry-run"}, "ftp://example.org"},
	} {
		app, cfg := newApp(t)
		out, err := run(t, commands.Scrape(app, cfg), c.args...)
		if err == nil || !strings.Contains(err.Error()+out, c.want) {
			t.Errorf("scrape %v: err %v, output %q; want an error naming %s", c.args, err, out, c.want)
		}
		if n := count(t, app, "scrape_runs"); n != 0 {
			t.Errorf("scrape %v recorded a run", c.args)
		}
	}
}
