package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"shopbooks/ledger"
)

// docAreas maps the navigation's document areas to their types (UI.md §2).
var docAreas = map[string]ledger.DocType{
	"purchase_order": ledger.DocPO, "purchase_receipt": ledger.DocReceipt, "purchase_return": ledger.DocPReturn,
	"sales_order": ledger.DocSO, "sales_delivery": ledger.DocDelivery, "sales_return": ledger.DocSReturn,
	"transfer": ledger.DocTransfer, "count": ledger.DocCount, "other_in": ledger.DocOtherIn, "other_out": ledger.DocOtherOut,
	"receipt": ledger.DocCollect, "payment": ledger.DocPay, "expense": ledger.DocExpense,
}

// areaOfType is the navigation area of a document type.
func areaOfType(t ledger.DocType) string {
	for a, x := range docAreas {
		if x == t {
			return a
		}
	}
	return ""
}

// sourceTypeOf is the type 选单 copies from: an order for a receipt or delivery, the
// receipt or delivery for a return (DOMAIN.md §4.1).
func sourceTypeOf(t ledger.DocType) ledger.DocType {
	return map[ledger.DocType]ledger.DocType{ledger.DocReceipt: ledger.DocPO, ledger.DocDelivery: ledger.DocSO,
		ledger.DocPReturn: ledger.DocReceipt, ledger.DocSReturn: ledger.DocDelivery}[t]
}

// outType tells whether a type's lines take stock out (库存 shown, red if short).
func outType(t ledger.DocType) bool {
	return t == ledger.DocDelivery || t == ledger.DocPReturn || t == ledger.DocTransfer || t == ledger.DocOtherOut
}

// docCol is a column of the lines grid.
type docCol struct {
	id    string
	title string // catalog key
	width float32
	edit  bool
	right bool
}

// columnsOf lists the grid's columns for a type (UI.md §3.2's table).
func columnsOf(t ledger.DocType, inclusive bool) []docCol {
	item := []docCol{{"item", "ui.col.code", 96, true, false}, {"name", "ui.col.name", 120, false, false}, {"unit", "ui.col.unit", 44, false, false}}
	switch {
	case t.Priced():
		price := docCol{"price", "ui.doc.col.price", 80, true, true}
		if inclusive {
			price.title = "ui.doc.col.price_incl"
		}
		cols := append(item, docCol{"qty", "ui.col.qty", 64, true, true}, price,
			docCol{"disc", "ui.doc.col.disc", 50, true, true}, docCol{"net", "ui.doc.col.net", 90, false, true},
			docCol{"vat", "ui.doc.col.vat", 44, true, true}, docCol{"tax", "ui.doc.col.tax", 74, true, true},
			docCol{"gross", "ui.doc.col.gross", 92, false, true})
		if t.Order() {
			cols = append(cols, docCol{"done", "ui.doc.col.done", 70, false, true})
		}
		if lineWarehouse(t) {
			cols = append(cols, docCol{"wh", "ui.doc.col.warehouse", 60, true, false})
		}
		if outType(t) {
			cols = append(cols, docCol{"stock", "ui.doc.col.stock", 66, false, true})
		}
		if sourceTypeOf(t) != "" {
			cols = append(cols, docCol{"source", "ui.doc.col.source", 136, false, false})
		}
		return cols
	case t == ledger.DocCount:
		return append(item, docCol{"book", "ui.doc.col.book", 84, false, true}, docCol{"qty", "ui.doc.col.counted", 90, true, true},
			docCol{"diff", "ui.doc.col.diff", 86, false, true}, docCol{"loss", "ui.doc.col.loss", 140, true, false})
	case t == ledger.DocOtherIn:
		return append(item, docCol{"qty", "ui.col.qty", 80, true, true}, docCol{"amount", "ui.doc.col.net", 100, true, true})
	case t == ledger.DocTransfer || t == ledger.DocOtherOut:
		return append(item, docCol{"qty", "ui.col.qty", 80, true, true}, docCol{"stock", "ui.doc.col.stock", 80, false, true})
	case t == ledger.DocExpense:
		return []docCol{{"account", "ui.doc.col.expense_account", 100, true, false}, {"acct_name", "ui.col.account_name", 130, false, false},
			{"memo", "ui.doc.col.memo", 160, true, false}, {"amount", "ui.doc.col.net", 96, true, true},
			{"vat", "ui.doc.col.vat", 50, true, true}, {"tax", "ui.doc.col.tax", 80, false, true}, {"gross", "ui.doc.col.gross", 96, false, true}}
	}
	return nil
}

// lineWarehouse tells whether a type's lines may name their own warehouse (UI.md §3.2:
// CG XS CT XT add a 仓库 column; blank is the header's).
func lineWarehouse(t ledger.DocType) bool {
	return t == ledger.DocReceipt || t == ledger.DocDelivery || t == ledger.DocPReturn || t == ledger.DocSReturn
}

// docDiscount tells whether a type's header takes a whole-document discount (整单折扣),
// spread over its lines by ledger.SpreadDiscount (DOMAIN.md §2.1).
func docDiscount(t ledger.DocType) bool {
	return t == ledger.DocPO || t == ledger.DocSO || t == ledger.DocReceipt || t == ledger.DocDelivery
}

// headFields lists the header fields of a type, in reading order (UI.md §3.2).
func headFields(t ledger.DocType, general bool) []string {
	out := []string{"date"}
	switch {
	case t.Order():
		out = append(out, "partner", "inclusive", "doc_disc")
	case t == ledger.DocReceipt || t == ledger.DocPReturn || t == ledger.DocDelivery || t == ledger.DocSReturn:
		out = append(out, "partner", "warehouse", "inclusive", "account", "paid")
		if t == ledger.DocDelivery || t == ledger.DocReceipt {
			out = append(out, "advance_used", "doc_disc")
		}
		if general && (t == ledger.DocReceipt || t == ledger.DocPReturn) {
			out = append(out, "deductible")
		}
	case t == ledger.DocTransfer:
		out = append(out, "warehouse", "to_warehouse")
	case t == ledger.DocCount:
		out = append(out, "warehouse")
	case t == ledger.DocOtherIn || t == ledger.DocOtherOut:
		out = append(out, "warehouse", "counter")
	case t == ledger.DocExpense:
		out = append(out, "account", "partner")
		if general {
			out = append(out, "deductible")
		}
	case t == ledger.DocCollect || t == ledger.DocPay:
		out = append(out, "partner", "account", "amount", "applied", "advance")
	}
	return append(out, "memo")
}

// docLine is one line of the editor as typed, with what the window computed for it.
type docLine struct {
	text     map[string]string // item, qty, price, disc, vat, amount, account, memo
	item     *ledger.Item      // the item the code resolved to
	amt      ledger.LineAmounts
	amtErr   error
	src      string // "NUMBER/LINE" when copied by 选单
	srcAmt   *ledger.LineAmounts
	srcQty   ledger.Qty
	book     ledger.Qty // PD: the book quantity (a preview until audit)
	hasBook  bool
	abnormal bool
	share    ledger.Money // this line's part of the whole-document discount (整单折扣)
	done     ledger.Qty   // orders: received or delivered so far (已执行)
	hasDone  bool
	err      error // a refusal placed at this line
}

// whCode is the line's own warehouse as typed ("" for the document's).
func (l *docLine) whCode() string { return strings.ToUpper(ledger.Normalize(l.text["wh"])) }

// vatOverride reads the 税额 cell when the user typed one (DOMAIN.md §2.1's override).
func (l *docLine) vatOverride() (ledger.Money, bool, error) {
	t, ok := l.text["tax"]
	if !ok || strings.TrimSpace(t) == "" {
		return 0, false, nil
	}
	m, err := ledger.ParseMoney("vat", t)
	return m, err == nil, err
}

func newLine() *docLine { return &docLine{text: map[string]string{}} }

func (l *docLine) blank() bool {
	for _, v := range l.text {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return l.src == "" && !l.hasBook
}

// docVM is the view-model of a document editor: the header and lines as typed, the
// amounts computed live with ledger.ComputeLine as the service will, and the commands.
type docVM struct {
	s    *session
	typ  ledger.DocType
	set  ledger.Settings
	doc  ledger.Doc // as last loaded or saved: number, status, version, maker
	head map[string]string
	// lines always end with a blank one while the document is editable
	lines []*docLine
	saved string // the text as loaded, for dirty
	errs  map[string]error
	msg   error  // a refusal that names no header field (the message bar under the grid)
	info  string // the last result
	scan  string // an unknown scanned code: the red line under the grid
	// count filter: "" all, "uncounted", "diff"
	filter string
	byScan bool // the last Enter in 编码 was a scan (barcode or n*): stay on the blank line
	flash  int  // the line a scan just landed on (the grid flashes it), -1 for none

	items   []ledger.Item
	onhand  map[string]ledger.Qty // item|warehouse → quantity
	accts   []ledger.Account
	changed func()
}

func newDocVM(s *session, t ledger.DocType) *docVM {
	v := &docVM{s: s, typ: t, onhand: map[string]ledger.Qty{}, flash: -1}
	v.set, _ = s.book.Settings(s.ctx)
	v.reloadLookups()
	v.New()
	return v
}

func (v *docVM) reloadLookups() {
	v.items, _ = v.s.book.Items(v.s.ctx, ledger.ItemFilter{})
	v.accts, _ = v.s.book.Accounts(v.s.ctx, false)
	v.onhand = map[string]ledger.Qty{}
}

// New starts a blank document with today's date and the first warehouse.
func (v *docVM) New() {
	v.doc = ledger.Doc{Type: v.typ, Status: ledger.StatusDraft}
	date := time.Now().Format("2006-01-02")
	if d := v.head["date"]; d != "" {
		date = d // a clerk enters a day's documents one after another
	}
	v.head = map[string]string{"date": date, "deductible": fromBool(true)}
	if whs, _ := v.s.book.Warehouses(v.s.ctx, false); len(whs) > 0 {
		v.head["warehouse"] = whs[0].Code
		if len(whs) > 1 && v.typ == ledger.DocTransfer {
			v.head["to_warehouse"] = whs[1].Code
		}
	}
	// The counter-account of other-in/out: its role's account (DOMAIN.md §1.4).
	if role, ok := map[ledger.DocType]ledger.AccountRole{ledger.DocOtherIn: ledger.OtherInCounterRole,
		ledger.DocOtherOut: ledger.OtherOutCounterRole}[v.typ]; ok {
		roles, _ := v.s.book.AccountRoles(v.s.ctx, v.s.user)
		for _, r := range roles {
			if r.Role == role {
				v.head["counter"] = r.Account
			}
		}
	}
	v.lines = nil
	v.clearErrs()
	v.info, v.scan = "", ""
	v.ensureBlank()
	v.recompute()
	v.saved = v.snapshot()
}

// Load shows a saved document.
func (v *docVM) Load(number string) error {
	d, err := v.s.book.Doc(v.s.ctx, number)
	if err != nil {
		return err
	}
	v.typ = d.Type
	v.show(d)
	return nil
}

func (v *docVM) show(d ledger.Doc) {
	v.doc = d
	v.head = map[string]string{"date": string(d.Date), "partner": d.Partner, "warehouse": d.Warehouse, "to_warehouse": d.ToWarehouse,
		"inclusive": fromBool(d.Inclusive), "deductible": fromBool(d.Deductible), "memo": d.Memo, "source": d.Source}
	switch d.Type {
	case ledger.DocOtherIn, ledger.DocOtherOut:
		v.head["counter"] = d.Account
	default:
		v.head["account"] = d.Account
	}
	if d.Type == ledger.DocCollect || d.Type == ledger.DocPay {
		v.head["amount"], v.head["applied"], v.head["advance"] = editMoney(d.Amount), editMoney(d.Applied), editMoney(d.Advance)
	} else if d.Account != "" && d.Paid != d.Gross {
		v.head["paid"] = editMoney(d.Paid)
	}
	v.head["advance_used"] = moneyText(d.AdvanceUsed)
	v.lines = nil
	for _, l := range d.Lines {
		ln := newLine()
		ln.src, ln.abnormal = l.SourceLine, l.Abnormal
		if l.Warehouse != "" && l.Warehouse != d.Warehouse && lineWarehouse(d.Type) {
			ln.text["wh"] = l.Warehouse
		}
		if d.Type == ledger.DocExpense {
			ln.text["account"], ln.text["memo"], ln.text["amount"] = l.Account, l.Memo, editMoney(l.Net)
			ln.text["vat"] = l.VATRate.String()
		} else {
			ln.text["item"] = l.Item
			ln.text["qty"] = l.Qty.String()
			if d.Type.Priced() {
				ln.text["price"] = l.Price.String()
				ln.text["vat"] = l.VATRate.String()
				if l.HasDiscountAmount {
					ln.text["disc"] = l.DiscountAmount.String()
				} else if l.DiscountRate != 0 {
					ln.text["disc"] = l.DiscountRate.String() + "%"
				}
				if l.HasVATOverride {
					ln.text["tax"] = l.VATOverride.String()
				}
			}
			if d.Type == ledger.DocOtherIn {
				ln.text["amount"] = editMoney(l.InvAmount)
			}
			ln.item = v.itemByCode(l.Item)
			ln.book, ln.hasBook = l.BookQty, l.HasBookQty
			if ln.src != "" && (d.Type == ledger.DocPReturn || d.Type == ledger.DocSReturn) {
				a := ledger.LineAmounts{Base: l.Base, Discount: l.Discount, Net: l.Net, VAT: l.Tax, Gross: l.Gross}
				ln.srcAmt, ln.srcQty = &a, l.Qty // the stored proportional amounts, scaled by quantity if edited
			}
		}
		v.lines = append(v.lines, ln)
	}
	if d.Type == ledger.DocCount && d.Status == ledger.StatusDraft {
		v.previewBook(d.Warehouse, d.Date)
	}
	if d.Type.Order() && d.Status == ledger.StatusAudited {
		v.loadDone(d.Number)
	}
	v.clearErrs()
	v.scan = ""
	v.ensureBlank()
	v.recompute()
	v.saved = v.snapshot()
}

// loadDone shows an audited order's 已执行: what linked receipts or deliveries took of
// each line (ledger.OpenLines).
func (v *docVM) loadDone(number string) {
	open, err := v.s.book.OpenLines(v.s.ctx, v.s.user, number)
	if err != nil {
		return
	}
	for i, o := range open {
		if i < len(v.lines) {
			v.lines[i].done, v.lines[i].hasDone = o.Done, true
		}
	}
}

// previewBook shows a draft count's book quantities as the book has them now (the audit
// recomputes them at the count's date).
func (v *docVM) previewBook(wh string, date ledger.Date) {
	sheet, err := v.s.book.CountSheet(v.s.ctx, v.s.user, wh, date)
	if err != nil {
		return
	}
	book := map[string]ledger.Qty{}
	for _, c := range sheet {
		book[c.Item] = c.BookQty
	}
	for _, l := range v.lines {
		if l.item != nil && !l.hasBook {
			l.book, l.hasBook = book[l.item.Code], true
		}
	}
}

// fmtQty shows a quantity with thousands separators: 1,000 and -2.5.
func fmtQty(q ledger.Qty) string {
	s := q.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// fmtCost shows a unit cost to 4 decimals (20.5477), as UI.md §3.4 draws it.
func fmtCost(p ledger.Price) string {
	n := int64(p)
	r := (n + 50) / 100
	if n < 0 {
		r = (n - 50) / 100
	}
	return fmtScaled4(r)
}

func fmtScaled4(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := fmt.Sprintf("%d.%04d", n/10000, n%10000)
	if neg {
		s = "-" + s
	}
	return s
}

func editMoney(m ledger.Money) string {
	if m == 0 {
		return ""
	}
	return m.String()
}

func (v *docVM) clearErrs() {
	v.errs = map[string]error{}
	v.msg = nil
	for _, l := range v.lines {
		l.err = nil
	}
}

// Editable tells whether the user may change this document now.
func (v *docVM) Editable() bool {
	u := v.s.user
	if v.doc.Status != ledger.StatusDraft || !u.Can(ledger.PermDraft) {
		return false
	}
	return v.doc.ID == 0 || strings.EqualFold(v.doc.Maker, u.Name) || u.Can(ledger.PermDraftOthers)
}

// The toolbar: which buttons show (permission) and which are enabled (state).
func (v *docVM) ShowEdit() bool    { return v.s.user.Can(ledger.PermDraft) }
func (v *docVM) ShowAudit() bool   { return v.s.user.Can(ledger.PermAuditDoc) }
func (v *docVM) ShowUnaudit() bool { return v.s.user.Can(ledger.PermUnauditDoc) }
func (v *docVM) Saved() bool       { return v.doc.ID != 0 }
func (v *docVM) CanSave() bool     { return v.Editable() }
func (v *docVM) CanAudit() bool {
	return v.doc.Status == ledger.StatusDraft && v.ShowAudit() && (v.Saved() || v.Editable())
}
func (v *docVM) CanUnaudit() bool {
	return v.doc.Status == ledger.StatusAudited && v.ShowUnaudit() && !v.InClosedPeriod()
}

// InClosedPeriod tells whether the document's month is closed: it is then read-only.
func (v *docVM) InClosedPeriod() bool {
	return v.doc.ID != 0 && v.doc.Date != "" && periodClosed(v.s, v.doc.Date.Period())
}
func (v *docVM) CanVoid() bool   { return v.Editable() && v.Saved() }
func (v *docVM) CanDelete() bool { return v.Editable() && v.Saved() }
func (v *docVM) CanSource() bool { return v.Editable() && sourceTypeOf(v.typ) != "" }
func (v *docVM) CanPrint() bool  { return v.Saved() }

// Number is the document's number, or （保存后生成） until saved.
func (v *docVM) Number() string {
	if v.doc.Number == "" {
		return v.s.t("ui.doc.unsaved_number")
	}
	return v.doc.Number
}

// Stamp is the status in words: 草稿 / 已审核 / 已作废, and 已关闭 for a closed order.
func (v *docVM) Stamp() string {
	if v.doc.OrderClosed && v.doc.Status == ledger.StatusAudited {
		return v.s.t("ui.doc.status.closed")
	}
	return v.s.t("ui.doc.status." + string(v.doc.Status))
}

// ShowCloseOrder tells whether the 关闭/重新打开 button shows: orders, for users who may
// close them (the service checks again).
func (v *docVM) ShowCloseOrder() bool { return v.typ.Order() && v.s.user.Can(ledger.PermAuditDoc) }

// CanCloseOrder tells whether the order may be closed or reopened now: audited, in an
// open period.
func (v *docVM) CanCloseOrder() bool {
	return v.ShowCloseOrder() && v.doc.Status == ledger.StatusAudited && !v.InClosedPeriod()
}

// CloseOrder closes an audited order (已关闭: the rest is not expected) or reopens a
// closed one, through ledger.SetOrderClosed.
func (v *docVM) CloseOrder() error {
	if !v.CanCloseOrder() {
		return nil
	}
	closed := !v.doc.OrderClosed
	if err := v.s.book.SetOrderClosed(v.s.ctx, v.s.user, v.doc.Number, closed); err != nil {
		v.place(err)
		v.notify()
		return err
	}
	key := "ui.msg.order_closed"
	if !closed {
		key = "ui.msg.order_reopened"
	}
	return v.reload(key)
}

// Title is the tab's text: type, number, and • when there are unsaved edits.
func (v *docVM) Title() string {
	t := v.s.t("ui.area." + areaOfType(v.typ))
	if v.doc.Number != "" {
		t += " " + v.doc.Number
	}
	if v.dirty() {
		t += " •"
	}
	return t
}

func (v *docVM) snapshot() string {
	var b strings.Builder
	keys := make([]string, 0, len(v.head))
	for k := range v.head {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if v.head[k] != "" {
			fmt.Fprintf(&b, "%s=%s;", k, v.head[k])
		}
	}
	for _, l := range v.lines {
		if l.blank() {
			continue
		}
		b.WriteString("|")
		for _, k := range []string{"item", "qty", "price", "disc", "vat", "tax", "wh", "amount", "account", "memo"} {
			fmt.Fprintf(&b, "%s,", l.text[k])
		}
		fmt.Fprintf(&b, "%s,%v", l.src, l.abnormal)
	}
	return b.String()
}

func (v *docVM) dirty() bool { return v.Editable() && v.snapshot() != v.saved }

// ensureBlank keeps one blank line at the end while the document is editable.
func (v *docVM) ensureBlank() {
	if columnsOf(v.typ, false) == nil {
		v.lines = nil
		return
	}
	if !v.Editable() {
		for len(v.lines) > 0 && v.lines[len(v.lines)-1].blank() {
			v.lines = v.lines[:len(v.lines)-1]
		}
		return
	}
	// exactly one blank line at the end
	for len(v.lines) > 1 && v.lines[len(v.lines)-1].blank() && v.lines[len(v.lines)-2].blank() {
		v.lines = v.lines[:len(v.lines)-1]
	}
	if len(v.lines) == 0 || !v.lines[len(v.lines)-1].blank() {
		v.lines = append(v.lines, newLine())
	}
}

// Columns are the grid's columns now (the price title follows the price mode).
func (v *docVM) Columns() []docCol { return columnsOf(v.typ, isTrue(v.head["inclusive"])) }

// Rows are the indexes of the lines the grid shows (a count may filter).
func (v *docVM) Rows() []int {
	out := make([]int, 0, len(v.lines))
	for i, l := range v.lines {
		if v.typ == ledger.DocCount && v.filter != "" && !l.blank() {
			counted := strings.TrimSpace(l.text["qty"]) != ""
			if v.filter == "uncounted" && counted {
				continue
			}
			if v.filter == "diff" {
				d, ok := v.countDiff(l)
				if !ok || d == 0 {
					continue
				}
			}
		}
		out = append(out, i)
	}
	return out
}

// SetHead records a header field as typed.
func (v *docVM) SetHead(key, val string) {
	v.head[key] = val
	delete(v.errs, key)
	switch key {
	case "inclusive", "warehouse", "date", "doc_disc":
		v.recompute()
	case "partner", "amount":
		if v.typ == ledger.DocCollect || v.typ == ledger.DocPay {
			v.recompute()
		}
	}
}

// SetCell records a cell as typed; the line's amounts follow at once.
func (v *docVM) SetCell(line int, col, val string) {
	if line < 0 || line >= len(v.lines) {
		return
	}
	l := v.lines[line]
	l.text[col] = val
	l.err = nil
	if e, ok := v.msg.(*ledger.Error); ok && e.Args["line"] == v.LineNo(line) {
		v.msg = nil // the refusal named this line: the user is fixing it
	}
	if col != "tax" && strings.TrimSpace(l.text["tax"]) == "" {
		delete(l.text, "tax") // an emptied 税额 shows the computed VAT again
	}
	if col == "item" {
		l.item = v.itemByCode(val)
	}
	if col == "account" {
		l.text["acct_name"] = v.accountName(val)
	}
	v.ensureBlank()
	v.recompute()
}

// SetAbnormal sets a count line's loss kind (非正常损失).
func (v *docVM) SetAbnormal(line int, on bool) {
	if line >= 0 && line < len(v.lines) {
		v.lines[line].abnormal = on
	}
}

// Cell is what a grid cell shows.
func (v *docVM) Cell(line int, col string) string {
	if line < 0 || line >= len(v.lines) {
		return ""
	}
	l := v.lines[line]
	switch col {
	case "name":
		if l.item != nil {
			return l.item.Name
		}
		return ""
	case "unit":
		if l.item != nil {
			return l.item.Unit
		}
		return ""
	case "acct_name":
		return v.accountName(l.text["account"])
	case "net", "tax", "gross":
		if t, ok := l.text["tax"]; ok && col == "tax" {
			if m, err := ledger.ParseMoney("vat", t); err == nil && !v.Editable() {
				return m.Format()
			}
			return t // the VAT as the user typed it (an override)
		}
		if l.amtErr != nil || l.blank() || (v.typ != ledger.DocExpense && l.item == nil) {
			return ""
		}
		m := map[string]ledger.Money{"net": l.amt.Net, "tax": l.amt.VAT, "gross": l.amt.Gross}[col]
		return m.Format()
	case "stock":
		if q, ok := v.lineOnHand(l); ok {
			return fmtQty(q)
		}
		return ""
	case "source":
		return l.src
	case "done":
		if l.hasDone {
			return fmtQty(l.done)
		}
		return ""
	case "book":
		if l.hasBook {
			return fmtQty(l.book)
		}
		return ""
	case "diff":
		if d, ok := v.countDiff(l); ok && d != 0 {
			return fmtQty(d)
		}
		return ""
	case "loss":
		if d, ok := v.countDiff(l); ok && d < 0 {
			if l.abnormal {
				return v.s.t("ui.doc.loss_abnormal")
			}
			return v.s.t("ui.doc.loss_normal")
		}
		return ""
	}
	return l.text[col]
}

// Short tells whether an out-line asks for more than the warehouse holds (库存 in red).
func (v *docVM) Short(line int) bool {
	if line < 0 || line >= len(v.lines) || !outType(v.typ) {
		return false
	}
	l := v.lines[line]
	q, ok := v.lineOnHand(l)
	if !ok {
		return false
	}
	need, err := ledger.ParseQty("qty", orZero(l.text["qty"]), false)
	if err != nil {
		return false
	}
	// the same item on other lines takes from the same stock
	for _, o := range v.lines {
		if o != l && o.item != nil && l.item != nil && o.item.Code == l.item.Code && v.lineWH(o) == v.lineWH(l) {
			if n, err := ledger.ParseQty("qty", orZero(o.text["qty"]), false); err == nil {
				need += n
			}
		}
	}
	return need > q
}

func (v *docVM) countDiff(l *docLine) (ledger.Qty, bool) {
	if !l.hasBook || strings.TrimSpace(l.text["qty"]) == "" {
		return 0, false
	}
	q, err := ledger.ParseQty("qty", l.text["qty"], false)
	if err != nil {
		return 0, false
	}
	return q - l.book, true
}

// lineOnHand is the stock of a line's item in its warehouse at the document's date.
func (v *docVM) lineOnHand(l *docLine) (ledger.Qty, bool) {
	if l.item == nil {
		return 0, false
	}
	wh := v.lineWH(l)
	if wh == "" {
		return 0, false
	}
	key := l.item.Code + "|" + wh + "|" + v.head["date"]
	if q, ok := v.onhand[key]; ok {
		return q, true
	}
	date, err := ledger.ParseDate("date", v.head["date"])
	if err != nil {
		return 0, false
	}
	rows, err := v.s.book.StockOnHand(v.s.ctx, v.s.user, ledger.OnHandFilter{Item: l.item.Code, Warehouse: wh, Date: date, Zero: true})
	if err != nil {
		return 0, false
	}
	var q ledger.Qty
	for _, r := range rows {
		q += r.ByWarehouse[wh]
	}
	v.onhand[key] = q
	return q, true
}

// lineWH is the warehouse a line takes from or puts into: its own, else the document's.
func (v *docVM) lineWH(l *docLine) string {
	if w := l.whCode(); w != "" && lineWarehouse(v.typ) {
		return w
	}
	return v.head["warehouse"]
}

func (v *docVM) itemByCode(code string) *ledger.Item {
	c := strings.ToUpper(ledger.Normalize(code))
	if c == "" {
		return nil
	}
	for i := range v.items {
		if strings.ToUpper(v.items[i].Code) == c {
			return &v.items[i]
		}
	}
	for i := range v.items {
		if v.items[i].Barcode != "" && v.items[i].Barcode == c {
			return &v.items[i]
		}
	}
	return nil
}

func (v *docVM) accountName(code string) string {
	c := ledger.Normalize(code)
	for _, a := range v.accts {
		if a.Code == c {
			if v.s.lang == "en" && a.NameEN != "" {
				return a.NameEN
			}
			return a.Name
		}
	}
	return ""
}

// lineRate is the VAT rate a line uses: the small-scale levy rate on sales, else as typed.
func (v *docVM) lineRate(l *docLine) (ledger.Rate, error) {
	if v.set.Taxpayer == ledger.TaxpayerSmall && (v.typ == ledger.DocSO || v.typ == ledger.DocDelivery || v.typ == ledger.DocSReturn) {
		return v.set.LevyRate, nil
	}
	if v.set.Taxpayer == ledger.TaxpayerSmall && v.typ == ledger.DocExpense {
		return 0, nil
	}
	return ledger.ParseRate("vat", orZero(l.text["vat"]))
}

// discount reads the 折扣 cell: "5%" or "5" is a rate, "160.00" with a decimal point or
// "=160" an amount. Kingdee users type the rate: a bare whole number up to 100 is a rate.
func parseDiscount(text string) (rate ledger.Rate, amount ledger.Money, isAmount bool, err error) {
	t := strings.TrimSpace(ledger.Normalize(text))
	if t == "" {
		return 0, 0, false, nil
	}
	if strings.HasPrefix(t, "=") {
		m, err := ledger.ParseMoney("discount", t[1:])
		return 0, m, true, err
	}
	if strings.HasSuffix(t, "%") || !strings.Contains(t, ".") {
		r, err := ledger.ParseRate("discount", t)
		return r, 0, false, err
	}
	m, err := ledger.ParseMoney("discount", t)
	return 0, m, true, err
}

// recompute computes every line's amounts exactly as the service will: ledger.ComputeLine
// per line, with the whole-document discount (整单折扣) spread over the lines first by
// ledger.SpreadDiscount, pro rata to their base (DOMAIN.md §2.1).
func (v *docVM) recompute() {
	incl := isTrue(v.head["inclusive"])
	var spread []*docLine // lines that take a part of 整单折扣
	var bases []ledger.Money
	inputs := map[*docLine]ledger.LineInput{}
	for _, l := range v.lines {
		l.amt, l.amtErr, l.share = ledger.LineAmounts{}, nil, 0
		if l.blank() {
			continue
		}
		switch {
		case v.typ == ledger.DocExpense:
			net, err := ledger.ParseMoney("amount", orZero(l.text["amount"]))
			if err != nil {
				l.amtErr = err
				continue
			}
			r, err := v.lineRate(l)
			if err != nil {
				l.amtErr = err
				continue
			}
			l.amt, l.amtErr = ledger.ComputeLine(ledger.LineInput{Qty: 10000, Price: ledger.Price(int64(net) * 10000), VAT: r})
		case v.typ.Priced():
			q, err := ledger.ParseQty("qty", orZero(l.text["qty"]), false)
			if err != nil {
				l.amtErr = err
				continue
			}
			if l.srcAmt != nil && l.srcQty != 0 {
				// a linked return: proportional to its source line, never re-priced (§2.5)
				l.amt = ledger.ReturnLine(*l.srcAmt, l.srcQty, q, 0, 0, 0)
				continue
			}
			p, err := ledger.ParsePrice("price", orZero(l.text["price"]))
			if err != nil {
				l.amtErr = err
				continue
			}
			r, err := v.lineRate(l)
			if err != nil {
				l.amtErr = err
				continue
			}
			dr, da, isAmt, err := parseDiscount(l.text["disc"])
			if err != nil {
				l.amtErr = err
				continue
			}
			ov, hasOv, err := l.vatOverride()
			if err != nil {
				l.amtErr = err
				continue
			}
			in := ledger.LineInput{Qty: q, Price: p, Inclusive: incl, DiscountRate: dr,
				DiscountAmount: da, HasDiscountAmount: isAmt, VAT: r, VATOverride: ov, HasVATOverride: hasOv}
			l.amt, l.amtErr = ledger.ComputeLine(in)
			if l.item != nil && (l.amtErr == nil || isCode(l.amtErr, ledger.CodeVATOverride)) {
				spread = append(spread, l)
				bases = append(bases, l.amt.Base)
				inputs[l] = in
			}
		}
	}
	if disc, err := v.docDiscount(); err == nil && disc != 0 && len(spread) > 0 {
		for i, part := range ledger.SpreadDiscount(disc, bases) {
			l := spread[i]
			in := inputs[l]
			own := l.amt.Discount
			l.share = part
			in.DiscountRate, in.DiscountAmount, in.HasDiscountAmount = 0, own+part, true
			l.amt, l.amtErr = ledger.ComputeLine(in)
		}
	}
	if v.changed != nil {
		v.changed()
	}
}

// docDiscount reads 整单折扣: an amount in yuan, spread over the lines.
func (v *docVM) docDiscount() (ledger.Money, error) {
	if !docDiscount(v.typ) {
		return 0, nil
	}
	return ledger.ParseMoney("doc_disc", orZero(v.head["doc_disc"]))
}

// Discount is the document's total discount: every line's own and its part of 整单折扣.
func (v *docVM) Discount() ledger.Money {
	var d ledger.Money
	for _, l := range v.lines {
		if l.amtErr == nil {
			d += l.amt.Discount
		}
	}
	return d
}

// LineErr is the first line whose amounts cannot be computed as typed (a VAT beyond the
// override tolerance, a discount larger than the base), with the line's number.
func (v *docVM) LineErr() error {
	for i, l := range v.lines {
		if l.amtErr != nil && !l.blank() {
			if e, ok := errors.AsType[*ledger.Error](l.amtErr); ok {
				c := *e
				c.Args = map[string]any{}
				for k, x := range e.Args {
					c.Args[k] = x
				}
				c.Args["line"] = v.LineNo(i)
				return &c
			}
			return l.amtErr
		}
	}
	return nil
}

func isCode(err error, c ledger.Code) bool {
	e, ok := errors.AsType[*ledger.Error](err)
	return ok && e.Code == c
}

// Totals are N, T and G: sums of the line values (DOMAIN.md §2.1).
func (v *docVM) Totals() (n, t, g ledger.Money) {
	if v.typ == ledger.DocCollect || v.typ == ledger.DocPay {
		a, _ := ledger.ParseMoney("amount", orZero(v.head["amount"]))
		return 0, 0, a
	}
	for _, l := range v.lines {
		if l.amtErr != nil {
			continue // a line that cannot be computed as typed counts for nothing yet
		}
		n += l.amt.Net
		t += l.amt.VAT
		g += l.amt.Gross
	}
	return n, t, g
}

// InWords is the total in Chinese capitals (金额大写), as on the printed document.
func (v *docVM) InWords() string {
	_, _, g := v.Totals()
	return ledger.InWords(g)
}

// Settlement is S, P and what stays owed (G − P − S) for documents with a payment part.
func (v *docVM) Settlement() (paid, adv, owed ledger.Money, ok bool) {
	switch v.typ {
	case ledger.DocReceipt, ledger.DocPReturn, ledger.DocDelivery, ledger.DocSReturn, ledger.DocExpense:
	default:
		return 0, 0, 0, false
	}
	_, _, g := v.Totals()
	paid, _ = ledger.ParseMoney("paid", orZero(v.head["paid"]))
	if v.head["account"] != "" && paid == 0 {
		paid = g
	}
	adv, _ = ledger.ParseMoney("advance_used", orZero(v.head["advance_used"]))
	return paid, adv, g - paid - adv, true
}

// SplitHint shows the default applied/advance split of a receipt or payment: what the
// partner owes is applied first, the rest kept as an advance (DOMAIN.md §5.3).
func (v *docVM) SplitHint() string {
	if v.typ != ledger.DocCollect && v.typ != ledger.DocPay || v.head["partner"] == "" || !v.s.user.Can(ledger.PermViewCost) {
		return ""
	}
	amt, err := ledger.ParseMoney("amount", orZero(v.head["amount"]))
	if err != nil || amt == 0 {
		return ""
	}
	pbs, err := v.s.book.PartnerBalances(v.s.ctx, v.s.user, true)
	if err != nil {
		return ""
	}
	var owed ledger.Money
	for _, p := range pbs {
		if strings.EqualFold(p.Partner, ledger.Normalize(v.head["partner"])) {
			owed = p.Receivable
			if v.typ == ledger.DocPay {
				owed = p.Payable
			}
		}
	}
	applied := min(amt, max(owed, 0))
	if amt < 0 {
		applied = amt
	}
	return v.s.t("ui.doc.split_hint", map[string]any{"owed": owed.Format(), "applied": applied.Format(), "advance": (amt - applied).Format()})
}

// lineErr adds the line number to a refusal about a line.
func lineErr(err error, no int) error {
	if e, ok := errors.AsType[*ledger.Error](err); ok {
		e.Args["line"] = no
	}
	return err
}

// toDoc reads the document from the text. A malformed number is refused here, placed
// like the service's refusals (field and line).
func (v *docVM) toDoc() (ledger.Doc, error) {
	d := v.doc
	d.Type = v.typ
	date, err := parseDateText(v.head["date"], time.Now())
	if err != nil {
		return d, err
	}
	d.Date = date
	d.Partner = ledger.Normalize(v.head["partner"])
	d.Warehouse, d.ToWarehouse = v.head["warehouse"], v.head["to_warehouse"]
	d.Account = v.head["account"]
	if v.typ == ledger.DocOtherIn || v.typ == ledger.DocOtherOut {
		d.Account = ledger.Normalize(v.head["counter"])
	}
	d.Inclusive, d.Deductible = isTrue(v.head["inclusive"]), isTrue(v.head["deductible"])
	d.Memo, d.Source = v.head["memo"], v.head["source"]
	money := func(key string) (ledger.Money, error) { return ledger.ParseMoney(key, orZero(v.head[key])) }
	if d.Paid, err = money("paid"); err != nil {
		return d, err
	}
	if d.AdvanceUsed, err = money("advance_used"); err != nil {
		return d, err
	}
	if d.Amount, err = money("amount"); err != nil {
		return d, err
	}
	if d.Applied, err = money("applied"); err != nil {
		return d, err
	}
	if d.Advance, err = money("advance"); err != nil {
		return d, err
	}
	if _, err := v.docDiscount(); err != nil {
		return d, err
	}
	v.recompute() // the discount's spread as the lines are now
	d.Lines = nil
	for _, l := range v.lines {
		if l.blank() {
			continue
		}
		no := len(d.Lines) + 1
		dl := ledger.DocLine{No: no, Item: ledger.Normalize(l.text["item"]), SourceLine: l.src, Abnormal: l.abnormal}
		if lineWarehouse(v.typ) {
			dl.Warehouse = l.whCode()
		}
		if v.typ == ledger.DocExpense {
			dl.Item = ""
			dl.Account, dl.Memo = ledger.Normalize(l.text["account"]), l.text["memo"]
			if dl.Net, err = ledger.ParseMoney("amount", orZero(l.text["amount"])); err != nil {
				return d, lineErr(err, no)
			}
			if dl.VATRate, err = v.lineRate(l); err != nil {
				return d, lineErr(err, no)
			}
			d.Lines = append(d.Lines, dl)
			continue
		}
		qtyText := l.text["qty"]
		if v.typ == ledger.DocCount && strings.TrimSpace(qtyText) == "" && l.hasBook {
			qtyText = l.book.String() // not counted: as the book says
		}
		if dl.Qty, err = ledger.ParseQty("qty", orZero(qtyText), false); err != nil {
			return d, lineErr(err, no)
		}
		if v.typ.Priced() {
			if dl.Price, err = ledger.ParsePrice("price", orZero(l.text["price"])); err != nil {
				return d, lineErr(err, no)
			}
			if dl.VATRate, err = v.lineRate(l); err != nil {
				return d, lineErr(err, no)
			}
			if dl.DiscountRate, dl.DiscountAmount, dl.HasDiscountAmount, err = parseDiscount(l.text["disc"]); err != nil {
				return d, lineErr(err, no)
			}
			if l.share != 0 {
				// the line's own discount plus its part of 整单折扣, as one amount
				dl.DiscountRate, dl.DiscountAmount, dl.HasDiscountAmount = 0, l.amt.Discount, true
			}
			if l.srcAmt == nil {
				if dl.VATOverride, dl.HasVATOverride, err = l.vatOverride(); err != nil {
					return d, lineErr(err, no)
				}
			}
		}
		if v.typ == ledger.DocOtherIn {
			if dl.InvAmount, err = ledger.ParseMoney("amount", orZero(l.text["amount"])); err != nil {
				return d, lineErr(err, no)
			}
		}
		d.Lines = append(d.Lines, dl)
	}
	return d, nil
}

// place puts a refusal where it belongs: a header field, a line (row marker and the
// message bar), or the message bar. The text stays as typed.
func (v *docVM) place(err error) {
	v.clearErrs()
	if err == nil {
		return
	}
	if e, ok := errors.AsType[*ledger.Error](err); ok {
		if n, ok := e.Args["line"].(int); ok {
			if l := v.nthLine(n); l != nil {
				l.err = err
			}
			v.msg = err
			return
		}
		if e.Code == ledger.CodeStockNegative || e.Code == ledger.CodeItemInactive {
			item, _ := e.Args["item"].(string)
			if item == "" {
				item, _ = e.Args["value"].(string)
			}
			for _, l := range v.lines {
				if l.item != nil && strings.EqualFold(l.item.Code, item) {
					l.err = err
				}
			}
			v.msg = err
			return
		}
		f := e.Field()
		if f == "to_warehouse" || f == "source" {
			// shown at its header field
		} else if f == "" {
			f = fieldOfCode(e)
		}
		if f == "account" && (v.typ == ledger.DocOtherIn || v.typ == ledger.DocOtherOut) {
			f = "counter"
		}
		if slices.Contains(headFields(v.typ, v.set.Taxpayer == ledger.TaxpayerGeneral), f) {
			v.errs[f] = err
			return
		}
	}
	v.msg = err
}

// nthLine is the n-th non-blank line (the service numbers lines 1..n without blanks).
func (v *docVM) nthLine(n int) *docLine {
	i := 0
	for _, l := range v.lines {
		if l.blank() {
			continue
		}
		i++
		if i == n {
			return l
		}
	}
	return nil
}

// LineNo is the number a line will have once saved (blank lines are skipped).
func (v *docVM) LineNo(line int) int {
	n := 0
	for i, l := range v.lines {
		if !l.blank() {
			n++
		}
		if i == line {
			if l.blank() {
				return 0
			}
			return n
		}
	}
	return 0
}

// Save saves the draft. A refusal keeps everything as typed.
func (v *docVM) Save() error {
	if !v.Editable() {
		return nil
	}
	d, err := v.toDoc()
	if err == nil {
		d, err = v.s.book.SaveDoc(v.s.ctx, v.s.user, d)
	}
	if err != nil {
		v.place(err)
		v.info = ""
		v.notify()
		return err
	}
	v.afterWrite(d, "ui.msg.saved")
	return nil
}

func (v *docVM) afterWrite(d ledger.Doc, key string) {
	keep := v.filter
	v.onhand = map[string]ledger.Qty{}
	v.show(d)
	v.filter = keep
	v.info = v.s.t(key) + " " + d.Number
	v.s.setStatus(v.info + " " + time.Now().Format("15:04"))
	v.notify()
}

func (v *docVM) notify() {
	if v.changed != nil {
		v.changed()
	}
}

// Audit saves a draft with edits first, then audits it. A refusal keeps the saved draft
// and every line as typed, and names the item or line.
func (v *docVM) Audit() error {
	if !v.CanAudit() {
		return nil
	}
	if v.dirty() || !v.Saved() {
		if err := v.Save(); err != nil {
			return err
		}
	}
	if err := v.s.book.AuditDoc(v.s.ctx, v.s.user, v.doc.Number); err != nil {
		v.place(err)
		v.info = ""
		v.notify()
		return err
	}
	if err := v.reload("ui.msg.audited"); err != nil {
		return err
	}
	// DOMAIN.md §4.1: a document dated on or before an audited count of its item and
	// warehouse is audited, with a warning: the count's difference is not recomputed.
	if ws, err := v.s.book.CountWarnings(v.s.ctx, v.s.user, v.doc.Number); err == nil && len(ws) > 0 {
		v.info += "  " + v.s.t("ui.msg.count_warning", map[string]any{"count": strings.Join(ws, ", ")})
		v.notify()
	}
	return nil
}

func (v *docVM) reload(key string) error {
	d, err := v.s.book.Doc(v.s.ctx, v.doc.Number)
	if err != nil {
		v.place(err)
		v.notify()
		return err
	}
	v.afterWrite(d, key)
	return nil
}

// Unaudit returns an audited document to draft.
func (v *docVM) Unaudit() error {
	if !v.CanUnaudit() {
		return nil
	}
	if err := v.s.book.UnauditDoc(v.s.ctx, v.s.user, v.doc.Number); err != nil {
		v.place(err)
		v.notify()
		return err
	}
	return v.reload("ui.msg.unaudited")
}

// Void voids a saved draft (the widget confirms first).
func (v *docVM) Void() error {
	if !v.CanVoid() {
		return nil
	}
	if err := v.s.book.VoidDoc(v.s.ctx, v.s.user, v.doc.Number); err != nil {
		v.place(err)
		v.notify()
		return err
	}
	return v.reload("ui.msg.voided")
}

// Delete deletes the last draft of its sequence (the widget confirms first) and starts a
// new document.
func (v *docVM) Delete() error {
	if !v.CanDelete() {
		return nil
	}
	num := v.doc.Number
	if err := v.s.book.DeleteDoc(v.s.ctx, v.s.user, num); err != nil {
		v.place(err)
		v.notify()
		return err
	}
	v.New()
	v.info = v.s.t("ui.msg.deleted") + " " + num
	v.s.setStatus(v.info)
	v.notify()
	return nil
}

// Revert puts back the text as loaded (Esc from the toolbar's 还原).
func (v *docVM) Revert() {
	if v.doc.ID != 0 {
		if d, err := v.s.book.Doc(v.s.ctx, v.doc.Number); err == nil {
			v.show(d)
			v.notify()
			return
		}
	}
	v.New()
	v.notify()
}

// Step moves to the previous (-1) or next (+1) document of the type, by date and number.
// It reports false when there is none.
func (v *docVM) Step(dir int) bool {
	docs, err := v.s.book.Docs(v.s.ctx, v.s.user, ledger.DocFilter{Type: v.typ})
	if err != nil || len(docs) == 0 {
		return false
	}
	i := slices.IndexFunc(docs, func(d ledger.Doc) bool { return d.Number == v.doc.Number })
	switch {
	case i < 0 && dir < 0:
		i = len(docs) - 1
	case i < 0:
		return false
	default:
		i += dir
	}
	if i < 0 || i >= len(docs) {
		return false
	}
	if err := v.Load(docs[i].Number); err != nil {
		return false
	}
	v.info = ""
	v.notify()
	return true
}
