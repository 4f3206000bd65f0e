package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"

	"shopbooks/assets"
	"shopbooks/assets/i18n"
	"shopbooks/ledger"
	"shopbooks/report"
)

// usedKeys lists every catalog key the window uses: the literals in the source and the
// keys it builds from names (areas, roles, account categories, ...).
func usedKeys(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	lit := regexp.MustCompile(`"((?:ui|field)\.[a-z0-9_.]*[a-z0-9_])"`)
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
	}
	for id, a := range areas {
		seen["ui.area."+id] = true
		if !a.built && len(a.children) == 0 && groupOf(id) == "" || id == "settlement" {
			seen["ui.soon."+id] = true
		}
	}
	for _, g := range navRoots {
		if len(areas[g].children) > 0 && g != "master" && g != "setup" {
			seen["ui.soon."+g] = true
		}
	}
	for _, r := range ledger.Roles {
		seen["ui.role."+string(r)] = true
	}
	for _, c := range []string{"A", "L", "E", "C", "P"} {
		seen["ui.acct.cat."+c] = true
	}
	for _, x := range []string{"ui.acct.side.D", "ui.acct.side.C", "ui.acct.aux.customer", "ui.acct.aux.supplier",
		"ui.acct.aux.partner", "ui.acct.aux.item", "ui.taxpayer.general", "ui.taxpayer.small",
		"ui.soon.backup", "ui.soon.audit_log", "ui.soon.close"} {
		seen[x] = true
	}
	for _, l := range report.Layouts {
		seen["ui.export.short."+l] = true
	}
	for _, fam := range []string{"item", "partner", "opening"} {
		for _, k := range []string{"ui.import.good.", "ui.import.title.", "ui.import.done."} {
			seen[k+fam] = true
		}
	}
	for _, id := range []string{"items", "warehouses", "partners", "accounts", "users", "opening", "opening_stock"} {
		seen["ui.form.title."+id] = true
		if id != "items" {
			seen["ui.search.placeholder."+id] = true
		}
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	return out
}

// TestCatalog: every key the window uses is in both languages, and the two languages have
// the same ui. keys.
func TestCatalog(t *testing.T) {
	for _, k := range usedKeys(t) {
		for _, l := range i18n.Langs {
			if !i18n.For(l).Has(k) {
				t.Errorf("%s: missing in %s", k, l)
			}
		}
	}
	zh, en := i18n.For(i18n.ZH), i18n.For(i18n.EN)
	for _, k := range zh.Keys() {
		if strings.HasPrefix(k, "ui.") && !en.Has(k) {
			t.Errorf("%s: in zh-CN only", k)
		}
	}
	for _, k := range en.Keys() {
		if strings.HasPrefix(k, "ui.") && !zh.Has(k) {
			t.Errorf("%s: in en only", k)
		}
	}
}

// TestFontCoversCatalog: every character of every message (ours and the refusals) has a
// glyph in the embedded font, so nothing renders as a tofu box.
func TestFontCoversCatalog(t *testing.T) {
	// Fyne falls back from the theme's font to its own (Latin) face glyph by glyph
	var faces []*font.Face
	for _, b := range [][]byte{assets.FontCJK, theme.DefaultTextFont().Content()} {
		f, err := font.ParseTTF(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		faces = append(faces, f)
	}
	has := func(r rune) bool {
		for _, f := range faces {
			if _, ok := f.NominalGlyph(r); ok {
				return true
			}
		}
		return false
	}
	missing := map[rune]string{}
	for _, l := range i18n.Langs {
		c := i18n.For(l)
		for _, k := range c.Keys() {
			for _, r := range c.T(k) {
				if r < ' ' {
					continue
				}
				if !has(r) {
					missing[r] = k
				}
			}
		}
	}
	for r, k := range missing {
		t.Errorf("no glyph for %q (U+%04X) in %s", r, r, k)
	}
}

// TestButtonsFit: toolbar and column titles fit their widths in both languages.
func TestButtonsFit(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(newTheme())
	s := &session{}
	for _, l := range i18n.Langs {
		s.cat = i18n.For(l)
		s.lang = l
		for _, cols := range [][]colInfo{colsOf(itemsEntity(s).columns), colsOf(partnersEntity(s).columns),
			colsOf(warehousesEntity(s).columns), colsOf(usersEntity(s).columns)} {
			for _, c := range cols {
				w := fyne.MeasureText(s.t(c.title), 14, fyne.TextStyle{}).Width + 8 // the header's padding
				if w > c.width+16 {
					t.Errorf("%s: column %q needs %.0f, has %.0f", l, s.t(c.title), w, c.width)
				}
			}
		}
	}
}

func colsOf[T any](cs []column[T]) []colInfo {
	out := make([]colInfo, len(cs))
	for i, c := range cs {
		out[i] = colInfo{c.title, c.width, c.right}
	}
	return out
}

// BenchmarkItemFilter filters 10,000 items in the view-model by a 助记码 and by a code.
func BenchmarkItemFilter(b *testing.B) {
	s := &session{cat: i18n.For(i18n.ZH), lang: i18n.ZH}
	m := newMaster(s, itemsEntity(s))
	names := []string{"洗衣液", "抽纸", "矿泉水", "方便面", "酱油", "香皂", "牙膏", "饼干"}
	rows := make([]ledger.Item, 10000)
	for i := range rows {
		n := fmt.Sprintf("%s%dml", names[i%len(names)], i)
		rows[i] = ledger.Item{Code: fmt.Sprintf("I%05d", i), Name: n, Mnemonic: ledger.Mnemonic(n), Unit: "瓶", Active: true,
			Barcode: fmt.Sprintf("69%011d", i)}
	}
	m.setRows(rows)
	m.SortBy(1)
	b.ResetTimer()
	for b.Loop() {
		m.SetFilter("xyy")
		m.SetFilter("I012")
		m.SetFilter("")
	}
}
