package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// voucherListVM is 凭证列表: a period's vouchers, filtered by status.
type voucherListVM struct {
	s       *session
	period  ledger.Period
	status  string // "", "unaudited", "audited"
	all     []ledger.Voucher
	view    []int
	sel     int
	periods []ledger.PeriodState
	err     error
}

func newVoucherListVM(s *session) *voucherListVM {
	m := &voucherListVM{s: s, sel: -1}
	m.loadPeriods()
	m.period = firstOpen(s)
	// the latest period that has vouchers, when the open one has none yet
	if vs, _ := s.book.Vouchers(s.ctx, s.user, m.period); len(vs) == 0 && len(m.periods) > 1 {
		for i := len(m.periods) - 1; i >= 0; i-- {
			if m.periods[i].Closed {
				m.period = m.periods[i].Period
				break
			}
		}
	}
	m.Reload()
	return m
}

func (m *voucherListVM) loadPeriods() {
	m.periods, _ = m.s.book.Periods(m.s.ctx)
}

// Reload reads the period's vouchers.
func (m *voucherListVM) Reload() error {
	m.loadPeriods()
	m.all, m.err = nil, nil
	if m.period == "" {
		return nil
	}
	vs, err := m.s.book.Vouchers(m.s.ctx, m.s.user, m.period)
	if err != nil {
		m.err = err
		return err
	}
	m.all = vs
	m.refilter()
	return nil
}

func (m *voucherListVM) refilter() {
	m.view = m.view[:0]
	for i, v := range m.all {
		if m.status == "audited" && !v.Audited || m.status == "unaudited" && v.Audited {
			continue
		}
		m.view = append(m.view, i)
	}
	if m.sel >= len(m.view) {
		m.sel = -1
	}
}

func (m *voucherListVM) Len() int                 { return len(m.view) }
func (m *voucherListVM) Row(i int) ledger.Voucher { return m.all[m.view[i]] }

var voucherListCols = []docCol{{"number", "ui.voucher.col.number", 90, false, false},
	{"date", "ui.doc.field.date", 116, false, false}, {"summary", "ui.voucher.col.summary", 320, false, false},
	{"debit", "ui.voucher.col.amount", 120, false, true}, {"status", "ui.col.status", 80, false, false},
	{"maker", "ui.doc.col.maker", 80, false, false}, {"source", "ui.voucher.col.source", 150, false, false}}

// Cell is a shown row's text.
func (m *voucherListVM) Cell(r int, col string) string {
	if r < 0 || r >= len(m.view) {
		return ""
	}
	v := m.Row(r)
	switch col {
	case "number":
		return v.Number()
	case "date":
		return string(v.Date)
	case "summary":
		return v.Summary
	case "debit":
		return v.Debit().Format()
	case "status":
		if v.Audited {
			return m.s.t("ui.voucher.audited")
		}
		return m.s.t("ui.voucher.unaudited")
	case "maker":
		return v.Maker
	case "source":
		return sourceText(m.s, v)
	}
	return ""
}

// sourceText names where a voucher comes from: 手工, its document, or the close's step.
func sourceText(s *session, v ledger.Voucher) string {
	if v.Source == ledger.SourceDoc && v.Doc != "" {
		return v.Doc
	}
	return s.t("ui.voucher.source." + string(v.Source))
}

// Gap tells whether the numbers have a gap (B6), which 整理凭证号 closes.
func (m *voucherListVM) Gap() bool {
	return len(m.all) > 0 && m.all[len(m.all)-1].No != len(m.all)
}

// Closed tells whether the shown period is closed.
func (m *voucherListVM) Closed() bool {
	for _, p := range m.periods {
		if p.Period == m.period {
			return p.Closed
		}
	}
	return false
}

// Renumber closes the gaps (整理凭证号).
func (m *voucherListVM) Renumber() error {
	if err := m.s.book.RenumberVouchers(m.s.ctx, m.s.user, m.period); err != nil {
		m.err = err
		return err
	}
	return m.Reload()
}

// Total is the count and the debit sum of the shown vouchers.
func (m *voucherListVM) Total() (int, ledger.Money) {
	var t ledger.Money
	for _, i := range m.view {
		t += m.all[i].Debit()
	}
	return len(m.view), t
}

type voucherList struct {
	s        *session
	m        *voucherListVM
	table    *enterTable
	count    *widget.Label
	errL     *widget.Label
	renumber *widget.Button
	perSel   *widget.Select
}

func newVoucherList(s *session) *voucherList { return &voucherList{s: s, m: newVoucherListVM(s)} }

func (l *voucherList) build() fyne.CanvasObject {
	s, m := l.s, l.m
	t := &enterTable{}
	t.Length = func() (int, int) { return m.Len(), len(voucherListCols) }
	t.CreateCell = func() fyne.CanvasObject {
		lb := widget.NewLabel("")
		lb.Truncation = fyne.TextTruncateEllipsis
		return lb
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		lb := o.(*widget.Label)
		c := voucherListCols[id.Col]
		lb.Alignment = fyne.TextAlignLeading
		if c.right {
			lb.Alignment = fyne.TextAlignTrailing
		}
		lb.TextStyle.Monospace = c.right || c.id == "date"
		lb.Importance = widget.MediumImportance
		txt := m.Cell(id.Row, c.id)
		if c.id == "status" && id.Row < m.Len() && !m.Row(id.Row).Audited {
			lb.Importance = widget.WarningImportance
		}
		if c.right && len(txt) > 0 && txt[0] == '-' {
			lb.Importance = widget.DangerImportance
		}
		lb.SetText(txt)
	}
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		lb := o.(*widget.Label)
		if id.Col < 0 || id.Col >= len(voucherListCols) {
			lb.SetText("")
			return
		}
		lb.SetText(s.t(voucherListCols[id.Col].title))
		lb.Alignment = fyne.TextAlignLeading
		if voucherListCols[id.Col].right {
			lb.Alignment = fyne.TextAlignTrailing
		}
	}
	t.OnSelected = func(id widget.TableCellID) { m.sel = id.Row }
	t.onEnter = l.open
	t.ExtendBaseWidget(t)
	setWidths(&t.Table, voucherListCols)
	l.table = t

	var pers []string
	for _, p := range m.periods {
		pers = append(pers, string(p.Period))
	}
	l.perSel = widget.NewSelect(pers, func(p string) {
		m.period = ledger.Period(p)
		m.sel = -1
		m.Reload()
		l.refresh()
	})
	if m.period != "" {
		l.perSel.SetSelected(string(m.period))
	}
	stVals := []string{"", "unaudited", "audited"}
	stOpts := []string{s.t("ui.list.all_status"), s.t("ui.voucher.unaudited"), s.t("ui.voucher.audited")}
	stSel := widget.NewSelect(stOpts, func(o string) {
		m.status = stVals[max(slices.Index(stOpts, o), 0)]
		m.refilter()
		l.refresh()
	})
	stSel.SetSelected(stOpts[max(slices.Index(stVals, m.status), 0)])
	open := iconButton(s.t("ui.btn.open"), theme.FolderOpenIcon(), l.open)
	open.Importance = widget.HighImportance
	refresh := iconButton(s.t("ui.btn.refresh"), theme.ViewRefreshIcon(), func() { m.Reload(); l.refresh() })
	l.renumber = iconButton(s.t("ui.voucher.renumber"), theme.MoveDownIcon(), l.confirmRenumber)
	newB := iconButton(s.t("ui.btn.new"), theme.ContentAddIcon(), func() { s.open("voucher_entry") })
	top := container.NewHBox(widget.NewLabel(s.t("field.period")), l.perSel, widget.NewLabel(s.t("ui.col.status")), stSel, refresh)
	l.count = widget.NewLabel("")
	l.count.TextStyle.Monospace = true
	l.errL = errorLabel()
	btns := container.NewHBox(l.renumber, open)
	if s.user.Can(ledger.PermVoucher) {
		btns.Add(newB)
	}
	if s.user.Can(ledger.PermExport) { // for the accountant's own software (金蝶/用友)
		btns.Add(iconButton(s.t("ui.export.vouchers"), theme.DocumentSaveIcon(), func() { s.exportVouchers(m.period) }))
	}
	bottom := container.NewVBox(l.errL, container.NewBorder(nil, nil, l.count, btns))
	l.refresh()
	return container.NewBorder(top, bottom, nil, nil, t)
}

func (l *voucherList) refresh() {
	if l.table == nil || l.count == nil || l.renumber == nil {
		return
	}
	n, t := l.m.Total()
	txt := l.s.t("ui.voucher.count", map[string]any{"n": n, "total": t.Format()})
	if l.m.Closed() {
		txt += "   " + l.s.t("ui.voucher.period_closed")
	}
	l.count.SetText(txt)
	if l.m.Gap() && !l.m.Closed() && l.s.user.Can(ledger.PermVoucher) {
		l.renumber.Show()
	} else {
		l.renumber.Hide()
	}
	setErrorLabel(l.errL, l.s.errText(l.m.err))
	l.table.Refresh()
}

func (l *voucherList) open() {
	if l.m.sel < 0 || l.m.sel >= l.m.Len() {
		return
	}
	l.s.openVoucher(l.m.Row(l.m.sel).Ref())
}

func (l *voucherList) confirmRenumber() {
	s := l.s
	d := dialog.NewConfirm(s.t("ui.voucher.renumber"), s.t("ui.confirm.renumber", map[string]any{"period": string(l.m.period)}),
		func(ok bool) {
			if ok {
				l.m.Renumber()
				l.refresh()
			}
		}, s.win)
	d.SetConfirmText(s.t("ui.voucher.renumber"))
	d.SetDismissText(s.t("ui.btn.cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

func (l *voucherList) cmdNew()    { l.s.open("voucher_entry") }
func (l *voucherList) cmdSave()   {}
func (l *voucherList) cmdCancel() {}
func (l *voucherList) cmdFind()   {}

// openVoucher opens a voucher in its own tab ("voucher:2025-01/记-0001"), or selects
// the tab that shows it.
func (s *session) openVoucher(ref string) {
	if s.shell == nil {
		return
	}
	for id, sc := range s.screens {
		if e, ok := sc.(*voucherEditor); ok && e.vm.v.ID != 0 && e.vm.v.Ref() == ref {
			s.shell.openTab(id)
			return
		}
	}
	v, err := s.book.Voucher(s.ctx, s.user, ref)
	if err != nil {
		s.setStatus(s.errText(err))
		return
	}
	id := "voucher:" + v.Ref()
	e := newVoucherEditor(s, id)
	e.vm.show(v)
	s.screens[id] = e
	s.shell.openTab(id)
}
