package cli

import (
	"strings"
	"testing"
)

// TestVoucherRefusals: an unbalanced voucher, a line that cannot be read and the lines
// the chart refuses are each refused at entry, naming the line, and nothing is saved.
func TestVoucherRefusals(t *testing.T) {
	t.Parallel()
	s := smallShop(t)
	nv := func(lines ...string) []string {
		args := []string{"voucher", "new", "--date", "2025-01-31"}
		for _, l := range lines {
			args = append(args, "--line", l)
		}
		return args
	}
	for _, tc := range []struct {
		args []string
		want []string // in the message
	}{
		{nv("560207:100:", "1602::90"), []string{"100.00", "90.00"}},
		{nv("560207:100:"), nil},
		{nv("560207:100:5", "1602::105"), []string{"560207:100:5", "ACCOUNT[@PARTNER]:DEBIT:CREDIT"}},
		{nv("560207::", "1602::100"), []string{"560207::"}},
		{nv("560207:0:0", "1602::100"), []string{"560207:0:0"}},
		{nv("560207:100", "1602::100"), []string{"560207:100"}},
		{nv("560207:abc:", "1602::100"), []string{"abc"}},
		{nv("560207:12,5:", "1602::12.5"), []string{"12,5"}},
		{nv("9999:100:", "1602::100"), []string{"9999"}},
		{nv("5602:100:", "1602::100"), []string{"5602"}},                                     // not a leaf
		{nv("1405@A001:100:", "1002::100"), []string{"1405"}},                                // stock documents and the close only
		{nv("1122:100:", "5001::100"), []string{"1122:100:"}},                                // a customer is needed
		{nv("1122@S01:100:", "5001::100"), []string{"S01"}},                                  // a supplier is not a customer
		{nv("1122@NOPE:100:", "5001::100"), []string{"NOPE"}},                                // no such partner
		{nv("1002@C01:100:", "5001::100"), []string{"1002@C01:100:"}},                        // 1002 takes no partner
		{nv("@C01:100:", "5001::100"), []string{"@C01:100:"}},                                // no account
		{nv("1122@:100:", "5001::100"), []string{"1122@:100:"}},                              // no partner after @
		{append(nv("560207:1:", "1602::1"), "--date", "2024-12-31"), []string{"2024-12-31"}}, // before the book's start
	} {
		errs := s.fails(1, tc.args...)
		for _, w := range tc.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%v: the message does not name %q: %q", tc.args, w, errs)
			}
		}
		if strings.Contains(errs, "Internal error") {
			t.Errorf("%v: %q", tc.args, errs)
		}
	}
	if rows := s.jsonList("voucher", "list", "--period", "2025-01"); len(rows) != 0 {
		t.Errorf("refused vouchers were saved: %v", rows)
	}
	s.fails(2, "voucher", "new", "--line", "560207:1:", "--line", "1602::1") // --date
	s.fails(2, "voucher", "new", "--date", "2025-01-31")                     // --line
	s.fails(1, "voucher", "show", "2025-01/记-0001")
	s.fails(1, "voucher", "show", "记-0001")
	if errs := s.fails(1, "voucher", "new", "--date", "2025-01-31", "--line", "560207:100:", "--line", "1602::90",
		"--lang", "zh-CN"); !strings.Contains(errs, "借方") {
		t.Errorf("zh-CN unbalanced: %q", errs)
	}
}

// TestVoucherLifeCycle: a manual voucher is saved unaudited, edited, audited, refused
// edits while audited, un-audited and deleted; the gap it leaves blocks the close (B6)
// until renumber; red ink, partners, full-width input and the three formats.
func TestVoucherLifeCycle(t *testing.T) {
	t.Parallel()
	s := smallShop(t)
	one := strings.TrimSpace(s.ok("voucher", "new", "--date", "2025-01-20", "--summary", "收到货款", "--line", "1002:300:",
		"--line", "1122@c01::300:客户 C01: 一月"))
	if one != "2025-01/记-0001" {
		t.Fatalf("voucher new printed %q", one)
	}
	v := s.jsonObject("voucher", "show", one)
	ls := v["lines"].([]any)
	if v["status"] != "unaudited" || v["source"] != "manual" || v["summary"] != "收到货款" || v["debit"] != "300.00" || len(ls) != 2 {
		t.Fatalf("saved: %v", v)
	}
	l0, l1 := ls[0].(map[string]any), ls[1].(map[string]any)
	if l0["summary"] != "收到货款" || l0["side"] != "D" || l0["debit_amount"] != "300.00" || l0["credit_amount"] != nil ||
		l1["partner"] != "C01" || l1["summary"] != "客户 C01: 一月" || l1["side"] != "C" || l1["account_name"] == "" {
		t.Errorf("lines: %v %v", l0, l1)
	}
	// Full-width input, red ink.
	two := strings.TrimSpace(s.ok("voucher", "new", "--date", "2025-01-25", "--summary", "冲销", "--line", "560302：－２０：",
		"--line", "1002::-20"))
	if v := s.jsonObject("voucher", "show", "2025-01/2"); two != "2025-01/记-0002" || v["debit"] != "-20.00" ||
		v["lines"].([]any)[0].(map[string]any)["amount"] != "-20.00" {
		t.Errorf("red ink %s: %v", two, v)
	}
	// Edit: the summary given (and the lines that carried it), then all lines.
	s.ok("voucher", "edit", one, "--summary", "收到 C01 货款")
	v = s.jsonObject("voucher", "show", one)
	if v["summary"] != "收到 C01 货款" || v["lines"].([]any)[0].(map[string]any)["summary"] != "收到 C01 货款" ||
		v["lines"].([]any)[1].(map[string]any)["summary"] != "客户 C01: 一月" || v["version"] != float64(2) {
		t.Errorf("edited summary: %v", v)
	}
	s.ok("voucher", "edit", one, "--line", "1002:350:", "--line", "1122@C01::350")
	if v := s.jsonObject("voucher", "show", one); v["debit"] != "350.00" || v["number"] != "记-0001" {
		t.Errorf("edited lines: %v", v)
	}
	s.fails(1, "voucher", "edit", one, "--date", "2025-02-01")
	s.fails(1, "voucher", "edit", one, "--line", "1002:350:", "--line", "1122@C01::35")
	// Audit, refused changes, un-audit.
	s.ok("voucher", "audit", one)
	for _, args := range [][]string{{"voucher", "edit", one, "--summary", "x"}, {"voucher", "delete", one}, {"voucher", "audit", one}} {
		if errs := s.fails(1, args...); !strings.Contains(errs, one) {
			t.Errorf("%v: %q", args, errs)
		}
	}
	if v := s.jsonObject("voucher", "show", one); v["status"] != "audited" || v["auditor"] != "admin" {
		t.Errorf("audited: %v", v)
	}
	s.ok("voucher", "unaudit", one)
	s.fails(1, "voucher", "unaudit", one)
	// Delete the first: a gap that blocks the close until renumber.
	s.ok("voucher", "delete", one)
	s.fails(1, "voucher", "show", one)
	code, out, _ := s.run("close", "check", "2025-01")
	if code != 1 || !strings.Contains(out, "B6") || !strings.Contains(out, "B4") {
		t.Errorf("close check with a gap: %d %q", code, out)
	}
	s.ok("voucher", "renumber", "2025-01")
	if rows := s.jsonList("voucher", "list"); len(rows) != 1 || rows[0]["number"] != "记-0001" || rows[0]["summary"] != "冲销" {
		t.Errorf("after renumber: %v", rows)
	}
	// audit several: in turn, stopping at the first refusal, which is named.
	three := strings.TrimSpace(s.ok("voucher", "new", "--date", "2025-01-26", "--line", "560302:5:", "--line", "1001::5"))
	code, out, errs := s.run("voucher", "audit", "2025-01/1", "2025-01/9", three)
	if code != 1 || !strings.Contains(out, "2025-01/记-0001") || !strings.Contains(errs, "2025-01/9") {
		t.Errorf("audit several: %d %q %q", code, out, errs)
	}
	if rows := s.jsonList("voucher", "list", "--period", "2025-01"); rows[0]["status"] != "audited" || rows[1]["status"] != "unaudited" {
		t.Errorf("after audit several: %v", rows)
	}
	s.ok("voucher", "audit", three)
	// The table and CSV.
	table := s.ok("voucher", "list", "--lang", "zh-CN")
	for _, want := range []string{"记-0001", "记-0002", "冲销", "手续费", "借方金额", "-20.00", "已审核"} {
		if !strings.Contains(table, want) {
			t.Errorf("voucher list lacks %q:\n%s", want, table)
		}
	}
	if show := s.ok("voucher", "show", three); !strings.Contains(show, "Total") || !strings.Contains(show, "1001") {
		t.Errorf("voucher show:\n%s", show)
	}
	csv := s.csvRows("voucher", "list")
	if len(csv) != 5 || csv[0][0] != "ref" || csv[1][0] != "2025-01/记-0001" || csv[4][7] != "1001" {
		t.Errorf("voucher list csv: %v", csv)
	}
	// The vouchers close with the month.
	s.ok("close", "2025-01")
	if rows := s.jsonList("voucher", "list", "--period", "2025-01"); len(rows) < 3 || rows[0]["source"] != "manual" {
		t.Errorf("after the close: %v", rows)
	}
}

// TestVoucherPermissions: a clerk enters no vouchers; with separation of duties the maker
// cannot audit, and --audit says the voucher was saved, with its number.
func TestVoucherPermissions(t *testing.T) {
	t.Parallel()
	s := smallShop(t)
	s.ok("user", "add", "clerk1", "--role", "clerk", "--no-password")
	s.ok("--user", "admin", "user", "add", "acc", "--role", "accountant", "--no-password")
	s.fails(1, "--user", "clerk1", "voucher", "new", "--date", "2025-01-31", "--line", "560302:5:", "--line", "1001::5")
	s.ok("--user", "admin", "settings", "set", "--separation", "on")
	code, out, errs := s.run("--user", "acc", "voucher", "new", "--date", "2025-01-31", "--line", "560302:5:", "--line", "1001::5", "--audit")
	if code != 1 || strings.TrimSpace(out) != "2025-01/记-0001" || !strings.Contains(errs, "2025-01/记-0001") {
		t.Errorf("--audit under separation of duties: %d %q %q", code, out, errs)
	}
	s.fails(1, "--user", "acc", "voucher", "audit", "2025-01/1")
	s.ok("--user", "admin", "voucher", "audit", "2025-01/1")
}
