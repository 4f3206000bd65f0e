package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// colInfo is what the table needs of a column.
type colInfo struct {
	title string
	width float32
	right bool
}

// masterModel is the non-generic face of master[T] that the widgets use.
type masterModel interface {
	Reload() error
	Columns() []colInfo
	Len() int
	Cell(row, col int) string
	SortBy(col int)
	SortState() (int, bool)
	SetFilter(string)
	Filter() string
	SetScope(string)
	Scope() string
	Scopes() []choice
	SetInactive(bool)
	Inactive() bool
	Select(row int)
	SelectedRow() int
	New()
	Save() error
	Cancel()
	ToggleActive() error
	Delete() error
	IsActive() bool
	CanEdit() bool
	CanDeactivate() bool
	CanDelete() bool
	Form() *formVM
	Info() string
	ID() string
	Selected() bool
	Imports() string
	Exports() bool
	Export() (export, string, bool)
}

func (m *master[T]) Columns() []colInfo {
	out := make([]colInfo, len(m.e.columns))
	for i, c := range m.e.columns {
		out[i] = colInfo{c.title, c.width, c.right}
	}
	return out
}
func (m *master[T]) SortState() (int, bool) { return m.sortCol, m.desc }
func (m *master[T]) Filter() string         { return m.filter }
func (m *master[T]) Scope() string          { return m.scope }
func (m *master[T]) Scopes() []choice       { return m.e.scopes }
func (m *master[T]) Inactive() bool         { return m.inactive }
func (m *master[T]) CanDeactivate() bool    { return m.e.setActive != nil }
func (m *master[T]) CanDelete() bool        { return m.e.remove != nil }
func (m *master[T]) Form() *formVM          { return m.form }
func (m *master[T]) Info() string           { return m.info }
func (m *master[T]) ID() string             { return m.e.id }
func (m *master[T]) Imports() string        { return m.e.imports }
func (m *master[T]) Exports() bool          { return m.e.exports != nil }
func (m *master[T]) Selected() bool         { _, ok := m.Current(); return ok && !m.form.isNew }

// masterScreen is a master-data screen: toolbar, search, a virtualised sortable table
// on the left and the record's form on the right (UI.md §3.1). Its widgets are rebuilt
// from the view-model, which outlives them.
type masterScreen struct {
	s  *session
	m  masterModel
	lo error // the first load's error

	table     *widget.Table
	search    *fieldEntry
	count     *widget.Label
	form      *formView
	btnNew    *widget.Button
	btnSave   *widget.Button
	btnAct    *widget.Button
	btnDel    *widget.Button
	selecting bool
	// extra widgets under the table (the users' permission matrix, the opening check)
	below func() fyne.CanvasObject
	// onImport runs after an import instead of reloading this list (the opening screen
	// reloads both its lists and its check).
	onImport func()
}

func newMasterScreen[T any](s *session, e *entity[T]) *masterScreen {
	m := newMaster(s, e)
	return &masterScreen{s: s, m: m, lo: m.Reload()}
}

func (v *masterScreen) dirty() bool { return v.m.Form().Dirty() }

func (v *masterScreen) build() fyne.CanvasObject {
	s, m := v.s, v.m
	cols := m.Columns()
	v.table = widget.NewTableWithHeaders(
		func() (int, int) { return m.Len(), len(cols) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			right := cols[id.Col].right
			if right {
				l.Alignment = fyne.TextAlignTrailing
			} else {
				l.Alignment = fyne.TextAlignLeading
			}
			l.TextStyle.Monospace = right
			l.SetText(m.Cell(id.Row, id.Col))
		})
	v.table.ShowHeaderColumn = false
	v.table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		b.IconPlacement = widget.ButtonIconTrailingText
		return b
	}
	v.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		if id.Col < 0 || id.Col >= len(cols) {
			b.SetText("")
			return
		}
		col := id.Col
		b.SetText(s.t(cols[col].title))
		sc, desc := m.SortState()
		switch {
		case sc != col:
			b.SetIcon(nil)
		case desc:
			b.SetIcon(theme.MoveDownIcon())
		default:
			b.SetIcon(theme.MoveUpIcon())
		}
		b.OnTapped = func() { v.sortBy(col) }
	}
	for i, c := range cols {
		v.table.SetColumnWidth(i, c.width)
	}
	v.table.OnSelected = func(id widget.TableCellID) {
		if v.selecting || id.Row < 0 {
			return
		}
		if id.Row == m.SelectedRow() && !m.Form().isNew {
			return
		}
		row := id.Row
		s.shell.guardScreen(v, func() {
			m.Select(row)
			v.refresh()
		}, func() { v.syncSelection() })
	}

	v.search = newFieldEntry()
	hint := "ui.search.placeholder." + m.ID()
	if !s.cat.Has(hint) {
		hint = "ui.search.placeholder"
	}
	v.search.SetPlaceHolder(s.t(hint))
	v.search.SetText(m.Filter())
	v.search.OnChanged = func(t string) {
		m.SetFilter(t)
		v.refreshList()
	}
	v.search.onEsc = func() { v.search.SetText("") }
	v.search.OnSubmitted = func(string) {
		if m.Len() > 0 {
			v.table.Select(widget.TableCellID{Row: 0, Col: 0})
		}
	}
	v.count = widget.NewLabel("")

	edit := m.CanEdit()
	v.form = newFormView(s, m.Form(), edit, v.cmdSave, v.cmdCancel)
	formObj := v.form.build()

	v.btnNew = iconButton(s.t("ui.btn.new"), theme.ContentAddIcon(), v.cmdNew)
	if m.ID() == "accounts" {
		v.btnNew.SetText(s.t("ui.btn.new_sub"))
	}
	v.btnSave = iconButton(s.t("ui.btn.save"), theme.DocumentSaveIcon(), v.cmdSave)
	v.btnAct = iconButton(s.t("ui.btn.deactivate"), theme.CancelIcon(), v.toggleActive)
	v.btnDel = iconButton(s.t("ui.btn.delete"), theme.DeleteIcon(), v.confirmDelete)
	v.btnDel.Importance = widget.DangerImportance
	tools := container.NewHBox()
	if edit {
		tools.Add(v.btnNew)
		tools.Add(v.btnSave)
		if m.CanDeactivate() {
			tools.Add(v.btnAct)
		}
		if m.CanDelete() {
			tools.Add(v.btnDel)
		}
		if fam := m.Imports(); fam != "" {
			tools.Add(iconButton(s.t("ui.btn.import"), theme.UploadIcon(), func() { s.chooseImport(fam, v.imported) }))
		}
	} else {
		ro := widget.NewLabel(s.t("ui.msg.read_only"))
		ro.Importance = widget.WarningImportance
		tools.Add(ro)
	}
	if m.Exports() && s.user.Can(ledger.PermExportStock) {
		tools.Add(iconButton(s.t("ui.btn.export"), theme.DownloadIcon(), func() {
			if x, name, ok := m.Export(); ok {
				s.exportFile(name, ".xlsx", x)
			}
		}))
	}
	if sc := m.Scopes(); len(sc) > 0 {
		var labels []string
		for _, c := range sc {
			labels = append(labels, s.t(c.label))
		}
		sel := widget.NewSelect(labels, func(l string) {
			for _, c := range sc {
				if s.t(c.label) == l {
					m.SetScope(c.value)
				}
			}
			v.refreshList()
		})
		for _, c := range sc {
			if c.value == m.Scope() {
				sel.SetSelected(s.t(c.label))
			}
		}
		tools.Add(sel)
	}
	if m.CanDeactivate() {
		inact := widget.NewCheck(s.t("ui.search.inactive"), func(on bool) {
			m.SetInactive(on)
			v.refreshList()
		})
		inact.SetChecked(m.Inactive())
		tools.Add(inact)
	}
	findLabel := widget.NewLabel(s.t("ui.search.label"))
	searchBox := container.NewBorder(nil, nil, findLabel, nil, v.search)
	top := container.NewBorder(nil, nil, tools, nil, searchBox)

	left := fyne.CanvasObject(container.NewBorder(nil, v.count, nil, nil, v.table))
	if v.below != nil {
		left = container.NewVSplit(left, v.below())
	}
	title := widget.NewLabelWithStyle(s.t("ui.form.title."+m.ID()), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	right := container.NewBorder(title, nil, nil, nil, container.NewVScroll(formObj))
	split := container.NewHSplit(left, right)
	split.Offset = 0.62
	var content fyne.CanvasObject = split
	if v.lo != nil {
		e := errorLabel()
		setErrorLabel(e, s.errText(v.lo))
		content = container.NewBorder(e, nil, nil, nil, split)
	}
	v.refresh()
	return container.NewBorder(top, nil, nil, nil, content)
}

func (v *masterScreen) sortBy(col int) {
	v.m.SortBy(col)
	v.refreshList()
}

// imported shows the list after an import wrote its rows.
func (v *masterScreen) imported() {
	if v.onImport != nil {
		v.onImport()
		return
	}
	if err := v.m.Reload(); err != nil {
		v.s.log.Warn("reload after import", "err", err)
	}
	v.refresh()
}

// refreshList redraws the table and the count after a filter or sort.
func (v *masterScreen) refreshList() {
	v.table.Refresh()
	v.count.SetText(v.s.t("ui.search.count", map[string]any{"n": v.m.Len()}))
	v.syncSelection()
}

// syncSelection shows the selected record's row as selected in the table.
func (v *masterScreen) syncSelection() {
	v.selecting = true
	defer func() { v.selecting = false }()
	if r := v.m.SelectedRow(); r >= 0 && !v.m.Form().isNew {
		v.table.Select(widget.TableCellID{Row: r, Col: 0})
	} else {
		v.table.UnselectAll()
	}
}

// refresh redraws everything from the view-model.
func (v *masterScreen) refresh() {
	v.refreshList()
	v.form.refresh()
	v.form.setInfo(v.m.Info())
	if v.m.IsActive() {
		v.btnAct.SetText(v.s.t("ui.btn.deactivate"))
	} else {
		v.btnAct.SetText(v.s.t("ui.btn.activate"))
	}
	if v.m.Selected() {
		v.btnAct.Enable()
		v.btnDel.Enable()
	} else {
		v.btnAct.Disable()
		v.btnDel.Disable()
	}
}

func (v *masterScreen) cmdNew() {
	if !v.m.CanEdit() {
		return
	}
	v.s.shell.guardScreen(v, func() {
		v.m.New()
		v.refresh()
		v.form.focusFirst()
	}, nil)
}

func (v *masterScreen) cmdSave() {
	if !v.m.CanEdit() {
		return
	}
	if err := v.m.Save(); err != nil {
		v.refresh()
		v.form.focusFirstError()
		return
	}
	v.refresh()
}

func (v *masterScreen) cmdCancel() {
	v.m.Cancel()
	v.refresh()
}

func (v *masterScreen) cmdFind() {
	v.s.win.Canvas().Focus(v.search)
}

func (v *masterScreen) toggleActive() {
	v.m.ToggleActive()
	v.refresh()
}

func (v *masterScreen) confirmDelete() {
	if !v.m.Selected() {
		return
	}
	s := v.s
	name := ""
	for _, sp := range v.m.Form().specs {
		if t := v.m.Form().saved[sp.key]; t != "" && sp.kind != kLabel {
			name = t
			break
		}
	}
	d := dialog.NewConfirm(s.t("ui.btn.delete"), s.t("ui.confirm.delete", map[string]any{"name": name}), func(ok bool) {
		if ok {
			v.m.Delete()
			v.refresh()
		}
	}, s.win)
	d.SetConfirmText(s.t("ui.btn.delete"))
	d.SetDismissText(s.t("ui.btn.cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// guardScreen runs proceed after asking about a screen's unsaved edits; cancelled runs
// when the user keeps editing.
func (h *shell) guardScreen(v *masterScreen, proceed, cancelled func()) {
	if !v.dirty() {
		proceed()
		return
	}
	var s *session
	if h != nil {
		s = h.s
	} else {
		s = v.s
	}
	s.askUnsaved(func() bool {
		v.cmdSave()
		return !v.dirty()
	}, func() { v.m.Cancel() }, proceed)
	if cancelled != nil {
		cancelled()
	}
}
