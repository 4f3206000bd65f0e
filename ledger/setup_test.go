package ledger

import "testing"

// TestSetupCounts: the counts equal the lists the setup steps used to count (inactive
// items and partners left out, as those lists leave them), and the opening check is
// CheckOpening's.
func TestSetupCounts(t *testing.T) {
	b, admin := openTestBook(t)
	ctx := t.Context()
	permFixture(t, b, admin)
	must[Item](t)(b.AddItem(ctx, admin, Item{Code: "B", Name: "抽纸", Unit: "提", VAT: 1300, Active: true}))
	if err := b.SetItemActive(ctx, admin, "B", false); err != nil {
		t.Fatal(err)
	}
	if err := b.SetOpening(ctx, admin, "1001", "", 50000, 0, 0); err != nil {
		t.Fatal(err)
	}
	addUser(t, b, admin, "clerk", RoleClerk)
	c, err := b.SetupCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := b.Items(ctx, ItemFilter{})
	whs, _ := b.Warehouses(ctx, false)
	ps, _ := b.Partners(ctx, PartnerFilter{})
	bal, st, _ := b.Openings(ctx)
	users, _ := b.Users(ctx)
	chk, _ := b.CheckOpening(ctx)
	want := SetupCounts{Warehouses: len(whs), Items: len(items), Partners: len(ps), OpeningBalances: len(bal),
		OpeningStock: len(st), Users: len(users), Opening: chk}
	if c != want || c.Items != 1 || c.Warehouses != 2 || c.OpeningStock != 1 || c.OpeningBalances != 1 || c.Users != 2 {
		t.Errorf("SetupCounts = %+v, the lists give %+v", c, want)
	}
}
