// Package ui serves the embedded pages in pb_public and keeps unknown /api/
// paths from falling through to them.
package ui

import (
	"io/fs"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Register serves public (the contents of pb_public) on every GET path that
// no other route claims.
func Register(app core.App, public fs.FS) {
	static := apis.Static(public, true)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/{path...}", func(e *core.RequestEvent) error {
			// PocketBase's catch-all would answer a mistyped API call with the
			// HTML page and 200; an API client must get a JSON 404 instead.
			if isAPIPath(e.Request.URL.Path) {
				return e.NotFoundError("No such API endpoint.", nil)
			}
			return static(e)
		})
		return se.Next()
	})
}

func isAPIPath(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/")
}
