package report

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"shopbooks/ledger"
)

// golden is DOMAIN.md §8's month as golden/month-2025-01.json holds it: what the tests
// enter, and the statements they expect.
type golden struct {
	Book       struct{ Name string }
	Items      []struct{ Code, Name, Unit string }
	Warehouses []struct{ Code, Name string }
	Customers  []struct{ Code, Name string }
	Suppliers  []struct{ Code, Name string }
	Opening    struct {
		Accounts []struct{ Account, Partner, Debit, Credit string }
		Stock    []struct{ Item, Warehouse, Qty, Amount string }
	} `json:"opening_balances"`
	Documents []struct {
		Date, Number, Type, Partner, Warehouse string
		ToWarehouse                            string `json:"to_warehouse"`
		Order                                  string
		PriceMode                              string `json:"price_mode"`
		Settlement                             string `json:"settlement_account"`
		Amount, Applied                        string
		AdvancePart                            string `json:"advance_part"`
		Lines                                  []struct {
			Item, Qty, Price, Account, Amount, Memo string
			CountedQty                              string      `json:"counted_qty"`
			DiscountRate                            string      `json:"discount_rate"`
			VAT                                     ledger.Rate `json:"vat_rate_bp"`
			LinksTo                                 *struct {
				Document string
				Line     int
			} `json:"links_to"`
		}
	}
	TrialBalance struct {
		Rows []struct {
			Code          string
			OpeningDebit  string `json:"opening_debit"`
			OpeningCredit string `json:"opening_credit"`
			PeriodDebit   string `json:"period_debit"`
			PeriodCredit  string `json:"period_credit"`
			ClosingDebit  string `json:"closing_debit"`
			ClosingCredit string `json:"closing_credit"`
		}
		Totals map[string]string `json:"totals_level1"`
	} `json:"trial_balance"`
	StockSummary struct {
		Items  []map[string]string
		Totals map[string]string
	} `json:"stock_summary"`
	BalanceSheet struct {
		Lines []struct {
			Line      int
			Name      string
			End       string
			YearStart string `json:"year_start"`
		}
	} `json:"balance_sheet"`
	ProfitStatement struct {
		Lines []struct {
			Line       int
			Name       string
			YTD, Month string
		}
	} `json:"profit_statement"`
}

func loadGolden(t testing.TB) golden {
	t.Helper()
	raw, err := os.ReadFile("../../shared/golden/month-2025-01.json")
	if err != nil {
		t.Skip("golden file not found:", err)
	}
	var g golden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func money(t testing.TB, s string) ledger.Money {
	t.Helper()
	if s == "" {
		return 0
	}
	m, err := ledger.ParseMoney("amount", s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func qty(t testing.TB, s string) ledger.Qty {
	t.Helper()
	q, err := ledger.ParseQty("qty", s, true)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// monthBook makes DOMAIN.md §8's book through the services: master data, opening
// balances, every document entered and audited, and the manual voucher 记-0001 — the
// month ready to close.
func monthBook(t testing.TB, g golden) (*ledger.Book, *ledger.User) {
	t.Helper()
	ctx := t.Context()
	b, err := ledger.Create(ctx, filepath.Join(t.TempDir(), "month.book"), ledger.NewBook{Settings: ledger.Settings{Name: g.Book.Name,
		Start: "2025-01", Costing: ledger.CostingMoving, Taxpayer: ledger.TaxpayerGeneral}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	u, err := b.Login(ctx, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range g.Items {
		if _, err := b.AddItem(ctx, u, ledger.Item{Code: it.Code, Name: it.Name, Unit: it.Unit, VAT: 1300}); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range g.Warehouses {
		if _, err := b.AddWarehouse(ctx, u, ledger.Warehouse{Code: w.Code, Name: w.Name}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range g.Customers {
		if _, err := b.AddPartner(ctx, u, ledger.Partner{Code: p.Code, Name: p.Name, Customer: true, TermsDays: 30}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range g.Suppliers {
		if _, err := b.AddPartner(ctx, u, ledger.Partner{Code: p.Code, Name: p.Name, Supplier: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range g.Opening.Accounts {
		if a.Account == "1405" {
			continue
		}
		acct, err := b.Account(ctx, a.Account)
		if err != nil {
			t.Fatal(err)
		}
		amt := money(t, a.Debit) - money(t, a.Credit)
		if acct.Side == "C" {
			amt = -amt
		}
		if err := b.SetOpening(ctx, u, a.Account, a.Partner, amt, 0, 0); err != nil {
			t.Fatal(a.Account, err)
		}
	}
	for _, s := range g.Opening.Stock {
		if err := b.SetOpeningStock(ctx, u, s.Item, s.Warehouse, qty(t, s.Qty), money(t, s.Amount)); err != nil {
			t.Fatal(err)
		}
	}
	for _, gd := range g.Documents {
		typ, err := ledger.ParseDocType("type", gd.Type)
		if err != nil {
			t.Fatal(err)
		}
		d := ledger.Doc{Type: typ, Date: ledger.Date(gd.Date), Partner: gd.Partner, Warehouse: gd.Warehouse, ToWarehouse: gd.ToWarehouse,
			Source: gd.Order, Inclusive: gd.PriceMode == "inclusive", Deductible: true, Account: gd.Settlement}
		if gd.Amount != "" {
			d.Amount, d.Applied, d.Advance = money(t, gd.Amount), money(t, gd.Applied), money(t, gd.AdvancePart)
		}
		for i, gl := range gd.Lines {
			l := ledger.DocLine{Item: gl.Item, VATRate: gl.VAT, UseItemVAT: gl.VAT == 0, Account: gl.Account, Memo: gl.Memo}
			if gl.Qty != "" {
				l.Qty = qty(t, gl.Qty)
			}
			if gl.CountedQty != "" {
				l.Qty = qty(t, gl.CountedQty)
			}
			if gl.Price != "" {
				if l.Price, err = ledger.ParsePrice("price", gl.Price); err != nil {
					t.Fatal(err)
				}
			}
			l.Net = money(t, gl.Amount)
			if gl.DiscountRate != "" {
				r, err := ledger.ParseRate("d", gl.DiscountRate)
				if err != nil {
					t.Fatal(err)
				}
				l.DiscountRate = r * 100
			}
			if gl.LinksTo != nil {
				l.SourceLine = fmt.Sprintf("%s/%d", gl.LinksTo.Document, gl.LinksTo.Line)
			} else if gd.Order != "" {
				l.SourceLine = fmt.Sprintf("%s/%d", gd.Order, i+1)
			}
			d.Lines = append(d.Lines, l)
		}
		saved, err := b.SaveAndAuditDoc(ctx, u, d)
		if err != nil {
			t.Fatalf("%s: %v", gd.Number, err)
		}
		if saved.Number != gd.Number {
			t.Fatalf("numbered %s, want %s", saved.Number, gd.Number)
		}
	}
	v, err := b.SaveVoucher(ctx, u, ledger.Voucher{Date: "2025-01-31", Summary: "计提折旧", Lines: []ledger.VoucherLine{
		{Account: "560207", Side: "D", Amount: 50000}, {Account: "1602", Side: "C", Amount: 50000}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.AuditVoucher(ctx, u, v.Ref(), true); err != nil {
		t.Fatal(err)
	}
	return b, u
}

// checkOK fails on every failed identity check of the statement.
func checkOK(t *testing.T, st Statement) {
	t.Helper()
	if len(st.Checks) == 0 {
		t.Errorf("%s: no checks", st.Kind)
	}
	for _, c := range st.Checks {
		if !c.OK {
			t.Errorf("%s: check %s failed: %s", st.Kind, c.Name, c.Detail)
		}
	}
}

// compareMonth compares every statement of the month with DOMAIN.md §8.4–§8.7, to the fen;
// every line not listed there must be 0.00.
func compareMonth(t *testing.T, b *ledger.Book, u *ledger.User, g golden, provisional bool) {
	t.Helper()
	ctx := t.Context()
	const p = ledger.Period("2025-01")

	bs, err := BalanceSheet(ctx, b, u, p)
	if err != nil {
		t.Fatal(err)
	}
	if bs.Provisional != provisional || len(bs.Lines) != 53 || bs.Shop != g.Book.Name {
		t.Errorf("balance sheet: provisional %v, %d lines, shop %q", bs.Provisional, len(bs.Lines), bs.Shop)
	}
	want := map[int][2]ledger.Money{}
	for _, l := range g.BalanceSheet.Lines {
		want[l.Line] = [2]ledger.Money{money(t, l.End), money(t, l.YearStart)}
		if got, _ := bs.Line(l.Line); got.Name != l.Name {
			t.Errorf("balance sheet line %d named %q, want %q", l.Line, got.Name, l.Name)
		}
	}
	if want[30] != [2]ledger.Money{25806103, 26400000} {
		t.Fatalf("golden balance sheet not read: %v", want[30])
	}
	for _, l := range bs.Lines {
		w := want[l.No]
		if l.Cols[0] != w[0] || l.Cols[1] != w[1] {
			t.Errorf("balance sheet line %d %s: %s / %s, want %s / %s", l.No, l.Name, l.Cols[0], l.Cols[1], w[0], w[1])
		}
	}
	checkOK(t, bs)

	pl, err := ProfitStatement(ctx, b, u, p)
	if err != nil {
		t.Fatal(err)
	}
	wantPL := map[int][2]ledger.Money{}
	for _, l := range g.ProfitStatement.Lines {
		wantPL[l.Line] = [2]ledger.Money{money(t, l.YTD), money(t, l.Month)}
	}
	if wantPL[32] != [2]ledger.Money{37287, 37287} {
		t.Fatalf("golden profit statement not read: %v", wantPL[32])
	}
	for _, l := range pl.Lines {
		w := wantPL[l.No]
		if l.Cols[0] != w[0] || l.Cols[1] != w[1] {
			t.Errorf("profit statement line %d %s: %s / %s, want %s / %s", l.No, l.Name, l.Cols[0], l.Cols[1], w[0], w[1])
		}
	}
	if len(pl.Lines) != 32 || pl.Provisional != provisional {
		t.Errorf("profit statement: %d lines, provisional %v", len(pl.Lines), pl.Provisional)
	}
	checkOK(t, pl)
	if len(pl.Checks) != 2 {
		t.Errorf("profit statement checks: %+v", pl.Checks)
	}

	tb, err := TrialBalance(ctx, b, u, p)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]Line{}
	for _, l := range tb.Lines[:len(tb.Lines)-1] {
		rows[l.Code] = l
	}
	if len(rows) != len(g.TrialBalance.Rows) {
		t.Errorf("trial balance: %d accounts, want %d", len(rows), len(g.TrialBalance.Rows))
	}
	for _, r := range g.TrialBalance.Rows {
		l, ok := rows[r.Code]
		w := []ledger.Money{money(t, r.OpeningDebit), money(t, r.OpeningCredit), money(t, r.PeriodDebit), money(t, r.PeriodCredit),
			money(t, r.PeriodDebit), money(t, r.PeriodCredit), money(t, r.ClosingDebit), money(t, r.ClosingCredit)}
		if !ok || fmt.Sprint(l.Cols) != fmt.Sprint(w) {
			t.Errorf("trial balance %s: %v, want %v", r.Code, l.Cols, w)
		}
	}
	tot := tb.Lines[len(tb.Lines)-1]
	tw := g.TrialBalance.Totals
	w := []ledger.Money{money(t, tw["opening_debit"]), money(t, tw["opening_credit"]), money(t, tw["period_debit"]), money(t, tw["period_credit"]),
		money(t, tw["period_debit"]), money(t, tw["period_credit"]), money(t, tw["closing_debit"]), money(t, tw["closing_credit"])}
	if fmt.Sprint(tot.Cols) != fmt.Sprint(w) || tot.Code != "" || tot.Name != "合计" {
		t.Errorf("trial balance total %q: %v, want %v", tot.Name, tot.Cols, w)
	}
	checkOK(t, tb)

	ss, err := StockSummary(ctx, b, u, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss.Lines) != len(g.StockSummary.Items)+1 {
		t.Fatalf("stock summary: %d lines", len(ss.Lines))
	}
	for i, gi := range g.StockSummary.Items {
		l := ss.Lines[i]
		for j, c := range ss.Columns {
			var got, want string
			if c.Qty {
				got, want = l.Qtys[j].String(), qty(t, gi[c.Key]).String()
			} else {
				got, want = l.Cols[j].String(), money(t, gi[c.Key]).String()
			}
			if l.Code != gi["item"] || got != want {
				t.Errorf("stock summary %s %s: %s, want %s", l.Code, c.Key, got, want)
			}
		}
	}
	last := ss.Lines[len(ss.Lines)-1]
	for j, c := range ss.Columns {
		if !c.Qty && last.Cols[j] != money(t, g.StockSummary.Totals[c.Key]) {
			t.Errorf("stock summary total %s: %s", c.Key, last.Cols[j])
		}
	}
	checkOK(t, ss)
	if len(ss.Checks) != 4 {
		t.Errorf("stock summary checks: %+v", ss.Checks)
	}

	ag, err := Aging(ctx, b, u, p)
	if err != nil {
		t.Fatal(err)
	}
	checkOK(t, ag)
	var got []string
	for _, l := range ag.Lines {
		got = append(got, fmt.Sprintf("%s %v", l.Code, l.Cols))
	}
	// C1: 8,000.00 opening + 5,424.00 (01-08) − 361.60 − 10,000.00 paid: 3,062.40 left of
	// the delivery of 01-08 (0–30 days, due 02-07). S1: 4,859.00 − 485.90 left of 01-03
	// after the 12,000.00 opening was paid.
	wantAging := []string{"1122 [3062.40 3062.40 0.00 0.00 0.00 0.00]", "C1 [3062.40 3062.40 0.00 0.00 0.00 0.00]",
		"2202 [4373.10 4373.10 0.00 0.00 0.00 4373.10]", "S1 [4373.10 4373.10 0.00 0.00 0.00 4373.10]"}
	if strings.Join(got, "|") != strings.Join(wantAging, "|") {
		t.Errorf("aging:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantAging, "\n"))
	}
}

// TestGoldenMonth: DOMAIN.md §8's month, its statements to the fen — first as the open
// month's preview (the close run and rolled back), then closed.
func TestGoldenMonth(t *testing.T) {
	g := loadGolden(t)
	b, u := monthBook(t, g)
	t.Run("preview", func(t *testing.T) { compareMonth(t, b, u, g, true) })
	if t.Failed() {
		return
	}
	if _, err := b.ClosePeriod(t.Context(), u, "2025-01", ledger.CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Run("closed", func(t *testing.T) { compareMonth(t, b, u, g, false) })
}

// TestLaterMonths: after January's close, February (the month to close next, empty)
// previews to January's balances and a zero month with January in the year to date; a
// draft blocks its preview, leaving the posted vouchers (still provisional); March is not
// next to close; a viewer (no close permission) sees posted vouchers; a clerk sees the
// stock summary but not the ledger; un-closing January makes its statements previews again.
func TestLaterMonths(t *testing.T) {
	g := loadGolden(t)
	b, u := monthBook(t, g)
	ctx := t.Context()
	if _, err := b.ClosePeriod(ctx, u, "2025-01", ledger.CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	jan, err := BalanceSheet(ctx, b, u, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	feb, err := BalanceSheet(ctx, b, u, "2025-02")
	if err != nil {
		t.Fatal(err)
	}
	if !feb.Provisional || !feb.Previewed {
		t.Errorf("February: provisional %v, previewed %v", feb.Provisional, feb.Previewed)
	}
	for i, l := range feb.Lines {
		if l.Cols[0] != jan.Lines[i].Cols[0] || l.Cols[1] != jan.Lines[i].Cols[1] {
			t.Errorf("February line %d: %v, January %v", l.No, l.Cols, jan.Lines[i].Cols)
		}
	}
	checkOK(t, feb)
	pl, err := ProfitStatement(ctx, b, u, "2025-02")
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := pl.Line(32); l.Cols[0] != 37287 || l.Cols[1] != 0 {
		t.Errorf("February net profit: %v", l.Cols)
	}
	checkOK(t, pl)
	for _, build := range []func(context.Context, *ledger.Book, *ledger.User, ledger.Period) (Statement, error){TrialBalance, StockSummary, Aging} {
		st, err := build(ctx, b, u, "2025-02")
		if err != nil {
			t.Fatal(err)
		}
		checkOK(t, st)
	}

	// A draft in February: its close is refused, the statement shows what is posted.
	if _, err := b.SaveDoc(ctx, u, ledger.Doc{Type: ledger.DocDelivery, Date: "2025-02-03", Partner: "C1", Warehouse: "W1",
		Lines: []ledger.DocLine{{Item: "A", Qty: ledger.Units(1), Price: ledger.Yuan(32, 0), UseItemVAT: true}}}); err != nil {
		t.Fatal(err)
	}
	feb, err = BalanceSheet(ctx, b, u, "2025-02")
	if err != nil {
		t.Fatal(err)
	}
	if !feb.Provisional || feb.Previewed {
		t.Errorf("February with a draft: provisional %v, previewed %v", feb.Provisional, feb.Previewed)
	}
	checkOK(t, feb)
	mar, err := BalanceSheet(ctx, b, u, "2025-03")
	if err != nil {
		t.Fatal(err)
	}
	if !mar.Provisional || mar.Previewed {
		t.Errorf("March: provisional %v, previewed %v", mar.Provisional, mar.Previewed)
	}
	// Read together (closed, previewed with a draft, not next to close), each month is
	// its statement read alone.
	all, err := BalanceSheets(ctx, b, u, "2025-01", "2025-02", "2025-03", "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	for i, alone := range []Statement{jan, feb, mar, jan} {
		if !reflect.DeepEqual(all[i], alone) {
			t.Errorf("balance sheets read together, %s: %+v; alone: %+v", alone.Period, all[i], alone)
		}
	}

	for _, role := range []ledger.Role{ledger.RoleViewer, ledger.RoleClerk} {
		if _, err := b.AddUser(ctx, u, string(role), role, ""); err != nil {
			t.Fatal(err)
		}
	}
	viewer, err := b.Login(ctx, "viewer", "")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := BalanceSheet(ctx, b, viewer, "2025-01"); err != nil || st.Provisional || st.Lines[29].Cols[0] != 25806103 {
		t.Errorf("viewer, January: %v %v", err, st.Lines[29].Cols)
	}
	clerk, err := b.Login(ctx, "clerk", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := BalanceSheet(ctx, b, clerk, "2025-01"); ledger.CodeOf(err) != ledger.CodeForbidden {
		t.Errorf("clerk's balance sheet: %v", err)
	}
	st, err := StockSummary(ctx, b, clerk, "2025-01")
	if err != nil || len(st.Lines) != 3 || st.Lines[0].Qtys[6] != ledger.Units(238) || st.Lines[0].Cols[7] != 0 || len(st.Checks) != 1 {
		t.Errorf("clerk's stock summary: %v %+v", err, st)
	}

	if err := b.UnclosePeriod(ctx, u, "2025-01", "test"); err != nil {
		t.Fatal(err)
	}
	compareMonth(t, b, u, g, true)
}
