// Package contract holds Rollcall's HTTP tests to the committed OpenAPI
// document: every request a test makes and every response it gets must match
// it. Only tests import this package, so the validator stays out of the binary.
package contract

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/openapi"
)

// Checker validates requests and responses against the document.
type Checker struct {
	Doc    *openapi3.T
	router routers.Router
}

// Load parses and validates the committed document.
func Load() (*Checker, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.Document())
	if err != nil {
		return nil, fmt.Errorf("parse openapi.yaml: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	// Tests talk to in-process servers on any host: match paths only.
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route openapi.yaml: %w", err)
	}
	return &Checker{Doc: doc, router: router}, nil
}

// Check validates one exchange; an undocumented path, parameter, status or
// body shape is an error.
func (c *Checker) Check(req *http.Request, status int, header http.Header, body []byte) error {
	return c.check(req, status, header, body, false)
}

// CheckResponse validates the response to a request the document refuses.
func (c *Checker) CheckResponse(req *http.Request, status int, header http.Header, body []byte) error {
	return c.check(req, status, header, body, true)
}

func (c *Checker) check(req *http.Request, status int, header http.Header, body []byte, responseOnly bool) error {
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("%s %s is not in openapi.yaml: %w", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if responseOnly {
		in.Options.ExcludeRequestBody = true
	} else if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return fmt.Errorf("request %s %s breaks openapi.yaml: %w", req.Method, req.URL, err)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("response %d to %s %s breaks openapi.yaml: %w", status, req.Method, req.URL, err)
	}
	return nil
}

// Scenario makes s also check its request and response against the document.
func (c *Checker) Scenario(s tests.ApiScenario) tests.ApiScenario {
	return c.scenario(s, false)
}

// ResponseScenario checks only the response: for requests that break the
// document on purpose (bad parameters), whose answer must still match it.
func (c *Checker) ResponseScenario(s tests.ApiScenario) tests.ApiScenario {
	return c.scenario(s, true)
}

// ByStatus is ResponseScenario for a scenario expecting 400 (its request
// breaks the document on purpose) and Scenario for any other.
func (c *Checker) ByStatus(s tests.ApiScenario) tests.ApiScenario {
	return c.scenario(s, s.ExpectedStatus == http.StatusBadRequest)
}

func (c *Checker) scenario(s tests.ApiScenario, responseOnly bool) tests.ApiScenario {
	after := s.AfterTestFunc
	s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		t.Helper()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(s.Method, s.URL, strings.NewReader(""))
		for k, v := range s.Headers {
			req.Header.Set(k, v)
		}
		check := c.Check
		if responseOnly {
			check = c.CheckResponse
		}
		if err := check(req, res.StatusCode, res.Header, body); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
		if after != nil {
			res.Body = io.NopCloser(bytes.NewReader(body))
			after(t, app, res)
		}
	}
	return s
}
