package e2e

import (
	"os"
	"strings"
	"sync"
	"testing"
)

// axe-core (vendored in testdata for the tests only, never shipped) audits
// every page a test opens; a serious or critical violation fails the test.
var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// auditScript runs axe on the page and lists its serious and critical
// violations, one line each (empty when there are none).
const auditScript = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
	.filter(v => v.impact === "serious" || v.impact === "critical")
	.map(v => v.impact + " " + v.id + ": " + v.help + " (" + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ") + ")")
	.join("\n"))`

// Audit runs axe on the page as it is now.
func (tb *Tab) Audit(what string) {
	tb.t.Helper()
	if found := tb.violations(); found != "" {
		tb.t.Errorf("accessibility (axe-core) on %s:\n%s", what, found)
	}
}

func (tb *Tab) violations() string {
	tb.t.Helper()
	axeOnce.Do(func() {
		var b []byte
		b, axeErr = os.ReadFile("testdata/axe-core/axe.min.js")
		axeSource = string(b)
	})
	if axeErr != nil {
		tb.t.Fatalf("axe-core: %v", axeErr)
	}
	// Evaluated through the DevTools protocol, which the page's CSP does not govern.
	Eval[bool](tb, `(() => { if (!window.axe) { `+axeSource+`
} return true })()`)
	return strings.TrimSpace(Eval[string](tb, auditScript))
}

// The audit itself finds what it is for: a page with an unlabelled input
// and an image without alt text fails it.
func TestAuditFindsViolations(t *testing.T) {
	s := StartServer(t)
	tab := NewBrowser(t).Tab()
	tab.Open(s, "/")
	Eval[bool](tab, `(() => { const i = document.createElement("input"); const img = document.createElement("img");
		img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw="; document.querySelector("main").append(i, img); return true })()`)
	found := tab.violations()
	if !strings.Contains(found, "label") || !strings.Contains(found, "image-alt") {
		t.Fatalf("axe found %q on a page with an unlabelled input and an image without alt text", found)
	}
}
