// Package openapi serves the committed OpenAPI document of Rollcall's own
// endpoints. The document is written by hand in openapi.yaml; tests hold the
// server to it (see openapi/contract).
package openapi

import (
	_ "embed"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

//go:embed openapi.yaml
var document []byte

// Path is where the document is served.
const Path = "/api/openapi.yaml"

// Route is a custom route, as registered with PocketBase's router. Every
// package that registers routes lists them, because the router cannot list
// its routes; a test checks the list against the document.
type Route struct {
	Method string
	Path   string
}

// Routes are the routes this package registers.
var Routes = []Route{{http.MethodGet, Path}}

// Document returns the committed OpenAPI document.
func Document() []byte { return document }

// Register serves the document.
func Register(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET(Path, func(e *core.RequestEvent) error {
			e.Response.Header().Set("Cache-Control", "no-cache")
			return e.Blob(http.StatusOK, "application/yaml", document)
		})
		return se.Next()
	})
}
