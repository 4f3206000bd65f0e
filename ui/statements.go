package ui

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
	"shopbooks/report"
)

// The statements viewer (UI.md §3.9): a statement of a period from package report, its
// identity checks, and beside it the explanation of the selected number — the line's
// formula and the accounts behind it with their balances, an account's detail ledger,
// and from a ledger line its voucher and document (UI.md §1.4).

// stmtAreas maps the areas of 报表 to the kinds of statement they show.
var stmtAreas = map[string]string{
	"balance_sheet": report.KindBalanceSheet,
	"profit":        report.KindProfit,
	"trial_balance": report.KindTrialBalance,
	"stock_summary": report.KindStock,
	"aging":         report.KindAging,
	"gross_margin":  report.KindGross,
}

// buildStatement makes a statement of a kind (gross profit broken down by breakdown).
func buildStatement(ctx context.Context, b *ledger.Book, u *ledger.User, kind string, p ledger.Period, breakdown string) (report.Statement, error) {
	switch kind {
	case report.KindGross:
		return report.GrossProfit(ctx, b, u, p, p, breakdown)
	case report.KindBalanceSheet:
		return report.BalanceSheet(ctx, b, u, p)
	case report.KindProfit:
		return report.ProfitStatement(ctx, b, u, p)
	case report.KindTrialBalance:
		return report.TrialBalance(ctx, b, u, p)
	case report.KindStock:
		return report.StockSummary(ctx, b, u, p)
	case report.KindAging:
		return report.Aging(ctx, b, u, p)
	}
	return report.Statement{}, fmt.Errorf("unknown statement %q", kind)
}

// defaultPeriod is the period a statement or the home screen opens at: this month when
// the book has it, else the last closed month, else the first.
func defaultPeriod(ps []ledger.PeriodState, now time.Time) ledger.Period {
	if len(ps) == 0 {
		return ledger.Period(now.Format("2006-01"))
	}
	today := ledger.Period(now.Format("2006-01"))
	var closed ledger.Period
	for _, p := range ps {
		if p.Period == today {
			return today
		}
		if p.Closed {
			closed = p.Period
		}
	}
	if closed != "" {
		return closed
	}
	return ps[0].Period
}

// explainData is what the explanation reads besides the statement: the chart, the
// partners' names, the leaf balances at the period's end and at the year's start, and
// the leaf movements of the month and the year to date without the P&L carry-forward,
// each with an open period's previewed close, like the statement.
type explainData struct {
	accounts map[string]ledger.Account
	partners map[string]string
	end, ys  []ledger.AccountBalance
	month    map[string]ledger.Money // debit − credit per leaf
	ytd      map[string]ledger.Money
}

// loadExplain reads the explanation's data for a statement (none for the trial balance
// and the stock summary, whose lines are accounts and items).
func loadExplain(ctx context.Context, b *ledger.Book, u *ledger.User, st report.Statement) (*explainData, error) {
	x := &explainData{accounts: map[string]ledger.Account{}, partners: map[string]string{}}
	accts, err := b.Accounts(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, a := range accts {
		x.accounts[a.Code] = a
	}
	ps, err := b.Partners(ctx, ledger.PartnerFilter{Inactive: true})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		x.partners[p.Code] = p.Name
	}
	if st.Kind == report.KindTrialBalance || st.Kind == report.KindStock || st.Kind == report.KindGross {
		return x, nil
	}
	var preview []ledger.Voucher
	if st.Provisional && st.Previewed { // the statement's own preview, from the cache
		if res, err := report.Preview(ctx, b, u, st.Period); err == nil {
			preview = res.Vouchers
		}
	}
	bals, err := b.BalancesAt(ctx, u, []ledger.BalanceAt{{Period: st.Period}, {Period: st.Period, YearStart: true}})
	if err != nil {
		return nil, err
	}
	x.end, x.ys = bals[0], bals[1]
	for _, v := range preview {
		for _, l := range v.Lines {
			amt := l.Amount
			if l.Side == "C" {
				amt = -amt
			}
			x.end = append(x.end, ledger.AccountBalance{Account: l.Account, Partner: l.Partner, Item: l.Item, Balance: amt})
		}
	}
	if st.Kind != report.KindProfit {
		return x, nil
	}
	set, err := b.Settings(ctx)
	if err != nil {
		return nil, err
	}
	first := ledger.Period(string(st.Period)[:4] + "-01")
	if set.Start > first && set.Start <= st.Period {
		first = set.Start
	}
	moves := func(from ledger.Period, ytd bool) (map[string]ledger.Money, error) {
		ms, err := b.Movements(ctx, u, from, st.Period, true, ytd)
		if err != nil {
			return nil, err
		}
		out := map[string]ledger.Money{}
		for _, m := range ms {
			out[m.Account] += m.Debit - m.Credit
		}
		for _, v := range preview {
			if v.PLClose {
				continue
			}
			for _, l := range v.Lines {
				if l.Side == "D" {
					out[l.Account] += l.Amount
				} else {
					out[l.Account] -= l.Amount
				}
			}
		}
		return out, nil
	}
	if x.month, err = moves(st.Period, false); err != nil {
		return nil, err
	}
	if x.ytd, err = moves(first, true); err != nil {
		return nil, err
	}
	return x, nil
}

// explRow is a row of the explanation: another line of the statement, an account, or a
// partner's part of an account, with its amounts in the statement's columns.
type explRow struct {
	kind    string // "line", "account", "partner"
	line    int
	account string
	partner string
	code    string // shown: "L15", the account's or the partner's code
	name    string
	indent  int
	amounts []ledger.Money
}

// termRE finds the terms of DOMAIN.md §7's formulas: B(1002), C⁺(2202), ND(5602),
// C(5xxx), VD, L15, L1+…+L9.
var termRE = regexp.MustCompile(`(B⁺|C⁺|ND|NC|B|C)\((\d+)x*\)|VD|L(\d+)(?:\+…\+L(\d+))?`)

// mapSum sums the balances of the leaves under code (per partner too when partner is set).
func sumUnder(bs []ledger.AccountBalance, code string, partner *string) ledger.Money {
	var s ledger.Money
	for _, b := range bs {
		if strings.HasPrefix(b.Account, code) && (partner == nil || b.Partner == *partner) {
			s += b.Balance
		}
	}
	return s
}

func plusUnder(bs []ledger.AccountBalance, code string, sign ledger.Money) (ledger.Money, map[string]ledger.Money) {
	per := map[string]ledger.Money{}
	for _, b := range bs {
		if strings.HasPrefix(b.Account, code) {
			per[b.Partner] += sign * b.Balance
		}
	}
	var s ledger.Money
	for p, v := range per {
		if v <= 0 {
			delete(per, p)
			continue
		}
		s += v
	}
	return s, per
}

func moveUnder(ms map[string]ledger.Money, code string) ledger.Money {
	var s ledger.Money
	for a, v := range ms {
		if strings.HasPrefix(a, code) {
			s += v
		}
	}
	return s
}

// explain lists what a line of the balance sheet or the profit statement is made of, in
// the order of its formula: the lines it adds, and the accounts (with their sub-accounts
// and, for B⁺ and C⁺, the partners counted) that are not zero.
func (x *explainData) explain(st report.Statement, l report.Line, lang i18n.Lang) []explRow {
	var out []explRow
	seen := map[string]bool{}
	name := func(code string) string {
		a := x.accounts[code]
		if lang == i18n.EN && a.NameEN != "" {
			return a.NameEN
		}
		return a.Name
	}
	lineRow := func(no int) {
		key := "L" + strconv.Itoa(no)
		if seen[key] {
			return
		}
		seen[key] = true
		if ln, ok := st.Line(no); ok {
			n := ln.Name
			if lang == i18n.EN && ln.NameEN != "" {
				n = ln.NameEN
			}
			out = append(out, explRow{kind: "line", line: no, code: key, name: n, amounts: slices.Clone(ln.Cols)})
		}
	}
	nonzero := func(a []ledger.Money) bool {
		return slices.ContainsFunc(a, func(m ledger.Money) bool { return m != 0 })
	}
	// leaves adds the sub-accounts of code that carry an amount, when code is a parent
	leaves := func(code string, amounts func(leaf string) []ledger.Money) {
		if a, ok := x.accounts[code]; ok && a.Leaf {
			return
		}
		var codes []string
		for c, a := range x.accounts {
			if a.Leaf && c != code && strings.HasPrefix(c, code) {
				codes = append(codes, c)
			}
		}
		sort.Strings(codes)
		for _, c := range codes {
			if am := amounts(c); nonzero(am) {
				out = append(out, explRow{kind: "account", account: c, code: c, name: name(c), indent: 1, amounts: am})
			}
		}
	}
	acctRow := func(op, code string) {
		key := op + ":" + code
		if seen[key] {
			return
		}
		seen[key] = true
		var sign ledger.Money = 1
		if op == "C" || op == "C⁺" || op == "NC" {
			sign = -1
		}
		var am []ledger.Money
		var per [2]map[string]ledger.Money
		switch op {
		case "B", "C":
			am = []ledger.Money{sign * sumUnder(x.end, code, nil), sign * sumUnder(x.ys, code, nil)}
		case "B⁺", "C⁺":
			e, pe := plusUnder(x.end, code, sign)
			y, py := plusUnder(x.ys, code, sign)
			am, per = []ledger.Money{e, y}, [2]map[string]ledger.Money{pe, py}
		case "ND", "NC":
			am = []ledger.Money{sign * moveUnder(x.ytd, code), sign * moveUnder(x.month, code)}
		case "VD":
			am = []ledger.Money{max(sumUnder(x.end, code, nil), 0), max(sumUnder(x.ys, code, nil), 0)}
		}
		if !nonzero(am) {
			return
		}
		n := name(code)
		if _, ok := x.accounts[code]; !ok && code == "5" {
			n = "5xxx"
		}
		out = append(out, explRow{kind: "account", account: code, code: code, name: n, amounts: am})
		if op == "B⁺" || op == "C⁺" {
			var ps []string
			for p := range per[0] {
				ps = append(ps, p)
			}
			for p := range per[1] {
				if _, ok := per[0][p]; !ok {
					ps = append(ps, p)
				}
			}
			sort.Strings(ps)
			for _, p := range ps {
				pn := x.partners[p]
				out = append(out, explRow{kind: "partner", account: code, partner: p, code: p, name: pn, indent: 1,
					amounts: []ledger.Money{per[0][p], per[1][p]}})
			}
			return
		}
		if code == "5" {
			return
		}
		leaves(code, func(leaf string) []ledger.Money {
			switch op {
			case "ND", "NC":
				return []ledger.Money{sign * x.ytd[leaf], sign * x.month[leaf]}
			}
			return []ledger.Money{sign * sumUnder(x.end, leaf, nil), sign * sumUnder(x.ys, leaf, nil)}
		})
	}
	for _, m := range termRE.FindAllStringSubmatch(l.Formula, -1) {
		switch {
		case m[0] == "VD":
			acctRow("VD", "222101")
			acctRow("VD", "222102")
		case m[3] != "":
			from, _ := strconv.Atoi(m[3])
			to := from
			if m[4] != "" {
				to, _ = strconv.Atoi(m[4])
			}
			for n := from; n <= to; n++ {
				lineRow(n)
			}
		default:
			acctRow(m[1], m[2])
		}
	}
	return out
}

// stmtVM is the view-model of a statement screen.
type stmtVM struct {
	s       *session
	kind    string
	periods []ledger.PeriodState
	period  ledger.Period
	st      report.Statement
	x       *explainData
	loaded  bool
	err     error

	sel      int // selected line (index in st.Lines), -1 for none
	expl     []explRow
	explSel  int
	acct     explRow            // the account (or partner's account) whose ledger shows; account "" for none
	ledger   []ledger.DetailRow // its detail ledger over the period
	item     string             // the item whose stock ledger shows (stock summary)
	stockLed []ledger.LedgerRow
	ledSel   int
	lerr     error

	by    string             // gross profit's breakdown (report.GrossByItem, ...)
	sales []ledger.SalesLine // the sales lines behind the selected gross profit line
	// salesOf is the selected gross profit line whose sales lines show ("" is a line
	// too: no category, no customer); salesOn tells whether one is selected
	salesOf string
	salesOn bool
	costX   string // the arithmetic of the selected sales line's cost and VAT
}

func newStmtVM(s *session, kind string) *stmtVM {
	m := &stmtVM{s: s, kind: kind, sel: -1, explSel: -1, ledSel: -1, by: report.GrossByItem}
	m.periods, _ = s.book.Periods(s.ctx)
	m.period = defaultPeriod(m.periods, time.Now())
	return m
}

// stmtResult is what a load brings back from its goroutine.
type stmtResult struct {
	st report.Statement
	x  *explainData
}

// loadStmt builds a statement and its explanation's data; it touches no widget and no
// view-model, so it runs off the UI goroutine.
func loadStmt(ctx context.Context, b *ledger.Book, u *ledger.User, kind string, p ledger.Period, breakdown string) (stmtResult, error) {
	ctx = report.WithPreviews(ctx, previews)
	st, err := buildStatement(ctx, b, u, kind, p, breakdown)
	if err != nil {
		return stmtResult{}, err
	}
	x, err := loadExplain(ctx, b, u, st)
	if err != nil {
		return stmtResult{}, err
	}
	return stmtResult{st: st, x: x}, nil
}

// Load builds the statement of the chosen period (synchronously; the screen calls
// loadStmt in a goroutine and apply).
func (m *stmtVM) Load(ctx context.Context) error {
	res, err := loadStmt(ctx, m.s.book, m.s.user, m.kind, m.period, m.by)
	m.apply(res, err)
	return err
}

func (m *stmtVM) apply(res stmtResult, err error) {
	m.loaded, m.err = true, err
	m.sel, m.expl, m.explSel = -1, nil, -1
	m.clearLedger()
	if err != nil {
		m.st, m.x = report.Statement{Kind: m.kind, Period: m.period}, nil
		return
	}
	m.st, m.x = res.st, res.x
}

func (m *stmtVM) clearLedger() {
	m.acct, m.ledger, m.item, m.stockLed, m.ledSel, m.lerr = explRow{}, nil, "", nil, -1, nil
	m.sales, m.salesOf, m.salesOn, m.costX = nil, "", false, ""
}

// SetBy chooses gross profit's breakdown (the caller loads).
func (m *stmtVM) SetBy(by string) { m.by = by }

// SetPeriod chooses the period (the caller loads).
func (m *stmtVM) SetPeriod(p ledger.Period) { m.period = p }

// name is a line's name in the window's language.
func (m *stmtVM) name(l report.Line) string {
	if m.s.lang == i18n.EN && l.NameEN != "" {
		return l.NameEN
	}
	return l.Name
}

// Columns are the table's columns: 行次 or 编码, 项目, then the statement's own.
func (m *stmtVM) Columns() []docCol {
	var cols []docCol
	switch m.kind {
	case report.KindBalanceSheet, report.KindProfit:
		cols = append(cols, docCol{"no", "report.col.line", 0, false, true})
	case report.KindTrialBalance:
		cols = append(cols, docCol{"code", "report.col.account", 0, false, false})
	case report.KindStock:
		cols = append(cols, docCol{"code", "report.col.item", 0, false, false})
	case report.KindAging:
		cols = append(cols, docCol{"code", "report.col.partner", 0, false, false})
	case report.KindGross:
		code, name := report.GrossColumns(m.by)
		return append([]docCol{{"code", code, 0, false, false}, {"name", name, 0, false, false}}, m.amountCols()...)
	}
	cols = append(cols, docCol{"name", "report.col.name", 0, false, false})
	return append(cols, m.amountCols()...)
}

// amountCols are the statement's own columns.
func (m *stmtVM) amountCols() []docCol {
	var cols []docCol
	for i, c := range m.st.Columns {
		cols = append(cols, docCol{"c" + strconv.Itoa(i), "report.col." + c.Key, 0, false, true})
	}
	return cols
}

func (m *stmtVM) Len() int { return len(m.st.Lines) }

// Cell is the text of a cell: amounts with thousands separators, zero as blank.
func (m *stmtVM) Cell(r int, col string) string {
	if r < 0 || r >= len(m.st.Lines) {
		return ""
	}
	l := m.st.Lines[r]
	switch col {
	case "no":
		if m.kind == report.KindBalanceSheet || m.kind == report.KindProfit {
			return strconv.Itoa(l.No)
		}
		return ""
	case "code":
		return l.Code
	case "name":
		n := m.name(l)
		if l.Level > 1 {
			n = strings.Repeat("  ", l.Level-1) + n
		}
		return n
	}
	i, err := strconv.Atoi(strings.TrimPrefix(col, "c"))
	if err != nil || i >= len(m.st.Columns) {
		return ""
	}
	if m.st.Columns[i].Qty {
		if i < len(l.Qtys) && l.Qtys[i] != 0 {
			return fmtQty(l.Qtys[i])
		}
		return ""
	}
	if m.st.Columns[i].Pct {
		if i < len(l.Cols) && (l.Cols[i] != 0 || m.st.Col(l, "revenue") != 0) {
			return report.FormatPct(l.Cols[i])
		}
		return ""
	}
	if i < len(l.Cols) && l.Cols[i] != 0 {
		return l.Cols[i].Format()
	}
	return ""
}

// Find returns the index of the line numbered no (行次), -1 if none.
func (m *stmtVM) Find(no int) int {
	for i, l := range m.st.Lines {
		if l.No == no {
			return i
		}
	}
	return -1
}

// SelectLine explains a line: a line of the balance sheet or the profit statement by its
// formula, an account of the trial balance by its detail ledger, an item of the stock
// summary by its stock ledger, a partner of the aging by its balances.
func (m *stmtVM) SelectLine(i int) {
	m.sel, m.expl, m.explSel = i, nil, -1
	m.clearLedger()
	if i < 0 || i >= len(m.st.Lines) {
		m.sel = -1
		return
	}
	l := m.st.Lines[i]
	switch m.kind {
	case report.KindBalanceSheet, report.KindProfit:
		if m.x != nil {
			m.expl = m.x.explain(m.st, l, m.s.lang)
		}
	case report.KindTrialBalance:
		if l.Code != "" {
			// the account itself and its sub-accounts, each opening its ledger; its own
			// ledger shown at once
			for _, x := range m.st.Lines {
				if x.Code == l.Code || len(x.Code) > len(l.Code) && strings.HasPrefix(x.Code, l.Code) {
					m.expl = append(m.expl, explRow{kind: "account", account: x.Code, code: x.Code, name: m.name(x),
						indent: (len(x.Code) - len(l.Code)) / 2, amounts: x.Cols})
				}
			}
			m.SelectAccount(explRow{kind: "account", account: l.Code, code: l.Code, name: m.name(l)})
		}
	case report.KindStock:
		if l.Code != "" {
			m.item = l.Code
			m.stockLed, m.lerr = m.s.book.StockLedger(m.s.ctx, m.s.user, l.Code, m.period)
		}
	case report.KindGross:
		if !l.Bold && (l.Code != "" || m.st.Col(l, "revenue") != 0) { // a line of sales: its documents
			m.salesOf, m.salesOn = l.Code, true
			m.sales, m.lerr = report.GrossLines(m.s.ctx, m.s.book, m.s.user, m.st, l.Code)
		}
	case report.KindAging:
		if l.Code != "" && m.x != nil {
			for _, code := range []string{"1122", "2203", "1123", "2202"} {
				p := l.Code
				if b := sumUnder(m.x.end, code, &p); b != 0 {
					m.expl = append(m.expl, explRow{kind: "partner", account: code, partner: p, code: code,
						name: m.x.accountName(code, m.s.lang), amounts: []ledger.Money{b}})
				}
			}
		}
	}
}

// selectFirst explains, on a freshly loaded balance sheet or profit statement, the first
// line with an amount, and shows the ledger of its first account: the screen opens on a
// worked drill-down rather than an empty pane.
func (m *stmtVM) selectFirst() {
	if m.err != nil || m.kind == report.KindAging {
		return
	}
	if m.kind == report.KindTrialBalance || m.kind == report.KindStock || m.kind == report.KindGross {
		if len(m.st.Lines) > 1 {
			m.SelectLine(0)
		}
		return
	}
	for i, l := range m.st.Lines {
		if slices.ContainsFunc(l.Cols, func(x ledger.Money) bool { return x != 0 }) {
			m.SelectLine(i)
			for j, r := range m.expl {
				if r.kind == "account" {
					m.SelectExpl(j)
					break
				}
			}
			return
		}
	}
}

// Line is the selected line.
func (m *stmtVM) Line() (report.Line, bool) {
	if m.sel < 0 || m.sel >= len(m.st.Lines) {
		return report.Line{}, false
	}
	return m.st.Lines[m.sel], true
}

// Explain is the explanation of the selected line.
func (m *stmtVM) Explain() []explRow { return m.expl }

// SelectExpl acts on a row of the explanation: a line selects that line of the
// statement (the returned index, else -1), an account or a partner shows its ledger.
func (m *stmtVM) SelectExpl(i int) int {
	if i < 0 || i >= len(m.expl) {
		return -1
	}
	r := m.expl[i]
	if r.kind == "line" {
		j := m.Find(r.line)
		m.SelectLine(j)
		return j
	}
	m.explSel = i
	m.SelectAccount(r)
	return -1
}

// SelectAccount shows the detail ledger of an account (a partner's part when the row
// names one) over the period.
func (m *stmtVM) SelectAccount(r explRow) {
	m.acct, m.ledSel = r, -1
	if r.account == "5" || r.account == "" {
		m.ledger, m.lerr = nil, nil
		return
	}
	m.ledger, m.lerr = m.s.book.DetailLedger(m.s.ctx, m.s.user, r.account, r.partner, m.period, m.period)
}

// Ledger lists the detail ledger shown.
func (m *stmtVM) Ledger() []ledger.DetailRow { return m.ledger }

var stmtLedgerCols = []docCol{{"date", "ui.doc.field.date", 64, false, false}, {"voucher", "ui.stmt.voucher", 90, false, false},
	{"summary", "ui.stmt.summary", 330, false, false}, {"debit", "ui.stmt.debit", 120, false, true},
	{"credit", "ui.stmt.credit", 120, false, true}, {"dir", "ui.stmt.dir", 56, false, false},
	{"balance", "ui.stmt.balance", 130, false, true}}

// LedgerCell is a cell of the ledger pane (the detail ledger, or the stock ledger of the
// stock summary).
func (m *stmtVM) LedgerCell(r int, col string) string {
	if m.item != "" {
		return (&stockLedgerVM{s: m.s, rows: m.stockLed}).Cell(r, col)
	}
	if m.salesOn {
		return m.salesCell(r, col)
	}
	if r < 0 || r >= len(m.ledger) {
		return ""
	}
	x := m.ledger[r]
	money := func(a ledger.Money) string {
		if a == 0 && x.Kind == "line" {
			return ""
		}
		return a.Format()
	}
	switch col {
	case "date":
		if d := string(x.Date); len(d) == 10 {
			return d[5:]
		}
		return string(x.Date)
	case "voucher":
		if _, n, ok := strings.Cut(x.Voucher, "/"); ok {
			return n
		}
		return x.Voucher
	case "summary":
		switch x.Kind {
		case "open":
			return m.s.t("ui.stmt.opening")
		case "total":
			return m.s.t("ui.stmt.month_total")
		case "ytd":
			return m.s.t("ui.stmt.ytd_total")
		}
		s := x.Summary
		if x.Partner != "" && m.acct.partner == "" {
			s += " · " + x.Partner
		}
		return s
	case "debit":
		if x.Kind == "open" {
			return ""
		}
		return money(x.Debit)
	case "credit":
		if x.Kind == "open" {
			return ""
		}
		return money(x.Credit)
	case "dir":
		switch {
		case x.Balance > 0:
			return m.s.t("ui.stmt.dir_d")
		case x.Balance < 0:
			return m.s.t("ui.stmt.dir_c")
		}
		return m.s.t("ui.stmt.dir_zero")
	case "balance":
		b := x.Balance
		if b < 0 {
			b = -b
		}
		return b.Format()
	}
	return ""
}

func (m *stmtVM) LedgerLen() int {
	if m.item != "" {
		return len(m.stockLed)
	}
	if m.salesOn {
		return len(m.sales)
	}
	return len(m.ledger)
}

func (m *stmtVM) LedgerCols() []docCol {
	if m.item != "" {
		return ledgerCols
	}
	if m.kind == report.KindGross { // report.col.* titles: translated here, reportTable shows them as given
		cols := slices.Clone(salesCols)
		for i := range cols {
			if strings.HasPrefix(cols[i].title, "report.") {
				cols[i].title = m.s.t(cols[i].title)
			}
		}
		return cols
	}
	return stmtLedgerCols
}

// LedgerRef is the voucher and the document behind a row of the ledger pane.
func (m *stmtVM) LedgerRef(r int) (voucher, doc string) {
	if m.item != "" {
		if r >= 0 && r < len(m.stockLed) {
			return "", m.stockLed[r].Number
		}
		return "", ""
	}
	if m.salesOn {
		if r >= 0 && r < len(m.sales) {
			return "", m.sales[r].Doc
		}
		return "", ""
	}
	if r < 0 || r >= len(m.ledger) {
		return "", ""
	}
	return m.ledger[r].Voucher, m.ledger[r].Doc
}

// Title is the statement's name.
func (m *stmtVM) Title() string { return m.s.t("report.kind." + m.kind) }

// loadingKey is the message shown while the statement is computed: an open period's
// says its close is previewed, a closed one's does not.
func (m *stmtVM) loadingKey() string {
	for _, p := range m.periods {
		if p.Period == m.period && p.Closed {
			return "ui.stmt.loading_closed"
		}
	}
	return "ui.stmt.loading"
}

// State says whether the period is closed, or open and previewed.
func (m *stmtVM) State() string {
	if !m.loaded || m.err != nil {
		return ""
	}
	if m.st.Provisional && m.kind == report.KindGross {
		return m.s.t("report.provisional.cost")
	}
	if m.st.Provisional {
		return m.s.t("report.provisional")
	}
	return m.s.t("ui.stmt.closed")
}

// previews keeps open months' previewed closes for the statements and the home screen:
// a month is previewed once (not once per statement and again for its drill-down) while
// the book's change counter stays the same. Keyed by book and user, so windows on other
// books or users never share an entry; a handful at most.
var previews = report.NewPreviews()

// runAsync runs work off the UI goroutine, then done on it (STYLE.md §7). The tests make
// it synchronous: Fyne's test driver has no UI goroutine to hand done to.
var runAsync = func(work, done func()) {
	go func() {
		work()
		fyne.Do(done)
	}()
}

// stmtScreen shows a stmtVM.
type stmtScreen struct {
	s  *session
	m  *stmtVM
	mu sync.Mutex
	// the load under way: a newer one makes an older one's result stale
	gen     int
	loading bool

	body      *fyne.Container
	table     *widget.Table
	periodSel *widget.Select
	state     *widget.Label
	hint      *widget.Label
	checks    *fyne.Container
	errL      *widget.Label
	exportB   *widget.Button

	explTitle   *widget.Label
	explFormula *widget.Label
	explTable   *widget.Table
	ledTitle    *widget.Label
	ledTable    *widget.Table
	voucherB    *widget.Button
	docB        *widget.Button
}

func newStatementScreen(s *session, kind string) *stmtScreen {
	return &stmtScreen{s: s, m: newStmtVM(s, kind)}
}

func (v *stmtScreen) title() string { return v.m.Title() }

func (v *stmtScreen) build() fyne.CanvasObject {
	s, m := v.s, v.m
	title := widget.NewLabelWithStyle(m.Title(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	var prev, next *widget.Button
	v.periodSel, prev, next = periodBar(m.periods, m.period, func(p ledger.Period) {
		m.SetPeriod(p)
		v.reload()
	})
	v.state = widget.NewLabel("")
	v.hint = widget.NewLabel("")
	v.hint.Importance = widget.WarningImportance
	v.hint.Hide()
	refresh := iconButton(s.t("ui.btn.refresh"), theme.ViewRefreshIcon(), func() {
		m.periods, _ = s.book.Periods(s.ctx)
		v.reload()
	})
	v.exportB = iconButton(s.t("ui.stmt.export"), theme.DocumentSaveIcon(), v.export)
	// the accountant's hand-off workbook of the shown month: every statement, the
	// vouchers, the checks and the audit trail's chain head
	handOff := iconButton(s.t("ui.export.handoff"), theme.MailSendIcon(), func() {
		s.exportFile(s.handOffName(m.period), ".xlsx", s.handOff(m.period))
	})
	right := container.NewHBox(refresh)
	if s.user.Can(ledger.PermExport) {
		right.Add(v.exportB)
		right.Add(handOff)
	}
	left := container.NewHBox(title, v.periodSel, prev, next)
	if m.kind == report.KindGross {
		var labels []string
		for _, b := range report.GrossByValues {
			labels = append(labels, s.t("report.gross.by."+b))
		}
		bySel := widget.NewSelect(labels, nil)
		bySel.SetSelectedIndex(max(slices.Index(report.GrossByValues, m.by), 0))
		bySel.OnChanged = func(string) {
			if by := report.GrossByValues[max(bySel.SelectedIndex(), 0)]; by != m.by {
				m.SetBy(by)
				v.reload()
			}
		}
		left.Add(bySel)
	}
	left.Add(v.state)
	top := container.NewBorder(nil, nil, left, right)
	v.checks = container.NewHBox()
	v.errL = errorLabel()

	v.table = v.stmtTable()
	v.table.OnSelected = func(id widget.TableCellID) {
		if id.Row != m.sel {
			m.SelectLine(id.Row)
			v.refreshExpl()
		}
	}
	// the statement beside its explanation; the ledger of the chosen account under both,
	// as wide as the window
	expl, led := v.explPane()
	split := container.NewHSplit(v.table, expl)
	split.Offset = 0.55
	if m.kind == report.KindGross { // seven columns; the explanation is a few lines of arithmetic
		split.Offset = 0.78
	}
	outer := container.NewVSplit(split, led)
	outer.Offset = 0.64
	v.body = container.NewStack(outer)
	// the checks scroll sideways rather than widen the window (the trial balance has four)
	checks := container.NewHScroll(container.NewHBox(v.checks, v.hint))
	checks.SetMinSize(fyne.NewSize(100, v.hint.MinSize().Height))
	head := container.NewVBox(top, checks, v.errL)
	out := container.NewBorder(head, nil, nil, nil, v.body)
	if !m.loaded {
		v.reload()
	} else {
		v.refresh()
	}
	return out
}

// stmtTable is the statement: numbers right-aligned in monospace, negatives red, totals
// bold on a tinted row.
func (v *stmtScreen) stmtTable() *widget.Table {
	s, m := v.s, v.m
	t := widget.NewTableWithHeaders(
		func() (int, int) { return m.Len(), len(m.Columns()) },
		func() fyne.CanvasObject {
			bg := canvas.NewRectangle(color.Transparent)
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(bg, l)
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			bg, l := c.Objects[0].(*canvas.Rectangle), c.Objects[1].(*widget.Label)
			cs := m.Columns()
			if id.Col >= len(cs) || id.Row >= m.Len() {
				l.SetText("")
				return
			}
			col := cs[id.Col]
			txt := m.Cell(id.Row, col.id)
			bold := m.st.Lines[id.Row].Bold
			l.Alignment = fyne.TextAlignLeading
			if col.right {
				l.Alignment = fyne.TextAlignTrailing
			}
			// the theme has no bold monospace face: a total's amounts stand out by the tint
			l.TextStyle = fyne.TextStyle{Monospace: col.right, Bold: bold && !col.right}
			l.Importance = widget.MediumImportance
			if col.right && strings.HasPrefix(txt, "-") {
				l.Importance = widget.DangerImportance
			}
			if bold && (m.kind != report.KindTrialBalance || m.st.Lines[id.Row].Code == "") {
				bg.FillColor = totalTint()
			} else {
				bg.FillColor = color.Transparent
			}
			bg.Refresh()
			l.SetText(txt)
		})
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		cs := m.Columns()
		if id.Col < 0 || id.Col >= len(cs) {
			l.SetText("")
			return
		}
		l.TextStyle.Bold = true
		l.SetText(s.t(cs[id.Col].title))
		l.Alignment = fyne.TextAlignLeading
		if cs[id.Col].right {
			l.Alignment = fyne.TextAlignTrailing
		}
	}
	return t
}

// totalTint is the background of a total line.
func totalTint() color.Color { return color.NRGBA{R: 0x20, G: 0x60, B: 0xc0, A: 0x18} }

// explPane is the explanation: the selected line and its formula with the accounts
// behind it; and the selected account's ledger with buttons to its voucher and document.
func (v *stmtScreen) explPane() (fyne.CanvasObject, fyne.CanvasObject) {
	s, m := v.s, v.m
	v.explTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.explTitle.Wrapping = fyne.TextWrapWord
	v.explFormula = widget.NewLabel("")
	v.explFormula.Wrapping = fyne.TextWrapWord
	v.explFormula.Selectable = true
	v.explTable = reportTable(s, m.ExplCols, func() int { return len(m.expl) }, m.ExplCell)
	v.explTable.OnSelected = func(id widget.TableCellID) {
		if id.Row == m.explSel {
			return
		}
		if j := m.SelectExpl(id.Row); j >= 0 {
			v.table.Select(widget.TableCellID{Row: j, Col: 0})
			v.table.ScrollTo(widget.TableCellID{Row: j, Col: 0})
			v.refreshExpl()
			return
		}
		v.refreshLedger()
	}
	v.ledTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.ledTable = reportTable(s, m.LedgerCols, m.LedgerLen, m.LedgerCell)
	v.ledTable.OnSelected = func(id widget.TableCellID) {
		m.ledSel = id.Row
		switch {
		case m.salesOn: // a sales line: its cost's and its VAT's arithmetic
			m.ExplainSale(id.Row)
			v.showCostNote()
		case m.item != "": // a stock ledger row: its cost's arithmetic
			m.ExplainStockRow(id.Row)
			v.showCostNote()
		}
		v.refreshButtons()
	}
	v.voucherB = iconButton(s.t("ui.stmt.open_voucher"), theme.FileIcon(), func() {
		if ref, _ := m.LedgerRef(m.ledSel); ref != "" {
			s.open("voucher:" + ref)
		}
	})
	v.docB = iconButton(s.t("ui.stmt.open_doc"), theme.DocumentIcon(), func() {
		if _, doc := m.LedgerRef(m.ledSel); doc != "" {
			s.open("doc:" + doc)
		}
	})
	ledHead := container.NewBorder(nil, nil, nil, container.NewHBox(v.voucherB, v.docB), v.ledTitle)
	lower := container.NewBorder(ledHead, nil, nil, nil, v.ledTable)
	var upper fyne.CanvasObject = container.NewBorder(container.NewVBox(v.explTitle, v.explFormula), nil, nil, nil, v.explTable)
	if m.kind == report.KindGross || m.kind == report.KindStock { // arithmetic only, a line's and a movement's: it may run long
		upper = container.NewVScroll(container.NewVBox(v.explTitle, v.explFormula))
	}
	return upper, lower
}

// reload builds the statement off the UI goroutine, an activity showing meanwhile (an
// open period runs the close preview, UI.md §4.5).
func (v *stmtScreen) reload() {
	s, m := v.s, v.m
	v.mu.Lock()
	v.gen++
	gen := v.gen
	v.loading = true
	v.mu.Unlock()
	kind, period := m.kind, m.period
	act := widget.NewActivity()
	act.Start()
	wait := container.NewCenter(container.NewVBox(act, widget.NewLabel(s.t(m.loadingKey(), map[string]any{"period": string(period)}))))
	if v.body != nil {
		v.body.Objects = append(v.body.Objects[:1], wait)
		v.body.Objects[0].Hide()
		v.body.Refresh()
	}
	b, u := s.book, s.user
	var res stmtResult
	var err error
	by := m.by
	runAsync(func() { res, err = loadStmt(context.Background(), b, u, kind, period, by) }, func() {
		act.Stop()
		v.mu.Lock()
		stale := gen != v.gen
		if !stale {
			m.apply(res, err)
			m.selectFirst()
			v.loading = false
		}
		v.mu.Unlock()
		if stale {
			return
		}
		if v.body != nil {
			v.body.Objects = v.body.Objects[:1]
			v.body.Objects[0].Show()
			v.body.Refresh()
		}
		v.refresh()
	})
}

// refresh shows the view-model: the state, the checks, the table and the explanation.
func (v *stmtScreen) refresh() {
	s, m := v.s, v.m
	if v.table == nil {
		return
	}
	v.state.SetText(m.State())
	v.state.Importance = widget.MediumImportance
	if m.st.Provisional {
		v.state.Importance = widget.WarningImportance
	}
	v.state.TextStyle.Bold = m.st.Provisional
	v.state.Refresh()
	if m.loaded && m.err == nil && m.st.Provisional && !m.st.Previewed && m.kind != report.KindGross {
		v.hint.SetText(s.t("ui.stmt.not_previewed"))
		v.hint.Show()
	} else {
		v.hint.Hide()
	}
	v.checks.Objects = nil
	for _, c := range m.st.Checks {
		icon := theme.ConfirmIcon()
		if !c.OK {
			icon = theme.NewErrorThemedResource(theme.ErrorIcon())
		}
		l := widget.NewLabel(glyphSafe(s.t("report.check." + c.Name)))
		// the detail in monospace: its face has ≠, the text faces do not
		d := widget.NewLabel(formatDetail(c.Detail))
		d.TextStyle.Monospace = true
		if !c.OK {
			l.Importance, d.Importance = widget.DangerImportance, widget.DangerImportance
		}
		v.checks.Add(container.NewHBox(l, d, widget.NewIcon(icon)))
	}
	v.checks.Refresh()
	setErrorLabel(v.errL, s.errText(m.err))
	v.widths()
	v.table.UnselectAll()
	if m.sel >= 0 {
		v.table.Select(widget.TableCellID{Row: m.sel, Col: 1})
	}
	v.table.Refresh()
	v.exportB.Disable()
	if m.loaded && m.err == nil {
		v.exportB.Enable()
	}
	v.refreshExpl()
}

// glyphSafe replaces the minus sign U+2212, which neither text face has, by a hyphen.
func glyphSafe(t string) string { return strings.ReplaceAll(t, "−", "-") }

// amountRE finds the plain amounts of a check's detail ("258061.03 = 258061.03").
var amountRE = regexp.MustCompile(`-?\d+\.\d{2}\b`)

// formatDetail writes a check's amounts with thousands separators.
func formatDetail(d string) string {
	return amountRE.ReplaceAllStringFunc(d, func(x string) string {
		m, err := ledger.ParseMoney("amount", x)
		if err != nil {
			return x
		}
		return m.Format()
	})
}

// widths sizes the table's columns from their texts in the window's language.
func (v *stmtScreen) widths() {
	s, m := v.s, v.m
	cols := m.Columns()
	size := theme.TextSize()
	pad := theme.Padding() * 4
	for i, c := range cols {
		w := fyne.MeasureText(s.t(c.title), size, fyne.TextStyle{Bold: true}).Width + pad
		switch c.id {
		case "no":
			w = max(w, 48)
		case "code":
			w = max(w, 90)
		case "name":
			longest := float32(0)
			for r := range m.Len() {
				longest = max(longest, fyne.MeasureText(m.Cell(r, "name"), size, fyne.TextStyle{}).Width)
			}
			w = min(max(w, longest+pad+theme.Padding()*2), 220)
		default:
			widest := fyne.MeasureText("0,000.00", size, fyne.TextStyle{Monospace: true}).Width
			for r := range m.Len() {
				widest = max(widest, fyne.MeasureText(m.Cell(r, c.id), size, fyne.TextStyle{Monospace: true}).Width)
			}
			w = max(w, widest+pad+theme.Padding()*4) // the label's own insets besides the cell's
		}
		v.table.SetColumnWidth(i, w)
	}
}

// refreshExpl shows the selected line's explanation.
func (v *stmtScreen) refreshExpl() {
	s, m := v.s, v.m
	if v.explTitle == nil {
		return
	}
	l, ok := m.Line()
	switch {
	case !ok:
		v.explTitle.SetText(s.t("ui.stmt.pick_line"))
		v.explFormula.SetText("")
	default:
		head := m.name(l)
		if l.No > 0 && (m.kind == report.KindBalanceSheet || m.kind == report.KindProfit) {
			head = s.t("ui.stmt.line_no", map[string]any{"no": l.No}) + "  " + head
		} else if l.Code != "" {
			head = l.Code + "  " + head
		}
		v.explTitle.SetText(head)
		f := ""
		switch {
		case m.kind == report.KindGross:
			f = m.grossArithmetic(l)
			if m.costX != "" {
				f += "\n\n" + m.costX
			}
		case m.kind == report.KindStock && m.item != "" && s.user.Can(ledger.PermViewCost):
			f = s.t("ui.stmt.pick_stock_row")
			if m.costX != "" {
				f = m.costX
			}
		}
		if l.Formula != "" {
			f = s.t("ui.stmt.formula", map[string]any{"formula": glyphSafe(l.Formula)})
			if len(m.expl) == 0 {
				f += "\n" + s.t("ui.stmt.all_zero")
			}
		}
		v.explFormula.SetText(f)
	}
	if m.kind == report.KindGross || m.kind == report.KindStock { // the arithmetic says it all; the rows are below
		v.explTable.Hide()
	}
	cols := m.ExplCols()
	setWidths(v.explTable, cols)
	fitAmounts(v.explTable, cols, len(m.expl), m.ExplCell)
	v.explTable.UnselectAll()
	if m.explSel >= 0 {
		v.explTable.Select(widget.TableCellID{Row: m.explSel, Col: 0})
	}
	v.explTable.Refresh()
	v.refreshLedger()
}

// ExplCell is the text of the explanation's row r in column col.
func (m *stmtVM) ExplCell(r int, col string) string {
	if r < 0 || r >= len(m.expl) {
		return ""
	}
	x := m.expl[r]
	switch col {
	case "code":
		return strings.Repeat("  ", x.indent) + x.code
	case "name":
		return strings.Repeat("  ", x.indent) + x.name
	}
	i, _ := strconv.Atoi(strings.TrimPrefix(col, "a"))
	if i < len(x.amounts) {
		return x.amounts[i].Format()
	}
	return ""
}

// fitAmounts widens t's right-aligned (amount) columns to their widest cell, so that a
// bank balance of tens of millions is not cut to "14,171,361…". Amounts are monospaced:
// the longest text is the widest, and only it is measured. It returns the widths set (0
// for the columns it leaves).
func fitAmounts(t *widget.Table, cols []docCol, rows int, cell func(int, string) string) []float32 {
	set := make([]float32, len(cols))
	for i, c := range cols {
		if !c.right {
			continue
		}
		longest := ""
		for r := range rows {
			if x := cell(r, c.id); len(x) > len(longest) {
				longest = x
			}
		}
		w := fyne.MeasureText(longest, theme.TextSize(), fyne.TextStyle{Monospace: true}).Width + theme.Padding()*8
		set[i] = max(c.width, w)
		t.SetColumnWidth(i, set[i])
	}
	return set
}

// ExplCols are the explanation's columns: code, name, the statement's amounts (the
// balance only for the aging).
func (m *stmtVM) ExplCols() []docCol {
	cols := []docCol{{"code", "ui.stmt.code", 72, false, false}, {"name", "ui.stmt.name", 130, false, false}}
	for i, c := range m.st.Columns {
		if m.kind == report.KindAging {
			return append(cols, docCol{"a0", "ui.stmt.balance", 112, false, true})
		}
		cols = append(cols, docCol{"a" + strconv.Itoa(i), m.s.t("report.col." + c.Key), 112, false, true})
	}
	return cols
}

func (v *stmtScreen) refreshLedger() {
	s, m := v.s, v.m
	switch {
	case m.item != "":
		name := m.item
		if it, err := s.book.Item(s.ctx, m.item); err == nil {
			name += " " + it.Name
		}
		v.ledTitle.SetText(s.t("ui.stmt.stock_ledger", map[string]any{"item": name, "period": string(m.period)}))
	case m.salesOn:
		v.ledTitle.SetText(s.t("ui.stmt.sales_lines", map[string]any{"period": string(m.period)}))
	case m.acct.account != "":
		what := m.acct.account + " " + m.x.accountName(m.acct.account, s.lang)
		if m.acct.partner != "" {
			what += " · " + m.acct.partner + " " + m.x.partners[m.acct.partner]
		}
		v.ledTitle.SetText(s.t("ui.stmt.ledger", map[string]any{"account": what, "period": string(m.period)}))
	default:
		v.ledTitle.SetText(s.t("ui.stmt.pick_account"))
	}
	if m.lerr != nil {
		v.ledTitle.SetText(s.errText(m.lerr))
	}
	cols := m.LedgerCols()
	setWidths(v.ledTable, cols)
	fitAmounts(v.ledTable, cols, m.LedgerLen(), m.LedgerCell)
	v.ledTable.UnselectAll()
	v.ledTable.Refresh()
	v.refreshButtons()
}

func (x *explainData) accountName(code string, lang i18n.Lang) string {
	if x == nil {
		return ""
	}
	a := x.accounts[code]
	if lang == i18n.EN && a.NameEN != "" {
		return a.NameEN
	}
	return a.Name
}

func (v *stmtScreen) refreshButtons() {
	ref, doc := v.m.LedgerRef(v.m.ledSel)
	if v.m.ledSel < 0 {
		ref, doc = "", ""
	}
	if ref == "" {
		v.voucherB.Disable()
	} else {
		v.voucherB.Enable()
	}
	if doc == "" {
		v.docB.Disable()
	} else {
		v.docB.Enable()
	}
	if v.m.item != "" || v.m.kind == report.KindGross {
		v.voucherB.Hide()
	} else {
		v.voucherB.Show()
	}
}

// export writes the shown statement as an Excel workbook to a file the user picks, off
// the UI goroutine, the progress in the status bar; a failed export leaves no file.
func (v *stmtScreen) export() {
	s, m := v.s, v.m
	if !m.loaded || m.err != nil {
		return
	}
	st := m.st
	s.exportFile(fmt.Sprintf("%s-%s.xlsx", s.t("report.kind."+st.Kind), st.Period), ".xlsx",
		export{ledger.ExportStatements, st.Kind + " " + string(st.Period),
			func(_ context.Context, w io.Writer) error { return report.XLSX(w, st) }})
}

// salesCols are the columns of the sales lines behind a gross profit line.
var salesCols = []docCol{{"date", "ui.doc.field.date", 64, false, false}, {"number", "ui.doc.field.number", 150, false, false},
	{"who", "ui.stmt.sales_who", 170, false, false}, {"qty", "report.col.qty", 80, false, true},
	{"revenue", "report.col.revenue", 160, false, true}, {"cost", "report.col.cost", 110, false, true},
	{"profit", "report.col.profit", 110, false, true}}

// salesCell is a cell of the sales lines: the item (the customer when the breakdown is
// by item), a return's figures negative.
func (m *stmtVM) salesCell(r int, col string) string {
	if r < 0 || r >= len(m.sales) {
		return ""
	}
	x := m.sales[r]
	switch col {
	case "date":
		if d := string(x.Date); len(d) == 10 {
			return d[5:]
		}
		return string(x.Date)
	case "number":
		return fmt.Sprintf("%s/%d", x.Doc, x.LineNo)
	case "who":
		if m.by == report.GrossByItem {
			if x.Partner == "" {
				return m.s.t("report.gross.no_customer")
			}
			return x.Partner + " " + x.PartnerName
		}
		return x.Item + " " + x.ItemName
	case "qty":
		return fmtQty(x.Qty)
	case "revenue":
		return x.Net.Format()
	case "cost":
		return x.Cost.Format()
	case "profit":
		return (x.Net - x.Cost).Format()
	}
	return ""
}

// grossArithmetic is a gross profit line's arithmetic: profit = revenue − cost, margin =
// profit / revenue.
func (m *stmtVM) grossArithmetic(l report.Line) string {
	rev, cost, profit := m.st.Col(l, "revenue"), m.st.Col(l, "cost"), m.st.Col(l, "profit")
	f := m.s.t("ui.stmt.gross_profit", map[string]any{"revenue": rev.Format(), "cost": cost.Format(), "profit": profit.Format()})
	if rev != 0 {
		f += "\n" + m.s.t("ui.stmt.gross_margin", map[string]any{"profit": profit.Format(), "revenue": rev.Format(),
			"margin": report.FormatPct(m.st.Col(l, "margin"))})
	}
	if m.st.Provisional && m.costX == "" { // a sale's arithmetic says it itself
		f += "\n" + m.s.t("ui.stmt.gross_provisional")
	}
	return f
}

// ExplainSale explains the cost and the VAT of a sales line from what costing and the
// document stored (ledger.Book.ExplainCost): the moving average it took, the delivery a
// return came back at, the month's average, the FIFO state, the VAT's rounding.
func (m *stmtVM) ExplainSale(r int) {
	m.costX = ""
	if r < 0 || r >= len(m.sales) {
		return
	}
	sl := m.sales[r]
	x, err := m.s.book.ExplainCost(m.s.ctx, m.s.user, sl.Doc, sl.LineNo)
	if err != nil {
		m.costX = m.s.errText(err)
		return
	}
	m.costX = costArithmetic(m.s, x)
}

// layerName names a FIFO layer for a person: the opening, the shortfall at the last
// cost, or the document line of its inflow.
func layerName(s *session, id, from string) string {
	switch {
	case id == "opening":
		return s.t("ui.cost.layer_opening", nil)
	case id == "-":
		return s.t("ui.cost.layer_short", nil)
	case from != "":
		return from
	}
	return id
}

// costArithmetic writes an explanation as the window shows it.
func costArithmetic(s *session, x ledger.CostExplanation) string {
	t := func(key string, args map[string]any) string { return s.t(key, args) }
	lines := []string{t("ui.cost.head", map[string]any{"line": fmt.Sprintf("%s/%d", x.Doc, x.Line), "item": x.Item})}
	switch {
	case x.Kind == 0:
	case x.Fixed:
		lines = append(lines, t("ui.cost.fixed", map[string]any{"cost": x.Cost.Format()}))
	case x.SrcLine != "" && x.SrcQty > 0:
		lines = append(lines, t("ui.cost.return", map[string]any{"src": x.SrcLine, "src_cost": x.SrcCost.Format(),
			"qty": fmtQty(x.Qty), "src_qty": fmtQty(x.SrcQty), "want": x.Want.Format()}))
	case x.Method == ledger.CostingMonthly:
		lines = append(lines, t("ui.cost.monthly", map[string]any{"open_qty": fmtQty(x.OpenQty), "open_amount": x.OpenAmount.Format(),
			"fixed_qty": fmtQty(x.FixedQty), "fixed_amount": x.FixedAmount.Format(), "qa": fmtQty(x.OpenQty + x.FixedQty),
			"aa": (x.OpenAmount + x.FixedAmount).Format(), "qty": fmtQty(x.Qty), "want": x.Want.Format()}))
	case x.Method == ledger.CostingFIFO:
		var ls []string
		for _, l := range x.OpenLayers {
			ls = append(ls, fmtQty(l.Qty)+" / "+l.Amount.Format())
		}
		lines = append(lines, t("ui.cost.fifo", map[string]any{"before_qty": fmtQty(x.BeforeQty), "before_amount": x.BeforeAmount.Format(),
			"after_qty": fmtQty(x.AfterQty), "after_amount": x.AfterAmount.Format(), "layers": strings.Join(ls, "; ")}))
		if len(x.Taken) > 0 {
			var ts []string
			for i, l := range x.Taken {
				ts = append(ts, layerName(s, l.ID, x.TakenFrom[i])+" "+fmtQty(l.Qty)+" / "+l.Amount.Format())
			}
			lines = append(lines, t("ui.cost.fifo_taken", map[string]any{"taken": strings.Join(ts, " + "), "want": x.Want.Format()}))
		}
	case x.Qty == x.BeforeQty:
		lines = append(lines, t("ui.cost.moving_all", map[string]any{"qty": fmtQty(x.Qty), "amount": x.BeforeAmount.Format()}))
	default:
		lines = append(lines, t("ui.cost.moving", map[string]any{"before_qty": fmtQty(x.BeforeQty), "before_amount": x.BeforeAmount.Format(),
			"qty": fmtQty(x.Qty), "want": x.Want.Format()}))
	}
	if x.Kind != 0 && !x.Fixed && !x.Holds {
		lines = append(lines, t("ui.cost.stored", map[string]any{"cost": x.Cost.Format()}))
	}
	vat := map[string]any{"net": x.Net.Format(), "gross": x.Gross.Format(), "rate": x.Rate.String(), "want": x.VATWant.Format(), "vat": x.VAT.Format()}
	switch {
	case x.Net == 0 && x.VAT == 0: // a count, a transfer: no VAT
	case x.Inclusive:
		lines = append(lines, t("ui.vat.inclusive", vat))
	default:
		lines = append(lines, t("ui.vat.exclusive", vat))
	}
	if x.Override {
		lines = append(lines, t("ui.vat.override", vat))
	}
	if x.Provisional && x.Kind != 0 && !x.Fixed {
		lines = append(lines, t("ui.cost.provisional", nil))
	}
	return strings.Join(lines, "\n")
}

// ExplainStockRow explains the cost of a row of the stock ledger shown (the stock
// summary's drill-down); nothing for the opening and transfers.
func (m *stmtVM) ExplainStockRow(r int) {
	m.costX = ""
	if r < 0 || r >= len(m.stockLed) || m.stockLed[r].Number == "" || m.stockLed[r].Type == ledger.DocTransfer ||
		!m.s.user.Can(ledger.PermViewCost) {
		return
	}
	x, err := m.s.book.ExplainItemCost(m.s.ctx, m.s.user, m.stockLed[r].Number, m.item)
	if err != nil {
		m.costX = m.s.errText(err)
		return
	}
	m.costX = costArithmetic(m.s, x)
}

// showCostNote shows the selected sales line's (or stock ledger row's) arithmetic under
// the line's own.
func (v *stmtScreen) showCostNote() {
	l, ok := v.m.Line()
	if !ok || v.explFormula == nil {
		return
	}
	f := ""
	if v.m.kind == report.KindGross {
		f = v.m.grossArithmetic(l)
	}
	if f == "" && v.m.costX == "" && v.m.kind == report.KindStock {
		f = v.s.t("ui.stmt.pick_stock_row")
	}
	switch {
	case v.m.costX != "" && f != "":
		f += "\n\n" + v.m.costX
	case v.m.costX != "":
		f = v.m.costX
	}
	v.explFormula.SetText(f)
}
