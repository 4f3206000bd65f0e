package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenVouchers are the vouchers of DOMAIN.md §8's month in the golden file.
type goldenVoucher struct {
	Number, Date, Summary string
	Lines                 []struct{ Account, Side, Amount, Partner, Item string }
}

func loadGoldenVouchers(t *testing.T) []goldenVoucher {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "golden", "month-2025-01.json"))
	if err != nil {
		t.Skip("golden file not found:", err)
	}
	var g struct{ Vouchers []goldenVoucher }
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	return g.Vouchers
}

// sameVouchers compares `voucher list --format json` with the golden vouchers: number,
// date, summary and each line's account, side, amount, partner and item.
func sameVouchers(t *testing.T, got []map[string]any, want []goldenVoucher) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d vouchers, want %d", len(got), len(want))
	}
	side := map[string]string{"debit": "D", "credit": "C"}
	for i, w := range want {
		v := got[i]
		if v["number"] != w.Number || v["date"] != w.Date || v["summary"] != w.Summary || v["status"] != "audited" {
			t.Errorf("voucher %d: %v %v %v %v, want %s %s %s", i+1, v["number"], v["date"], v["summary"], v["status"], w.Number, w.Date, w.Summary)
		}
		lines, _ := v["lines"].([]any)
		if len(lines) != len(w.Lines) {
			t.Errorf("%s: %d lines, want %d", w.Number, len(lines), len(w.Lines))
			continue
		}
		for j, wl := range w.Lines {
			l := lines[j].(map[string]any)
			if l["account"] != wl.Account || l["side"] != side[wl.Side] || l["amount"] != wl.Amount || l["partner"] != wl.Partner ||
				l["item"] != wl.Item {
				t.Errorf("%s line %d: %v %v %v %v %v, want %+v", w.Number, j+1, l["account"], l["side"], l["amount"], l["partner"],
					l["item"], wl)
			}
		}
	}
}

// TestGoldenMonthCloses: DOMAIN.md §8's month, entered through batch, with its manual
// depreciation voucher, checks clean, previews and closes to the 17 vouchers of the
// golden file and a profit of 372.87; the closed month refuses writes; un-close needs a
// reason; closing again gives the same vouchers.
func TestGoldenMonthCloses(t *testing.T) {
	t.Parallel()
	want := loadGoldenVouchers(t)
	s, _ := monthShop(t)
	if ref := strings.TrimSpace(s.ok("voucher", "new", "--date", "2025-01-31", "--summary", "计提折旧", "--line", "560207:500:",
		"--line", "1602::500", "--audit")); ref != "2025-01/记-0001" {
		t.Fatalf("voucher new printed %q", ref)
	}
	if out := s.ok("close", "check", "2025-01"); !strings.Contains(out, "2025-01") {
		t.Errorf("close check: %q", out)
	}
	if rows := s.jsonList("close", "check", "2025-01"); len(rows) != 0 {
		t.Errorf("findings: %v", rows)
	}
	// The preview: the vouchers and the profit, nothing saved.
	pre := s.jsonObject("close", "preview", "2025-01")
	if pre["profit"] != "372.87" || pre["closed"] != false || len(pre["vouchers"].([]any)) != 16 {
		t.Errorf("preview: profit %v closed %v, %d vouchers", pre["profit"], pre["closed"], len(pre["vouchers"].([]any)))
	}
	if rows := s.jsonList("voucher", "list", "--period", "2025-01"); len(rows) != 1 {
		t.Fatalf("the preview saved vouchers: %d", len(rows))
	}
	// The close.
	code, out, errs := s.run("close", "2025-01")
	if code != 0 || !strings.Contains(out, "记-0002") || !strings.Contains(out, "记-0017") || !strings.Contains(out, "372.87") {
		t.Fatalf("close: %d %q %q", code, out, errs)
	}
	if strings.Contains(errs, "…") {
		t.Errorf("progress shown off a terminal: %q", errs)
	}
	first := s.ok("voucher", "list", "--period", "2025-01", "--format", "json")
	var got []map[string]any
	if err := json.Unmarshal([]byte(first), &got); err != nil {
		t.Fatal(err)
	}
	sameVouchers(t, got, want)
	if v := s.jsonObject("voucher", "show", "2025-01/2"); v["doc"] != "CG-202501-0001" || v["source"] != "doc" || v["debit"] != "4859.00" {
		t.Errorf("voucher show 2025-01/2: %v", v)
	}
	if v := s.jsonObject("voucher", "show", "2025-01/记-0017"); v["pl_close"] != true || v["source"] != "pl" {
		t.Errorf("the P&L carry-forward: %v", v)
	}
	// The ledgers of 1002 after the close: 200,000.00 to 197,267.50 (§8.4).
	det := s.jsonList("ledger", "detail", "1002", "--period", "2025-01")
	if len(det) != 8 || det[0]["kind"] != "open" || det[0]["balance"] != "200000.00" || det[1]["ref"] != "2025-01/记-0003" ||
		det[1]["credit_amount"] != "3720.00" || det[1]["debit_amount"] != nil || det[6]["kind"] != "total" ||
		det[6]["debit_amount"] != "16000.00" || det[7]["balance"] != "197267.50" {
		t.Errorf("ledger detail 1002: %v", det)
	}
	if gl := s.jsonList("ledger", "gl", "1002", "--period", "2025-01", "--to", "2025-02"); len(gl) != 2 || gl[0]["opening"] != "200000.00" ||
		gl[0]["closing"] != "197267.50" || gl[0]["credit"] != "18732.50" || gl[1]["opening"] != "197267.50" {
		t.Errorf("ledger gl 1002: %v", gl)
	}
	if det := s.jsonList("ledger", "detail", "1122", "--partner", "C2", "--period", "2025-01"); det[len(det)-1]["balance"] != "0.00" ||
		det[len(det)-1]["direction"] != "" {
		t.Errorf("ledger detail 1122 C2: %v", det)
	}
	if out := s.ok("ledger", "detail", "1002", "--period", "2025-01", "--lang", "zh-CN"); !strings.Contains(out, "本月合计") ||
		!strings.Contains(out, "197267.50") {
		t.Errorf("ledger detail table:\n%s", out)
	}
	s.fails(1, "ledger", "gl", "1002", "--period", "2025-02", "--to", "2025-01")
	s.fails(1, "ledger", "detail", "9999")
	// The closed month refuses every write.
	for _, args := range [][]string{
		{"doc", "new", "receipt", "--date", "2025-01-30", "--partner", "S1", "--warehouse", "W1", "--line", "A:1:10", "--audit"},
		{"doc", "new", "expense", "--date", "2025-01-31", "--account", "1002", "--line", "560206:10"},
		{"voucher", "new", "--date", "2025-01-31", "--line", "560207:1:", "--line", "1602::1"},
		{"voucher", "unaudit", "2025-01/记-0001"},
		{"voucher", "delete", "2025-01/记-0001"},
		{"voucher", "renumber", "2025-01"},
		{"close", "2025-01"},
		{"unclose", "2024-12", "--reason", "x"},
	} {
		s.fails(1, args...)
	}
	// The next month is open: the default of voucher list.
	if out := s.ok("voucher", "list"); !strings.Contains(out, "(none)") {
		t.Errorf("voucher list of 2025-02: %q", out)
	}
	// Un-close needs a reason; closing again gives the same vouchers.
	s.fails(2, "unclose", "2025-01")
	s.fails(2, "unclose", "2025-01", "--reason", " ")
	if out := s.ok("unclose", "2025-01", "--reason", "补录凭证"); !strings.Contains(out, "2025-01") {
		t.Errorf("unclose said %q", out)
	}
	if rows := s.jsonList("voucher", "list", "--period", "2025-01"); len(rows) != 1 || rows[0]["number"] != "记-0001" {
		t.Errorf("after unclose: %v", rows)
	}
	s.ok("close", "2025-01")
	if again := s.ok("voucher", "list", "--period", "2025-01", "--format", "json"); again != first {
		t.Errorf("close, unclose, close: the vouchers differ")
	}
	if out := s.ok("verify"); !strings.Contains(out, "✓") {
		t.Errorf("verify: %s", out)
	}
	// JSON of the close itself.
	s.ok("unclose", "2025-01", "--reason", "again")
	res := s.jsonObject("close", "2025-01")
	if res["closed"] != true || res["profit"] != "372.87" || len(res["vouchers"].([]any)) != 16 {
		t.Errorf("close --format json: %v %v", res["closed"], res["profit"])
	}
}

// TestCloseRefusals: a draft blocks the close (B3) and is named; a clerk may not close;
// months close in order and only the latest un-closes; bad command lines are usage errors.
func TestCloseRefusals(t *testing.T) {
	t.Parallel()
	s := smallShop(t)
	draft := strings.TrimSpace(s.ok("doc", "new", "delivery", "--date", "2025-01-25", "--partner", "C01", "--warehouse", "W1",
		"--line", "A001:5:20"))
	code, out, errs := s.run("close", "check", "2025-01")
	if code != 1 || !strings.Contains(out, "B3") || !strings.Contains(out, draft) || !strings.Contains(errs, "B3") {
		t.Errorf("close check with a draft: %d %q %q", code, out, errs)
	}
	var fs []map[string]any
	_, js, _ := s.run("close", "check", "2025-01", "--format", "json")
	if err := json.Unmarshal([]byte(js), &fs); err != nil || len(fs) != 1 || fs[0]["check"] != "B3" || fs[0]["block"] != true ||
		fs[0]["count"] != float64(1) || fs[0]["refs"].([]any)[0] != draft {
		t.Errorf("close check --format json: %v %s", err, js)
	}
	for _, lang := range []string{"en", "zh-CN"} {
		errs := s.fails(1, "close", "2025-01", "--lang", lang)
		if !strings.Contains(errs, "B3") || !strings.Contains(errs, draft) {
			t.Errorf("close with a draft (%s): %q", lang, errs)
		}
	}
	if errs := s.fails(1, "close", "preview", "2025-01"); !strings.Contains(errs, draft) {
		t.Errorf("preview with a draft: %q", errs)
	}
	s.ok("doc", "audit", draft)
	// A preview's counter confirms the close only while nothing is written.
	pre := s.jsonObject("close", "preview", "2025-01")
	counter, _ := pre["counter"].(float64)
	if counter == 0 {
		t.Fatalf("preview without a counter: %v", pre)
	}
	if out := s.ok("close", "preview", "2025-01"); !strings.Contains(out, fmt.Sprintf("--counter %d", int64(counter))) {
		t.Errorf("preview table: %q", out)
	}
	s.ok("partner", "add", "--code", "C02", "--name", "新客户", "--customer")
	if errs := s.fails(1, "close", "2025-01", "--counter", fmt.Sprint(int64(counter))); !strings.Contains(errs, "2025-01") {
		t.Errorf("a stale preview: %q", errs)
	}
	s.fails(2, "close", "check", "2025-01", "--counter", "1")
	pre = s.jsonObject("close", "preview", "2025-01")
	s.ok("close", "2025-01", "--counter", fmt.Sprint(int64(pre["counter"].(float64))))
	s.ok("unclose", "2025-01", "--reason", "counter test")
	// A clerk may neither check nor close.
	s.ok("user", "add", "clerk1", "--role", "clerk", "--no-password")
	s.fails(1, "--user", "clerk1", "close", "2025-01")
	s.fails(1, "--user", "clerk1", "close", "check", "2025-01")
	s.fails(1, "--user", "admin", "close", "2025-02") // 2025-01 first
	s.fails(1, "--user", "admin", "unclose", "2025-01", "--reason", "x")
	s.ok("--user", "admin", "close", "2025-01")
	s.fails(1, "--user", "clerk1", "unclose", "2025-01", "--reason", "x")
	s.ok("--user", "admin", "close", "2025-02") // an empty month closes
	s.fails(1, "--user", "admin", "unclose", "2025-01", "--reason", "x")
	s.ok("--user", "admin", "unclose", "2025-02", "--reason", "x")
	s.ok("--user", "admin", "unclose", "2025-01", "--reason", "x")
	// Usage.
	s.fails(2, "--user", "admin", "close")
	s.fails(2, "--user", "admin", "close", "check")
	s.fails(2, "--user", "admin", "close", "frob", "2025-01")
	s.fails(2, "--user", "admin", "close", "check", "2025-01", "2025-02")
	s.fails(1, "--user", "admin", "close", "2025-13")
	if out := s.ok("help", "close"); !strings.Contains(out, "close check YYYY-MM") {
		t.Errorf("help close: %q", out)
	}
}
