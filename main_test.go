package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"shopbooks/assets/i18n"
)

// TestImportDirection keeps ARCHITECTURE.md's arrows pointing down, even indirectly.
func TestImportDirection(t *testing.T) {
	mustNotReach := map[string][]string{
		"store":   {"ledger", "closing", "report", "ui", "cli", "fyne.io"},
		"ledger":  {"closing", "report", "ui", "cli", "fyne.io"},
		"closing": {"ui", "cli", "fyne.io"},
		"report":  {"ui", "cli", "fyne.io", "closing"},
		"cli":     {"ui", "fyne.io"},
		"ui":      {"cli"},
		"assets":  {"shopbooks/", "fyne.io"},
		"i18n":    {"shopbooks/ledger", "shopbooks/store", "fyne.io"},
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./...").Output()
	if err != nil {
		t.Fatal(err)
	}
	// Directly: ui and cli never see database/sql; only main.go builds the Fyne app.
	direct, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./cli/...", "./ui/...").Output()
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(direct)) {
		pkg, imps, _ := strings.Cut(strings.TrimSpace(line), " ")
		for imp := range strings.FieldsSeq(imps) {
			if imp == "database/sql" || imp == "fyne.io/fyne/v2/app" || strings.HasPrefix(imp, "shopbooks/store") {
				t.Errorf("%s imports %s", pkg, imp)
			}
		}
	}
	for line := range strings.Lines(string(out)) {
		pkg, deps, _ := strings.Cut(strings.TrimSpace(line), " ")
		name := path.Base(pkg)
		for dep := range strings.FieldsSeq(deps) {
			for _, bad := range mustNotReach[name] {
				if strings.HasSuffix(bad, "/") && strings.HasPrefix(dep, bad) ||
					path.Base(dep) == bad && strings.HasPrefix(dep, "shopbooks/") || dep == bad || strings.HasPrefix(dep, bad+"/") {
					t.Errorf("%s reaches %s", pkg, dep)
				}
			}
		}
	}
}

// TestCatalogHasEveryCode: every ledger.Code has its message in both languages, and both
// languages have the same keys.
func TestCatalogHasEveryCode(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("ledger/*errors*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no ledger/*errors*.go: %v", err)
	}
	var codes []string
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		inspectCodes(f, &codes)
	}
	if len(codes) < 20 {
		t.Fatalf("found only %d codes in ledger/*errors*.go", len(codes))
	}
	checkCatalog(t, codes)
}

func inspectCodes(f *ast.File, codes *[]string) {
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil {
			return true
		}
		if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Code" {
			for _, v := range vs.Values {
				if lit, ok := v.(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(lit.Value)
					*codes = append(*codes, s)
				}
			}
		}
		return true
	})
}

func checkCatalog(t *testing.T, codes []string) {
	t.Helper()
	for _, l := range i18n.Langs {
		c := i18n.For(l)
		for _, code := range codes {
			if !c.Has("err." + code) {
				t.Errorf("%s: no message for err.%s", l, code)
			}
		}
	}
	zh, en := i18n.For(i18n.ZH), i18n.For(i18n.EN)
	for _, k := range zh.Keys() {
		if !en.Has(k) {
			t.Errorf("en lacks %s", k)
		}
	}
	for _, k := range en.Keys() {
		if !zh.Has(k) {
			t.Errorf("zh-CN lacks %s", k)
		}
	}
}
