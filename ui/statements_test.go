package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
	"shopbooks/report"
)

// januaryBook is DOMAIN.md §8's month: closeMonthBook's documents with the planted draft
// count audited and the depreciation voucher entered and audited; closed when close.
func januaryBook(t *testing.T, close bool) string {
	t.Helper()
	path := closeMonthBook(t)
	ctx := context.Background()
	b, err := ledger.Open(ctx, path, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	u := admin(t, b)
	if err := b.AuditDoc(ctx, u, "PD-202501-0001"); err != nil {
		t.Fatal(err)
	}
	v, err := b.SaveVoucher(ctx, u, ledger.Voucher{Date: "2025-01-31", Summary: "计提折旧", Lines: []ledger.VoucherLine{
		{Account: "560207", Side: "D", Amount: 50000}, {Account: "1602", Side: "C", Amount: 50000}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.AuditVoucher(ctx, u, v.Ref(), true); err != nil {
		t.Fatal(err)
	}
	if close {
		if res, err := b.ClosePeriod(ctx, u, "2025-01", ledger.CloseOptions{}); err != nil {
			t.Fatalf("close: %v (%+v)", err, res.Findings)
		}
	}
	return path
}

func stmtOf(t *testing.T, s *session, id string) *stmtScreen {
	t.Helper()
	v, ok := s.screens[id].(*stmtScreen)
	if !ok {
		t.Fatalf("%s is not a statement screen: %T", id, s.screens[id])
	}
	return v
}

// The loads of statements and the home screen run synchronously in the tests: Fyne's
// test driver runs fyne.Do on the calling goroutine, so a load in its own goroutine would
// touch the widgets while the test does.
func init() { runAsync = func(work, done func()) { work(); done() } }

func cellOf(m *stmtVM, no int, col string) string {
	i := m.Find(no)
	if i < 0 {
		return "?"
	}
	return m.Cell(i, col)
}

// TestStatementsClosedMonth: the balance sheet and the profit statement of the closed
// January, the check shown, the drill-down from 货币资金 to 1002's detail ledger.
func TestStatementsClosedMonth(t *testing.T) {
	path := januaryBook(t, true)
	s := newWindow(t, path, "", "", "balance_sheet", "zh-CN")
	ctx := context.Background()
	v := stmtOf(t, s, "balance_sheet")
	m := v.m
	if m.period != "2025-01" {
		t.Fatalf("opens at %s", m.period)
	}
	if err := m.Load(ctx); err != nil {
		t.Fatal(err)
	}
	v.refresh()
	if m.st.Provisional || m.State() != "已结账" {
		t.Errorf("state %q, provisional %v", m.State(), m.st.Provisional)
	}
	if got := cellOf(m, 30, "c0"); got != "258,061.03" {
		t.Errorf("line 30 = %s", got)
	}
	if got := cellOf(m, 53, "c0"); got != "258,061.03" {
		t.Errorf("line 53 = %s", got)
	}
	if got := cellOf(m, 30, "c1"); got != "264,000.00" {
		t.Errorf("line 30 year start = %s", got)
	}
	if !m.st.OK() {
		t.Errorf("checks %+v", m.st.Checks)
	}
	var checks []string
	for _, o := range v.checks.Objects {
		c := o.(*fyne.Container)
		checks = append(checks, c.Objects[0].(*widget.Label).Text+"  "+c.Objects[1].(*widget.Label).Text)
	}
	if len(checks) == 0 || !strings.Contains(checks[0], "资产总计 = 负债和所有者权益总计") || !strings.Contains(checks[0], "258,061.03 = 258,061.03") {
		t.Errorf("checks shown: %q", checks)
	}
	if cols := m.Columns(); s.t(cols[0].title) != "行次" || s.t(cols[1].title) != "项目" || s.t(cols[2].title) != "期末余额" {
		t.Errorf("columns %+v", cols)
	}

	// 货币资金 = B(1001)+B(1002)+B(1012): 1001 7,640.00, 1002 197,267.50
	m.SelectLine(m.Find(1))
	v.refreshExpl()
	if !strings.Contains(v.explFormula.Text, "B(1001)+B(1002)+B(1012)") {
		t.Errorf("formula shown %q", v.explFormula.Text)
	}
	ex := m.Explain()
	got := map[string]string{}
	for _, r := range ex {
		got[r.code] = r.amounts[0].Format()
	}
	if len(ex) != 2 || got["1001"] != "7,640.00" || got["1002"] != "197,267.50" {
		t.Fatalf("line 1 explained as %+v", ex)
	}
	// 1002's detail ledger: opening 200,000.00, the month's total, 197,267.50 at the end
	i := 0
	for j, r := range ex {
		if r.code == "1002" {
			i = j
		}
	}
	m.SelectExpl(i)
	v.refreshLedger()
	led := m.Ledger()
	if len(led) < 3 || led[0].Kind != "open" || led[0].Balance != 20000000 {
		t.Fatalf("1002 ledger %+v (%v)", led, m.lerr)
	}
	last := len(led) - 1
	for last > 0 && led[last].Kind != "total" {
		last--
	}
	if m.LedgerCell(last, "balance") != "197,267.50" || m.LedgerCell(last, "summary") != "本月合计" || m.LedgerCell(last, "dir") != "借" {
		t.Errorf("1002's month total row: %q %q %q", m.LedgerCell(last, "summary"), m.LedgerCell(last, "dir"), m.LedgerCell(last, "balance"))
	}
	if !strings.Contains(v.ledTitle.Text, "1002 银行存款") {
		t.Errorf("ledger title %q", v.ledTitle.Text)
	}
	// a ledger line opens its voucher
	for r := range led {
		if led[r].Kind == "line" {
			m.ledSel = r
			break
		}
	}
	v.refreshButtons()
	if v.voucherB.Disabled() {
		t.Fatal("voucher button disabled on a ledger line")
	}
	ref, _ := m.LedgerRef(m.ledSel)
	test.Tap(v.voucherB)
	if _, ok := s.screens["voucher:"+ref]; !ok {
		t.Errorf("voucher %s not opened", ref)
	}

	// a total line explains by the lines it adds: L30 = L15+L29
	m.SelectLine(m.Find(30))
	if ex := m.Explain(); len(ex) != 2 || ex[0].code != "L15" || ex[1].code != "L29" || ex[0].amounts[0].Format() != "218,561.03" {
		t.Errorf("line 30 explained as %+v", ex)
	} else if j := m.SelectExpl(0); j != m.Find(15) || len(m.Explain()) != 10 {
		t.Errorf("L15 selected line %d, explained as %d rows", j, len(m.Explain()))
	}
	// 应收账款 B⁺(1122)+B⁺(2203): C1's part shown under 1122
	m.SelectLine(m.Find(4))
	if ex := m.Explain(); len(ex) < 2 || ex[0].code != "1122" || ex[0].amounts[0].Format() != "3,062.40" || ex[1].kind != "partner" {
		t.Errorf("line 4 explained as %+v", ex)
	}

	// the profit statement: 372.87 on line 32 in both columns
	s.open("profit")
	p := stmtOf(t, s, "profit").m
	if err := p.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if cellOf(p, 32, "c0") != "372.87" || cellOf(p, 32, "c1") != "372.87" || cellOf(p, 1, "c1") != "11,456.28" {
		t.Errorf("profit: L32 %s %s, L1 %s", cellOf(p, 32, "c0"), cellOf(p, 32, "c1"), cellOf(p, 1, "c1"))
	}
	// 管理费用 = ND(5602): 3,500.00 with 房租 and 折旧 under it
	p.SelectLine(p.Find(14))
	if ex := p.Explain(); len(ex) != 3 || ex[0].code != "5602" || ex[0].amounts[1].Format() != "3,500.00" ||
		ex[1].code != "560206" || ex[2].code != "560207" || ex[2].amounts[1].Format() != "500.00" {
		t.Errorf("line 14 explained as %+v", ex)
	}

	// the trial balance: an account line opens its ledger
	s.open("trial_balance")
	tb := stmtOf(t, s, "trial_balance").m
	if err := tb.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for i, l := range tb.st.Lines {
		if l.Code == "1002" {
			tb.SelectLine(i)
		}
	}
	if len(tb.Ledger()) < 3 || tb.acct.account != "1002" {
		t.Errorf("trial balance 1002: %d ledger rows", len(tb.Ledger()))
	}
	// its explanation is the account itself (a leaf) with its amounts; a parent lists its
	// sub-accounts under it
	if ex := tb.Explain(); len(ex) != 1 || ex[0].code != "1002" || len(ex[0].amounts) == 0 {
		t.Errorf("trial balance 1002 explained as %+v", ex)
	}
	for i, l := range tb.st.Lines {
		if l.Code == "2221" {
			tb.SelectLine(i)
		}
	}
	if ex := tb.Explain(); len(ex) < 2 || ex[0].code != "2221" || ex[1].code[:4] != "2221" || ex[1].indent != 1 {
		t.Errorf("trial balance 2221 explained as %+v", ex)
	}
}

// TestStatementsOpenMonth: an open month shows the banner 未结账（预览）, its close
// previewed (the same figures as once closed), built off the UI goroutine.
func TestStatementsOpenMonth(t *testing.T) {
	path := januaryBook(t, false)
	s := newWindow(t, path, "", "", "balance_sheet", "zh-CN")
	v := stmtOf(t, s, "balance_sheet")
	m := v.m
	if err := m.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	v.refresh()
	if !m.st.Provisional || !m.st.Previewed || v.state.Text != "未结账（预览）" || v.hint.Visible() {
		t.Errorf("provisional %v previewed %v state %q hint %v", m.st.Provisional, m.st.Previewed, v.state.Text, v.hint.Visible())
	}
	if cellOf(m, 30, "c0") != "258,061.03" || cellOf(m, 53, "c0") != "258,061.03" {
		t.Errorf("preview: L30 %s L53 %s", cellOf(m, 30, "c0"), cellOf(m, 53, "c0"))
	}
	// 存货 explained with the preview's costing: 1405 10,591.13
	m.SelectLine(m.Find(9))
	if ex := m.Explain(); len(ex) != 1 || ex[0].code != "1405" || ex[0].amounts[0].Format() != "10,591.13" {
		t.Errorf("line 9 explained as %+v", ex)
	}
	// the screen's own load
	m.loaded = false
	v.reload()
	if !m.loaded || cellOf(m, 30, "c0") != "258,061.03" {
		t.Errorf("background load: loaded %v, L30 %s", m.loaded, cellOf(m, 30, "c0"))
	}
}

// TestStatementsRoles: a viewer sees the statements and every card; a clerk neither the
// ledger's statements nor a card, but the stock value once granted costs.
func TestStatementsRoles(t *testing.T) {
	path := januaryBook(t, true)
	ctx := context.Background()
	b, err := ledger.Open(ctx, path, quiet)
	if err != nil {
		t.Fatal(err)
	}
	u := admin(t, b)
	for _, x := range []struct {
		name string
		role ledger.Role
	}{{"王五", ledger.RoleViewer}, {"赵六", ledger.RoleClerk}} {
		if _, err := b.AddUser(ctx, u, x.name, x.role, "pw123456"); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()

	s := newWindow(t, path, "王五", "pw123456", "home", "en")
	if !allowed(s.user, "balance_sheet") || !allowed(s.user, "profit") {
		t.Error("a viewer does not see the statements")
	}
	h := s.screens["home"].(*homeVM)
	if err := h.dash.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(h.dash.Cards()); n != 5 {
		t.Errorf("viewer: %d cards", n)
	}
	s.open("balance_sheet")
	bs := stmtOf(t, s, "balance_sheet").m
	if err := bs.Load(ctx); err != nil || cellOf(bs, 30, "c0") != "258,061.03" {
		t.Errorf("viewer's balance sheet: %v %s", err, cellOf(bs, 30, "c0"))
	}

	c := newWindow(t, path, "赵六", "pw123456", "home", "zh-CN")
	if allowed(c.user, "balance_sheet") || allowed(c.user, "profit") {
		t.Error("a clerk sees the ledger's statements")
	}
	hc := c.screens["home"].(*homeVM)
	if err := hc.dash.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(hc.dash.Cards()); n != 0 {
		t.Errorf("clerk: %d cards %+v", n, hc.dash.Cards())
	}
	c.user.CanViewCost = true
	if err := hc.dash.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if cs := hc.dash.Cards(); len(cs) != 1 || cs[0].key != "ui.home.card.stock" || cs[0].value.Format() != "10,591.13" {
		t.Errorf("clerk with costs: %+v", cs)
	}
	if _, err := report.BalanceSheet(ctx, c.book, c.user, "2025-01"); err == nil {
		t.Error("a clerk got the balance sheet")
	}
}

// TestHomeDashboard: the cards of the closed January, the charts' months, the close
// status, in both languages.
func TestHomeDashboard(t *testing.T) {
	path := januaryBook(t, true)
	for _, lang := range []string{"zh-CN", "en"} {
		s := newWindow(t, path, "", "", "home", lang)
		h := s.screens["home"].(*homeVM)
		m := h.dash
		if m.period != "2025-01" {
			t.Fatalf("home at %s", m.period)
		}
		if err := m.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		h.show()
		want := map[string]string{"ui.home.card.sales": "11,456.28", "ui.home.card.gross": "3,926.47",
			"ui.home.card.stock": "10,591.13", "ui.home.card.receivable": "3,062.40", "ui.home.card.profit": "372.87"}
		for k, w := range want {
			if c, ok := m.Card(k); !ok || c.value.Format() != w {
				t.Errorf("%s: card %s = %+v, want %s", lang, k, c, w)
			}
		}
		if c, _ := m.Card("ui.home.card.gross"); c.note != "34.3%" {
			t.Errorf("margin %q", c.note)
		}
		if m.data.provisional {
			t.Error("closed January shown as provisional")
		}
		jan := m.data.months[0]
		if !jan.closed || jan.sales.Format() != "11,456.28" || jan.stock.Format() != "10,591.13" || m.data.months[2].has {
			t.Errorf("months: %+v", m.data.months[:3])
		}
		if lang == "zh-CN" && h.view.state.Text != "已结账" {
			t.Errorf("state %q", h.view.state.Text)
		}
		// the cards open their reports
		test.Tap(h.view.content.Objects[0].(*fyne.Container).Objects[4].(*tapArea))
		if _, ok := s.screens["profit"]; !ok {
			t.Errorf("%s: the profit card did not open the profit statement", lang)
		}
		if c, _ := m.Card("ui.home.card.gross"); c.screen != "gross_margin" {
			t.Errorf("%s: the gross profit card opens %q", lang, c.screen)
		}
	}
}

// TestChartScale: negative months go below the axis, in red.
func TestChartScale(t *testing.T) {
	test.NewTempApp(t)
	c := newChart([]string{"1", "2", "3"}, false, chartSeries{name: "x", values: []ledger.Money{100000, -25000, 0},
		ok: []bool{true, true, false}})
	lo, hi := c.scale()
	if lo >= 0 || hi < 1000 {
		t.Errorf("scale %v..%v", lo, hi)
	}
	objs := c.draw(fyne.NewSize(400, 200))
	red := 0
	for _, o := range objs {
		if rect, ok := o.(*canvas.Rectangle); ok && rect.FillColor == theme.Color(theme.ColorNameError) {
			red++
		}
	}
	if red != 1 {
		t.Errorf("%d red bars", red)
	}
}

// TestGrossProfitScreen: 销售毛利 of the closed January by item (DOMAIN.md §8: A
// 7,520.00 − 4,938.55 = 2,581.45, 34.33%), its arithmetic, the sales lines behind A with
// their documents, then by customer; in English the provisional open month.
func TestGrossProfitScreen(t *testing.T) {
	path := januaryBook(t, true)
	ctx := context.Background()
	s := newWindow(t, path, "", "", "gross_margin", "zh-CN")
	v := stmtOf(t, s, "gross_margin")
	m := v.m
	if err := m.Load(ctx); err != nil {
		t.Fatal(err)
	}
	m.selectFirst()
	v.refresh()
	if m.State() != "已结账" || !m.st.OK() || len(m.st.Checks) != 2 {
		t.Errorf("state %q, checks %+v", m.State(), m.st.Checks)
	}
	var head []string
	for _, c := range m.Columns() {
		head = append(head, s.t(c.title))
	}
	if got := strings.Join(head, "|"); got != "商品编码|商品名称|销售数量|销售收入（不含税）|销售成本|毛利|毛利率" {
		t.Errorf("columns %s", got)
	}
	var rows []string
	for r := range m.Len() {
		var cells []string
		for _, c := range m.Columns() {
			cells = append(cells, m.Cell(r, c.id))
		}
		rows = append(rows, strings.Join(cells, "|"))
	}
	want := []string{"A|洗衣液2kg|240|7,520.00|4,938.55|2,581.45|34.33%", "B|抽纸|500|3,936.28|2,591.26|1,345.02|34.17%",
		"|合计||11,456.28|7,529.81|3,926.47|34.27%"}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	// The first line is explained: its arithmetic, and the sales lines behind it.
	if !strings.Contains(v.explFormula.Text, "7,520.00 - 4,938.55 = 2,581.45") || !strings.Contains(v.explFormula.Text, "34.33%") {
		t.Errorf("arithmetic %q", v.explFormula.Text)
	}
	if m.LedgerLen() != 3 || m.LedgerCell(2, "number") != "XT-202501-0001/1" || m.LedgerCell(2, "profit") != "-114.00" {
		t.Errorf("sales lines: %d, %s %s", m.LedgerLen(), m.LedgerCell(2, "number"), m.LedgerCell(2, "profit"))
	}
	if _, doc := m.LedgerRef(0); doc != "XS-202501-0001" {
		t.Errorf("the first line's document: %s", doc)
	}
	// A sales line's cost and VAT: XS-0003's A at round2(6,780.00 × 100 / 330) (DOMAIN.md §8.2).
	v.ledTable.Select(widget.TableCellID{Row: 1, Col: 0})
	if f := v.explFormula.Text; !strings.Contains(f, "round2(6,780.00 × 100 / 330) = 2,054.55") ||
		!strings.Contains(f, "round2(3,040.00 × 13%) = 395.20") || !strings.Contains(f, "2,581.45") {
		t.Errorf("cost explained as %q", f)
	}
	v.ledTable.Select(widget.TableCellID{Row: 2, Col: 0})
	if f := v.explFormula.Text; !strings.Contains(f, "round2(3,090.00 × 10 / 150) = 206.00") || !strings.Contains(f, "XS-202501-0001/1") {
		t.Errorf("the return's cost explained as %q", f)
	}
	// The stock summary's drill-down: a stock ledger row's cost.
	s.open("stock_summary")
	sv := stmtOf(t, s, "stock_summary")
	if err := sv.m.Load(ctx); err != nil {
		t.Fatal(err)
	}
	sv.m.selectFirst()
	sv.refresh()
	for r := range sv.m.LedgerLen() {
		if sv.m.stockLed[r].Number == "XS-202501-0003" {
			sv.ledTable.Select(widget.TableCellID{Row: r, Col: 0})
		}
	}
	if f := sv.explFormula.Text; !strings.Contains(f, "round2(6,780.00 × 100 / 330) = 2,054.55") {
		t.Errorf("stock ledger row's cost explained as %q", f)
	}
	m.SetBy(report.GrossByCustomer)
	if err := m.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if c := m.Columns(); s.t(c[0].title) != "客户编码" || len(c) != 6 || m.Cell(0, "code") != "C1" || m.Cell(0, "c2") != "1,596.00" {
		t.Errorf("by customer: %+v %s %s", c, m.Cell(0, "code"), m.Cell(0, "c2"))
	}

	// Before the close, in English: provisional, no checks.
	open := newWindow(t, januaryBook(t, false), "", "", "gross_margin", "en")
	ov := stmtOf(t, open, "gross_margin")
	if err := ov.m.Load(ctx); err != nil {
		t.Fatal(err)
	}
	ov.m.selectFirst()
	ov.refresh()
	if ov.m.State() != "not closed: costs provisional" || len(ov.m.st.Checks) != 0 || ov.hint.Visible() {
		t.Errorf("open month: %q, checks %+v", ov.m.State(), ov.m.st.Checks)
	}
	if !strings.Contains(ov.explFormula.Text, "provisional until the close") {
		t.Errorf("open month's arithmetic: %q", ov.explFormula.Text)
	}
}

// An amount column is widened to its longest amount (a bank balance of tens of millions
// was cut to "14,171,361…" at the column's default width); short amounts keep the
// default, and other columns are left alone.
func TestFitAmounts(t *testing.T) {
	test.NewTempApp(t)
	cols := []docCol{{"code", "ui.stmt.code", 72, false, false}, {"a0", "ui.stmt.balance", 112, false, true}, {"a1", "ui.stmt.balance", 112, false, true}}
	cells := map[string][]string{"a0": {"5,088.94", "14,171,361.96", "-1,234,567,890.12"}, "a1": {"1.00", "", "99.99"}}
	tbl := widget.NewTable(nil, nil, nil)
	got := fitAmounts(tbl, cols, 3, func(r int, col string) string {
		if c, ok := cells[col]; ok {
			return c[r]
		}
		return "X"
	})
	want := fyne.MeasureText("-1,234,567,890.12", theme.TextSize(), fyne.TextStyle{Monospace: true}).Width
	if got[0] != 0 || got[1] < want || got[1] <= 112 || got[2] != 112 {
		t.Errorf("widths %v, want [0, ≥ %.0f, 112]", got, want)
	}
}

// The message while a statement is computed says "previews its close" for an open period
// only.
func TestStatementLoadingMessage(t *testing.T) {
	m := &stmtVM{periods: []ledger.PeriodState{{Period: "2025-01", Closed: true}, {Period: "2025-02"}}}
	for p, want := range map[ledger.Period]string{"2025-01": "ui.stmt.loading_closed", "2025-02": "ui.stmt.loading", "2025-03": "ui.stmt.loading"} {
		m.period = p
		if got := m.loadingKey(); got != want {
			t.Errorf("%s: %s, want %s", p, got, want)
		}
	}
}
