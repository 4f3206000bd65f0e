package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// partnerBalancesVM is 往来余额: what each customer owes (应收, 预收) and each supplier is
// owed (应付, 预付), from the audited documents and the opening balances.
type partnerBalancesVM struct {
	s    *session
	all  bool
	rows []ledger.PartnerBalance
	err  error
}

func (m *partnerBalancesVM) Reload() error {
	m.rows, m.err = m.s.book.PartnerBalances(m.s.ctx, m.s.user, m.all)
	return m.err
}

var balanceCols = []docCol{{"code", "ui.col.code", 70, false, false}, {"name", "ui.col.name", 170, false, false},
	{"recv", "ui.balance.receivable", 110, false, true}, {"adv_recv", "ui.balance.advance_recv", 110, false, true},
	{"pay", "ui.balance.payable", 110, false, true}, {"prepaid", "ui.balance.prepaid", 110, false, true},
	{"net", "ui.balance.net", 130, false, true}}

func (m *partnerBalancesVM) Len() int { return len(m.rows) }

func (m *partnerBalancesVM) Cell(r int, col string) string {
	if r < 0 || r >= len(m.rows) {
		return ""
	}
	p := m.rows[r]
	show := func(a ledger.Money) string {
		if a == 0 {
			return ""
		}
		return a.Format()
	}
	switch col {
	case "code":
		return p.Partner
	case "name":
		return p.Name
	case "recv":
		return show(p.Receivable)
	case "adv_recv":
		return show(p.AdvanceRecv)
	case "pay":
		return show(p.Payable)
	case "prepaid":
		return show(p.Prepaid)
	case "net":
		// what the shop is owed, net: receivable + prepaid − advance received − payable
		return (p.Receivable + p.Prepaid - p.AdvanceRecv - p.Payable).Format()
	}
	return ""
}

type partnerBalances struct {
	s      *session
	m      *partnerBalancesVM
	table  *widget.Table
	body   *fyne.Container
	errL   *widget.Label
	gen    int // the latest load; an older one that ends later is dropped
	loaded bool
}

func newPartnerBalances(s *session) *partnerBalances {
	return &partnerBalances{s: s, m: &partnerBalancesVM{s: s}}
}

func (v *partnerBalances) build() fyne.CanvasObject {
	s, m := v.s, v.m
	v.table = reportTable(s, func() []docCol { return balanceCols }, m.Len, m.Cell)
	setWidths(v.table, balanceCols)
	all := widget.NewCheck(s.t("ui.balance.all"), nil)
	all.SetChecked(m.all)
	all.OnChanged = func(on bool) { m.all = on; v.reload() }
	refresh := iconButton(s.t("ui.btn.refresh"), theme.ViewRefreshIcon(), v.reload)
	note := widget.NewLabel(s.t("ui.balance.note"))
	v.errL = errorLabel()
	v.body = container.NewStack(v.table)
	if v.loaded {
		v.refresh()
	} else {
		v.reload()
	}
	return container.NewBorder(container.NewVBox(container.NewHBox(all, refresh), v.errL), note, nil, nil, v.body)
}

// reload reads the balances off the UI goroutine (they add up every audited document of
// the book), an activity showing meanwhile.
func (v *partnerBalances) reload() {
	s, m := v.s, v.m
	v.gen++
	gen := v.gen
	act := widget.NewActivity()
	act.Start()
	v.table.Hide()
	v.body.Objects = []fyne.CanvasObject{v.table, container.NewCenter(container.NewVBox(act, widget.NewLabel(s.t("ui.balance.loading"))))}
	v.body.Refresh()
	b, u, ctx, all := s.book, s.user, s.ctx, m.all
	var rows []ledger.PartnerBalance
	var err error
	runAsync(func() { rows, err = b.PartnerBalances(ctx, u, all) }, func() {
		act.Stop()
		if gen != v.gen {
			return
		}
		m.rows, m.err, v.loaded = rows, err, true
		v.body.Objects = []fyne.CanvasObject{v.table}
		v.table.Show()
		v.body.Refresh()
		v.refresh()
	})
}

func (v *partnerBalances) refresh() {
	v.table.Refresh()
	setErrorLabel(v.errL, v.s.errText(v.m.err))
}
