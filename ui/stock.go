package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// reportTable is a read-only virtualised table of text cells: numbers right-aligned in
// monospace, negatives red.
func reportTable(s *session, cols func() []docCol, rows func() int, cell func(r int, col string) string) *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return rows(), len(cols()) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			cs := cols()
			if id.Col >= len(cs) {
				l.SetText("")
				return
			}
			c := cs[id.Col]
			txt := cell(id.Row, c.id)
			l.Alignment = fyne.TextAlignLeading
			if c.right {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.TextStyle.Monospace = c.right
			l.Importance = widget.MediumImportance
			if c.right && strings.HasPrefix(txt, "-") {
				l.Importance = widget.DangerImportance
			}
			l.SetText(txt)
		})
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		cs := cols()
		if id.Col < 0 || id.Col >= len(cs) {
			l.SetText("")
			return
		}
		c := cs[id.Col]
		title := c.title
		if strings.HasPrefix(title, "ui.") || strings.HasPrefix(title, "field.") {
			title = s.t(title)
		}
		l.SetText(title)
		l.Alignment = fyne.TextAlignLeading
		if c.right {
			l.Alignment = fyne.TextAlignTrailing
		}
	}
	return t
}

func setWidths(t *widget.Table, cols []docCol) {
	for i, c := range cols {
		t.SetColumnWidth(i, c.width)
	}
}

// onHandVM is 库存查询 (and, with below, 库存预警): stock by item with a column per
// warehouse, the total, unit cost and amount at a date (UI.md §3.4).
type onHandVM struct {
	s     *session
	below bool
	date  string
	whs   []ledger.Warehouse
	rows  []ledger.OnHand
	err   error
}

func (m *onHandVM) Reload() error {
	m.whs, _ = m.s.book.Warehouses(m.s.ctx, false)
	f := ledger.OnHandFilter{Below: m.below}
	if strings.TrimSpace(m.date) != "" {
		d, err := parseDateText(m.date, time.Now())
		if err != nil {
			m.err = err
			return err
		}
		f.Date = d
		m.date = string(d)
	}
	rows, err := m.s.book.StockOnHand(m.s.ctx, m.s.user, f)
	m.rows, m.err = rows, err
	return err
}

// Columns: code, name, unit, one per warehouse, total, then the reorder level (预警) or
// unit cost and amount (when the user may see costs).
func (m *onHandVM) Columns() []docCol {
	cols := []docCol{{"code", "ui.col.code", 80, false, false}, {"name", "ui.col.name", 150, false, false}, {"unit", "ui.col.unit", 48, false, false}}
	for _, w := range m.whs {
		cols = append(cols, docCol{"wh:" + w.Code, w.Name, 80, false, true})
	}
	cols = append(cols, docCol{"qty", "ui.stock.total", 90, false, true})
	switch {
	case m.below:
		cols = append(cols, docCol{"reorder", "field.reorder", 90, false, true}, docCol{"short", "ui.stock.short", 90, false, true})
	case m.s.user.Can(ledger.PermViewCost):
		cols = append(cols, docCol{"cost", "ui.stock.unit_cost", 100, false, true}, docCol{"amount", "ui.stock.amount", 110, false, true})
	}
	return cols
}

func (m *onHandVM) Len() int { return len(m.rows) }

func (m *onHandVM) Cell(r int, col string) string {
	if r < 0 || r >= len(m.rows) {
		return ""
	}
	o := m.rows[r]
	if code, ok := strings.CutPrefix(col, "wh:"); ok {
		if q, ok := o.ByWarehouse[code]; ok && q != 0 {
			return fmtQty(q)
		}
		return ""
	}
	switch col {
	case "code":
		return o.Item
	case "name":
		return o.Name
	case "unit":
		return o.Unit
	case "qty":
		return fmtQty(o.Qty)
	case "reorder":
		return fmtQty(o.Reorder)
	case "short":
		return fmtQty(o.Reorder - o.Qty)
	case "cost":
		if o.Qty <= 0 {
			return ""
		}
		return fmtCost(o.UnitCost)
	case "amount":
		return o.Amount.Format()
	}
	return ""
}

// Total is the sum of the amounts.
func (m *onHandVM) Total() ledger.Money {
	var a ledger.Money
	for _, r := range m.rows {
		a += r.Amount
	}
	return a
}

type onHandScreen struct {
	s     *session
	m     *onHandVM
	table *widget.Table
	foot  *widget.Label
	errL  *widget.Label
}

func newOnHandScreen(s *session, below bool) *onHandScreen {
	v := &onHandScreen{s: s, m: &onHandVM{s: s, below: below}}
	v.m.Reload()
	return v
}

func (v *onHandScreen) build() fyne.CanvasObject {
	s, m := v.s, v.m
	v.table = reportTable(s, m.Columns, m.Len, m.Cell)
	date := newKeyEntry()
	date.SetPlaceHolder(s.t("ui.stock.today"))
	date.SetText(m.date)
	apply := func() {
		m.date = date.Text
		m.Reload()
		date.SetText(m.date)
		v.refresh()
	}
	date.OnSubmitted = func(string) { apply() }
	below := widget.NewCheck(s.t("ui.stock.below"), nil)
	below.SetChecked(m.below)
	below.OnChanged = func(on bool) { m.below = on; m.Reload(); v.refresh() }
	refresh := iconButton(s.t("ui.btn.refresh"), theme.ViewRefreshIcon(), apply)
	top := container.NewHBox(widget.NewLabel(s.t("ui.stock.as_of")), sized(date, 130), below, refresh)
	v.foot = widget.NewLabel("")
	v.foot.TextStyle.Monospace = true
	v.errL = errorLabel()
	v.refresh()
	return container.NewBorder(top, container.NewVBox(v.errL, v.foot), nil, nil, v.table)
}

func (v *onHandScreen) refresh() {
	setWidths(v.table, v.m.Columns())
	v.table.Refresh()
	txt := v.s.t("ui.search.count", map[string]any{"n": v.m.Len()})
	if !v.m.below && v.s.user.Can(ledger.PermViewCost) {
		txt += "   " + v.s.t("ui.stock.total_amount", map[string]any{"amount": v.m.Total().Format()})
	}
	if date := v.m.date; date != "" {
		txt += "   " + v.s.t("ui.stock.preview")
	}
	v.foot.SetText(txt)
	setErrorLabel(v.errL, v.s.errText(v.m.err))
}

// stockLedgerVM is 库存明细账: an item's movements over a period with the running
// quantity, amount and unit cost.
type stockLedgerVM struct {
	s      *session
	item   string
	period string
	rows   []ledger.LedgerRow
	err    error
}

func (m *stockLedgerVM) Reload() error {
	m.rows, m.err = nil, nil
	if strings.TrimSpace(m.item) == "" {
		return nil
	}
	var p ledger.Period
	if strings.TrimSpace(m.period) != "" {
		var err error
		if p, err = ledger.ParsePeriod("period", m.period); err != nil {
			m.err = err
			return err
		}
		m.period = string(p)
	}
	m.rows, m.err = m.s.book.StockLedger(m.s.ctx, m.s.user, m.item, p)
	return m.err
}

var ledgerCols = []docCol{{"date", "ui.doc.field.date", 96, false, false}, {"number", "ui.doc.field.number", 150, false, false},
	{"wh", "ui.col.warehouse", 60, false, false},
	{"in_qty", "ui.stock.in_qty", 70, false, true}, {"in_amt", "ui.stock.in_amount", 100, false, true},
	{"out_qty", "ui.stock.out_qty", 70, false, true}, {"out_amt", "ui.stock.out_amount", 100, false, true},
	{"qty", "ui.stock.balance_qty", 80, false, true}, {"amount", "ui.stock.balance_amount", 110, false, true},
	{"cost", "ui.stock.unit_cost", 90, false, true}}

func (m *stockLedgerVM) Len() int { return len(m.rows) }

func (m *stockLedgerVM) Cell(r int, col string) string {
	if r < 0 || r >= len(m.rows) {
		return ""
	}
	x := m.rows[r]
	qty := func(q ledger.Qty) string {
		if q == 0 {
			return ""
		}
		return fmtQty(q)
	}
	money := func(a ledger.Money) string {
		if a == 0 {
			return ""
		}
		return a.Format()
	}
	switch col {
	case "date":
		return string(x.Date)
	case "number":
		if r == 0 && x.Number == "" {
			return m.s.t("ui.stock.opening")
		}
		return x.Number
	case "wh":
		return x.Warehouse
	case "in_qty":
		return qty(x.InQty)
	case "in_amt":
		return money(x.InAmount)
	case "out_qty":
		return qty(x.OutQty)
	case "out_amt":
		return money(x.OutAmount)
	case "qty":
		return fmtQty(x.Qty)
	case "amount":
		return x.Amount.Format()
	case "cost":
		if x.UnitCost == 0 {
			return ""
		}
		return fmtCost(x.UnitCost)
	}
	return ""
}

type stockLedgerScreen struct {
	s     *session
	m     *stockLedgerVM
	table *widget.Table
	errL  *widget.Label
	name  *widget.Label
}

func newStockLedgerScreen(s *session) *stockLedgerScreen {
	m := &stockLedgerVM{s: s}
	// the first item, every period: a ledger to read at once
	if items, err := s.book.Items(s.ctx, ledger.ItemFilter{Limit: 1}); err == nil && len(items) > 0 {
		m.item = items[0].Code
		m.Reload()
	}
	return &stockLedgerScreen{s: s, m: m}
}

func (v *stockLedgerScreen) build() fyne.CanvasObject {
	s, m := v.s, v.m
	v.table = reportTable(s, func() []docCol { return ledgerCols }, m.Len, m.Cell)
	v.table.OnSelected = func(id widget.TableCellID) {
		if id.Row > 0 && id.Row < m.Len() && m.rows[id.Row].Number != "" {
			s.openDoc(m.rows[id.Row].Number)
		}
	}
	setWidths(v.table, ledgerCols)
	item, period := newKeyEntry(), newKeyEntry()
	item.SetPlaceHolder(s.t("ui.stock.item_hint"))
	item.SetText(m.item)
	period.SetText(m.period)
	v.name = widget.NewLabel("")
	var look lookup
	look.win = s.win
	apply := func() {
		m.item, m.period = ledger.Normalize(item.Text), period.Text
		if it, err := s.book.Item(s.ctx, m.item); err == nil {
			m.item = it.Code
			item.SetText(it.Code)
		}
		m.Reload()
		period.SetText(m.period)
		v.refresh()
	}
	item.onKey = func(k *fyne.KeyEvent) bool {
		if look.key(k) {
			return true
		}
		if k.Name == fyne.KeyF7 || k.Name == fyne.KeyDown {
			items, _ := s.book.Items(s.ctx, ledger.ItemFilter{Text: item.Text, Limit: 50})
			var labels []string
			for _, it := range items {
				labels = append(labels, it.Code+"  "+it.Name)
			}
			if len(labels) > 0 {
				look.show(item, labels, func(i int) { item.SetText(items[i].Code); apply() })
			}
			return true
		}
		return false
	}
	item.OnSubmitted = func(string) { apply() }
	period.OnSubmitted = func(string) { apply() }
	top := container.NewHBox(widget.NewLabel(s.t("ui.col.code")), sized(item, 140), v.name,
		widget.NewLabel(s.t("field.period")), sized(period, 100), iconButton(s.t("ui.btn.refresh"), theme.ViewRefreshIcon(), apply))
	if s.user.Can(ledger.PermExportStock) { // the shown item's ledger over the shown period (else every period)
		top.Add(iconButton(s.t("ui.btn.export"), theme.DownloadIcon(), func() {
			from, to := s.periodsOf(m.period, m.period)
			name := s.t("ui.export.stock_ledger_file", map[string]any{"item": m.item, "range": rangeName(from, to)}) + ".xlsx"
			s.exportFile(name, ".xlsx", s.stockLedgerExport(m.item, from, to))
		}))
	}
	v.errL = errorLabel()
	v.refresh()
	return container.NewBorder(container.NewVBox(top, v.errL), nil, nil, nil, v.table)
}

func (v *stockLedgerScreen) refresh() {
	name := ""
	if v.m.item != "" {
		if it, err := v.s.book.Item(v.s.ctx, v.m.item); err == nil {
			name = it.Name + " (" + it.Unit + ")"
		}
	}
	v.name.SetText(name)
	v.table.Refresh()
	setErrorLabel(v.errL, v.s.errText(v.m.err))
}
