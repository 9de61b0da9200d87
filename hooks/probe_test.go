package hooks_test

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/request"
)

// Findings of an outside security probe, each shown fixed through the full
// router: body caps on every record write, media types read as RFC 9110
// says, and one-line text that hides or reorders what it says.

const usersURL = "/api/collections/users/records"

// countedBody is a request body of unknown length (no Content-Length, as
// when chunked) that counts what the server reads of it.
type countedBody struct {
	r    io.Reader
	read int64
}

func (c *countedBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

type letters struct{}

func (letters) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// chunked is head, n letters and tail, generated as read.
func chunked(head string, n int64, tail string) *countedBody {
	return &countedBody{r: io.MultiReader(strings.NewReader(head), io.LimitReader(letters{}, n), strings.NewReader(tail))}
}

const boundary = "rollcallprobe"

// multipartPart is the head of one multipart part; file names it a file.
func multipartPart(field, file string) string {
	if file == "" {
		return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n"
	}
	return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + file +
		"\"\r\nContent-Type: image/png\r\n\r\n"
}

const multipartEnd = "\r\n--" + boundary + "--\r\n"

// noisyPNG is a valid PNG of about 4 bytes a pixel, past MaxBody: noise
// does not compress.
func noisyPNG(t testing.TB, side int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.Uint32())
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Every record-write body is capped before it is read, whatever its
// encoding, and so is every other API write but a superuser's: 413 naming
// "body", nothing stored, and a chunked body is read no further than its
// cap. Files keep their own limit (the file field's MaxSize), so an avatar
// well past 64 KiB still uploads.
func TestBodiesAreCappedBeforeReading(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	multipartType := "multipart/form-data; boundary=" + boundary
	mib := int64(1 << 20)
	users, err := fixture.NewApp(t, nil).FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	avatarLimit := request.RecordBodyLimit(users, "multipart/form-data")
	if avatarLimit <= request.MaxBody {
		t.Fatalf("users' multipart limit %d leaves no room for an avatar", avatarLimit)
	}

	type bodyCase struct {
		name, method, url, as, contentType string
		body                               io.Reader
		maxRead                            int64 // for a counted body
	}
	alice := usersURL + "/" + apptest.Alice
	cases := []bodyCase{
		{"1 MiB urlencoded question", http.MethodPost, questionsURL, "alice", form,
			strings.NewReader("title=x&description=" + strings.Repeat("a", int(mib))), 0},
		{"1 MiB urlencoded question, chunked", http.MethodPost, questionsURL, "alice", form,
			chunked("title=x&description=", mib, ""), request.MaxBody + 1},
		{"31 MiB urlencoded sign-up, chunked", http.MethodPost, usersURL, "", form,
			chunked("username=newbie&email=n%40example.com&password=password123&passwordConfirm=password123&name=", 31*mib, ""), request.MaxBody + 1},
		{"1 MiB multipart question without files", http.MethodPost, questionsURL, "alice", multipartType,
			strings.NewReader(multipartPart("title", "") + strings.Repeat("a", int(mib)) + multipartEnd), 0},
		{"1 MiB multipart answer edit, chunked", http.MethodPatch, answersURL + "/" + apptest.CarolAnswer, "carol", multipartType,
			chunked(multipartPart("comment", ""), mib, multipartEnd), request.MaxBody + 1},
		{"a multipart profile name past the avatar's allowance", http.MethodPatch, alice, "alice", multipartType,
			strings.NewReader(multipartPart("name", "") + strings.Repeat("a", int(avatarLimit)) + multipartEnd), 0},
		{"31 MiB avatar, chunked", http.MethodPatch, alice, "alice", multipartType,
			chunked(multipartPart("avatar", "a.png"), 31*mib, multipartEnd), avatarLimit + 1},
		{"70 KiB JSON sign-up", http.MethodPost, usersURL, "", "application/json",
			strings.NewReader(`{"username":"newbie","name":"` + strings.Repeat("a", 70<<10) + `"}`), 0},
		// Writes that are not records: PocketBase alone reads up to 32 MiB.
		{"31 MiB JSON sign-in, chunked", http.MethodPost, "/api/collections/users/auth-with-password", "", "application/json",
			chunked(`{"identity":"alice@example.com","password":"`, 31*mib, `"}`), request.MaxBody + 1},
		{"70 KiB password-reset request", http.MethodPost, "/api/collections/users/request-password-reset", "", "application/json",
			strings.NewReader(`{"email":"` + strings.Repeat("a", 70<<10) + `@example.com"}`), 0},
		{"70 KiB realtime subscription", http.MethodPost, "/api/realtime", "alice", "application/json",
			strings.NewReader(`{"clientId":"x","subscriptions":["` + strings.Repeat("a", 70<<10) + `"]}`), 0},
	}
	for _, tc := range cases {
		var before string
		headers := map[string]string{"Content-Type": tc.contentType}
		if tc.as != "" {
			headers["Authorization"] = fixture.Tokens[tc.as]
		}
		s := tests.ApiScenario{
			Name: tc.name, Method: tc.method, URL: tc.url, Body: tc.body, Headers: headers,
			ExpectedStatus:  http.StatusRequestEntityTooLarge,
			ExpectedContent: []string{`"status":413`, `"data":{"body":{"code":"validation_too_large"`},
			ExpectedEvents:  map[string]int{"*": 0},
			TestAppFactory:  fixture.Factory(nil),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				before = snapshot(t, app)
			},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if after := snapshot(t, app); after != before {
					t.Errorf("%s: a refused body changed what is stored", tc.name)
				}
				if counted, ok := tc.body.(*countedBody); ok && counted.read > tc.maxRead {
					t.Errorf("%s: the server read %d bytes of it, more than the cap's %d", tc.name, counted.read, tc.maxRead)
				}
			},
		}
		s.Test(t)
	}

	// An avatar past 64 KiB (and under the avatar's MaxSize) still uploads.
	picture := noisyPNG(t, 200)
	if len(picture) < 2*request.MaxBody {
		t.Fatalf("the test picture is only %d bytes", len(picture))
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("name", "Alice A."); err != nil {
		t.Fatal(err)
	}
	part, err := mw.CreateFormFile("avatar", "me.png")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := part.Write(picture); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	for _, sized := range []bool{true, false} {
		var reader io.Reader = bytes.NewReader(body.Bytes())
		if !sized {
			reader = &countedBody{r: bytes.NewReader(body.Bytes())}
		}
		(&tests.ApiScenario{
			Name: "an avatar upload", Method: http.MethodPatch, URL: alice, Body: reader,
			Headers:         map[string]string{"Authorization": fixture.Tokens["alice"], "Content-Type": mw.FormDataContentType()},
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"name":"Alice A."`, `"avatar":"me`},
			ExpectedEvents:  map[string]int{"OnRecordUpdateRequest": 1},
			TestAppFactory:  fixture.Factory(nil),
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				rec, err := app.FindRecordById("users", apptest.Alice)
				if err != nil {
					t.Fatal(err)
				}
				if rec.GetString("avatar") == "" {
					t.Error("the avatar was not stored")
				}
			},
		}).Test(t)
	}
}

// A superuser's write that is not a record keeps PocketBase's own cap: a
// collections import or a settings body may pass 64 KiB.
func TestSuperuserWritesKeepPocketBasesCap(t *testing.T) {
	padding := strings.Repeat(" ", 70<<10) // whitespace keeps the JSON valid
	(&tests.ApiScenario{
		Name: "70 KiB settings body", Method: http.MethodPatch, URL: "/api/settings",
		Body:            strings.NewReader(`{"meta":{"appName":"Rollcall test"}` + padding + `}`),
		Headers:         map[string]string{"Authorization": fixture.Tokens["super"], "Content-Type": "application/json"},
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{`"appName":"Rollcall test"`},
		ExpectedEvents: map[string]int{"OnSettingsUpdateRequest": 1, "OnSettingsReload": 1, "OnModelValidate": 1,
			"OnModelUpdate": 1, "OnModelUpdateExecute": 1, "OnModelAfterUpdateSuccess": 1},
		TestAppFactory: fixture.Factory(nil),
	}).Test(t)
}

// Media types are case-insensitive and may carry parameters (RFC 9110):
// such a JSON body is read as JSON, checked as JSON, and stored.
func TestJSONMediaTypeIsCaseInsensitive(t *testing.T) {
	for _, contentType := range []string{"application/JSON", "Application/Json; charset=UTF-8", "application/json; charset=UTF-8", "application/json;charset=utf-8"} {
		(&tests.ApiScenario{
			Name: "question as " + contentType, Method: http.MethodPost, URL: questionsURL,
			Body:            strings.NewReader(`{"title":"Typed as ` + contentType + `"}`),
			Headers:         map[string]string{"Authorization": fixture.Tokens["alice"], "Content-Type": contentType},
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"title":"Typed as ` + contentType + `"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1},
			TestAppFactory:  fixture.Factory(nil),
		}).Test(t)
		// Still JSON to the strict check: a number is not a title.
		(&tests.ApiScenario{
			Name: "wrong type as " + contentType, Method: http.MethodPost, URL: questionsURL,
			Body:            strings.NewReader(`{"title":123}`),
			Headers:         map[string]string{"Authorization": fixture.Tokens["alice"], "Content-Type": contentType},
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{`"title":{"code":"validation_invalid_type"`},
			TestAppFactory:  fixture.Factory(nil),
		}).Test(t)
	}
	// A form type in capitals, with its boundary kept.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("title", "A form in capitals"); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	(&tests.ApiScenario{
		Name: "MULTIPART/FORM-DATA", Method: http.MethodPost, URL: questionsURL, Body: &body,
		Headers:         map[string]string{"Authorization": fixture.Tokens["alice"], "Content-Type": "MULTIPART/FORM-DATA; boundary=" + mw.Boundary()},
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{`"title":"A form in capitals"`},
		ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1},
		TestAppFactory:  fixture.Factory(nil),
	}).Test(t)
}

// Text that looks empty, or reorders itself, is refused in every field the
// checks cover, with a 400 naming the field and nothing stored; joiners
// inside visible text stay.
func TestInvisibleAndBidiTextIsRefused(t *testing.T) {
	q, a, u := questionsURL, answersURL, usersURL+"/"+apptest.Alice
	bob := apptest.BobQuestion
	refused := []struct{ name, as, method, url, body, contentType, field, code string }{
		{"three zero-width spaces as a title", "alice", "POST", q, `{"title":"\u200b\u200b\u200b"}`, "", "title", "invisible"},
		{"zero-width spaces through a form", "alice", "POST", q, "title=%E2%80%8B%E2%80%8B", "application/x-www-form-urlencoded", "title", "invisible"},
		{"a title edited to a BOM and a space", "alice", "PATCH", q + "/" + apptest.AliceQuestion, `{"title":"\ufeff "}`, "", "title", "invisible"},
		{"a right-to-left override in a title", "alice", "POST", q, `{"title":"Free \u202Egnp.exe"}`, "", "title", "bidi_control"},
		{"a line separator in a title", "alice", "POST", q, `{"title":"one\u2028two"}`, "", "title", "line_separator"},
		{"an isolate in a description", "alice", "POST", q, `{"title":"x","description":"a\u2066b\u2069"}`, "", "description", "bidi_control"},
		{"an invisible description", "alice", "POST", q, `{"title":"x","description":"\u2060\u200b"}`, "", "description", "invisible"},
		{"an override in a comment", "alice", "POST", a, `{"question":"` + bob + `","value":3,"comment":"ok\u202Dko"}`, "", "comment", "bidi_control"},
		{"a soft-hyphen name", "alice", "PATCH", u, `{"name":"\u00ad\u00ad"}`, "", "name", "invisible"},
		{"a right-to-left mark in a name", "alice", "PATCH", u, `{"name":"Al\u200Fice"}`, "", "name", "bidi_control"},
		{"a paragraph separator in a name", "alice", "PATCH", u, `{"name":"Al\u2029ice"}`, "", "name", "line_separator"},
		{"a username of Hangul fillers", "alice", "PATCH", u, `{"username":"\u3164\u3164\u3164"}`, "", "username", "invisible"},
	}
	for _, tc := range refused {
		var before string
		headers := map[string]string{"Authorization": fixture.Tokens[tc.as]}
		if tc.contentType != "" {
			headers["Content-Type"] = tc.contentType
		}
		(&tests.ApiScenario{
			Name: tc.name, Method: tc.method, URL: tc.url, Body: strings.NewReader(tc.body), Headers: headers,
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{`"status":400`, `"` + tc.field + `":{"code":"validation_` + tc.code + `"`},
			TestAppFactory:  fixture.Factory(nil),
			BeforeTestFunc:  func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) { before = snapshot(t, app) },
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if snapshot(t, app) != before {
					t.Errorf("%s: a refused write changed what is stored", tc.name)
				}
			},
		}).Test(t)
	}

	accepted := []struct{ name, url, body, want string }{
		{"an emoji ZWJ sequence in a title", q, "{\"title\":\"Who codes here? \U0001F469\u200D\U0001F4BB\"}", "\U0001F469\u200D\U0001F4BB"},
		{"a line separator in a description", q, `{"title":"x","description":"one\u2028two"}`, "one\u2028two"},
	}
	for _, tc := range accepted {
		(&tests.ApiScenario{
			Name: tc.name, Method: http.MethodPost, URL: tc.url, Body: strings.NewReader(tc.body),
			Headers:         map[string]string{"Authorization": fixture.Tokens["alice"]},
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{tc.want},
			TestAppFactory:  fixture.Factory(nil),
		}).Test(t)
	}
}
