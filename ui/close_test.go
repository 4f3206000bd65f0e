package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"shopbooks/ledger"
)

// closeMonthBook is DOMAIN.md §8's January entered through the ledger: the opening
// balances and every document audited, but for the count PD-202501-0001, planted as a
// draft so that it blocks the close (B3). The manual voucher is left to the test.
func closeMonthBook(t *testing.T) string {
	t.Helper()
	b, path := monthBook(t)
	ctx := context.Background()
	u := admin(t, b)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := b.AddPartner(ctx, u, ledger.Partner{Code: "WALKIN", Name: "零售客户", Customer: true, Active: true})
	must(err)
	for _, o := range []struct {
		acct, partner string
		amt           ledger.Money
	}{{"1001", "", 500000}, {"1002", "", 20000000}, {"1122", "C1", 800000}, {"1601", "", 5000000}, {"1602", "", 1000000},
		{"2202", "S1", 1200000}, {"3001", "", 20000000}, {"3101", "", 1000000}, {"310415", "", 4200000}} {
		must(b.SetOpening(ctx, u, o.acct, o.partner, o.amt, 0, 0))
	}
	price := func(s string) ledger.Price {
		p, err := ledger.ParsePrice("price", s)
		must(err)
		return p
	}
	line := func(item string, q int64, p string) ledger.DocLine {
		l := ledger.DocLine{Item: item, Qty: qty(q), UseItemVAT: true}
		if p != "" {
			l.Price = price(p)
		}
		return l
	}
	linked := func(l ledger.DocLine, src string) ledger.DocLine { l.SourceLine = src; return l }
	disc := line("A", 100, "")
	disc.DiscountRate = 500
	docs := []ledger.Doc{
		{Type: ledger.DocPO, Date: "2025-01-02", Partner: "S1", Lines: []ledger.DocLine{line("A", 200, "21.50")}},
		{Type: ledger.DocReceipt, Date: "2025-01-03", Partner: "S1", Warehouse: "W1", Source: "CD-202501-0001", Deductible: true,
			Lines: []ledger.DocLine{linked(line("A", 200, "21.50"), "CD-202501-0001/1")}},
		{Type: ledger.DocReceipt, Date: "2025-01-05", Partner: "S2", Warehouse: "W1", Account: "1002", Inclusive: true, Deductible: true,
			Lines: []ledger.DocLine{line("B", 600, "6.20")}},
		{Type: ledger.DocDelivery, Date: "2025-01-08", Partner: "C1", Warehouse: "W1", Lines: []ledger.DocLine{line("A", 150, "32")}},
		{Type: ledger.DocTransfer, Date: "2025-01-09", Warehouse: "W1", ToWarehouse: "W2", Lines: []ledger.DocLine{line("B", 400, "")}},
		{Type: ledger.DocDelivery, Date: "2025-01-10", Partner: "WALKIN", Warehouse: "W2", Account: "1001", Inclusive: true,
			Lines: []ledger.DocLine{line("B", 300, "8.80")}},
		{Type: ledger.DocPReturn, Date: "2025-01-12", Partner: "S1", Warehouse: "W1", Deductible: true,
			Lines: []ledger.DocLine{linked(line("A", 20, ""), "CG-202501-0001/1")}},
		{Type: ledger.DocSO, Date: "2025-01-14", Partner: "C2", Lines: []ledger.DocLine{disc, line("B", 200, "")}},
		{Type: ledger.DocDelivery, Date: "2025-01-15", Partner: "C2", Warehouse: "W1", Source: "XD-202501-0001", Lines: []ledger.DocLine{
			func() ledger.DocLine {
				l := linked(line("A", 100, "32"), "XD-202501-0001/1")
				l.DiscountRate = 500
				return l
			}(),
			linked(line("B", 200, "8"), "XD-202501-0001/2")}},
		{Type: ledger.DocSReturn, Date: "2025-01-18", Partner: "C1", Warehouse: "W1",
			Lines: []ledger.DocLine{linked(line("A", 10, ""), "XS-202501-0001/1")}},
		{Type: ledger.DocCollect, Date: "2025-01-20", Partner: "C1", Account: "1002", Amount: 1000000, Applied: 1000000},
		{Type: ledger.DocPay, Date: "2025-01-22", Partner: "S1", Account: "1002", Amount: 1200000, Applied: 1200000},
		{Type: ledger.DocExpense, Date: "2025-01-25", Account: "1002", Deductible: true, Lines: []ledger.DocLine{
			{Account: "560206", Memo: "房租", Net: 300000, UseItemVAT: true}, {Account: "560302", Memo: "手续费", Net: 1250, UseItemVAT: true}}},
		{Type: ledger.DocCollect, Date: "2025-01-26", Partner: "C2", Account: "1002", Amount: 600000, Applied: 524320, Advance: 75680},
	}
	for _, d := range docs {
		auditedDoc(t, b, d)
	}
	// the planted draft: the count, saved but not audited
	_, err = b.SaveDoc(ctx, u, ledger.Doc{Type: ledger.DocCount, Date: "2025-01-28", Warehouse: "W1",
		Lines: []ledger.DocLine{{Item: "A", Qty: qty(138)}, {Item: "B", Qty: qty(1000)}}})
	must(err)
	b.Close()
	return path
}

// TestCloseWizard drives the close of DOMAIN.md §8's month through the wizard's
// view-model: the depreciation voucher entered and audited, the planted draft blocking
// at the checks (B3 naming it), the preview (372.87, 16 vouchers), a cancelled close
// leaving the book as it was, the close, a closed month refusing a new document and
// showing its vouchers read-only, the detail ledger of 1002, and the un-close.
func TestCloseWizard(t *testing.T) {
	path := closeMonthBook(t)
	s := newWindow(t, path, "", "", "voucher_entry", "zh-CN")
	ctx := context.Background()

	// 记-0001, entered and audited in the voucher entry
	vm := voucherEntry(t, s).vm
	vm.SetDate("2025-01-31")
	vm.SetCell(0, "summary", "计提折旧")
	vm.SetCell(0, "account", "560207")
	vm.SetCell(0, "debit", "500")
	vm.SetCell(1, "summary", "..")
	vm.SetCell(1, "account", "1602")
	vm.SetCell(1, "credit", "500")
	if err := vm.Audit(); err != nil || vm.v.Number() != "记-0001" || !vm.v.Audited {
		t.Fatalf("voucher: %v %s audited %v", err, vm.v.Number(), vm.v.Audited)
	}

	s.open("close")
	cv, ok := s.screens["close"].(*closeScreen)
	if !ok {
		t.Fatalf("close screen: %T", s.screens["close"])
	}
	m := cv.m
	if m.period != "2025-01" || m.lastClosed != "" || m.CanUnclose() {
		t.Fatalf("period %q last closed %q", m.period, m.lastClosed)
	}
	m.Next()
	cv.show()
	if m.step != 2 || m.Blocks() != 1 || m.CanNext() {
		t.Fatalf("checks: step %d findings %+v", m.step, m.findings)
	}
	f, ok := m.Finding("B3")
	if !ok || !f.Block || f.Count != 1 || !slices.Contains(f.Refs, "PD-202501-0001") {
		t.Fatalf("B3: %+v", f)
	}
	if s.t("ui.close.check.B3") != "本期有未审核单据（含盘点单）" {
		t.Errorf("B3 reads %q", s.t("ui.close.check.B3"))
	}
	// 查看 opens the draft in its editor
	cv.viewButton(f).OnTapped()
	if e, ok := s.screens["doc:PD-202501-0001"].(*docEditor); !ok || e.vm.doc.Status != ledger.StatusDraft {
		t.Fatalf("查看 did not open the count: %v", ok)
	}
	if err := s.book.AuditDoc(ctx, s.user, "PD-202501-0001"); err != nil {
		t.Fatal(err)
	}
	cv.recheck() // F5
	if len(m.findings) != 0 || !m.CanNext() {
		t.Fatalf("after the audit: %+v", m.findings)
	}
	m.Next()
	if m.step != 3 {
		t.Fatalf("step %d", m.step)
	}
	pre, err := m.Preview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pre.Profit != 37287 || len(pre.Vouchers) != 16 || voucherRange(pre.Vouchers) != "记-0002…记-0017" {
		t.Fatalf("preview: profit %s, %d vouchers %s", pre.Profit, len(pre.Vouchers), voucherRange(pre.Vouchers))
	}
	m.preview = &pre
	if vs, _ := s.book.Vouchers(ctx, s.user, "2025-01"); len(vs) != 1 {
		t.Fatalf("the preview saved %d vouchers", len(vs))
	}
	m.Next()
	if m.step != 4 {
		t.Fatalf("step %d", m.step)
	}

	// cancelled while making the month-end vouchers: nothing changes
	cctx, cancel := context.WithCancel(ctx)
	_, err = m.Close(cctx, func(step string, done, total int) {
		if step == "month-end" {
			cancel()
		}
	})
	if err == nil || periodClosed(s, "2025-01") {
		t.Fatalf("cancelled close: %v, closed %v", err, periodClosed(s, "2025-01"))
	}
	if vs, _ := s.book.Vouchers(ctx, s.user, "2025-01"); len(vs) != 1 {
		t.Fatalf("a cancelled close left %d vouchers", len(vs))
	}

	// a write after the preview makes the close stale: back to the preview
	if _, err := s.book.AddWarehouse(ctx, s.user, ledger.Warehouse{Code: "W9", Name: "临时仓", Active: true}); err != nil {
		t.Fatal(err)
	}
	res, err := m.Close(ctx, nil)
	m.closed(res, err)
	if ledger.CodeOf(err) != ledger.CodeCloseStale || m.step != 3 || m.preview != nil || periodClosed(s, "2025-01") {
		t.Fatalf("stale preview: %v step %d", err, m.step)
	}
	pre, err = m.Preview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m.preview = &pre
	m.Next()

	var steps []string
	var last float64
	res, err = m.Close(ctx, func(step string, done, total int) {
		if len(steps) == 0 || steps[len(steps)-1] != step {
			steps = append(steps, step)
		}
		p := progressOf(step, done, total)
		if p < last {
			t.Errorf("progress went back at %s %d/%d: %f < %f", step, done, total, p, last)
		}
		last = p
	})
	m.closed(res, err)
	cv.afterChange()
	cv.show()
	if err != nil || !res.Closed || m.step != 5 || len(res.Vouchers) != 16 || res.Profit != 37287 {
		t.Fatalf("close: %v closed %v step %d", err, res.Closed, m.step)
	}
	if !slices.Equal(steps, []string{"check", "costing", "vouchers", "month-end", "post-check", "done"}) || last != 1 {
		t.Errorf("progress steps %v, last %f", steps, last)
	}
	if !periodClosed(s, "2025-01") || firstOpen(s) != "2025-02" {
		t.Fatalf("periods after the close: first open %s", firstOpen(s))
	}
	if txt := s.shell.periodBtn.Text; !strings.Contains(txt, "2025-02 未结账") || !strings.Contains(txt, "已结账至 2025-01") {
		t.Errorf("top bar %q", txt)
	}
	// a new document dated in the closed month is refused
	_, err = s.book.SaveDoc(ctx, s.user, ledger.Doc{Type: ledger.DocTransfer, Date: "2025-01-30", Warehouse: "W1", ToWarehouse: "W2",
		Lines: []ledger.DocLine{{Item: "A", Qty: qty(1)}}})
	if ledger.CodeOf(err) != ledger.CodePeriodClosed {
		t.Fatalf("a document in the closed month: %v", err)
	}
	// the closed month's vouchers open read-only; a generated one links its document
	s.openVoucher("2025-01/记-0001")
	ve := voucherTab(t, s, "2025-01/记-0001")
	if ve.vm.Editable() || ve.vm.CanUnaudit() || !strings.Contains(ve.vm.Banner(), "已结账") {
		t.Errorf("记-0001 after the close: editable %v banner %q", ve.vm.Editable(), ve.vm.Banner())
	}
	s.openVoucher("2025-01/记-0002")
	ve = voucherTab(t, s, "2025-01/记-0002")
	if ve.vm.v.Doc != "CG-202501-0001" || !ve.docLink.Visible() || ve.vm.Editable() {
		t.Errorf("记-0002: doc %q link %v", ve.vm.v.Doc, ve.docLink.Visible())
	}
	ve.docLink.OnTapped()
	if e, ok := s.screens["doc:CG-202501-0001"].(*docEditor); !ok || e.vm.CanUnaudit() {
		t.Errorf("the document of 记-0002 did not open read-only")
	}

	// the voucher list shows the 17 vouchers without gaps
	s.open("voucher_list")
	vl := s.screens["voucher_list"].(*voucherList)
	if vl.m.period != "2025-01" || vl.m.Len() != 17 || vl.m.Gap() || vl.m.Cell(1, "source") != "CG-202501-0001" ||
		vl.m.Cell(16, "source") != "结转损益" {
		t.Errorf("voucher list: %s %d rows gap %v", vl.m.period, vl.m.Len(), vl.m.Gap())
	}

	// the detail ledger of 1002 ends at 197,267.50 借
	s.open("detail_ledger")
	dl := s.screens["detail_ledger"].(*acctLedger).m
	if dl.account != "1002" || dl.from != "2025-01" || dl.Last() != 19726750 {
		t.Fatalf("1002: %s %s ends at %s", dl.account, dl.from, dl.Last())
	}
	n := dl.Len()
	if dl.Cell(n-2, "summary") != "本月合计" || dl.Cell(n-2, "debit") != "16,000.00" || dl.Cell(n-2, "credit") != "18,732.50" ||
		dl.Cell(n-1, "balance") != "197,267.50" || dl.Cell(n-1, "dir") != "借" || dl.Cell(0, "balance") != "200,000.00" {
		t.Errorf("1002 rows: %q %q %q %q", dl.Cell(n-2, "debit"), dl.Cell(n-2, "credit"), dl.Cell(n-1, "balance"), dl.Cell(n-1, "dir"))
	}
	dl.sel = 1
	s.screens["detail_ledger"].(*acctLedger).open()
	if e := voucherTab(t, s, dl.rows[1].voucher); s.current() != e {
		t.Errorf("the ledger line did not show its voucher %s", dl.rows[1].voucher)
	}
	gl := newAcctLedgerVM(s, true)
	if gl.Last() != 19726750 || gl.Cell(1, "debit") != "16,000.00" {
		t.Errorf("general ledger of 1002: %s", gl.Last())
	}

	// un-close: the reason is required
	m.Restart()
	if !m.CanUnclose() || m.lastClosed != "2025-01" {
		t.Fatalf("un-close not offered: %q", m.lastClosed)
	}
	if k, first, lastV := m.UncloseLoss(); k != 16 || first != "记-0002" || lastV != "记-0017" {
		t.Errorf("un-close would delete %d %s…%s", k, first, lastV)
	}
	if err := m.Unclose("  "); ledger.CodeOf(err) != ledger.CodeUncloseReason {
		t.Fatalf("un-close without a reason: %v", err)
	}
	if err := m.Unclose("补录漏记的单据"); err != nil {
		t.Fatal(err)
	}
	if periodClosed(s, "2025-01") || m.period != "2025-01" || m.lastClosed != "" {
		t.Fatalf("after the un-close: closed %v period %s", periodClosed(s, "2025-01"), m.period)
	}
	if vs, _ := s.book.Vouchers(ctx, s.user, "2025-01"); len(vs) != 1 || vs[0].Source != ledger.SourceManual {
		t.Errorf("after the un-close %d vouchers", len(vs))
	}
}

// voucherTab is the open editor that shows a voucher.
func voucherTab(t *testing.T, s *session, ref string) *voucherEditor {
	t.Helper()
	for _, sc := range s.screens {
		if e, ok := sc.(*voucherEditor); ok && e.vm.v.ID != 0 && e.vm.v.Ref() == ref {
			return e
		}
	}
	t.Fatalf("no tab shows %s", ref)
	return nil
}
