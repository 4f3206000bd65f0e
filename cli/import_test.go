package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func (s *shop) file(name, content string) string {
	s.t.Helper()
	p := filepath.Join(s.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// TestImportThroughTheCLI: a broken file is refused with every bad row named and
// nothing written; --dry-run previews; a good file imports in one go.
func TestImportThroughTheCLI(t *testing.T) {
	s := initShop(t)
	n0 := len(s.csvRows("item", "list", "--all"))

	junk := s.file("junk.xlsx", strings.Repeat("\x8b\x1f garbage ", 300))
	if msg := s.fails(1, "item", "import", junk); !strings.Contains(msg, "not an Excel workbook") {
		t.Errorf("junk: %q", msg)
	}
	bad := s.file("items.csv", "code,name,unit\nB1,ok,pcs\nB2,,pcs\nB3,bad price,pcs,abc\n")
	msg := s.fails(1, "item", "import", bad)
	for _, w := range []string{"2 problems, nothing was written", "line 3: Name is required.", "line 4: The row has 4 values"} {
		if !strings.Contains(msg, w) {
			t.Errorf("refusal lacks %q:\n%s", w, msg)
		}
	}
	if n := len(s.csvRows("item", "list", "--all")); n != n0 {
		t.Fatalf("a refused import wrote: %d → %d", n0, n)
	}

	good := s.file("good.csv", "编码,名称,单位,销售价\nG1,Good one,pcs,12.50\nG2,好的,个,\n")
	out := s.ok("item", "import", good, "--dry-run")
	if !strings.Contains(out, "G1") || !strings.Contains(out, "2 items would be imported") {
		t.Errorf("dry run:\n%s", out)
	}
	if n := len(s.csvRows("item", "list", "--all")); n != n0 {
		t.Fatal("--dry-run wrote")
	}
	if out := s.ok("item", "import", good); !strings.Contains(out, "2 items imported") {
		t.Errorf("import: %q", out)
	}
	if n := len(s.csvRows("item", "list", "--all")); n != n0+2 {
		t.Fatalf("%d items, want %d", n, n0+2)
	}
	// Again: both codes are taken now.
	msg = s.fails(1, "--lang", "zh-CN", "item", "import", good)
	if !strings.Contains(msg, "第 2 行") || !strings.Contains(msg, "第 3 行") {
		t.Errorf("taken codes:\n%s", msg)
	}

	// An xlsx with a merged cell names it.
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"编码", "名称", "单位"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"X1", "合并", "个"})
	f.MergeCell("Sheet1", "B2", "C2")
	merged := filepath.Join(s.dir, "merged.xlsx")
	if err := f.SaveAs(merged); err != nil {
		t.Fatal(err)
	}
	if msg := s.fails(1, "item", "import", merged); !strings.Contains(msg, "merged cells (B2:C2)") {
		t.Errorf("merged: %q", msg)
	}

	// Partners and opening balances.
	ps := s.file("p.csv", "编码,名称,客户/供应商,账期\nS01,大批发,供应商,30\nC01,老主顾,客户,\n")
	if out := s.ok("partner", "import", ps); !strings.Contains(out, "2 partners imported") {
		t.Errorf("partners: %q", out)
	}
	s.ok("warehouse", "add", "--code", "W1", "--name", "主仓")
	op := s.file("o.csv", "科目,往来单位,金额\n1001,,1000\n1122,C01,200\n")
	if out := s.ok("opening", "import", op); !strings.Contains(out, "2 opening balances set") {
		t.Errorf("openings: %q", out)
	}
	st := s.file("s.csv", "商品,仓库,数量,金额\nG1,W1,10,80\nG9,W1,1,1\n")
	if msg := s.fails(1, "opening", "import", st); !strings.Contains(msg, "line 3") {
		t.Errorf("stock: %q", msg)
	}
}

// TestExportThroughTheCLI: export vouchers in both layouts and as CSV, and the hand-off,
// each readable; a missing --xlsx/--csv and an unknown layout are usage errors.
func TestExportThroughTheCLI(t *testing.T) {
	s := initShop(t)
	s.ok("opening", "set", "1001", "1000")
	s.ok("opening", "set", "3001", "1000")
	s.ok("voucher", "new", "--date", "2025-01-10", "--line", "1002:300:0:存现", "--line", "1001:0:300:存现", "--audit")
	x := filepath.Join(s.dir, "v.xlsx")
	s.ok("export", "vouchers", "--period", "2025-01", "--xlsx", x)
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("凭证", excelize.Options{RawCellValue: true})
	f.Close()
	if len(rows) != 3 || rows[0][0] != "日期" || rows[1][8] != "1002" || rows[1][10] != "300" || rows[2][11] != "300" {
		t.Errorf("kingdee rows: %v", rows)
	}
	y := filepath.Join(s.dir, "y.xlsx")
	c := filepath.Join(s.dir, "y.csv")
	s.ok("export", "vouchers", "--period", "2025-01", "--xlsx", y, "--layout", "yonyou", "--csv", c)
	data, err := os.ReadFile(c)
	if err != nil || !strings.Contains(string(data), "制单日期,凭证类别") || !strings.Contains(string(data), "2025-01-10,记,1,0,存现,1002,") {
		t.Errorf("yonyou CSV: %q %v", data, err)
	}
	s.fails(2, "export", "vouchers", "--period", "2025-01")
	s.fails(2, "export", "vouchers", "--period", "2025-01", "--xlsx", x, "--layout", "sap")
	h := filepath.Join(s.dir, "h.xlsx")
	s.ok("export", "handoff", "--period", "2025-01", "--xlsx", h)
	f, err = excelize.OpenFile(h)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sh := f.GetSheetList(); len(sh) != 8 || sh[0] != "交接说明" || sh[6] != "销售毛利表" || sh[7] != "记账凭证" {
		t.Errorf("hand-off sheets %v", sh)
	}
	d := filepath.Join(s.dir, "d.csv")
	s.ok("export", "documents", "--period", "2025-01", "--csv", d)
	if data, err := os.ReadFile(d); err != nil || !strings.HasPrefix(strings.TrimPrefix(string(data), "\uFEFF"), "日期,单据编号") {
		t.Errorf("documents CSV: %q %v", data, err)
	}
	// every export is in the audit trail, with what it covered
	trail := s.ok("audit", "--format", "csv")
	for _, w := range []string{"vouchers 2025-01 kingdee", "vouchers 2025-01 yonyou", "statements handoff 2025-01", "documents 2025-01"} {
		if !strings.Contains(trail, w) {
			t.Errorf("the trail has no export %q:\n%s", w, trail)
		}
	}
}

// `item list --xlsx` and `partner list --xlsx` write the listed records in the layout the
// import reads: exported from one book, they import into another.
func TestListExportImportsElsewhere(t *testing.T) {
	s := initShop(t)
	s.ok("item", "add", "--code", "007", "--name", "洗衣液2kg", "--unit", "瓶", "--sell", "32", "--buy", "21.5", "--barcode", "06901234567890")
	s.ok("partner", "add", "--code", "C9", "--name", "明辉餐厅", "--customer", "--terms", "30", "--phone", "013800000001")
	items, partners := filepath.Join(s.dir, "items.xlsx"), filepath.Join(s.dir, "partners.xlsx")
	s.ok("item", "list", "--search", "洗衣液", "--xlsx", items)
	s.ok("partner", "list", "--customers", "--xlsx", partners)

	other := initShop(t)
	if out := other.ok("item", "import", items); !strings.Contains(out, "1 items imported") && !strings.Contains(out, "1 item imported") {
		t.Errorf("items into another book: %q", out)
	}
	if out := other.ok("item", "show", "007"); !strings.Contains(out, "06901234567890") || !strings.Contains(out, "32.00") {
		t.Errorf("the item imported: %s", out)
	}
	other.ok("partner", "import", partners)
	if out := other.ok("partner", "show", "C9"); !strings.Contains(out, "013800000001") {
		t.Errorf("the partner imported: %s", out)
	}
	if out := s.ok("audit", "--format", "csv"); !strings.Contains(out, "book.export") {
		t.Errorf("the exports are not in the trail:\n%s", out)
	}
}
