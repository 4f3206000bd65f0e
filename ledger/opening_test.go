package ledger

import (
	"testing"
)

// openingBook has a customer, a supplier, an item and a warehouse.
func openingBook(t *testing.T, start Period) (*Book, *User) {
	t.Helper()
	nb := testNewBook(TaxpayerGeneral)
	nb.Start = start
	b, admin := openTestBookWith(t, nb)
	ctx := t.Context()
	must[Partner](t)(b.AddPartner(ctx, admin, Partner{Code: "K1", Name: "张三超市", Customer: true}))
	must[Partner](t)(b.AddPartner(ctx, admin, Partner{Code: "S1", Name: "日化批发", Supplier: true}))
	must[Item](t)(b.AddItem(ctx, admin, Item{Code: "A1", Name: "洗衣液", Unit: "瓶", VAT: 1300}))
	must[Warehouse](t)(b.AddWarehouse(ctx, admin, Warehouse{Code: "W1", Name: "门店"}))
	return b, admin
}

func TestOpeningBalances(t *testing.T) {
	ctx := t.Context()
	b, admin := openingBook(t, "2025-01")
	set := func(account, partner string, amount, yd, yc Money) func() error {
		return func() error { return b.SetOpening(ctx, admin, account, partner, amount, yd, yc) }
	}
	refusedUnchanged(t, b, "1405 directly", CodeOpeningStock, set("1405", "", 100, 0, 0))
	refusedUnchanged(t, b, "a parent account", CodeAccountNotLeaf, set("2221", "", 100, 0, 0))
	refusedUnchanged(t, b, "a GT parent 222101", CodeAccountNotLeaf, set("222101", "", 100, 0, 0))
	refusedUnchanged(t, b, "unknown account", CodeUnknownAccount, set("9999", "", 100, 0, 0))
	refusedUnchanged(t, b, "receivable without customer", CodeAuxRequired, set("1122", "", 100, 0, 0))
	refusedUnchanged(t, b, "receivable from a supplier", CodeAuxWrongKind, set("1122", "S1", 100, 0, 0))
	refusedUnchanged(t, b, "payable to a customer", CodeAuxWrongKind, set("2202", "K1", 100, 0, 0))
	refusedUnchanged(t, b, "cash per partner", CodeAuxNotAllowed, set("1001", "K1", 100, 0, 0))
	refusedUnchanged(t, b, "unknown partner", CodeUnknownPartner, set("1122", "K9", 100, 0, 0))
	refusedUnchanged(t, b, "YTD in a January book", CodeOpeningYTD, set("1001", "", 100, 50, 0))
	refusedUnchanged(t, b, "balance on a P&L account", CodeOpeningPL, set("5001", "", 100, 0, 0))

	for _, s := range []struct {
		account, partner string
		amount           Money
	}{
		{"1001", "", 200000}, // 2,000.00 cash
		{"1122", "K1", 50000},
		{"2202", "S1", 30000}, // credit account: positive is a credit
		{"3001", "", 270000},
	} {
		if err := b.SetOpening(ctx, admin, s.account, s.partner, s.amount, 0, 0); err != nil {
			t.Fatalf("SetOpening %s: %v", s.account, err)
		}
	}
	if err := b.SetOpeningStock(ctx, admin, "A1", "W1", Units(10), 50000); err != nil {
		t.Fatal(err)
	}
	c, err := b.CheckOpening(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Debit != 300000 || c.Credit != 300000 || c.Stock != 50000 || c.Account1405 != 50000 || !c.Balanced || !c.StockMatches {
		t.Errorf("CheckOpening = %+v, want 3,000.00 = 3,000.00 with stock 500.00", c)
	}
	bals, stock, err := b.Openings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Money{}
	for _, o := range bals {
		got[o.Account+"/"+o.Partner] = o.Amount
	}
	if got["2202/S1"] != 30000 || got["1122/K1"] != 50000 || got["3001/"] != 270000 || len(bals) != 4 {
		t.Errorf("Openings = %+v", bals)
	}
	if len(stock) != 1 || stock[0].Qty != Units(10) || stock[0].Amount != 50000 || stock[0].Item != "A1" {
		t.Errorf("opening stock = %+v", stock)
	}
	// Unbalanced: the check says so.
	if err := b.SetOpening(ctx, admin, "1001", "", 200001, 0, 0); err != nil {
		t.Fatal(err)
	}
	if c, _ := b.CheckOpening(ctx); c.Balanced {
		t.Errorf("CheckOpening = %+v, want unbalanced by 0.01", c)
	}

	// Stock refusals.
	stockSet := func(item, wh string, q Qty, a Money) func() error {
		return func() error { return b.SetOpeningStock(ctx, admin, item, wh, q, a) }
	}
	refusedUnchanged(t, b, "negative quantity", CodeNumberNegative, stockSet("A1", "W1", -1, 0))
	refusedUnchanged(t, b, "negative amount", CodeNumberNegative, stockSet("A1", "W1", Units(1), -1))
	refusedUnchanged(t, b, "amount without quantity", CodeRequired, stockSet("A1", "W1", 0, 100))
	refusedUnchanged(t, b, "unknown item", CodeUnknownItem, stockSet("Z9", "W1", Units(1), 100))
	refusedUnchanged(t, b, "unknown warehouse", CodeUnknownWH, stockSet("A1", "W9", Units(1), 100))

	// Used accounts and partners stay.
	refusedUnchanged(t, b, "sub-account under a used account", CodeAccountUsed, func() error {
		_, err := b.AddAccount(ctx, admin, "100101", "零钱", "")
		return err
	})
	refusedUnchanged(t, b, "deactivate a used account", CodeAccountUsed, func() error { return b.SetAccountActive(ctx, admin, "1001", false) })
	refusedUnchanged(t, b, "delete a seeded account", CodeAccountSeeded, func() error { return b.DeleteAccount(ctx, admin, "1101") })
	refusedUnchanged(t, b, "delete a partner with a balance", CodeRecordUsed, func() error { return b.DeletePartner(ctx, admin, "K1") })
	refusedUnchanged(t, b, "deactivate 1405 with stock", CodeAccountUsed, func() error { return b.SetAccountActive(ctx, admin, "1405", false) })

	// Zero removes an entry.
	if err := b.SetOpeningStock(ctx, admin, "A1", "W1", 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, stock, _ := b.Openings(ctx); len(stock) != 0 {
		t.Errorf("zero stock kept: %+v", stock)
	}
	if rep, err := b.Verify(ctx, true); err != nil || !rep.OK() {
		t.Errorf("Verify = %+v, %v", rep.Failure, err)
	}
}

// A book that starts mid-year takes YTD movements (DOMAIN.md §6.1).
func TestOpeningMidYear(t *testing.T) {
	ctx := t.Context()
	b, admin := openingBook(t, "2025-06")
	if err := b.SetOpening(ctx, admin, "1001", "", 100000, 500000, 450000); err != nil {
		t.Fatal(err)
	}
	if err := b.SetOpening(ctx, admin, "5001", "", 0, 0, 300000); err != nil {
		t.Errorf("YTD revenue on a P&L account: %v", err)
	}
	if err := b.SetOpening(ctx, admin, "3001", "", 50000, 0, 0); err != nil {
		t.Fatal(err)
	}
	refusedUnchanged(t, b, "negative YTD", CodeNumberNegative, func() error { return b.SetOpening(ctx, admin, "1002", "", 0, -1, 0) })
	c, err := b.CheckOpening(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 年初余额 of 1001 = 1,000.00 − (5,000.00 − 4,500.00) = 500.00; 3001 500.00 credit.
	if c.YearDebit != 50000 || c.YearCredit != 50000 {
		t.Errorf("CheckOpening = %+v, want 年初 500.00 = 500.00", c)
	}
}

func TestAccounts(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	a, err := b.AddAccount(ctx, admin, "100201", "工行基本户", "ICBC")
	if err != nil {
		t.Fatal(err)
	}
	if a.Parent != "1002" || a.Level != 2 || a.Category != "A" || a.Side != "D" || a.Seeded || !a.Leaf {
		t.Errorf("AddAccount = %+v", a)
	}
	if p, _ := b.Account(ctx, "1002"); p.Leaf {
		t.Error("1002 still a leaf")
	}
	add := func(code string) func() error {
		return func() error { _, err := b.AddAccount(ctx, admin, code, "x", ""); return err }
	}
	refusedUnchanged(t, b, "duplicate", CodeCodeTaken, add("100201"))
	refusedUnchanged(t, b, "level 1", CodeAccountParent, add("1003"))
	refusedUnchanged(t, b, "no such parent", CodeAccountParent, add("999901"))
	refusedUnchanged(t, b, "under 1405", CodeAccountParent, add("140501"))
	refusedUnchanged(t, b, "four levels", CodeAccountLevels, add("1002010101"))
	refusedUnchanged(t, b, "letters", CodeBadCode, add("10020A"))
	refusedUnchanged(t, b, "odd length", CodeBadCode, add("10020"))
	refusedUnchanged(t, b, "empty name", CodeRequired, func() error { _, err := b.AddAccount(ctx, admin, "100202", "", ""); return err })
	refusedUnchanged(t, b, "rename to empty", CodeRequired, func() error { return b.RenameAccount(ctx, admin, "1001", " ", "") })
	refusedUnchanged(t, b, "rename unknown", CodeUnknownAccount, func() error { return b.RenameAccount(ctx, admin, "1009", "x", "") })
	refusedUnchanged(t, b, "delete a parent", CodeAccountSeeded, func() error { return b.DeleteAccount(ctx, admin, "1002") })
	if _, err := b.AddAccount(ctx, admin, "10020101", "三级", ""); err != nil {
		t.Fatalf("level 3: %v", err)
	}
	refusedUnchanged(t, b, "delete a user account with sub-accounts", CodeAccountNotLeaf, func() error { return b.DeleteAccount(ctx, admin, "100201") })
	if err := b.DeleteAccount(ctx, admin, "10020101"); err != nil {
		t.Errorf("delete an unused leaf the user added: %v", err)
	}
	if err := b.RenameAccount(ctx, admin, "5001", "商品销售收入", "Sales"); err != nil {
		t.Errorf("rename a seeded account: %v", err)
	}
	if rep, err := b.Verify(ctx, false); err != nil || !rep.OK() {
		t.Errorf("Verify = %+v, %v", rep.Failure, err)
	}
}

func TestPartnersAndWarehouses(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	p, err := b.AddPartner(ctx, admin, Partner{Code: "ｋ１", Name: "张三超市", Customer: true, TaxID: "91110000abc", TermsDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	if p.Code != "k1" && p.Code != "K1" || p.Mnemonic != "ZSCS" || p.TaxID != "91110000ABC" || p.Version != 1 {
		t.Errorf("AddPartner = %+v", p)
	}
	addP := func(p Partner) func() error {
		return func() error { _, err := b.AddPartner(ctx, admin, p); return err }
	}
	refusedField(t, b, "duplicate partner", CodeCodeTaken, "code", addP(Partner{Code: "K1", Name: "x", Supplier: true}))
	refusedField(t, b, "neither customer nor supplier", CodeRequired, "kind", addP(Partner{Code: "K2", Name: "x"}))
	refusedField(t, b, "empty partner name", CodeRequired, "name", addP(Partner{Code: "K2", Customer: true}))
	refusedField(t, b, "terms too long", CodeNumberTooBig, "terms", addP(Partner{Code: "K2", Name: "x", Customer: true, TermsDays: 4000}))
	stale := p
	p.Phone = "13800000000"
	if _, err := b.UpdatePartner(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	refusedField(t, b, "stale partner", CodeStale, "", func() error { _, err := b.UpdatePartner(ctx, admin, stale); return err })
	if ps, _ := b.Partners(ctx, PartnerFilter{Text: "zscs"}); len(ps) != 1 {
		t.Errorf("Partners(zscs) = %v", ps)
	}
	if ps, _ := b.Partners(ctx, PartnerFilter{Suppliers: true}); len(ps) != 0 {
		t.Errorf("Partners(suppliers) = %v", ps)
	}

	w, err := b.AddWarehouse(ctx, admin, Warehouse{Code: "W1", Name: "门店"})
	if err != nil {
		t.Fatal(err)
	}
	addW := func(w Warehouse) func() error {
		return func() error { _, err := b.AddWarehouse(ctx, admin, w); return err }
	}
	refusedField(t, b, "duplicate warehouse", CodeCodeTaken, "code", addW(Warehouse{Code: "w1", Name: "x"}))
	refusedField(t, b, "empty warehouse name", CodeRequired, "name", addW(Warehouse{Code: "W2"}))
	w.Name = "后仓"
	if _, err := b.UpdateWarehouse(ctx, admin, w); err != nil {
		t.Fatal(err)
	}
	refusedField(t, b, "stale warehouse", CodeStale, "", func() error { _, err := b.UpdateWarehouse(ctx, admin, w); return err })

	refusedField(t, b, "duplicate unit", CodeCodeTaken, "unit", func() error { return b.AddUnit(ctx, admin, "个", "") })
	must[Category](t)(b.AddCategory(ctx, admin, Category{Code: "RH", Name: "日化"}))
	refusedField(t, b, "duplicate category", CodeCodeTaken, "code", func() error {
		_, err := b.AddCategory(ctx, admin, Category{Code: "rh", Name: "x"})
		return err
	})
}

func TestUnits(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	if err := b.AddUnit(ctx, admin, "吨", "t"); err != nil {
		t.Fatal(err)
	}
	refusedField(t, b, "duplicate unit", CodeCodeTaken, "unit", func() error { return b.AddUnit(ctx, admin, "吨", "ton") })
	refusedField(t, b, "empty unit", CodeRequired, "unit", func() error { return b.AddUnit(ctx, admin, " ", "x") })
	// The English name is what is taken here, so the refusal names it, not the new unit.
	refusedField(t, b, "taken English name", CodeCodeTaken, "name_en", func() error { return b.AddUnit(ctx, admin, "公吨", "T") })
	units, _ := b.Units(ctx)
	if last := units[len(units)-1]; last.Name != "吨" || last.NameEN != "t" || !last.Active {
		t.Errorf("last unit = %+v", last)
	}
}
