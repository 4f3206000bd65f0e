package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// monthBook is DOMAIN.md §8's shop before its January documents: 恒达便利店, general
// taxpayer, moving average; items A and B with barcodes, warehouses W1 and W2, customers
// C1 C2, suppliers S1 S2, opening stock A 200 + 100, B 1,000.
func monthBook(t testing.TB) (*ledger.Book, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "恒达便利店.book")
	b, err := ledger.Create(ctx, path, ledger.NewBook{Settings: ledger.Settings{Name: "恒达便利店", Start: "2025-01",
		Costing: ledger.CostingMoving, Taxpayer: ledger.TaxpayerGeneral}}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	u := admin(t, b)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err = b.AddItem(ctx, u, ledger.Item{Code: "A", Name: "洗衣液2kg", Unit: "瓶", VAT: 1300, Sell: ledger.Yuan(32, 0),
		Buy: ledger.Yuan(21, 50), Barcode: "6901234567890", Reorder: 4000000, Active: true})
	must(err)
	_, err = b.AddItem(ctx, u, ledger.Item{Code: "B", Name: "抽纸", Unit: "提", VAT: 1300, Sell: ledger.Yuan(8, 0),
		Buy: ledger.Yuan(6, 20), Barcode: "6901234567891", Active: true})
	must(err)
	for _, w := range []ledger.Warehouse{{Code: "W1", Name: "主仓", Active: true}, {Code: "W2", Name: "门店", Active: true}} {
		_, err = b.AddWarehouse(ctx, u, w)
		must(err)
	}
	for _, p := range []ledger.Partner{{Code: "C1", Name: "明辉餐厅", Customer: true, Active: true},
		{Code: "C2", Name: "阳光幼儿园", Customer: true, Active: true},
		{Code: "S1", Name: "华南日化批发", Supplier: true, Active: true}, {Code: "S2", Name: "江城纸业", Supplier: true, Active: true}} {
		_, err = b.AddPartner(ctx, u, p)
		must(err)
	}
	must(b.SetOpeningStock(ctx, u, "A", "W1", 2000000, 400000))
	must(b.SetOpeningStock(ctx, u, "A", "W2", 1000000, 200000))
	must(b.SetOpeningStock(ctx, u, "B", "W1", 10000000, 500000))
	return b, path
}

func qty(n int64) ledger.Qty { return ledger.Qty(n * 10000) }

// auditedDoc saves and audits a document through the ledger.
func auditedDoc(t testing.TB, b *ledger.Book, d ledger.Doc) ledger.Doc {
	t.Helper()
	out, err := b.SaveAndAuditDoc(context.Background(), admin(t, b), d)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func editorOf(t *testing.T, s *session, id string) *docEditor {
	t.Helper()
	e, ok := s.screens[id].(*docEditor)
	if !ok {
		t.Fatalf("%s is not an editor: %T", id, s.screens[id])
	}
	return e
}

// TestDeliveryTotals: DOMAIN.md §8's XS-202501-0003 entered in the view-model shows its
// totals and 金额大写 live, and the service saves the same amounts.
func TestDeliveryTotals(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "sales_delivery", "zh-CN")
	vm := editorOf(t, s, "sales_delivery").vm
	vm.SetHead("date", "2025-01-15")
	vm.SetHead("partner", "C2")
	vm.SetHead("warehouse", "W1")
	vm.SetCell(0, "item", "A")
	vm.EnterCode(0)
	vm.SetCell(0, "qty", "100")
	vm.SetCell(0, "price", "32")
	vm.SetCell(0, "disc", "5%")
	vm.SetCell(1, "item", "B")
	vm.EnterCode(1)
	vm.SetCell(1, "qty", "200")
	n, tx, g := vm.Totals()
	if n.Format() != "4,640.00" || tx.Format() != "603.20" || g.Format() != "5,243.20" {
		t.Errorf("totals N %s T %s G %s", n.Format(), tx.Format(), g.Format())
	}
	if w := vm.InWords(); w != "伍仟贰佰肆拾叁元贰角" {
		t.Errorf("in words %s", w)
	}
	if got := vm.Cell(0, "net"); got != "3,040.00" {
		t.Errorf("line 1 net %s", got)
	}
	e := editorOf(t, s, "sales_delivery")
	e.refreshAll()
	if !strings.Contains(e.totals.Text, "5,243.20") || !strings.Contains(e.words.Text, "伍仟贰佰肆拾叁元贰角") {
		t.Errorf("footer %q %q", e.totals.Text, e.words.Text)
	}
	if !vm.dirty() || !strings.HasSuffix(vm.Title(), "•") {
		t.Errorf("edits not tracked: %q", vm.Title())
	}
	if err := vm.Save(); err != nil {
		t.Fatalf("save: %v (%s)", err, e.msgText())
	}
	d, err := s.book.Doc(s.ctx, vm.doc.Number)
	if err != nil || d.Number != "XS-202501-0001" || d.Net.Format() != "4,640.00" || d.Tax.Format() != "603.20" || d.Gross.Format() != "5,243.20" {
		t.Errorf("saved %s N %s T %s G %s (%v)", d.Number, d.Net.Format(), d.Tax.Format(), d.Gross.Format(), err)
	}
	if vm.dirty() {
		t.Error("dirty after save")
	}
}

// TestScanFlow: three scans of one barcode and one of another give two lines (3 and 1);
// 12* before a scan means 12; an unknown code shows the red line and no dialog.
func TestScanFlow(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "sales_delivery", "zh-CN")
	e := editorOf(t, s, "sales_delivery")
	vm := e.vm
	scan := func(code string) {
		t.Helper()
		last := len(vm.lines) - 1
		en := e.grid.entryAt(last, "item")
		if en == nil {
			t.Fatalf("no entry over the blank line's 编码 (line %d)", last)
		}
		s.win.Canvas().Focus(en)
		en.SetText("")
		test.Type(en, code)
		en.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	for range 3 {
		scan("6901234567890")
	}
	scan("6901234567891")
	lines := func() string {
		var out []string
		for _, l := range vm.lines {
			if !l.blank() {
				out = append(out, l.text["item"]+"×"+l.text["qty"])
			}
		}
		return strings.Join(out, " ")
	}
	if got := lines(); got != "A×3 B×1" {
		t.Errorf("after 4 scans: %s", got)
	}
	if f := s.win.Canvas().Focused(); f != e.grid.entryAt(len(vm.lines)-1, "item") {
		t.Errorf("focus is not on the blank 编码: %T", f)
	}
	scan("12*6901234567891")
	if got := lines(); got != "A×3 B×13" {
		t.Errorf("after 12*: %s", got)
	}
	scan("12*6901234567899")
	if !e.scanLine.Visible() || !strings.Contains(e.scanLine.Text, "6901234567899") {
		t.Errorf("unknown code: red line %v %q", e.scanLine.Visible(), e.scanLine.Text)
	}
	if top := s.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog or popup opened: %T", top)
	}
	if got := lines(); !strings.HasPrefix(got, "A×3 B×13") {
		t.Errorf("after an unknown code: %s", got)
	}
	// the unknown code stays typed; a typed code (any case) merges like a scan
	vm.SetCell(len(vm.lines)-2, "item", "")
	e.refreshAll()
	scan("b")
	if got := lines(); got != "A×3 B×14" {
		t.Errorf("typed b: %s", got)
	}
}

// TestRefusedAudit: a delivery beyond stock is refused at audit; the lines stay as typed
// and the message names the item; the draft is saved.
func TestRefusedAudit(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "sales_delivery", "zh-CN")
	e := editorOf(t, s, "sales_delivery")
	vm := e.vm
	vm.SetHead("date", "2025-01-15")
	vm.SetHead("partner", "C1")
	vm.SetHead("warehouse", "W1")
	vm.SetCell(0, "item", "A")
	vm.EnterCode(0)
	vm.SetCell(0, "qty", "500")
	e.refreshAll()
	if !vm.Short(0) {
		t.Error("库存 not red for 500 of 200")
	}
	test.Tap(e.btns["audit"])
	if ledger.CodeOf(vm.msg) != ledger.CodeStockNegative {
		t.Fatalf("audit: %v", vm.msg)
	}
	if !e.msg.Visible() || !strings.Contains(e.msg.Text, "A") || !strings.Contains(e.msg.Text, "W1") {
		t.Errorf("message %q", e.msg.Text)
	}
	if vm.lines[0].text["qty"] != "500" || vm.lines[0].err == nil {
		t.Errorf("line lost or unmarked: %v", vm.lines[0].text)
	}
	if vm.doc.Status != ledger.StatusDraft || vm.doc.Number == "" {
		t.Errorf("status %s number %q", vm.doc.Status, vm.doc.Number)
	}
}

// TestAuditUnaudit: audit stamps 已审核 and makes the document read-only; un-audit
// returns it to draft. Ctrl+H is the menu's Audit.
func TestAuditUnaudit(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "sales_delivery", "zh-CN")
	e := editorOf(t, s, "sales_delivery")
	vm := e.vm
	vm.SetHead("date", "2025-01-08")
	vm.SetHead("partner", "C1")
	vm.SetHead("warehouse", "W1")
	vm.SetCell(0, "item", "A")
	vm.EnterCode(0)
	vm.SetCell(0, "qty", "150")
	menuItem(t, s, "审核").Action()
	if vm.doc.Status != ledger.StatusAudited || e.stampText.Text != "已审核" {
		t.Fatalf("after audit: %s %q (%s)", vm.doc.Status, e.stampText.Text, e.msgText())
	}
	if vm.Editable() || !e.heads["date"].Disabled() || e.btns["save"].Disabled() == false {
		t.Error("an audited document is editable")
	}
	if en := e.grid.entryAt(0, "qty"); en != nil && en.Visible() {
		t.Error("an audited line shows an entry")
	}
	if !e.banner.Visible() || e.btns["unaudit"].Disabled() {
		t.Errorf("banner %v, unaudit disabled %v", e.banner.Visible(), e.btns["unaudit"].Disabled())
	}
	if sc := menuItem(t, s, "反审核").Shortcut; sc == nil || sc.ShortcutName() == "" {
		t.Error("反审核 has no shortcut")
	}
	menuItem(t, s, "反审核").Action()
	if vm.doc.Status != ledger.StatusDraft || e.stampText.Text != "草稿" || !vm.Editable() {
		t.Errorf("after un-audit: %s %q", vm.doc.Status, e.stampText.Text)
	}
}

func menuItem(t *testing.T, s *session, label string) *fyne.MenuItem {
	t.Helper()
	for _, m := range s.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("no menu item %q", label)
	return nil
}

// TestViewerSeesNoSave: a viewer sees the document but no 保存 or 审核.
func TestViewerSeesNoSave(t *testing.T) {
	b, path := monthBook(t)
	if _, err := b.AddUser(context.Background(), admin(t, b), "小王", ledger.RoleViewer, "pw"); err != nil {
		t.Fatal(err)
	}
	b.Close()
	s := newWindow(t, path, "小王", "pw", "sales_delivery", "zh-CN")
	for _, label := range []string{"保存", "审核", "新增", "删除"} {
		if hasButton(s.win.Content(), label) {
			t.Errorf("a viewer sees %s", label)
		}
	}
	if !hasButton(s.win.Content(), "上一张") {
		t.Error("the navigation buttons are missing")
	}
	if editorOf(t, s, "sales_delivery").vm.Editable() {
		t.Error("a viewer may edit")
	}
}

// TestCreateFrom: 选单 copies the open quantities of an audited order, linked.
func TestCreateFrom(t *testing.T) {
	b, path := monthBook(t)
	so := auditedDoc(t, b, ledger.Doc{Type: ledger.DocSO, Date: "2025-01-14", Partner: "C2", Lines: []ledger.DocLine{
		{Item: "A", Qty: qty(100), Price: ledger.Yuan(32, 0), DiscountRate: 500, VATRate: 1300},
		{Item: "B", Qty: qty(200), Price: ledger.Yuan(8, 0), VATRate: 1300}}})
	auditedDoc(t, b, ledger.Doc{Type: ledger.DocDelivery, Date: "2025-01-14", Partner: "C2", Warehouse: "W1", Lines: []ledger.DocLine{
		{Item: "A", Qty: qty(40), Price: ledger.Yuan(32, 0), DiscountRate: 500, VATRate: 1300, SourceLine: so.Number + "/1"}}})
	b.Close()
	s := newWindow(t, path, "", "", "sales_delivery", "zh-CN")
	e := editorOf(t, s, "sales_delivery")
	vm := e.vm
	vm.SetHead("date", "2025-01-15")
	vm.SetHead("warehouse", "W1")
	if _, err := vm.SourceLines(); err == nil || vm.errs["partner"] == nil {
		t.Error("选单 without a customer is not refused at the field")
	}
	vm.SetHead("partner", "C2")
	src, err := vm.SourceLines()
	if err != nil || len(src) != 2 || src[0].Open != qty(60) || src[1].Open != qty(200) {
		t.Fatalf("open lines %+v %v", src, err)
	}
	for i := range src {
		src[i].Pick = true
	}
	vm.CopySource(src)
	if vm.lines[0].src != so.Number+"/1" || vm.lines[0].text["qty"] != "60" || vm.lines[1].src != so.Number+"/2" || vm.head["source"] != so.Number {
		t.Errorf("copied %v %v %q", vm.lines[0], vm.lines[1], vm.head["source"])
	}
	if got := vm.Cell(0, "net"); got != "1,824.00" {
		t.Errorf("line 1 net %s", got)
	}
	if err := vm.Audit(); err != nil {
		t.Fatalf("audit: %v", err)
	}
	if again, _ := vm.SourceLines(); len(again) != 0 {
		t.Errorf("still open after the delivery: %+v", again)
	}
}

// TestReturnFrom: a return copies its delivery's line linked and computes it pro rata.
func TestReturnFrom(t *testing.T) {
	b, path := monthBook(t)
	xs := auditedDoc(t, b, ledger.Doc{Type: ledger.DocDelivery, Date: "2025-01-08", Partner: "C1", Warehouse: "W1", Lines: []ledger.DocLine{
		{Item: "A", Qty: qty(150), Price: ledger.Yuan(32, 0), VATRate: 1300}}})
	b.Close()
	s := newWindow(t, path, "", "", "sales_return", "en")
	vm := editorOf(t, s, "sales_return").vm
	vm.SetHead("date", "2025-01-18")
	vm.SetHead("partner", "C1")
	src, err := vm.SourceLines()
	if err != nil || len(src) != 1 {
		t.Fatalf("%v %v", src, err)
	}
	src[0].Pick = true
	vm.CopySource(src)
	vm.SetCell(0, "qty", "10")
	if vm.Cell(0, "net") != "320.00" || vm.Cell(0, "tax") != "41.60" || vm.Cell(0, "gross") != "361.60" {
		t.Errorf("return line %s %s %s", vm.Cell(0, "net"), vm.Cell(0, "tax"), vm.Cell(0, "gross"))
	}
	if err := vm.Save(); err != nil {
		t.Fatal(err)
	}
	d, _ := s.book.Doc(s.ctx, vm.doc.Number)
	if d.Gross.Format() != "361.60" || d.Lines[0].SourceLine != xs.Number+"/1" {
		t.Errorf("saved %s %s", d.Gross.Format(), d.Lines[0].SourceLine)
	}
}

// TestDocList: the list filters by type, status, partner and text; Enter opens the
// selected document in its own tab; ticked drafts audit in batch.
func TestDocList(t *testing.T) {
	b, path := monthBook(t)
	ctx := context.Background()
	u := admin(t, b)
	auditedDoc(t, b, ledger.Doc{Type: ledger.DocDelivery, Date: "2025-01-08", Partner: "C1", Warehouse: "W1", Memo: "午市",
		Lines: []ledger.DocLine{{Item: "A", Qty: qty(150), Price: ledger.Yuan(32, 0), VATRate: 1300}}})
	for _, d := range []ledger.Doc{
		{Type: ledger.DocDelivery, Date: "2025-01-15", Partner: "C2", Warehouse: "W1", Lines: []ledger.DocLine{{Item: "B", Qty: qty(200), Price: ledger.Yuan(8, 0), VATRate: 1300}}},
		{Type: ledger.DocDelivery, Date: "2025-01-16", Partner: "C2", Warehouse: "W1", Lines: []ledger.DocLine{{Item: "A", Qty: qty(999), Price: ledger.Yuan(8, 0), VATRate: 1300}}},
		{Type: ledger.DocSO, Date: "2025-01-14", Partner: "C2", Lines: []ledger.DocLine{{Item: "B", Qty: qty(10), Price: ledger.Yuan(8, 0), VATRate: 1300}}},
		{Type: ledger.DocReceipt, Date: "2025-01-03", Partner: "S1", Warehouse: "W1", Lines: []ledger.DocLine{{Item: "A", Qty: qty(10), Price: ledger.Yuan(20, 0), VATRate: 1300}}},
	} {
		if _, err := b.SaveDoc(ctx, u, d); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()
	s := newWindow(t, path, "", "", "sales_list", "zh-CN")
	l := s.screens["sales_list"].(*docList)
	m := l.m
	if m.Len() != 4 {
		t.Fatalf("sales list shows %d, want 4 (no purchases)", m.Len())
	}
	if n, g := m.Total(); n != 4 || g.Format() == "" {
		t.Errorf("total %d %s", n, g.Format())
	}
	m.typ = ledger.DocDelivery
	m.refilter()
	if m.Len() != 3 {
		t.Errorf("deliveries: %d", m.Len())
	}
	m.status = ledger.StatusDraft
	m.refilter()
	if m.Len() != 2 {
		t.Errorf("draft deliveries: %d", m.Len())
	}
	m.status, m.party = "", "ygy" // 阳光幼儿园 by its 助记码
	m.refilter()
	if m.Len() != 2 || m.Cell(0, "partner") != "阳光幼儿园" {
		t.Errorf("by partner: %d %q", m.Len(), m.Cell(0, "partner"))
	}
	m.party, m.text = "", "午市"
	m.refilter()
	if m.Len() != 1 || m.Cell(0, "number") != "XS-202501-0001" || m.Cell(0, "status") != "已审核" {
		t.Errorf("by memo: %d %q", m.Len(), m.Cell(0, "number"))
	}
	m.from, m.to, m.text, m.typ = "0115", "2025-01-31", "", ""
	m.from = "2025-01-15"
	m.Reload()
	m.refilter()
	if m.Len() != 2 {
		t.Errorf("from 01-15: %d", m.Len())
	}
	// batch audit: one passes, one is refused for stock, with its number in the list
	m.from, m.to = "", ""
	m.Reload()
	for i := range m.Len() {
		if m.Row(i).Type == ledger.DocDelivery && m.Row(i).Status == ledger.StatusDraft {
			m.Tick(i, true)
		}
	}
	done, refused := m.AuditTicked()
	if done != 1 || len(refused) != 1 || !strings.HasPrefix(refused[0], "XS-202501-0003") {
		t.Errorf("batch: %d %v", done, refused)
	}
	// Enter opens the selected row
	l.refresh()
	l.table.Select(widget.TableCellID{Row: 0, Col: 1})
	l.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	num := m.Row(0).Number
	if _, ok := s.screens["doc:"+num]; !ok || s.shell.selected != "doc:"+num {
		t.Errorf("Enter did not open %s: %s", num, s.shell.selected)
	}
	if got := s.shell.tabs.Selected().Text; !strings.Contains(got, num) {
		t.Errorf("tab says %q", got)
	}
}

// TestOnHand: stock on hand has a column per warehouse, the total and the amount.
func TestOnHand(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "stock_onhand", "zh-CN")
	v := s.screens["stock_onhand"].(*onHandScreen)
	m := v.m
	var titles []string
	for _, c := range m.Columns() {
		titles = append(titles, s.t(c.title))
	}
	if got := strings.Join(titles, " "); got != "编码 名称 单位 主仓 门店 合计 成本单价 库存金额" {
		t.Errorf("columns %s", got)
	}
	if m.Len() != 2 || m.Cell(0, "wh:W1") != "200" || m.Cell(0, "wh:W2") != "100" || m.Cell(0, "qty") != "300" ||
		m.Cell(0, "amount") != "6,000.00" || m.Cell(0, "cost") != "20.0000" {
		t.Errorf("A: %s %s %s %s %s", m.Cell(0, "wh:W1"), m.Cell(0, "wh:W2"), m.Cell(0, "qty"), m.Cell(0, "cost"), m.Cell(0, "amount"))
	}
	s.open("reorder")
	r := s.screens["reorder"].(*onHandScreen)
	if r.m.Len() != 1 || r.m.Cell(0, "code") != "A" {
		t.Errorf("reorder list: %d", r.m.Len())
	}
	s.open("stock_ledger")
	sl := s.screens["stock_ledger"].(*stockLedgerScreen)
	sl.m.item, sl.m.period = "A", "2025-01"
	if err := sl.m.Reload(); err != nil || sl.m.Len() != 1 || sl.m.Cell(0, "qty") != "300" {
		t.Errorf("stock ledger: %v %d", err, sl.m.Len())
	}
	s.open("partner_balance")
	if pb := s.screens["partner_balance"].(*partnerBalances); pb.m.err != nil || !pb.loaded || pb.table.Hidden {
		t.Errorf("partner balances: %v, loaded %v, table hidden %v", pb.m.err, pb.loaded, pb.table.Hidden)
	}
}

// TestCountSheet: 按当前库存生成 fills the rows with book quantities; a scan adds 1 to 实盘;
// the filters show 未盘 and 有差异; the audit books the loss.
func TestCountSheet(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "count", "zh-CN")
	e := editorOf(t, s, "count")
	vm := e.vm
	vm.SetHead("date", "2025-01-28")
	vm.SetHead("warehouse", "W1")
	test.Tap(e.btns["generate"])
	if len(vm.Rows()) != 3 || vm.Cell(0, "book") != "200" || vm.Cell(1, "book") != "1,000" && vm.Cell(1, "book") != "1000" {
		t.Fatalf("generated %d rows: %q %q", len(vm.Rows()), vm.Cell(0, "book"), vm.Cell(1, "book"))
	}
	vm.SetCell(0, "qty", "197")
	vm.ScanCount("6901234567890")
	if vm.Cell(0, "qty") != "198" || vm.Cell(0, "diff") != "-2" || vm.Cell(0, "loss") != "合理损耗" {
		t.Errorf("A counted %q diff %q loss %q", vm.Cell(0, "qty"), vm.Cell(0, "diff"), vm.Cell(0, "loss"))
	}
	vm.filter = "uncounted"
	if rows := vm.Rows(); len(rows) != 2 || rows[0] != 1 {
		t.Errorf("未盘 rows %v", rows)
	}
	vm.filter = "diff"
	if rows := vm.Rows(); len(rows) != 2 || rows[0] != 0 { // and the blank line, for a scan
		t.Errorf("有差异 rows %v", rows)
	}
	vm.filter = ""
	e.refreshAll()
	if !strings.Contains(e.progress.Text, "1/2") {
		t.Errorf("progress %q", e.progress.Text)
	}
	if err := vm.Audit(); err != nil {
		t.Fatalf("audit: %v (%s)", err, e.msgText())
	}
	on, _ := s.book.StockOnHand(s.ctx, s.user, ledger.OnHandFilter{Item: "A", Warehouse: "W1"})
	if len(on) != 1 || on[0].Qty != qty(198) {
		t.Errorf("on hand after the count %+v", on)
	}
}

// TestCollectAndExpense: a receipt shows the default split; an expense computes its
// lines' VAT live.
func TestCollectAndExpense(t *testing.T) {
	b, path := monthBook(t)
	auditedDoc(t, b, ledger.Doc{Type: ledger.DocDelivery, Date: "2025-01-08", Partner: "C2", Warehouse: "W1",
		Lines: []ledger.DocLine{{Item: "A", Qty: qty(10), Price: ledger.Yuan(100, 0), VATRate: 1300}}})
	b.Close()
	s := newWindow(t, path, "", "", "receipt", "zh-CN")
	vm := editorOf(t, s, "receipt").vm
	vm.SetHead("date", "2025-01-26")
	vm.SetHead("partner", "C2")
	vm.SetHead("account", "1002")
	vm.SetHead("amount", "2000")
	if h := vm.SplitHint(); !strings.Contains(h, "1,130.00") || !strings.Contains(h, "870.00") {
		t.Errorf("hint %q", h)
	}
	if err := vm.Save(); err != nil {
		t.Fatalf("save: %v", err)
	}
	if vm.doc.Applied.Format() != "1,130.00" || vm.doc.Advance.Format() != "870.00" {
		t.Errorf("split %s %s", vm.doc.Applied.Format(), vm.doc.Advance.Format())
	}
	s.open("expense")
	ex := editorOf(t, s, "expense").vm
	ex.SetHead("date", "2025-01-25")
	ex.SetHead("account", "1002")
	ex.SetCell(0, "account", "560206")
	ex.SetCell(0, "amount", "3000")
	ex.SetCell(1, "account", "560302")
	ex.SetCell(1, "amount", "12.50")
	ex.SetCell(1, "vat", "6")
	if _, tx, g := ex.Totals(); tx.Format() != "0.75" || g.Format() != "3,013.25" {
		t.Errorf("expense T %s G %s", tx.Format(), g.Format())
	}
	if err := ex.Save(); err != nil {
		t.Fatalf("expense save: %v", err)
	}
}

// TestDateEntry: 0115 is this year's January 15th; full dates pass.
func TestDateEntry(t *testing.T) {
	now := time.Date(2025, 3, 2, 0, 0, 0, 0, time.Local)
	for in, want := range map[string]ledger.Date{"0115": "2025-01-15", "1-5": "2025-01-05", "2024-12-31": "2024-12-31",
		"20250131": "2025-01-31", "０１１５": "2025-01-15"} {
		if got, err := parseDateText(in, now); err != nil || got != want {
			t.Errorf("%q: %s %v", in, got, err)
		}
	}
	if _, err := parseDateText("1332", now); err == nil {
		t.Error("13-32 accepted")
	}
}

// TestDocKeys: the keys built from names (header fields, statuses) exist in both languages.
func TestDocKeys(t *testing.T) {
	s := &session{}
	for _, l := range i18n.Langs {
		s.cat = i18n.For(l)
		for _, st := range []ledger.DocStatus{ledger.StatusDraft, ledger.StatusAudited, ledger.StatusVoided} {
			if !s.cat.Has("ui.doc.status." + string(st)) {
				t.Errorf("%s: ui.doc.status.%s", l, st)
			}
		}
		for _, typ := range ledger.DocTypes {
			e := &docEditor{s: s, vm: &docVM{s: s, typ: typ}}
			for _, f := range headFields(typ, true) {
				if k := "ui.doc.field." + e.labelKey(f); !s.cat.Has(k) {
					t.Errorf("%s: %s", l, k)
				}
			}
			for _, c := range columnsOf(typ, true) {
				if !s.cat.Has(c.title) {
					t.Errorf("%s: %s", l, c.title)
				}
				if w := fyne.MeasureText(s.t(c.title), 14, fyne.TextStyle{}).Width; w > c.width+16 {
					t.Logf("%s: column %q needs %.0f, has %.0f", l, s.t(c.title), w, c.width)
				}
			}
			if areaOfType(typ) == "" {
				t.Errorf("%s has no area", typ)
			}
		}
	}
}

// BenchmarkDocListFilter filters 10,000 documents in the list's view-model by partner
// and by text.
func BenchmarkDocListFilter(b *testing.B) {
	s := &session{cat: i18n.For(i18n.ZH), lang: i18n.ZH}
	m := newDocListVM(s, salesTypes)
	names := []string{"明辉餐厅", "阳光幼儿园", "零售客户", "江城小学", "华南酒店"}
	docs := make([]ledger.Doc, 10000)
	for i := range docs {
		docs[i] = ledger.Doc{Type: salesTypes[i%3], Number: fmt.Sprintf("XS-2025%02d-%04d", i%12+1, i), Date: "2025-01-15",
			Partner: fmt.Sprintf("C%d", i%200), PartnerName: names[i%len(names)], Status: ledger.StatusAudited, Gross: ledger.Money(i * 100)}
	}
	m.setDocs(docs)
	b.ResetTimer()
	for b.Loop() {
		m.party = "ygy"
		m.refilter()
		m.party, m.text = "", "0123"
		m.refilter()
		m.text = ""
		m.refilter()
	}
}

// TestAuditWarnsOfACount: auditing a delivery dated before an audited count of its item
// and warehouse says so in the editor's message (DOMAIN.md §4.1).
func TestAuditWarnsOfACount(t *testing.T) {
	b, path := monthBook(t)
	count := auditedDoc(t, b, ledger.Doc{Type: ledger.DocCount, Date: "2025-01-20", Warehouse: "W1",
		Lines: []ledger.DocLine{{Item: "A", Qty: qty(200)}}})
	b.Close()
	s := newWindow(t, path, "", "", "sales_delivery", "en")
	e := editorOf(t, s, "sales_delivery")
	vm := e.vm
	vm.SetHead("date", "2025-01-08")
	vm.SetHead("partner", "C1")
	vm.SetHead("warehouse", "W1")
	vm.SetCell(0, "item", "A")
	vm.EnterCode(0)
	vm.SetCell(0, "qty", "5")
	if err := vm.Audit(); err != nil {
		t.Fatal(err)
	}
	if vm.doc.Status != ledger.StatusAudited || !strings.Contains(vm.info, count.Number) {
		t.Errorf("status %s, message %q: want the count %s named", vm.doc.Status, vm.info, count.Number)
	}
}
