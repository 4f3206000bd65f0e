package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shopbooks/ledger"
)

// closedMonth is DOMAIN.md §8's month, closed, with its vouchers and their names.
func closedMonth(t *testing.T) (*ledger.Book, *ledger.User, []ledger.Voucher, *VoucherNames) {
	t.Helper()
	g := loadGolden(t)
	b, u := monthBook(t, g)
	ctx := t.Context()
	if _, err := b.ClosePeriod(ctx, u, "2025-01", ledger.CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	vs, err := b.Vouchers(ctx, u, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatal("no vouchers")
	}
	names, err := LoadVoucherNames(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	return b, u, vs, names
}

// wantVoucherRows are the expected rows of a layout, cell by cell as raw text (amounts
// as yuan, "" for an empty cell), built from the vouchers independently of voucherRows.
func wantVoucherRows(vs []ledger.Voucher, layout string, n *VoucherNames) [][]string {
	var out [][]string
	yuan := func(l ledger.VoucherLine, side string) string {
		if l.Side != side {
			return ""
		}
		return strconv.FormatFloat(float64(l.Amount.Fen())/100, 'f', -1, 64)
	}
	for _, v := range vs {
		for i, l := range v.Lines {
			sum := l.Summary
			if sum == "" {
				sum = v.Summary
			}
			kind := ""
			if l.Partner != "" {
				kind = "客户"
				switch aux := n.AccountAux[l.Account]; {
				case aux == "supplier", aux == "partner" && !n.Partners[l.Partner].Customer:
					kind = "供应商"
				}
			}
			if layout == LayoutYonyou {
				cust, supp := "", ""
				if kind == "客户" {
					cust = l.Partner
				} else if kind == "供应商" {
					supp = l.Partner
				}
				out = append(out, []string{string(v.Date), "记", fmt.Sprint(v.No), "0", sum, l.Account, l.Name, yuan(l, "D"), yuan(l, "C"),
					cust, supp, l.Item, v.Maker, v.Auditor})
				continue
			}
			aux := ""
			if l.Partner != "" {
				aux = kind + "---" + l.Partner + "---" + n.Partners[l.Partner].Name
			} else if l.Item != "" {
				aux = "商品---" + l.Item + "---" + n.Items[l.Item]
			}
			out = append(out, []string{string(v.Date), string(v.Period)[:4], strings.TrimLeft(string(v.Period)[5:], "0"), "记",
				fmt.Sprint(v.No), "0", fmt.Sprint(i + 1), sum, l.Account, l.Name, yuan(l, "D"), yuan(l, "C"), aux, v.Maker, v.Auditor})
		}
	}
	return out
}

// TestVoucherWorkbook writes the closed month's vouchers in both layouts, reads the
// workbooks back and compares every cell with the vouchers; amounts are number cells.
// The CSV carries the same rows.
func TestVoucherWorkbook(t *testing.T) {
	_, _, vs, names := closedMonth(t)
	for _, layout := range Layouts {
		t.Run(layout, func(t *testing.T) {
			head, _ := voucherHeader(layout)
			want := wantVoucherRows(vs, layout, names)
			var buf bytes.Buffer
			if err := VoucherWorkbook(&buf, vs, layout, names); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := strings.Join(f.GetSheetList(), ","); got != "凭证" {
				t.Fatalf("sheets %s", got)
			}
			rows, err := f.GetRows("凭证", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(want)+1 {
				t.Fatalf("%d rows, want %d", len(rows), len(want)+1)
			}
			if strings.Join(rows[0], "|") != strings.Join(head, "|") {
				t.Errorf("header %v", rows[0])
			}
			amountCols := map[string]bool{"借方金额": true, "贷方金额": true}
			for r, w := range want {
				for c, wv := range w {
					at, _ := excelize.CoordinatesToCellName(c+1, r+2)
					got := ""
					if c < len(rows[r+1]) {
						got = rows[r+1][c]
					}
					if got != wv {
						t.Errorf("%s %s (%s): %q, want %q", layout, at, head[c], got, wv)
					}
					if amountCols[head[c]] && wv != "" {
						if typ, _ := f.GetCellType("凭证", at); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
							t.Errorf("%s %s is not a number cell: %v", layout, at, typ)
						}
					}
				}
			}

			buf.Reset()
			if err := VoucherCSV(&buf, vs, layout, names); err != nil {
				t.Fatal(err)
			}
			data, ok := bytes.CutPrefix(buf.Bytes(), []byte("\uFEFF"))
			if !ok {
				t.Error("CSV without a BOM")
			}
			recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
			if err != nil || len(recs) != len(want)+1 {
				t.Fatalf("CSV: %d records, %v", len(recs), err)
			}
			for r, w := range want {
				for c, wv := range w {
					got := recs[r+1][c]
					if amountCols[head[c]] && got != "" {
						m, err := ledger.ParseMoney("amount", got)
						if err != nil || !strings.Contains(got, ".") {
							t.Errorf("CSV amount %q", got)
						}
						got = strconv.FormatFloat(float64(m.Fen())/100, 'f', -1, 64)
					}
					if got != wv {
						t.Errorf("CSV row %d col %s: %q, want %q", r+2, head[c], got, wv)
					}
				}
			}
		})
	}
	if err := VoucherWorkbook(&bytes.Buffer{}, vs, "sap", names); err == nil {
		t.Error("an unknown layout was written")
	}
}

// TestHandOff: the hand-off workbook has the cover, the statements and the vouchers; the
// cover shows the shop, the period, the chain head and every check; the voucher sheet's
// lines and totals are the vouchers'.
func TestHandOff(t *testing.T) {
	b, u, vs, _ := closedMonth(t)
	ctx := t.Context()
	var buf bytes.Buffer
	now := time.Date(2025, 2, 3, 10, 0, 0, 0, time.Local)
	if err := HandOff(ctx, &buf, b, u, "2025-01", now); err != nil {
		t.Fatal(err)
	}
	seq, hash, err := b.ChainHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "交接说明,资产负债表,利润表,科目余额表,库存收发存汇总表,应收应付账龄分析表,销售毛利表,记账凭证" {
		t.Fatalf("sheets: %s", got)
	}
	st, err := BalanceSheet(ctx, b, u, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	for at, want := range map[string]string{"A1": "会计交接资料", "B3": st.Shop, "B4": "2025-01", "B5": "已结账",
		"B6": "2025-02-03 10:00:00", "B7": fmt.Sprint(len(vs)), "B8": fmt.Sprint(seq), "B9": hash, "A12": "校验"} {
		if got, _ := f.GetCellValue("交接说明", at); got != want {
			t.Errorf("cover %s: %q, want %q", at, got, want)
		}
	}
	if len(hash) != 64 {
		t.Errorf("chain head %q", hash)
	}
	if v, _ := f.GetCellValue("交接说明", "B13"); v != "通过" {
		t.Errorf("first check: %q", v)
	}
	rows, err := f.GetRows("记账凭证", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	r := 1
	var dr, cr ledger.Money
	for _, v := range vs {
		for _, l := range v.Lines {
			row := rows[r]
			r++
			col := 8 // I: debit
			if l.Side == "C" {
				col, cr = 9, cr+l.Amount
			} else {
				dr += l.Amount
			}
			if row[0] != string(v.Date) || row[1] != v.Number() || row[3] != l.Account || row[col] != l.Amount.String() && row[col] != strings.TrimSuffix(strings.TrimRight(l.Amount.String(), "0"), ".") {
				t.Errorf("voucher row %d: %v, want %s %s %s %s", r, row, v.Date, v.Number(), l.Account, l.Amount)
			}
		}
	}
	total := rows[r]
	if total[0] != "合计" || total[8] != total[9] || dr != cr {
		t.Errorf("total row %v (debits %s, credits %s)", total, dr, cr)
	}
}

// TestLibreOfficeOpensExports converts the hand-off, a voucher workbook and a stock
// ledger to PDF with LibreOffice headless: the workbooks open in a spreadsheet program
// other than excelize.
func TestLibreOfficeOpensExports(t *testing.T) {
	lo, err := exec.LookPath("libreoffice")
	if err != nil {
		if lo, err = exec.LookPath("soffice"); err != nil {
			t.Skip("libreoffice is not installed (scripts/deps.sh test installs libreoffice-calc-nogui)")
		}
	}
	if testing.Short() {
		t.Skip("starts LibreOffice")
	}
	b, u, vs, names := closedMonth(t)
	dir := t.TempDir()
	var hand, vw bytes.Buffer
	if err := HandOff(t.Context(), &hand, b, u, "2025-01", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := VoucherWorkbook(&vw, vs, LayoutYonyou, names); err != nil {
		t.Fatal(err)
	}
	var sl bytes.Buffer
	if err := StockLedgerWorkbook(t.Context(), &sl, b, u, "", "2025-01", "2025-01"); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"handoff.xlsx": hand.Bytes(), "vouchers.xlsx": vw.Bytes(), "stock-ledger.xlsx": sl.Bytes()}
	var args []string
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, filepath.Join(dir, name))
	}
	cmd := exec.CommandContext(t.Context(), lo, append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, out)
	}
	for name := range files {
		pdf := filepath.Join(dir, strings.TrimSuffix(name, ".xlsx")+".pdf")
		data, err := os.ReadFile(pdf)
		if err != nil || !bytes.HasPrefix(data, []byte("%PDF")) {
			t.Errorf("%s: %v (libreoffice said %s)", pdf, err, out)
		}
	}
}
