package ui

import (
	"cmp"
	"context"
	"io"
	"slices"
	"strings"

	"shopbooks/ledger"
)

// column is one column of a master-data list.
type column[T any] struct {
	title string  // catalog key
	width float32 // in points
	right bool    // numbers: right-aligned, monospace
	value func(c *ctxT, r T) string
	// less compares two rows for sorting; nil sorts by the shown text.
	less func(a, b T) int
}

// ctxT is what a column needs to render: the catalog (names of roles, states).
type ctxT struct{ s *session }

func (c *ctxT) t(key string) string { return c.s.t(key) }

// entity describes one kind of master record to the generic list-and-form screen.
type entity[T any] struct {
	id      string // screen id: "items"
	perm    ledger.Perm
	columns []column[T]
	fields  []fieldSpec
	load    func(ctx context.Context) ([]T, error)
	key     func(r T) string
	// search is the text the search box matches: code, name, 助记码, barcode.
	search func(r T) string
	active func(r T) bool // nil: every row is active, no 停用
	// toForm shows a record; blank makes a new one's text (sel is the selected record, if any).
	toForm func(r T) map[string]string
	blank  func(sel *T) map[string]string
	// save adds (old == nil) or updates a record from the text.
	save      func(ctx context.Context, old *T, f map[string]string) (T, error)
	setActive func(ctx context.Context, r T, active bool) error // nil: no 停用
	remove    func(ctx context.Context, r T) error              // nil: no 删除
	// scopes are the extra filter (客户/供应商): value "" is all.
	scopes  []choice
	inScope func(r T, scope string) bool
	// after runs after any change (the opening check).
	after func()
	// imports is the family a file is imported as (导入: "item", "partner", "opening"), ""
	// for a screen without 导入.
	imports string
	// exports writes the shown rows as a workbook (导出), with what it is for the trail;
	// nil for a screen without 导出.
	exports     func(w io.Writer, rows []T) error
	exportsKind ledger.ExportKind
}

// master is the view-model of a master-data screen: every row in memory, the filtered
// and sorted view as indexes, the selected row and its form.
type master[T any] struct {
	s        *session
	e        *entity[T]
	rows     []T
	hay      []string // lower-case search text per row
	view     []int    // indexes into rows, filtered and sorted
	filter   string
	scope    string
	inactive bool // show deactivated rows too
	sortCol  int  // -1: as loaded
	desc     bool
	sel      int // index into rows; -1 for a new record
	form     *formVM
	info     string // last result, for the message line
	changed  func() // the widgets redraw
}

func newMaster[T any](s *session, e *entity[T]) *master[T] {
	m := &master[T]{s: s, e: e, sortCol: -1, sel: -1, form: newForm(e.fields)}
	m.form.load(e.blank(nil), true)
	return m
}

// Reload reads every row from the book again, keeping the selection by key.
func (m *master[T]) Reload() error {
	rows, err := m.e.load(m.s.ctx)
	if err != nil {
		return err
	}
	var selKey string
	hadSel := m.sel >= 0 && m.sel < len(m.rows)
	if hadSel {
		selKey = m.e.key(m.rows[m.sel])
	}
	m.setRows(rows)
	m.sel = -1
	if hadSel {
		for i, r := range m.rows {
			if m.e.key(r) == selKey {
				m.sel = i
			}
		}
	}
	return nil
}

func (m *master[T]) setRows(rows []T) {
	m.rows = rows
	m.hay = make([]string, len(rows))
	for i, r := range rows {
		m.hay[i] = strings.ToLower(m.e.search(r))
	}
	m.refilter()
}

// SetFilter filters as the user types: any part of code, name, 助记码 or barcode,
// upper or lower case, full-width letters too.
func (m *master[T]) SetFilter(text string) {
	m.filter = text
	m.refilter()
}

// SetScope picks the extra filter (customers, suppliers).
func (m *master[T]) SetScope(scope string) {
	m.scope = scope
	m.refilter()
}

// SetInactive shows or hides deactivated rows.
func (m *master[T]) SetInactive(on bool) {
	m.inactive = on
	m.refilter()
}

func (m *master[T]) refilter() {
	needle := strings.ToLower(ledger.Normalize(m.filter))
	m.view = m.view[:0]
	for i := range m.rows {
		if !m.inactive && m.e.active != nil && !m.e.active(m.rows[i]) {
			continue
		}
		if m.scope != "" && m.e.inScope != nil && !m.e.inScope(m.rows[i], m.scope) {
			continue
		}
		if needle != "" && !strings.Contains(m.hay[i], needle) {
			continue
		}
		m.view = append(m.view, i)
	}
	m.sortView()
}

// SortBy sorts by a column; a second tap on the same column reverses the order.
func (m *master[T]) SortBy(col int) {
	if col == m.sortCol {
		m.desc = !m.desc
	} else {
		m.sortCol, m.desc = col, false
	}
	m.sortView()
}

func (m *master[T]) sortView() {
	if m.sortCol < 0 || m.sortCol >= len(m.e.columns) {
		return
	}
	c := m.e.columns[m.sortCol]
	cx := &ctxT{m.s}
	less := c.less
	if less == nil {
		less = func(a, b T) int { return cmp.Compare(c.value(cx, a), c.value(cx, b)) }
	}
	slices.SortStableFunc(m.view, func(a, b int) int {
		r := less(m.rows[a], m.rows[b])
		if m.desc {
			return -r
		}
		return r
	})
}

// Len is the number of rows shown.
func (m *master[T]) Len() int { return len(m.view) }

// Export is the export of the shown rows (filtered and sorted as shown), named for the
// file; false for a screen without 导出.
func (m *master[T]) Export() (export, string, bool) {
	if !m.Exports() {
		return export{}, "", false
	}
	rows := make([]T, len(m.view))
	for i, r := range m.view {
		rows[i] = m.rows[r]
	}
	name := m.s.t("ui.area."+m.e.id) + ".xlsx"
	return export{m.e.exportsKind, name, func(_ context.Context, w io.Writer) error { return m.e.exports(w, rows) }}, name, true
}

// Cell is the text of a shown row's column.
func (m *master[T]) Cell(row, col int) string {
	if row < 0 || row >= len(m.view) || col >= len(m.e.columns) {
		return ""
	}
	return m.e.columns[col].value(&ctxT{m.s}, m.rows[m.view[row]])
}

// Row returns the record of a shown row.
func (m *master[T]) Row(row int) T { return m.rows[m.view[row]] }

// SelectedRow is the shown row of the selected record, or -1.
func (m *master[T]) SelectedRow() int {
	for i, r := range m.view {
		if r == m.sel {
			return i
		}
	}
	return -1
}

// Select shows a row's record in the form (its unsaved edits are dropped: the widget
// asks first).
func (m *master[T]) Select(row int) {
	if row < 0 || row >= len(m.view) {
		return
	}
	m.sel = m.view[row]
	m.form.load(m.e.toForm(m.rows[m.sel]), false)
	m.info = ""
}

// Current returns the selected record, if any.
func (m *master[T]) Current() (T, bool) {
	if m.sel < 0 || m.sel >= len(m.rows) {
		var zero T
		return zero, false
	}
	return m.rows[m.sel], true
}

// New starts a new record (Ctrl+N).
func (m *master[T]) New() {
	var cur *T
	if r, ok := m.Current(); ok {
		cur = &r
	}
	m.sel = -1
	m.form.load(m.e.blank(cur), true)
	m.info = ""
}

// CanEdit tells whether the user may change these records: the buttons show only then.
func (m *master[T]) CanEdit() bool { return m.s.user.Can(m.e.perm) }

// Save adds or updates the record in the form. A refusal keeps every field as typed and
// lands next to the field it names.
func (m *master[T]) Save() error {
	var old *T
	if r, ok := m.Current(); ok && !m.form.isNew {
		old = &r
	}
	for _, sp := range m.form.specs {
		if sp.check != nil && m.form.text[sp.key] != "" && !m.form.Fixed(sp.key) {
			if err := sp.check(m.form.text[sp.key]); err != nil {
				m.form.place(err)
				m.info = ""
				return err
			}
		}
	}
	saved, err := m.e.save(m.s.ctx, old, m.form.text)
	if err != nil {
		m.form.place(err)
		m.info = ""
		return err
	}
	if old != nil {
		m.rows[m.sel] = saved
		m.hay[m.sel] = strings.ToLower(m.e.search(saved))
	} else {
		m.rows = append(m.rows, saved)
		m.hay = append(m.hay, strings.ToLower(m.e.search(saved)))
		m.sel = len(m.rows) - 1
	}
	if err := m.Reload(); err != nil { // the book may have normalised more than this row
		return err
	}
	if r, ok := m.Current(); ok {
		m.form.load(m.e.toForm(r), false)
	}
	m.info = m.s.t("ui.msg.saved")
	m.s.setStatus(m.info + " " + m.e.key(saved))
	if m.e.after != nil {
		m.e.after()
	}
	return nil
}

// Cancel puts back the saved text of the form (Esc).
func (m *master[T]) Cancel() {
	m.form.Revert()
	m.info = ""
}

// ToggleActive deactivates (停用) or reactivates the selected record.
func (m *master[T]) ToggleActive() error {
	r, ok := m.Current()
	if !ok || m.e.setActive == nil {
		return nil
	}
	on := m.e.active != nil && !m.e.active(r)
	if err := m.e.setActive(m.s.ctx, r, on); err != nil {
		m.form.place(err)
		return err
	}
	if err := m.Reload(); err != nil {
		return err
	}
	if r, ok := m.Current(); ok {
		m.form.load(m.e.toForm(r), false)
	}
	if on {
		m.info = m.s.t("ui.msg.activated")
	} else {
		m.info = m.s.t("ui.msg.deactivated")
	}
	m.s.setStatus(m.info + " " + m.e.key(r))
	if m.e.after != nil {
		m.e.after()
	}
	return nil
}

// Delete removes the selected record (the widget confirms first).
func (m *master[T]) Delete() error {
	r, ok := m.Current()
	if !ok || m.e.remove == nil {
		return nil
	}
	if err := m.e.remove(m.s.ctx, r); err != nil {
		m.form.place(err)
		return err
	}
	m.sel = -1
	if err := m.Reload(); err != nil {
		return err
	}
	m.form.load(m.e.blank(nil), true)
	m.info = m.s.t("ui.msg.deleted")
	m.s.setStatus(m.info + " " + m.e.key(r))
	if m.e.after != nil {
		m.e.after()
	}
	return nil
}

// IsActive tells whether the selected record is active (the button says 停用 or 启用).
func (m *master[T]) IsActive() bool {
	r, ok := m.Current()
	return !ok || m.e.active == nil || m.e.active(r)
}
