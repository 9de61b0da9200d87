package request

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// counter counts what is read from an endless body.
type counter struct{ n int64 }

func (c *counter) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	c.n += int64(len(p))
	return len(p), nil
}

// A capped body stops one byte past its cap with a 413 naming "body", and
// never asks the client for more.
func TestCappedBodyStopsAtItsCap(t *testing.T) {
	src := &counter{}
	body := &cappedBody{ReadCloser: io.NopCloser(src), remaining: MaxBody, limit: MaxBody}
	raw, err := io.ReadAll(body)
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusRequestEntityTooLarge || apiErr.Data["body"] == nil {
		t.Fatalf("got %v, want a 413 naming body", err)
	}
	if len(raw) != MaxBody || src.n > MaxBody+1 {
		t.Errorf("kept %d bytes and read %d from the client, want %d and at most one more", len(raw), src.n, MaxBody)
	}

	exact := &cappedBody{ReadCloser: io.NopCloser(strings.NewReader(strings.Repeat("a", MaxBody))), remaining: MaxBody, limit: MaxBody}
	if raw, err := io.ReadAll(exact); err != nil || len(raw) != MaxBody {
		t.Errorf("a body of exactly the cap: %d bytes, %v", len(raw), err)
	}
}

// Files get their own allowance, in multipart bodies only; JSON fields size
// themselves as PocketBase does.
func TestRecordBodyLimit(t *testing.T) {
	c := core.NewBaseCollection("things")
	c.Fields.Add(&core.TextField{Name: "title"})
	if got := RecordBodyLimit(c, "multipart/form-data"); got != MaxBody {
		t.Errorf("no files: %d, want %d", got, MaxBody)
	}
	c.Fields.Add(&core.FileField{Name: "avatar", MaxSize: 1 << 20}, &core.FileField{Name: "docs", MaxSize: 2 << 20, MaxSelect: 3})
	if got, want := RecordBodyLimit(c, "multipart/form-data"), int64(MaxBody+1<<20+3*2<<20); got != want {
		t.Errorf("multipart with files: %d, want %d", got, want)
	}
	for _, mediaType := range []string{"application/json", "application/x-www-form-urlencoded"} {
		if got := RecordBodyLimit(c, mediaType); got != MaxBody {
			t.Errorf("%s carries no files: %d, want %d", mediaType, got, MaxBody)
		}
	}
	c.Fields.Add(&core.JSONField{Name: "meta", MaxSize: 1000})
	if got := RecordBodyLimit(c, "application/json"); got != MaxBody+1000 {
		t.Errorf("a JSON field: %d, want %d", got, MaxBody+1000)
	}
}
