package ledger

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type goldenMonth struct {
	Book struct {
		Name string
	}
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
			CountedQty                              string `json:"counted_qty"`
			DiscountRate                            string `json:"discount_rate"`
			VAT                                     Rate   `json:"vat_rate_bp"`
			LinksTo                                 *struct {
				Document string
				Line     int
			} `json:"links_to"`
		}
		Expected struct {
			Lines []struct {
				StockCost string `json:"stock_cost"`
				BookQty   string `json:"book_qty"`
			}
		}
	}
	PartnerBalances []struct{ Account, Partner, Closing string } `json:"partner_balances"`
	WarehouseQty    []struct{ Item, Warehouse, Qty string }      `json:"warehouse_quantities"`
}

func loadGoldenMonth(t *testing.T) goldenMonth {
	t.Helper()
	raw, err := os.ReadFile("../../shared/golden/month-2025-01.json")
	if err != nil {
		t.Skip("golden file not found:", err)
	}
	var g goldenMonth
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Opening.Stock) == 0 {
		t.Fatal("golden opening stock not read")
	}
	return g
}

// monthBook builds DOMAIN.md §8's book: master data and opening balances.
func monthBook(t *testing.T, g goldenMonth) (*Book, *User) {
	t.Helper()
	ctx := t.Context()
	b, err := Create(ctx, filepath.Join(t.TempDir(), "month.book"), NewBook{Settings: Settings{Name: g.Book.Name, Start: "2025-01",
		Costing: CostingMoving, Taxpayer: TaxpayerGeneral}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	u, err := b.Login(ctx, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range g.Items {
		if _, err := b.AddItem(ctx, u, Item{Code: it.Code, Name: it.Name, Unit: it.Unit, VAT: 1300}); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range g.Warehouses {
		if _, err := b.AddWarehouse(ctx, u, Warehouse{Code: w.Code, Name: w.Name}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range g.Customers {
		if _, err := b.AddPartner(ctx, u, Partner{Code: p.Code, Name: p.Name, Customer: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range g.Suppliers {
		if _, err := b.AddPartner(ctx, u, Partner{Code: p.Code, Name: p.Name, Supplier: true}); err != nil {
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
		amt := mustMoney(t, a.Debit) - mustMoney(t, a.Credit)
		if acct.Side == "C" {
			amt = -amt
		}
		if err := b.SetOpening(ctx, u, a.Account, a.Partner, amt, 0, 0); err != nil {
			t.Fatal(a.Account, err)
		}
	}
	for _, s := range g.Opening.Stock {
		if err := b.SetOpeningStock(ctx, u, s.Item, s.Warehouse, mustQty(t, s.Qty), mustMoney(t, s.Amount)); err != nil {
			t.Fatal(err)
		}
	}
	return b, u
}

// TestGoldenMonthDocuments enters DOMAIN.md §8's documents through the services and
// checks every stock cost, the count's book quantity, the warehouse quantities and the
// partner balances against the golden file.
func TestGoldenMonthDocuments(t *testing.T) {
	g := loadGoldenMonth(t)
	b, u := monthBook(t, g)
	ctx := t.Context()
	enterMonth(t, b, u, g)
	// Costs as the costing run of §8.2 gives them.
	for _, gd := range g.Documents {
		d, err := b.Doc(ctx, gd.Number)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range gd.Expected.Lines {
			if want.StockCost != "" && d.Lines[i].Cost != mustMoney(t, want.StockCost) {
				t.Errorf("%s line %d: cost %s, want %s", gd.Number, i+1, d.Lines[i].Cost, want.StockCost)
			}
			if want.BookQty != "" && d.Lines[i].BookQty != mustQty(t, want.BookQty) {
				t.Errorf("%s line %d: book qty %s, want %s", gd.Number, i+1, d.Lines[i].BookQty, want.BookQty)
			}
		}
	}
	stock, err := b.StockOnHand(ctx, u, OnHandFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Qty{}
	var total Money
	for _, o := range stock {
		for wh, q := range o.ByWarehouse {
			got[o.Item+"@"+wh] = q
		}
		total += o.Amount
	}
	for _, w := range g.WarehouseQty {
		if got[w.Item+"@"+w.Warehouse] != mustQty(t, w.Qty) {
			t.Errorf("%s in %s: %s, want %s", w.Item, w.Warehouse, got[w.Item+"@"+w.Warehouse], w.Qty)
		}
	}
	if total != 1059113 {
		t.Errorf("stock at cost %s, want 10,591.13 (§8.5)", total)
	}
	bals, err := b.PartnerBalances(ctx, u, true)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]Money{}
	for _, pb := range bals {
		byKey["1122/"+pb.Partner] = pb.Receivable
		byKey["2203/"+pb.Partner] = -pb.AdvanceRecv
		byKey["2202/"+pb.Partner] = -pb.Payable
		byKey["1123/"+pb.Partner] = pb.Prepaid
	}
	for _, pb := range g.PartnerBalances {
		if got := byKey[pb.Account+"/"+pb.Partner]; got != mustMoney(t, pb.Closing) {
			t.Errorf("%s %s: %s, want %s", pb.Account, pb.Partner, got, pb.Closing)
		}
	}
	if ol, err := b.OpenLines(ctx, u, "XD-202501-0001"); err != nil || len(ol) != 2 || ol[0].OpenQty != 0 || ol[1].OpenQty != 0 {
		t.Errorf("the sales order's open lines: %+v %v", ol, err)
	}
	if ol, err := b.OpenLines(ctx, u, "CG-202501-0001"); err != nil || len(ol) != 1 || ol[0].OpenQty != Units(180) || ol[0].Source != "CG-202501-0001/1" {
		t.Errorf("the receipt's returnable lines: %+v %v", ol, err)
	}
	if pb, err := b.PartnerBalanceOf(ctx, u, "C2"); err != nil || pb.Receivable != 0 || pb.AdvanceRecv != 75680 {
		t.Errorf("C2's balances: %+v %v", pb, err)
	}
	if ol, err := b.OpenLines(ctx, u, "CG-202501-0001"); err != nil || ol[0].DoneNet != 43000 || ol[0].DoneVAT != 5590 {
		t.Errorf("the receipt's returned amounts: %+v %v", ol, err)
	}
	st, err := b.PartnerStatement(ctx, u, "C1", "1122")
	if err != nil {
		t.Fatal(err)
	}
	if last := st[len(st)-1]; last.Balance != 306240 || len(st) != 4 || st[0].Open != 0 || st[1].Number != "XS-202501-0001" ||
		st[1].Open != 306240 {
		t.Errorf("C1's statement: %+v", st)
	}
	led, err := b.StockLedger(ctx, u, "A", "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	last := led[len(led)-1]
	if last.Qty != Units(238) || last.Amount != 489035 {
		t.Errorf("A's ledger ends at %s / %s, want 238 / 4,890.35", last.Qty, last.Amount)
	}
	rep, err := b.Verify(ctx, true)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Failure)
	}
	// Un-auditing the receipt that a return depends on is refused and names the return.
	err = b.UnauditDoc(ctx, u, "CG-202501-0001")
	if CodeOf(err) != CodeDocDependents || !strings.Contains(err.Error(), "CT-202501-0001") {
		t.Errorf("unaudit with a dependent return: %v", err)
	}
}

// enterMonth enters and audits every document of DOMAIN.md §8 through the services.
func enterMonth(t *testing.T, b *Book, u *User, g goldenMonth) {
	t.Helper()
	ctx := t.Context()
	for _, gd := range g.Documents {
		typ, err := ParseDocType("type", gd.Type)
		if err != nil {
			t.Fatal(err)
		}
		d := Doc{Type: typ, Date: Date(gd.Date), Partner: gd.Partner, Warehouse: gd.Warehouse, ToWarehouse: gd.ToWarehouse,
			Source: gd.Order, Inclusive: gd.PriceMode == "inclusive", Deductible: true, Account: gd.Settlement}
		if gd.Amount != "" {
			d.Amount = mustMoney(t, gd.Amount)
			d.Applied = mustMoney(t, gd.Applied)
			d.Advance = mustMoney(t, gd.AdvancePart)
		}
		for i, gl := range gd.Lines {
			l := DocLine{Item: gl.Item, VATRate: gl.VAT, UseItemVAT: gl.VAT == 0, Account: gl.Account, Memo: gl.Memo}
			if gl.Qty != "" {
				l.Qty = mustQty(t, gl.Qty)
			}
			if gl.CountedQty != "" {
				l.Qty = mustQty(t, gl.CountedQty)
			}
			if gl.Price != "" {
				l.Price = mustPrice(t, gl.Price)
			}
			if gl.Amount != "" {
				l.Net = mustMoney(t, gl.Amount)
			}
			if gl.DiscountRate != "" {
				r, _ := ParseRate("d", gl.DiscountRate)
				l.DiscountRate = r * 100
			}
			if gl.LinksTo != nil {
				l.SourceLine = gl.LinksTo.Document + "/" + itoa(gl.LinksTo.Line)
			} else if gd.Order != "" {
				l.SourceLine = gd.Order + "/" + itoa(i+1)
			}
			d.Lines = append(d.Lines, l)
		}
		saved, err := b.SaveAndAuditDoc(ctx, u, d)
		if err != nil {
			t.Fatalf("%s: %v", gd.Number, err)
		}
		if saved.Number != gd.Number {
			t.Errorf("numbered %s, want %s", saved.Number, gd.Number)
		}
	}
}

// loadGolden reads DOMAIN.md §8's golden file into v.
func loadGolden(t *testing.T, v any) {
	t.Helper()
	raw, err := os.ReadFile("../../shared/golden/month-2025-01.json")
	if err != nil {
		t.Skip("golden file not found:", err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}
