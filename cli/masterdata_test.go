package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestWarehousesPartnersCategoriesUnits(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	s.ok("warehouse", "add", "--code", "W1", "--name", "主仓")
	s.ok("warehouse", "add", "--code", "W2", "--name", "后仓")
	s.fails(1, "warehouse", "add", "--code", "w1", "--name", "dup")
	s.ok("warehouse", "edit", "W2", "--name", "门店")
	s.ok("warehouse", "deactivate", "W2")
	if rows := s.jsonList("warehouse", "list"); len(rows) != 1 {
		t.Errorf("warehouses: %v", rows)
	}
	rows := s.jsonList("warehouse", "list", "--all")
	if len(rows) != 2 || rows[1]["name"] != "门店" || rows[1]["active"] != false {
		t.Errorf("warehouses --all: %v", rows)
	}
	s.ok("warehouse", "activate", "W2")
	s.ok("warehouse", "delete", "W2")

	s.ok("partner", "add", "--code", "S01", "--name", "华东批发", "--supplier", "--terms", "30", "--phone", "021-1234")
	s.ok("partner", "add", "--code", "C01", "--name", "张三超市", "--customer")
	s.ok("partner", "add", "--code", "B01", "--name", "两用", "--customer", "--supplier", "--tax-id", "91310000X")
	s.fails(1, "partner", "add", "--code", "X1", "--name", "x", "--terms", "1.5")
	s.fails(1, "partner", "add", "--code", "X1", "--name", "x", "--terms", "-1")
	if rows := s.jsonList("partner", "list", "--customers"); len(rows) != 2 {
		t.Errorf("customers: %v", rows)
	}
	if rows := s.jsonList("partner", "list", "--suppliers", "--search", "hd"); len(rows) != 1 || rows[0]["code"] != "S01" ||
		rows[0]["terms"] != float64(30) || rows[0]["mnemonic"] != "HDPF" {
		t.Errorf("suppliers hd: %v", rows)
	}
	s.ok("partner", "edit", "S01", "--customer", "--supplier=off", "--contact", "李四", "--address", "上海")
	var p map[string]any
	json.Unmarshal([]byte(s.ok("partner", "show", "S01", "--format", "json")), &p)
	if p["customer"] != true || p["supplier"] != false || p["contact"] != "李四" || p["address"] != "上海" || p["phone"] != "021-1234" {
		t.Errorf("partner after edit: %v", p)
	}
	s.ok("partner", "deactivate", "C01")
	if rows := s.jsonList("partner", "list"); len(rows) != 2 {
		t.Errorf("partners without the inactive: %v", rows)
	}
	s.ok("partner", "activate", "C01")
	s.ok("partner", "delete", "C01")
	s.fails(1, "partner", "show", "C01")

	s.ok("category", "add", "--code", "C1", "--name", "饮料")
	s.fails(1, "category", "add", "--code", "C1", "--name", "dup")
	s.ok("category", "edit", "c1", "--name", "饮品")
	if rows := s.jsonList("category", "list"); len(rows) != 1 || rows[0]["name"] != "饮品" {
		t.Errorf("categories: %v", rows)
	}
	s.fails(1, "category", "edit", "NOPE", "--name", "x")

	s.ok("unit", "add", "打", "--en", "dozen")
	s.fails(1, "unit", "add", "打")
	found := false
	for _, u := range s.jsonList("unit", "list") {
		found = found || u["name"] == "打" && u["name_en"] == "dozen"
	}
	if !found {
		t.Error("unit 打 not listed")
	}
	s.ok("item", "add", "--code", "E1", "--name", "鸡蛋", "--unit", "打")
}

func TestAccountsAndOpening(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	s.ok("account", "add", "100201", "工商银行", "--en", "ICBC")
	s.ok("account", "add", "100202", "建设银行", "--parent", "1002")
	s.fails(1, "account", "add", "100203", "农行", "--parent", "1001")
	s.fails(1, "account", "add", "100201", "dup")
	s.fails(1, "account", "add", "9999", "顶级")
	s.ok("account", "edit", "100202", "--name", "建行")
	var a map[string]any
	json.Unmarshal([]byte(s.ok("account", "show", "100202", "--format", "json")), &a)
	if a["name"] != "建行" || a["parent"] != "1002" || a["level"] != float64(2) || a["side"] != "D" || a["category"] != "A" {
		t.Errorf("account: %v", a)
	}
	s.ok("account", "deactivate", "100202")
	for _, r := range s.jsonList("account", "list") {
		if r["code"] == "100202" {
			t.Error("inactive account listed")
		}
	}
	s.ok("account", "activate", "100202")
	s.ok("account", "delete", "100202")
	s.fails(1, "account", "delete", "1001")
	out := s.ok("account", "list", "--lang", "zh-CN")
	if !strings.Contains(out, "\n100201    工商银行") && !strings.Contains(out, "  工商银行") {
		t.Errorf("sub-account not indented:\n%s", out)
	}

	s.ok("warehouse", "add", "--code", "W1", "--name", "主仓")
	s.ok("item", "add", "--code", "A1", "--name", "水", "--unit", "瓶")
	s.ok("partner", "add", "--code", "C1", "--name", "客户甲", "--customer")
	s.ok("opening", "set", "100201", "1000")
	s.ok("opening", "set", "1122", "500", "--partner", "C1")
	s.ok("opening", "stock", "A1", "W1", "100", "120")
	s.ok("opening", "set", "3001", "1500")
	s.fails(1, "opening", "set", "1002", "1")     // not a leaf
	s.fails(1, "opening", "set", "1122", "1")     // needs a partner
	s.fails(1, "opening", "set", "1405", "1")     // stock only
	s.fails(1, "opening", "set", "100201", "1e3") // malformed
	s.fails(1, "opening", "stock", "A1", "W1", "-1", "0")
	s.fails(1, "opening", "set", "100201", "1000", "--ytd-debit", "5") // January start: no YTD

	code, out, errs := s.run("opening", "check", "--format", "json", "--lang", "en")
	if code != 1 || !strings.Contains(errs, "do not balance") || !strings.Contains(errs, "120.00") {
		t.Errorf("unbalanced check: %d %q", code, errs)
	}
	var k map[string]any
	json.Unmarshal([]byte(out), &k)
	if k["debit"] != "1620.00" || k["credit"] != "1500.00" || k["stock"] != "120.00" || k["balanced"] != false || k["stock_matches"] != true {
		t.Errorf("check: %v", k)
	}
	s.ok("opening", "set", "3001", "-20") // a debit balance on a credit account
	s.ok("opening", "set", "3002", "1640")
	if out := s.ok("opening", "check", "--lang", "en"); !strings.Contains(out, "balance") {
		t.Errorf("balanced check: %q", out)
	}
	bals := s.jsonList("opening", "list")
	if len(bals) != 4 || bals[1]["account"] != "1122" || bals[1]["partner"] != "C1" || bals[1]["amount"] != "500.00" {
		t.Errorf("balances: %v", bals)
	}
	for _, b := range bals {
		if b["account"] == "3001" && (b["amount"] != "-20.00" || b["side"] != "C") {
			t.Errorf("3001: %v", b)
		}
	}
	stock := s.jsonList("opening", "list", "--stock")
	if len(stock) != 1 || stock[0]["qty"] != "100" || stock[0]["amount"] != "120.00" || stock[0]["warehouse_name"] != "主仓" {
		t.Errorf("stock: %v", stock)
	}
	s.fails(1, "account", "delete", "100201") // used
}

func TestSettings(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	var v map[string]any
	json.Unmarshal([]byte(s.ok("settings", "show", "--format", "json")), &v)
	if v["name"] != "测试小店" || v["start"] != "2025-01" || v["costing"] != "moving" || v["taxpayer"] != "general" ||
		v["allow_negative"] != false || v["voucher_mode"] != "document" {
		t.Errorf("settings: %v", v)
	}
	s.ok("settings", "set", "--name", "新名字", "--negative", "on", "--separation=on", "--voucher-mode", "summary",
		"--costing", "fifo", "--levy", "1", "--city-rate", "5")
	json.Unmarshal([]byte(s.ok("settings", "show", "--format", "json")), &v)
	if v["name"] != "新名字" || v["allow_negative"] != true || v["separation"] != true || v["voucher_mode"] != "summary" ||
		v["costing"] != "fifo" || v["levy"] != "1" || v["city_rate"] != "5" {
		t.Errorf("settings after set: %v", v)
	}
	s.fails(1, "settings", "set", "--negative", "maybe")
	s.fails(1, "settings", "set", "--levy", "2")
	s.fails(1, "settings", "set", "--voucher-mode", "daily")
	s.ok("settings", "set", "--scan-merge", "off", "--backup-keep", "12", "--idle-lock", "１５")
	json.Unmarshal([]byte(s.ok("settings", "show", "--format", "json")), &v)
	if v["scan_merge"] != false || v["backup_keep"] != float64(12) || v["idle_lock"] != float64(15) {
		t.Errorf("later settings: scan_merge %v, backup_keep %v, idle_lock %v", v["scan_merge"], v["backup_keep"], v["idle_lock"])
	}
	if out := s.fails(1, "settings", "set", "--backup-keep", "0", "--lang", "zh-CN"); !strings.Contains(out, "保留备份份数") {
		t.Errorf("backup-keep 0: %s", out)
	}
	s.fails(1, "settings", "set", "--idle-lock", "1.5")
	if out := s.ok("settings", "show", "--lang", "zh-CN"); !strings.Contains(out, "先进先出") {
		t.Errorf("settings table: %s", out)
	}
}

// `account role list|set` (DOMAIN.md §1.4): every role with its account in table, JSON
// and CSV; an admin moves one before the first close; refusals exit 1 translated, a
// malformed command 2.
func TestAccountRolesThroughTheCLI(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	rows := s.jsonList("account", "role", "list")
	if len(rows) != 23 || rows[1]["role"] != "receivable" || rows[1]["account"] != "1122" || rows[1]["default_account"] != "1122" ||
		rows[1]["root"] != "1122" || rows[1]["fixed_since"] != nil {
		t.Fatalf("roles: %d %v", len(rows), rows[1])
	}
	if recs := s.csvRows("account", "role", "list"); len(recs) != 24 || strings.Join(recs[0], ",") !=
		"role,name,account,account_name,default_account,root,fixed_since" {
		t.Errorf("csv: %v", recs[0])
	}
	if out := s.ok("account", "role", "list", "--lang", "zh-CN"); !strings.Contains(out, "应收账款") || !strings.Contains(out, "默认科目") {
		t.Errorf("table:\n%s", out)
	}
	s.ok("account", "add", "112201", "应收账款—门店")
	s.ok("account", "add", "112202", "应收账款—批发")
	s.ok("account", "role", "set", "receivable", "112202")
	for _, r := range s.jsonList("account", "role", "list") {
		if r["role"] == "receivable" && (r["account"] != "112202" || r["account_name"] != "应收账款—批发") {
			t.Errorf("after set: %v", r)
		}
	}
	if errs := s.fails(1, "account", "role", "set", "receivable", "1221", "--lang", "zh-CN"); !strings.Contains(errs, "须为 1122 或其下级科目") {
		t.Errorf("refusal: %q", errs)
	}
	if errs := s.fails(1, "account", "role", "set", "cash", "1001"); !strings.Contains(errs, "receivable") {
		t.Errorf("an unknown role should name the roles: %q", errs)
	}
	for _, args := range [][]string{{"account", "role"}, {"account", "role", "set", "receivable"}, {"account", "role", "list", "x"},
		{"account", "role", "frob"}, {"account", "role", "set", "a", "b", "c"}} {
		if errs := s.fails(2, args...); !strings.Contains(errs, "account role list") {
			t.Errorf("%v: %q", args, errs)
		}
	}
}
