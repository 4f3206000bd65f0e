package report

import (
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shopbooks/ledger"
)

// TestXLSX writes DOMAIN.md §8's closed month as one workbook and reads it back: a sheet
// per statement, every line's number or code, name and amounts in their cells — amounts as
// number cells, exact to the fen — and the checks below.
func TestXLSX(t *testing.T) {
	g := loadGolden(t)
	b, u := monthBook(t, g)
	ctx := t.Context()
	if _, err := b.ClosePeriod(ctx, u, "2025-01", ledger.CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	var sts []Statement
	for _, build := range []func(context.Context, *ledger.Book, *ledger.User, ledger.Period) (Statement, error){
		BalanceSheet, ProfitStatement, TrialBalance, StockSummary, Aging} {
		st, err := build(ctx, b, u, "2025-01")
		if err != nil {
			t.Fatal(err)
		}
		sts = append(sts, st)
	}
	gross, err := GrossProfit(ctx, b, u, "2025-01", "2025-01", GrossByItem)
	if err != nil {
		t.Fatal(err)
	}
	sts = append(sts, gross)
	var buf bytes.Buffer
	if err := XLSX(&buf, sts...); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "资产负债表,利润表,科目余额表,库存收发存汇总表,应收应付账龄分析表,销售毛利表" {
		t.Fatalf("sheets: %s", got)
	}
	for i, st := range sts {
		sh := f.GetSheetList()[i]
		if v, _ := f.GetCellValue(sh, "A2"); v != "编制单位："+g.Book.Name {
			t.Errorf("%s A2: %q", sh, v)
		}
		for r, l := range st.Lines {
			row := 4 + r
			key := l.Code
			if st.Kind == KindBalanceSheet || st.Kind == KindProfit {
				key = fmt.Sprint(l.No)
			}
			if v, _ := f.GetCellValue(sh, cell(1, row)); v != key {
				t.Errorf("%s row %d key %q, want %q", sh, row, v, key)
			}
			if v, _ := f.GetCellValue(sh, cell(2, row)); strings.TrimSpace(v) != l.Name {
				t.Errorf("%s row %d name %q, want %q", sh, row, v, l.Name)
			}
			for j, c := range st.Columns {
				at := cell(3+j, row)
				raw, _ := f.GetCellValue(sh, at, excelize.Options{RawCellValue: true})
				typ, _ := f.GetCellType(sh, at)
				want := ""
				switch {
				case c.Qty && l.Qtys == nil:
				case c.Qty:
					want = l.Qtys[j].String()
				case c.Pct: // a fraction: 34.27% is 0.3427
					want = strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.4f", float64(l.Cols[j])/10000), "0"), ".")
				default: // the yuan as a number, written shortest: 1234.5 for 1,234.50
					want = strconv.FormatFloat(float64(l.Cols[j].Fen())/100, 'f', -1, 64)
				}
				if raw != want || want != "" && typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Errorf("%s %s (%s %s): %q (type %v), want %q", sh, at, l.Name, c.Key, raw, typ, want)
				}
			}
		}
		check := 4 + len(st.Lines) + 2
		for k, c := range st.Checks {
			if v, _ := f.GetCellValue(sh, cell(3, check+k)); v != c.Detail {
				t.Errorf("%s check %s: %q, want %q", sh, c.Name, v, c.Detail)
			}
		}
	}
	// 资产总计 at the end of January.
	if v, _ := f.GetCellValue("资产负债表", "C33", excelize.Options{RawCellValue: true}); v != "258061.03" {
		t.Errorf("balance sheet line 30: %q", v)
	}
	// The gross profit's total and its margin as shown: 3,926.47 and 34.27%.
	if v, _ := f.GetCellValue("销售毛利表", "F6"); v != "3,926.47" {
		t.Errorf("gross profit total: %q", v)
	}
	if v, _ := f.GetCellValue("销售毛利表", "G6"); v != "34.27%" {
		t.Errorf("gross margin total: %q", v)
	}
}

// TestParallelDeflate: what parallelDeflate writes, in blocks deflated apart, inflates
// (with the standard library's reader) to exactly what was written, for parts smaller
// than a block, of whole blocks, and of several blocks and a bit, written in pieces of
// any size.
func TestParallelDeflate(t *testing.T) {
	var text bytes.Buffer
	for i := 0; text.Len() < 3*deflateBlockSize+12345; i++ {
		fmt.Fprintf(&text, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>商品 %d</t></is></c><c r="B%d"><v>%d.%02d</v></c></row>`,
			i, i, i*7919%2000, i, i*31%100000, i%100)
	}
	for _, n := range []int{0, 100, deflateBlockSize, 2 * deflateBlockSize, text.Len()} {
		var out bytes.Buffer
		p := &parallelDeflate{out: &out}
		data := text.Bytes()[:n]
		for rest, step := data, 1; len(rest) > 0; step = step*3 + 1 {
			k := min(step, len(rest))
			if _, err := p.Write(rest[:k]); err != nil {
				t.Fatal(err)
			}
			rest = rest[k:]
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		back, err := io.ReadAll(flate.NewReader(&out))
		if err != nil || !bytes.Equal(back, data) {
			t.Errorf("%d bytes: inflated to %d bytes (%v)", n, len(back), err)
		}
	}
}
