package ui

import (
	"context"
	"fmt"
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"shopbooks/ledger"
	"shopbooks/report"
)

// homeVM is 首页: the month at a glance (the dashboard, below) and, until the book is set up, the 建账 steps with how far each has come.
type homeVM struct {
	s    *session
	dash *dashVM
	view *homeView
}

func newHome(s *session) *homeVM { return &homeVM{s: s, dash: newDashVM(s)} }

// step is one 建账 step: done tells whether it has something in it yet.
type step struct {
	key    string // catalog key
	screen string
	count  int
	done   bool
}

// Steps counts what the book has so far.
func (h *homeVM) Steps() []step {
	s := h.s
	c, _ := s.book.SetupCounts(s.ctx)
	opening := c.OpeningBalances + c.OpeningStock
	out := []step{
		{key: "ui.home.step_settings", screen: "settings", count: -1, done: true},
		{key: "ui.home.step_warehouses", screen: "warehouses", count: c.Warehouses},
		{key: "ui.home.step_items", screen: "items", count: c.Items},
		{key: "ui.home.step_partners", screen: "partners", count: c.Partners},
		{key: "ui.home.step_accounts", screen: "accounts", count: -1, done: true},
		{key: "ui.home.step_opening", screen: "opening", count: opening, done: opening > 0 && c.Opening.Balanced && c.Opening.StockMatches},
		{key: "ui.home.step_users", screen: "users", count: c.Users},
	}
	for i := range out {
		if out[i].count > 0 && out[i].key != "ui.home.step_opening" {
			out[i].done = true
		}
	}
	return out
}

// setup is the 建账 steps (shown under the dashboard until every step is done).
func (h *homeVM) setup() fyne.CanvasObject {
	s := h.s
	set, _ := s.book.Settings(s.ctx)
	title := widget.NewLabelWithStyle(s.t("ui.home.welcome", map[string]any{"name": set.Name}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	facts := widget.NewLabel(s.t("ui.home.facts", map[string]any{
		"start": string(set.Start), "costing": s.t("ui.costing." + string(set.Costing)),
		"taxpayer": s.t("ui.taxpayer." + string(set.Taxpayer)), "path": s.book.Path()}))
	facts.Wrapping = fyne.TextWrapWord
	list := container.NewVBox(widget.NewLabelWithStyle(s.t("ui.home.steps"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for i, st := range h.Steps() {
		if !allowed(s.user, st.screen) {
			continue
		}
		icon := widget.NewIcon(theme.RadioButtonIcon())
		if st.done {
			icon.SetResource(theme.ConfirmIcon())
		}
		txt := s.t("ui.home.step_n", map[string]any{"n": i + 1, "step": s.t(st.key)})
		if st.count >= 0 {
			txt += "  " + s.t("ui.home.count", map[string]any{"n": st.count})
		}
		screen := st.screen
		b := widget.NewButton(s.t("ui.area."+screen), func() { s.open(screen) })
		b.Importance = widget.LowImportance
		list.Add(container.NewHBox(icon, widget.NewLabel(txt), b))
	}
	return container.NewVBox(title, facts, widget.NewSeparator(), list)
}

// placeholder is an area not built yet: it says in plain words what it will do and that
// it comes in a later version — never an empty screen.
type placeholder struct {
	s  *session
	id string
}

func (p *placeholder) build() fyne.CanvasObject {
	s := p.s
	group := groupOf(p.id)
	what := "ui.soon." + p.id
	if !s.cat.Has(what) {
		what = "ui.soon." + group
	}
	title := widget.NewLabelWithStyle(s.t("ui.area."+p.id), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := widget.NewLabel(s.t(what))
	body.Wrapping = fyne.TextWrapWord
	later := widget.NewLabel(s.t("ui.soon.later"))
	later.Wrapping = fyne.TextWrapWord
	later.Importance = widget.WarningImportance
	now := widget.NewLabel(s.t("ui.soon.now"))
	now.Wrapping = fyne.TextWrapWord
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		container.NewHBox(widget.NewIcon(theme.InfoIcon()), title), body, later, now)))
}

// The dashboard (UI.md §2 Home): a month's figures as cards, computed from the
// statements (利润表 lines 1, 2 and 32 本月, 资产负债表 lines 4 and 9), the year's monthly
// sales and gross profit as bars and month-end stock value as a line, the items under
// their reorder level, and which months are closed. An open month is a preview (未结账).
// Cards and charts the role may not see are absent.

// dashCard is a card: a figure and what it is.
type dashCard struct {
	key    string // catalog key of its title
	value  ledger.Money
	note   string // e.g. the margin
	screen string // the report it opens
}

// dashMonth is a month of the year in the charts.
type dashMonth struct {
	period       ledger.Period
	has          bool // the book has the period
	closed       bool
	sales, gross ledger.Money
	stock        ledger.Money
	stockOK      bool
}

// dashData is what one load of the dashboard brings back.
type dashData struct {
	period      ledger.Period
	provisional bool
	previewed   bool
	cards       []dashCard
	months      [12]dashMonth
	below       []ledger.OnHand
}

// dashVM is the dashboard's view-model.
type dashVM struct {
	s       *session
	periods []ledger.PeriodState
	period  ledger.Period
	data    dashData
	loaded  bool
	err     error
}

func newDashVM(s *session) *dashVM {
	m := &dashVM{s: s}
	m.periods, _ = s.book.Periods(s.ctx)
	m.period = defaultPeriod(m.periods, time.Now())
	return m
}

// Load computes the dashboard (synchronously; the screen runs loadDash in a goroutine).
func (m *dashVM) Load(ctx context.Context) error {
	d, err := loadDash(ctx, m.s.book, m.s.user, m.period, m.periods)
	m.data, m.err, m.loaded = d, err, true
	return err
}

// Cards lists the cards shown.
func (m *dashVM) Cards() []dashCard { return m.data.cards }

// Card returns the card titled key.
func (m *dashVM) Card(key string) (dashCard, bool) {
	for _, c := range m.data.cards {
		if c.key == key {
			return c, true
		}
	}
	return dashCard{}, false
}

// loadDash reads what the dashboard shows; it touches no widget, so it runs off the UI
// goroutine.
func loadDash(ctx context.Context, b *ledger.Book, u *ledger.User, p ledger.Period, periods []ledger.PeriodState) (dashData, error) {
	ctx = report.WithPreviews(ctx, previews) // the open month's profit and balance sheet: one preview
	d := dashData{period: p}
	ledgerOK, costOK := u.Can(ledger.PermViewLedger), u.Can(ledger.PermViewCost)
	year := string(p)[:4]
	state := map[ledger.Period]bool{}
	has := map[ledger.Period]bool{}
	for _, ps := range periods {
		has[ps.Period], state[ps.Period] = true, ps.Closed
	}
	for i := range d.months {
		mp := ledger.Period(fmt.Sprintf("%s-%02d", year, i+1))
		d.months[i] = dashMonth{period: mp, has: has[mp], closed: state[mp]}
	}
	d.provisional = !state[p]
	type figures struct {
		sales, cost, profit, recv, stock ledger.Money
		provisional, previewed           bool
	}
	line := func(st report.Statement, no int, col string) ledger.Money {
		l, _ := st.Line(no)
		return st.Col(l, col)
	}
	var cur figures
	if ledgerOK {
		// The month, then the year's months before it that the book has: their balance
		// sheets read together (one read of the summaries), a profit statement each.
		months := []ledger.Period{p}
		for _, dm := range d.months {
			if dm.has && dm.period < p {
				months = append(months, dm.period)
			}
		}
		bss, err := report.BalanceSheets(ctx, b, u, months...)
		if err != nil {
			return d, err
		}
		figs := map[ledger.Period]figures{}
		for i, mp := range months {
			pl, err := report.ProfitStatement(ctx, b, u, mp)
			if err != nil {
				return d, err
			}
			figs[mp] = figures{sales: line(pl, 1, "month"), cost: line(pl, 2, "month"), profit: line(pl, 32, "month"),
				recv: line(bss[i], 4, "end"), stock: line(bss[i], 9, "end"), provisional: pl.Provisional, previewed: pl.Previewed}
		}
		cur = figs[p]
		d.provisional, d.previewed = cur.provisional, cur.previewed
		for i := range d.months {
			dm := &d.months[i]
			if f, ok := figs[dm.period]; ok && dm.has {
				dm.sales, dm.gross, dm.stock, dm.stockOK = f.sales, f.sales-f.cost, f.stock, true
			}
		}
	} else if costOK { // a clerk allowed to see costs: stock value from the stock itself
		for i := range d.months {
			dm := &d.months[i]
			if !dm.has || dm.period > p {
				continue
			}
			rows, err := b.StockOnHand(ctx, u, ledger.OnHandFilter{Date: dm.period.LastDay()})
			if err != nil {
				return d, err
			}
			for _, r := range rows {
				dm.stock += r.Amount
			}
			dm.stockOK = true
			if dm.period == p {
				cur.stock = dm.stock
			}
		}
	}
	if ledgerOK {
		d.cards = append(d.cards, dashCard{key: "ui.home.card.sales", value: cur.sales, screen: "profit"})
		if costOK {
			g := cur.sales - cur.cost
			note := ""
			if cur.sales != 0 { // the margin to 0.1%, half away from zero, in decimal
				pm := decimal.NewFromInt(int64(g)*1000).DivRound(decimal.NewFromInt(int64(cur.sales)), 0)
				note = pm.Shift(-1).StringFixed(1) + "%"
			}
			d.cards = append(d.cards, dashCard{key: "ui.home.card.gross", value: g, note: note, screen: "gross_margin"})
		}
	}
	if costOK {
		scr := "stock_summary"
		if ledgerOK {
			scr = "balance_sheet"
		}
		d.cards = append(d.cards, dashCard{key: "ui.home.card.stock", value: cur.stock, screen: scr})
	}
	if ledgerOK {
		d.cards = append(d.cards, dashCard{key: "ui.home.card.receivable", value: cur.recv, screen: "balance_sheet"},
			dashCard{key: "ui.home.card.profit", value: cur.profit, screen: "profit"})
	}
	if u.Can(ledger.PermViewDocs) {
		below, err := b.StockOnHand(ctx, u, ledger.OnHandFilter{Below: true})
		if err != nil {
			return d, err
		}
		d.below = below
	}
	return d, nil
}

// homeView is the dashboard's widgets.
type homeView struct {
	mu      sync.Mutex
	gen     int
	body    *fyne.Container
	period  *widget.Select
	state   *widget.Label
	hint    *widget.Label
	errL    *widget.Label
	content *fyne.Container
}

func (h *homeVM) build() fyne.CanvasObject {
	s, m := h.s, h.dash
	v := &homeView{}
	h.view = v
	var prev, next *widget.Button
	v.period, prev, next = periodBar(m.periods, m.period, func(p ledger.Period) {
		m.period = p
		h.reload()
	})
	v.state = widget.NewLabel("")
	v.hint = widget.NewLabel("")
	v.hint.Importance = widget.WarningImportance
	v.hint.Hide()
	refresh := iconButton(s.t("ui.btn.refresh"), theme.ViewRefreshIcon(), func() {
		m.periods, _ = s.book.Periods(s.ctx)
		h.reload()
	})
	set, _ := s.book.Settings(s.ctx)
	name := widget.NewLabelWithStyle(set.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewBorder(nil, nil, container.NewHBox(name, v.period, prev, next, v.state, v.hint), refresh)
	v.errL = errorLabel()
	v.content = container.NewVBox()
	v.body = container.NewStack(v.content)
	var below fyne.CanvasObject = widget.NewLabel("")
	if !allStepsDone(h.Steps()) {
		below = container.NewVBox(widget.NewSeparator(), h.setup())
	}
	page := container.NewVBox(top, v.errL, v.body, below)
	if !m.loaded {
		h.reload()
	} else {
		h.show()
	}
	return container.NewVScroll(container.NewPadded(page))
}

func allStepsDone(st []step) bool {
	for _, x := range st {
		if !x.done {
			return false
		}
	}
	return true
}

// reload computes the dashboard off the UI goroutine, an activity showing meanwhile (an
// open month runs the close preview).
func (h *homeVM) reload() {
	s, m, v := h.s, h.dash, h.view
	v.mu.Lock()
	v.gen++
	gen := v.gen
	v.mu.Unlock()
	act := widget.NewActivity()
	act.Start()
	v.body.Objects = []fyne.CanvasObject{container.NewCenter(container.NewVBox(act,
		widget.NewLabel(s.t("ui.stmt.loading", map[string]any{"period": string(m.period)}))))}
	v.body.Refresh()
	b, u, p, ps := s.book, s.user, m.period, m.periods
	var d dashData
	var err error
	runAsync(func() { d, err = loadDash(context.Background(), b, u, p, ps) }, func() {
		act.Stop()
		v.mu.Lock()
		stale := gen != v.gen
		v.mu.Unlock()
		if stale {
			return
		}
		m.data, m.err, m.loaded = d, err, true
		h.show()
	})
}

// show puts the loaded dashboard in the page.
func (h *homeVM) show() {
	s, m, v := h.s, h.dash, h.view
	d := m.data
	setErrorLabel(v.errL, s.errText(m.err))
	v.state.TextStyle.Bold = d.provisional
	if d.provisional {
		v.state.SetText(s.t("report.provisional"))
		v.state.Importance = widget.WarningImportance
	} else {
		v.state.SetText(s.t("ui.stmt.closed"))
		v.state.Importance = widget.SuccessImportance
	}
	v.state.Refresh()
	if d.provisional && !d.previewed && len(d.cards) > 0 {
		v.hint.SetText(s.t("ui.stmt.not_previewed"))
		v.hint.Show()
	} else {
		v.hint.Hide()
	}
	v.content.Objects = nil
	if len(d.cards) > 0 {
		cards := container.NewGridWithColumns(len(d.cards))
		for _, c := range d.cards {
			cards.Add(h.card(c, d.provisional))
		}
		v.content.Add(cards)
	}
	var left []fyne.CanvasObject
	labels := make([]string, 12)
	for i := range labels {
		labels[i] = monthLabel(s, i+1)
	}
	if s.user.Can(ledger.PermViewLedger) {
		sales := chartSeries{name: s.t("ui.home.chart.sales"), color: theme.Color(theme.ColorNamePrimary)}
		gross := chartSeries{name: s.t("ui.home.chart.gross"), color: color.NRGBA{R: 0x2e, G: 0x9d, B: 0x5b, A: 0xff}}
		for _, dm := range d.months {
			sales.values, sales.ok = append(sales.values, dm.sales), append(sales.ok, dm.stockOK)
			gross.values, gross.ok = append(gross.values, dm.gross), append(gross.ok, dm.stockOK)
		}
		series := []chartSeries{sales}
		if s.user.Can(ledger.PermViewCost) {
			series = append(series, gross)
		}
		left = append(left, widget.NewLabelWithStyle(s.t("ui.home.chart.monthly", map[string]any{"year": string(d.period)[:4]}),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), newChart(labels, false, series...))
	}
	if s.user.Can(ledger.PermViewCost) {
		stock := chartSeries{name: s.t("ui.home.chart.stock"), color: color.NRGBA{R: 0xd0, G: 0x7a, B: 0x10, A: 0xff}}
		for _, dm := range d.months {
			stock.values, stock.ok = append(stock.values, dm.stock), append(stock.ok, dm.stockOK)
		}
		c := newChart(labels, true, stock)
		c.minH = 150
		left = append(left, widget.NewLabelWithStyle(s.t("ui.home.chart.stock_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), c)
	}
	right := container.NewVBox()
	if s.user.Can(ledger.PermViewDocs) {
		right.Add(widget.NewLabelWithStyle(s.t("ui.home.reorder", map[string]any{"n": len(d.below)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		if len(d.below) == 0 {
			right.Add(widget.NewLabel(s.t("ui.home.reorder_none")))
		}
		for i, o := range d.below {
			if i == 8 {
				more := widget.NewButton(s.t("ui.home.reorder_more", map[string]any{"n": len(d.below) - i}), func() { s.open("reorder") })
				more.Importance = widget.LowImportance
				right.Add(more)
				break
			}
			name := widget.NewLabel(o.Item + " " + o.Name)
			name.Truncation = fyne.TextTruncateEllipsis
			q := widget.NewLabel(s.t("ui.home.reorder_line", map[string]any{"qty": fmtQty(o.Qty), "reorder": fmtQty(o.Reorder)}))
			q.TextStyle.Monospace = true
			q.Importance = widget.DangerImportance
			right.Add(container.NewBorder(nil, nil, nil, q, name))
		}
	}
	right.Add(widget.NewLabelWithStyle(s.t("ui.home.close_status", map[string]any{"year": string(d.period)[:4]}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	grid := container.NewGridWithColumns(4)
	for i, dm := range d.months {
		icon := widget.NewIcon(theme.NewDisabledResource(theme.RadioButtonIcon()))
		switch {
		case dm.closed:
			icon = widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		case dm.has:
			icon = widget.NewIcon(theme.RadioButtonIcon())
		}
		l := widget.NewLabel(labels[i])
		if dm.period == d.period {
			l.TextStyle.Bold = true
			l.Importance = widget.HighImportance
		}
		grid.Add(container.NewHBox(icon, l))
	}
	right.Add(grid)
	legend := widget.NewLabel(s.t("ui.home.close_legend"))
	legend.Wrapping = fyne.TextWrapWord
	right.Add(legend)
	if len(left) > 0 {
		split := container.NewGridWithColumns(2, container.NewVBox(left...), right)
		v.content.Add(split)
	} else {
		v.content.Add(right)
	}
	v.body.Objects = []fyne.CanvasObject{v.content}
	v.body.Refresh()
}

// card is a dashboard card: the title, the figure large in monospace (red when
// negative), the note (the margin, 预览); tapping it opens its report.
func (h *homeVM) card(c dashCard, provisional bool) fyne.CanvasObject {
	s := h.s
	title := widget.NewLabel(s.t(c.key))
	fg := theme.Color(theme.ColorNameForeground)
	if c.value < 0 {
		fg = theme.Color(theme.ColorNameError)
	}
	val := canvas.NewText(c.value.Format(), fg)
	val.TextSize = 22
	val.TextStyle = fyne.TextStyle{Monospace: true}
	val.Alignment = fyne.TextAlignTrailing
	note := c.note
	if c.key == "ui.home.card.gross" && note != "" {
		note = s.t("ui.home.margin", map[string]any{"margin": note})
	}
	if provisional {
		if note != "" {
			note += " · "
		}
		note += s.t("ui.home.preview")
	}
	noteL := widget.NewLabel(note)
	noteL.Alignment = fyne.TextAlignTrailing
	if provisional {
		noteL.Importance = widget.WarningImportance
	}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 6
	box := container.NewStack(bg, container.NewPadded(container.NewVBox(title, val, noteL)))
	scr := c.screen
	return newTapArea(box, func() { s.open(scr) })
}

// tapArea makes any content tappable (a dashboard card opens its report).
type tapArea struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
}

func newTapArea(content fyne.CanvasObject, onTap func()) *tapArea {
	t := &tapArea{content: content, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tapArea) Tapped(*fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap()
	}
}

func (t *tapArea) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (t *tapArea) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }
