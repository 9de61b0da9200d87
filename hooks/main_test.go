package hooks_test

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/apptest"
)

var fixture *apptest.Fixture

func TestMain(m *testing.M) {
	var err error
	fixture, err = apptest.Build()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fixture:", err)
		os.Exit(1)
	}
	code := m.Run()
	fixture.Close()
	os.Exit(code)
}

func auth(role string) map[string]string {
	return map[string]string{"Authorization": fixture.Tokens[role]}
}

func body(s string) *strings.Reader { return strings.NewReader(s) }

func itoa(n int) string { return strconv.Itoa(n) }

func urlEscape(s string) string { return url.QueryEscape(s) }
