package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"shopbooks/ledger"
)

// scanInto types a code into the blank last line's 编码 and presses Enter, as a scanner does.
func scanInto(t *testing.T, e *docEditor, code string) {
	t.Helper()
	vm := e.vm
	last := len(vm.lines) - 1
	en := e.grid.entryAt(last, "item")
	if en == nil {
		t.Fatalf("no entry over the blank line's 编码 (line %d)", last)
	}
	e.s.win.Canvas().Focus(en)
	en.SetText("")
	test.Type(en, code)
	en.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

func linesText(vm *docVM) string {
	var out []string
	for _, l := range vm.lines {
		if !l.blank() {
			s := l.text["item"] + "×" + l.text["qty"]
			if w := l.whCode(); w != "" {
				s += "@" + w
			}
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

// TestScanMergeSetting: with 扫码合并 on (the default) a scan of an item already on the
// document adds 1 to its line and says so; with it off (changed on the settings screen
// while the editor is open) every scan makes a new line; a line with its own warehouse
// never takes a scan for the document's.
func TestScanMergeSetting(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "sales_delivery", "zh-CN")
	e := editorOf(t, s, "sales_delivery")
	vm := e.vm
	vm.SetHead("date", "2025-01-15")
	vm.SetHead("partner", "C1")
	vm.SetHead("warehouse", "W1")
	for range 3 {
		scanInto(t, e, "6901234567890")
	}
	if got := linesText(vm); got != "A×3" {
		t.Fatalf("merge on: %s", got)
	}
	if vm.info != "洗衣液2kg ×1（本行 3）" {
		t.Errorf("status %q", vm.info)
	}
	if e.grid.flashing != 0 {
		t.Errorf("the merged row does not flash: %d", e.grid.flashing)
	}
	// the line moves to the store: the next scan for 主仓 is a line of its own
	vm.SetCell(0, "wh", "w2")
	scanInto(t, e, "6901234567890")
	if got := linesText(vm); got != "A×3@W2 A×1" {
		t.Errorf("own warehouse: %s", got)
	}

	u := s.user
	set, err := s.book.Settings(s.ctx)
	if err != nil || !set.ScanMerge {
		t.Fatalf("扫码合并 is not on by default: %v", err)
	}
	set.ScanMerge = false
	if err := s.book.UpdateSettings(context.Background(), u, set); err != nil {
		t.Fatal(err)
	}
	scanInto(t, e, "6901234567890")
	scanInto(t, e, "6901234567890")
	if got := linesText(vm); got != "A×3@W2 A×1 A×1 A×1" {
		t.Errorf("merge off: %s", got)
	}
	if vm.info != "洗衣液2kg ×1（本行 1）" {
		t.Errorf("status %q", vm.info)
	}
	if err := vm.Save(); err != nil {
		t.Fatalf("save: %v", err)
	}
	d, _ := s.book.Doc(s.ctx, vm.doc.Number)
	if len(d.Lines) != 4 || d.Lines[0].Warehouse != "W2" || d.Lines[1].Warehouse != "W1" {
		t.Errorf("saved lines %+v", d.Lines)
	}
	// loaded again, the line's own warehouse is shown, the others follow the header
	if got := linesText(vm); got != "A×3@W2 A×1 A×1 A×1" {
		t.Errorf("after save: %s", got)
	}
	vm.SetHead("warehouse", "W2")
	if err := vm.Save(); err != nil {
		t.Fatalf("save: %v", err)
	}
	d, _ = s.book.Doc(s.ctx, vm.doc.Number)
	if d.Lines[1].Warehouse != "W2" || d.Lines[3].Warehouse != "W2" {
		t.Errorf("lines did not follow the header's warehouse: %+v", d.Lines)
	}
}

// TestDocDiscount: 整单折扣 is spread over the lines pro rata to their base by
// ledger.SpreadDiscount, live; the saved lines carry their parts as discount amounts.
func TestDocDiscount(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "sales_delivery", "zh-CN")
	e := editorOf(t, s, "sales_delivery")
	vm := e.vm
	vm.SetHead("date", "2025-01-15")
	vm.SetHead("partner", "C2")
	vm.SetHead("warehouse", "W1")
	vm.SetCell(0, "item", "A")
	vm.EnterCode(0)
	vm.SetCell(0, "qty", "100")
	vm.SetCell(0, "disc", "5%")
	vm.SetCell(1, "item", "B")
	vm.EnterCode(1)
	vm.SetCell(1, "qty", "200")
	vm.SetCell(2, "item", "B") // typed, not entered: Enter would merge it with line 2
	vm.SetCell(2, "qty", "1")
	vm.SetCell(2, "price", "0.01")
	vm.SetCell(2, "vat", "13")
	// bases 3,200.00, 1,600.00 and 0.01: 100.00 → 66.67, 33.33, the last the remainder 0.00
	vm.SetHead("doc_disc", "100")
	want := map[string][3]string{"net": {"2,973.33", "1,566.67", "0.01"}, "tax": {"386.53", "203.67", "0.00"}}
	for col, w := range want {
		for i := range 3 {
			if got := vm.Cell(i, col); got != w[i] {
				t.Errorf("line %d %s: %s, want %s", i+1, col, got, w[i])
			}
		}
	}
	if got := []ledger.Money{vm.lines[0].share, vm.lines[1].share, vm.lines[2].share}; got[0] != 6667 || got[1] != 3333 || got[2] != 0 {
		t.Errorf("parts %v", got)
	}
	if d := vm.Discount(); d.Format() != "260.00" {
		t.Errorf("total discount %s", d.Format())
	}
	e.refreshAll()
	if !strings.Contains(e.totals.Text, "折扣 260.00") {
		t.Errorf("footer %q", e.totals.Text)
	}
	n, _, g := vm.Totals()
	if err := vm.Save(); err != nil {
		t.Fatalf("save: %v (%s)", err, e.msgText())
	}
	d, _ := s.book.Doc(s.ctx, vm.doc.Number)
	if d.Net != n || d.Gross != g || !d.Lines[0].HasDiscountAmount || d.Lines[0].DiscountAmount != 16000+6667 ||
		d.Lines[1].DiscountAmount != 3333 {
		t.Errorf("saved N %s G %s lines %+v", d.Net.Format(), d.Gross.Format(), d.Lines)
	}
	// a malformed discount is shown at its field on leaving it, and refused at save
	vm.SetHead("doc_disc", "abc")
	e.blurHead("doc_disc")
	if vm.errs["doc_disc"] == nil || e.headErrs["doc_disc"].Text == "" {
		t.Error("a malformed 整单折扣 is not shown at its field")
	}
}

// TestVATOverride: the 税额 cell takes an invoice's VAT within ±0.06 of the computed one;
// beyond it the cell turns red and the message bar gives the ledger's refusal, naming the
// line. The override is saved and shown again on loading.
func TestVATOverride(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "purchase_receipt", "en")
	e := editorOf(t, s, "purchase_receipt")
	vm := e.vm
	vm.SetHead("date", "2025-01-03")
	vm.SetHead("partner", "S1")
	vm.SetHead("warehouse", "W1")
	vm.SetCell(0, "item", "A")
	vm.EnterCode(0)
	// DOMAIN.md §2.6 E1: 3 × 12.345 less 5%, 13% → net 35.19, VAT 4.57
	vm.SetCell(0, "qty", "3")
	vm.SetCell(0, "price", "12.345")
	vm.SetCell(0, "disc", "5%")
	if got := vm.Cell(0, "tax"); got != "4.57" {
		t.Fatalf("computed VAT %s", got)
	}
	vm.SetCell(0, "tax", "4.70")
	if !isCode(vm.lines[0].amtErr, ledger.CodeVATOverride) {
		t.Fatalf("4.70 is not refused: %v", vm.lines[0].amtErr)
	}
	e.refreshAll()
	if en := e.grid.entryAt(0, "tax"); en == nil || !en.Visible() {
		t.Error("税额 is not editable")
	}
	tinted := false
	for id, c := range e.grid.cells {
		if id.Row == 0 && id.Col >= 0 && id.Col < len(e.grid.cols) && e.grid.cols[id.Col].id == "tax" {
			_, _, _, a := c.bg.FillColor.RGBA()
			tinted = a != 0
		}
	}
	if !tinted {
		t.Error("the refused 税额 cell is not tinted")
	}
	if msg := e.msgText(); !strings.Contains(msg, "4.70") || !strings.Contains(msg, "4.57") || !strings.Contains(msg, "1") {
		t.Errorf("message %q", msg)
	}
	if err := vm.Save(); err == nil {
		t.Error("a VAT beyond the tolerance was saved")
	}
	vm.SetCell(0, "tax", "4.63")
	if vm.lines[0].amtErr != nil || vm.Cell(0, "gross") != "39.82" || vm.Cell(0, "net") != "35.19" {
		t.Errorf("4.63: %v net %s gross %s", vm.lines[0].amtErr, vm.Cell(0, "net"), vm.Cell(0, "gross"))
	}
	e.refreshAll()
	if e.msgText() != "" {
		t.Errorf("message after a good VAT: %q", e.msgText())
	}
	if err := vm.Save(); err != nil {
		t.Fatalf("save: %v (%s)", err, e.msgText())
	}
	d, _ := s.book.Doc(s.ctx, vm.doc.Number)
	if !d.Lines[0].HasVATOverride || d.Lines[0].Tax != 463 || d.Gross != 3982 {
		t.Errorf("saved %+v", d.Lines[0])
	}
	if vm.Cell(0, "tax") != "4.63" {
		t.Errorf("loaded VAT %s", vm.Cell(0, "tax"))
	}
	// emptied, the cell shows the computed VAT again once another cell changes
	vm.SetCell(0, "tax", "")
	vm.SetCell(0, "qty", "3")
	if vm.Cell(0, "tax") != "4.57" {
		t.Errorf("cleared VAT %s", vm.Cell(0, "tax"))
	}
}

// TestOrderDoneAndClose: an order's lines show 已执行 (what linked deliveries took); 关闭
// closes the order (stamp 已关闭, 选单 no longer offers it), 重新打开 reopens it.
func TestOrderDoneAndClose(t *testing.T) {
	b, path := monthBook(t)
	so := auditedDoc(t, b, ledger.Doc{Type: ledger.DocSO, Date: "2025-01-14", Partner: "C2", Lines: []ledger.DocLine{
		{Item: "A", Qty: qty(100), Price: ledger.Yuan(32, 0), DiscountRate: 500, VATRate: 1300},
		{Item: "B", Qty: qty(200), Price: ledger.Yuan(8, 0), VATRate: 1300}}})
	auditedDoc(t, b, ledger.Doc{Type: ledger.DocDelivery, Date: "2025-01-14", Partner: "C2", Warehouse: "W1", Lines: []ledger.DocLine{
		{Item: "A", Qty: qty(40), Price: ledger.Yuan(32, 0), DiscountRate: 500, VATRate: 1300, SourceLine: so.Number + "/1"}}})
	b.Close()
	s := newWindow(t, path, "", "", "sales_order", "zh-CN")
	e := editorOf(t, s, "sales_order")
	vm := e.vm
	if err := vm.Load(so.Number); err != nil {
		t.Fatal(err)
	}
	e.refreshAll()
	cols := vm.Columns()
	if cols[len(cols)-1].id != "done" {
		t.Errorf("no 已执行 column: %v", cols)
	}
	if vm.Cell(0, "done") != "40" || vm.Cell(1, "done") != "0" {
		t.Errorf("已执行 %q %q", vm.Cell(0, "done"), vm.Cell(1, "done"))
	}
	if !vm.ShowCloseOrder() || !vm.CanCloseOrder() || e.btns["close_order"].Disabled() || e.btns["close_order"].Text != "关闭" {
		t.Fatalf("关闭 not offered")
	}
	test.Tap(e.btns["close_order"])
	if !vm.doc.OrderClosed || vm.Stamp() != "已关闭" || e.btns["close_order"].Text != "重新打开" {
		t.Errorf("after 关闭: closed %v stamp %q button %q", vm.doc.OrderClosed, vm.Stamp(), e.btns["close_order"].Text)
	}
	if !strings.HasPrefix(e.banner.Text, "已关闭") {
		t.Errorf("banner %q", e.banner.Text)
	}
	// a delivery's 选单 no longer offers the closed order
	s.open("sales_delivery")
	dv := editorOf(t, s, "sales_delivery").vm
	dv.SetHead("partner", "C2")
	if src, err := dv.SourceLines(); err != nil || len(src) != 0 {
		t.Errorf("a closed order is offered: %+v %v", src, err)
	}
	test.Tap(e.btns["close_order"])
	if vm.doc.OrderClosed || vm.Stamp() != "已审核" {
		t.Errorf("after 重新打开: closed %v stamp %q", vm.doc.OrderClosed, vm.Stamp())
	}
	if src, _ := dv.SourceLines(); len(src) != 2 {
		t.Errorf("the reopened order offers %d lines", len(src))
	}
	// a draft order cannot be closed: the button is there, disabled
	vm.New()
	e.refreshAll()
	if vm.CanCloseOrder() || !e.btns["close_order"].Disabled() {
		t.Error("a new order may be closed")
	}
}

// TestViewerCannotCloseOrders: the service decides, the GUI hides: a viewer has no 关闭.
func TestViewerCannotCloseOrders(t *testing.T) {
	b, path := monthBook(t)
	if _, err := b.AddUser(context.Background(), admin(t, b), "小王", ledger.RoleViewer, "pw"); err != nil {
		t.Fatal(err)
	}
	b.Close()
	s := newWindow(t, path, "小王", "pw", "sales_order", "zh-CN")
	if vm := editorOf(t, s, "sales_order").vm; vm.ShowCloseOrder() || hasButton(s.win.Content(), "关闭") {
		t.Error("a viewer sees 关闭")
	}
}

// TestOrderDiscountDelivered: an order entered with 整单折扣 keeps the parts on its lines
// as amounts; a delivery of part of a line (选单) takes its share of the amount.
func TestOrderDiscountDelivered(t *testing.T) {
	b, path := monthBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "sales_order", "zh-CN")
	vm := editorOf(t, s, "sales_order").vm
	vm.SetHead("date", "2025-01-14")
	vm.SetHead("partner", "C2")
	vm.SetCell(0, "item", "A")
	vm.EnterCode(0)
	vm.SetCell(0, "qty", "100")
	vm.SetCell(1, "item", "B")
	vm.EnterCode(1)
	vm.SetCell(1, "qty", "200")
	vm.SetHead("doc_disc", "48") // bases 3,200.00 and 1,600.00: 32.00 and 16.00
	if err := vm.Audit(); err != nil {
		t.Fatalf("audit: %v", err)
	}
	if d := vm.doc; d.Lines[0].DiscountAmount != 3200 || d.Lines[1].DiscountAmount != 1600 || d.Net != 480000-4800 {
		t.Fatalf("order lines %+v N %s", d.Lines, d.Net.Format())
	}
	s.open("sales_delivery")
	dv := editorOf(t, s, "sales_delivery").vm
	dv.SetHead("date", "2025-01-15")
	dv.SetHead("partner", "C2")
	dv.SetHead("warehouse", "W1")
	src, err := dv.SourceLines()
	if err != nil || len(src) != 2 {
		t.Fatalf("选单 %v %v", src, err)
	}
	src[0].Pick, src[0].Open = true, qty(25) // a quarter of line 1
	dv.CopySource(src)
	if got := dv.lines[0].text["disc"]; got != "=8.00" {
		t.Errorf("the delivered quarter's discount %q, want =8.00", got)
	}
	if got := dv.Cell(0, "net"); got != "792.00" {
		t.Errorf("net %s, want 792.00", got)
	}
}
