// Package report turns the book into things people read outside the program: statements
// as data, Excel in and out, and printed documents (送货单 and every other 单据 as PDF).
// It reads through ledger's services and never imports ui, cli or Fyne.
package report

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"shopbooks/ledger"
)

// PageSize is the paper a document prints on.
type PageSize int

// The page sizes: A4 portrait, and A5 landscape, the common size of 送货单 and 出库单 on
// continuous forms (241 mm 三等分 paper is close to A5 landscape).
const (
	PageA4 PageSize = iota
	PageA5
)

// String is the size's command-line name: "a4" or "a5".
func (s PageSize) String() string {
	switch s {
	case PageA4:
		return "a4"
	case PageA5:
		return "a5"
	}
	return fmt.Sprintf("PageSize(%d)", int(s))
}

// ParsePageSize reads "a4" or "a5" (any case, full-width letters from an IME too). Anything
// else is refused with ledger.CodeBadChoice.
func ParsePageSize(s string) (PageSize, error) {
	switch strings.ToLower(ledger.Normalize(s)) {
	case "a4":
		return PageA4, nil
	case "a5":
		return PageA5, nil
	}
	return 0, &ledger.Error{Code: ledger.CodeBadChoice,
		Args: map[string]any{"field": "page_size", "value": s, "choices": "a4, a5"}}
}

// DocPDF prints a saved document as a PDF in Chinese: title by type (a sales delivery is a
// 送货单), the shop's name, number, date, partner, warehouses, a status stamp, the lines,
// totals in figures and in capitals (ledger.InWords), the memo and signature lines. Long
// documents continue on further pages, each repeating the heading and the table header and
// numbered 第 n 页 / 共 m 页. Amounts of other-in lines print only for users who may view
// costs. It needs ledger.PermViewDocs (else a *ledger.Error with CodeForbidden) and
// returns the book's refusal for an unknown number.
func DocPDF(ctx context.Context, b *ledger.Book, by *ledger.User, number string, size PageSize) ([]byte, error) {
	if !by.Can(ledger.PermViewDocs) {
		return nil, &ledger.Error{Code: ledger.CodeForbidden, Args: map[string]any{"action": "doc.print"}}
	}
	if size != PageA4 && size != PageA5 {
		return nil, fmt.Errorf("report: print %s: unknown page size %d", number, int(size))
	}
	d, err := b.Doc(ctx, number)
	if err != nil {
		return nil, err
	}
	s, err := b.Settings(ctx)
	if err != nil {
		return nil, err
	}
	f, err := newForm(ctx, b, by, s, d)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out, err := renderPDF(f, size)
	if err != nil {
		return nil, fmt.Errorf("report: print %s: %w", d.Number, err)
	}
	return out, nil
}

// form is a document as it prints: plain strings laid out by renderPDF.
type form struct {
	shop   string
	title  string
	number string
	stamp  string     // 草稿, 已审核, 已作废
	head   []field    // the heading under the title
	cols   []column   // the lines table
	rows   [][]string // one per line, a cell per column
	total  []string   // the 合计 row (nil: none), a cell per column
	words  string     // 金额大写 ("" for documents without money)
	figure string     // the amount the words spell, in figures
	extra  []field    // settlement under the totals (收款, 冲预收, 应收)
	memo   string
	signs  []field // signature lines: label and a name ("" for a blank line to sign)
}

// field is a label and its value; span is how many quarters of the width it takes.
type field struct {
	label, value string
	span         int
}

// column is a column of the lines table; width 0 shares what the others leave.
type column struct {
	title string
	width float64 // points; all shrink together if they outgrow the page
	right bool    // figures: right-aligned
}

// docTitles are the printed titles; a sales delivery prints as the customer's 送货单.
var docTitles = map[ledger.DocType]string{
	ledger.DocPO: "采购订单", ledger.DocReceipt: "采购入库单", ledger.DocPReturn: "采购退货单",
	ledger.DocSO: "销售订单", ledger.DocDelivery: "送货单", ledger.DocSReturn: "销售退货单",
	ledger.DocTransfer: "调拨单", ledger.DocCount: "盘点单", ledger.DocOtherIn: "其他入库单",
	ledger.DocOtherOut: "其他出库单", ledger.DocCollect: "收款单", ledger.DocPay: "付款单",
	ledger.DocExpense: "费用单",
}

var stamps = map[ledger.DocStatus]string{
	ledger.StatusDraft: "草稿", ledger.StatusAudited: "已审核", ledger.StatusVoided: "已作废",
}

// Columns shared by the layouts.
var (
	colNo   = column{title: "行号", width: 24}
	colCode = column{title: "编码", width: 52}
	colName = column{title: "名称"}
	colUnit = column{title: "单位", width: 28}
	colMemo = column{title: "备注", width: 110}
)

// newForm lays a document out as it prints, reading the names the document only refers to
// by code (warehouses, accounts, the partner's address).
func newForm(ctx context.Context, b *ledger.Book, by *ledger.User, s ledger.Settings, d ledger.Doc) (*form, error) {
	f := &form{shop: s.Name, title: docTitles[d.Type], number: d.Number, stamp: stamps[d.Status], memo: d.Memo}
	if f.title == "" {
		f.title = string(d.Type)
	}
	t := d.Type
	names := nameCache{ctx: ctx, b: b}

	// The heading.
	if d.Partner != "" {
		label := "往来单位"
		switch {
		case t.Customer():
			label = "客户"
		case t.Supplier() || t == ledger.DocExpense:
			label = "供应商"
		}
		f.head = append(f.head, field{label, d.Partner + " " + d.PartnerName, 2})
	}
	switch t {
	case ledger.DocTransfer:
		from, err := names.warehouse(d.Warehouse)
		if err != nil {
			return nil, err
		}
		to, err := names.warehouse(d.ToWarehouse)
		if err != nil {
			return nil, err
		}
		f.head = append(f.head, field{"调出仓库", from, 2}, field{"调入仓库", to, 2})
	case ledger.DocCollect, ledger.DocPay, ledger.DocExpense:
	default:
		whs, err := names.warehouses(d)
		if err != nil {
			return nil, err
		}
		if whs != "" {
			f.head = append(f.head, field{"仓库", whs, 2})
		}
	}
	if d.Account != "" && t != ledger.DocCollect && t != ledger.DocPay {
		acct, err := names.account(d.Account)
		if err != nil {
			return nil, err
		}
		label := "结算账户"
		if t == ledger.DocOtherIn || t == ledger.DocOtherOut {
			label = "对方科目"
		}
		f.head = append(f.head, field{label, acct, 2})
	}
	if d.Source != "" {
		f.head = append(f.head, field{"源单", d.Source, 1})
	}
	if t == ledger.DocReceipt || t == ledger.DocPReturn || t == ledger.DocExpense {
		kind := "普通发票"
		if d.Deductible {
			kind = "专用发票"
		}
		f.head = append(f.head, field{"发票类型", kind, 1})
	}
	if t == ledger.DocDelivery || t == ledger.DocSReturn || t == ledger.DocSO {
		p, err := b.Partner(ctx, d.Partner)
		if err != nil {
			return nil, err
		}
		if contact := strings.TrimSpace(p.Contact + " " + p.Phone); contact != "" {
			f.head = append(f.head, field{"联系人", contact, 2})
		}
		if p.Address != "" {
			f.head = append(f.head, field{"地址", p.Address, 4})
		}
	}

	// The first row: who or where on the left, date and number on the right.
	first := field{span: 2}
	if len(f.head) > 0 {
		first, f.head = f.head[0], f.head[1:]
		first.span = 2
	}
	f.head = append([]field{first, {"日期", string(d.Date), 1}, {"单号", d.Number, 1}}, f.head...)

	// The lines and totals.
	switch {
	case t.Priced():
		pricedLines(f, d)
	case t == ledger.DocTransfer:
		f.cols = []column{colNo, colCode, colName, colUnit, {title: "数量", width: 64, right: true}, colMemo}
		var q ledger.Qty
		for _, l := range d.Lines {
			f.rows = append(f.rows, []string{fmt.Sprint(l.No), l.Item, l.ItemName, l.Unit, qtyText(l.Qty), l.Memo})
			q += l.Qty
		}
		f.total = []string{"合计", "", "", "", qtyText(q), ""}
	case t == ledger.DocCount:
		f.cols = []column{colNo, colCode, colName, colUnit, {title: "账面数量", width: 60, right: true},
			{title: "实盘数量", width: 60, right: true}, {title: "差异", width: 60, right: true}, {title: "备注", width: 90}}
		for _, l := range d.Lines {
			book, diff := "", ""
			if l.HasBookQty {
				book, diff = qtyText(l.BookQty), qtyText(l.Qty-l.BookQty)
			}
			memo := l.Memo
			if l.Abnormal {
				memo = strings.TrimSpace("非正常损失 " + memo)
			}
			f.rows = append(f.rows, []string{fmt.Sprint(l.No), l.Item, l.ItemName, l.Unit, book, qtyText(l.Qty), diff, memo})
		}
	case t == ledger.DocOtherIn || t == ledger.DocOtherOut:
		// Other-in amounts are costs the user offered: they print for those who may see costs.
		amounts := t == ledger.DocOtherIn && by.Can(ledger.PermViewCost)
		f.cols = []column{colNo, colCode, colName, colUnit, {title: "数量", width: 64, right: true}}
		if amounts {
			f.cols = append(f.cols, column{title: "金额", width: 72, right: true})
		}
		f.cols = append(f.cols, colMemo)
		var q ledger.Qty
		var m ledger.Money
		for _, l := range d.Lines {
			row := []string{fmt.Sprint(l.No), l.Item, l.ItemName, l.Unit, qtyText(l.Qty)}
			if amounts {
				row = append(row, l.InvAmount.Format())
			}
			f.rows = append(f.rows, append(row, l.Memo))
			q += l.Qty
			m += l.InvAmount
		}
		f.total = []string{"合计", "", "", "", qtyText(q)}
		if amounts {
			f.total = append(f.total, m.Format())
			f.words, f.figure = ledger.InWords(m), "¥"+m.Format()
		}
		f.total = append(f.total, "")
	case t == ledger.DocExpense:
		f.cols = []column{colNo, {title: "费用科目", width: 120}, {title: "说明"}, {title: "金额", width: 62, right: true},
			{title: "税率", width: 30, right: true}, {title: "税额", width: 54, right: true}, {title: "价税合计", width: 64, right: true}}
		for _, l := range d.Lines {
			acct, err := names.account(l.Account)
			if err != nil {
				return nil, err
			}
			f.rows = append(f.rows, []string{fmt.Sprint(l.No), acct, l.Memo, l.Net.Format(), rateText(l.VATRate),
				l.Tax.Format(), l.Gross.Format()})
		}
		f.total = []string{"合计", "", "", d.Net.Format(), "", d.Tax.Format(), d.Gross.Format()}
		f.words, f.figure = ledger.InWords(d.Gross), "¥"+d.Gross.Format()
		f.extra = []field{{label: "付款", value: d.Paid.Format()}, {label: "应付", value: (d.Gross - d.Paid).Format()}}
	case t == ledger.DocCollect || t == ledger.DocPay:
		if err := paymentLines(f, d, &names); err != nil {
			return nil, err
		}
	}

	// Who made it, who checked it, who signs for the goods.
	f.signs = []field{{label: "制单", value: d.Maker}, {label: "审核", value: d.Auditor}}
	if t == ledger.DocDelivery {
		f.signs = append(f.signs, field{label: "送货人"}, field{label: "收货人签字"})
	} else {
		f.signs = append(f.signs, field{label: "经手人"})
	}
	return f, nil
}

// pricedLines lays out orders, receipts, deliveries and returns: quantities, prices,
// discounts when any line has one, VAT, and the settlement under the totals.
func pricedLines(f *form, d ledger.Doc) {
	discount := false
	for _, l := range d.Lines {
		discount = discount || l.Discount != 0
	}
	price := "单价"
	if d.Inclusive {
		price = "含税单价"
	}
	f.cols = []column{colNo, colCode, colName, colUnit, {title: "数量", width: 44, right: true},
		{title: price, width: 48, right: true}}
	if discount {
		f.cols = append(f.cols, column{title: "折扣", width: 34, right: true})
	}
	f.cols = append(f.cols, column{title: "金额", width: 58, right: true}, column{title: "税率", width: 28, right: true},
		column{title: "税额", width: 50, right: true}, column{title: "价税合计", width: 60, right: true})
	var q ledger.Qty
	for _, l := range d.Lines {
		row := []string{fmt.Sprint(l.No), l.Item, l.ItemName, l.Unit, qtyText(l.Qty), l.Price.String()}
		if discount {
			row = append(row, discountText(l))
		}
		f.rows = append(f.rows, append(row, l.Net.Format(), rateText(l.VATRate), l.Tax.Format(), l.Gross.Format()))
		q += l.Qty
	}
	f.total = []string{"合计", "", "", "", qtyText(q), ""}
	if discount {
		f.total = append(f.total, "")
	}
	f.total = append(f.total, d.Net.Format(), "", d.Tax.Format(), d.Gross.Format())
	f.words, f.figure = ledger.InWords(d.Gross), "¥"+d.Gross.Format()
	if d.Type.Order() {
		return
	}
	if d.Type == ledger.DocSReturn || d.Type == ledger.DocPReturn { // P = 0 on returns (DOMAIN.md §5.3)
		due := "冲减应收"
		if d.Type.Supplier() {
			due = "冲减应付"
		}
		f.extra = []field{{label: "退款", value: d.Paid.Format()}, {label: due, value: (d.Gross - d.Paid).Format()}}
		return
	}
	paid, adv, due := "收款", "冲预收", "应收"
	if d.Type.Supplier() {
		paid, adv, due = "付款", "冲预付", "应付"
	}
	f.extra = []field{{label: paid, value: d.Paid.Format()}, {label: adv, value: d.AdvanceUsed.Format()},
		{label: due, value: (d.Gross - d.AdvanceUsed - d.Paid).Format()}}
}

// paymentLines lays out a receipt or payment: the amount, and how it splits between
// settling what is owed and the advance kept.
func paymentLines(f *form, d ledger.Doc, names *nameCache) error {
	applied, advance := "冲应收账款", "转预收款"
	if d.Type == ledger.DocPay {
		applied, advance = "冲应付账款", "转预付款"
	}
	acct := ""
	if d.Account != "" {
		var err error
		if acct, err = names.account(d.Account); err != nil {
			return err
		}
	}
	f.cols = []column{{title: "项目", width: 120}, {title: "结算账户"}, {title: "金额", width: 110, right: true}}
	f.rows = [][]string{
		{f.title[:len(f.title)-len("单")] + "金额", acct, d.Amount.Format()},
		{"其中：" + applied, "", d.Applied.Format()},
		{"其中：" + advance, "", d.Advance.Format()},
	}
	f.words, f.figure = ledger.InWords(d.Amount), "¥"+d.Amount.Format()
	return nil
}

// nameCache reads the names of what a document refers to by code, once each.
type nameCache struct {
	ctx  context.Context
	b    *ledger.Book
	seen map[string]string
}

func (c *nameCache) warehouse(code string) (string, error) {
	return c.lookup("w:"+code, func() (string, error) {
		w, err := c.b.Warehouse(c.ctx, code)
		return w.Code + " " + w.Name, err
	})
}

func (c *nameCache) account(code string) (string, error) {
	return c.lookup("a:"+code, func() (string, error) {
		a, err := c.b.Account(c.ctx, code)
		return a.Code + " " + a.Name, err
	})
}

func (c *nameCache) lookup(key string, read func() (string, error)) (string, error) {
	if v, ok := c.seen[key]; ok {
		return v, nil
	}
	v, err := read()
	if err != nil {
		return "", err
	}
	if c.seen == nil {
		c.seen = map[string]string{}
	}
	c.seen[key] = v
	return v, nil
}

// warehouses names the document's warehouse and any other its lines use, in line order.
func (c *nameCache) warehouses(d ledger.Doc) (string, error) {
	var codes []string
	for _, code := range append([]string{d.Warehouse}, lineWarehouses(d)...) {
		if code != "" && !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	var out []string
	for _, code := range codes {
		n, err := c.warehouse(code)
		if err != nil {
			return "", err
		}
		out = append(out, n)
	}
	return strings.Join(out, "、"), nil
}

func lineWarehouses(d ledger.Doc) []string {
	var out []string
	for _, l := range d.Lines {
		out = append(out, l.Warehouse)
	}
	return out
}

// qtyText writes a quantity with thousands separators and only the decimals it needs.
func qtyText(q ledger.Qty) string {
	s := q.String()
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

func rateText(r ledger.Rate) string { return r.String() + "%" }

// discountText is a line's discount as entered: a rate, or an amount.
func discountText(l ledger.DocLine) string {
	switch {
	case l.Discount == 0:
		return ""
	case l.HasDiscountAmount:
		return l.Discount.Format()
	}
	return rateText(l.DiscountRate)
}
