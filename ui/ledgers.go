package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// acctLedgerVM is 总账 (general) or 明细账 (detail) of an account over a range of
// periods (UI.md §3.7): the opening, the lines (detail) or months (general), 本月合计 and
// 本年累计, the balance with its direction 借/贷/平.
type acctLedgerVM struct {
	s        *session
	general  bool
	account  string
	partner  string
	from, to string
	rows     []ledgerRow
	sel      int
	err      error
}

// ledgerRow is a shown row of either ledger.
type ledgerRow struct {
	date, voucher, doc, summary string
	period                      ledger.Period
	debit, credit, balance      ledger.Money
	kind                        string // open, line, total, ytd
}

func newAcctLedgerVM(s *session, general bool) *acctLedgerVM {
	m := &acctLedgerVM{s: s, general: general, account: "1002", sel: -1}
	p := firstOpen(s)
	// the latest closed period shows the posted month; else the open one
	if ps, err := s.book.Periods(s.ctx); err == nil {
		for i := len(ps) - 1; i >= 0; i-- {
			if ps[i].Closed {
				p = ps[i].Period
				break
			}
		}
	}
	m.from, m.to = string(p), string(p)
	m.Reload()
	return m
}

// Reload reads the ledger.
func (m *acctLedgerVM) Reload() error {
	m.rows, m.err, m.sel = nil, nil, -1
	code := ledger.Normalize(m.account)
	if code == "" {
		return nil
	}
	from, err := ledger.ParsePeriod("from", m.from)
	if err != nil {
		m.err = err
		return err
	}
	to := from
	if strings.TrimSpace(m.to) != "" {
		if to, err = ledger.ParsePeriod("to", m.to); err != nil {
			m.err = err
			return err
		}
	}
	m.from, m.to = string(from), string(to)
	if m.general {
		rs, err := m.s.book.GeneralLedger(m.s.ctx, m.s.user, code, from, to)
		if err != nil {
			m.err = err
			return err
		}
		for i, r := range rs {
			if i == 0 {
				m.rows = append(m.rows, ledgerRow{date: string(r.Period.FirstDay()), summary: "open", balance: r.Opening, kind: "open", period: r.Period})
			}
			m.rows = append(m.rows, ledgerRow{date: string(r.Period), summary: "total", debit: r.Debit, credit: r.Credit, balance: r.Closing, kind: "total", period: r.Period},
				ledgerRow{date: string(r.Period), summary: "ytd", debit: r.YTDDebit, credit: r.YTDCredit, balance: r.Closing, kind: "ytd", period: r.Period})
		}
		return nil
	}
	rs, err := m.s.book.DetailLedger(m.s.ctx, m.s.user, code, ledger.Normalize(m.partner), from, to)
	if err != nil {
		m.err = err
		return err
	}
	for _, r := range rs {
		x := ledgerRow{date: string(r.Date), voucher: r.Voucher, doc: r.Doc, summary: r.Summary, debit: r.Debit,
			credit: r.Credit, balance: r.Balance, kind: r.Kind, period: r.Date.Period()}
		if r.Kind != "line" {
			x.summary = r.Kind
		}
		m.rows = append(m.rows, x)
	}
	return nil
}

// Account is the account's code and name.
func (m *acctLedgerVM) Account() (ledger.Account, bool) {
	a, err := m.s.book.Account(m.s.ctx, ledger.Normalize(m.account))
	return a, err == nil
}

// PartnerAccount tells whether the account keeps partners (the partner filter shows).
func (m *acctLedgerVM) PartnerAccount() bool {
	a, ok := m.Account()
	return ok && a.Aux != "" && a.Aux != "item"
}

func (m *acctLedgerVM) Columns() []docCol {
	if m.general {
		return []docCol{{"date", "field.period", 100, false, false}, {"summary", "ui.voucher.col.summary", 200, false, false},
			{"debit", "ui.voucher.col.debit", 130, false, true}, {"credit", "ui.voucher.col.credit", 130, false, true},
			{"dir", "ui.ledger.col.dir", 60, false, false}, {"balance", "ui.ledger.col.balance", 140, false, true}}
	}
	return []docCol{{"date", "ui.doc.field.date", 100, false, false}, {"voucher", "ui.ledger.col.voucher", 90, false, false},
		{"summary", "ui.voucher.col.summary", 330, false, false},
		{"debit", "ui.voucher.col.debit", 120, false, true}, {"credit", "ui.voucher.col.credit", 120, false, true},
		{"dir", "ui.ledger.col.dir", 60, false, false}, {"balance", "ui.ledger.col.balance", 130, false, true}}
}

func (m *acctLedgerVM) Len() int { return len(m.rows) }

// Cell is a row's text; balances are shown as amounts with their direction.
func (m *acctLedgerVM) Cell(r int, col string) string {
	if r < 0 || r >= len(m.rows) {
		return ""
	}
	x := m.rows[r]
	money := func(a ledger.Money) string {
		if a == 0 && x.kind == "line" {
			return ""
		}
		if a == 0 {
			return ""
		}
		return a.Format()
	}
	switch col {
	case "date":
		if x.kind != "line" && x.kind != "open" && !m.general {
			return ""
		}
		return x.date
	case "voucher":
		if _, num, ok := strings.Cut(x.voucher, "/"); ok {
			return num
		}
		return ""
	case "summary":
		switch x.kind {
		case "open":
			return m.s.t("ui.ledger.opening")
		case "total":
			return m.s.t("ui.ledger.month_total")
		case "ytd":
			return m.s.t("ui.ledger.ytd")
		}
		return x.summary
	case "debit":
		return money(x.debit)
	case "credit":
		return money(x.credit)
	case "dir":
		return m.s.t(direction(x.balance))
	case "balance":
		b := x.balance
		if b < 0 {
			b = -b
		}
		return b.Format()
	}
	return ""
}

// direction is 借, 贷 or 平 for a debit-positive balance.
func direction(b ledger.Money) string {
	switch {
	case b > 0:
		return "ui.ledger.dir.D"
	case b < 0:
		return "ui.ledger.dir.C"
	}
	return "ui.ledger.dir.zero"
}

// Last is the last row's balance (debit-positive).
func (m *acctLedgerVM) Last() ledger.Money {
	if len(m.rows) == 0 {
		return 0
	}
	return m.rows[len(m.rows)-1].balance
}

type acctLedger struct {
	s       *session
	m       *acctLedgerVM
	table   *enterTable
	name    *widget.Label
	errL    *widget.Label
	partner fyne.CanvasObject
	acct    *keyEntry
}

func newAcctLedger(s *session, general bool) *acctLedger {
	return &acctLedger{s: s, m: newAcctLedgerVM(s, general)}
}

func (v *acctLedger) build() fyne.CanvasObject {
	s, m := v.s, v.m
	t := &enterTable{}
	rt := reportTable(s, m.Columns, m.Len, m.Cell)
	t.Length, t.CreateCell, t.UpdateCell = rt.Length, rt.CreateCell, rt.UpdateCell
	t.ShowHeaderRow = true
	t.CreateHeader, t.UpdateHeader = rt.CreateHeader, rt.UpdateHeader
	t.OnSelected = func(id widget.TableCellID) { m.sel = id.Row }
	t.onEnter = v.open
	t.ExtendBaseWidget(t)
	setWidths(&t.Table, m.Columns())
	v.table = t

	v.acct = newKeyEntry()
	v.acct.SetText(m.account)
	v.acct.SetPlaceHolder("1002")
	from, to, partner := newKeyEntry(), newKeyEntry(), newKeyEntry()
	from.SetText(m.from)
	to.SetText(m.to)
	partner.SetText(m.partner)
	partner.SetPlaceHolder(s.t("ui.ledger.all_partners"))
	v.name = widget.NewLabel("")
	apply := func() {
		m.account, m.from, m.to, m.partner = v.acct.Text, from.Text, to.Text, partner.Text
		if a, ok := m.Account(); ok {
			m.account = a.Code
		}
		m.Reload()
		v.acct.SetText(m.account)
		from.SetText(m.from)
		to.SetText(m.to)
		v.refresh()
	}
	var look lookup
	look.win = s.win
	v.acct.onKey = func(k *fyne.KeyEvent) bool {
		if look.key(k) {
			return true
		}
		if k.Name == fyne.KeyF7 || k.Name == fyne.KeyDown {
			accts, _ := s.book.Accounts(s.ctx, false)
			text := strings.ToLower(ledger.Normalize(v.acct.Text))
			var labels []string
			var codes []string
			for _, a := range accts {
				if text == "" || strings.HasPrefix(a.Code, text) || strings.Contains(strings.ToLower(a.Name), text) ||
					strings.HasPrefix(strings.ToLower(ledger.Mnemonic(a.Name)), text) {
					labels = append(labels, a.Code+"  "+a.Name)
					codes = append(codes, a.Code)
				}
			}
			if len(labels) > 100 {
				labels, codes = labels[:100], codes[:100]
			}
			if len(labels) > 0 {
				look.show(v.acct, labels, func(i int) { v.acct.SetText(codes[i]); apply() })
			}
			return true
		}
		return false
	}
	for _, e := range []*keyEntry{v.acct, from, to, partner} {
		e.OnSubmitted = func(string) { apply() }
	}
	refresh := iconButton(s.t("ui.btn.refresh"), theme.ViewRefreshIcon(), apply)
	open := iconButton(s.t("ui.btn.open"), theme.FolderOpenIcon(), v.open)
	v.partner = container.NewHBox(widget.NewLabel(s.t("ui.col.partner")), sized(partner, 110))
	top := container.NewHBox(widget.NewLabel(s.t("ui.voucher.col.account")), sized(v.acct, 110), v.name,
		widget.NewLabel(s.t("field.period")), sized(from, 96), widget.NewLabel("~"), sized(to, 96), v.partner, refresh, open)
	v.errL = errorLabel()
	hint := widget.NewLabel(s.t("ui.ledger.hint"))
	hint.Importance = widget.LowImportance
	v.refresh()
	return container.NewBorder(container.NewVBox(top, v.errL), hint, nil, nil, t)
}

func (v *acctLedger) refresh() {
	name := ""
	if a, ok := v.m.Account(); ok {
		name = a.Name
		if v.s.lang == "en" && a.NameEN != "" {
			name = a.NameEN
		}
	}
	v.name.SetText(name)
	if v.m.general || !v.m.PartnerAccount() {
		v.partner.Hide()
	} else {
		v.partner.Show()
	}
	setWidths(&v.table.Table, v.m.Columns())
	v.table.Refresh()
	setErrorLabel(v.errL, v.s.errText(v.m.err))
}

// open: a detail line opens its voucher; a general-ledger month opens that month's
// detail ledger.
func (v *acctLedger) open() {
	m := v.m
	if m.sel < 0 || m.sel >= len(m.rows) {
		return
	}
	r := m.rows[m.sel]
	if !m.general {
		if r.voucher != "" {
			v.s.openVoucher(r.voucher)
		}
		return
	}
	v.s.open("detail_ledger")
	if d, ok := v.s.screens["detail_ledger"].(*acctLedger); ok {
		d.m.account, d.m.from, d.m.to, d.m.partner = m.account, string(r.period), string(r.period), ""
		d.m.Reload()
		rebuildTab(v.s, "detail_ledger")
	}
}

// rebuildTab builds an open tab's widgets again from its view-model.
func rebuildTab(s *session, id string) {
	if s.shell == nil || s.shell.tabs == nil {
		return
	}
	for it, tid := range s.shell.tabIDs {
		if tid == id {
			it.Content = s.screen(id).build()
			s.shell.tabs.Refresh()
		}
	}
}
