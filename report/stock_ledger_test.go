package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// wantLedgerRows are the stock ledger export's rows of the periods from–to, cell by cell as
// raw text, built from each item's ledger.Book.StockLedger (period by period, the
// openings of the later periods dropped) independently of stockLedgerRow.
func wantLedgerRows(t *testing.T, b *ledger.Book, u *ledger.User, from, to ledger.Period, cost bool) [][]string {
	t.Helper()
	items, err := b.Items(t.Context(), ledger.ItemFilter{Inactive: true})
	if err != nil {
		t.Fatal(err)
	}
	num := func(n int64, scale float64) string { return strconv.FormatFloat(float64(n)/scale, 'f', -1, 64) }
	qty := func(q ledger.Qty) string {
		if q == 0 {
			return ""
		}
		return num(int64(q), 1e4)
	}
	price := func(p ledger.Price) string {
		if p == 0 || !cost {
			return ""
		}
		return num(int64(p), 1e6)
	}
	money := func(show bool, m ledger.Money) string {
		if !show || !cost {
			return ""
		}
		return num(int64(m), 100)
	}
	cat := i18n.For(i18n.ZH)
	var out [][]string
	for _, it := range items {
		var rows []ledger.LedgerRow
		for p := from; p <= to; p = p.Next() {
			led, err := b.StockLedger(t.Context(), u, it.Code, p)
			if err != nil {
				t.Fatal(err)
			}
			if p != from {
				led = led[1:]
			}
			rows = append(rows, led...)
		}
		if len(rows) == 1 {
			continue // no movement in the range
		}
		for _, r := range rows {
			summary, moved := cat.T("cli.doc.type."+string(r.Type)), r.Type != ledger.DocTransfer
			if r.Number == "" {
				summary, moved = "期初结存", false
			}
			out = append(out, []string{string(r.Date), r.Number, summary, it.Code, it.Name, it.Unit, r.Warehouse,
				qty(r.InQty), price(r.InCost), money(moved && r.InQty != 0, r.InAmount),
				qty(r.OutQty), price(r.OutCost), money(moved && r.OutQty != 0, r.OutAmount), money(r.Adj != 0, r.Adj),
				num(int64(r.Qty), 1e4), price(r.UnitCost), money(true, r.Amount)})
		}
	}
	return out
}

// TestStockLedgerWorkbook exports the stock ledgers of a generated book's closed months
// (one month, and the three), and of its last month reopened, reads the workbooks back
// and compares every cell with each item's StockLedger; numbers and dates are number
// cells (a date shown as 2025-01-05); the
// header, the merges, the frozen panes and the page setup are there. A clerk without
// PermViewCost gets quantities only. The CSV carries the same rows.
func TestStockLedgerWorkbook(t *testing.T) {
	ctx := t.Context()
	b, u := stockDemo(t)
	check := func(t *testing.T, u *ledger.User, from, to ledger.Period, cost bool) {
		want := wantLedgerRows(t, b, u, from, to, cost)
		if len(want) < 20 {
			t.Fatalf("only %d rows to compare", len(want))
		}
		var buf bytes.Buffer
		if err := StockLedgerWorkbook(ctx, &buf, b, u, "", from, to); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		const sh = "库存明细账"
		if got := strings.Join(f.GetSheetList(), ","); got != sh {
			t.Fatalf("sheets %s", got)
		}
		rows, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(want)+4 {
			t.Fatalf("%d rows, want %d", len(rows), len(want)+4)
		}
		if got := strings.Join(rows[0], "|"); got != sh {
			t.Errorf("title %q", got)
		}
		if got := strings.Join(rows[1], "|"); !strings.HasPrefix(got, "编制单位：") || !strings.Contains(got, "|期间："+string(from)) ||
			!strings.Contains(got, "单位：元") {
			t.Errorf("info row %q", got)
		}
		if got := strings.Join(rows[2], "|") + "/" + strings.Join(rows[3], "|"); got !=
			"日期|单据编号|摘要|商品编码|商品名称|计量单位|仓库|收入|||发出|||成本调整|结存/|||||||数量|单价|金额|数量|单价|金额||数量|单价|金额" {
			t.Errorf("header %q", got)
		}
		for i, w := range want {
			got := rows[i+4]
			for len(got) < len(w) {
				got = append(got, "")
			}
			serial, err := strconv.ParseFloat(got[0], 64)
			if err != nil {
				t.Fatalf("row %d: the date %q is not a number", i+5, got[0])
			}
			day, err := excelize.ExcelDateToTime(serial, false)
			if err != nil {
				t.Fatal(err)
			}
			got[0] = day.Format(time.DateOnly)
			if strings.Join(got, "|") != strings.Join(w, "|") {
				t.Fatalf("row %d:\n got %q\nwant %q", i+5, got, w)
			}
		}
		// Numbers are number cells; texts are not.
		for c, number := range map[string]bool{"O5": true, "A5": true, "D5": false} {
			typ, err := f.GetCellType(sh, c)
			isNumber := typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset
			if err != nil || isNumber != number {
				t.Errorf("%s: type %v (%v)", c, typ, err)
			}
		}
		if v, err := f.GetCellValue(sh, "O5"); err != nil || v == "" {
			t.Errorf("O5 shown as %q (%v)", v, err)
		}
		if v, err := f.GetCellValue(sh, "A5"); err != nil || v != want[0][0] {
			t.Errorf("A5 shown as %q, want %s (%v)", v, want[0][0], err)
		}
		panes, err := f.GetPanes(sh)
		if err != nil || !panes.Freeze || panes.YSplit != 4 {
			t.Errorf("panes %+v, %v", panes, err)
		}
		merged, err := f.GetMergeCells(sh)
		if err != nil || len(merged) != 12 {
			t.Errorf("%d merged ranges, %v", len(merged), err)
		}
		titles := ""
		for _, d := range f.GetDefinedName() {
			if d.Name == "_xlnm.Print_Titles" && d.Scope == sh {
				titles = d.RefersTo
			}
		}
		if titles != "'"+sh+"'!$1:$4" {
			t.Errorf("print titles %q", titles)
		}
		lay, err := f.GetPageLayout(sh)
		if err != nil || lay.Size == nil || *lay.Size != 9 || lay.Orientation == nil || *lay.Orientation != "landscape" ||
			lay.FitToWidth == nil || *lay.FitToWidth != 1 {
			t.Errorf("page layout %+v, %v", lay, err)
		}

		buf.Reset()
		if err := StockLedgerCSV(ctx, &buf, b, u, "", from, to); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(recs[0], "|"); got != "日期|单据编号|摘要|商品编码|商品名称|计量单位|仓库|收入数量|收入单价|收入金额|"+
			"发出数量|发出单价|发出金额|成本调整|结存数量|结存单价|结存金额" {
			t.Errorf("CSV header %q", got)
		}
		if len(recs) != len(want)+1 {
			t.Fatalf("CSV: %d records, want %d", len(recs), len(want)+1)
		}
		for i, w := range want {
			for j := range w {
				if !sameNumber(recs[i+1][j], w[j]) {
					t.Fatalf("CSV record %d column %d: %q, want %q", i+1, j+1, recs[i+1][j], w[j])
				}
			}
		}
	}
	t.Run("month", func(t *testing.T) { check(t, u, "2025-02", "2025-02", true) })
	t.Run("range", func(t *testing.T) { check(t, u, "2025-01", "2025-03", true) })
	if _, err := b.AddUser(ctx, u, "clerk", ledger.RoleClerk, ""); err != nil {
		t.Fatal(err)
	}
	clerk, err := b.Login(ctx, "clerk", "")
	if err != nil {
		t.Fatal(err)
	}
	if clerk.Can(ledger.PermViewCost) {
		t.Fatal("a clerk sees costs")
	}
	t.Run("clerk", func(t *testing.T) { check(t, clerk, "2025-01", "2025-03", false) })
	if err := b.UnclosePeriod(ctx, u, "2025-03", "test"); err != nil {
		t.Fatal(err)
	}
	t.Run("open", func(t *testing.T) {
		check(t, u, "2025-02", "2025-03", true)
		var buf bytes.Buffer
		if err := StockLedgerWorkbook(ctx, &buf, b, u, "", "2025-03", "2025-03"); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if v, _ := f.GetCellValue("库存明细账", "N2"); v != "未结账：成本为暂估" {
			t.Errorf("the open month's mark: %q", v)
		}
	})
}

// sameNumber tells whether a CSV field and a workbook cell's raw text say the same: equal,
// or the same number (the CSV writes 12.50, the cell 12.5).
func sameNumber(csvField, cell string) bool {
	if csvField == cell {
		return true
	}
	a, err1 := strconv.ParseFloat(csvField, 64)
	b, err2 := strconv.ParseFloat(cell, 64)
	return err1 == nil && err2 == nil && a == b
}

// TestStockLedgersOneItem: StockLedgers of one item gives exactly its StockLedger rows
// (with the item); an unknown item is refused; fn's error stops the reading and comes back.
func TestStockLedgersOneItem(t *testing.T) {
	ctx := t.Context()
	b, u := stockDemo(t)
	items, err := b.Items(ctx, ledger.ItemFilter{Inactive: true})
	if err != nil {
		t.Fatal(err)
	}
	const p = ledger.Period("2025-02")
	for _, it := range items[:5] {
		want, err := b.StockLedger(ctx, u, it.Code, p)
		if err != nil {
			t.Fatal(err)
		}
		var got []ledger.LedgerRow
		err = b.StockLedgers(ctx, u, it.Code, p, p, func(r ledger.ItemLedgerRow) error {
			if r.Item != it.Code || r.Name != it.Name || r.Unit != it.Unit {
				t.Errorf("%s: row of %s %s %s", it.Code, r.Item, r.Name, r.Unit)
			}
			got = append(got, r.LedgerRow)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %v\nwant %v", it.Code, got, want)
		}
	}
	if err := b.StockLedgers(ctx, u, "NO-SUCH-ITEM", p, p, func(ledger.ItemLedgerRow) error { return nil }); err == nil {
		t.Error("an unknown item: no error")
	}
	stop := fmt.Errorf("stop")
	n := 0
	err = b.StockLedgers(ctx, u, "", p, p, func(ledger.ItemLedgerRow) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("fn's error: %v after %d rows", err, n)
	}
}
