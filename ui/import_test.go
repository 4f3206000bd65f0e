package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// waitImport waits until the import dialog's reading or writing has ended.
func waitImport(t *testing.T, v *importDialog) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var busy bool
		fyne.DoAndWait(func() { busy = v.busy })
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the import did not finish")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// screenOf opens the screen id and returns it.
func screenOf[T any](t *testing.T, s *session, id string) T {
	t.Helper()
	s.open(id)
	v, ok := s.screens[id].(T)
	if !ok {
		t.Fatalf("screen %s not open: %T", id, s.screens[id])
	}
	return v
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportItems: 导入 on the items screen previews the file with every bad row marked
// with its reason and offers no import while one is bad (nothing written); a good file
// is written whole, the list shows the new items.
func TestImportItems(t *testing.T) {
	_, path := monthBook(t)
	s := openWithConfig(t, path, "items", "zh-CN")
	sc := screenOf[*masterScreen](t, s, "items")
	before := sc.m.Len()
	dir := t.TempDir()

	bad := writeFile(t, dir, "bad.csv", "编码,名称,单位,售价\nN1,新品一,瓶,12.5\nA,重复,瓶,1\nN2,新品二,斤两,1\nN3,新品三,瓶,12.345.6\n")
	v := s.previewImport("item", bad, sc.imported)
	waitImport(t, v)
	m := v.m
	if m.Len() != 4 || m.bad != 3 || m.CanImport() || !v.goB.Disabled() {
		t.Fatalf("bad file: %d rows, %d bad, can import %v, button disabled %v: %+v", m.Len(), m.bad, m.CanImport(), v.goB.Disabled(), m.lines)
	}
	if got := m.Cell(0, "problem"); got != "✓" || m.Cell(0, "code") != "N1" || m.Cell(0, "line") != "2" {
		t.Errorf("a good row: %q %q %q", m.Cell(0, "line"), m.Cell(0, "code"), got)
	}
	for r, want := range map[int]string{1: "A", 2: "斤两", 3: "12.345.6"} {
		if got := m.Cell(r, "problem"); !strings.HasPrefix(got, "× ") || !strings.Contains(got, want) {
			t.Errorf("row %d's problem %q does not name %s", r, got, want)
		}
	}
	v.table.Select(widget.TableCellID{Row: 2, Col: 1}) // the whole problem of the selected row, under the table
	if !strings.Contains(v.detail.Text, "第 4 行") || !strings.Contains(v.detail.Text, "斤两") {
		t.Errorf("the selected row's problem: %q", v.detail.Text)
	}
	if !strings.Contains(v.summary.Text, "3") || !strings.Contains(v.summary.Text, "bad.csv") {
		t.Errorf("summary: %q", v.summary.Text)
	}
	v.run() // offered no import: nothing happens
	waitImport(t, v)
	if _, err := s.book.Item(s.ctx, "N1"); ledger.CodeOf(err) != ledger.CodeUnknownItem {
		t.Fatalf("a file with bad rows wrote N1: %v", err)
	}
	v.d.Hide()

	good := writeFile(t, dir, "good.csv", "编码,名称,单位,售价,税率\nN1,新品一,瓶,12.5,13\nN2,新品二,瓶,3,9\n")
	v = s.previewImport("item", good, sc.imported)
	waitImport(t, v)
	if !v.m.CanImport() || v.goB.Disabled() || v.m.Len() != 2 {
		t.Fatalf("good file: %d rows, can import %v, summary %q", v.m.Len(), v.m.CanImport(), v.summary.Text)
	}
	v.run()
	waitImport(t, v)
	for code, sell := range map[string]ledger.Price{"N1": 12_500_000, "N2": 3_000_000} {
		it, err := s.book.Item(s.ctx, code)
		if err != nil || it.Sell != sell {
			t.Errorf("%s after the import: %+v %v", code, it, err)
		}
	}
	if sc.m.Len() != before+2 {
		t.Errorf("the list shows %d items, want %d", sc.m.Len(), before+2)
	}
}

// TestImportRefusedFile: a file that is not a table is refused whole, with its reason.
func TestImportRefusedFile(t *testing.T) {
	_, path := monthBook(t)
	s := openWithConfig(t, path, "partners", "en")
	dir := t.TempDir()
	junk := writeFile(t, dir, "junk.xlsx", "this is not a workbook")
	v := s.previewImport("partner", junk, nil)
	waitImport(t, v)
	if v.m.fileErr == "" || v.m.CanImport() || v.m.Len() != 0 || v.summary.Text != v.m.fileErr {
		t.Errorf("junk file: fileErr %q, summary %q", v.m.fileErr, v.summary.Text)
	}
	v = s.previewImport("partner", filepath.Join(dir, "missing.csv"), nil)
	waitImport(t, v)
	if !strings.Contains(v.m.fileErr, "missing.csv") {
		t.Errorf("missing file: %q", v.m.fileErr)
	}
}

// TestImportOpenings: a file of opening balances and stock, imported from the opening
// screen: both its lists and its check follow.
func TestImportOpenings(t *testing.T) {
	_, path := monthBook(t)
	s := openWithConfig(t, path, "opening", "zh-CN")
	o := screenOf[*openingScreen](t, s, "opening")
	stockBefore := o.stock.m.Len()
	file := writeFile(t, t.TempDir(), "opening.csv", "科目,往来单位,商品,仓库,数量,金额\n1002,,,,,5000\n,,B,W2,100,500\n")
	v := s.previewImport("opening", file, o.balances.imported)
	waitImport(t, v)
	if !v.m.CanImport() || v.m.Len() != 2 {
		t.Fatalf("openings: %d rows, summary %q", v.m.Len(), v.summary.Text)
	}
	v.run()
	waitImport(t, v)
	if o.stock.m.Len() != stockBefore+1 {
		t.Errorf("the stock list shows %d rows, want %d", o.stock.m.Len(), stockBefore+1)
	}
	found := false
	for r := range o.balances.m.Len() {
		if o.balances.m.Cell(r, 0) == "1002" {
			found = true
		}
	}
	if !found {
		t.Error("the balances list does not show 1002")
	}
}
