package ledger

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"shopbooks/store"
)

// refusedField is refusedUnchanged that also wants the refusal to name field.
func refusedField(t *testing.T, b *Book, what string, code Code, field string, fn func() error) {
	t.Helper()
	var err error
	refusedUnchanged(t, b, what, code, func() error { err = fn(); return err })
	if e, ok := errors.AsType[*Error](err); ok && e.Field() != field {
		t.Errorf("%s: field = %q, want %q", what, e.Field(), field)
	}
}

func soap() Item {
	return Item{Code: "A001", Name: "洗衣液2kg", Spec: "2kg/瓶", Unit: "瓶", Category: "RH", Barcode: "6901234567890",
		VAT: 1300, Buy: Yuan(12, 50), Sell: Yuan(19, 90), Reorder: Units(5)}
}

func TestMnemonic(t *testing.T) {
	for name, want := range map[string]string{
		"洗衣液2kg":                "XYY2KG",
		"洗衣液":                   "XYY",
		"可口可乐 330ml":            "KKKL330ML",
		"ＡＢＣ牙膏":                 "ABCYG",
		"":                      "",
		"--":                    "",
		"农夫山泉（550ml×24）":        "NFSQ550ML24",
		strings.Repeat("洗", 40): strings.Repeat("X", 30),
	} {
		if got := Mnemonic(name); got != want {
			t.Errorf("Mnemonic(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestItems(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	if _, err := b.AddCategory(ctx, admin, Category{Code: "RH", Name: "日化"}); err != nil {
		t.Fatal(err)
	}
	n := auditLen(t, b)
	it, err := b.AddItem(ctx, admin, soap())
	if err != nil {
		t.Fatal(err)
	}
	if auditLen(t, b) != n+1 {
		t.Errorf("AddItem appended %d audit records, want 1", auditLen(t, b)-n)
	}
	want := soap()
	want.ID, want.Mnemonic, want.CategoryName, want.Active, want.Version = it.ID, "XYY2KG", "日化", true, 1
	if it != want {
		t.Errorf("AddItem = %+v\nwant       %+v", it, want)
	}

	add := func(it Item) func() error {
		return func() error { _, err := b.AddItem(ctx, admin, it); return err }
	}
	with := func(edit func(*Item)) Item {
		it := soap()
		it.Code, it.Barcode = "B001", ""
		edit(&it)
		return it
	}
	refusedField(t, b, "duplicate code, other case", CodeCodeTaken, "code", add(with(func(it *Item) { it.Code = "a001" })))
	refusedField(t, b, "duplicate code, full-width", CodeCodeTaken, "code", add(with(func(it *Item) { it.Code = "Ａ００１" })))
	refusedField(t, b, "duplicate barcode", CodeCodeTaken, "barcode", add(with(func(it *Item) { it.Barcode = "6901234567890" })))
	refusedField(t, b, "empty name", CodeRequired, "name", add(with(func(it *Item) { it.Name = "" })))
	refusedField(t, b, "blank name", CodeRequired, "name", add(with(func(it *Item) { it.Name = " \u3000 " })))
	refusedField(t, b, "empty code", CodeRequired, "code", add(with(func(it *Item) { it.Code = "" })))
	refusedField(t, b, "code with a space", CodeBadCode, "code", add(with(func(it *Item) { it.Code = "B 1" })))
	refusedField(t, b, "Chinese code", CodeBadCode, "code", add(with(func(it *Item) { it.Code = "洗衣液" })))
	refusedField(t, b, "long code", CodeTooLong, "code", add(with(func(it *Item) { it.Code = strings.Repeat("B", 31) })))
	refusedField(t, b, "long name", CodeTooLong, "name", add(with(func(it *Item) { it.Name = strings.Repeat("洗", 101) })))
	refusedField(t, b, "unknown unit", CodeUnknownUnit, "unit", add(with(func(it *Item) { it.Unit = "吨" })))
	refusedField(t, b, "no unit", CodeRequired, "unit", add(with(func(it *Item) { it.Unit = "" })))
	refusedField(t, b, "unknown category", CodeUnknownCategory, "category", add(with(func(it *Item) { it.Category = "XX" })))
	refusedField(t, b, "VAT 7%", CodeBadChoice, "vat", add(with(func(it *Item) { it.VAT = 700 })))
	refusedField(t, b, "VAT 17% (before 2018)", CodeBadChoice, "vat", add(with(func(it *Item) { it.VAT = 1700 })))
	refusedField(t, b, "negative buy price", CodeNumberNegative, "buy", add(with(func(it *Item) { it.Buy = -1 })))
	refusedField(t, b, "negative sell price", CodeNumberNegative, "sell", add(with(func(it *Item) { it.Sell = -Yuan(1, 0) })))
	refusedField(t, b, "negative reorder level", CodeNumberNegative, "reorder", add(with(func(it *Item) { it.Reorder = -1 })))
	refusedField(t, b, "barcode with a space", CodeBadCode, "barcode", add(with(func(it *Item) { it.Barcode = "690 123" })))
	refusedField(t, b, "control character in the name", CodeBadCode, "name", add(with(func(it *Item) { it.Name = "洗衣液\x00" })))

	// Full-width input from a Chinese IME is stored half-width.
	fw, err := b.AddItem(ctx, admin, Item{Code: "Ａ００２", Name: "可口可乐 330ml", Unit: "瓶", Barcode: "６９０２", VAT: 900})
	if err != nil {
		t.Fatal(err)
	}
	if fw.Code != "A002" || fw.Barcode != "6902" || fw.Mnemonic != "KKKL330ML" {
		t.Errorf("full-width item stored as code %q barcode %q mnemonic %q", fw.Code, fw.Barcode, fw.Mnemonic)
	}
	if _, err := b.AddItem(ctx, admin, Item{Code: "C-3", Name: "牙膏", Mnemonic: "yg-x", Unit: "支", VAT: 1300}); err != nil {
		t.Fatal(err)
	}

	// Search: 助记码 in either case, a barcode, part of a name or a code.
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"xyy", []string{"A001"}},
		{"XYY2", []string{"A001"}},
		{"ｘｙｙ", []string{"A001"}},
		{"690123", []string{"A001"}},
		{"衣液", []string{"A001"}},
		{"可乐", []string{"A002"}},
		{"a00", []string{"A001", "A002"}},
		{"YG-X", []string{"C-3"}},
		{"", []string{"A001", "A002", "C-3"}},
		{"%", nil}, // LIKE wildcards are literal
		{"_", nil},
		{"x%y", nil},
		{"不存在", nil},
	} {
		items, err := b.Items(ctx, ItemFilter{Text: tc.text})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.Code)
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("Items(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if items, _ := b.Items(ctx, ItemFilter{Limit: 2}); len(items) != 2 {
		t.Errorf("Limit 2: %d items", len(items))
	}
	if got, err := b.Item(ctx, "6901234567890"); err != nil || got.Code != "A001" {
		t.Errorf("Item(barcode) = %v, %v", got.Code, err)
	}
	if got, err := b.Item(ctx, "a001"); err != nil || got.Code != "A001" {
		t.Errorf("Item(a001) = %v, %v", got.Code, err)
	}
	_, err = b.Item(ctx, "Z999")
	wantCode(t, "Item(Z999)", err, CodeUnknownItem)

	// Deactivated items leave the list unless asked for.
	if err := b.SetItemActive(ctx, admin, "A002", false); err != nil {
		t.Fatal(err)
	}
	if items, _ := b.Items(ctx, ItemFilter{Text: "可乐"}); len(items) != 0 {
		t.Error("an inactive item is listed")
	}
	if items, _ := b.Items(ctx, ItemFilter{Text: "可乐", Inactive: true}); len(items) != 1 || items[0].Active {
		t.Errorf("Inactive: %+v", items)
	}
}

func TestUpdateAndDeleteItem(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	b.AddCategory(ctx, admin, Category{Code: "RH", Name: "日化"})
	it, err := b.AddItem(ctx, admin, soap())
	if err != nil {
		t.Fatal(err)
	}
	stale := it
	it.Name = "洗衣液 3kg"
	it.Sell = Yuan(25, 0)
	it.Mnemonic = ""
	upd, err := b.UpdateItem(ctx, admin, it)
	if err != nil {
		t.Fatal(err)
	}
	if upd.Version != stale.Version+1 || upd.Name != "洗衣液 3kg" || upd.Mnemonic != "XYY3KG" || upd.Sell != Yuan(25, 0) {
		t.Errorf("UpdateItem = %+v", upd)
	}
	stale.Name = "另一个人的修改"
	refusedField(t, b, "stale version", CodeStale, "", func() error { _, err := b.UpdateItem(ctx, admin, stale); return err })

	other, err := b.AddItem(ctx, admin, Item{Code: "A002", Name: "肥皂", Unit: "块", Barcode: "111", VAT: 1300})
	if err != nil {
		t.Fatal(err)
	}
	dup := other
	dup.Barcode = "6901234567890"
	refusedField(t, b, "edit to a taken barcode", CodeCodeTaken, "barcode", func() error { _, err := b.UpdateItem(ctx, admin, dup); return err })
	dup = other
	dup.Code = "a001"
	refusedField(t, b, "edit to a taken code", CodeCodeTaken, "code", func() error { _, err := b.UpdateItem(ctx, admin, dup); return err })
	ghost := other
	ghost.ID = 999
	refusedField(t, b, "edit of an item that is gone", CodeUnknownItem, "", func() error { _, err := b.UpdateItem(ctx, admin, ghost); return err })

	// An unused item's code may change; once it has opening stock it may not, nor be deleted.
	upd.Code = "A001X"
	upd, err = b.UpdateItem(ctx, admin, upd)
	if err != nil {
		t.Fatalf("rename code of an unused item: %v", err)
	}
	if _, err := b.AddWarehouse(ctx, admin, Warehouse{Code: "W1", Name: "门店"}); err != nil {
		t.Fatal(err)
	}
	if err := b.SetOpeningStock(ctx, admin, "A001X", "W1", Units(10), 12500); err != nil {
		t.Fatal(err)
	}
	refusedField(t, b, "delete an item with opening stock", CodeRecordUsed, "", func() error { return b.DeleteItem(ctx, admin, "A001X") })
	used := upd
	used.Code = "A001Y"
	refusedField(t, b, "recode an item with opening stock", CodeRecordUsed, "", func() error { _, err := b.UpdateItem(ctx, admin, used); return err })
	refusedField(t, b, "delete a warehouse with opening stock", CodeRecordUsed, "", func() error { return b.DeleteWarehouse(ctx, admin, "W1") })
	refusedField(t, b, "delete an unknown item", CodeUnknownItem, "", func() error { return b.DeleteItem(ctx, admin, "NOPE") })

	// Deleting an unused item leaves an audit record with the before image only.
	n := auditLen(t, b)
	if err := b.DeleteItem(ctx, admin, "A002"); err != nil {
		t.Fatal(err)
	}
	recs := allAudit(t, b)
	if len(recs) != n+1 {
		t.Fatalf("DeleteItem appended %d records", len(recs)-n)
	}
	last := recs[len(recs)-1]
	if last.Action != "item.delete" || last.Before == "" || last.After != "" || !strings.Contains(last.Before, `"code":"A002"`) {
		t.Errorf("delete record = %+v", last)
	}
	if rep, err := b.Verify(ctx, false); err != nil || !rep.OK() {
		t.Errorf("Verify = %+v, %v", rep.Failure, err)
	}
}

// Every write appends one audit record per row it changes, with the row's image before
// and after, and the chain recomputes from the rows.
func TestAuditImages(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	image := func(e entity, id any) string {
		var img string
		err := b.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			img, err = rowImage(ctx, tx, e, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	type step struct {
		name   string
		e      entity
		id     func() any
		action string
		do     func() error
	}
	var itemID ItemID
	var whID WarehouseID
	var pID PartnerID
	steps := []step{
		{"add warehouse", entWarehouse, func() any { return whID }, "warehouse.add", func() error {
			w, err := b.AddWarehouse(ctx, admin, Warehouse{Code: "W1", Name: "门店"})
			whID = w.ID
			return err
		}},
		{"add item", entItem, func() any { return itemID }, "item.add", func() error {
			it, err := b.AddItem(ctx, admin, Item{Code: "A1", Name: "洗衣液", Unit: "瓶", VAT: 1300})
			itemID = it.ID
			return err
		}},
		{"edit item", entItem, func() any { return itemID }, "item.edit", func() error {
			it, _ := b.Item(ctx, "A1")
			it.Buy = Yuan(10, 0)
			_, err := b.UpdateItem(ctx, admin, it)
			return err
		}},
		{"deactivate item", entItem, func() any { return itemID }, "item.active", func() error {
			return b.SetItemActive(ctx, admin, "A1", false)
		}},
		{"add partner", entPartner, func() any { return pID }, "partner.add", func() error {
			p, err := b.AddPartner(ctx, admin, Partner{Code: "K1", Name: "张三超市", Customer: true})
			pID = p.ID
			return err
		}},
		{"rename account", entAccount, func() any { return "1001" }, "account.rename", func() error {
			return b.RenameAccount(ctx, admin, "1001", "现金", "Cash")
		}},
		{"opening balance", entOpening, func() any { return 1 }, "opening.set", func() error {
			return b.SetOpening(ctx, admin, "1122", "K1", 50000, 0, 0)
		}},
		{"opening balance changed", entOpening, func() any { return 1 }, "opening.set", func() error {
			return b.SetOpening(ctx, admin, "1122", "K1", 60000, 0, 0)
		}},
		{"opening balance removed", entOpening, func() any { return 1 }, "opening.set", func() error {
			return b.SetOpening(ctx, admin, "1122", "K1", 0, 0, 0)
		}},
		{"delete warehouse", entWarehouse, func() any { return whID }, "warehouse.delete", func() error {
			return b.DeleteWarehouse(ctx, admin, "W1")
		}},
	}
	for _, s := range steps {
		before := image(s.e, s.id()) // "" before an add: no row has id 0
		n := auditLen(t, b)
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		recs := allAudit(t, b)
		if len(recs) != n+1 {
			t.Errorf("%s: %d audit records, want 1", s.name, len(recs)-n)
			continue
		}
		r := recs[len(recs)-1]
		after := image(s.e, s.id())
		if r.Action != s.action || r.Entity != s.e.name || !r.Image || r.User != "admin" {
			t.Errorf("%s: record %+v", s.name, r)
		}
		if r.Before != before || r.After != after {
			t.Errorf("%s: images\nbefore %s\n  want %s\nafter  %s\n  want %s", s.name, r.Before, before, r.After, after)
		}
	}

	// A change of several rows records each: deactivating 1012 deactivates 101201 and 101202.
	n := auditLen(t, b)
	if err := b.SetAccountActive(ctx, admin, "1012", false); err != nil {
		t.Fatal(err)
	}
	recs := allAudit(t, b)
	var ids []string
	for _, r := range recs[n:] {
		ids = append(ids, r.EntityID)
	}
	if strings.Join(ids, ",") != "1012,101201,101202" {
		t.Errorf("deactivating 1012 recorded %v, want 1012,101201,101202", ids)
	}
	acc := accountsByCode(t, b)
	if acc["101201"].Active || acc["101202"].Active || acc["1012"].Active {
		t.Error("1012 and its sub-accounts still active")
	}
	// Activating a sub-account activates its parent, not its sibling.
	if err := b.SetAccountActive(ctx, admin, "101202", true); err != nil {
		t.Fatal(err)
	}
	acc = accountsByCode(t, b)
	if !acc["1012"].Active || !acc["101202"].Active || acc["101201"].Active {
		t.Error("activating 101202 did not activate exactly 1012 and 101202")
	}
	checkChain(t, b)
}

// TestItemListEqualsItems: the whole list read from item_list gives the items the
// value-by-value read of items gives, every field, after adds, edits, a category renamed
// and an item deactivated; a row of item_list that does not unpack (changed behind the
// book's back) sends the list to items, and verify names the item.
func TestItemListEqualsItems(t *testing.T) {
	b, u := openTestBook(t)
	ctx := t.Context()
	if _, err := b.AddCategory(ctx, u, Category{Code: "C1", Name: "日化 用品"}); err != nil {
		t.Fatal(err)
	}
	c2, err := b.AddCategory(ctx, u, Category{Code: "C2", Name: "纸品", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range []Item{
		{Code: "A1", Name: "洗衣液2kg", Spec: "2kg/瓶", Unit: "个", Category: "C1", Barcode: "6901234567890", VAT: 1300,
			Buy: 21_500_000, Sell: 32_000_000, Reorder: Units(12), RefCost: 20_000_000},
		{Code: "b2", Name: "抽纸", Mnemonic: "cz", Unit: "个", Category: "C2", VAT: 900, OtherBusiness: true},
		{Code: "C3", Name: "Ｘ　full width", Unit: "个", VAT: 0},
		{Code: "B1", Name: "方便面", Unit: "个", VAT: 1300},
	} {
		if _, err := b.AddItem(ctx, u, it); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.SetItemActive(ctx, u, "C3", false); err != nil {
		t.Fatal(err)
	}
	it, err := b.Item(ctx, "A1")
	if err != nil {
		t.Fatal(err)
	}
	it.Name, it.Sell = "洗衣液3kg", 45_000_000
	if _, err := b.UpdateItem(ctx, u, it); err != nil {
		t.Fatal(err)
	}
	c2.Name = "纸巾"
	if _, err := b.UpdateCategory(ctx, u, c2); err != nil {
		t.Fatal(err)
	}
	valueByValue := func(f ItemFilter) []Item {
		var out []Item
		err := b.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			out, err = scanItems(ctx, tx, f, "")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, f := range []ItemFilter{{}, {Inactive: true}, {Inactive: true, Limit: 2}} {
		got, err := b.Items(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		want := valueByValue(f)
		if len(want) < 2 || !reflect.DeepEqual(got, want) {
			t.Errorf("Items(%+v) =\n%+v\nwant\n%+v", f, got, want)
		}
	}
	if got, _ := b.Items(ctx, ItemFilter{}); len(got) != 3 || got[0].Code != "A1" || got[1].Code != "B1" || got[2].Code != "b2" ||
		got[0].Name != "洗衣液3kg" || got[2].CategoryName != "纸巾" {
		t.Errorf("list after the edits: %+v", got)
	}
	if rep, err := b.Verify(ctx, true); err != nil || !rep.OK() {
		t.Fatalf("verify of a good book: %+v, %v", rep, err)
	}

	// Behind the book's back: items edited by SQL are followed by the triggers.
	db := rawDB(t, b.Path())
	rawExec(t, db, "UPDATE items SET spec = 'a'||char(31)||'b' WHERE code = 'B1'")
	got, err := b.Items(ctx, ItemFilter{Inactive: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := valueByValue(ItemFilter{Inactive: true}); !reflect.DeepEqual(got, want) || got[1].Spec != "a\x1fb" {
		t.Errorf("with a separator in a text: %+v, want %+v", got, want)
	}
	rawExec(t, db, "UPDATE items SET spec = '' WHERE code = 'B1'")
	// item_list itself edited: verify names the item.
	for _, tc := range []struct{ sql, item string }{
		{"UPDATE item_list SET packed = replace(packed, '方便面', '方便饭') WHERE code = 'B1'", "B1"},
		{"DELETE FROM item_list WHERE code = 'b2'", "b2"},
		{"INSERT INTO item_list VALUES ('Z9', 1, 'x')", "Z9"},
		{"UPDATE item_list SET active = 0 WHERE code = 'A1'", "A1"},
	} {
		rawExec(t, db, "DELETE FROM item_list")
		rawExec(t, db, "INSERT INTO item_list SELECT code, active, packed FROM item_list_rows")
		rawExec(t, db, tc.sql)
		rep, err := b.Verify(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Failure == nil || rep.Failure.Code != CodeVerifyItemList || rep.Failure.Args["item"] != tc.item {
			t.Errorf("%s: verify = %+v, want %s naming %s", tc.sql, rep.Failure, CodeVerifyItemList, tc.item)
		}
	}
	// A row naming a category that does not exist: the list is read from items.
	rawExec(t, db, "DELETE FROM item_list")
	rawExec(t, db, "INSERT INTO item_list SELECT code, active, packed FROM item_list_rows")
	rawExec(t, db, `UPDATE item_list SET packed = replace(packed,
		char(31) || (SELECT category_id FROM items WHERE code = 'A1') || char(31) || '6901', char(31) || '77' || char(31) || '6901')`)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM item_list WHERE packed LIKE '%'||char(31)||'77'||char(31)||'6901%'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the unknown category was not written: %d, %v", n, err)
	}
	if got, err := b.Items(ctx, ItemFilter{}); err != nil || !reflect.DeepEqual(got, valueByValue(ItemFilter{})) {
		t.Errorf("with an unknown category in item_list: %+v, %v", got, err)
	}
}
