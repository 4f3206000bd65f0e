package ui

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// The document groups of the lists (单据列表).
var (
	purchaseTypes = []ledger.DocType{ledger.DocPO, ledger.DocReceipt, ledger.DocPReturn}
	salesTypes    = []ledger.DocType{ledger.DocSO, ledger.DocDelivery, ledger.DocSReturn}
)

// docListVM is the view-model of a document list: the documents of a group in a date
// range, loaded once, and filtered in memory by type, status, partner and text as the
// user types (UI.md §3.3).
type docListVM struct {
	s      *session
	types  []ledger.DocType
	from   string
	to     string
	typ    ledger.DocType // "" for every type of the group
	status ledger.DocStatus
	party  string // any part of the partner's code or name
	text   string // any part of the number or memo
	all    []ledger.Doc
	hay    []string
	view   []int
	ticked map[string]bool
	sel    int // shown row, -1 for none
	result string
	err    error
}

func newDocListVM(s *session, types []ledger.DocType) *docListVM {
	return &docListVM{s: s, types: types, ticked: map[string]bool{}, sel: -1}
}

// Reload reads the documents of the date range.
func (m *docListVM) Reload() error {
	f := ledger.DocFilter{}
	var err error
	if strings.TrimSpace(m.from) != "" {
		if f.From, err = parseDateText(m.from, time.Now()); err != nil {
			m.err = err
			return err
		}
	}
	if strings.TrimSpace(m.to) != "" {
		if f.To, err = parseDateText(m.to, time.Now()); err != nil {
			m.err = err
			return err
		}
	}
	docs, err := m.s.book.Docs(m.s.ctx, m.s.user, f)
	if err != nil {
		m.err = err
		return err
	}
	m.err = nil
	m.setDocs(docs)
	return nil
}

func (m *docListVM) setDocs(docs []ledger.Doc) {
	m.all, m.hay = m.all[:0], m.hay[:0]
	for _, d := range docs {
		if slices.Contains(m.types, d.Type) {
			m.all = append(m.all, d)
			m.hay = append(m.hay, strings.ToLower(d.Partner+"\x00"+d.PartnerName+"\x00"+ledger.Mnemonic(d.PartnerName)))
		}
	}
	m.refilter()
}

// refilter applies type, status, partner and text to the loaded documents.
func (m *docListVM) refilter() {
	party := strings.ToLower(ledger.Normalize(m.party))
	text := strings.ToUpper(ledger.Normalize(m.text))
	m.view = m.view[:0]
	for i := range m.all {
		d := &m.all[i]
		if m.typ != "" && d.Type != m.typ || m.status != "" && d.Status != m.status {
			continue
		}
		if party != "" && !strings.Contains(m.hay[i], party) {
			continue
		}
		if text != "" && !strings.Contains(d.Number, text) && !strings.Contains(strings.ToUpper(d.Memo), text) {
			continue
		}
		m.view = append(m.view, i)
	}
	if m.sel >= len(m.view) {
		m.sel = -1
	}
}

// Len is the number of rows shown.
func (m *docListVM) Len() int { return len(m.view) }

// Row is the document of a shown row.
func (m *docListVM) Row(i int) ledger.Doc { return m.all[m.view[i]] }

// Total is the count and the sum of 价税合计 (the amount for receipts and payments).
func (m *docListVM) Total() (int, ledger.Money) {
	var g ledger.Money
	for _, i := range m.view {
		g += docAmount(m.all[i])
	}
	return len(m.view), g
}

func docAmount(d ledger.Doc) ledger.Money {
	if d.Type == ledger.DocCollect || d.Type == ledger.DocPay {
		return d.Amount
	}
	return d.Gross
}

// listCols are the list's columns.
var listCols = []docCol{{"tick", "", 36, false, false}, {"date", "ui.doc.field.date", 116, false, false},
	{"number", "ui.doc.field.number", 150, false, false}, {"type", "ui.doc.col.type", 110, false, false},
	{"partner", "ui.col.partner", 170, false, false}, {"gross", "ui.doc.col.gross", 110, false, true},
	{"status", "ui.col.status", 80, false, false}, {"maker", "ui.doc.col.maker", 90, false, false}}

// Cell is the text of a shown row's column.
func (m *docListVM) Cell(row int, col string) string {
	if row < 0 || row >= len(m.view) {
		return ""
	}
	d := m.Row(row)
	switch col {
	case "date":
		return string(d.Date)
	case "number":
		return d.Number
	case "type":
		return m.s.t("ui.area." + areaOfType(d.Type))
	case "partner":
		return d.PartnerName
	case "gross":
		return docAmount(d).Format()
	case "status":
		s := m.s.t("ui.doc.status." + string(d.Status))
		if d.OrderClosed {
			s += " " + m.s.t("ui.doc.closed")
		}
		return s
	case "maker":
		return d.Maker
	}
	return ""
}

// Tick ticks or unticks a row for batch 审核.
func (m *docListVM) Tick(row int, on bool) {
	if row >= 0 && row < len(m.view) {
		m.ticked[m.Row(row).Number] = on
	}
}

// AuditTicked audits the ticked drafts (Ctrl+H on the list); the refusals are listed,
// one line each with the number.
func (m *docListVM) AuditTicked() (done int, refused []string) {
	var nums []string
	for _, i := range m.view {
		if d := m.all[i]; m.ticked[d.Number] && d.Status == ledger.StatusDraft {
			nums = append(nums, d.Number)
		}
	}
	if len(nums) == 0 && m.sel >= 0 && m.Row(m.sel).Status == ledger.StatusDraft {
		nums = []string{m.Row(m.sel).Number}
	}
	for _, n := range nums {
		if err := m.s.book.AuditDoc(m.s.ctx, m.s.user, n); err != nil {
			refused = append(refused, n+"："+m.s.errText(err))
			continue
		}
		done++
		delete(m.ticked, n)
	}
	m.result = m.s.t("ui.list.audited", map[string]any{"n": done, "refused": len(refused)})
	if len(refused) > 0 {
		m.result += "\n" + strings.Join(refused, "\n")
	}
	m.Reload()
	return done, refused
}

// docList is the 单据列表 screen.
type docList struct {
	s     *session
	id    string
	m     *docListVM
	table *enterTable
	count *widget.Label
	res   *widget.Label
	errL  *widget.Label
}

func newDocList(s *session, id string, types []ledger.DocType) *docList {
	l := &docList{s: s, id: id, m: newDocListVM(s, types)}
	l.m.from = defaultFrom(s)
	l.m.Reload()
	return l
}

// defaultFrom is where a document list starts (UI.md §3.3, 方案 本月): the first day of
// the month being worked on — the first open one — or, when nothing is dated there yet,
// of the latest closed month; later documents show too. A busy book's years of
// documents are a date range away, not loaded at every opening.
func defaultFrom(s *session) string {
	ps, err := s.book.Periods(s.ctx)
	if err != nil {
		return ""
	}
	var open, closed ledger.Period
	for _, p := range ps {
		if p.Closed {
			closed = p.Period
		} else if open == "" {
			open = p.Period
		}
	}
	if open == "" {
		return ""
	}
	from := ledger.Date(string(open) + "-01")
	if closed == "" {
		return string(from)
	}
	if docs, err := s.book.Docs(s.ctx, s.user, ledger.DocFilter{From: from, Limit: 1}); err == nil && len(docs) == 0 {
		return string(closed) + "-01"
	}
	return string(from)
}

// enterTable is a table that opens its selected row on Enter (Fyne's Table has no
// double tap).
type enterTable struct {
	widget.Table
	onEnter func()
}

func (t *enterTable) TypedKey(k *fyne.KeyEvent) {
	if (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter) && t.onEnter != nil {
		t.onEnter()
		return
	}
	t.Table.TypedKey(k)
}

// listCell is a cell of a list: a label, or a tick box in the first column.
type listCell struct {
	widget.BaseWidget
	label *widget.Label
	check *widget.Check
}

func newListCell() *listCell {
	c := &listCell{label: widget.NewLabel(""), check: widget.NewCheck("", nil)}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.ExtendBaseWidget(c)
	return c
}

func (c *listCell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.label, c.check))
}

func (l *docList) build() fyne.CanvasObject {
	s, m := l.s, l.m
	t := &enterTable{}
	t.Length = func() (int, int) { return m.Len(), len(listCols) }
	t.CreateCell = func() fyne.CanvasObject { return newListCell() }
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		c := o.(*listCell)
		col := listCols[id.Col]
		if col.id == "tick" {
			c.label.Hide()
			c.check.OnChanged = nil
			c.check.SetChecked(id.Row < m.Len() && m.ticked[m.Row(id.Row).Number])
			row := id.Row
			c.check.OnChanged = func(on bool) { m.Tick(row, on) }
			c.check.Show()
			return
		}
		c.check.Hide()
		c.label.Alignment = fyne.TextAlignLeading
		if col.right {
			c.label.Alignment = fyne.TextAlignTrailing
		}
		c.label.TextStyle.Monospace = col.right || col.id == "number" || col.id == "date"
		c.label.SetText(m.Cell(id.Row, col.id))
		c.label.Show()
	}
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		lb := o.(*widget.Label)
		if id.Col >= 0 && id.Col < len(listCols) && listCols[id.Col].title != "" {
			lb.SetText(s.t(listCols[id.Col].title))
		} else {
			lb.SetText("")
		}
		lb.Alignment = fyne.TextAlignLeading
		if id.Col >= 0 && listCols[id.Col].right {
			lb.Alignment = fyne.TextAlignTrailing
		}
	}
	t.OnSelected = func(id widget.TableCellID) { m.sel = id.Row }
	t.onEnter = l.open
	t.ExtendBaseWidget(t)
	for i, c := range listCols {
		t.SetColumnWidth(i, c.width)
	}
	l.table = t

	// filters
	from, to := newKeyEntry(), newKeyEntry()
	from.SetPlaceHolder(s.t("ui.list.from"))
	to.SetPlaceHolder(s.t("ui.list.to"))
	from.SetText(m.from)
	to.SetText(m.to)
	reload := func() { m.Reload(); l.refresh() }
	from.OnSubmitted = func(x string) { m.from = x; reload() }
	to.OnSubmitted = func(x string) { m.to = x; reload() }
	from.onBlur = func() {
		if from.Text != m.from {
			m.from = from.Text
			reload()
		}
	}
	to.onBlur = func() {
		if to.Text != m.to {
			m.to = to.Text
			reload()
		}
	}
	typeOpts := []string{s.t("ui.list.all_types")}
	for _, x := range m.types {
		typeOpts = append(typeOpts, s.t("ui.area."+areaOfType(x)))
	}
	typeSel := widget.NewSelect(typeOpts, func(o string) {
		i := slices.Index(typeOpts, o)
		m.typ = ""
		if i > 0 {
			m.typ = m.types[i-1]
		}
		m.refilter()
		l.refresh()
	})
	typeSel.SetSelected(typeOpts[0])
	if m.typ != "" {
		typeSel.SetSelected(s.t("ui.area." + areaOfType(m.typ)))
	}
	stVals := []ledger.DocStatus{"", ledger.StatusDraft, ledger.StatusAudited, ledger.StatusVoided}
	stOpts := []string{s.t("ui.list.all_status")}
	for _, x := range stVals[1:] {
		stOpts = append(stOpts, s.t("ui.doc.status."+string(x)))
	}
	stSel := widget.NewSelect(stOpts, func(o string) {
		m.status = stVals[max(slices.Index(stOpts, o), 0)]
		m.refilter()
		l.refresh()
	})
	stSel.SetSelected(stOpts[max(slices.Index(stVals, m.status), 0)])
	party := newKeyEntry()
	party.SetPlaceHolder(s.t("ui.list.partner"))
	party.SetText(m.party)
	party.OnChanged = func(x string) { m.party = x; m.refilter(); l.refresh() }
	text := newKeyEntry()
	text.SetPlaceHolder(s.t("ui.list.text"))
	text.SetText(m.text)
	text.OnChanged = func(x string) { m.text = x; m.refilter(); l.refresh() }
	dates := container.NewHBox(widget.NewLabel(s.t("ui.list.dates")), sized(from, 120), widget.NewLabel("~"), sized(to, 120))
	row1 := container.NewHBox(dates, widget.NewLabel(s.t("ui.doc.col.type")), typeSel, widget.NewLabel(s.t("ui.col.status")), stSel)
	row2 := container.New(layout.NewGridLayout(2), party, text)
	top := container.NewVBox(row1, row2)

	open := iconButton(s.t("ui.btn.open"), theme.FolderOpenIcon(), l.open)
	open.Importance = widget.HighImportance
	audit := iconButton(s.t("ui.btn.audit"), theme.ConfirmIcon(), l.cmdAudit)
	refresh := iconButton(s.t("ui.btn.refresh"), theme.ViewRefreshIcon(), reload)
	l.count = widget.NewLabel("")
	l.count.TextStyle.Monospace = true
	l.res = widget.NewLabel("")
	l.res.Wrapping = fyne.TextWrapWord
	l.errL = errorLabel()
	btns := container.NewHBox(refresh, open)
	if s.user.Can(ledger.PermAuditDoc) {
		btns.Add(audit)
	}
	if s.user.Can(ledger.PermExportStock) { // every line of the months of the dates shown
		btns.Add(iconButton(s.t("ui.btn.export"), theme.DownloadIcon(), func() {
			from, to := s.periodsOf(m.from, m.to)
			s.exportFile(s.t("ui.export.documents_file", map[string]any{"range": rangeName(from, to)})+".xlsx", ".xlsx",
				s.documentsExport(from, to))
		}))
	}
	bottom := container.NewVBox(l.errL, container.NewBorder(nil, nil, l.count, btns), l.res)
	l.refresh()
	return container.NewBorder(top, bottom, nil, nil, t)
}

// sized gives an entry a fixed width.
func sized(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
}

func (l *docList) refresh() {
	if l.table == nil || l.count == nil {
		return
	}
	n, g := l.m.Total()
	l.count.SetText(l.s.t("ui.list.count", map[string]any{"n": n, "total": g.Format()}))
	l.res.SetText(l.m.result)
	setErrorLabel(l.errL, l.s.errText(l.m.err))
	l.table.Refresh()
}

// open opens the selected document in its own tab.
func (l *docList) open() {
	if l.m.sel < 0 || l.m.sel >= l.m.Len() {
		return
	}
	l.s.openDoc(l.m.Row(l.m.sel).Number)
}

func (l *docList) cmdAudit() {
	l.m.AuditTicked()
	l.refresh()
}

func (l *docList) cmdUnaudit() {}
func (l *docList) cmdNew()     {}
func (l *docList) cmdSave()    {}
func (l *docList) cmdCancel()  {}
func (l *docList) cmdFind()    {}
