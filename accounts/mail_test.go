package accounts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/internal/apptest"
)

// noSendmail makes this machine look like one without sendmail.
func noSendmail(t *testing.T) {
	old := SendmailPaths
	SendmailPaths = []string{filepath.Join(t.TempDir(), "no-sendmail")}
	t.Cleanup(func() { SendmailPaths = old })
}

func TestMailAvailable(t *testing.T) {
	app := apptest.NewEmpty(t)
	noSendmail(t)
	if MailAvailable(app) {
		t.Fatal("available with SMTP off and no sendmail")
	}
	app.Settings().SMTP.Enabled = true
	if !MailAvailable(app) {
		t.Fatal("not available with SMTP on")
	}
	app.Settings().SMTP.Enabled = false

	// PocketBase falls back to sendmail, found by path or on PATH.
	dir := t.TempDir()
	sendmail := filepath.Join(dir, "sendmail")
	if err := os.WriteFile(sendmail, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	SendmailPaths = []string{filepath.Join(dir, "missing"), sendmail}
	if !MailAvailable(app) {
		t.Fatal("not available with a sendmail binary")
	}
	SendmailPaths = []string{"sendmail"}
	t.Setenv("PATH", dir)
	if !MailAvailable(app) {
		t.Fatal("not available with sendmail on PATH")
	}
	t.Setenv("PATH", t.TempDir())
	if MailAvailable(app) {
		t.Fatal("available with no sendmail on PATH")
	}
}

func TestIsLocalURL(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://localhost:8090":         true,
		"http://LOCALHOST.":             true,
		"http://app.localhost":          true,
		"http://127.0.0.1:8090":         true,
		"http://127.1.2.3":              true,
		"http://[::1]:8090":             true,
		"http://0.0.0.0:8090":           true,
		"":                              true,
		"not a url":                     true,
		"https://rollcall.example.org":  false,
		"http://192.168.1.10:8090":      false, // reachable on a LAN
		"https://localhost.example.org": false,
	} {
		if got := IsLocalURL(raw); got != want {
			t.Errorf("IsLocalURL(%q) = %v, want %v", raw, got, want)
		}
	}
}

func TestMailWarnings(t *testing.T) {
	app := apptest.NewEmpty(t)
	noSendmail(t)
	if w := MailWarnings(app); len(w) != 1 || !strings.Contains(w[0], "no mail can be sent") {
		t.Fatalf("no mail: %q", w)
	}
	app.Settings().SMTP.Enabled = true
	app.Settings().Meta.AppURL = "http://localhost:8090"
	if w := MailWarnings(app); len(w) != 1 || !strings.Contains(w[0], `"http://localhost:8090"`) {
		t.Fatalf("mail to localhost links: %q", w)
	}
	app.Settings().Meta.AppURL = "https://rollcall.example.org"
	if w := MailWarnings(app); len(w) != 0 {
		t.Fatalf("mail set up: %q", w)
	}
}

func TestStartStoresTheAppURLOnlyWhenItDiffers(t *testing.T) {
	app := apptest.NewEmpty(t)
	cfg := config.New()
	cfg.AppURL = "https://rollcall.example.org"
	h := New(cfg)
	if err := h.Start(app); err != nil {
		t.Fatal(err)
	}
	if got := app.Settings().Meta.AppURL; got != cfg.AppURL {
		t.Fatalf("app URL %q, want %q", got, cfg.AppURL)
	}
	// Stored, not just set in memory.
	if err := app.ReloadSettings(); err != nil {
		t.Fatal(err)
	}
	if got := app.Settings().Meta.AppURL; got != cfg.AppURL {
		t.Fatalf("after reload: app URL %q", got)
	}
	app.ResetEventCalls()
	if err := h.Start(app); err != nil {
		t.Fatal(err)
	}
	if n := app.EventCalls["OnSettingsReload"]; n != 0 {
		t.Fatalf("settings saved %d times for an unchanged app URL", n)
	}

	// Without --app-url the dashboard's value stays.
	app.Settings().Meta.AppURL = "https://dashboard.example.org"
	if err := New(config.New()).Start(app); err != nil {
		t.Fatal(err)
	}
	if got := app.Settings().Meta.AppURL; got != "https://dashboard.example.org" {
		t.Fatalf("app URL %q overwritten without --app-url", got)
	}
}
