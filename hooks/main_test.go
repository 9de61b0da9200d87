package hooks_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/apptest"
)

var fixture *apptest.Fixture

func TestMain(m *testing.M) { apptest.Main(m, &fixture) }

func auth(role string) map[string]string {
	return map[string]string{"Authorization": fixture.Tokens[role]}
}

func body(s string) *strings.Reader { return strings.NewReader(s) }

func itoa(n int) string { return strconv.Itoa(n) }

func urlEscape(s string) string { return url.QueryEscape(s) }
