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

// Document returns the committed OpenAPI document.
func Document() []byte { return document }

// Serve answers GET /api/openapi.yaml with the document.
func Serve(e *core.RequestEvent) error {
	e.Response.Header().Set("Cache-Control", "no-cache")
	return e.Blob(http.StatusOK, "application/yaml", document)
}
