package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
	"shopbooks/report"
)

// importVM is 导入 of items, partners or opening balances from an .xlsx or .csv file
// (UI.md §3.1, issue 6): the file is read and checked against the book, every row is
// shown with its problem, nothing is written until the user confirms, and then every
// row is written in one transaction or none. The reading and checking are package
// report's, as for the CLI's `item|partner|opening import`.
type importVM struct {
	s      *session
	family string // "item", "partner" or "opening"
	path   string
	cols   []docCol // after the line and the problem
	lines  []importLine
	bad    int
	// fileErr refuses the whole file (not a table, no header, too large…): no rows.
	fileErr string
	write   func(ctx context.Context) (int, error)
}

// importLine is a row of the file as the preview shows it: its line in the file, its
// values, and what is wrong with it ("" when nothing).
type importLine struct {
	line    int
	cells   map[string]string
	problem string
}

func newImportVM(s *session, family string) *importVM { return &importVM{s: s, family: family} }

// Load reads and checks the file at path. Problems of rows are kept in the lines; a
// refusal of the whole file is fileErr; err is only a failure to read the book.
func (m *importVM) Load(ctx context.Context, path string) error {
	m.path, m.lines, m.bad, m.fileErr, m.write = path, nil, 0, "", nil
	f, err := os.Open(path)
	if err != nil {
		m.s.log.Info("import: open", "path", path, "err", err)
		m.fileErr = m.s.t("ui.import.cannot_read", map[string]any{"file": filepath.Base(path)})
		return nil
	}
	defer f.Close()
	var probs []report.RowProblem
	var perr error
	switch m.family {
	case "item":
		m.cols = []docCol{{"code", "ui.col.code", 80, false, false}, {"name", "ui.col.name", 150, false, false},
			{"unit", "ui.col.unit", 50, false, false}, {"sell", "ui.col.sell", 90, false, true},
			{"buy", "ui.col.buy", 120, false, true}, {"vat", "ui.col.vat", 56, false, true},
			{"category", "ui.col.category", 70, false, false}, {"barcode", "ui.col.barcode", 130, false, false}}
		probs, perr, err = loadRows(ctx, m, f, path, importFamily[report.ItemRow]{
			parse: report.ParseItems, check: report.CheckItems, write: report.ImportItems,
			line: func(r report.ItemRow) int { return r.Line },
			cells: func(r report.ItemRow) map[string]string {
				it := r.Item
				return map[string]string{"code": it.Code, "name": it.Name, "unit": it.Unit, "category": it.Category,
					"barcode": it.Barcode, "vat": it.VAT.String() + "%", "buy": it.Buy.String(), "sell": it.Sell.String()}
			}})
	case "partner":
		m.cols = []docCol{{"code", "ui.col.code", 90, false, false}, {"name", "ui.col.name", 200, false, false},
			{"kind", "ui.col.kind", 110, false, false}, {"contact", "ui.col.contact", 90, false, false},
			{"phone", "ui.col.phone", 120, false, false}, {"terms", "ui.col.terms", 70, false, true}}
		probs, perr, err = loadRows(ctx, m, f, path, importFamily[report.PartnerRow]{
			parse: report.ParsePartners, check: report.CheckPartners, write: report.ImportPartners,
			line: func(r report.PartnerRow) int { return r.Line },
			cells: func(r report.PartnerRow) map[string]string {
				p := r.Partner
				return map[string]string{"code": p.Code, "name": p.Name, "kind": m.partnerKind(p), "contact": p.Contact,
					"phone": p.Phone, "terms": strconv.Itoa(p.TermsDays)}
			}})
	default:
		m.cols = []docCol{{"account", "ui.col.account", 90, false, false}, {"partner", "ui.col.partner", 90, false, false},
			{"item", "ui.col.item", 90, false, false}, {"warehouse", "ui.col.warehouse", 80, false, false},
			{"qty", "ui.col.qty", 90, false, true}, {"amount", "ui.col.amount", 120, false, true}}
		probs, perr, err = loadRows(ctx, m, f, path, importFamily[report.OpeningRow]{
			parse: report.ParseOpenings, check: report.CheckOpenings, write: report.ImportOpenings,
			line: func(r report.OpeningRow) int { return r.Line },
			cells: func(r report.OpeningRow) map[string]string {
				qty := ""
				if r.Item != "" {
					qty = r.Qty.String()
				}
				return map[string]string{"account": r.Account, "partner": r.Partner, "item": r.Item, "warehouse": r.Warehouse,
					"qty": qty, "amount": r.Amount.Format()}
			}})
	}
	if err != nil {
		return err
	}
	if perr != nil {
		m.write = nil
		if _, ok := errors.AsType[*report.ImportError](perr); ok {
			m.fileErr = report.ImportMessage(m.s.cat, perr)
			return nil
		}
		m.s.log.Info("import: read", "path", path, "err", perr)
		m.fileErr = m.s.t("ui.import.cannot_read", map[string]any{"file": filepath.Base(path)})
		return nil
	}
	m.mark(probs)
	return nil
}

// importFamily is package report's reading, checking and writing of one family's rows,
// and how the preview shows a row.
type importFamily[R any] struct {
	parse func(io.Reader, string) ([]R, []report.RowProblem, error)
	check func(context.Context, *ledger.Book, []R) ([]report.RowProblem, error)
	write func(context.Context, *ledger.Book, *ledger.User, []R) (int, error)
	line  func(R) int
	cells func(R) map[string]string
}

// loadRows reads the file's rows and checks them against the book: their problems, a
// refusal of the whole file (perr), or a failure to read the book (err). The rows become
// the preview's lines and what Import writes.
func loadRows[R any](ctx context.Context, m *importVM, f io.Reader, path string, fam importFamily[R]) (probs []report.RowProblem, perr, err error) {
	rows, probs, perr := fam.parse(f, path)
	if perr != nil {
		return nil, perr, nil
	}
	more, err := fam.check(ctx, m.s.book, rows)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		m.lines = append(m.lines, importLine{line: fam.line(r), cells: fam.cells(r)})
	}
	m.write = func(ctx context.Context) (int, error) { return fam.write(ctx, m.s.book, m.s.user, rows) }
	return append(probs, more...), nil, nil
}

// partnerKind says whether a partner is a customer, a supplier or both.
func (m *importVM) partnerKind(p ledger.Partner) string {
	var kinds []string
	if p.Customer {
		kinds = append(kinds, m.s.t("ui.partner.customer"))
	}
	if p.Supplier {
		kinds = append(kinds, m.s.t("ui.partner.supplier"))
	}
	return strings.Join(kinds, "/")
}

// mark puts each problem on its line (a line the parse refused, or the header, gets a
// row of its own), in the file's order.
func (m *importVM) mark(probs []report.RowProblem) {
	at := map[int]int{}
	for i, l := range m.lines {
		at[l.line] = i
	}
	for _, p := range probs {
		i, ok := at[p.Line]
		if !ok {
			i = len(m.lines)
			at[p.Line] = i
			m.lines = append(m.lines, importLine{line: p.Line})
		}
		msg := p.Message(m.s.cat)
		if m.lines[i].problem != "" {
			msg = m.lines[i].problem + "；" + msg
		}
		m.lines[i].problem = msg
	}
	slices.SortStableFunc(m.lines, func(a, b importLine) int { return a.line - b.line })
	m.bad = 0
	for _, l := range m.lines {
		if l.problem != "" {
			m.bad++
		}
	}
}

// Columns are the preview's: the line, the problem, then the family's values.
func (m *importVM) Columns() []docCol {
	return append([]docCol{{"line", "ui.import.col.line", 56, false, true}, {"problem", "ui.import.col.problem", 330, false, false}},
		m.cols...)
}

func (m *importVM) Len() int { return len(m.lines) }

func (m *importVM) Cell(r int, col string) string {
	if r < 0 || r >= len(m.lines) {
		return ""
	}
	l := m.lines[r]
	switch col {
	case "line":
		return strconv.Itoa(l.line)
	case "problem":
		if l.problem == "" {
			return "✓"
		}
		return "× " + l.problem
	}
	return l.cells[col]
}

// Summary says what the file holds and whether it can be imported.
func (m *importVM) Summary() string {
	switch {
	case m.fileErr != "":
		return m.fileErr
	case m.bad > 0:
		return m.s.t("ui.import.bad", map[string]any{"file": filepath.Base(m.path), "count": len(m.lines), "bad": m.bad})
	case len(m.lines) == 0:
		return m.s.t("ui.import.empty", map[string]any{"file": filepath.Base(m.path)})
	}
	return m.s.t("ui.import.good."+m.family, map[string]any{"file": filepath.Base(m.path), "count": len(m.lines)})
}

// CanImport: a file read whole, with rows and none bad.
func (m *importVM) CanImport() bool {
	return m.fileErr == "" && m.write != nil && m.bad == 0 && len(m.lines) > 0
}

// Import writes every row in one transaction. A row the book refuses at that moment
// (changed since the check) is marked and nothing is written.
func (m *importVM) Import(ctx context.Context) (int, error) {
	if !m.CanImport() {
		return 0, errors.New("import: nothing to import")
	}
	n, err := m.write(ctx)
	if pe, ok := errors.AsType[*report.ProblemsError](err); ok {
		m.mark(pe.Problems)
	}
	return n, err
}

// chooseImport asks for the file to import, then previews it; after an import, done
// runs (the screen reloads its list).
func (s *session) chooseImport(family string, done func()) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		s.previewImport(family, path, done)
	}, s.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".xlsx", ".csv", ".XLSX", ".CSV"}))
	d.SetConfirmText(s.t("ui.btn.open"))
	d.SetDismissText(s.t("ui.btn.cancel"))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// previewImport reads and checks the file (a spinner while it works), then shows every
// row with its problem; 导入 writes them, and is offered only when no row is bad.
func (s *session) previewImport(family, path string, done func()) *importDialog {
	v := &importDialog{s: s, m: newImportVM(s, family), done: done}
	v.build()
	v.load(path)
	return v
}

// importDialog is the preview's dialog.
type importDialog struct {
	s       *session
	m       *importVM
	done    func()
	d       *dialog.CustomDialog
	summary *widget.Label
	detail  *widget.Label
	table   *widget.Table
	act     *widget.Activity
	goB     *widget.Button
	cancelB *widget.Button
	cancel  context.CancelFunc
	busy    bool
}

func (v *importDialog) build() {
	s, m := v.s, v.m
	v.summary = widget.NewLabel(s.t("ui.import.reading"))
	v.summary.Wrapping = fyne.TextWrapWord
	v.act = widget.NewActivity()
	v.table = reportTable(s, m.Columns, m.Len, m.Cell)
	v.goB = iconButton(s.t("ui.import.go"), theme.UploadIcon(), v.run)
	v.goB.Importance = widget.HighImportance
	v.goB.Disable()
	v.cancelB = widget.NewButton(s.t("ui.btn.cancel"), func() {
		if v.cancel != nil {
			v.cancel() // before the commit, nothing is written
		}
		v.d.Hide()
	})
	// the selected row's problem in full (the column cuts long ones)
	v.detail = widget.NewLabel("")
	v.detail.Wrapping = fyne.TextWrapWord
	v.detail.Importance = widget.DangerImportance
	v.table.OnSelected = func(id widget.TableCellID) {
		v.detail.SetText("")
		if id.Row >= 0 && id.Row < len(m.lines) && m.lines[id.Row].problem != "" {
			v.detail.SetText(s.t("ui.import.line_problem", map[string]any{"line": m.lines[id.Row].line, "problem": m.lines[id.Row].problem}))
		}
	}
	head := container.NewBorder(nil, nil, v.act, nil, v.summary)
	v.d = dialog.NewCustomWithoutButtons(s.t("ui.import.title."+m.family), container.NewBorder(head, v.detail, nil, nil, v.table), s.win)
	v.d.SetButtons([]fyne.CanvasObject{v.cancelB, v.goB})
	v.d.Resize(fyne.NewSize(1000, 620))
	v.d.Show()
}

// work runs f off the window's goroutine with the spinner on, then then on it.
func (v *importDialog) work(f func(ctx context.Context) error, then func(error)) {
	ctx, cancel := context.WithCancel(v.s.ctx)
	v.cancel, v.busy = cancel, true
	v.goB.Disable()
	v.act.Show()
	v.act.Start()
	go func() {
		err := f(ctx)
		fyne.Do(func() {
			cancel()
			v.cancel = nil
			v.act.Stop()
			v.act.Hide()
			then(err)
			v.busy = false
		})
	}()
}

func (v *importDialog) load(path string) {
	v.work(func(ctx context.Context) error { return v.m.Load(ctx, path) }, func(err error) {
		v.show(err)
	})
}

// show refreshes the summary, the rows and the button from the view-model.
func (v *importDialog) show(err error) {
	s, m := v.s, v.m
	if err != nil {
		v.summary.SetText(s.errText(err))
	} else {
		v.summary.SetText(m.Summary())
	}
	cols := m.Columns()
	setWidths(v.table, cols)
	fitAmounts(v.table, cols, m.Len(), m.Cell)
	v.table.Refresh()
	if m.CanImport() {
		v.goB.SetText(s.t("ui.import.go_count", map[string]any{"count": m.Len()}))
		v.goB.Enable()
	} else {
		v.goB.Disable()
	}
}

// run imports the rows: one transaction; the dialog then says how many were written.
func (v *importDialog) run() {
	if v.busy || !v.m.CanImport() {
		return
	}
	s, m := v.s, v.m
	var n int
	v.summary.SetText(s.t("ui.import.writing", map[string]any{"count": m.Len()}))
	v.work(func(ctx context.Context) error {
		var err error
		n, err = m.Import(ctx)
		return err
	}, func(err error) {
		if err != nil {
			if _, ok := errors.AsType[*report.ProblemsError](err); ok {
				v.show(nil)
				return
			}
			v.show(err)
			return
		}
		v.d.Hide()
		if v.done != nil {
			v.done()
		}
		l := widget.NewLabel(s.t("ui.import.done."+m.family, map[string]any{"count": n, "file": filepath.Base(m.path)}))
		l.Wrapping = fyne.TextWrapWord
		d := dialog.NewCustom(s.t("ui.import.title."+m.family), s.t("ui.btn.close"), l, s.win)
		d.Resize(fyne.NewSize(480, 180))
		d.Show()
	})
}
