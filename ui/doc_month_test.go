package ui

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"shopbooks/cli"
	"shopbooks/ledger"
)

// The test of issue 4's "done means": DOMAIN.md §8's month entered through the document
// editor and through `batch` gives identical stock ledgers. Both books get the same master
// data and opening balances through `batch`; then one gets §8.1's documents typed into the
// editors' view-models (header fields, codes with Enter, 选单, 按当前库存生成), the other the
// same documents as `doc new` lines. The cli package is imported by this test only (cli
// never imports ui, so there is no cycle).

// monthSetup is §8's shop before its documents: master data and opening balances.
const monthSetup = `warehouse add --code W1 --name 主仓
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
`

// monthDocs are §8.1's documents, each audited, as a batch.
const monthDocs = `doc new po --date 2025-01-02 --partner S1 --line A:200:21.50 --audit
doc new receipt --date 2025-01-03 --from CD-202501-0001 --warehouse W1 --audit
doc new receipt --date 2025-01-05 --partner S2 --warehouse W1 --account 1002 --tax-inclusive --line B:600:6.20 --audit
doc new delivery --date 2025-01-08 --partner C1 --warehouse W1 --line A:150:32 --audit
doc new transfer --date 2025-01-09 --warehouse W1 --to-warehouse W2 --line B:400 --audit
doc new delivery --date 2025-01-10 --partner WALKIN --warehouse W2 --account 1001 --tax-inclusive --line B:300:8.80 --audit
doc new preturn --date 2025-01-12 --from CG-202501-0001 --line A:20 --audit
doc new so --date 2025-01-14 --partner C2 --line A:100:32:13:d5% --line B:200:8 --audit
doc new delivery --date 2025-01-15 --from XD-202501-0001 --warehouse W1 --audit
doc new sreturn --date 2025-01-18 --from XS-202501-0001 --line A:10 --audit
doc new collect --date 2025-01-20 --partner C1 --account 1002 --amount 10000 --audit
doc new pay --date 2025-01-22 --partner S1 --account 1002 --amount 12000 --audit
doc new expense --date 2025-01-25 --account 1002 --line 560206:3000::rent --line "560302:12.50::bank charge" --audit
doc new collect --date 2025-01-26 --partner C2 --account 1002 --amount 6000 --audit
doc new count --date 2025-01-28 --warehouse W1 --from-stock --line A:138 --audit
`

// runCLI runs the program's command line in this process on a book.
func runCLI(t *testing.T, dir, book, stdin string, args ...string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"XDG_CONFIG_HOME": filepath.Join(dir, "config"), "HOME": dir, "LANG": "en_US.UTF-8"}
	code := cli.Main(context.Background(), append([]string{"--book", book}, args...), cli.Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] },
		GUI: func(cli.GUIOptions) error { return nil },
	})
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errb.String())
	}
}

// setupMonthBook makes §8's book without its documents, through the command line.
func setupMonthBook(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	runCLI(t, dir, path, "", "init", "--name", "恒达便利店", "--start", "2025-01", "--costing", "moving", "--taxpayer", "general")
	runCLI(t, dir, path, monthSetup, "batch", "-")
	return path
}

// monthGUI enters §8.1's documents through the editors' view-models, as a clerk would.
type monthGUI struct {
	t *testing.T
	s *session
}

// editor opens a document area's editor on a new document.
func (m monthGUI) editor(area string) *docVM {
	m.t.Helper()
	m.s.open(area)
	e := editorOf(m.t, m.s, area)
	e.vm.New()
	e.refreshAll()
	return e.vm
}

// head fills header fields in order.
func (m monthGUI) head(vm *docVM, kv ...string) {
	for i := 0; i < len(kv); i += 2 {
		vm.SetHead(kv[i], kv[i+1])
	}
}

// line types a code with Enter in the blank last line (the scan flow), then the cells.
func (m monthGUI) line(vm *docVM, code string, cells ...string) {
	m.t.Helper()
	i := len(vm.lines) - 1
	vm.SetCell(i, "item", code)
	if res, at := vm.EnterCode(i); res != scanFound || at != i {
		m.t.Fatalf("%s: Enter in 编码 gave %v at line %d", code, res, at)
	}
	for j := 0; j < len(cells); j += 2 {
		vm.SetCell(i, cells[j], cells[j+1])
	}
}

// from ticks every open line 选单 offers and copies them; qty sets the first line's.
func (m monthGUI) from(vm *docVM, qty string) {
	m.t.Helper()
	src, err := vm.SourceLines()
	if err != nil || len(src) == 0 {
		m.t.Fatalf("选单: %v %v", src, err)
	}
	for i := range src {
		src[i].Pick = true
	}
	vm.CopySource(src)
	if qty != "" {
		vm.SetCell(0, "qty", qty)
	}
}

// audit saves and audits; the number must be the one DOMAIN.md gives.
func (m monthGUI) audit(vm *docVM, number string) {
	m.t.Helper()
	if err := vm.Audit(); err != nil {
		m.t.Fatalf("%s: %s", number, m.s.lineErrText(err))
	}
	if vm.doc.Number != number || vm.doc.Status != ledger.StatusAudited {
		m.t.Fatalf("audited %s (%s), want %s", vm.doc.Number, vm.doc.Status, number)
	}
}

func TestMonthThroughGUIAndBatch(t *testing.T) {
	dir := t.TempDir()
	guiPath := setupMonthBook(t, dir, "gui.book")
	batchPath := setupMonthBook(t, dir, "batch.book")
	runCLI(t, dir, batchPath, monthDocs, "batch", "-")

	s := newWindow(t, guiPath, "", "", "home", "zh-CN")
	m := monthGUI{t, s}

	vm := m.editor("purchase_order")
	m.head(vm, "date", "2025-01-02", "partner", "S1")
	m.line(vm, "A", "qty", "200", "price", "21.50")
	m.audit(vm, "CD-202501-0001")

	vm = m.editor("purchase_receipt")
	m.head(vm, "date", "2025-01-03", "partner", "S1", "warehouse", "W1")
	m.from(vm, "")
	m.audit(vm, "CG-202501-0001")

	vm = m.editor("purchase_receipt")
	m.head(vm, "date", "2025-01-05", "partner", "S2", "warehouse", "W1", "account", "1002", "inclusive", "1")
	m.line(vm, "B", "qty", "600", "price", "6.20")
	m.audit(vm, "CG-202501-0002")

	vm = m.editor("sales_delivery")
	m.head(vm, "date", "2025-01-08", "partner", "C1", "warehouse", "W1")
	m.line(vm, "A", "qty", "150", "price", "32")
	m.audit(vm, "XS-202501-0001")

	vm = m.editor("transfer")
	m.head(vm, "date", "2025-01-09", "warehouse", "W1", "to_warehouse", "W2")
	m.line(vm, "B", "qty", "400")
	m.audit(vm, "DB-202501-0001")

	vm = m.editor("sales_delivery")
	m.head(vm, "date", "2025-01-10", "partner", "WALKIN", "warehouse", "W2", "account", "1001", "inclusive", "1")
	m.line(vm, "B", "qty", "300", "price", "8.80")
	m.audit(vm, "XS-202501-0002")

	vm = m.editor("purchase_return")
	m.head(vm, "date", "2025-01-12", "partner", "S1", "warehouse", "W1")
	m.from(vm, "20")
	m.audit(vm, "CT-202501-0001")

	vm = m.editor("sales_order")
	m.head(vm, "date", "2025-01-14", "partner", "C2")
	m.line(vm, "A", "qty", "100", "price", "32", "disc", "5%")
	m.line(vm, "B", "qty", "200", "price", "8")
	m.audit(vm, "XD-202501-0001")

	vm = m.editor("sales_delivery")
	m.head(vm, "date", "2025-01-15", "partner", "C2", "warehouse", "W1")
	m.from(vm, "")
	if n, tx, g := vm.Totals(); n.Format() != "4,640.00" || tx.Format() != "603.20" || g.Format() != "5,243.20" {
		t.Errorf("XS-202501-0003 totals N %s T %s G %s", n.Format(), tx.Format(), g.Format())
	}
	m.audit(vm, "XS-202501-0003")

	vm = m.editor("sales_return")
	m.head(vm, "date", "2025-01-18", "partner", "C1", "warehouse", "W1")
	m.from(vm, "10")
	m.audit(vm, "XT-202501-0001")

	vm = m.editor("receipt")
	m.head(vm, "date", "2025-01-20", "partner", "C1", "account", "1002", "amount", "10000")
	m.audit(vm, "SK-202501-0001")

	vm = m.editor("payment")
	m.head(vm, "date", "2025-01-22", "partner", "S1", "account", "1002", "amount", "12000")
	m.audit(vm, "FK-202501-0001")

	vm = m.editor("expense")
	m.head(vm, "date", "2025-01-25", "account", "1002")
	for _, l := range [][3]string{{"560206", "rent", "3000"}, {"560302", "bank charge", "12.50"}} {
		i := len(vm.lines) - 1
		vm.SetCell(i, "account", l[0])
		vm.SetCell(i, "memo", l[1])
		vm.SetCell(i, "amount", l[2])
	}
	m.audit(vm, "FY-202501-0001")

	vm = m.editor("receipt")
	m.head(vm, "date", "2025-01-26", "partner", "C2", "account", "1002", "amount", "6000")
	m.audit(vm, "SK-202501-0002")

	vm = m.editor("count")
	m.head(vm, "date", "2025-01-28", "warehouse", "W1")
	if err := vm.Generate(); err != nil {
		t.Fatal(err)
	}
	for i, l := range vm.lines {
		if l.item != nil && l.item.Code == "A" {
			if vm.Cell(i, "book") != "140" {
				t.Errorf("A's book quantity %s, want 140", vm.Cell(i, "book"))
			}
			vm.SetCell(i, "qty", "138")
		}
	}
	m.audit(vm, "PD-202501-0001")

	// the two books' stock ledgers, row by row
	batch, err := ledger.Open(context.Background(), batchPath, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Close()
	bu := admin(t, batch)
	want := map[string]string{"A": "238 4890.35", "B": "1100 5700.78"} // DOMAIN.md §8.5's closing
	for _, item := range []string{"A", "B"} {
		g, err := s.book.StockLedger(s.ctx, s.user, item, "2025-01")
		if err != nil {
			t.Fatal(err)
		}
		b, err := batch.StockLedger(context.Background(), bu, item, "2025-01")
		if err != nil {
			t.Fatal(err)
		}
		if len(g) != len(b) || len(g) < 2 {
			t.Fatalf("%s: %d rows through the GUI, %d through batch", item, len(g), len(b))
		}
		for i := range g {
			if gs, bs := fmt.Sprintf("%+v", g[i]), fmt.Sprintf("%+v", b[i]); gs != bs {
				t.Errorf("%s row %d:\n GUI   %s\n batch %s", item, i, gs, bs)
			}
		}
		last := g[len(g)-1]
		if got := last.Qty.String() + " " + last.Amount.String(); got != want[item] {
			t.Errorf("%s closes at %s, want %s", item, got, want[item])
		}
	}
	// and the same documents, amount for amount
	gd, _ := s.book.Docs(s.ctx, s.user, ledger.DocFilter{Period: "2025-01"})
	bd, _ := batch.Docs(context.Background(), bu, ledger.DocFilter{Period: "2025-01"})
	if len(gd) != 15 || len(gd) != len(bd) {
		t.Fatalf("%d documents through the GUI, %d through batch", len(gd), len(bd))
	}
	for i := range gd {
		g, b := gd[i], bd[i]
		if g.Number != b.Number || g.Net != b.Net || g.Tax != b.Tax || g.Gross != b.Gross || g.Paid != b.Paid ||
			g.Applied != b.Applied || g.Advance != b.Advance {
			t.Errorf("%s: GUI N %s T %s G %s S %s; batch %s N %s T %s G %s S %s", g.Number, g.Net, g.Tax, g.Gross, g.Paid,
				b.Number, b.Net, b.Tax, b.Gross, b.Paid)
		}
	}
}
