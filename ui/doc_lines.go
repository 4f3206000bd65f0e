package ui

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// keyEntry is an Entry that hands Enter, Esc, arrows and F7 to its owner first (Fyne
// delivers F-keys and Esc only to the focused widget, UI.md §4.2).
type keyEntry struct {
	widget.Entry
	onKey   func(k *fyne.KeyEvent) bool // true: handled
	onFocus func()
	onBlur  func()
}

func newKeyEntry() *keyEntry {
	e := &keyEntry{}
	e.ExtendBaseWidget(e)
	return e
}

func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	if e.onKey != nil && e.onKey(k) {
		return
	}
	e.Entry.TypedKey(k)
}

func (e *keyEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus()
	}
}

func (e *keyEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.onBlur != nil {
		e.onBlur()
	}
}

// lookup is the popup list under a lookup entry (like fyne-x's CompletionEntry): the
// entry keeps the focus; ↑ ↓ move, Enter picks, Esc closes.
type lookup struct {
	win    fyne.Window
	pop    *widget.PopUp
	list   *widget.List
	labels []string
	sel    int
	onPick func(i int)
}

func (l *lookup) visible() bool { return l.pop != nil && l.pop.Visible() }

// show opens the list under the object o with these labels.
func (l *lookup) show(o fyne.CanvasObject, labels []string, pick func(i int)) {
	l.labels, l.onPick, l.sel = labels, pick, 0
	if l.list == nil {
		l.list = widget.NewList(func() int { return len(l.labels) },
			func() fyne.CanvasObject { return widget.NewLabel("") },
			func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(l.labels[id]) })
		l.list.OnSelected = func(id widget.ListItemID) {
			if id == l.sel {
				return
			}
			l.sel = id
		}
	}
	l.list.Refresh()
	l.list.Select(0)
	if l.pop == nil {
		l.pop = widget.NewPopUp(l.list, l.win.Canvas())
	}
	c := l.win.Canvas()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	h := min(float32(len(labels))*38+8, 300)
	l.pop.Resize(fyne.NewSize(max(o.Size().Width, 320), h))
	below := pos.Add(fyne.NewPos(0, o.Size().Height))
	if below.Y+h > c.Size().Height {
		below.Y = pos.Y - h
	}
	l.pop.ShowAtPosition(below)
}

func (l *lookup) hide() {
	if l.pop != nil {
		l.pop.Hide()
	}
}

// key routes a key while the list is open.
func (l *lookup) key(k *fyne.KeyEvent) bool {
	if !l.visible() {
		return false
	}
	switch k.Name {
	case fyne.KeyDown:
		if l.sel < len(l.labels)-1 {
			l.sel++
			l.list.Select(l.sel)
		}
	case fyne.KeyUp:
		if l.sel > 0 {
			l.sel--
			l.list.Select(l.sel)
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		l.hide()
		if l.onPick != nil && l.sel < len(l.labels) {
			l.onPick(l.sel)
		}
	case fyne.KeyEscape:
		l.hide()
	default:
		return false
	}
	return true
}

// gridCell is one cell of the lines grid: an entry for editable cells, a label for the
// others, a check for the count's loss kind. The table recycles it; the text lives in the
// view-model.
type gridCell struct {
	widget.BaseWidget
	g       *lineGrid
	id      widget.TableCellID
	entry   *keyEntry
	label   *widget.Label
	check   *widget.Check
	bg      *canvas.Rectangle
	setting bool
}

func newGridCell(g *lineGrid) *gridCell {
	c := &gridCell{g: g, id: widget.TableCellID{Row: -1, Col: -1}}
	c.entry = newKeyEntry()
	c.label = widget.NewLabel("")
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.check = widget.NewCheck("", nil)
	c.bg = canvas.NewRectangle(color.Transparent)
	c.entry.OnChanged = func(t string) {
		if !c.setting {
			g.changed(c.id, t)
		}
	}
	c.entry.onKey = func(k *fyne.KeyEvent) bool { return g.key(c, k) }
	c.entry.onFocus = func() { g.active, g.orig = c.id, c.entry.Text }
	c.check.OnChanged = func(on bool) {
		if !c.setting {
			g.abnormal(c.id, on)
		}
	}
	c.ExtendBaseWidget(c)
	return c
}

func (c *gridCell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.bg, c.label, c.entry, c.check))
}

// lineGrid is the document's lines: a virtualised table whose visible cells edit the
// view-model's text. Enter walks the editable cells of a line, then the next line's 编码.
type lineGrid struct {
	e      *docEditor
	table  *widget.Table
	cols   []docCol
	rows   []int // line index per shown row
	cells  map[widget.TableCellID]*gridCell
	active widget.TableCellID
	orig   string // the active cell's text when the cursor came in (Esc puts it back)
	look   lookup
	// flashing is the line a scan just landed on, tinted for a moment (UI.md §4.3)
	flashing int
	flashN   int
}

func newLineGrid(e *docEditor) *lineGrid {
	g := &lineGrid{e: e, cells: map[widget.TableCellID]*gridCell{}, active: widget.TableCellID{Row: -1}, flashing: -1}
	g.look.win = e.s.win
	return g
}

func (g *lineGrid) build() fyne.CanvasObject {
	vm := g.e.vm
	g.cols = vm.Columns()
	g.rows = vm.Rows()
	g.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(g.rows), len(g.cols) },
		func() fyne.CanvasObject { return newGridCell(g) },
		func(id widget.TableCellID, o fyne.CanvasObject) { g.update(id, o.(*gridCell)) })
	g.table.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		return l
	}
	g.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.TextStyle.Bold = false
		l.Importance = widget.MediumImportance
		switch {
		case id.Row < 0 && id.Col >= 0 && id.Col < len(g.cols):
			l.SetText(g.e.s.t(g.cols[id.Col].title))
			if g.cols[id.Col].right {
				l.Alignment = fyne.TextAlignTrailing
			} else {
				l.Alignment = fyne.TextAlignLeading
			}
		case id.Col < 0 && id.Row >= 0 && id.Row < len(g.rows):
			line := g.rows[id.Row]
			l.Alignment = fyne.TextAlignTrailing
			txt := ""
			if n := vm.LineNo(line); n > 0 {
				txt = itoa(n)
			}
			if vm.lines[line].err != nil {
				txt = "!" + txt
				l.Importance = widget.DangerImportance
				l.TextStyle.Bold = true
			}
			l.SetText(txt)
		default:
			l.SetText("")
		}
	}
	g.table.SetColumnWidth(-1, 44)
	g.setWidths()
	return g.table
}

// setWidths gives each column its width, widened where its title needs more in the
// language shown ("Warehouse" is wider than 仓库): no title is clipped or overlaps.
func (g *lineGrid) setWidths() {
	pad := 2*theme.InnerPadding() + 4
	for i, c := range g.cols {
		w := fyne.MeasureText(g.e.s.t(c.title), theme.TextSize(), fyne.TextStyle{}).Width + pad
		g.table.SetColumnWidth(i, max(c.width, w))
	}
}

// editable tells whether a cell takes typing now: linked returns edit quantity only.
func (g *lineGrid) editable(line int, col docCol) bool {
	vm := g.e.vm
	if !col.edit || !vm.Editable() {
		return false
	}
	l := vm.lines[line]
	if l.srcAmt != nil && col.id != "qty" {
		return false
	}
	if l.src != "" && col.id == "item" {
		return false
	}
	return true
}

func (g *lineGrid) update(id widget.TableCellID, c *gridCell) {
	if old, ok := g.cells[c.id]; ok && old == c {
		delete(g.cells, c.id)
	}
	c.id = id
	g.cells[id] = c
	if id.Row >= len(g.rows) || id.Col >= len(g.cols) {
		return
	}
	vm := g.e.vm
	line := g.rows[id.Row]
	col := g.cols[id.Col]
	text := vm.Cell(line, col.id)
	c.setting = true
	defer func() { c.setting = false }()
	c.bg.FillColor = color.Transparent
	if col.id == "loss" {
		c.entry.Hide()
		l := vm.lines[line]
		if d, ok := vm.countDiff(l); ok && d < 0 && vm.Editable() {
			c.label.Hide()
			c.check.Text = g.e.s.t("ui.doc.loss_abnormal")
			c.check.SetChecked(l.abnormal)
			c.check.Show()
			c.check.Refresh()
		} else {
			c.check.Hide()
			c.label.SetText(text)
			c.label.Show()
		}
		return
	}
	c.check.Hide()
	l := vm.lines[line]
	if g.flashing == line {
		c.bg.FillColor = withAlpha(theme.Color(theme.ColorNamePrimary), 0x40)
	}
	if col.id == "tax" && isCode(l.amtErr, ledger.CodeVATOverride) {
		c.bg.FillColor = withAlpha(theme.Color(theme.ColorNameError), 0x50)
	}
	c.bg.Refresh()
	if g.editable(line, col) {
		c.label.Hide()
		// a line's own warehouse: blank shows the document's, greyed
		ph := ""
		if col.id == "wh" {
			ph = vm.head["warehouse"]
		}
		if c.entry.PlaceHolder != ph {
			c.entry.SetPlaceHolder(ph)
		}
		if c.entry.Text != text {
			c.entry.SetText(text)
		}
		// an overridden VAT (typed to match an invoice) is bold (bold has no monospace face)
		bold := col.id == "tax" && strings.TrimSpace(l.text["tax"]) != ""
		if mono := col.right && !bold; c.entry.TextStyle.Monospace != mono || c.entry.TextStyle.Bold != bold {
			c.entry.TextStyle.Monospace, c.entry.TextStyle.Bold = mono, bold
			c.entry.Refresh()
		}
		c.entry.Show()
		return
	}
	c.entry.Hide()
	c.label.Alignment = fyne.TextAlignLeading
	c.label.TextStyle.Monospace = col.right
	if col.right {
		c.label.Alignment = fyne.TextAlignTrailing
	}
	c.label.Importance = widget.MediumImportance
	if col.id == "stock" {
		c.label.Importance = widget.LowImportance
		if vm.Short(line) {
			c.label.Importance = widget.DangerImportance
		}
	}
	if col.id == "diff" && len(text) > 0 && text[0] == '-' {
		c.label.Importance = widget.DangerImportance
	}
	if l.err != nil {
		c.bg.FillColor = theme.Color(theme.ColorNameError)
		c.bg.FillColor = withAlpha(c.bg.FillColor, 0x30)
	}
	if col.id == "wh" && text == "" {
		text = vm.head["warehouse"] // the document's, when the line names none
		c.label.Importance = widget.LowImportance
	}
	c.label.SetText(text)
	c.label.Show()
	c.bg.Refresh()
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}

// refresh redraws the grid from the view-model (rows may have been added).
func (g *lineGrid) refresh() {
	if g.table == nil {
		return
	}
	g.rows = g.e.vm.Rows()
	g.table.Refresh()
}

// changed records what was typed in a cell.
func (g *lineGrid) changed(id widget.TableCellID, text string) {
	if id.Row < 0 || id.Row >= len(g.rows) || id.Col >= len(g.cols) {
		return
	}
	g.e.vm.SetCell(g.rows[id.Row], g.cols[id.Col].id, text)
	g.e.refreshLive()
}

func (g *lineGrid) abnormal(id widget.TableCellID, on bool) {
	if id.Row < 0 || id.Row >= len(g.rows) {
		return
	}
	g.e.vm.SetAbnormal(g.rows[id.Row], on)
	g.e.refreshLive()
}

// key handles the grid's keys in a cell: Enter moves on (or runs the scan flow in 编码),
// Esc closes the lookup or reverts the cell, F7 and ↓ open the lookup.
func (g *lineGrid) key(c *gridCell, k *fyne.KeyEvent) bool {
	if g.look.key(k) {
		return true
	}
	id := c.id
	if id.Row < 0 || id.Row >= len(g.rows) || id.Col >= len(g.cols) {
		return false
	}
	col := g.cols[id.Col]
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if col.id == "item" {
			g.enterCode(c)
			return true
		}
		g.next(id)
		return true
	case fyne.KeyEscape:
		// undo the cell's edit: back to the text it had when the cursor came in
		if c.entry.Text != g.orig {
			c.entry.SetText(g.orig)
		}
		return true
	case fyne.KeyF7:
		if col.id == "item" || col.id == "account" || col.id == "wh" {
			g.openLookup(c)
			return true
		}
	case fyne.KeyDown:
		if col.id == "item" && c.entry.Text != "" {
			g.openLookup(c)
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

// enterCode runs the scan flow of UI.md §4.3 on Enter in 编码.
func (g *lineGrid) enterCode(c *gridCell) {
	vm := g.e.vm
	line := g.rows[c.id.Row]
	res, at := vm.EnterCode(line)
	if res == scanFound || res == scanMerged {
		g.flash(vm.flash)
	}
	g.e.refreshAll()
	switch res {
	case scanNone:
		if vm.lines[line].blank() {
			return
		}
		g.next(c.id)
	case scanLookup:
		g.openLookup(c)
	case scanUnknown:
		c.entry.TypedShortcut(&fyne.ShortcutSelectAll{})
	case scanMerged:
		g.focusBlank()
	case scanFound:
		if vm.byScan {
			g.focusBlank()
		} else {
			g.focusLineCol(at, "qty")
		}
	case scanReplace:
		g.focusLineCol(at, "qty")
	}
}

// flash tints a line for 600 ms: the row a scan landed on.
func (g *lineGrid) flash(line int) {
	g.flashing = line
	g.flashN++
	n := g.flashN
	time.AfterFunc(600*time.Millisecond, func() {
		fyne.Do(func() {
			if g.flashN != n {
				return
			}
			g.flashing = -1
			// A grid no longer on a canvas (its tab or window closed meanwhile) is not
			// refreshed: its widgets may be gone.
			if a := fyne.CurrentApp(); a != nil && g.table != nil && a.Driver().CanvasForObject(g.table) != nil {
				g.refresh()
			}
		})
	})
}

// openLookup lists the items (or accounts) matching the cell's text.
func (g *lineGrid) openLookup(c *gridCell) {
	vm := g.e.vm
	id := c.id
	line := g.rows[id.Row]
	col := g.cols[id.Col]
	if col.id == "wh" {
		whs, _ := vm.s.book.Warehouses(vm.s.ctx, false)
		var labels []string
		for _, w := range whs {
			labels = append(labels, w.Code+"  "+w.Name)
		}
		if len(labels) == 0 {
			return
		}
		g.look.show(c, labels, func(i int) {
			vm.SetCell(line, "wh", whs[i].Code)
			g.e.refreshAll()
		})
		return
	}
	if col.id == "account" {
		accts := expenseAccounts(vm, c.entry.Text)
		var labels []string
		for _, a := range accts {
			labels = append(labels, a.Code+"  "+a.Name)
		}
		if len(labels) == 0 {
			return
		}
		g.look.show(c, labels, func(i int) {
			vm.SetCell(line, "account", accts[i].Code)
			g.e.refreshAll()
			g.focusLineCol(line, "memo")
		})
		return
	}
	_, code, _ := splitCount(c.entry.Text)
	items := vm.matchItems(code)
	if len(items) == 0 {
		items = vm.matchItems("")
		if code == "" {
			items = vm.items
		}
	}
	if len(items) == 0 {
		vm.scan = vm.s.t("ui.doc.scan_unknown", map[string]any{"code": code})
		g.e.refreshAll()
		return
	}
	var labels []string
	for _, it := range items {
		labels = append(labels, it.Code+"  "+it.Name+"  "+it.Unit)
	}
	g.look.show(c, labels, func(i int) {
		n, _, _ := splitCount(c.entry.Text)
		if n == 10000 {
			n = 0
		}
		vm.PickItem(line, items[i], n)
		g.e.refreshAll()
		g.focusLineCol(line, "qty")
	})
}

// enterSkips are the cells Enter walks past: the count's loss kind (a check), a typed VAT
// (an invoice's rare correction) and a line's own warehouse (blank: the document's). Tab
// and the mouse reach them.
var enterSkips = map[string]bool{"loss": true, "tax": true, "wh": true}

// next moves to the next editable cell of the line, else the next line's first editable
// cell (the blank line's 编码 at the end).
func (g *lineGrid) next(id widget.TableCellID) {
	line := g.rows[id.Row]
	for c := id.Col + 1; c < len(g.cols); c++ {
		if g.editable(line, g.cols[c]) && !enterSkips[g.cols[c].id] {
			g.focus(widget.TableCellID{Row: id.Row, Col: c})
			return
		}
	}
	for r := id.Row + 1; r < len(g.rows); r++ {
		for c := range g.cols {
			if g.editable(g.rows[r], g.cols[c]) && !enterSkips[g.cols[c].id] {
				g.focus(widget.TableCellID{Row: r, Col: c})
				return
			}
		}
	}
}

// focusBlank puts the cursor in the first editable cell of the blank last line.
func (g *lineGrid) focusBlank() {
	if len(g.rows) == 0 {
		return
	}
	r := len(g.rows) - 1
	for c := range g.cols {
		if g.editable(g.rows[r], g.cols[c]) {
			g.focus(widget.TableCellID{Row: r, Col: c})
			return
		}
	}
}

func (g *lineGrid) focusLineCol(line int, col string) {
	for r, l := range g.rows {
		if l != line {
			continue
		}
		for c, x := range g.cols {
			if x.id == col && g.editable(line, x) {
				g.focus(widget.TableCellID{Row: r, Col: c})
				return
			}
		}
		g.next(widget.TableCellID{Row: r, Col: 0})
		return
	}
}

// focus scrolls a cell into view and puts the cursor in it.
func (g *lineGrid) focus(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(g.rows) || id.Col < 0 || id.Col >= len(g.cols) {
		return
	}
	g.table.ScrollTo(id)
	g.active = id
	if c, ok := g.cells[id]; ok && c.entry.Visible() {
		g.e.s.win.Canvas().Focus(c.entry)
	}
}

// Entry returns the entry over a cell (tests type into it).
func (g *lineGrid) entryAt(line int, col string) *keyEntry {
	for r, l := range g.rows {
		if l != line {
			continue
		}
		for c, x := range g.cols {
			if x.id == col {
				id := widget.TableCellID{Row: r, Col: c}
				g.table.ScrollTo(id)
				if cell, ok := g.cells[id]; ok {
					return cell.entry
				}
			}
		}
	}
	return nil
}
