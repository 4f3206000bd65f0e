package report

import (
	"log/slog"
	"path/filepath"
	"testing"

	"shopbooks/ledger"
)

// A shop that keeps its receivables in 112201 and its main revenue in 500101 (account
// roles moved before the first close, DOMAIN.md §1.4): the statements keep their
// statutory formulas over 1122 and 5001 with their sub-accounts, so a sale on credit
// shows on 资产负债表 line 4 and 利润表 line 1, and every identity check holds, the
// trial balance and the partner sums included.
func TestStatementsWithMovedRoles(t *testing.T) {
	ctx := t.Context()
	b, err := ledger.Create(ctx, filepath.Join(t.TempDir(), "roles.book"), ledger.NewBook{Settings: ledger.Settings{Name: "小店",
		Start: "2025-01", Costing: ledger.CostingMoving, Taxpayer: ledger.TaxpayerGeneral}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	u, err := b.Login(ctx, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		second(b.AddItem(ctx, u, ledger.Item{Code: "A", Name: "洗衣液", Unit: "瓶", VAT: 1300})),
		second(b.AddWarehouse(ctx, u, ledger.Warehouse{Code: "W1", Name: "主仓"})),
		second(b.AddPartner(ctx, u, ledger.Partner{Code: "C1", Name: "明辉餐厅", Customer: true})),
		b.SetOpeningStock(ctx, u, "A", "W1", qty(t, "10"), 10000),
		b.SetOpening(ctx, u, "3001", "", 10000, 0, 0),
		second(b.AddAccount(ctx, u, "112201", "应收账款—门店", "")), // the receivable role follows
		second(b.AddAccount(ctx, u, "500101", "商品销售", "")),    // and the main revenue
		second(b.SaveAndAuditDoc(ctx, u, ledger.Doc{Type: ledger.DocDelivery, Date: "2025-01-10", Partner: "C1", Warehouse: "W1",
			Lines: []ledger.DocLine{{Item: "A", Qty: qty(t, "2"), Price: 20_000_000, UseItemVAT: true}}})),
		second(b.ClosePeriod(ctx, u, "2025-01", ledger.CloseOptions{})),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	vs, err := b.Vouchers(ctx, u, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	posted := map[string]ledger.Money{}
	for _, v := range vs {
		for _, l := range v.Lines {
			posted[l.Side+" "+l.Account] += l.Amount
		}
	}
	if posted["D 112201"] != 4520 || posted["C 500101"] != 4000 || posted["D 500101"] != 4000 || posted["D 1122"]+posted["C 5001"] != 0 {
		t.Errorf("posted %v: want the sale on 112201 and 500101 (carried to 3103 from there)", posted)
	}
	bs, err := BalanceSheet(ctx, b, u, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	checkOK(t, bs)
	l4, _ := bs.Line(4)
	l30, _ := bs.Line(30)
	l53, _ := bs.Line(53)
	if bs.Col(l4, "end") != 4520 || bs.Col(l30, "end") != bs.Col(l53, "end") {
		t.Errorf("balance sheet: line 4 %s (want 45.20), line 30 %s, line 53 %s", bs.Col(l4, "end"), bs.Col(l30, "end"), bs.Col(l53, "end"))
	}
	pl, err := ProfitStatement(ctx, b, u, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	checkOK(t, pl)
	if l1, _ := pl.Line(1); pl.Col(l1, "month") != 4000 {
		t.Errorf("profit statement line 1: %s, want 40.00", pl.Col(l1, "month"))
	}
	for _, f := range []func() (Statement, error){
		func() (Statement, error) { return TrialBalance(ctx, b, u, "2025-01") },
		func() (Statement, error) { return Aging(ctx, b, u, "2025-01") },
	} {
		st, err := f()
		if err != nil {
			t.Fatal(err)
		}
		checkOK(t, st)
	}
}

// second is the error of a call that also returns a value.
func second[T any](_ T, err error) error { return err }
