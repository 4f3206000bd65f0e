package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// Voucher export for the accountant's own software, and the accountant's hand-off
// workbook.
//
// # Voucher layouts
//
// VoucherWorkbook and VoucherCSV write one row per voucher line, vouchers in number
// order, lines in their order, under a header row of the column names below (exactly as
// written, in Chinese). Amounts are number cells in yuan with 2 decimals (CSV: plain
// decimals such as 1234.50, no thousands separators); a red-ink line keeps its side with
// a negative amount; the side a line is not on is left empty. Dates are text YYYY-MM-DD.
// Each voucher's lines repeat its date, word and number, which is how both programs
// group lines into vouchers on import. CSV files are UTF-8 with a BOM (Excel and both
// programs read them as Chinese).
//
// Layout "kingdee" (金蝶 KIS 标准版/专业版 凭证引入, 金蝶精斗云 凭证导入), sheet 凭证:
//
//	A 日期       voucher date, text 2025-01-31
//	B 会计年度   number, 2025
//	C 会计期间   number, 1 to 12
//	D 凭证字     记
//	E 凭证号     number, 1 for 记-0001
//	F 附件数     number, 0
//	G 分录序号   number, the line within the voucher, from 1
//	H 摘要       the line's summary, else the voucher's
//	I 科目代码   the leaf account's code, e.g. 1122 or 222101
//	J 科目名称   the account's name
//	K 借方金额   number or empty
//	L 贷方金额   number or empty
//	M 核算项目   类别---代码---名称: 客户---C01---某某商行, 供应商---S01---某某批发,
//	             商品---A001---可乐 (the partner or item the account is kept by), else empty
//	N 制单人     the maker's user name
//	O 审核人     the auditor's user name, empty when not audited
//
// Layout "yonyou" (用友 T3/T6/畅捷通 T+ 凭证导入), sheet 凭证:
//
//	A 制单日期   voucher date, text 2025-01-31
//	B 凭证类别   记
//	C 凭证编号   number, 1 for 记-0001
//	D 附单据数   number, 0
//	E 摘要       the line's summary, else the voucher's
//	F 科目编码   the leaf account's code
//	G 科目名称   the account's name
//	H 借方金额   number or empty
//	I 贷方金额   number or empty
//	J 客户编码   the partner's code on a line kept by customer (1122, 2203, ...)
//	K 供应商编码 the partner's code on a line kept by supplier (2202, 1123, ...)
//	L 存货编码   the item's code on a line kept by item (1405)
//	M 制单人     the maker's user name
//	N 审核人     the auditor's user name, empty when not audited
//
// A partner on an account kept by "partner" (either kind) goes to 客户编码 when the
// partner is a customer, else to 供应商编码; in the kingdee layout its 类别 is 客户 or
// 供应商 the same way.

// The voucher layouts.
const (
	LayoutKingdee = "kingdee"
	LayoutYonyou  = "yonyou"
)

// Layouts lists the layouts VoucherWorkbook knows.
var Layouts = []string{LayoutKingdee, LayoutYonyou}

// VoucherNames gives the names and kinds the layouts show beside codes; the zero value
// shows codes only.
type VoucherNames struct {
	AccountAux map[string]string // account code → its aux: customer, supplier, partner, item
	Partners   map[string]ledger.Partner
	Items      map[string]string // item code → name
}

// LoadVoucherNames reads the chart's aux kinds, the partners and the items.
func LoadVoucherNames(ctx context.Context, b *ledger.Book) (*VoucherNames, error) {
	n := &VoucherNames{AccountAux: map[string]string{}, Partners: map[string]ledger.Partner{}, Items: map[string]string{}}
	accts, err := b.Accounts(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, a := range accts {
		n.AccountAux[a.Code] = a.Aux
	}
	ps, err := b.Partners(ctx, ledger.PartnerFilter{Inactive: true})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		n.Partners[p.Code] = p
	}
	items, err := b.Items(ctx, ledger.ItemFilter{Inactive: true})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		n.Items[it.Code] = it.Name
	}
	return n, nil
}

// partnerKind is 客户 or 供应商 for a line's partner.
func (n *VoucherNames) partnerKind(l ledger.VoucherLine) string {
	if n == nil {
		return "客户"
	}
	switch n.AccountAux[l.Account] {
	case "customer":
		return "客户"
	case "supplier":
		return "供应商"
	}
	if p, ok := n.Partners[l.Partner]; ok && !p.Customer && p.Supplier {
		return "供应商"
	}
	return "客户"
}

func (n *VoucherNames) partnerName(code string) string {
	if n == nil {
		return ""
	}
	return n.Partners[code].Name
}

func (n *VoucherNames) itemName(code string) string {
	if n == nil {
		return ""
	}
	return n.Items[code]
}

// voucherHeader is a layout's header row.
func voucherHeader(layout string) ([]string, error) {
	switch layout {
	case LayoutKingdee, "":
		return []string{"日期", "会计年度", "会计期间", "凭证字", "凭证号", "附件数", "分录序号", "摘要", "科目代码", "科目名称",
			"借方金额", "贷方金额", "核算项目", "制单人", "审核人"}, nil
	case LayoutYonyou:
		return []string{"制单日期", "凭证类别", "凭证编号", "附单据数", "摘要", "科目编码", "科目名称", "借方金额", "贷方金额",
			"客户编码", "供应商编码", "存货编码", "制单人", "审核人"}, nil
	}
	return nil, &ImportError{Key: "report.export.bad_layout", Args: map[string]any{"value": layout, "choices": "kingdee, yonyou"}}
}

// amount is a line's debit and credit cells: the amount on its side (negative for red
// ink), nil on the other.
type amount struct{ m ledger.Money }

func sides(l ledger.VoucherLine) (dr, cr any) {
	if l.Side == "D" {
		return amount{l.Amount}, nil
	}
	return nil, amount{l.Amount}
}

// voucherRows are the layout's rows of the vouchers: strings, ints and amounts.
func voucherRows(vouchers []ledger.Voucher, layout string, names *VoucherNames, row func([]any) error) error {
	for _, v := range vouchers {
		year, _ := strconv.Atoi(string(v.Period)[:4])
		for i, l := range v.Lines {
			summary := l.Summary
			if summary == "" {
				summary = v.Summary
			}
			dr, cr := sides(l)
			var r []any
			switch layout {
			case LayoutYonyou:
				var cust, supp string
				if l.Partner != "" {
					if names.partnerKind(l) == "供应商" {
						supp = l.Partner
					} else {
						cust = l.Partner
					}
				}
				r = []any{string(v.Date), "记", v.No, 0, summary, l.Account, l.Name, dr, cr, cust, supp, l.Item, v.Maker, v.Auditor}
			default:
				aux := ""
				switch {
				case l.Partner != "":
					aux = names.partnerKind(l) + "---" + l.Partner + "---" + names.partnerName(l.Partner)
				case l.Item != "":
					aux = "商品---" + l.Item + "---" + names.itemName(l.Item)
				}
				r = []any{string(v.Date), year, v.Period.Month(), "记", v.No, 0, i + 1, summary, l.Account, l.Name, dr, cr, aux,
					v.Maker, v.Auditor}
			}
			if err := row(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// VoucherWorkbook writes the vouchers as one sheet (凭证) in a layout (LayoutKingdee or
// LayoutYonyou, "" is kingdee): see the package's layout description above. names may
// be nil (codes without names). The sheet is streamed: a year of vouchers fits.
func VoucherWorkbook(w io.Writer, vouchers []ledger.Voucher, layout string, names *VoucherNames) error {
	return voucherWorkbook(w, func(row func([]any) error) error { return voucherRows(vouchers, layout, names, row) }, layout)
}

// ExportVouchers writes the vouchers of the periods from–to in a layout, as a workbook
// (VoucherWorkbook) or, asCSV true, as CSV (VoucherCSV). The months are read and turned
// into rows on a goroutine of their own while the rows before are written (pipelined),
// so a year streams in the memory of a month or two of vouchers. names may be nil.
func ExportVouchers(ctx context.Context, w io.Writer, b *ledger.Book, by *ledger.User, from, to ledger.Period, layout string,
	names *VoucherNames, asCSV bool) error {
	rows := pipelinedRows(ctx, func(ctx context.Context, row func([]any) error) error {
		for p := from; p <= to; p = p.Next() {
			vs, err := b.Vouchers(ctx, by, p)
			if err != nil {
				return err
			}
			if err := voucherRows(vs, layout, names, row); err != nil {
				return err
			}
		}
		return nil
	})
	if asCSV {
		return voucherCSV(w, rows, layout)
	}
	return voucherWorkbook(w, rows, layout)
}

// voucherWorkbook is VoucherWorkbook of the rows (voucherRows) that rows hands over.
func voucherWorkbook(w io.Writer, rows rowSource, layout string) error {
	head, err := voucherHeader(layout)
	if err != nil {
		return err
	}
	f := fastZip(excelize.NewFile())
	defer f.Close()
	const sh = "凭证"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return err
	}
	if err := streamVouchers(f, sh, head, rows); err != nil {
		return err
	}
	return f.Write(w)
}

// streamVouchers writes the header and the rows with a StreamWriter: amounts as number
// cells (#,##0.00), the header bold and frozen.
func streamVouchers(f *excelize.File, sh string, head []string, rows rowSource) error {
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4})
	if err != nil {
		return err
	}
	widths := map[string]float64{"日期": 12, "制单日期": 12, "摘要": 30, "科目名称": 20, "核算项目": 28, "借方金额": 14, "贷方金额": 14}
	if err := headRow(sw, head, bold, func(h string) float64 {
		if wd, ok := widths[h]; ok {
			return wd
		}
		return 10
	}); err != nil {
		return err
	}
	n := 1
	err = rows(func(r []any) error {
		n++
		for i, v := range r {
			switch x := v.(type) {
			case amount:
				r[i] = excelize.Cell{StyleID: money, Value: moneyFloat(x.m)}
			case string:
				if x == "" { // omitEmpty, without boxing the text again
					r[i] = nil
				}
			}
		}
		return sw.SetRow(cell(1, n), r)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// headRow writes a streamed sheet's one header row: each column as wide as width says
// of its title, the titles in the style bold, the row frozen.
func headRow(sw *excelize.StreamWriter, head []string, bold int, width func(string) float64) error {
	for i, h := range head {
		if err := sw.SetColWidth(i+1, i+1, width(h)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	hr := make([]any, len(head))
	for i, h := range head {
		hr[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	return sw.SetRow("A1", hr)
}

// omitEmpty is nil for an empty text: a streamed row leaves the cell out rather than
// write an empty string into it (as Excel does; a year of vouchers has many).
func omitEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// VoucherCSV writes the vouchers in a layout as CSV: UTF-8 with a BOM, a header row,
// amounts as plain decimals.
func VoucherCSV(w io.Writer, vouchers []ledger.Voucher, layout string, names *VoucherNames) error {
	return voucherCSV(w, func(row func([]any) error) error { return voucherRows(vouchers, layout, names, row) }, layout)
}

func voucherCSV(w io.Writer, rows rowSource, layout string) error {
	head, err := voucherHeader(layout)
	if err != nil {
		return err
	}
	cw, err := newCSV(w, head)
	if err != nil {
		return err
	}
	err = rows(func(r []any) error {
		rec := make([]string, len(r))
		for i, v := range r {
			switch x := v.(type) {
			case nil:
			case amount:
				rec[i] = x.m.String()
			default:
				rec[i] = fmt.Sprint(x)
			}
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// newCSV starts a CSV export: UTF-8 with a BOM (Excel reads it as Chinese), CRLF line
// ends, the header row.
func newCSV(w io.Writer, head []string) (*csv.Writer, error) {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return cw, cw.Write(head)
}

// HandOff writes the accountant's hand-off workbook of a period: a cover sheet (交接说明:
// the shop, the period and whether it is closed, when the workbook was made, every
// statement's identity checks, and the audit trail's chain head — its sequence number
// and SHA-256 — which `shopbooks verify` later proves unchanged), a sheet per statement
// (balance sheet, profit statement, trial balance, stock summary, aging, and the sales
// gross profit by item for a user with ledger.PermViewCost; as XLSX writes them) and the
// period's vouchers (记账凭证, one row per line, streamed). now is the
// time printed as made (time.Now() in use; fixed in tests).
func HandOff(ctx context.Context, w io.Writer, b *ledger.Book, by *ledger.User, period ledger.Period, now time.Time) error {
	var sts []Statement
	for _, build := range []func(context.Context, *ledger.Book, *ledger.User, ledger.Period) (Statement, error){
		BalanceSheet, ProfitStatement, TrialBalance, StockSummary, Aging} {
		st, err := build(ctx, b, by, period)
		if err != nil {
			return err
		}
		sts = append(sts, st)
	}
	if by.Can(ledger.PermViewCost) { // the sales gross profit by item, for whoever may see costs
		st, err := GrossProfit(ctx, b, by, period, period, GrossByItem)
		if err != nil {
			return err
		}
		sts = append(sts, st)
	}
	vouchers, err := b.Vouchers(ctx, by, period)
	if err != nil {
		return err
	}
	names, err := LoadVoucherNames(ctx, b)
	if err != nil {
		return err
	}
	seq, hash, err := b.ChainHead(ctx)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := XLSX(&buf, sts...); err != nil {
		return err
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		return fmt.Errorf("hand-off: reopen statements: %w", err)
	}
	defer f.Close()
	fastZip(f)
	cat := i18n.For(i18n.ZH)
	vsh := cat.T("report.handoff.vouchers")
	if _, err := f.NewSheet(vsh); err != nil {
		return err
	}
	if err := streamHandOffVouchers(f, vsh, vouchers, names, cat); err != nil {
		return fmt.Errorf("hand-off: vouchers: %w", err)
	}
	cover := cat.T("report.handoff.cover")
	if _, err := f.NewSheet(cover); err != nil {
		return err
	}
	if err := writeCover(f, cover, sts, period, now, seq, hash, len(vouchers), cat); err != nil {
		return fmt.Errorf("hand-off: cover: %w", err)
	}
	if err := f.MoveSheet(cover, f.GetSheetList()[0]); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// handOffVoucherKeys are the columns of the hand-off's voucher sheet: the book's own view, not an
// import layout.
var handOffVoucherKeys = []string{"date", "number", "summary", "account", "account_name", "partner", "partner_name", "item",
	"debit", "credit", "maker", "auditor", "source"}

func streamHandOffVouchers(f *excelize.File, sh string, vouchers []ledger.Voucher, names *VoucherNames, cat *i18n.Catalog) error {
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4})
	if err != nil {
		return err
	}
	moneyBold, err := f.NewStyle(&excelize.Style{NumFmt: 4, Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, wd := range []float64{12, 12, 30, 10, 20, 10, 20, 10, 14, 14, 10, 10, 16} {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(handOffVoucherKeys))
	for i, k := range handOffVoucherKeys {
		head[i] = excelize.Cell{StyleID: bold, Value: cat.T("report.voucher.col." + k)}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	n := 1
	var dr, cr ledger.Money
	for _, v := range vouchers {
		for _, l := range v.Lines {
			n++
			summary := l.Summary
			if summary == "" {
				summary = v.Summary
			}
			var d, c any
			if l.Side == "D" {
				d, dr = excelize.Cell{StyleID: money, Value: moneyFloat(l.Amount)}, dr+l.Amount
			} else {
				c, cr = excelize.Cell{StyleID: money, Value: moneyFloat(l.Amount)}, cr+l.Amount
			}
			r := []any{string(v.Date), v.Number(), omitEmpty(summary), l.Account, l.Name, omitEmpty(l.Partner),
				omitEmpty(names.partnerName(l.Partner)), omitEmpty(l.Item), d, c, v.Maker, omitEmpty(v.Auditor), omitEmpty(v.Doc)}
			if err := sw.SetRow(cell(1, n), r); err != nil {
				return err
			}
		}
	}
	total := []any{excelize.Cell{StyleID: bold, Value: cat.T("report.voucher.total")}, nil, nil, nil, nil, nil, nil, nil,
		excelize.Cell{StyleID: moneyBold, Value: moneyFloat(dr)}, excelize.Cell{StyleID: moneyBold, Value: moneyFloat(cr)}}
	if err := sw.SetRow(cell(1, n+1), total); err != nil {
		return err
	}
	return sw.Flush()
}

func writeCover(f *excelize.File, sh string, sts []Statement, period ledger.Period, now time.Time, seq int64, hash string,
	nVouchers int, cat *i18n.Catalog) error {
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	status := cat.T("report.handoff.closed")
	shop := ""
	if len(sts) > 0 {
		shop = sts[0].Shop
		if sts[0].Provisional {
			status = cat.T("report.provisional")
		}
	}
	rows := [][]any{
		{cat.T("report.handoff.title")},
		{},
		{cat.T("report.handoff.shop"), shop},
		{cat.T("report.handoff.period"), string(period)},
		{cat.T("report.handoff.status"), status},
		{cat.T("report.handoff.made"), now.Format("2006-01-02 15:04:05")},
		{cat.T("report.handoff.vouchers_count"), nVouchers},
		{cat.T("report.handoff.chain_seq"), seq},
		{cat.T("report.handoff.chain_hash"), hash},
		{cat.T("report.handoff.chain_note")},
		{},
		{cat.T("report.checks")},
	}
	for _, st := range sts {
		for _, c := range st.Checks {
			mark := cat.T("report.check.ok")
			if !c.OK {
				mark = cat.T("report.check.failed")
			}
			name := c.Name
			if k := "report.check." + c.Name; cat.Has(k) {
				name = cat.T(k)
			}
			rows = append(rows, []any{cat.T("report.kind." + st.Kind), mark, name, c.Detail})
		}
	}
	for i, r := range rows {
		if len(r) == 0 {
			continue
		}
		if err := f.SetSheetRow(sh, cell(1, i+1), &r); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sh, "A1", "A1", title); err != nil {
		return err
	}
	if err := f.SetCellStyle(sh, "A3", "A9", bold); err != nil {
		return err
	}
	if err := f.SetCellStyle(sh, "A12", "A12", bold); err != nil {
		return err
	}
	if err := f.SetColWidth(sh, "A", "A", 22); err != nil {
		return err
	}
	if err := f.SetColWidth(sh, "B", "B", 70); err != nil {
		return err
	}
	return f.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: ptr(9), FitToWidth: ptr(1), FitToHeight: ptr(0)})
}
