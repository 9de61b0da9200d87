package e2e

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A backup made through PocketBase's backup API restores to a working app:
// the restore restarts the process (execve, same pid), which comes back
// healthy with exactly the backed-up data and a ranking with no drift.
func TestBackupRestoresToAWorkingApp(t *testing.T) {
	s := StartServer(t)
	if out, err := exec.Command(binary, "superuser", "upsert", "admin@example.com", "password123", "--dir", s.Dir).CombinedOutput(); err != nil {
		t.Fatalf("superuser upsert: %v\n%s", err, out)
	}
	status, auth := s.API(t, http.MethodPost, "/api/collections/_superusers/auth-with-password", "", map[string]any{"identity": "admin@example.com", "password": "password123"})
	if status != 200 {
		t.Fatalf("superuser sign-in: %d %v", status, auth)
	}
	super := auth["token"].(string)
	_, alice := s.User(t, "alice")
	_, bob := s.User(t, "bob")
	kept := s.Ask(t, alice, "Kept by the backup")
	if status, out := s.API(t, http.MethodPost, "/api/collections/votes/records", bob, map[string]any{"question": kept, "kind": "like"}); status != 200 {
		t.Fatalf("vote: %d %v", status, out)
	}
	if status, out := s.API(t, http.MethodPost, "/api/backups", super, map[string]any{"name": "before.zip"}); status != 204 {
		t.Fatalf("create backup: %d %v", status, out)
	}
	s.Ask(t, alice, "Written after the backup")

	if status, out := s.API(t, http.MethodPost, "/api/backups/before.zip/restore", super, nil); status != 204 {
		t.Fatalf("restore: %d %v", status, out)
	}
	// The process re-executes itself; wait until it answers with the
	// restored data.
	deadline := time.Now().Add(startDeadline)
	var titles string
	for {
		// Refused connections are expected while it restarts.
		if res, err := http.Get(s.URL + "/api/questions/top"); err == nil {
			var out struct {
				Items []struct{ Title string } `json:"items"`
			}
			decodeErr := json.NewDecoder(res.Body).Decode(&out)
			res.Body.Close()
			if res.StatusCode == 200 && decodeErr == nil {
				titles = ""
				for _, item := range out.Items {
					titles += item.Title + "|"
				}
				if !strings.Contains(titles, "Written after the backup") {
					break
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not restored after %s: titles %q", startDeadline, titles)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if titles != "Kept by the backup|" {
		t.Fatalf("restored questions %q, want only the one kept by the backup", titles)
	}
	if out, err := exec.Command(binary, "ranking", "check", "--dir", s.Dir).CombinedOutput(); err != nil {
		t.Fatalf("ranking check after restore: %v\n%s", err, out)
	}
	// Writes work after the restore.
	s.Ask(t, bob, "Asked after the restore")
}
