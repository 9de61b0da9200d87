package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/rollcall/rollcall"

// pkg is one package of the module as `go list` sees it (test files aside).
type pkg struct {
	path    string
	imports []string // direct
	deps    []string // everything it is built from
}

// layoutRule is one import rule of README's layout section.
type layoutRule struct {
	what   string
	breaks func(p pkg) []string // the offending imports
}

func ours(path string) bool { return path == module || strings.HasPrefix(path, module+"/") }

func pocketBase(path string) bool { return strings.HasPrefix(path, "github.com/pocketbase/") }

func matching(list []string, bad func(string) bool) []string {
	var out []string
	for _, p := range list {
		if bad(p) {
			out = append(out, p)
		}
	}
	return out
}

// only applies check to the package named rel (relative to the module).
func only(rel string, check func(pkg) []string) func(pkg) []string {
	return func(p pkg) []string {
		if p.path != module+"/"+rel {
			return nil
		}
		return check(p)
	}
}

var layoutRules = []layoutRule{
	{"ranking imports nothing of ours or PocketBase's", only("ranking", func(p pkg) []string {
		return matching(p.deps, func(d string) bool { return ours(d) || pocketBase(d) })
	})},
	{"scraper (the pipeline) imports no PocketBase", only("scraper", func(p pkg) []string {
		return matching(p.deps, pocketBase)
	})},
	{"migrations imports no Rollcall package", only("migrations", func(p pkg) []string {
		return matching(p.deps, ours)
	})},
	{"nothing below main imports hooks", func(p pkg) []string {
		if p.path == module {
			return nil
		}
		return matching(p.deps, func(d string) bool { return d == module+"/hooks" })
	}},
	{"valuations does not import scraper/store", only("valuations", func(p pkg) []string {
		return matching(p.deps, func(d string) bool { return d == module+"/scraper/store" })
	})},
	{"commands imports no HTTP code", only("commands", func(p pkg) []string {
		return matching(p.imports, func(d string) bool {
			return slices.Contains([]string{"hooks", "request", "ui", "openapi", "valuations/trigger"}, strings.TrimPrefix(d, module+"/"))
		})
	})},
}

func layoutViolations(pkgs []pkg) []string {
	var out []string
	for _, rule := range layoutRules {
		for _, p := range pkgs {
			for _, bad := range rule.breaks(p) {
				out = append(out, rule.what+": "+p.path+" → "+bad)
			}
		}
	}
	return out
}

// listPackages runs `go list` with the toolchain running this test.
func listPackages(t *testing.T) []pkg {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	out, err := exec.Command(goTool, "list", "-f", "{{.ImportPath}}\t{{join .Imports \" \"}}\t{{join .Deps \" \"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		pkgs = append(pkgs, pkg{path: f[0], imports: strings.Fields(f[1]), deps: strings.Fields(f[2])})
	}
	return pkgs
}

// The import rules README's layout section states hold for the module.
func TestLayoutRules(t *testing.T) {
	pkgs := listPackages(t)
	for _, name := range []string{"ranking", "scraper", "migrations", "hooks", "valuations", "commands"} {
		if !slices.ContainsFunc(pkgs, func(p pkg) bool { return p.path == module+"/"+name }) {
			t.Fatalf("go list found no package %s: the rules would check nothing", name)
		}
	}
	for _, v := range layoutViolations(pkgs) {
		t.Error(v)
	}
}

// Each rule refuses what it names: a planted graph breaking all of them is
// reported once per rule.
func TestLayoutRulesRefuse(t *testing.T) {
	m := func(rel string) string { return module + "/" + rel }
	planted := []pkg{
		{path: m("ranking"), deps: []string{m("config")}},
		{path: m("scraper"), deps: []string{"github.com/pocketbase/pocketbase/core"}},
		{path: m("migrations"), deps: []string{m("questions")}},
		{path: m("ui"), deps: []string{m("hooks")}},
		{path: m("valuations"), deps: []string{m("scraper/store")}},
		{path: m("commands"), imports: []string{m("request")}},
		{path: module, deps: []string{m("hooks")}}, // main may
	}
	got := layoutViolations(planted)
	if len(got) != len(layoutRules) {
		t.Fatalf("want one violation per rule (%d), got %d:\n%s", len(layoutRules), len(got), strings.Join(got, "\n"))
	}
	for i, rule := range layoutRules {
		if !strings.HasPrefix(got[i], rule.what) {
			t.Errorf("rule %q did not refuse its planted import; got %q", rule.what, got[i])
		}
	}
}
