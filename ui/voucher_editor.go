package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// voucherEditor is 凭证录入 (UI.md §3.6): toolbar, the title with number and date, the
// lines grid, the footer with totals, 借贷平衡 or the 差额, and 金额大写. Its widgets show
// a voucherVM. Opened from the list or a ledger ("voucher:2025-01/记-0001") it shows
// that voucher; generated and closed-period vouchers are read-only under a banner.
type voucherEditor struct {
	s    *session
	id   string
	vm   *voucherVM
	grid *vGrid

	date                                   *keyEntry
	dateRO, number, status, people, totals *widget.Label
	words, balance, msg, info, banner      *widget.Label
	docLink                                *widget.Button
	btns                                   map[string]*widget.Button
	updating                               bool
}

func newVoucherEditor(s *session, id string) *voucherEditor {
	return &voucherEditor{s: s, id: id, vm: newVoucherVM(s)}
}

func (e *voucherEditor) dirty() bool   { return e.vm.dirty() }
func (e *voucherEditor) title() string { return e.vm.Title() }

func (e *voucherEditor) build() fyne.CanvasObject {
	s, vm := e.s, e.vm
	e.updating = true
	e.grid = &vGrid{e: e, cells: map[widget.TableCellID]*vCell{}}
	e.grid.look.win = s.win

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
	add("audit", "ui.btn.audit", theme.ConfirmIcon(), e.cmdAudit, vm.ShowEdit())
	add("unaudit", "ui.btn.unaudit", theme.ContentUndoIcon(), e.cmdUnaudit, vm.ShowEdit())
	add("delete", "ui.btn.delete", theme.DeleteIcon(), e.confirmDelete, vm.ShowEdit())
	add("prev", "ui.btn.prev", theme.NavigateBackIcon(), func() { e.step(-1) }, true)
	add("next", "ui.btn.next", theme.NavigateNextIcon(), func() { e.step(1) }, true)
	e.btns["delete"].Importance = widget.DangerImportance

	title := canvas.NewText(s.t("ui.voucher.title"), theme.Color(theme.ColorNameForeground))
	title.TextSize = theme.TextSize() * 1.5
	title.TextStyle.Bold = true
	title.Alignment = fyne.TextAlignCenter
	e.number = widget.NewLabel("")
	e.number.TextStyle.Monospace = true
	e.number.Selectable = true
	e.date = newKeyEntry()
	e.date.SetPlaceHolder("2025-01-31 / 0131")
	e.date.OnChanged = func(t string) {
		if !e.updating {
			vm.SetDate(t)
			e.refreshLive()
		}
	}
	e.date.onBlur = func() {
		if !e.updating && vm.Editable() {
			vm.BlurDate()
			e.refreshAll()
		}
	}
	e.date.onKey = func(k *fyne.KeyEvent) bool {
		if k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter {
			vm.BlurDate()
			e.refreshAll()
			e.grid.focusCell(0, "summary")
			return true
		}
		return false
	}
	e.dateRO = widget.NewLabel("")
	e.dateRO.TextStyle.Monospace = true
	e.status = widget.NewLabel("")
	e.status.TextStyle.Bold = true
	head := container.NewHBox(widget.NewLabel(s.t("ui.voucher.number")), e.number,
		widget.NewLabel(s.t("ui.doc.field.date")), container.NewStack(sized(e.date, 140), e.dateRO))
	titleRow := container.NewBorder(nil, nil, head, e.status, title)
	e.banner = widget.NewLabel("")
	e.banner.Importance = widget.WarningImportance
	e.banner.Wrapping = fyne.TextWrapWord
	e.docLink = widget.NewButtonWithIcon("", theme.FileIcon(), func() {
		if vm.v.Doc != "" {
			s.openDoc(vm.v.Doc)
		}
	})
	e.docLink.Importance = widget.LowImportance
	bannerRow := container.NewBorder(nil, nil, nil, e.docLink, e.banner)

	e.totals = widget.NewLabel("")
	e.totals.TextStyle.Monospace = true
	e.words = widget.NewLabel("")
	e.balance = widget.NewLabel("")
	e.balance.TextStyle.Bold = true
	e.people = widget.NewLabel("")
	e.msg = errorLabel()
	e.info = widget.NewLabel("")
	e.info.Importance = widget.SuccessImportance
	hint := widget.NewLabel(s.t("ui.voucher.keys"))
	hint.Importance = widget.LowImportance
	hint.Wrapping = fyne.TextWrapWord
	bottom := container.NewVBox(e.msg,
		container.NewBorder(nil, nil, e.words, e.totals),
		container.NewBorder(nil, nil, e.balance, e.people, e.info),
		hint)
	top := container.NewVBox(tools, titleRow, bannerRow)
	center := e.grid.build()
	e.updating = false
	e.refreshAll()
	return container.NewBorder(top, bottom, nil, nil, center)
}

// refreshLive redraws what typing changes.
func (e *voucherEditor) refreshLive() {
	e.grid.refresh()
	e.refreshFooter()
	e.setTabTitle()
}

// refreshAll redraws everything from the view-model.
func (e *voucherEditor) refreshAll() {
	if e.number == nil {
		return
	}
	vm := e.vm
	e.updating = true
	defer func() { e.updating = false }()
	edit := vm.Editable()
	e.number.SetText(vm.Number())
	if e.date.Text != vm.date {
		e.date.SetText(vm.date)
	}
	e.dateRO.SetText(vm.date)
	if edit {
		e.date.Show()
		e.dateRO.Hide()
	} else {
		e.date.Hide()
		e.dateRO.Show()
	}
	e.status.SetText(vm.Status())
	e.status.Importance = widget.MediumImportance
	if vm.v.Audited {
		e.status.Importance = widget.DangerImportance
	}
	e.status.Refresh()
	if b := vm.Banner(); b != "" {
		e.banner.SetText(b)
		e.banner.Show()
	} else {
		e.banner.Hide()
	}
	if vm.v.Doc != "" {
		e.docLink.SetText(e.s.t("ui.voucher.open_doc", map[string]any{"number": vm.v.Doc}))
		e.docLink.Show()
	} else {
		e.docLink.Hide()
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
	enable("delete", vm.CanDelete())
	e.grid.refresh()
	e.refreshFooter()
	e.setTabTitle()
}

func (e *voucherEditor) refreshFooter() {
	s, vm := e.s, e.vm
	dr, cr := vm.Totals()
	e.totals.SetText(s.t("ui.voucher.totals", map[string]any{"debit": dr.Format(), "credit": cr.Format()}))
	words := vm.InWords()
	if words != "" {
		words = s.t("ui.doc.in_words", map[string]any{"words": words})
	}
	e.words.SetText(words)
	txt, ok := vm.Balance()
	e.balance.SetText(txt)
	e.balance.Importance = widget.SuccessImportance
	if !ok {
		e.balance.Importance = widget.DangerImportance
	}
	e.balance.Refresh()
	e.people.SetText(s.t("ui.doc.people", map[string]any{"maker": vm.v.Maker, "auditor": vm.v.Auditor}))
	setErrorLabel(e.msg, e.msgText())
	e.info.SetText(vm.info)
}

func (e *voucherEditor) msgText() string { return e.s.lineErrText(e.vm.msg) }

func (e *voucherEditor) setTabTitle() { e.s.retitleTab(e.id, e.title()) }

func (e *voucherEditor) guard(proceed func()) {
	if !e.dirty() {
		proceed()
		return
	}
	e.s.askUnsaved(func() bool { e.cmdSave(); return !e.dirty() }, func() { e.vm.Revert() }, proceed)
}

func (e *voucherEditor) cmdNew() {
	if !e.vm.ShowEdit() {
		return
	}
	e.guard(func() {
		e.vm.New()
		e.refreshAll()
		e.s.win.Canvas().Focus(e.date)
	})
}

func (e *voucherEditor) cmdSave()    { e.vm.Save(); e.refreshAll() }
func (e *voucherEditor) cmdAudit()   { e.vm.Audit(); e.refreshAll() }
func (e *voucherEditor) cmdUnaudit() { e.vm.Unaudit(); e.refreshAll() }
func (e *voucherEditor) cmdCancel()  { e.vm.Revert(); e.refreshAll() }
func (e *voucherEditor) cmdFind()    { e.grid.focusBlank() }

func (e *voucherEditor) step(dir int) {
	e.guard(func() {
		if !e.vm.Step(dir) {
			e.s.setStatus(e.s.t("ui.voucher.no_more"))
		}
		e.refreshAll()
	})
}

func (e *voucherEditor) confirmDelete() {
	s := e.s
	d := dialog.NewConfirm(s.t("ui.btn.delete"), s.t("ui.confirm.delete_voucher", map[string]any{"number": e.vm.v.Number(),
		"period": string(e.vm.v.Period)}), func(ok bool) {
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

// vCell is a cell of the voucher grid: an entry over editable cells, else a label.
type vCell struct {
	widget.BaseWidget
	g       *vGrid
	id      widget.TableCellID
	entry   *keyEntry
	label   *widget.Label
	bg      *canvas.Rectangle
	setting bool
}

func newVCell(g *vGrid) *vCell {
	c := &vCell{g: g, id: widget.TableCellID{Row: -1, Col: -1}, entry: newKeyEntry(), label: widget.NewLabel(""),
		bg: canvas.NewRectangle(color.Transparent)}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.entry.OnChanged = func(t string) {
		if !c.setting {
			g.changed(c, t)
		}
	}
	c.entry.onKey = func(k *fyne.KeyEvent) bool { return g.key(c, k) }
	c.entry.onFocus = func() { g.orig = c.entry.Text }
	c.ExtendBaseWidget(c)
	return c
}

func (c *vCell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.bg, c.label, c.entry))
}

// vGrid is the voucher's lines: a virtualised table whose visible cells edit the
// view-model's text. Enter walks 摘要 → 科目 → (往来单位) → 借方 → 贷方 → next line.
type vGrid struct {
	e     *voucherEditor
	table *widget.Table
	cells map[widget.TableCellID]*vCell
	orig  string
	look  lookup
}

func (g *vGrid) build() fyne.CanvasObject {
	vm := g.e.vm
	g.table = widget.NewTableWithHeaders(
		func() (int, int) { return vm.Len(), len(voucherCols) },
		func() fyne.CanvasObject { return newVCell(g) },
		func(id widget.TableCellID, o fyne.CanvasObject) { g.update(id, o.(*vCell)) })
	g.table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	g.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.Importance = widget.MediumImportance
		l.TextStyle.Bold = false
		switch {
		case id.Row < 0 && id.Col >= 0 && id.Col < len(voucherCols):
			l.SetText(g.e.s.t(voucherCols[id.Col].title))
			l.Alignment = fyne.TextAlignLeading
			if voucherCols[id.Col].right {
				l.Alignment = fyne.TextAlignTrailing
			}
		case id.Col < 0 && id.Row >= 0 && id.Row < vm.Len():
			l.Alignment = fyne.TextAlignTrailing
			txt := itoa(id.Row + 1)
			if vm.lines[id.Row].blank() {
				txt = ""
			}
			if vm.lines[id.Row].err != nil {
				txt = "!" + txt
				l.Importance = widget.DangerImportance
				l.TextStyle.Bold = true
			}
			l.SetText(txt)
		default:
			l.SetText("")
		}
	}
	g.table.SetColumnWidth(-1, 40)
	for i, c := range voucherCols {
		g.table.SetColumnWidth(i, c.width)
	}
	return g.table
}

func (g *vGrid) editable(line int, col docCol) bool {
	vm := g.e.vm
	if !col.edit || !vm.Editable() {
		return false
	}
	if col.id == "aux" {
		return vm.NeedsAux(line)
	}
	return true
}

func (g *vGrid) update(id widget.TableCellID, c *vCell) {
	if old, ok := g.cells[c.id]; ok && old == c {
		delete(g.cells, c.id)
	}
	c.id = id
	g.cells[id] = c
	vm := g.e.vm
	if id.Row >= vm.Len() || id.Col >= len(voucherCols) {
		return
	}
	col := voucherCols[id.Col]
	text := vm.Cell(id.Row, col.id)
	c.setting = true
	defer func() { c.setting = false }()
	c.bg.FillColor = color.Transparent
	if vm.lines[id.Row].err != nil {
		c.bg.FillColor = withAlpha(theme.Color(theme.ColorNameError), 0x30)
	}
	c.bg.Refresh()
	if g.editable(id.Row, col) {
		c.label.Hide()
		c.entry.TextStyle.Monospace = col.right
		if c.entry.Text != text {
			c.entry.SetText(text)
		}
		c.entry.Show()
		return
	}
	c.entry.Hide()
	c.label.Alignment = fyne.TextAlignLeading
	if col.right {
		c.label.Alignment = fyne.TextAlignTrailing
	}
	c.label.TextStyle.Monospace = col.right
	c.label.Importance = widget.MediumImportance
	if col.right && len(text) > 0 && text[0] == '-' {
		c.label.Importance = widget.DangerImportance
	}
	c.label.SetText(text)
	c.label.Show()
}

func (g *vGrid) refresh() {
	if g.table != nil {
		g.table.Refresh()
	}
}

// changed records typing; a habit that rewrites the text (.., //, Space, -) shows at once.
func (g *vGrid) changed(c *vCell, text string) {
	vm := g.e.vm
	if c.id.Row < 0 || c.id.Row >= vm.Len() || c.id.Col >= len(voucherCols) {
		return
	}
	col := voucherCols[c.id.Col].id
	vm.SetCell(c.id.Row, col, text)
	if got := vm.Cell(c.id.Row, col); got != text {
		c.setting = true
		c.entry.SetText(got)
		c.entry.CursorColumn = len([]rune(got))
		c.setting = false
	}
	if col == "account" && text != "" && !g.e.updating {
		if ms := vm.MatchAccounts(text); len(ms) > 1 || len(ms) == 1 && ms[0].Code != ledger.Normalize(text) {
			g.showAccounts(c, ms)
		} else {
			g.look.hide()
		}
	}
	g.e.refreshLive()
}

// key: Enter moves on (resolving 科目 and 往来单位), Esc closes the lookup or undoes the
// cell, F7 and ↓ open the lookup in 科目 and 往来单位, ↑ ↓ move between lines.
func (g *vGrid) key(c *vCell, k *fyne.KeyEvent) bool {
	if g.look.key(k) {
		return true
	}
	vm := g.e.vm
	id := c.id
	if id.Row < 0 || id.Row >= vm.Len() || id.Col >= len(voucherCols) {
		return false
	}
	col := voucherCols[id.Col].id
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		switch col {
		case "account":
			if ok, ms := vm.EnterAccount(id.Row); !ok {
				if len(ms) > 0 {
					g.showAccounts(c, ms)
				}
				return true
			}
			g.e.refreshAll()
		case "aux":
			ps := vm.MatchPartners(id.Row, c.entry.Text)
			if len(ps) == 1 || len(ps) > 0 && ps[0].Code == ledger.Normalize(c.entry.Text) {
				vm.SetCell(id.Row, "aux", ps[0].Code)
				g.e.refreshAll()
			} else if len(ps) > 1 {
				g.showPartners(c, ps)
				return true
			}
		}
		g.next(id)
		return true
	case fyne.KeyEscape:
		if c.entry.Text != g.orig {
			c.entry.SetText(g.orig)
		}
		return true
	case fyne.KeyF7:
		switch col {
		case "account":
			g.showAccounts(c, vm.MatchAccounts(c.entry.Text))
			return true
		case "aux":
			g.showPartners(c, vm.MatchPartners(id.Row, c.entry.Text))
			return true
		}
	case fyne.KeyDown:
		if col == "account" || col == "aux" {
			if col == "account" {
				g.showAccounts(c, vm.MatchAccounts(c.entry.Text))
			} else {
				g.showPartners(c, vm.MatchPartners(id.Row, c.entry.Text))
			}
			return true
		}
		g.focus(widget.TableCellID{Row: id.Row + 1, Col: id.Col})
		return true
	case fyne.KeyUp:
		g.focus(widget.TableCellID{Row: id.Row - 1, Col: id.Col})
		return true
	}
	return false
}

func (g *vGrid) showAccounts(c *vCell, ms []ledger.Account) {
	if len(ms) == 0 {
		g.look.hide()
		return
	}
	if len(ms) > 100 {
		ms = ms[:100]
	}
	vm := g.e.vm
	labels := make([]string, len(ms))
	for i, a := range ms {
		labels[i] = a.Code + "  " + vm.accountName(a.Code)
	}
	row := c.id.Row
	g.look.show(c, labels, func(i int) {
		vm.PickAccount(row, ms[i].Code)
		g.e.refreshAll()
		g.next(widget.TableCellID{Row: row, Col: colIndex("account")})
	})
}

func (g *vGrid) showPartners(c *vCell, ps []ledger.Partner) {
	if len(ps) == 0 {
		return
	}
	labels := make([]string, len(ps))
	for i, p := range ps {
		labels[i] = p.Code + "  " + p.Name
	}
	row := c.id.Row
	g.look.show(c, labels, func(i int) {
		g.e.vm.SetCell(row, "aux", ps[i].Code)
		g.e.refreshAll()
		g.next(widget.TableCellID{Row: row, Col: colIndex("aux")})
	})
}

func colIndex(id string) int {
	for i, c := range voucherCols {
		if c.id == id {
			return i
		}
	}
	return -1
}

// next moves to the next editable cell of the line, else the next line's 摘要.
func (g *vGrid) next(id widget.TableCellID) {
	vm := g.e.vm
	for c := id.Col + 1; c < len(voucherCols); c++ {
		if g.editable(id.Row, voucherCols[c]) {
			g.focus(widget.TableCellID{Row: id.Row, Col: c})
			return
		}
	}
	if id.Row+1 < vm.Len() {
		g.focus(widget.TableCellID{Row: id.Row + 1, Col: 0})
	}
}

func (g *vGrid) focusBlank() {
	if n := g.e.vm.Len(); n > 0 {
		g.focus(widget.TableCellID{Row: n - 1, Col: 0})
	}
}

func (g *vGrid) focusCell(row int, col string) {
	g.focus(widget.TableCellID{Row: row, Col: colIndex(col)})
}

func (g *vGrid) focus(id widget.TableCellID) {
	if g.table == nil || id.Row < 0 || id.Row >= g.e.vm.Len() || id.Col < 0 || id.Col >= len(voucherCols) {
		return
	}
	g.table.ScrollTo(id)
	if c, ok := g.cells[id]; ok && c.entry.Visible() {
		g.e.s.win.Canvas().Focus(c.entry)
	}
}

// entryAt is the entry over a cell (tests type into it).
func (g *vGrid) entryAt(row int, col string) *keyEntry {
	id := widget.TableCellID{Row: row, Col: colIndex(col)}
	g.table.ScrollTo(id)
	if c, ok := g.cells[id]; ok {
		return c.entry
	}
	return nil
}
