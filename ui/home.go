package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// homeVM is 首页: the book at a glance and, until documents exist, the 建账 steps with
// how far each has come.
type homeVM struct {
	s *session
}

func newHome(s *session) *homeVM { return &homeVM{s: s} }

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
	ctx := s.ctx
	items, _ := s.book.Items(ctx, ledger.ItemFilter{})
	whs, _ := s.book.Warehouses(ctx, false)
	ps, _ := s.book.Partners(ctx, ledger.PartnerFilter{})
	bal, st, _ := s.book.Openings(ctx)
	chk, _ := s.book.CheckOpening(ctx)
	users, _ := s.book.Users(ctx)
	out := []step{
		{key: "ui.home.step_settings", screen: "settings", count: -1, done: true},
		{key: "ui.home.step_warehouses", screen: "warehouses", count: len(whs)},
		{key: "ui.home.step_items", screen: "items", count: len(items)},
		{key: "ui.home.step_partners", screen: "partners", count: len(ps)},
		{key: "ui.home.step_accounts", screen: "accounts", count: -1, done: true},
		{key: "ui.home.step_opening", screen: "opening", count: len(bal) + len(st), done: (len(bal)+len(st)) > 0 && chk.Balanced && chk.StockMatches},
		{key: "ui.home.step_users", screen: "users", count: len(users)},
	}
	for i := range out {
		if out[i].count > 0 && out[i].key != "ui.home.step_opening" {
			out[i].done = true
		}
	}
	return out
}

func (h *homeVM) build() fyne.CanvasObject {
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
	later := widget.NewLabel(s.t("ui.home.later"))
	later.Wrapping = fyne.TextWrapWord
	return container.NewVScroll(container.NewPadded(container.NewVBox(title, facts, widget.NewSeparator(), list,
		widget.NewSeparator(), later)))
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
