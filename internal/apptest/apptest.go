// Package apptest builds test apps with Rollcall's migrations, a fixture of
// users, questions and tokens, and an injectable clock. Hooks are bound only
// where the test package asks (its Bind): the scraper's store and job tests
// run on a bare migrated app.
package apptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/internal/sqlitedb"
	_ "github.com/rollcall/rollcall/migrations"
	"github.com/rollcall/rollcall/questions"
)

// FixtureTime is when the fixture's questions were asked (a Monday, UTC).
var FixtureTime = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// Fixed record ids of the fixture.
const (
	Alice         = "alice0000000001"
	Bob           = "bob000000000001"
	Carol         = "carol0000000001"
	AliceQuestion = "aliceq000000001" // no answers or votes
	BobQuestion   = "bobq00000000001" // carol answered 4 stars and liked it
	CarolAnswer   = "carola000000001" // on BobQuestion
	CarolVote     = "carolv000000001" // like on BobQuestion
	Password      = "password123"
)

// Clock is a settable clock for config.Config.Now.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Bind binds hooks to a test app, as hooks.Register does in the binary.
type Bind func(app core.App, cfg *config.Config)

// Pages is a minimal site for apps that serve pages in tests.
var Pages = fstest.MapFS{
	"index.html": {Data: []byte(`<!doctype html><title>Rollcall</title><script type="module" src="/assets/app.js"></script>`)},
	"docs.html":  {Data: []byte(`<!doctype html><title>API docs</title>`)},
}

// Fixture is a data dir with the fixture's records, cloned by every test app.
type Fixture struct {
	Dir string
	// Tokens by role: "alice", "bob", "carol", "super".
	Tokens map[string]string
	bind   Bind
}

// Build creates the fixture with bind's hooks (nil: none). Call it once from
// TestMain and Close it after.
func Build(bind Bind) (*Fixture, error) {
	empty, err := os.MkdirTemp("", "rollcall_fixture_src_*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(empty)
	app, err := newTestApp(empty)
	if err != nil {
		return nil, fmt.Errorf("fixture app: %w", err)
	}
	f := &Fixture{Tokens: map[string]string{}, bind: bind}
	f.bindTo(app, nil)
	if err := f.populate(app); err != nil {
		app.Cleanup()
		return nil, err
	}
	// Keep the data dir: ClearBootstrap closes the DB without removing it.
	f.Dir = app.DataDir()
	if err := app.ClearBootstrap(); err != nil {
		return nil, err
	}
	return f, nil
}

// Main is a package's TestMain: it builds the fixture into *f with bind's
// hooks (nil: none), runs the tests and removes it.
func Main(m *testing.M, f **Fixture, bind Bind) {
	var err error
	if *f, err = Build(bind); err != nil {
		fmt.Fprintln(os.Stderr, "fixture:", err)
		os.Exit(1)
	}
	code := m.Run()
	(*f).Close()
	os.Exit(code)
}

// Close removes the fixture's data dir.
func (f *Fixture) Close() { _ = os.RemoveAll(f.Dir) }

func (f *Fixture) populate(app core.App) error {
	for _, u := range []struct{ id, username string }{{Alice, "alice"}, {Bob, "bob"}, {Carol, "carol"}} {
		rec, err := CreateUser(app, u.id, u.username)
		if err != nil {
			return err
		}
		if f.Tokens[u.username], err = rec.NewAuthToken(); err != nil {
			return err
		}
	}
	supers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	super := core.NewRecord(supers)
	super.SetEmail("admin@example.com")
	super.SetPassword(Password)
	if err := app.Save(super); err != nil {
		return fmt.Errorf("fixture superuser: %w", err)
	}
	if f.Tokens["super"], err = super.NewAuthToken(); err != nil {
		return err
	}

	records := []struct {
		collection, id string
		data           map[string]any
	}{
		{questions.Questions, AliceQuestion, map[string]any{"title": "Should the library open on Sundays?", "author": Alice}},
		{questions.Questions, BobQuestion, map[string]any{"title": "Is the new bus timetable working?", "description": "Route 12 changed.", "author": Bob}},
		{questions.Answers, CarolAnswer, map[string]any{"question": BobQuestion, "author": Carol, "value": 4, "comment": "The 7:40 is full."}},
		{questions.Votes, CarolVote, map[string]any{"question": BobQuestion, "author": Carol, "kind": "like"}},
	}
	for _, r := range records {
		if _, err := CreateRecord(app, r.collection, r.id, r.data); err != nil {
			return err
		}
	}
	return nil
}

// NewApp clones the fixture into a test app with the fixture's hooks bound
// to cfg. A nil cfg means UTC and a clock at FixtureTime.
func (f *Fixture) NewApp(tb testing.TB, cfg *config.Config) *tests.TestApp {
	tb.Helper()
	app, err := newTestApp(f.Dir)
	if err != nil {
		tb.Fatalf("test app: %v", err)
	}
	f.bindTo(app, cfg)
	return app
}

func (f *Fixture) bindTo(app core.App, cfg *config.Config) {
	if f.bind == nil {
		return
	}
	if cfg == nil {
		cfg = config.New()
		cfg.Now = NewClock(FixtureTime).Now
	}
	f.bind(app, cfg)
}

// Factory returns a tests.ApiScenario factory over NewApp.
func (f *Fixture) Factory(cfg *config.Config) func(testing.TB) *tests.TestApp {
	return func(tb testing.TB) *tests.TestApp { return f.NewApp(tb, cfg) }
}

// CreateUser creates a user (password Password) with a fixed id.
func CreateUser(app core.App, id, username string) (*core.Record, error) {
	col, err := app.FindCollectionByNameOrId(questions.Users)
	if err != nil {
		return nil, err
	}
	rec := core.NewRecord(col)
	rec.Id = id
	rec.Set("username", username)
	rec.SetEmail(username + "@example.com")
	rec.SetPassword(Password)
	if err := app.Save(rec); err != nil {
		return nil, fmt.Errorf("create user %s: %w", username, err)
	}
	return rec, nil
}

// CreateRecord saves a record (id may be "" for a generated one).
func CreateRecord(app core.App, collection, id string, data map[string]any) (*core.Record, error) {
	col, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	rec := core.NewRecord(col)
	if id != "" {
		rec.Id = id
	}
	rec.Load(data)
	if err := app.Save(rec); err != nil {
		return nil, fmt.Errorf("create %s %s: %w", collection, id, err)
	}
	return rec, nil
}

// Client sends in-process HTTP requests through the app's full router, for
// tests that need several requests against one app.
type Client struct {
	tb      testing.TB
	handler http.Handler
}

// Serve builds the app's router, runs its OnServe hooks and returns a Client.
func Serve(tb testing.TB, app core.App) *Client {
	tb.Helper()
	router, err := apis.NewRouter(app)
	if err != nil {
		tb.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: router}
	var mux http.Handler
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		m, err := e.Router.BuildMux()
		mux = m
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return &Client{tb: tb, handler: mux}
}

// Do sends a JSON request and decodes the JSON answer (nil when empty).
func (c *Client) Do(method, url, token string, body any) (int, map[string]any) {
	c.tb.Helper()
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			c.tb.Fatal(err)
		}
		reader = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, url, reader)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	c.handler.ServeHTTP(rec, req)
	var out map[string]any
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			c.tb.Fatalf("%s %s: not JSON (%d): %s", method, url, rec.Code, rec.Body.String())
		}
	}
	return rec.Code, out
}

// Get sends a GET with headers and returns the raw answer.
func (c *Client) Get(url string, headers map[string]string) *httptest.ResponseRecorder {
	c.tb.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	c.handler.ServeHTTP(rec, req)
	return rec
}

// NewEmpty returns a migrated test app with no records and no hooks, removed
// when the test ends.
func NewEmpty(tb testing.TB) *tests.TestApp {
	tb.Helper()
	app, err := newTestApp(tb.TempDir())
	if err != nil {
		tb.Fatalf("test app: %v", err)
	}
	tb.Cleanup(app.Cleanup)
	return app
}

// Count runs a query that selects one number.
func Count(tb testing.TB, app core.App, sql string) int {
	tb.Helper()
	var n int
	if err := app.DB().NewQuery(sql).Row(&n); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return n
}

// newTestApp is tests.NewTestApp on a clone of dir, with the server's own
// connections (statements kept prepared, transactions that begin
// IMMEDIATE), so every test exercises them.
func newTestApp(dir string) (*tests.TestApp, error) {
	return tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env", DBConnect: sqlitedb.Connect})
}
