package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestExportStockLedger: `export stock-ledger` writes the movements of a range with their
// running quantity and amount, as a workbook and as CSV, for every item or one; a bad
// range or no file is refused, and a refused export leaves no file behind.
func TestExportStockLedger(t *testing.T) {
	t.Parallel()
	s := smallShop(t) // A001: 100 in at 10.00 on 01-05, 30 out on 01-15, 10 returned on 01-16
	s.ok("doc", "new", "transfer", "--date", "2025-01-17", "--warehouse", "W1", "--to-warehouse", "W2", "--line", "A001:20", "--audit")
	x := filepath.Join(s.dir, "led.xlsx")
	c := filepath.Join(s.dir, "led.csv")
	s.ok("export", "stock-ledger", "--from", "2025-01", "--to", "2025-02", "--xlsx", x, "--csv", c)
	rows := sheetRows(t, x, "库存明细账")
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	rows[5][0], err = f.GetCellValue("库存明细账", "A6") // a date cell, shown as a date
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	// title, info, two header rows; the opening; receipt, delivery, purchase return, the
	// transfer's out and in.
	if len(rows) != 10 {
		t.Fatalf("%d rows: %q", len(rows), rows)
	}
	if r := rows[5]; r[0] != "2025-01-05" || r[2] != "采购入库单" || r[3] != "A001" || r[7] != "100" || r[9] != "1000" || r[14] != "100" ||
		r[16] != "1000" {
		t.Errorf("the receipt: %q", r)
	}
	if r := rows[9]; r[2] != "调拨单" || r[6] != "W2" || r[14] != "60" || r[16] != "600" {
		t.Errorf("the transfer's in: %q", r)
	}
	data, err := os.ReadFile(c)
	if err != nil || !strings.HasPrefix(string(data), "\uFEFF日期,单据编号,摘要") ||
		!strings.Contains(string(data), "2025-01-15,"+rows[6][1]+",销售出库单,A001,矿泉水,瓶,W1,,,,30,10.00,300.00,,70,10.00,700.00") {
		t.Errorf("CSV:\n%s (%v)", data, err)
	}

	one := filepath.Join(s.dir, "one.xlsx")
	s.ok("export", "stock-ledger", "--period", "2025-02", "--item", "A001", "--xlsx", one)
	rows = sheetRows(t, one, "库存明细账")
	if len(rows) != 5 || rows[4][2] != "期初结存" || rows[4][14] != "60" || rows[4][16] != "600" {
		t.Errorf("February, A001 only: %q", rows)
	}

	bad := filepath.Join(s.dir, "bad.xlsx")
	s.fails(1, "export", "stock-ledger", "--from", "2025-02", "--to", "2025-01", "--xlsx", bad)
	s.fails(1, "export", "stock-ledger", "--period", "2025-01", "--item", "NOPE", "--xlsx", bad)
	s.fails(2, "export", "stock-ledger", "--period", "2025-01")
	s.fails(2, "export", "stock-ledger", "--xlsx", bad)
	s.fails(2, "export", "stock-ledger", "--period", "2025-01", "--from", "2025-01", "--xlsx", bad)
	if left, _ := filepath.Glob(filepath.Join(s.dir, "*bad.xlsx*")); len(left) != 0 {
		t.Errorf("a refused export left %v", left)
	}
}

// TestExportVoucherRange: `export vouchers --from --to` writes the vouchers of every
// month of the range, in month order.
func TestExportVoucherRange(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	s.ok("opening", "set", "1001", "1000")
	s.ok("opening", "set", "3001", "1000")
	s.ok("voucher", "new", "--date", "2025-01-10", "--line", "1002:300:0:存现", "--line", "1001:0:300:存现", "--audit")
	s.ok("voucher", "new", "--date", "2025-03-02", "--line", "1001:50:0:取现", "--line", "1002:0:50:取现")
	x := filepath.Join(s.dir, "v.xlsx")
	c := filepath.Join(s.dir, "v.csv")
	s.ok("export", "vouchers", "--from", "2025-01", "--to", "2025-03", "--xlsx", x, "--csv", c)
	rows := sheetRows(t, x, "凭证")
	if len(rows) != 5 || rows[1][0] != "2025-01-10" || rows[3][0] != "2025-03-02" || rows[3][2] != "3" || rows[3][10] != "50" {
		t.Errorf("rows: %q", rows)
	}
	data, err := os.ReadFile(c)
	if err != nil || strings.Count(string(data), "\r\n") != 5 || !strings.Contains(string(data), "2025-03-02,2025,3,记,1,0,1,取现,1001,") {
		t.Errorf("CSV:\n%s (%v)", data, err)
	}
	s.ok("export", "vouchers", "--from", "2025-02", "--xlsx", x)
	rows = sheetRows(t, x, "凭证")
	if len(rows) != 1 {
		t.Errorf("February has no vouchers: %q", rows)
	}
	s.fails(1, "export", "vouchers", "--from", "2025-03", "--to", "2025-01", "--xlsx", x)
}

// sheetRows reads a sheet of a workbook, cells as raw values.
func sheetRows(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
