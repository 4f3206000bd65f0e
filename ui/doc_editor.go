package ui

import (
	"image/color"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
	"shopbooks/report"
)

// docCommands are the document commands the Edit menu binds to Ctrl keys (UI.md §4.1).
type docCommands interface {
	cmdAudit()
	cmdUnaudit()
}

// docEditor is the document editor (UI.md §3.2), one generic screen configured by type:
// toolbar, title and stamp, header, lines grid, totals. Its widgets show a docVM.
type docEditor struct {
	s    *session
	id   string // screen id: an area ("sales_delivery") or "doc:NUMBER"
	vm   *docVM
	grid *lineGrid

	heads     map[string]*keyEntry
	selects   map[string]*widget.Select
	checks    map[string]*widget.Check
	headErrs  map[string]*widget.Label
	names     map[string]*widget.Label // the partner's or account's name beside its code
	partnerLk lookup
	updating  bool

	number, people, totals, words, settle, banner, progress, hint *widget.Label
	msg, scanLine, info                                           *widget.Label
	stampText                                                     *canvas.Text
	stampBox                                                      *canvas.Rectangle
	btns                                                          map[string]*widget.Button
	scanBox                                                       *keyEntry
	filterSel                                                     *widget.Select
	paper                                                         *widget.Select
	ro                                                            map[string]*widget.Label
	discCell                                                      fyne.CanvasObject
}

func newDocEditor(s *session, id string, t ledger.DocType) *docEditor {
	e := &docEditor{s: s, id: id, vm: newDocVM(s, t)}
	return e
}

func (e *docEditor) dirty() bool { return e.vm.dirty() }

// title is the tab's text (type, number, • when unsaved).
func (e *docEditor) title() string { return e.vm.Title() }

func (e *docEditor) build() fyne.CanvasObject {
	s, vm := e.s, e.vm
	e.updating = true // the widgets' callbacks wait for refreshAll
	e.heads, e.selects, e.checks = map[string]*keyEntry{}, map[string]*widget.Select{}, map[string]*widget.Check{}
	e.headErrs, e.names = map[string]*widget.Label{}, map[string]*widget.Label{}
	e.partnerLk.win = s.win
	e.grid = newLineGrid(e)

	// toolbar: icon and text, hidden without permission
	e.btns = map[string]*widget.Button{}
	tools := container.NewHBox()
	add := func(key, label string, icon fyne.Resource, f func(), show bool) {
		b := iconButton(s.t(label), icon, f)
		e.btns[key] = b
		if show {
			tools.Add(b)
		}
	}
	add("new", "ui.btn.new", theme.ContentAddIcon(), e.cmdNew, vm.ShowEdit())
	add("save", "ui.btn.save", theme.DocumentSaveIcon(), e.cmdSave, vm.ShowEdit())
	add("audit", "ui.btn.audit", theme.ConfirmIcon(), e.cmdAudit, vm.ShowAudit())
	add("unaudit", "ui.btn.unaudit", theme.ContentUndoIcon(), e.cmdUnaudit, vm.ShowUnaudit())
	add("void", "ui.btn.void", theme.CancelIcon(), e.confirmVoid, vm.ShowEdit())
	add("delete", "ui.btn.delete", theme.DeleteIcon(), e.confirmDelete, vm.ShowEdit())
	add("source", "ui.btn.source", theme.ListIcon(), e.pickSource, vm.ShowEdit() && sourceTypeOf(vm.typ) != "")
	add("close_order", "ui.btn.close_order", theme.MediaStopIcon(), e.cmdCloseOrder, vm.ShowCloseOrder())
	add("print", "ui.btn.print", theme.DocumentPrintIcon(), e.print, true)
	e.paper = widget.NewSelect([]string{"A4", "A5"}, nil)
	e.paper.SetSelected("A4")
	tools.Add(e.paper)
	add("prev", "ui.btn.prev", theme.NavigateBackIcon(), func() { e.step(-1) }, true)
	add("next", "ui.btn.next", theme.NavigateNextIcon(), func() { e.step(1) }, true)
	e.btns["delete"].Importance = widget.DangerImportance

	// title and stamp
	title := canvas.NewText(s.t("ui.area."+areaOfType(vm.typ)), theme.Color(theme.ColorNameForeground))
	title.TextSize = theme.TextSize() * 1.5
	title.TextStyle.Bold = true
	title.Alignment = fyne.TextAlignCenter
	e.stampText = canvas.NewText("", theme.Color(theme.ColorNameError))
	e.stampText.TextStyle.Bold = true
	e.stampText.TextSize = theme.TextSize() * 1.2
	e.stampBox = canvas.NewRectangle(color.Transparent)
	e.stampBox.StrokeWidth = 2
	e.stampBox.CornerRadius = 4
	stamp := container.NewStack(e.stampBox, container.NewPadded(e.stampText))
	titleRow := container.NewBorder(nil, nil, nil, container.NewCenter(stamp), title)
	e.banner = widget.NewLabel("")
	e.banner.Importance = widget.WarningImportance

	// header
	e.number = widget.NewLabel("")
	e.number.Selectable = true
	e.number.TextStyle.Monospace = true
	cells := []fyne.CanvasObject{e.headCell("ui.doc.field.number", e.number, "")}
	fields := headFields(vm.typ, vm.set.Taxpayer == ledger.TaxpayerGeneral)
	e.ro = map[string]*widget.Label{}
	for _, f := range fields {
		// read-only documents show labels, not faint disabled fields (UI.md §4.2)
		ro := widget.NewLabel("")
		ro.Selectable = true
		ro.Truncation = fyne.TextTruncateEllipsis
		e.ro[f] = ro
		cell := e.headCell("ui.doc.field."+e.labelKey(f), container.NewStack(e.headWidget(f), ro), f)
		if f == "doc_disc" {
			e.discCell = cell // only while editing: a saved document keeps the parts on its lines
		}
		cells = append(cells, cell)
	}
	if slices.Contains([]string{"CG", "XS", "CT", "XT"}, string(vm.typ)) {
		src := widget.NewLabel("")
		src.Selectable = true
		e.names["source"] = src
		cells = append(cells, e.headCell("ui.doc.field.source", src, "source"))
	}
	header := container.New(layout.NewGridLayout(3), cells...)

	// the count's bar: scan box, generate, filter, progress
	var countBar fyne.CanvasObject
	if vm.typ == ledger.DocCount {
		e.scanBox = newKeyEntry()
		e.scanBox.SetPlaceHolder(s.t("ui.doc.scan_here"))
		e.scanBox.OnSubmitted = func(t string) {
			vm.ScanCount(t)
			e.scanBox.SetText("")
			e.refreshAll()
		}
		gen := iconButton(s.t("ui.btn.generate"), theme.ViewRefreshIcon(), func() { vm.Generate(); e.refreshAll() })
		e.btns["generate"] = gen
		opts := []string{s.t("ui.doc.filter.all"), s.t("ui.doc.filter.uncounted"), s.t("ui.doc.filter.diff")}
		vals := []string{"", "uncounted", "diff"}
		e.filterSel = widget.NewSelect(opts, func(o string) {
			if e.updating {
				return
			}
			if i := slices.Index(opts, o); i >= 0 {
				vm.filter = vals[i]
				e.refreshAll()
			}
		})
		e.filterSel.SetSelected(opts[slices.Index(vals, vm.filter)])
		e.progress = widget.NewLabel("")
		scanLbl := widget.NewLabel(s.t("ui.doc.scan"))
		left := container.NewHBox(e.progress, scanLbl)
		right := container.NewHBox(gen, widget.NewLabel(s.t("ui.doc.filter")), e.filterSel)
		countBar = container.NewBorder(nil, nil, left, right, e.scanBox)
	}

	e.msg = errorLabel()
	e.scanLine = errorLabel()
	e.info = widget.NewLabel("")
	e.info.Importance = widget.SuccessImportance
	e.totals = widget.NewLabel("")
	e.totals.TextStyle.Monospace = true
	e.words = widget.NewLabel("")
	e.settle = widget.NewLabel("")
	e.settle.TextStyle.Monospace = true
	e.people = widget.NewLabel("")
	e.hint = widget.NewLabel("")
	e.hint.Importance = widget.LowImportance

	topBox := container.NewVBox(tools, titleRow, e.banner, header)
	if countBar != nil {
		topBox.Add(countBar)
	}
	var center fyne.CanvasObject
	if columnsOf(vm.typ, false) != nil {
		center = e.grid.build()
	} else {
		center = container.NewVBox(e.hint)
	}
	bottom := container.NewVBox(e.msg, e.scanLine,
		container.NewHBox(e.totals, e.words),
		container.NewBorder(nil, nil, nil, e.people, container.NewHBox(e.settle, e.info)))
	vm.changed = nil
	e.updating = false
	e.refreshAll()
	return container.NewBorder(topBox, bottom, nil, nil, center)
}

// labelKey is the label of a header field; some depend on the type.
func (e *docEditor) labelKey(f string) string {
	t := e.vm.typ
	switch {
	case f == "partner" && t.Customer():
		return "customer"
	case f == "partner" && (t.Supplier() || t == ledger.DocExpense):
		return "supplier"
	case f == "warehouse" && t == ledger.DocTransfer:
		return "from_warehouse"
	case f == "paid" && t.Customer():
		return "received"
	case f == "advance_used" && t.Customer():
		return "advance_recv_used"
	case f == "applied" && t == ledger.DocPay:
		return "applied_pay"
	case f == "advance" && t == ledger.DocPay:
		return "advance_pay"
	}
	return f
}

func (e *docEditor) headCell(label string, w fyne.CanvasObject, field string) fyne.CanvasObject {
	l := widget.NewLabel(e.s.t(label))
	el := errorLabel()
	if field != "" {
		e.headErrs[field] = el
	}
	return container.NewBorder(nil, el, l, nil, w)
}

// headWidget makes a header field's editor.
func (e *docEditor) headWidget(f string) fyne.CanvasObject {
	s, vm := e.s, e.vm
	switch f {
	case "warehouse", "to_warehouse", "account", "inclusive", "deductible":
		sel := widget.NewSelect(nil, nil)
		sel.PlaceHolder = s.t("ui.choice.select")
		sel.OnChanged = func(lbl string) {
			if e.updating {
				return
			}
			for _, c := range e.choices(f) {
				if c.label == lbl {
					vm.SetHead(f, c.value)
				}
			}
			if f == "inclusive" {
				e.grid.cols = vm.Columns()
			}
			e.refreshAll()
		}
		e.selects[f] = sel
		return sel
	}
	en := newKeyEntry()
	e.heads[f] = en
	en.OnChanged = func(t string) {
		if e.updating {
			return
		}
		vm.SetHead(f, t)
		if f == "partner" {
			e.partnerLookup(en)
		}
		e.refreshLive()
	}
	en.onKey = func(k *fyne.KeyEvent) bool {
		if f == "partner" && e.partnerLk.key(k) {
			return true
		}
		switch k.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			e.blurHead(f)
			e.focusAfter(f)
			return true
		case fyne.KeyF7, fyne.KeyDown:
			if f == "partner" {
				e.partnerLookup(en)
				return true
			}
		case fyne.KeyEscape:
			return false
		}
		return false
	}
	en.onBlur = func() { e.blurHead(f) }
	switch f {
	case "date":
		en.SetPlaceHolder("2025-01-15 / 0115")
	case "partner", "counter":
		name := widget.NewLabel("")
		e.names[f] = name
		return container.NewBorder(nil, nil, nil, name, en)
	}
	return en
}

// blurHead checks a header field on leaving it: a date is read (0115 → this year's
// 01-15) and shown in full; a malformed amount is shown under the field.
func (e *docEditor) blurHead(f string) {
	vm := e.vm
	switch f {
	case "date":
		if d, err := parseDateText(vm.head["date"], time.Now()); err != nil {
			vm.errs["date"] = err
		} else {
			delete(vm.errs, "date")
			if string(d) != vm.head["date"] {
				vm.SetHead("date", string(d))
			}
		}
	case "paid", "advance_used", "amount", "applied", "advance", "doc_disc":
		if _, err := ledger.ParseMoney(f, orZero(vm.head[f])); err != nil {
			vm.errs[f] = err
		} else {
			delete(vm.errs, f)
		}
	case "partner":
		if p := ledger.Normalize(vm.head["partner"]); p != "" {
			if pt, err := e.s.book.Partner(e.s.ctx, p); err == nil && pt.Code != vm.head["partner"] {
				vm.SetHead("partner", pt.Code)
			}
		}
	}
	e.refreshAll()
}

// focusAfter moves the cursor to the next header field, or into the grid.
func (e *docEditor) focusAfter(f string) {
	fields := headFields(e.vm.typ, e.vm.set.Taxpayer == ledger.TaxpayerGeneral)
	i := slices.Index(fields, f)
	for _, n := range fields[i+1:] {
		if en, ok := e.heads[n]; ok && !en.Disabled() {
			e.s.win.Canvas().Focus(en)
			return
		}
	}
	if e.scanBox != nil {
		e.s.win.Canvas().Focus(e.scanBox)
		return
	}
	if e.grid.table != nil {
		e.grid.focusBlank()
	}
}

// partnerLookup lists the partners of the document's kind matching what is typed.
func (e *docEditor) partnerLookup(en *keyEntry) {
	t := e.vm.typ
	text := ledger.Normalize(en.Text)
	if text == "" {
		e.partnerLk.hide()
		return
	}
	ps, err := e.s.book.Partners(e.s.ctx, ledger.PartnerFilter{Text: text, Customers: t.Customer(), Suppliers: t.Supplier() || t == ledger.DocExpense})
	if err != nil || len(ps) == 0 || len(ps) == 1 && strings.EqualFold(ps[0].Code, text) {
		e.partnerLk.hide()
		return
	}
	var labels []string
	for _, p := range ps {
		labels = append(labels, p.Code+"  "+p.Name)
	}
	e.partnerLk.show(en, labels, func(i int) {
		e.vm.SetHead("partner", ps[i].Code)
		e.refreshAll()
		e.focusAfter("partner")
	})
}

// choices are the options of a header select.
func (e *docEditor) choices(f string) []choice {
	s, vm := e.s, e.vm
	switch f {
	case "warehouse", "to_warehouse":
		whs, _ := s.book.Warehouses(s.ctx, false)
		var out []choice
		for _, w := range whs {
			out = append(out, choice{value: w.Code, label: w.Code + " " + w.Name})
		}
		return out
	case "account":
		var out []choice
		if vm.typ != ledger.DocCollect && vm.typ != ledger.DocPay {
			out = append(out, choice{value: "", label: s.t("ui.doc.on_credit")})
		}
		for _, a := range settlementAccounts(vm.accts) {
			out = append(out, choice{value: a.Code, label: a.Code + " " + vm.accountName(a.Code)})
		}
		return out
	case "inclusive":
		return []choice{{value: "", label: s.t("ui.doc.price_excl")}, {value: "1", label: s.t("ui.doc.price_incl")}}
	case "deductible":
		return []choice{{value: "1", label: s.t("ui.doc.invoice_special")}, {value: "", label: s.t("ui.doc.invoice_plain")}}
	}
	return nil
}

// settlementAccounts are the leaves under 1001, 1002 and 1012 that take payments.
func settlementAccounts(all []ledger.Account) []ledger.Account {
	var out []ledger.Account
	for _, a := range all {
		if a.Settlement && a.Leaf && a.Active && !a.Controlled {
			out = append(out, a)
		}
	}
	return out
}

// expenseAccounts are the postable leaves an expense line may use: 销售费用, 管理费用,
// 财务费用 and the like (codes 5 and 6 of the P&L), matching text.
func expenseAccounts(vm *docVM, text string) []ledger.Account {
	t := strings.ToLower(ledger.Normalize(text))
	var out []ledger.Account
	for _, a := range vm.accts {
		if !a.Leaf || !a.Active || a.Controlled || a.Category != "P" {
			continue
		}
		if t == "" || strings.Contains(a.Code, t) || strings.Contains(strings.ToLower(a.Name), t) {
			out = append(out, a)
		}
	}
	return out
}

// refreshLive redraws what typing changes: amounts, totals, messages, the tab's title.
func (e *docEditor) refreshLive() {
	e.grid.refresh()
	e.refreshFooter()
	e.setTabTitle()
}

// refreshAll redraws everything from the view-model.
func (e *docEditor) refreshAll() {
	if e.number == nil {
		return
	}
	s, vm := e.s, e.vm
	e.updating = true
	defer func() { e.updating = false }()
	edit := vm.Editable()
	e.number.SetText(vm.Number())
	showRO := func(f string, w fyne.CanvasObject, text string) {
		ro := e.ro[f]
		if ro == nil {
			return
		}
		if edit {
			ro.Hide()
			w.Show()
			return
		}
		ro.SetText(text)
		ro.Show()
		w.Hide()
	}
	if e.discCell != nil {
		if edit {
			e.discCell.Show()
		} else {
			e.discCell.Hide()
		}
	}
	for f, en := range e.heads {
		if en.Text != vm.head[f] {
			en.SetText(vm.head[f])
		}
		if edit {
			en.Enable()
		} else {
			en.Disable()
		}
		showRO(f, en, vm.head[f])
	}
	for f, sel := range e.selects {
		var opts []string
		cur := ""
		for _, c := range e.choices(f) {
			opts = append(opts, c.label)
			if c.value == vm.head[f] {
				cur = c.label
			}
		}
		sel.SetOptions(opts)
		if cur == "" {
			sel.ClearSelected()
		} else {
			sel.SetSelected(cur)
		}
		if edit {
			sel.Enable()
		} else {
			sel.Disable()
		}
		showRO(f, sel, cur)
	}
	if l, ok := e.names["partner"]; ok {
		name := ""
		if p := ledger.Normalize(vm.head["partner"]); p != "" {
			if pt, err := s.book.Partner(s.ctx, p); err == nil {
				name = pt.Name
			}
		}
		l.SetText(name)
	}
	if l, ok := e.names["counter"]; ok {
		l.SetText(vm.accountName(vm.head["counter"]))
	}
	if l, ok := e.names["source"]; ok {
		l.SetText(vm.head["source"])
	}
	for f, l := range e.headErrs {
		setErrorLabel(l, s.errText(vm.errs[f]))
	}
	// stamp: 草稿 grey-blue, 已审核 red, 已作废 grey
	c := theme.Color(theme.ColorNamePrimary)
	switch vm.doc.Status {
	case ledger.StatusAudited:
		c = theme.Color(theme.ColorNameError)
	case ledger.StatusVoided:
		c = theme.Color(theme.ColorNameDisabled)
	}
	e.stampText.Text = vm.Stamp()
	e.stampText.Color = c
	e.stampBox.StrokeColor = c
	e.stampText.Refresh()
	e.stampBox.Refresh()
	switch {
	case vm.InClosedPeriod():
		e.banner.SetText(s.t("ui.doc.banner_closed", map[string]any{"period": string(vm.doc.Date.Period())}))
		e.banner.Show()
	case vm.doc.Status == ledger.StatusAudited && vm.doc.OrderClosed:
		e.banner.SetText(s.t("ui.doc.banner_order_closed"))
		e.banner.Show()
	case vm.doc.Status == ledger.StatusAudited:
		e.banner.SetText(s.t("ui.doc.banner_audited"))
		e.banner.Show()
	case vm.doc.Status == ledger.StatusVoided:
		e.banner.SetText(s.t("ui.doc.banner_voided"))
		e.banner.Show()
	case !vm.ShowEdit():
		e.banner.SetText(s.t("ui.msg.read_only"))
		e.banner.Show()
	default:
		e.banner.Hide()
	}
	if e.scanBox != nil {
		if edit {
			e.scanBox.Enable()
			e.btns["generate"].Enable()
		} else {
			e.scanBox.Disable()
			e.btns["generate"].Disable()
		}
	}
	enable := func(key string, on bool) {
		if on {
			e.btns[key].Enable()
		} else {
			e.btns[key].Disable()
		}
	}
	enable("save", vm.CanSave())
	enable("audit", vm.CanAudit())
	enable("unaudit", vm.CanUnaudit())
	enable("void", vm.CanVoid())
	enable("delete", vm.CanDelete())
	enable("source", vm.CanSource())
	enable("print", vm.CanPrint())
	enable("close_order", vm.CanCloseOrder())
	if vm.doc.OrderClosed {
		e.btns["close_order"].SetText(s.t("ui.btn.reopen_order"))
		e.btns["close_order"].SetIcon(theme.MediaPlayIcon())
	} else {
		e.btns["close_order"].SetText(s.t("ui.btn.close_order"))
		e.btns["close_order"].SetIcon(theme.MediaStopIcon())
	}
	if e.grid.table != nil {
		e.grid.cols = vm.Columns()
		e.grid.setWidths()
	}
	e.grid.refresh()
	e.refreshFooter()
	e.setTabTitle()
}

// refreshFooter shows the totals, 大写, the payment parts, messages and the count's progress.
func (e *docEditor) refreshFooter() {
	s, vm := e.s, e.vm
	n, t, g := vm.Totals()
	if vm.typ.Priced() || vm.typ == ledger.DocExpense {
		txt := s.t("ui.doc.totals", map[string]any{"net": n.Format(), "tax": t.Format(), "gross": g.Format()})
		if d := vm.Discount(); d != 0 {
			txt += "  " + s.t("ui.doc.total_discount", map[string]any{"discount": d.Format()})
		}
		e.totals.SetText(txt)
		e.words.SetText(s.t("ui.doc.in_words", map[string]any{"words": vm.InWords()}))
	} else if vm.typ == ledger.DocCollect || vm.typ == ledger.DocPay {
		e.totals.SetText("")
		e.words.SetText(s.t("ui.doc.in_words", map[string]any{"words": vm.InWords()}))
	} else {
		e.totals.SetText("")
		e.words.SetText("")
	}
	if p, a, o, ok := vm.Settlement(); ok {
		key := "ui.doc.settle_pay"
		if vm.typ.Customer() {
			key = "ui.doc.settle_recv"
		}
		e.settle.SetText(s.t(key, map[string]any{"paid": p.Format(), "adv": a.Format(), "owed": o.Format()}))
	} else {
		e.settle.SetText("")
	}
	e.people.SetText(s.t("ui.doc.people", map[string]any{"maker": vm.doc.Maker, "auditor": vm.doc.Auditor}))
	e.hint.SetText(vm.SplitHint())
	setErrorLabel(e.msg, e.msgText())
	setErrorLabel(e.scanLine, vm.scan)
	e.info.SetText(vm.info)
	if e.progress != nil {
		c, tot := vm.CountProgress()
		e.progress.SetText(s.t("ui.doc.counted", map[string]any{"n": c, "total": tot}))
	}
}

// msgText is the message bar: the refusal, with its line number when it names one; else
// a line whose amounts cannot be computed as typed (a VAT beyond the override's tolerance
// is refused here, beside its red 税额 cell, before the service would refuse it).
func (e *docEditor) msgText() string {
	if e.vm.msg != nil {
		return e.s.lineErrText(e.vm.msg)
	}
	if e.vm.Editable() {
		return e.s.lineErrText(e.vm.LineErr())
	}
	return ""
}

// setTabTitle shows the number and • on the document's tab.
func (e *docEditor) setTabTitle() { e.s.retitleTab(e.id, e.title()) }

func (e *docEditor) cmdNew() {
	if !e.vm.ShowEdit() {
		return
	}
	e.guard(func() {
		e.vm.New()
		e.refreshAll()
		if en, ok := e.heads["partner"]; ok {
			e.s.win.Canvas().Focus(en)
		}
	})
}

// guard asks about unsaved edits before they would be dropped.
func (e *docEditor) guard(proceed func()) {
	if !e.dirty() {
		proceed()
		return
	}
	e.s.askUnsaved(func() bool { e.cmdSave(); return !e.dirty() }, func() { e.vm.Revert() }, proceed)
}

func (e *docEditor) cmdSave() {
	e.vm.Save()
	e.refreshAll()
}

func (e *docEditor) cmdAudit() {
	e.vm.Audit()
	e.refreshAll()
}

func (e *docEditor) cmdUnaudit() {
	e.vm.Unaudit()
	e.refreshAll()
}

func (e *docEditor) cmdCloseOrder() {
	e.vm.CloseOrder()
	e.refreshAll()
}

func (e *docEditor) cmdFind() {
	if e.grid.table != nil {
		e.grid.focusBlank()
	}
}

func (e *docEditor) cmdCancel() {
	e.vm.Revert()
	e.refreshAll()
}

func (e *docEditor) step(dir int) {
	e.guard(func() {
		if !e.vm.Step(dir) {
			e.s.setStatus(e.s.t("ui.doc.no_more"))
		}
		e.refreshAll()
	})
}

func (e *docEditor) confirmVoid() {
	s := e.s
	d := dialog.NewConfirm(s.t("ui.btn.void"), s.t("ui.confirm.void", map[string]any{"number": e.vm.doc.Number}), func(ok bool) {
		if ok {
			e.vm.Void()
			e.refreshAll()
		}
	}, s.win)
	d.SetConfirmText(s.t("ui.btn.void"))
	d.SetDismissText(s.t("ui.btn.cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

func (e *docEditor) confirmDelete() {
	s := e.s
	d := dialog.NewConfirm(s.t("ui.btn.delete"), s.t("ui.confirm.delete_doc", map[string]any{"number": e.vm.doc.Number}), func(ok bool) {
		if ok {
			e.vm.Delete()
			e.refreshAll()
		}
	}, s.win)
	d.SetConfirmText(s.t("ui.btn.delete"))
	d.SetDismissText(s.t("ui.btn.cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// print writes the saved document as a PDF (report.DocPDF, A4 or A5 landscape) to a
// temporary file and opens it in the system's viewer, which prints.
func (e *docEditor) print() {
	s, vm := e.s, e.vm
	if !vm.Saved() {
		return
	}
	size := report.PageA4
	if e.paper != nil && e.paper.Selected == "A5" {
		size = report.PageA5
	}
	pdf, err := report.DocPDF(s.ctx, s.book, s.user, vm.doc.Number, size)
	if err == nil {
		name := filepath.Join(os.TempDir(), vm.doc.Number+"-"+map[report.PageSize]string{report.PageA4: "A4", report.PageA5: "A5"}[size]+".pdf")
		if err = os.WriteFile(name, pdf, 0o600); err == nil {
			err = s.app.OpenURL(&url.URL{Scheme: "file", Path: name})
			vm.info = s.t("ui.doc.printed", map[string]any{"file": name})
		}
	}
	if err != nil {
		vm.msg = err
	}
	e.refreshFooter()
}

// pickSource is 选单: the partner's open source lines, ticked ones copied linked.
func (e *docEditor) pickSource() {
	s, vm := e.s, e.vm
	lines, err := vm.SourceLines()
	if err != nil {
		e.refreshAll()
		return
	}
	if len(lines) == 0 {
		vm.info = s.t("ui.doc.no_source")
		e.refreshFooter()
		return
	}
	list := widget.NewList(func() int { return len(lines) },
		func() fyne.CanvasObject { return widget.NewCheck("", nil) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*widget.Check)
			l := lines[id]
			c.OnChanged = nil
			c.Text = l.Doc + "  " + string(l.Date) + "  " + l.Line.Item + " " + l.Line.ItemName + "  " +
				s.t("ui.doc.open_qty", map[string]any{"qty": l.Open.String()})
			c.SetChecked(l.Pick)
			c.OnChanged = func(on bool) { lines[id].Pick = on }
			c.Refresh()
		})
	all := widget.NewCheck(s.t("ui.doc.pick_all"), func(on bool) {
		for i := range lines {
			lines[i].Pick = on
		}
		list.Refresh()
	})
	d := dialog.NewCustomConfirm(s.t("ui.btn.source"), s.t("ui.btn.copy"), s.t("ui.btn.cancel"),
		container.NewBorder(all, nil, nil, nil, list), func(ok bool) {
			if ok {
				vm.CopySource(lines)
				e.refreshAll()
				e.grid.focusBlank()
			}
		}, s.win)
	d.Resize(fyne.NewSize(720, 420))
	d.Show()
}
