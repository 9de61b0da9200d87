package hooks_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/internal/apptest"
)

var fixture *apptest.Fixture

func TestMain(m *testing.M) { apptest.Main(m, &fixture, register) }

// register binds what the binary binds, with a minimal site.
func register(app core.App, cfg *config.Config) { hooks.Register(app, cfg, apptest.Pages) }

func auth(role string) map[string]string {
	return map[string]string{"Authorization": fixture.Tokens[role]}
}

func body(s string) *strings.Reader { return strings.NewReader(s) }

func itoa(n int) string { return strconv.Itoa(n) }

func urlEscape(s string) string { return url.QueryEscape(s) }
