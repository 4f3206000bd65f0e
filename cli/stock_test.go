package cli

import (
	"strings"
	"testing"
)

func TestStockCommands(t *testing.T) {
	t.Parallel()
	s := smallShop(t) // A001: 100 in at 10.00 on 01-05, 30 out on 01-15, 10 returned on 01-16
	s.ok("doc", "new", "transfer", "--date", "2025-01-17", "--warehouse", "W1", "--to-warehouse", "W2", "--line", "A001:20", "--audit")

	rows := s.jsonList("stock", "onhand")
	if len(rows) != 1 {
		t.Fatalf("onhand: %v", rows)
	}
	r := rows[0]
	whs, _ := r["warehouses"].(map[string]any)
	if r["item"] != "A001" || r["qty"] != "60" || r["amount"] != "600.00" || r["unit_cost"] != "10.00" || r["unit"] != "瓶" ||
		whs["W1"] != "40" || whs["W2"] != "20" {
		t.Errorf("onhand: %v", r)
	}
	// At a date; one warehouse; items with nothing on hand with --all.
	if rows := s.jsonList("stock", "onhand", "--date", "2025-01-10"); rows[0]["qty"] != "100" || rows[0]["amount"] != "1000.00" {
		t.Errorf("onhand at 01-10: %v", rows)
	}
	if rows := s.jsonList("stock", "onhand", "--warehouse", "W2"); len(rows) != 1 || rows[0]["qty"] != "20" {
		t.Errorf("onhand W2: %v", rows)
	}
	s.ok("item", "add", "--code", "B002", "--name", "纸巾", "--unit", "包", "--reorder", "5")
	if rows := s.jsonList("stock", "onhand"); len(rows) != 1 {
		t.Errorf("an item never stocked is listed: %v", rows)
	}
	if rows := s.jsonList("stock", "onhand", "--all"); len(rows) != 2 || rows[1]["item"] != "B002" || rows[1]["qty"] != "0" {
		t.Errorf("onhand --all: %v", rows)
	}
	s.fails(1, "stock", "onhand", "--item", "NOPE")
	s.fails(1, "stock", "onhand", "--date", "2025-13-01")
	// Table and CSV: a column per warehouse.
	csv := s.csvRows("stock", "onhand")
	if strings.Join(csv[0], ",") != "item,name,unit,qty,amount,unit_cost,reorder,W1,W2" || strings.Join(csv[1], ",") != "A001,矿泉水,瓶,60,600.00,10.00,0,40,20" {
		t.Errorf("onhand csv: %v", csv)
	}
	if out := s.ok("stock", "onhand", "--lang", "zh-CN"); !strings.Contains(out, "单位成本") || !strings.Contains(out, "W2") {
		t.Errorf("onhand table:\n%s", out)
	}

	// The stock ledger: opening, each movement with its running quantity and amount.
	led := s.jsonList("stock", "ledger", "A001", "--period", "2025-01")
	if len(led) != 6 || led[0]["type"] != "opening" || led[0]["number"] != nil || led[1]["in_qty"] != "100" || led[1]["in_amount"] != "1000.00" ||
		led[2]["out_qty"] != "30" || led[2]["out_amount"] != "300.00" || led[3]["type"] != "CT" || led[3]["in_qty"] != "-10" ||
		led[5]["qty"] != "60" || led[5]["amount"] != "600.00" {
		t.Errorf("ledger: %v", led)
	}
	if rows := s.jsonList("stock", "ledger", "A001", "--period", "2025-02"); len(rows) != 1 || rows[0]["qty"] != "60" || rows[0]["date"] != "2025-02-01" {
		t.Errorf("ledger of February: %v", rows)
	}
	if out := s.ok("stock", "ledger", "A001", "--lang", "zh-CN"); !strings.Contains(out, "期初") || !strings.Contains(out, "采购入库单") {
		t.Errorf("ledger table:\n%s", out)
	}
	s.fails(1, "stock", "ledger", "NOPE")
	s.fails(1, "stock", "ledger", "A001", "--period", "2025-13")
	s.fails(2, "stock", "ledger")

	// Reorder: items under their level.
	if rows := s.jsonList("stock", "reorder"); len(rows) != 1 || rows[0]["item"] != "B002" || rows[0]["short"] != "5" {
		t.Errorf("reorder: %v", rows)
	}
	s.ok("item", "edit", "A001", "--reorder", "100")
	if rows := s.jsonList("stock", "reorder"); len(rows) != 2 || rows[0]["item"] != "A001" || rows[0]["short"] != "40" {
		t.Errorf("reorder: %v", rows)
	}

	// A count sheet: the book quantities of a warehouse.
	if rows := s.jsonList("stock", "countsheet", "--warehouse", "W1"); len(rows) != 1 || rows[0]["book_qty"] != "40" {
		t.Errorf("countsheet: %v", rows)
	}
	if rows := s.jsonList("stock", "countsheet", "--warehouse", "W1", "--date", "2025-01-10"); len(rows) != 1 || rows[0]["book_qty"] != "100" {
		t.Errorf("countsheet at 01-10: %v", rows)
	}
	s.fails(1, "stock", "countsheet", "--warehouse", "W9")
	s.fails(2, "stock", "countsheet")

	// A clerk sees quantities, not costs.
	s.ok("user", "add", "clerk1", "--role", "clerk", "--no-password")
	_, out, _ := s.run("--user", "clerk1", "stock", "onhand", "--format", "json")
	if !strings.Contains(out, `"amount": null`) || !strings.Contains(out, `"qty": "60"`) {
		t.Errorf("the clerk's onhand: %s", out)
	}
	_, out, _ = s.run("--user", "clerk1", "doc", "show", "XS-202501-0001", "--format", "json")
	if !strings.Contains(out, `"cost": null`) {
		t.Errorf("the clerk sees a cost: %s", out)
	}
}
