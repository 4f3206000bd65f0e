package report

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// The stock ledger export (库存明细账): every movement of a range of periods, item by
// item, as ledger.Book.StockLedgers reads them.
//
// # Columns
//
// One row per movement, each item's rows after its opening row (摘要 期初结存: the
// item's quantity and amount before the range), items in code order:
//
//	A 日期        the movement's date, a date cell shown 2025-01-31 (the opening row: the
//	              range's first day); in the CSV, text
//	B 单据编号    the document's number
//	C 摘要        the document's type (采购入库单, ...), 期初结存 on the opening row
//	D 商品编码    E 商品名称    F 计量单位
//	G 仓库        the warehouse's code
//	H I J 收入    数量, 单价, 金额: what came in (a purchase return: negative)
//	K L M 发出    数量, 单价, 金额: what went out (a sales return: negative)
//	N 成本调整    a quantity-0 adjustment (DOMAIN.md §3.1), taken off the running amount
//	O P Q 结存    数量, 单价, 金额: the item's running quantity and amount across warehouses
//
// A transfer shows a warehouse's out and in, with no amount and no change to 结存.
// Quantities, unit costs and amounts are number cells (unit costs to 6 decimals); a
// quantity or price that is 0 is left empty, as on the screen; a user without
// ledger.PermViewCost gets no unit cost or amount at all. The CSV has the same columns
// under one header row (收入数量, 收入单价, ...), UTF-8 with a BOM, numbers as plain decimals.

const stockLedgerCols = 17

// stockLedgerHead are the two header rows' texts: the first names the column groups, the
// second their parts.
func stockLedgerHead(cat *i18n.Catalog) (top, sub []string) {
	t := func(k string) string { return cat.T("report.ledger.col." + k) }
	top = []string{t("date"), t("number"), t("summary"), t("item"), t("item_name"), t("unit"), t("warehouse"),
		t("in"), "", "", t("out"), "", "", t("adj"), t("balance"), "", ""}
	sub = make([]string, stockLedgerCols)
	for _, c := range []int{7, 10, 14} {
		sub[c], sub[c+1], sub[c+2] = t("qty"), t("price"), t("amount")
	}
	return top, sub
}

// ledgerCell is a number cell of a stock ledger row: a quantity, a unit cost or an
// amount, nil when empty.
type ledgerCell struct {
	kind byte // 'q' quantity, 'p' unit cost, 'm' amount
	n    int64
}

// ledgerRows makes the cells of stock ledger rows for one output: texts as they are ("" an
// empty cell), the date and the numbers as date and number make them (nil: empty).
type ledgerRows struct {
	cost      bool // the user may see costs: unit costs and amounts are shown
	cat       *i18n.Catalog
	date      func(ledger.Date) any
	number    func(ledgerCell) any
	summaries map[ledger.DocType]string // 摘要 by document type, looked up once
}

// row is the cells of a row.
func (lr *ledgerRows) row(r ledger.ItemLedgerRow) []any {
	summary, ok := lr.summaries[r.Type]
	if !ok {
		summary = lr.cat.T("cli.doc.type." + string(r.Type))
		lr.summaries[r.Type] = summary
	}
	if r.Number == "" {
		summary = lr.cat.T("report.ledger.opening")
	}
	out := make([]any, 1, stockLedgerCols)
	out[0] = lr.date(r.Date)
	for _, s := range []string{r.Number, summary, r.Item, r.Name, r.Unit, r.Warehouse} {
		out = append(out, omitEmpty(s))
	}
	qty := func(q ledger.Qty) any {
		if q == 0 {
			return nil
		}
		return lr.number(ledgerCell{'q', int64(q)})
	}
	price := func(p ledger.Price) any {
		if !lr.cost || p == 0 {
			return nil
		}
		return lr.number(ledgerCell{'p', int64(p)})
	}
	money := func(moved bool, m ledger.Money) any {
		if !lr.cost || !moved {
			return nil
		}
		return lr.number(ledgerCell{'m', int64(m)})
	}
	costed := r.Type != ledger.DocTransfer && r.Number != ""
	return append(out, qty(r.InQty), price(r.InCost), money(costed && r.InQty != 0, r.InAmount),
		qty(r.OutQty), price(r.OutCost), money(costed && r.OutQty != 0, r.OutAmount),
		money(r.Adj != 0, r.Adj),
		lr.number(ledgerCell{'q', int64(r.Qty)}), price(r.UnitCost), money(true, r.Amount))
}

// readLedgerRows is the reading of StockLedgerWorkbook and StockLedgerCSV: the rows of
// StockLedgers made into cells by lr, on a goroutine of their own.
func readLedgerRows(ctx context.Context, b *ledger.Book, by *ledger.User, item string, from, to ledger.Period, lr *ledgerRows) rowSource {
	lr.cost, lr.cat, lr.summaries = by.Can(ledger.PermViewCost), i18n.For(i18n.ZH), map[ledger.DocType]string{}
	return pipelinedRows(ctx, func(ctx context.Context, row func([]any) error) error {
		return b.StockLedgers(ctx, by, item, from, to, func(r ledger.ItemLedgerRow) error { return row(lr.row(r)) })
	})
}

// StockLedgerWorkbook writes the stock ledgers of the periods from–to (of every item that
// moved, or of one item) as one sheet (库存明细账, columns above): the title, 编制单位,
// the periods and 单位：元 (and 未结账：成本为暂估 when the last period is open), a two-row
// header (bordered, frozen, and repeated on every printed page), A4 landscape fitted to
// the width. The rows have no borders: an empty cell is then left out of the file.
// The rows are streamed as they are read: a year of a busy shop fits in bounded memory.
func StockLedgerWorkbook(ctx context.Context, w io.Writer, b *ledger.Book, by *ledger.User, item string, from, to ledger.Period) error {
	s, err := b.Settings(ctx)
	if err != nil {
		return err
	}
	provisional, err := periodOpen(ctx, b, to)
	if err != nil {
		return err
	}
	cat := i18n.For(i18n.ZH)
	sh := cat.T("report.ledger.title")
	f, sw, styles, err := newListBook(sh, 4)
	if err != nil {
		return err
	}
	defer f.Close()
	var extra []any
	if provisional {
		extra = []any{nil, nil, cat.T("report.provisional.cost")}
	}
	widths := []float64{11, 16, 11, 10, 20, 8, 8, 10, 11, 13, 10, 11, 13, 11, 10, 11, 13}
	if err := listTop(sw, styles, cat, sh, s.Name, from, to, widths, 4, extra...); err != nil {
		return err
	}
	top, sub := stockLedgerHead(cat)
	for i, texts := range [][]string{top, sub} {
		cells := make([]any, len(texts))
		for j, t := range texts {
			cells[j] = excelize.Cell{StyleID: styles.head, Value: t}
		}
		if err := sw.SetRow(cell(1, 3+i), cells); err != nil {
			return err
		}
	}
	merges := [][2]string{{"A1", "Q1"}, {"H3", "J3"}, {"K3", "M3"}, {"O3", "Q3"}}
	for c := range 7 {
		merges = append(merges, [2]string{cell(c+1, 3), cell(c+1, 4)})
	}
	merges = append(merges, [2]string{"N3", "N4"})
	for _, m := range merges {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			return err
		}
	}
	rows := readLedgerRows(ctx, b, by, item, from, to, &ledgerRows{
		date:   func(d ledger.Date) any { return excelize.Cell{StyleID: styles.date, Value: excelDate(d)} },
		number: func(c ledgerCell) any { return styles.number(c) },
	})
	n := 4
	err = rows(func(r []any) error {
		n++
		return sw.SetRow(cell(1, n), r)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// listTop writes a long list's column widths and its frozen head (the first head rows),
// the title in A1, and the shop, the periods and the unit in A2, extra after them.
func listTop(sw *excelize.StreamWriter, styles *ledgerStyles, cat *i18n.Catalog, title, shop string, from, to ledger.Period,
	widths []float64, head int, extra ...any) error {
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: head, TopLeftCell: cell(1, head+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: styles.title, Value: title}}); err != nil {
		return err
	}
	span := string(from)
	if to != from {
		span += " – " + string(to)
	}
	info := append([]any{cat.T("report.shop", map[string]any{"name": shop}), nil, nil, nil, nil,
		cat.T("report.period", map[string]any{"period": span}), nil, nil, nil, nil, cat.T("report.unit")}, extra...)
	return sw.SetRow("A2", info)
}

// newListBook is a workbook of one long list's sheet sh, printed as listPageSetup sets
// it (its first head rows repeated on each page), its streamed writer and its styles.
func newListBook(sh string, head int) (*excelize.File, *excelize.StreamWriter, *ledgerStyles, error) {
	f := fastZip(excelize.NewFile())
	fail := func(err error) (*excelize.File, *excelize.StreamWriter, *ledgerStyles, error) {
		f.Close()
		return nil, nil, nil, err
	}
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return fail(err)
	}
	if err := listPageSetup(f, sh, head); err != nil {
		return fail(err)
	}
	styles, err := newLedgerStyles(f)
	if err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return fail(err)
	}
	return f, sw, styles, nil
}

// listPageSetup prints a long list's sheet on A4 landscape fitted to the width, its
// first head rows repeated on every page.
func listPageSetup(f *excelize.File, sh string, head int) error {
	if err := f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	if err := f.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr("landscape"), FitToWidth: ptr(1),
		FitToHeight: ptr(0)}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$%d", sh, head), Scope: sh})
}

// ledgerStyles are the stock ledger's cell styles, made once: a cell names its style by
// ID.
type ledgerStyles struct{ title, head, date, qty, price, money int }

func newLedgerStyles(f *excelize.File) (*ledgerStyles, error) {
	st := &ledgerStyles{}
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center"}}},
		{&st.head, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
			Border: borders()}},
		{&st.date, excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")}},
		{&st.qty, excelize.Style{CustomNumFmt: ptr("#,##0.####;-#,##0.####;0")}},
		{&st.price, excelize.Style{CustomNumFmt: ptr("#,##0.00####")}},
		{&st.money, excelize.Style{NumFmt: 4}}, // #,##0.00
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return nil, err
		}
		*s.id = id
	}
	return st, nil
}

// number is the cell of a ledgerCell: the number in units, yuan per unit or yuan.
func (st *ledgerStyles) number(c ledgerCell) excelize.Cell {
	switch c.kind {
	case 'q':
		return excelize.Cell{StyleID: st.qty, Value: qtyFloat(ledger.Qty(c.n))}
	case 'p':
		return excelize.Cell{StyleID: st.price, Value: float64(c.n) / 1_000_000}
	}
	return excelize.Cell{StyleID: st.money, Value: moneyFloat(ledger.Money(c.n))}
}

// excelDate is a date as Excel's serial day number (days since 1899-12-30): a date cell,
// shown by its yyyy-mm-dd format, that Excel sorts and filters as a date (and that costs
// a sixth of a text cell to write).
func excelDate(d ledger.Date) float64 {
	t, err := time.Parse(time.DateOnly, string(d))
	if err != nil {
		return 0
	}
	return float64(t.Unix()/86400 + 25569)
}

// periodOpen tells whether a period is open (not closed, or not in the book yet).
func periodOpen(ctx context.Context, b *ledger.Book, p ledger.Period) (bool, error) {
	ps, err := b.Periods(ctx)
	if err != nil {
		return false, err
	}
	for _, s := range ps {
		if s.Period == p {
			return !s.Closed, nil
		}
	}
	return true, nil
}

// StockLedgerCSV writes the stock ledgers of the periods from–to (of every item that
// moved, or of one item) as CSV: UTF-8 with a BOM, one header row, the columns of the
// workbook, numbers as plain decimals.
func StockLedgerCSV(ctx context.Context, w io.Writer, b *ledger.Book, by *ledger.User, item string, from, to ledger.Period) error {
	cat := i18n.For(i18n.ZH)
	top, sub := stockLedgerHead(cat)
	head := make([]string, len(top))
	for i := range top {
		if sub[i] == "" {
			head[i] = top[i]
			continue
		}
		group := top[7] // 收入, 发出 or 结存: the name is on the group's first column
		switch {
		case i >= 14:
			group = top[14]
		case i >= 10:
			group = top[10]
		}
		head[i] = group + sub[i]
	}
	cw, err := newCSV(w, head)
	if err != nil {
		return err
	}
	rows := readLedgerRows(ctx, b, by, item, from, to, &ledgerRows{
		date:   func(d ledger.Date) any { return string(d) },
		number: func(c ledgerCell) any { return c.String() },
	})
	rec := make([]string, stockLedgerCols)
	err = rows(func(r []any) error {
		for i, v := range r {
			rec[i], _ = v.(string) // nil: ""
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// String is the number as a plain decimal.
func (c ledgerCell) String() string {
	switch c.kind {
	case 'q':
		return ledger.Qty(c.n).String()
	case 'p':
		return ledger.Price(c.n).String()
	}
	return ledger.Money(c.n).String()
}
