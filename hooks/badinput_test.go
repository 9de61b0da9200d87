package hooks_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/internal/apptest"
)

// snapshotTables are every table a request could write: the question
// collections, both auth collections, the valuation roll and the scraper's
// bookkeeping.
var snapshotTables = []string{
	"questions", "answers", "votes", "users", core.CollectionNameSuperusers,
	"properties", "property_history", "scrape_runs", "scrape_checkpoints",
}

// snapshot renders every row and column of snapshotTables, to prove a
// refused request changed nothing (not even an "updated" time).
func snapshot(t testing.TB, app core.App) string {
	t.Helper()
	var out []string
	for _, table := range snapshotTables {
		var rows []dbx.NullStringMap
		if err := app.DB().Select("*").From(table).All(&rows); err != nil {
			t.Fatal(err)
		}
		lines := make([]string, 0, len(rows))
		for _, row := range rows {
			var b strings.Builder
			for _, col := range slices.Sorted(maps.Keys(row)) {
				fmt.Fprintf(&b, "%s=%v;", col, row[col])
			}
			lines = append(lines, b.String())
		}
		slices.Sort(lines) // tables differ in keys; row order is not data
		out = append(out, table+":\n"+strings.Join(lines, "\n"))
	}
	return strings.Join(out, "\n")
}

// offlineApps clones the valuation fixture (the question fixture plus the
// seeded roll) with the scrape trigger aimed at a loopback site that
// answers 404: a run it starts fails at once, and never goes online.
func offlineApps(t *testing.T) func(testing.TB) *tests.TestApp {
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	cfg := config.New()
	cfg.Now = apptest.NewClock(apptest.FixtureTime).Now
	cfg.Scrape.BaseURL, cfg.Scrape.Delay = srv.URL, 0
	return seededApp(cfg)
}

// deletedUser's token ("deleted") was valid until the runner deletes the
// account before the request.
const deletedUser = apptest.Carol

// requestTokens are the fixture's tokens by role plus tokens PocketBase
// must not trust, which make a request anonymous.
func requestTokens(t *testing.T) map[string]string {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	alice, err := app.FindRecordById("users", apptest.Alice)
	if err != nil {
		t.Fatal(err)
	}
	super, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	claims := func(r *core.Record) map[string]any {
		return map[string]any{
			core.TokenClaimType: core.TokenTypeAuth, core.TokenClaimId: r.Id,
			core.TokenClaimCollectionId: r.Collection().Id, core.TokenClaimRefreshable: true,
		}
	}
	sign := func(c map[string]any, key string, ttl time.Duration) string {
		token, err := security.NewJWT(c, key, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	segment := func(v any) string {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(raw)
	}
	// withPayload keeps a real token's header and signature over claims c.
	withPayload := func(token string, c map[string]any) string {
		parts := strings.Split(token, ".")
		c["exp"] = time.Now().Add(time.Hour).Unix()
		return parts[0] + "." + segment(c) + "." + parts[2]
	}
	aliceKey := alice.TokenKey() + alice.Collection().AuthToken.Secret
	bobClaims := claims(alice)
	bobClaims[core.TokenClaimId] = apptest.Bob

	tokens := maps.Clone(fixture.Tokens)
	tokens["expired"] = sign(claims(alice), aliceKey, -time.Hour)
	tokens["forged"] = sign(claims(alice), "not-the-signing-key", time.Hour)
	tokens["tampered"] = withPayload(fixture.Tokens["alice"], bobClaims)
	tokens["unsigned"] = segment(map[string]any{"alg": "none", "typ": "JWT"}) + "." + strings.Split(fixture.Tokens["alice"], ".")[1] + "."
	tokens["not a JWT"] = "Bearer ' OR 1=1 --"
	tokens["deleted"] = fixture.Tokens["carol"]
	tokens["forged super"] = sign(claims(super), "not-the-signing-key", time.Hour)
	tokens["super in alice's"] = withPayload(fixture.Tokens["alice"], claims(super))
	return tokens
}

// One corpus of bad input against every write endpoint and every custom
// API parameter: each gets a 4xx JSON answer naming the field (or "body"
// when the body itself is unreadable, or "query" when the query string
// is), never a 5xx, and nothing stored changes. Where PocketBase refuses by
// rule (an anonymous write, another user's record) it names no field and
// answers "data":{}; untrusted tokens make a request anonymous.
func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	q, a, v, u := questionsURL, answersURL, votesURL, "/api/collections/users/records"
	bob := apptest.BobQuestion
	scrape, vals, csv, runs, status := hooks.ScrapePath, hooks.ValuationsPath, hooks.ValuationsCSVPath, hooks.RunsPath, hooks.StatusPath
	prop := "/api/valuations/" + pins()["1001"]
	propRecord := "/api/collections/properties/records/" + pins()["1001"]
	long := func(n int) string { return strings.Repeat("a", n) }
	// signup is a valid sign-up body with fields replaced or added.
	signup := func(fields string) string {
		body := map[string]any{"username": "newbie", "email": "n@example.com", "password": "password123", "passwordConfirm": "password123"}
		if err := json.Unmarshal([]byte(fields), &body); err != nil {
			t.Fatal(err)
		}
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	const form = "application/x-www-form-urlencoded"

	type badInput struct {
		name, as    string // as: whose token (requestTokens), "" for none
		req, body   string // req: "METHOD url"
		contentType string // "" for JSON
		status      int
		field       string // named in data; "" for a rule refusal: "data":{}
	}
	cases := []badInput{
		// Unreadable bodies.
		{name: "truncated JSON", as: "alice", req: "POST " + q, body: `{"title":`, status: 400, field: "body"},
		{name: "invalid UTF-8", as: "alice", req: "POST " + q, body: "{\"title\":\"caf\xe9\"}", status: 400, field: "body"},
		{name: "a JSON array", as: "alice", req: "POST " + q, body: `[{"title":"x"}]`, status: 400, field: "body"},
		{name: "a JSON string", as: "alice", req: "POST " + q, body: `"title"`, status: 400, field: "body"},
		{name: "a JSON number as a vote", as: "alice", req: "POST " + v, body: `5`, status: 400, field: "body"},
		{name: "a duplicate key", as: "alice", req: "POST " + q, body: `{"title":"x","title":"y"}`, status: 400, field: "body"},
		{name: "trailing garbage", as: "alice", req: "POST " + q, body: `{"title":"x"} {}`, status: 400, field: "body"},
		{name: "a body over 64 KiB", as: "alice", req: "POST " + q, body: `{"title":"x","description":"` + long(70<<10) + `"}`, status: 413, field: "body"},
		{name: "an answer edit over 64 KiB", as: "carol", req: "PATCH " + a + "/" + apptest.CarolAnswer, body: `{"comment":"` + long(70<<10) + `"}`, status: 413, field: "body"},
		{name: "sign-up: truncated JSON", req: "POST " + u, body: `{"username":`, status: 400, field: "body"},
		{name: "sign-up: invalid UTF-8", req: "POST " + u, body: "{\"username\":\"\xff\xfe\"}", status: 400, field: "body"},
		{name: "an unsupported content type", as: "alice", req: "POST " + q, body: `{"title":"x"}`, contentType: "text/plain", status: 415, field: "body"},

		// Wrong types, missing and out-of-range values.
		{name: "title missing", as: "alice", req: "POST " + q, body: `{}`, status: 400, field: "title"},
		{name: "title empty", as: "alice", req: "POST " + q, body: `{"title":""}`, status: 400, field: "title"},
		{name: "title over 200 characters", as: "alice", req: "POST " + q, body: `{"title":"` + long(201) + `"}`, status: 400, field: "title"},
		{name: "title as a number", as: "alice", req: "POST " + q, body: `{"title":123}`, status: 400, field: "title"},
		{name: "title as an object (NoSQL-style)", as: "alice", req: "PATCH " + q + "/" + apptest.AliceQuestion, body: `{"title":{"$ne":1}}`, status: 400, field: "title"},
		{name: "title removed", as: "alice", req: "PATCH " + q + "/" + apptest.AliceQuestion, body: `{"title":null}`, status: 400, field: "title"},
		{name: "description over 5,000 characters", as: "alice", req: "POST " + q, body: `{"title":"x","description":"` + long(5001) + `"}`, status: 400, field: "description"},
		{name: "description as an object", as: "alice", req: "POST " + q, body: `{"title":"x","description":{"a":1}}`, status: 400, field: "description"},
		{name: "author as a list", as: "alice", req: "POST " + q, body: `{"title":"x","author":["a","b"]}`, status: 400, field: "author"},
		{name: "ranking as a string", as: "alice", req: "POST " + q, body: `{"title":"x","ranking":"10"}`, status: 400, field: "ranking"},
		{name: "ranking through a form", as: "alice", req: "POST " + q, body: "title=x&ranking=999", contentType: form, status: 400, field: "ranking"},
		{name: "value as a word", as: "alice", req: "POST " + a, body: `{"question":"` + bob + `","value":"five"}`, status: 400, field: "value"},
		{name: "value as a boolean", as: "alice", req: "POST " + a, body: `{"question":"` + bob + `","value":true}`, status: 400, field: "value"},
		{name: "value 3.5", as: "alice", req: "POST " + a, body: `{"question":"` + bob + `","value":3.5}`, status: 400, field: "value"},
		{name: "value 0", as: "alice", req: "POST " + a, body: `{"question":"` + bob + `","value":0}`, status: 400, field: "value"},
		{name: "value 6", as: "alice", req: "POST " + a, body: `{"question":"` + bob + `","value":6}`, status: 400, field: "value"},
		{name: "value 1e9", as: "alice", req: "POST " + a, body: `{"question":"` + bob + `","value":1e9}`, status: 400, field: "value"},
		{name: "value edited to -1", as: "carol", req: "PATCH " + a + "/" + apptest.CarolAnswer, body: `{"value":-1}`, status: 400, field: "value"},
		{name: "question missing", as: "alice", req: "POST " + a, body: `{"value":3}`, status: 400, field: "question"},
		{name: "question unknown", as: "alice", req: "POST " + a, body: `{"question":"nosuchquestion1","value":3}`, status: 400, field: "question"},
		{name: "question as a list", as: "alice", req: "POST " + a, body: `{"question":["` + bob + `","` + apptest.AliceQuestion + `"],"value":3}`, status: 400, field: "question"},
		{name: "comment as a number", as: "alice", req: "POST " + a, body: `{"question":"` + bob + `","value":3,"comment":42}`, status: 400, field: "comment"},
		{name: "kind as a number", as: "alice", req: "POST " + v, body: `{"question":"` + bob + `","kind":5}`, status: 400, field: "kind"},
		{name: "kind as a list", as: "alice", req: "POST " + v, body: `{"question":"` + bob + `","kind":["like","dislike"]}`, status: 400, field: "kind"},
		{name: "kind unknown", as: "alice", req: "POST " + v, body: `{"question":"` + bob + `","kind":"LIKE"}`, status: 400, field: "kind"},
		{name: "kind edited to unknown", as: "carol", req: "PATCH " + v + "/" + apptest.CarolVote, body: `{"kind":"meh"}`, status: 400, field: "kind"},
		{name: "sign-up: username missing", req: "POST " + u, body: signup(`{"username":null}`), status: 400, field: "username"},
		{name: "sign-up: username as a number", req: "POST " + u, body: signup(`{"username":1234}`), status: 400, field: "username"},
		{name: "sign-up: emailVisibility as a string", req: "POST " + u, body: signup(`{"emailVisibility":"yes"}`), status: 400, field: "emailVisibility"},
		{name: "sign-up: not an email", req: "POST " + u, body: signup(`{"email":"not-an-email"}`), status: 400, field: "email"},
		{name: "sign-up: password too short", req: "POST " + u, body: signup(`{"password":"short","passwordConfirm":"short"}`), status: 400, field: "password"},
		{name: "sign-up: passwords differ", req: "POST " + u, body: signup(`{"passwordConfirm":"password124"}`), status: 400, field: "passwordConfirm"},
		{name: "sign-up: verifying oneself", req: "POST " + u, body: signup(`{"verified":true}`), status: 400, field: "verified"},
		{name: "sign-up: a 70 KiB body", req: "POST " + u, body: signup(`{"name":"` + long(70<<10) + `"}`), status: 413, field: "body"},
		{name: "sign-up: a 101-character name", req: "POST " + u, body: signup(`{"name":"` + long(101) + `"}`), status: 400, field: "name"},
		{name: "a new password without the old one", as: "alice", req: "PATCH " + u + "/" + apptest.Alice, body: `{"password":"password456","passwordConfirm":"password456"}`, status: 400, field: "oldPassword"},

		// Control characters.
		{name: "NUL in a title", as: "alice", req: "POST " + q, body: `{"title":"a\u0000b"}`, status: 400, field: "title"},
		{name: "line break in a title", as: "alice", req: "POST " + q, body: `{"title":"one\ntwo"}`, status: 400, field: "title"},
		{name: "DEL in a title", as: "alice", req: "PATCH " + q + "/" + apptest.AliceQuestion, body: `{"title":"a\u007fb"}`, status: 400, field: "title"},
		{name: "C1 control in a description", as: "alice", req: "POST " + q, body: `{"title":"x","description":"a\u0085b"}`, status: 400, field: "description"},
		{name: "escape sequence in a comment", as: "alice", req: "POST " + a, body: `{"question":"` + bob + `","value":3,"comment":"\u001b[31mred"}`, status: 400, field: "comment"},
		{name: "sign-up: control character in a name", req: "POST " + u, body: signup(`{"name":"Bob\u0007"}`), status: 400, field: "name"},
		{name: "control character in a name edit", as: "alice", req: "PATCH " + u + "/" + apptest.Alice, body: `{"name":"\u001b[2J"}`, status: 400, field: "name"},
		{name: "form: invalid UTF-8 in a title", as: "alice", req: "POST " + q, body: "title=caf%E9", contentType: form, status: 400, field: "title"},
		{name: "form: NUL in a title", as: "alice", req: "POST " + q, body: "title=a%00b", contentType: form, status: 400, field: "title"},
		{name: "form: escape sequence in a comment", as: "alice", req: "POST " + a, body: "question=" + bob + "&value=3&comment=%1B%5B31m", contentType: form, status: 400, field: "comment"},
		{name: "form: control character in a name edit", as: "alice", req: "PATCH " + u + "/" + apptest.Alice, body: "name=Al%07ice", contentType: form, status: 400, field: "name"},

		// SQL and filter injection.
		{name: "question SQL injection", as: "alice", req: "POST " + a, body: `{"question":"x' OR '1'='1","value":3}`, status: 400, field: "question"},
		{name: "question filter injection", as: "alice", req: "POST " + v, body: `{"question":"` + bob + `' || id != '","kind":"like"}`, status: 400, field: "question"},
		{name: "kind filter injection", as: "alice", req: "POST " + v, body: `{"question":"` + bob + `","kind":"like' || kind != '"}`, status: 400, field: "kind"},
		{name: "sign-up: username SQL injection", req: "POST " + u, body: signup(`{"username":"x' OR 1=1 --"}`), status: 400, field: "username"},
		{name: "SQL injection in a record id", as: "alice", req: "PATCH " + q + "/x'%20OR%20'1'%3D'1", body: `{"title":"x"}`, status: 404},
		{name: "filter injection in a record id", as: "alice", req: "DELETE " + v + "/" + apptest.CarolVote + "'%20||%20id%20!%3D%20'", status: 404},

		// Other users' ids.
		{name: "another user's id as a vote's author", as: "alice", req: "POST " + v, body: `{"question":"` + bob + `","kind":"like","author":"` + apptest.Carol + `"}`, status: 400, field: "author"},
		{name: "another user's id as a question's author", as: "alice", req: "POST " + q, body: `{"title":"x","author":"` + apptest.Bob + `"}`, status: 400, field: "author"},
		{name: "another user's id through a modifier", as: "alice", req: "POST " + a, body: `{"question":"` + bob + `","value":3,"author+":"` + apptest.Carol + `"}`, status: 400, field: "author"},
		{name: "a vote handed to another user", as: "carol", req: "PATCH " + v + "/" + apptest.CarolVote, body: `{"author":"` + apptest.Alice + `"}`, status: 400, field: "author"},
		{name: "an answer moved to another question", as: "carol", req: "PATCH " + a + "/" + apptest.CarolAnswer, body: `{"question":"` + apptest.AliceQuestion + `"}`, status: 400, field: "question"},
		{name: "editing another user's question", as: "alice", req: "PATCH " + q + "/" + bob, body: `{"title":"Mine now"}`, status: 404},
		{name: "deleting another user's question", as: "alice", req: "DELETE " + q + "/" + bob, status: 404},
		{name: "editing another user's answer", as: "alice", req: "PATCH " + a + "/" + apptest.CarolAnswer, body: `{"value":1}`, status: 404},
		{name: "deleting another user's vote", as: "alice", req: "DELETE " + v + "/" + apptest.CarolVote, status: 404},
		{name: "editing another user's profile", as: "alice", req: "PATCH " + u + "/" + apptest.Carol, body: `{"name":"Mallory"}`, status: 404},
		{name: "deleting another user's account", as: "alice", req: "DELETE " + u + "/" + apptest.Bob, status: 404},
		{name: "a question created with another's id", as: "alice", req: "POST " + q, body: `{"id":"` + bob + `","title":"x"}`, status: 400, field: "id"},
		{name: "a question's id changed to another's", as: "alice", req: "PATCH " + q + "/" + apptest.AliceQuestion, body: `{"id":"` + bob + `"}`, status: 400, field: "id"},
		{name: "sign-up: another user's id", req: "POST " + u, body: signup(`{"id":"` + apptest.Alice + `"}`), status: 400, field: "id"},
		{name: "sign-up: another user's username", req: "POST " + u, body: signup(`{"username":"alice"}`), status: 400, field: "username"},
		{name: "taking another user's username", as: "alice", req: "PATCH " + u + "/" + apptest.Alice, body: `{"username":"bob"}`, status: 400, field: "username"},
		{name: "taking another user's email", as: "alice", req: "PATCH " + u + "/" + apptest.Alice, body: `{"email":"bob@example.com"}`, status: 400, field: "email"},

		// Untrusted tokens: PocketBase ignores them, so the write is anonymous.
		{name: "expired token asks", as: "expired", req: "POST " + q, body: `{"title":"x"}`, status: 400},
		{name: "expired token edits", as: "expired", req: "PATCH " + q + "/" + apptest.AliceQuestion, body: `{"title":"x"}`, status: 404},
		{name: "forged token deletes", as: "forged", req: "DELETE " + q + "/" + apptest.AliceQuestion, status: 404},
		{name: "tampered token (alice's, made bob's) edits", as: "tampered", req: "PATCH " + q + "/" + bob, body: `{"title":"x"}`, status: 404},
		{name: "unsigned token votes", as: "unsigned", req: "POST " + v, body: `{"question":"` + apptest.AliceQuestion + `","kind":"like"}`, status: 400},
		{name: "not a JWT asks", as: "not a JWT", req: "POST " + q, body: `{"title":"x"}`, status: 400},
		{name: "deleted user's token answers", as: "deleted", req: "POST " + a, body: `{"question":"` + apptest.AliceQuestion + `","value":3}`, status: 400},
		{name: "deleted user's token edits a profile", as: "deleted", req: "PATCH " + u + "/" + apptest.Alice, body: `{"name":"x"}`, status: 404},
		{name: "forged superuser token triggers a scrape", as: "forged super", req: "POST " + scrape, body: `{"roll":"full"}`, status: 401},
		{name: "forged superuser token edits a property", as: "forged super", req: "PATCH " + propRecord, body: `{"market_value":1}`, status: 403},
		{name: "forged superuser token creates a superuser", as: "forged super", req: "POST /api/collections/_superusers/records", body: `{"email":"x@example.com","password":"password123","passwordConfirm":"password123"}`, status: 403},
		{name: "superuser claims in alice's token delete a property", as: "super in alice's", req: "DELETE " + propRecord, status: 403},
		{name: "superuser claims in alice's token trigger a scrape", as: "super in alice's", req: "POST " + scrape, status: 401},

		// The scrape trigger's body, as a superuser.
		{name: "scrape: unknown roll", as: "super", req: "POST " + scrape, body: `{"roll":"commercial"}`, status: 400, field: "roll"},
		{name: "scrape: roll SQL injection", as: "super", req: "POST " + scrape, body: `{"roll":"full' OR 1=1 --"}`, status: 400, field: "roll"},
		{name: "scrape: truncated JSON", as: "super", req: "POST " + scrape, body: `{"roll":`, status: 400, field: "body"},
		{name: "scrape: invalid UTF-8", as: "super", req: "POST " + scrape, body: "{\"suburb\":\"caf\xe9\"}", status: 400, field: "body"},
		{name: "scrape: a JSON array", as: "super", req: "POST " + scrape, body: `[]`, status: 400, field: "body"},
		{name: "scrape: roll as a number", as: "super", req: "POST " + scrape, body: `{"roll":5}`, status: 400, field: "roll"},
		{name: "scrape: details as a string", as: "super", req: "POST " + scrape, body: `{"details":"yes"}`, status: 400, field: "details"},
		{name: "scrape: a 5,000-character suburb", as: "super", req: "POST " + scrape, body: `{"suburb":"` + long(5000) + `"}`, status: 400, field: "suburb"},
		{name: "scrape: a 70 KiB body", as: "super", req: "POST " + scrape, body: `{"suburb":"` + long(70<<10) + `"}`, status: 413, field: "body"},
		{name: "scrape: a form body", as: "super", req: "POST " + scrape, body: "roll=full", contentType: form, status: 415, field: "body"},
		{name: "scrape: control character in a suburb", as: "super", req: "POST " + scrape, body: `{"suburb":"a\u0000b"}`, status: 400, field: "suburb"},
		{name: "scrape: an unknown field", as: "super", req: "POST " + scrape, body: `{"rolls":"full"}`, status: 400, field: "rolls"},
		{name: "scrape: an unknown parameter", as: "super", req: "POST " + scrape + "?roll=sectional", status: 400, field: "roll"},

		// The valuation list's parameters.
		{name: "list: unknown parameter", req: "GET " + vals + "?foo=1", status: 400, field: "foo"},
		{name: "list: PocketBase's filter", req: "GET " + vals + "?filter=id%20!%3D%20''", status: 400, field: "filter"},
		{name: "list: repeated parameter", req: "GET " + vals + "?suburb=A&suburb=B", status: 400, field: "suburb"},
		{name: "list: malformed query string", req: "GET " + vals + "?address=%zz", status: 400, field: "query"},
		{name: "list: invalid UTF-8 parameter name", req: "GET " + vals + "?%FF=1", status: 400, field: "query"},
		{name: "list: roll unknown", req: "GET " + vals + "?roll=both", status: 400, field: "roll"},
		{name: "list: roll SQL injection", req: "GET " + vals + "?roll=full'%20OR%201%3D1%20--", status: 400, field: "roll"},
		{name: "list: rateNumber not digits", req: "GET " + vals + "?rateNumber=12a", status: 400, field: "rateNumber"},
		{name: "list: rateNumber SQL injection", req: "GET " + vals + "?rateNumber=1%20OR%201%3D1", status: 400, field: "rateNumber"},
		{name: "list: rateNumberPrefix LIKE wildcard", req: "GET " + vals + "?rateNumberPrefix=0%25", status: 400, field: "rateNumberPrefix"},
		{name: "list: suburb invalid UTF-8", req: "GET " + vals + "?suburb=%FF", status: 400, field: "suburb"},
		{name: "list: suburb too long", req: "GET " + vals + "?suburb=" + long(101), status: 400, field: "suburb"},
		{name: "list: scheme NUL", req: "GET " + vals + "?scheme=SS%001", status: 400, field: "scheme"},
		{name: "list: scheme too long", req: "GET " + vals + "?scheme=" + long(201), status: 400, field: "scheme"},
		{name: "list: useCode out of range", req: "GET " + vals + "?useCode=9999999", status: 400, field: "useCode"},
		{name: "list: useCode escape sequence", req: "GET " + vals + "?useCode=%1B%5B31m", status: 400, field: "useCode"},
		{name: "list: ratingCategory too long", req: "GET " + vals + "?ratingCategory=" + long(101), status: 400, field: "ratingCategory"},
		{name: "list: owner too short", req: "GET " + vals + "?owner=ab", status: 400, field: "owner"},
		{name: "list: owner NUL", req: "GET " + vals + "?owner=abc%00def", status: 400, field: "owner"},
		{name: "list: address too short", req: "GET " + vals + "?address=x", status: 400, field: "address"},
		{name: "list: address invalid UTF-8", req: "GET " + vals + "?address=%ff%fe%fd", status: 400, field: "address"},
		{name: "list: streetNumber too long", req: "GET " + vals + "?streetNumber=" + long(21), status: 400, field: "streetNumber"},
		{name: "list: marketValueMin a word", req: "GET " + vals + "?marketValueMin=abc", status: 400, field: "marketValueMin"},
		{name: "list: marketValueMin negative", req: "GET " + vals + "?marketValueMin=-5", status: 400, field: "marketValueMin"},
		{name: "list: marketValueMin above max", req: "GET " + vals + "?marketValueMin=10&marketValueMax=5", status: 400, field: "marketValueMin"},
		{name: "list: marketValueMax a fraction", req: "GET " + vals + "?marketValueMax=1.5", status: 400, field: "marketValueMax"},
		{name: "list: marketValueMax overflows", req: "GET " + vals + "?marketValueMax=99999999999999999999", status: 400, field: "marketValueMax"},
		{name: "list: extentMin NaN", req: "GET " + vals + "?extentMin=NaN", status: 400, field: "extentMin"},
		{name: "list: extentMin above max", req: "GET " + vals + "?extentMin=5&extentMax=1", status: 400, field: "extentMin"},
		{name: "list: extentMax negative", req: "GET " + vals + "?extentMax=-1", status: 400, field: "extentMax"},
		{name: "list: extentMax huge", req: "GET " + vals + "?extentMax=1e16", status: 400, field: "extentMax"},
		{name: "list: gone not a boolean", req: "GET " + vals + "?gone=yes", status: 400, field: "gone"},
		{name: "list: gone SQL injection", req: "GET " + vals + "?gone=true'%20OR%20'1'%3D'1", status: 400, field: "gone"},
		{name: "list: changedSince a word", req: "GET " + vals + "?changedSince=yesterday", status: 400, field: "changedSince"},
		{name: "list: changedSince month 13", req: "GET " + vals + "?changedSince=2026-13-01", status: 400, field: "changedSince"},
		{name: "list: sort unknown", req: "GET " + vals + "?sort=price", status: 400, field: "sort"},
		{name: "list: sort twice descending", req: "GET " + vals + "?sort=--marketValue", status: 400, field: "sort"},
		{name: "list: sort filter injection", req: "GET " + vals + "?sort=id%20!%3D%20''", status: 400, field: "sort"},
		{name: "list: sort SQL injection", req: "GET " + vals + "?sort=marketValue%3BDROP%20TABLE%20properties", status: 400, field: "sort"},
		{name: "list: page 0", req: "GET " + vals + "?page=0", status: 400, field: "page"},
		{name: "list: page past the limit", req: "GET " + vals + "?page=100001", status: 400, field: "page"},
		{name: "list: page a word", req: "GET " + vals + "?page=two", status: 400, field: "page"},
		{name: "list: perPage 0", req: "GET " + vals + "?perPage=0", status: 400, field: "perPage"},
		{name: "list: perPage 201", req: "GET " + vals + "?perPage=201", status: 400, field: "perPage"},
		{name: "list: perPage overflows", req: "GET " + vals + "?perPage=99999999999999999999999", status: 400, field: "perPage"},

		// The CSV export's parameters (the list's, without pages).
		{name: "export: page", req: "GET " + csv + "?page=1", status: 400, field: "page"},
		{name: "export: perPage", req: "GET " + csv + "?perPage=10", status: 400, field: "perPage"},
		{name: "export: unknown parameter", req: "GET " + csv + "?format=xlsx", status: 400, field: "format"},
		{name: "export: marketValueMin a word", req: "GET " + csv + "?marketValueMin=x", status: 400, field: "marketValueMin"},
		{name: "export: owner invalid UTF-8", req: "GET " + csv + "?owner=%FF%FF%FF", status: 400, field: "owner"},
		{name: "export: sort unknown", req: "GET " + csv + "?sort=owner", status: 400, field: "sort"},
		{name: "export: malformed query string", req: "GET " + csv + "?%", status: 400, field: "query"},

		// One property: its id and (no) parameters.
		{name: "property: id with capitals and a dash", req: "GET /api/valuations/NOT-AN-ID", status: 400, field: "id"},
		{name: "property: id too long", req: "GET /api/valuations/" + long(16), status: 400, field: "id"},
		{name: "property: id invalid UTF-8", req: "GET /api/valuations/%FF", status: 400, field: "id"},
		{name: "property: id NUL", req: "GET /api/valuations/%00", status: 400, field: "id"},
		{name: "property: id SQL injection", req: "GET /api/valuations/'%20OR%201%3D1%20--", status: 400, field: "id"},
		{name: "property: id filter injection", req: "GET /api/valuations/id%20!%3D%20''", status: 400, field: "id"},
		{name: "property: a parameter", req: "GET " + prop + "?expand=history", status: 400, field: "expand"},

		// The run log's parameter.
		{name: "runs: limit 0", req: "GET " + runs + "?limit=0", status: 400, field: "limit"},
		{name: "runs: limit 51", req: "GET " + runs + "?limit=51", status: 400, field: "limit"},
		{name: "runs: limit negative", req: "GET " + runs + "?limit=-1", status: 400, field: "limit"},
		{name: "runs: limit a fraction", req: "GET " + runs + "?limit=1.5", status: 400, field: "limit"},
		{name: "runs: limit invalid UTF-8", req: "GET " + runs + "?limit=%FF", status: 400, field: "limit"},
		{name: "runs: limit SQL injection", req: "GET " + runs + "?limit=1%3BDROP%20TABLE%20scrape_runs", status: 400, field: "limit"},
		{name: "runs: a raw semicolon", req: "GET " + runs + "?limit=1;DROP%20TABLE%20scrape_runs", status: 400, field: "query"},
		{name: "runs: limit repeated", req: "GET " + runs + "?limit=1&limit=2", status: 400, field: "limit"},
		{name: "runs: unknown parameter", req: "GET " + runs + "?since=1", status: 400, field: "since"},

		// The status takes no parameters.
		{name: "status: unknown parameter", req: "GET " + status + "?verbose=1", status: 400, field: "verbose"},
		{name: "status: filter injection", req: "GET " + status + "?filter=id%20!%3D%20''", status: 400, field: "filter"},
		{name: "status: malformed query string", req: "GET " + status + "?a=%G0", status: 400, field: "query"},

		{name: "top: unknown parameter", req: "GET " + hooks.TopPath + "?page=2", status: 400, field: "page"},
		{name: "top: filter injection", req: "GET " + hooks.TopPath + "?filter=id%20!%3D%20''", status: 400, field: "filter"},
		{name: "top: invalid UTF-8 parameter name", req: "GET " + hooks.TopPath + "?%FF=1", status: 400, field: "query"},
		{name: "export: invalid UTF-8 parameter name", req: "GET " + csv + "?%FF=1", status: 400, field: "query"},
		{name: "runs: invalid UTF-8 parameter name", req: "GET " + runs + "?%FF=1", status: 400, field: "query"},
		{name: "status: invalid UTF-8 parameter name", req: "GET " + status + "?%FF=1", status: 400, field: "query"},
		{name: "property: invalid UTF-8 parameter name", req: "GET " + prop + "?%FF=1", status: 400, field: "query"},
	}

	tokens := requestTokens(t)
	apps := offlineApps(t)
	for _, tc := range cases {
		if tc.status < 400 || tc.status > 499 {
			t.Fatalf("%s: the corpus holds refusals only (4xx), not %d", tc.name, tc.status)
		}
		method, url, _ := strings.Cut(tc.req, " ")
		headers := map[string]string{}
		if tc.as != "" {
			headers["Authorization"] = tokens[tc.as]
		}
		if tc.contentType != "" {
			headers["Content-Type"] = tc.contentType
		}
		named := `"` + tc.field + `":{"code":"validation_`
		if tc.field == "" {
			named = `"data":{}`
		}
		s := tests.ApiScenario{
			Name:            tc.name,
			Method:          method,
			URL:             url,
			Body:            strings.NewReader(tc.body),
			Headers:         headers,
			ExpectedStatus:  tc.status,
			ExpectedContent: []string{`"status":` + itoa(tc.status), named},
			TestAppFactory:  apps,
		}
		var before string
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
			if tc.as == "deleted" {
				rec, err := app.FindRecordById("users", deletedUser)
				if err != nil {
					t.Fatal(err)
				}
				if err := app.Delete(rec); err != nil {
					t.Fatal(err)
				}
			}
			before = snapshot(t, app)
		}
		s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
			raw, err := io.ReadAll(res.Body)
			if err != nil || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || !json.Valid(raw) {
				t.Errorf("%s: want a JSON answer, got %q: %q (%v)", tc.name, res.Header.Get("Content-Type"), raw, err)
			}
			if after := snapshot(t, app); after != before {
				t.Errorf("%s: a refused request changed stored data", tc.name)
			}
		}
		s.Test(t)
	}
}

// Filters cannot widen what a rule lets a user see.
func TestFilterCannotWidenRules(t *testing.T) {
	for _, filter := range []string{"author != ''", "(1=1) || id != ''", "author = '" + apptest.Carol + "'"} {
		s := tests.ApiScenario{
			Name: "votes filter " + filter, Method: http.MethodGet,
			URL:     votesURL + "?filter=" + urlEscape(filter),
			Headers: auth("alice"), ExpectedStatus: 200,
			ExpectedContent: []string{`"items":[]`}, NotExpectedContent: []string{apptest.CarolVote},
			TestAppFactory: fixture.Factory(nil),
		}
		s.Test(t)
	}
}
