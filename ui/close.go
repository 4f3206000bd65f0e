package ui

import (
	"context"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// closeVM is the month-end close wizard's view-model (月末结账, UI.md §3.8): 1 the period
// (the earliest open one), 2 its checks with acknowledgements, 3 the preview, 4 the
// confirmation, 5 the result. Un-close (反结账) works on the latest closed period.
type closeVM struct {
	s          *session
	step       int
	period     ledger.Period
	lastClosed ledger.Period
	findings   []ledger.Finding
	ack        map[string]bool
	checked    bool
	preview    *ledger.CloseResult
	result     *ledger.CloseResult
	err        error
}

func newCloseVM(s *session) *closeVM {
	m := &closeVM{s: s, step: 1, ack: map[string]bool{}}
	m.loadPeriods()
	return m
}

// loadPeriods finds the earliest open and the latest closed periods.
func (m *closeVM) loadPeriods() {
	m.period, m.lastClosed = "", ""
	ps, err := m.s.book.Periods(m.s.ctx)
	if err != nil {
		m.err = err
		return
	}
	for _, p := range ps {
		if p.Closed {
			m.lastClosed = p.Period
		} else if m.period == "" {
			m.period = p.Period
		}
	}
}

// Restart goes back to step 1 on the (new) earliest open period.
func (m *closeVM) Restart() {
	m.step, m.findings, m.ack, m.checked = 1, nil, map[string]bool{}, false
	m.preview, m.result, m.err = nil, nil, nil
	m.loadPeriods()
}

// Check runs the pre-checks (step 2, F5 again).
func (m *closeVM) Check() error {
	m.err = nil
	fs, err := m.s.book.CheckClose(m.s.ctx, m.s.user, m.period)
	if err != nil {
		m.err = err
		return err
	}
	m.findings, m.checked = fs, true
	m.preview = nil
	return nil
}

// Blocks counts the blocking findings.
func (m *closeVM) Blocks() int {
	n := 0
	for _, f := range m.findings {
		if f.Block {
			n++
		}
	}
	return n
}

// Unacked counts the warnings not yet ticked 已知悉.
func (m *closeVM) Unacked() int {
	n := 0
	for _, f := range m.findings {
		if !f.Block && !m.ack[f.Check] {
			n++
		}
	}
	return n
}

// Finding returns the finding of a check, if any.
func (m *closeVM) Finding(check string) (ledger.Finding, bool) {
	for _, f := range m.findings {
		if f.Check == check {
			return f, true
		}
	}
	return ledger.Finding{}, false
}

// CanNext tells whether the wizard may go on from its step.
func (m *closeVM) CanNext() bool {
	switch m.step {
	case 1:
		return m.period != "" && m.s.user.Can(ledger.PermClose)
	case 2:
		return m.checked && m.Blocks() == 0 && m.Unacked() == 0
	case 3:
		return m.preview != nil
	}
	return false
}

// Next moves on: into the checks (running them), or to the preview.
func (m *closeVM) Next() {
	if !m.CanNext() {
		return
	}
	m.step++
	if m.step == 2 {
		m.Check()
	}
}

// Back returns to the previous step (not past the close).
func (m *closeVM) Back() {
	if m.step > 1 && m.step < 5 {
		m.step--
	}
}

// Preview runs the close and rolls it back: the vouchers it would make and the profit.
// It runs off the UI goroutine.
func (m *closeVM) Preview(ctx context.Context) (ledger.CloseResult, error) {
	return m.s.book.PreviewClose(ctx, m.s.user, m.period, ledger.CloseOptions{})
}

// Close closes the period; progress is told each step. Cancelling ctx before the commit
// leaves the book as it was. It runs off the UI goroutine.
func (m *closeVM) Close(ctx context.Context, progress func(step string, done, total int)) (ledger.CloseResult, error) {
	opts := ledger.CloseOptions{Progress: progress}
	if m.preview != nil {
		opts.Counter = m.preview.Counter // refused (CLOSE_STALE) if the book changed since the preview
	}
	return m.s.book.ClosePeriod(ctx, m.s.user, m.period, opts)
}

// closed records a close's result (on the UI goroutine).
func (m *closeVM) closed(res ledger.CloseResult, err error) {
	if err != nil {
		m.err = err
		if len(res.Findings) > 0 {
			m.findings = res.Findings
		}
		if ledger.CodeOf(err) == ledger.CodeCloseStale {
			m.preview, m.step = nil, 3 // the book changed: preview again
		}
		return
	}
	m.result, m.err = &res, nil
	m.step = 5
	m.lastClosed = res.Period
}

// CanUnclose: a closed period and the permission.
func (m *closeVM) CanUnclose() bool {
	return m.lastClosed != "" && m.s.user.Can(ledger.PermUnclose)
}

// UncloseLoss is what un-closing the latest closed period deletes: its generated vouchers.
func (m *closeVM) UncloseLoss() (n int, first, last string) {
	vs, err := m.s.book.Vouchers(m.s.ctx, m.s.user, m.lastClosed)
	if err != nil {
		return 0, "", ""
	}
	for _, v := range vs {
		if v.Source == ledger.SourceManual {
			continue
		}
		if n == 0 {
			first = v.Number()
		}
		last = v.Number()
		n++
	}
	return n, first, last
}

// Unclose reopens the latest closed period; the reason is required.
func (m *closeVM) Unclose(reason string) error {
	if err := m.s.book.UnclosePeriod(m.s.ctx, m.s.user, m.lastClosed, reason); err != nil {
		return err
	}
	p := m.lastClosed
	m.Restart()
	m.s.setStatus(m.s.t("ui.close.unclosed", map[string]any{"period": string(p)}))
	return nil
}

// VoucherRange is "记-0002…记-0017" for a result's vouchers.
func voucherRange(vs []ledger.Voucher) string {
	switch len(vs) {
	case 0:
		return ""
	case 1:
		return vs[0].Number()
	}
	return vs[0].Number() + "…" + vs[len(vs)-1].Number()
}

// progressOf maps the close's steps onto one bar: checks, costing, document vouchers
// (most of the work), month-end vouchers, post-checks.
func progressOf(step string, done, total int) float64 {
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	switch step {
	case "check":
		return 0.02
	case "costing":
		return 0.08
	case "vouchers":
		return 0.15 + 0.65*frac
	case "month-end":
		return 0.82
	case "post-check":
		return 0.92
	case "done":
		return 1
	}
	return 0
}

// closeScreen shows the wizard.
type closeScreen struct {
	s       *session
	m       *closeVM
	body    *fyne.Container
	steps   *fyne.Container
	errL    *widget.Label
	running bool
	mu      sync.Mutex
}

func newCloseScreen(s *session) *closeScreen { return &closeScreen{s: s, m: newCloseVM(s)} }

func (v *closeScreen) build() fyne.CanvasObject {
	v.body = container.NewStack()
	v.steps = container.NewHBox()
	v.errL = errorLabel()
	v.s.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyF5 && v.s.current() == v && v.m.step == 2 {
			v.recheck()
		}
	})
	v.show()
	return container.NewBorder(container.NewVBox(v.steps, widget.NewSeparator()), v.errL, nil, nil, v.body)
}

// show draws the current step.
func (v *closeScreen) show() {
	if v.body == nil {
		return
	}
	s, m := v.s, v.m
	title := widget.NewLabelWithStyle(s.t("ui.close.title", map[string]any{"period": string(m.period)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.steps.Objects = []fyne.CanvasObject{title}
	for i := 1; i <= 5; i++ {
		if i > 1 {
			v.steps.Add(widget.NewIcon(theme.NavigateNextIcon()))
		}
		l := widget.NewLabel(itoa(i) + " " + s.t("ui.close.step."+itoa(i)))
		if i == m.step {
			l.TextStyle.Bold = true
			l.Importance = widget.HighImportance
		} else {
			l.Importance = widget.LowImportance
		}
		v.steps.Add(l)
	}
	v.steps.Refresh()
	var page fyne.CanvasObject
	switch m.step {
	case 1:
		page = v.periodPage()
	case 2:
		page = v.checksPage()
	case 3:
		page = v.previewPage()
	case 4:
		page = v.confirmPage()
	default:
		page = v.donePage()
	}
	v.body.Objects = []fyne.CanvasObject{page}
	v.body.Refresh()
	setErrorLabel(v.errL, s.errText(m.err))
}

func (v *closeScreen) nav(back, next bool, extra ...fyne.CanvasObject) fyne.CanvasObject {
	s, m := v.s, v.m
	row := container.NewHBox(layout.NewSpacer())
	for _, o := range extra {
		row.Add(o)
	}
	if back {
		row.Add(iconButton(s.t("ui.close.back"), theme.NavigateBackIcon(), func() { m.Back(); m.err = nil; v.show() }))
	}
	if next {
		b := iconButton(s.t("ui.close.next"), theme.NavigateNextIcon(), v.next)
		b.Importance = widget.HighImportance
		if !m.CanNext() {
			b.Disable()
		}
		row.Add(b)
	}
	return row
}

func (v *closeScreen) next() {
	v.m.Next()
	v.show()
	if v.m.step == 3 && v.m.preview == nil {
		v.runPreview()
	}
}

func (v *closeScreen) periodPage() fyne.CanvasObject {
	s, m := v.s, v.m
	box := container.NewVBox()
	if m.period != "" {
		box.Add(widget.NewLabelWithStyle(s.t("ui.close.period_open", map[string]any{"period": string(m.period)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	if m.lastClosed != "" {
		box.Add(widget.NewLabel(s.t("ui.top.closed_to", map[string]any{"period": string(m.lastClosed)})))
	}
	intro := widget.NewLabel(s.t("ui.close.intro"))
	intro.Wrapping = fyne.TextWrapWord
	box.Add(intro)
	var extra []fyne.CanvasObject
	if m.CanUnclose() {
		un := iconButton(s.t("ui.close.unclose_btn", map[string]any{"period": string(m.lastClosed)}), theme.ContentUndoIcon(), v.askUnclose)
		un.Importance = widget.DangerImportance
		extra = append(extra, un)
	}
	return container.NewBorder(nil, v.nav(false, true, extra...), nil, nil, container.NewVScroll(padded(box)))
}

func (v *closeScreen) checksPage() fyne.CanvasObject {
	s, m := v.s, v.m
	rows := container.NewVBox()
	if len(m.findings) == 0 && m.checked {
		ok := widget.NewLabel(s.t("ui.close.all_passed"))
		ok.Importance = widget.SuccessImportance
		rows.Add(container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), ok))
	}
	for _, f := range m.findings {
		code := widget.NewLabelWithStyle(f.Check, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		desc := widget.NewLabel(s.t("ui.close.check." + f.Check))
		desc.Wrapping = fyne.TextWrapWord
		count := widget.NewLabel(itoa(f.Count))
		count.Alignment = fyne.TextAlignTrailing
		count.TextStyle.Monospace = true
		state := widget.NewLabel(s.t("ui.close.warn"))
		state.Importance = widget.WarningImportance
		if f.Block {
			state.SetText(s.t("ui.close.block"))
			state.Importance = widget.DangerImportance
		}
		acts := container.NewHBox()
		if b := v.viewButton(f); b != nil {
			acts.Add(b)
		}
		if !f.Block {
			ack := widget.NewCheck(s.t("ui.close.ack"), func(on bool) { m.ack[f.Check] = on; v.show() })
			ack.Checked = m.ack[f.Check]
			acts.Add(ack)
		}
		refs := widget.NewLabel(strings.Join(firstN(f.Refs, 6), "  "))
		refs.Importance = widget.LowImportance
		refs.Truncation = fyne.TextTruncateEllipsis
		left := container.NewHBox(sized(code, 44), sized(count, 48), sized(state, 70))
		rows.Add(container.NewBorder(nil, nil, left, acts, container.NewVBox(desc, refs)))
		rows.Add(widget.NewSeparator())
	}
	sum := widget.NewLabel("")
	switch {
	case m.Blocks() > 0:
		sum.SetText(s.t("ui.close.blocked", map[string]any{"n": m.Blocks()}))
		sum.Importance = widget.DangerImportance
	case m.Unacked() > 0:
		sum.SetText(s.t("ui.close.ack_needed", map[string]any{"n": m.Unacked()}))
		sum.Importance = widget.WarningImportance
	default:
		sum.SetText(s.t("ui.close.ready"))
		sum.Importance = widget.SuccessImportance
	}
	recheck := iconButton(s.t("ui.close.recheck"), theme.ViewRefreshIcon(), v.recheck)
	return container.NewBorder(nil, container.NewBorder(nil, nil, sum, v.nav(true, true, recheck)), nil, nil,
		container.NewVScroll(padded(rows)))
}

func firstN(xs []string, n int) []string {
	if len(xs) > n {
		return append(append([]string{}, xs[:n]...), "…")
	}
	return xs
}

func (v *closeScreen) recheck() {
	v.m.Check()
	v.show()
}

// viewButton opens what a finding names: documents in their editors, vouchers, the
// stock, the ledgers; B6 offers 整理凭证号.
func (v *closeScreen) viewButton(f ledger.Finding) *widget.Button {
	s := v.s
	view := func(f func()) *widget.Button { return iconButton(s.t("ui.close.view"), theme.SearchIcon(), f) }
	switch f.Check {
	case "B3", "W1":
		return view(func() {
			for _, r := range firstN(f.Refs, 10) {
				if r != "…" {
					s.openDoc(r)
				}
			}
		})
	case "B4", "B5":
		return view(func() {
			for _, r := range firstN(f.Refs, 10) {
				if r != "…" {
					s.openVoucher(r)
				}
			}
		})
	case "B6":
		return iconButton(s.t("ui.voucher.renumber"), theme.MoveDownIcon(), v.confirmRenumber)
	case "B2":
		return view(func() { s.open("opening") })
	case "B7":
		return view(func() { s.open("stock_onhand") })
	case "W4":
		return view(func() { s.open("partner_balance") })
	case "W3", "B8":
		acct := "1901"
		if f.Check == "W3" && len(f.Refs) > 0 {
			acct = f.Refs[0]
		}
		return view(func() { v.openLedger(acct) })
	}
	return nil
}

func (v *closeScreen) openLedger(acct string) {
	s := v.s
	s.open("detail_ledger")
	if d, ok := s.screens["detail_ledger"].(*acctLedger); ok {
		d.m.account, d.m.from, d.m.to, d.m.partner = acct, string(v.m.period), string(v.m.period), ""
		d.m.Reload()
		rebuildTab(s, "detail_ledger")
	}
}

func (v *closeScreen) confirmRenumber() {
	s, m := v.s, v.m
	d := dialog.NewConfirm(s.t("ui.voucher.renumber"), s.t("ui.confirm.renumber", map[string]any{"period": string(m.period)}),
		func(ok bool) {
			if !ok {
				return
			}
			if err := s.book.RenumberVouchers(s.ctx, s.user, m.period); err != nil {
				m.err = err
			}
			v.recheck()
		}, s.win)
	d.SetConfirmText(s.t("ui.voucher.renumber"))
	d.SetDismissText(s.t("ui.btn.cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// runPreview runs the preview off the UI goroutine, an activity showing meanwhile.
func (v *closeScreen) runPreview() {
	s, m := v.s, v.m
	act := widget.NewActivity()
	act.Start()
	v.body.Objects = []fyne.CanvasObject{container.NewCenter(container.NewVBox(act, widget.NewLabel(s.t("ui.close.previewing"))))}
	v.body.Refresh()
	go func() {
		res, err := m.Preview(context.Background())
		fyne.Do(func() {
			act.Stop()
			if err != nil {
				m.err = err
			} else {
				m.preview, m.err = &res, nil
			}
			v.show()
		})
	}()
}

func (v *closeScreen) previewPage() fyne.CanvasObject {
	s, m := v.s, v.m
	if m.preview == nil {
		retry := iconButton(s.t("ui.close.preview_again"), theme.ViewRefreshIcon(), v.runPreview)
		return container.NewBorder(nil, v.nav(true, false, retry), nil, nil, widget.NewLabel(""))
	}
	p := m.preview
	head := widget.NewLabelWithStyle(s.t("ui.close.preview_head", map[string]any{"n": len(p.Vouchers), "range": voucherRange(p.Vouchers),
		"profit": p.Profit.Format()}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	note := widget.NewLabel(s.t("ui.close.preview_note"))
	note.Importance = widget.LowImportance
	table := voucherTable(s, p.Vouchers)
	return container.NewBorder(container.NewVBox(head, note), v.nav(true, true), nil, nil, table)
}

// voucherTable lists vouchers: number, date, summary, amount, source.
func voucherTable(s *session, vs []ledger.Voucher) *widget.Table {
	cols := []docCol{{"number", "ui.voucher.col.number", 90, false, false}, {"date", "ui.doc.field.date", 100, false, false},
		{"summary", "ui.voucher.col.summary", 360, false, false}, {"debit", "ui.voucher.col.amount", 120, false, true},
		{"source", "ui.voucher.col.source", 150, false, false}}
	t := reportTable(s, func() []docCol { return cols }, func() int { return len(vs) }, func(r int, col string) string {
		if r < 0 || r >= len(vs) {
			return ""
		}
		x := vs[r]
		switch col {
		case "number":
			return x.Number()
		case "date":
			return string(x.Date)
		case "summary":
			return x.Summary
		case "debit":
			return x.Debit().Format()
		case "source":
			return sourceText(s, x)
		}
		return ""
	})
	setWidths(t, cols)
	t.OnSelected = func(id widget.TableCellID) {
		// a preview's vouchers are not saved; a closed period's open
		if id.Row >= 0 && id.Row < len(vs) && vs[id.Row].ID != 0 {
			if _, err := s.book.Voucher(s.ctx, s.user, vs[id.Row].Ref()); err == nil {
				s.openVoucher(vs[id.Row].Ref())
			}
		}
	}
	return t
}

func (v *closeScreen) confirmPage() fyne.CanvasObject {
	s, m := v.s, v.m
	n, rng, profit := 0, "", ""
	if m.preview != nil {
		n, rng, profit = len(m.preview.Vouchers), voucherRange(m.preview.Vouchers), m.preview.Profit.Format()
	}
	txt := widget.NewLabel(s.t("ui.close.confirm_text", map[string]any{"period": string(m.period), "n": n, "range": rng, "profit": profit}))
	txt.Wrapping = fyne.TextWrapWord
	closeB := iconButton(s.t("ui.close.do_close"), theme.ConfirmIcon(), v.run)
	closeB.Importance = widget.HighImportance
	if !s.user.Can(ledger.PermClose) {
		closeB.Disable()
	}
	return container.NewBorder(nil, v.nav(true, false, closeB), nil, nil, container.NewVScroll(padded(txt)))
}

// run closes the period off the UI goroutine with a progress bar fed through a binding
// (STYLE.md §7); 取消 cancels before the commit. The dialog shows after 300 ms.
func (v *closeScreen) run() {
	s, m := v.s, v.m
	v.mu.Lock()
	if v.running {
		v.mu.Unlock()
		return
	}
	v.running = true
	v.mu.Unlock()
	prog := binding.NewFloat()
	stepText := binding.NewString()
	stepText.Set(s.t("ui.close.running", map[string]any{"period": string(m.period)}))
	ctx, cancel := context.WithCancel(context.Background())
	lbl := widget.NewLabelWithData(stepText)
	d := dialog.NewCustomWithoutButtons(s.t("ui.close.running", map[string]any{"period": string(m.period)}),
		container.NewVBox(lbl, widget.NewProgressBarWithData(prog)), s.win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(s.t("ui.btn.cancel"), cancel)})
	d.Resize(fyne.NewSize(460, 160))
	finished := false
	timer := time.AfterFunc(300*time.Millisecond, func() {
		fyne.Do(func() {
			if !finished {
				d.Show()
			}
		})
	})
	go func() {
		defer cancel()
		res, err := m.Close(ctx, func(step string, done, total int) {
			prog.Set(progressOf(step, done, total)) // bindings: safe from any goroutine
			key := "ui.close.progress." + step
			if step == "vouchers" {
				stepText.Set(s.t(key, map[string]any{"done": done, "total": total}))
			} else {
				stepText.Set(s.t(key))
			}
		})
		if ctx.Err() != nil && err != nil {
			err = &uiError{Key: "ui.close.cancelled"}
		}
		fyne.Do(func() {
			timer.Stop()
			finished = true
			d.Hide()
			v.mu.Lock()
			v.running = false
			v.mu.Unlock()
			m.closed(res, err)
			if err == nil {
				s.setStatus(s.t("ui.close.done_status", map[string]any{"period": string(res.Period), "n": len(res.Vouchers)}))
				v.afterChange()
				s.autoBackup() // after every close (backup_job.go)
			}
			v.show()
		})
	}()
}

// afterChange shows the new period state in the top bar and reloads the open lists.
func (v *closeScreen) afterChange() {
	s := v.s
	if s.shell != nil {
		s.shell.refreshPeriod()
	}
	if l, ok := s.screens["voucher_list"].(*voucherList); ok {
		l.m = newVoucherListVM(s)
		rebuildTab(s, "voucher_list")
	}
	for id, sc := range s.screens {
		if e, ok := sc.(*voucherEditor); ok && e.vm.Saved() {
			e.vm.Load(e.vm.v.Ref())
			if e.number != nil {
				e.refreshAll()
			}
			_ = id
		}
		if e, ok := sc.(*docEditor); ok && e.number != nil {
			e.refreshAll()
		}
	}
}

func (v *closeScreen) donePage() fyne.CanvasObject {
	s, m := v.s, v.m
	r := m.result
	if r == nil {
		return widget.NewLabel("")
	}
	head := widget.NewLabelWithStyle(s.t("ui.close.done_head", map[string]any{"period": string(r.Period), "n": len(r.Vouchers),
		"range": voucherRange(r.Vouchers), "profit": r.Profit.Format()}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Importance = widget.SuccessImportance
	list := iconButton(s.t("ui.close.to_list"), theme.ListIcon(), func() { s.open("voucher_list") })
	list.Importance = widget.HighImportance
	again := iconButton(s.t("ui.close.next_period"), theme.NavigateNextIcon(), func() { m.Restart(); v.show() })
	table := voucherTable(s, r.Vouchers)
	return container.NewBorder(head, container.NewHBox(layout.NewSpacer(), again, list), nil, nil, table)
}

// askUnclose asks the reason (required), then confirms naming the period and what goes.
func (v *closeScreen) askUnclose() {
	s, m := v.s, v.m
	reason := widget.NewMultiLineEntry()
	reason.SetPlaceHolder(s.t("ui.close.reason_hint"))
	reason.SetMinRowsVisible(3)
	errL := errorLabel()
	var d *dialog.CustomDialog
	cancel := widget.NewButton(s.t("ui.btn.cancel"), func() { d.Hide() })
	goOn := widget.NewButton(s.t("ui.close.unclose"), func() {
		if strings.TrimSpace(reason.Text) == "" {
			setErrorLabel(errL, s.errText(m.s.book.UnclosePeriod(s.ctx, s.user, m.lastClosed, "")))
			return
		}
		d.Hide()
		v.confirmUnclose(reason.Text)
	})
	goOn.Importance = widget.DangerImportance
	body := container.NewVBox(widget.NewLabel(s.t("ui.close.reason", map[string]any{"period": string(m.lastClosed)})), reason, errL)
	d = dialog.NewCustomWithoutButtons(s.t("ui.close.unclose"), body, s.win)
	d.SetButtons([]fyne.CanvasObject{cancel, goOn})
	d.Resize(fyne.NewSize(520, 260))
	d.Show()
	s.win.Canvas().Focus(reason)
}

func (v *closeScreen) confirmUnclose(reason string) {
	s, m := v.s, v.m
	n, first, last := m.UncloseLoss()
	rng := first
	if last != first {
		rng = first + "…" + last
	}
	msg := s.t("ui.confirm.unclose", map[string]any{"period": string(m.lastClosed), "n": n, "range": rng})
	d := dialog.NewConfirm(s.t("ui.close.unclose"), msg, func(ok bool) {
		if !ok {
			return
		}
		if err := m.Unclose(reason); err != nil {
			m.err = err
		}
		v.afterChange()
		v.show()
	}, s.win)
	d.SetConfirmText(s.t("ui.close.unclose"))
	d.SetDismissText(s.t("ui.btn.cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// openClose opens the wizard at a step, for --screen: "close:check" runs the checks,
// "close:run" goes through checks, preview and close when nothing blocks or warns.
func (s *session) openClose(step string) {
	s.open("close")
	v, ok := s.screens["close"].(*closeScreen)
	if !ok || v.m.step != 1 {
		return
	}
	v.m.Next()
	v.show()
	if step != "run" || !v.m.CanNext() {
		return
	}
	v.m.Next()
	v.show()
	m := v.m
	go func() {
		res, err := m.Preview(context.Background())
		fyne.Do(func() {
			if err != nil {
				m.err = err
				v.show()
				return
			}
			m.preview = &res
			m.Next()
			v.show()
			v.run()
		})
	}()
}
