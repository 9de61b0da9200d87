// Package ui serves the embedded pages in pb_public: versioned assets with
// long cache lifetimes, the page shell for the app's routes, the API docs page
// at /docs, a Content Security Policy, and 404s (never the page) for unknown
// files and /api/ paths.
package ui

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// ContentSecurityPolicy allows only this origin's scripts, styles, images
// and connections: nothing is loaded from another host. It holds for every
// page, /docs too: Swagger UI 5 (vendored by ui/vendor-docs.sh) runs under it
// as it is, since it sets styles through the DOM, not with inline style
// attributes or style elements, needs no eval, and draws its icons from
// data: images (e2e/docs_test.go fails on any violation). An upgrade that
// needs more gets a policy of its own for /docs, never a weaker global one.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"

// pageRoutes are the app's own URLs, answered with the page shell.
// Profiles are /u/<username>, usernames being ^[a-z0-9_]{3,30}$. A suburb
// page is /valuations/suburbs/<name>: names hold spaces, '&', '.', ',' and
// more, so any one path segment of up to 200 printable characters.
// Mail links carry a PocketBase token (a JWT: three base64url parts) in
// the path; maxPagePath bounds them (Go's regexp caps repeat counts at 1000).
var pageRoutes = regexp.MustCompile(`^/(|ask|mine|signin|signup|forgot|account|moderation|valuations|questions|u/[a-z0-9_]{3,30}|questions/[a-z0-9]{1,15}|questions/[a-z0-9]{1,15}/edit|valuations/[a-z0-9]{1,15}|valuations/suburbs/[^/\x00-\x1f\x7f]{1,200}|(?:reset|verify|confirm-email)/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$`)

// maxPagePath is the longest page path answered with 200: a PocketBase
// token is a few hundred characters.
const maxPagePath = 4096

// Site is the public file system prepared for serving.
type Site struct {
	files   fs.FS
	version string            // hash of every file: part of asset URLs
	etags   map[string]string // per file, for revalidation
	shell   []byte            // index.html with versioned asset URLs
	docs    []byte            // docs.html with versioned asset URLs
}

// NewSite hashes public's files and prepares the page shell and the docs
// page.
func NewSite(public fs.FS) (*Site, error) {
	s := &Site{files: public, etags: map[string]string{}}
	all := sha256.New()
	err := fs.WalkDir(public, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(public, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		s.etags[name] = `"` + hex.EncodeToString(sum[:8]) + `"`
		all.Write([]byte(name))
		all.Write(sum[:])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hash pb_public: %w", err)
	}
	s.version = hex.EncodeToString(all.Sum(nil))[:12]
	index, err := fs.ReadFile(public, "index.html")
	if err != nil {
		return nil, fmt.Errorf("pb_public has no index.html: %w", err)
	}
	s.shell = s.versioned(index)
	docs, err := fs.ReadFile(public, "docs.html")
	if err != nil {
		return nil, fmt.Errorf("pb_public has no docs.html: %w", err)
	}
	s.docs = s.versioned(docs)
	return s, nil
}

// versioned rewrites a page's asset URLs to this build's versioned ones.
func (s *Site) versioned(page []byte) []byte {
	return bytes.ReplaceAll(page, []byte(`"/assets/`), []byte(`"/assets/v-`+s.version+`/`))
}

// Version identifies this build's assets.
func (s *Site) Version() string { return s.version }

// Serve answers one GET that no other route claims (hooks binds it last).
func (s *Site) Serve(e *core.RequestEvent) error {
	p := e.Request.URL.Path
	// PocketBase's catch-all would answer a mistyped API call with the
	// page and 200; an API client must get a JSON 404 instead.
	if p == "/api" || strings.HasPrefix(p, "/api/") {
		return e.NotFoundError("No such API endpoint.", nil)
	}
	h := e.Response.Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("Referrer-Policy", "same-origin")
	if isMailLink(p) {
		// The token is in the path: the page's own asset requests must not
		// carry it along as their referer.
		h.Set("Referrer-Policy", "no-referrer")
	}

	if rest, ok := strings.CutPrefix(p, "/assets/"); ok {
		name := "assets/" + rest
		if version, file, found := strings.Cut(rest, "/"); found && strings.HasPrefix(version, "v-") {
			name = "assets/" + file
			if version == "v-"+s.version {
				h.Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				h.Set("Cache-Control", "no-cache") // a page from an older build: current files, revalidated
			}
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		return s.file(e, name)
	}
	page := p == "/" || (len(p) <= maxPagePath && pageRoutes.MatchString(strings.TrimSuffix(p, "/")))
	// robots.txt, favicon.ico, …: the file or 404. Mail links hold dots
	// too: a page, even when mangled (the app says the link is broken).
	if path.Ext(p) != "" && !page && !isMailLink(p) {
		h.Set("Cache-Control", "no-cache")
		return s.file(e, strings.TrimPrefix(p, "/"))
	}
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Type", "text/html; charset=utf-8")
	if p == "/docs" || p == "/docs/" { // the API docs: their own page, not the app's shell
		e.Response.WriteHeader(http.StatusOK)
		_, err := e.Response.Write(s.docs)
		return err
	}
	status := http.StatusOK
	if !page {
		status = http.StatusNotFound // the app shows its own "not found" view
	}
	e.Response.WriteHeader(status)
	_, err := e.Response.Write(s.shell)
	return err
}

// isMailLink says whether p is under one of the paths mailed links open.
func isMailLink(p string) bool {
	for _, prefix := range []string{"/reset/", "/verify/", "/confirm-email/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

func (s *Site) file(e *core.RequestEvent, name string) error {
	etag, ok := s.etags[name]
	if !ok || strings.Contains(name, "..") {
		return e.NotFoundError("No such file.", nil)
	}
	f, err := s.files.Open(name)
	if err != nil {
		return e.NotFoundError("No such file.", nil)
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		return e.InternalServerError("Unseekable file.", nil)
	}
	e.Response.Header().Set("ETag", etag)
	http.ServeContent(e.Response, e.Request, path.Base(name), time.Time{}, rs)
	return nil
}

// QuietMailLinks keeps requests for mailed links out of the request log when
// they succeed: their path holds a token (a password reset's is good for 30
// minutes), which the log would keep for days.
func QuietMailLinks() *hook.Handler[*core.RequestEvent] {
	skip := apis.SkipSuccessActivityLog()
	return &hook.Handler[*core.RequestEvent]{
		Id: "rollcallQuietMailLinks",
		Func: func(e *core.RequestEvent) error {
			if isMailLink(e.Request.URL.Path) {
				return skip.Func(e)
			}
			return e.Next()
		},
	}
}
