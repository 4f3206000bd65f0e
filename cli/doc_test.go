package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// monthScript is DOMAIN.md §8's month as a batch: master data, opening balances and the
// documents of §8.1, each audited, as a user would type them.
const monthScript = `# DOMAIN.md §8: 恒达便利店, January 2025
warehouse add --code W1 --name 主仓
warehouse add --code W2 --name 门店
item add --code A --name 洗衣液2kg --unit 瓶 --vat 13
item add --code B --name 抽纸 --unit 提 --vat 13
partner add --code C1 --name 明辉餐厅 --customer
partner add --code C2 --name 阳光幼儿园 --customer
partner add --code WALKIN --name 零售客户 --customer
partner add --code S1 --name 华南日化批发 --supplier
partner add --code S2 --name 江城纸业 --supplier
opening set 1001 5000
opening set 1002 200000
opening set 1122 8000 --partner C1
opening set 1601 50000
opening set 1602 10000
opening set 2202 12000 --partner S1
opening set 3001 200000
opening set 3101 10000
opening set 310415 42000
opening stock A W1 200 4000
opening stock A W2 100 2000
opening stock B W1 1000 5000
opening check
doc new po --date 2025-01-02 --partner S1 --line A:200:21.50 --audit
doc new receipt --date 2025-01-03 --from CD-202501-0001 --warehouse W1 --audit
doc new receipt --date 2025-01-05 --partner S2 --warehouse W1 --account 1002 --tax-inclusive --line B:600:6.20 --audit
doc new delivery --date 2025-01-08 --partner C1 --warehouse W1 --line A:150:32 --audit
doc new transfer --date 2025-01-09 --warehouse W1 --to-warehouse W2 --line B:400 --audit
doc new delivery --date 2025-01-10 --partner WALKIN --warehouse W2 --account 1001 --tax-inclusive --line B:300:8.80 --audit
doc new preturn --date 2025-01-12 --from CG-202501-0001 --line A:20 --audit
doc new so --date 2025-01-14 --partner C2 --line A:100::13:d5% --line B:200 --audit
doc new delivery --date 2025-01-15 --from XD-202501-0001 --warehouse W1 --line A:100:32 --line B:200:8 --audit
doc new sreturn --date 2025-01-18 --from XS-202501-0001 --line A:10 --audit
doc new collect --date 2025-01-20 --partner C1 --account 1002 --amount 10000 --audit
doc new pay --date 2025-01-22 --partner S1 --account 1002 --amount 12,000.00 --audit
doc new expense --date 2025-01-25 --account 1002 --line 560206:3000::rent --line "560302:12.50::bank charge" --audit
doc new collect --date 2025-01-26 --partner C2 --account 1002 --amount 6000 --audit
doc new count --date 2025-01-28 --warehouse W1 --from-stock --line A:138 --audit
`

var numberRE = regexp.MustCompile(`[A-Z]+-?[0-9]{6}-?[0-9]+`)

type golden struct {
	Documents []struct {
		Number   string
		Expected struct {
			Lines []struct {
				Net       string
				VAT       string
				Gross     string
				Discount  string
				StockCost string `json:"stock_cost"`
				BookQty   string `json:"book_qty"`
			}
			N, T, G, S string
		}
	}
	Costing struct {
		Items map[string]struct {
			Closing struct{ Qty, Amount string }
		}
	}
	WarehouseQty    []struct{ Item, Warehouse, Qty string }      `json:"warehouse_quantities"`
	PartnerBalances []struct{ Account, Partner, Closing string } `json:"partner_balances"`
}

func loadGolden(t *testing.T) golden {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "golden", "month-2025-01.json"))
	if err != nil {
		t.Skip("golden file not found:", err)
	}
	var g golden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// monthShop is a book with DOMAIN.md §8's month entered through batch.
func monthShop(t *testing.T) (*shop, string) {
	t.Helper()
	s := newShop(t)
	s.ok("init", "--name", "恒达便利店", "--start", "2025-01", "--costing", "moving", "--taxpayer", "general")
	code, out, errs := s.runWith(nil, monthScript, "batch", "-")
	if code != 0 {
		t.Fatalf("batch: exit %d: %s", code, errs)
	}
	return s, out
}

func (s *shop) jsonObject(args ...string) map[string]any {
	s.t.Helper()
	out := s.ok(append(args, "--format", "json")...)
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		s.t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return m
}

func docLines(d map[string]any) []map[string]any {
	var out []map[string]any
	for _, l := range d["lines"].([]any) {
		out = append(out, l.(map[string]any))
	}
	return out
}

// TestGoldenMonthThroughBatch: DOMAIN.md §8's documents typed as commands give the
// numbers, line amounts, stock costs, warehouse quantities, closing stock and partner
// balances of the golden file.
func TestGoldenMonthThroughBatch(t *testing.T) {
	t.Parallel()
	g := loadGolden(t)
	s, out := monthShop(t)
	numbers := numberRE.FindAllString(out, -1)
	if len(numbers) != len(g.Documents) {
		t.Fatalf("batch printed %d numbers, want %d:\n%s", len(numbers), len(g.Documents), out)
	}
	for i, gd := range g.Documents {
		if numbers[i] != gd.Number {
			t.Errorf("document %d numbered %s, want %s", i+1, numbers[i], gd.Number)
		}
		d := s.jsonObject("doc", "show", gd.Number)
		if d["status"] != "audited" {
			t.Errorf("%s: status %v", gd.Number, d["status"])
		}
		for k, want := range map[string]string{"net": gd.Expected.N, "tax": gd.Expected.T, "gross": gd.Expected.G, "paid": gd.Expected.S} {
			if want != "" && d[k] != want {
				t.Errorf("%s %s = %v, want %s", gd.Number, k, d[k], want)
			}
		}
		lines := docLines(d)
		for i, wl := range gd.Expected.Lines {
			if i >= len(lines) {
				t.Errorf("%s: %d lines", gd.Number, len(lines))
				break
			}
			l := lines[i]
			for k, want := range map[string]string{"net": wl.Net, "tax": wl.VAT, "gross": wl.Gross, "discount": wl.Discount,
				"cost": wl.StockCost, "book_qty": wl.BookQty} {
				if want != "" && l[k] != want {
					t.Errorf("%s line %d %s = %v, want %s", gd.Number, i+1, k, l[k], want)
				}
			}
		}
	}
	// The costing of §8.2 and the warehouse quantities of §8.4.
	stock := map[string]map[string]any{}
	for _, r := range s.jsonList("stock", "onhand") {
		stock[r["item"].(string)] = r
	}
	for item, c := range g.Costing.Items {
		if r := stock[item]; r == nil || r["qty"] != c.Closing.Qty || r["amount"] != c.Closing.Amount {
			t.Errorf("%s on hand %v, want %s / %s", item, r, c.Closing.Qty, c.Closing.Amount)
		}
		led := s.jsonList("stock", "ledger", item, "--period", "2025-01")
		if last := led[len(led)-1]; last["qty"] != c.Closing.Qty || last["amount"] != c.Closing.Amount {
			t.Errorf("%s's ledger ends at %v / %v, want %s / %s", item, last["qty"], last["amount"], c.Closing.Qty, c.Closing.Amount)
		}
	}
	if len(g.WarehouseQty) == 0 {
		t.Fatal("no warehouse quantities in the golden file")
	}
	for _, w := range g.WarehouseQty {
		whs, _ := stock[w.Item]["warehouses"].(map[string]any)
		if whs[w.Warehouse] != w.Qty {
			t.Errorf("%s in %s: %v, want %s", w.Item, w.Warehouse, whs[w.Warehouse], w.Qty)
		}
		if rows := s.jsonList("stock", "onhand", "--item", w.Item, "--warehouse", w.Warehouse); len(rows) != 1 || rows[0]["qty"] != w.Qty {
			t.Errorf("onhand %s @ %s: %v", w.Item, w.Warehouse, rows)
		}
	}
	// A's ledger row by row: XS-0001 leaves at 3,090.00, the return at the receipt's 430.00.
	led := s.jsonList("stock", "ledger", "A", "--period", "2025-01")
	want := [][3]string{{"", "300", "6000.00"}, {"CG-202501-0001", "500", "10300.00"}, {"XS-202501-0001", "350", "7210.00"},
		{"CT-202501-0001", "330", "6780.00"}, {"XS-202501-0003", "230", "4725.45"}, {"XT-202501-0001", "240", "4931.45"},
		{"PD-202501-0001", "238", "4890.35"}}
	if len(led) != len(want) {
		t.Fatalf("A's ledger: %v", led)
	}
	for i, w := range want {
		num, _ := led[i]["number"].(string)
		if num != w[0] || led[i]["qty"] != w[1] || led[i]["amount"] != w[2] {
			t.Errorf("A's ledger row %d: %v %v %v, want %v", i, num, led[i]["qty"], led[i]["amount"], w)
		}
	}
	if led[2]["out_amount"] != "3090.00" || led[3]["in_amount"] != "-430.00" || led[5]["out_amount"] != "-206.00" {
		t.Errorf("A's ledger amounts: %v %v %v", led[2], led[3], led[5])
	}
	// Partner balances (§8.4).
	bals := map[string]any{}
	for _, r := range s.jsonList("partner", "balances", "--all") {
		p := r["partner"].(string)
		bals["1122/"+p], bals["2203/"+p], bals["2202/"+p], bals["1123/"+p] = r["receivable"], r["advance_received"], r["payable"], r["prepaid"]
	}
	for _, pb := range g.PartnerBalances {
		want := strings.TrimPrefix(pb.Closing, "-")
		if pb.Closing == "0.00" {
			want = "0.00"
		}
		if bals[pb.Account+"/"+pb.Partner] != want {
			t.Errorf("%s %s: %v, want %s", pb.Account, pb.Partner, bals[pb.Account+"/"+pb.Partner], want)
		}
	}
	if rows := s.jsonList("partner", "balances"); len(rows) != 3 {
		t.Errorf("partners with a balance: %v", rows)
	}
	// The receipt's split: all that C2 owed applied, the rest an advance.
	if d := s.jsonObject("doc", "show", "SK-202501-0002"); d["applied"] != "5243.20" || d["advance"] != "756.80" {
		t.Errorf("SK-0002 split %v / %v", d["applied"], d["advance"])
	}
	if out := s.ok("verify"); !strings.Contains(out, "✓") {
		t.Errorf("verify: %s", out)
	}
	// Lists and the table of a document.
	if rows := s.jsonList("doc", "list", "--type", "delivery", "--period", "2025-01"); len(rows) != 3 || rows[2]["number"] != "XS-202501-0003" ||
		rows[2]["total"] != "5243.20" || rows[2]["type"] != "XS" {
		t.Errorf("doc list --type delivery: %v", rows)
	}
	if rows := s.jsonList("doc", "list", "--partner", "C2"); len(rows) != 3 {
		t.Errorf("doc list --partner C2: %v", rows)
	}
	if rows := s.jsonList("doc", "list", "--search", "202501-000", "--status", "draft"); len(rows) != 0 {
		t.Errorf("drafts: %v", rows)
	}
	if rows := s.jsonList("doc", "list"); len(rows) != len(g.Documents) {
		t.Errorf("doc list: %d rows", len(rows))
	}
	show := s.ok("doc", "show", "XS-202501-0003", "--lang", "zh-CN")
	for _, want := range []string{"销售出库单", "阳光幼儿园", "伍仟贰佰肆拾叁元贰角", "160.00", "XD-202501-0001/1", "2054.55", "金额大写"} {
		if !strings.Contains(show, want) {
			t.Errorf("doc show lacks %q:\n%s", want, show)
		}
	}
	if show := s.ok("doc", "show", "PD-202501-0001"); !strings.Contains(show, "140") || !strings.Contains(show, "-2") {
		t.Errorf("count sheet shown:\n%s", show)
	}
	csv := s.csvRows("doc", "show", "XS-202501-0003")
	if len(csv) != 3 || csv[0][0] != "number" || csv[1][0] != "XS-202501-0003" {
		t.Errorf("doc show csv: %v", csv)
	}
	// An order closed and reopened.
	s.ok("doc", "close", "XD-202501-0001")
	if d := s.jsonObject("doc", "show", "XD-202501-0001"); d["closed"] != true {
		t.Errorf("closed order: %v", d["closed"])
	}
	if out := s.ok("doc", "list", "--type", "so"); !strings.Contains(out, "closed") {
		t.Errorf("a closed order's status: %s", out)
	}
	s.ok("doc", "reopen", "XD-202501-0001")
	s.fails(1, "doc", "close", "XS-202501-0003")
	// A fully delivered order has nothing left to copy.
	if errs := s.fails(1, "doc", "new", "delivery", "--date", "2025-01-30", "--from", "XD-202501-0001"); !strings.Contains(errs, "XD-202501-0001") {
		t.Errorf("nothing open: %q", errs)
	}
}

// snapshot is what a refused command must leave as it was.
func (s *shop) snapshot() string {
	s.t.Helper()
	return s.ok("stock", "onhand", "--format", "json") + s.ok("doc", "list", "--format", "json") +
		s.ok("stock", "ledger", "A001", "--format", "json")
}

// smallShop: one item in stock (100 received at 10.00, 30 delivered, 10 returned to the
// supplier), an inactive item, a customer and a supplier.
func smallShop(t *testing.T) *shop {
	t.Helper()
	s := initShop(t)
	code, _, errs := s.runWith(nil, `warehouse add --code W1 --name 主仓
warehouse add --code W2 --name 门店
item add --code A001 --name 矿泉水 --unit 瓶 --vat 13
item add --code X9 --name 停售 --unit 瓶
item deactivate X9
partner add --code S01 --name 供应商 --supplier
partner add --code C01 --name 客户 --customer
doc new receipt --date 2025-01-05 --partner S01 --warehouse W1 --line A001:100:10 --audit
doc new delivery --date 2025-01-15 --partner C01 --warehouse W1 --line A001:30:20 --audit
doc new preturn --date 2025-01-16 --from CG-202501-0001 --line A001:10 --audit
`, "batch", "-")
	if code != 0 {
		t.Fatalf("setup: %d %s", code, errs)
	}
	return s
}

func TestRefusedDocumentsChangeNothing(t *testing.T) {
	t.Parallel()
	s := smallShop(t)
	before := s.snapshot()
	recv := []string{"doc", "new", "receipt", "--date", "2025-01-20", "--partner", "S01", "--warehouse", "W1"}
	for _, tc := range []struct {
		args []string
		want []string // in the message
	}{
		{append(recv, "--line", "NOPE:1:1"), []string{"NOPE"}},
		{append(recv, "--line", "X9:1:1"), []string{"X9"}},
		{append(recv, "--line", "A001:0:10"), []string{"A001"}},
		{append(recv, "--line", "A001:-5:10"), []string{"-5"}},
		{append(recv, "--line", "A001:abc:10"), []string{"abc"}},
		{append(recv, "--line", "A001"), []string{"ITEM:QTY"}},
		{append(recv, "--line", "A001:1:2:3:4:5"), []string{"A001:1:2:3:4:5"}},
		{append(recv, "--line", "A001:1:10", "--audit", "--date", "2024-12-31"), []string{"2024-12-31"}},
		{append(recv, "--line", "A001:1:10", "--warehouse", "W9"), []string{"W9"}},
		{append(recv, "--line", "A001:1:10", "--partner", "C01"), []string{"C01"}},
		{append(recv, "--line", "A001:1:10", "--date", "2025-02-30"), []string{"2025-02-30"}},
		{[]string{"doc", "new", "receipt", "--date", "2025-01-20", "--warehouse", "W1", "--line", "A001:1:1"}, nil},
		{[]string{"doc", "new", "frob", "--date", "2025-01-20"}, []string{"frob"}},
		{[]string{"doc", "new", "delivery", "--date", "2025-01-20", "--partner", "C01", "--warehouse", "W1", "--line", "A001:500:20", "--audit"},
			[]string{"A001", "W1"}},
		{[]string{"doc", "new", "out", "--date", "2025-01-20", "--warehouse", "W2", "--line", "A001:1", "--audit"}, []string{"A001", "W2"}},
		{[]string{"doc", "new", "preturn", "--date", "2025-01-20", "--from", "CG-202501-0001", "--line", "A001:95"}, []string{"A001", "90"}},
		{[]string{"doc", "new", "preturn", "--date", "2025-01-20", "--from", "CG-202501-0001", "--line", "B002:1"}, []string{"B002"}},
		{[]string{"doc", "new", "preturn", "--date", "2025-01-01", "--from", "CG-202501-0001", "--line", "A001:1"}, nil},
		{[]string{"doc", "new", "sreturn", "--date", "2025-01-20", "--from", "CG-202501-0001"}, []string{"CG-202501-0001"}},
		{[]string{"doc", "new", "transfer", "--date", "2025-01-20", "--warehouse", "W1", "--to-warehouse", "W1", "--line", "A001:1"}, []string{"W1"}},
		{[]string{"doc", "new", "collect", "--date", "2025-01-20", "--partner", "C01", "--amount", "10"}, nil},
		{[]string{"doc", "new", "collect", "--date", "2025-01-20", "--partner", "C01", "--account", "1002"}, nil},
		{[]string{"doc", "new", "collect", "--date", "2025-01-20", "--partner", "C01", "--account", "1002", "--amount", "10", "--applied", "4", "--advance-part", "5"}, nil},
		{[]string{"doc", "new", "expense", "--date", "2025-01-20", "--line", "560206:100"}, nil}, // not paid: a supplier is needed
		{[]string{"doc", "new", "count", "--date", "2025-01-20", "--warehouse", "W1", "--line", "A001:5", "--line", "A001:6"}, []string{"A001"}},
		{[]string{"doc", "audit", "CG-202501-0001"}, []string{"CG-202501-0001"}},
		{[]string{"doc", "audit", "CG-202509-0001"}, []string{"CG-202509-0001"}},
		{[]string{"doc", "unaudit", "CG-202501-0001"}, []string{"CT-202501-0001"}},
		{[]string{"doc", "delete", "CG-202501-0001"}, []string{"CG-202501-0001"}},
		{[]string{"doc", "void", "XS-202501-0001"}, []string{"XS-202501-0001"}},
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
	if after := s.snapshot(); after != before {
		t.Errorf("refused commands changed the book:\n%s\n---\n%s", before, after)
	}
	s.fails(2, "doc", "new", "receipt", "--line", "A001:1:1") // --date missing
	s.fails(2, "doc", "audit")
	if errs := s.fails(1, "doc", "new", "delivery", "--date", "2025-01-20", "--partner", "C01", "--warehouse", "W1", "--line", "A001:500:20",
		"--audit", "--lang", "zh-CN"); !strings.Contains(errs, "A001") || !strings.Contains(errs, "W1") || strings.Contains(errs, "Not enough") {
		t.Errorf("zh-CN negative stock: %q", errs)
	}
}

func TestDocumentLifeCycle(t *testing.T) {
	t.Parallel()
	s := smallShop(t)
	before := s.ok("stock", "onhand", "--format", "json") + s.ok("stock", "ledger", "A001", "--format", "json")
	// A draft moves no stock; audit then un-audit leaves stock as it was.
	num := strings.TrimSpace(s.ok("doc", "new", "delivery", "--date", "2025-01-21", "--partner", "C01", "--warehouse", "W1", "--line", "A001:10:20"))
	if num != "XS-202501-0002" {
		t.Fatalf("doc new printed %q", num)
	}
	if d := s.jsonObject("doc", "show", num); d["status"] != "draft" || d["gross"] != "226.00" || d["in_words"] != "贰佰贰拾陆元整" {
		t.Errorf("draft: %v", d)
	}
	if now := s.ok("stock", "onhand", "--format", "json") + s.ok("stock", "ledger", "A001", "--format", "json"); now != before {
		t.Errorf("a draft moved stock")
	}
	// A draft is edited: the flags given, all lines when --line is given.
	s.ok("doc", "edit", num, "--line", "A001:12:20", "--line", "A001:1:0")
	s.ok("doc", "edit", num, "--memo", "改数量")
	if d := s.jsonObject("doc", "show", num); d["memo"] != "改数量" || len(docLines(d)) != 2 || d["gross"] != "271.20" || d["version"] != float64(3) {
		t.Errorf("edited draft: %v", d)
	}
	s.fails(1, "doc", "edit", num, "--date", "2025-02-01")
	s.ok("doc", "edit", num, "--line", "A001:10:20")
	s.ok("doc", "audit", num)
	if errs := s.fails(1, "doc", "edit", num, "--memo", "x"); !strings.Contains(errs, num) {
		t.Errorf("editing an audited document: %q", errs)
	}
	if rows := s.jsonList("stock", "onhand", "--item", "A001"); rows[0]["qty"] != "50" {
		t.Errorf("after audit: %v", rows)
	}
	s.fails(1, "doc", "audit", num)
	s.ok("doc", "unaudit", num)
	if now := s.ok("stock", "onhand", "--format", "json") + s.ok("stock", "ledger", "A001", "--format", "json"); now != before {
		t.Errorf("audit + unaudit changed stock:\n%s\n%s", before, now)
	}
	// Deleting the highest draft gives its number again; another draft is voided.
	s.ok("doc", "delete", num)
	s.fails(1, "doc", "show", num)
	again := strings.TrimSpace(s.ok("doc", "new", "delivery", "--date", "2025-01-22", "--partner", "C01", "--warehouse", "W1", "--line", "A001:1:20"))
	if again != num {
		t.Errorf("after delete: %s, want %s", again, num)
	}
	next := strings.TrimSpace(s.ok("doc", "new", "delivery", "--date", "2025-01-22", "--partner", "C01", "--warehouse", "W1", "--line", "A001:2:20"))
	if errs := s.fails(1, "doc", "delete", again); !strings.Contains(errs, next) {
		t.Errorf("delete of a lower draft: %q", errs)
	}
	s.ok("doc", "void", again)
	if rows := s.jsonList("doc", "list", "--status", "voided"); len(rows) != 1 || rows[0]["number"] != again {
		t.Errorf("voided: %v", rows)
	}
	s.fails(1, "doc", "audit", again)
	// audit several: in turn, stopping at the first refusal, which is named.
	third := strings.TrimSpace(s.ok("doc", "new", "delivery", "--date", "2025-01-23", "--partner", "C01", "--warehouse", "W1", "--line", "A001:3:20"))
	big := strings.TrimSpace(s.ok("doc", "new", "delivery", "--date", "2025-01-23", "--partner", "C01", "--warehouse", "W1", "--line", "A001:999:20"))
	fourth := strings.TrimSpace(s.ok("doc", "new", "delivery", "--date", "2025-01-24", "--partner", "C01", "--warehouse", "W1", "--line", "A001:4:20"))
	code, out, errs := s.run("doc", "audit", next, third, big, fourth)
	if code != 1 || !strings.Contains(errs, big) || !strings.Contains(errs, "A001") || !strings.Contains(out, third) {
		t.Errorf("audit several: %d %q %q", code, out, errs)
	}
	status := map[string]any{}
	for _, r := range s.jsonList("doc", "list", "--type", "XS") {
		status[r["number"].(string)] = r["status"]
	}
	if status[next] != "audited" || status[third] != "audited" || status[big] != "draft" || status[fourth] != "draft" {
		t.Errorf("after audit several: %v", status)
	}
	// JSON of doc new is the document.
	var d map[string]any
	if err := json.Unmarshal([]byte(s.ok("doc", "new", "in", "--date", "2025-01-25", "--warehouse", "W2", "--line", "A001:5:60",
		"--format", "json", "--audit")), &d); err != nil {
		t.Fatal(err)
	}
	if d["type"] != "QR" || d["status"] != "audited" || docLines(d)[0]["inv_amount"] != "60.00" || d["account"] != "530199" {
		t.Errorf("other-in: %v", d)
	}
	s.ok("doc", "new", "out", "--date", "2025-01-26", "--warehouse", "W2", "--line", "A001:1", "--audit")
	if rows := s.jsonList("stock", "onhand", "--warehouse", "W2"); len(rows) != 1 || rows[0]["qty"] != "4" {
		t.Errorf("W2: %v", rows)
	}
}

func TestLineSyntax(t *testing.T) {
	t.Parallel()
	s := smallShop(t)
	show := func(args ...string) map[string]any {
		t.Helper()
		var d map[string]any
		out := s.ok(append(args, "--format", "json")...)
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return d
	}
	so := []string{"doc", "new", "delivery", "--date", "2025-01-20", "--partner", "C01", "--warehouse", "W1"}
	for _, tc := range []struct {
		line                      string
		net, tax, discount, vatBP string
	}{
		{"A001:3:12.345:13:d5%", "35.19", "4.57", "1.85", "13"}, // DOMAIN.md §2.6 E1
		{"A001:3:12.345:13:5%", "35.19", "4.57", "1.85", "13"},
		{"A001:3:12.345::d5%", "35.19", "4.57", "1.85", "13"},
		{"A001:10:10:9", "100.00", "9.00", "0.00", "9"},
		{"A001:10:10:13:d12.50", "87.50", "11.38", "12.50", "13"},
		{"A001:10:10:13:-12.50", "87.50", "11.38", "12.50", "13"},
		{"A001:10:10:13:tax=12.96", "100.00", "12.96", "0.00", "13"},
		{"A001：10：10", "100.00", "13.00", "0.00", "13"},
		{"A001:１０:10:0", "100.00", "0.00", "0.00", "0"},
	} {
		d := show(append(so, "--line", tc.line)...)
		l := docLines(d)[0]
		if l["net"] != tc.net || l["tax"] != tc.tax || l["discount"] != tc.discount || l["vat_rate"] != tc.vatBP {
			t.Errorf("%s: net %v tax %v discount %v vat %v", tc.line, l["net"], l["tax"], l["discount"], l["vat_rate"])
		}
	}
	// E2: inclusive.
	if d := show(append(so, "--tax-inclusive", "--line", "A001:3:9.99")...); d["net"] != "26.52" || d["tax"] != "3.45" || d["gross"] != "29.97" {
		t.Errorf("E2: %v", d)
	}
	// A line's warehouse; a partly paid sale; not deductible.
	if d := show(append(so, "--line", "A001:1:10:@W2", "--account", "1001", "--paid", "5")...); docLines(d)[0]["warehouse"] != "W2" || d["paid"] != "5.00" {
		t.Errorf("line warehouse, paid: %v", d)
	}
	if d := show("doc", "new", "receipt", "--date", "2025-01-20", "--partner", "S01", "--warehouse", "W1", "--no-invoice", "--line", "A001:10:10"); docLines(d)[0]["inv_amount"] != "113.00" || d["deductible"] != false {
		t.Errorf("not deductible: %v", d)
	}
	// A receipt from an order copies what is open; a second takes the rest.
	s.ok("doc", "new", "po", "--date", "2025-01-20", "--partner", "S01", "--line", "A001:50:9", "--line", "A001:20:9.5", "--audit")
	if d := show("doc", "new", "receipt", "--date", "2025-01-21", "--from", "CD-202501-0001", "--warehouse", "W1", "--line", "A001:30", "--audit"); docLines(d)[0]["source_line"] != "CD-202501-0001/1" || docLines(d)[0]["price"] != "9.00" {
		t.Errorf("linked receipt: %v", d)
	}
	s.fails(1, "doc", "new", "receipt", "--date", "2025-01-22", "--from", "CD-202501-0001") // an order has no warehouse
	d := show("doc", "new", "receipt", "--date", "2025-01-22", "--from", "CD-202501-0001", "--warehouse", "W2")
	if ls := docLines(d); len(ls) != 2 || ls[0]["qty"] != "20" || ls[1]["qty"] != "20" || ls[1]["price"] != "9.50" || d["partner"] != "S01" ||
		d["warehouse"] != "W2" || ls[0]["source_line"] != "CD-202501-0001/1" || ls[1]["source_line"] != "CD-202501-0001/2" {
		t.Errorf("receipt of the rest: %v", d)
	}
	// Its lines edited: still linked to the order, whose open quantity leaves this draft out.
	d = show("doc", "edit", d["number"].(string), "--line", "A001:15")
	if ls := docLines(d); len(ls) != 1 || ls[0]["source_line"] != "CD-202501-0001/1" || ls[0]["price"] != "9.00" || d["source"] != "CD-202501-0001" {
		t.Errorf("edited receipt: %v", d)
	}
	// Count: --from-stock with an override and an abnormal loss; expense; payment.
	d = show("doc", "new", "count", "--date", "2025-01-25", "--warehouse", "W1", "--from-stock", "--line", "A001:88:abnormal", "--audit")
	if ls := docLines(d); len(ls) != 1 || ls[0]["qty"] != "88" || ls[0]["book_qty"] != "90" || ls[0]["abnormal"] != true || ls[0]["difference"] != "-2" {
		t.Errorf("count: %v", d)
	}
	d = show("doc", "new", "expense", "--date", "2025-01-25", "--partner", "S01", "--amount", "300", "--expense-account", "560103", "--memo", "运费")
	if d["gross"] != "300.00" || d["paid"] != "0.00" || docLines(d)[0]["account"] != "560103" {
		t.Errorf("expense on credit: %v", d)
	}
	d = show("doc", "new", "pay", "--date", "2025-01-26", "--partner", "S01", "--account", "1002", "--amount", "500", "--advance-part", "200")
	if d["applied"] != "300.00" || d["advance"] != "200.00" {
		t.Errorf("payment split: %v", d)
	}
	s.fails(1, "doc", "new", "pay", "--date", "2025-01-26", "--partner", "S01", "--account", "1002", "--amount", "5", "--line", "A001:1")
	s.fails(1, "doc", "new", "delivery", "--date", "2025-01-26", "--partner", "C01", "--warehouse", "W1", "--line", "A001:1:1:abnormal")
	s.fails(1, "doc", "new", "delivery", "--date", "2025-01-26", "--partner", "C01", "--warehouse", "W1", "--from-stock", "--line", "A001:1:1")
	if errs := s.fails(1, "doc", "new", "in", "--date", "2025-01-26", "--warehouse", "W1", "--line", "A001:1"); !strings.Contains(errs, "ITEM:QTY:AMOUNT") {
		t.Errorf("other-in without an amount: %q", errs)
	}
}

// TestCountWarningOnAudit: auditing a delivery dated before an audited count says so on
// stderr, naming the count; stdout keeps the number alone.
func TestCountWarningOnAudit(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	s.ok("warehouse", "add", "--code", "W1", "--name", "主仓")
	s.ok("item", "add", "--code", "A", "--name", "洗衣液", "--unit", "瓶")
	s.ok("partner", "add", "--code", "C1", "--name", "明辉", "--customer")
	s.ok("opening", "stock", "A", "W1", "10", "100")
	s.ok("doc", "new", "count", "--date", "2025-01-20", "--warehouse", "W1", "--line", "A:10", "--audit")
	code, out, errOut := s.run("--lang", "en", "doc", "new", "delivery", "--date", "2025-01-15", "--partner", "C1", "--warehouse", "W1",
		"--line", "A:1:5", "--audit")
	if code != 0 || strings.TrimSpace(out) != "XS-202501-0001" || !strings.Contains(errOut, "PD-202501-0001") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = s.run("doc", "new", "delivery", "--date", "2025-01-25", "--partner", "C1", "--warehouse", "W1", "--line", "A:1:5", "--audit")
	if code != 0 || strings.Contains(errOut, "PD-202501-0001") {
		t.Errorf("a delivery after the count: exit %d, stderr %q", code, errOut)
	}
}
