package ledger

import (
	"fmt"
	"strings"
	"testing"
)

type goldenVoucher struct {
	Number, Date, Source, Summary string
	Lines                         []struct{ Account, Side, Amount, Partner, Item string }
}

type goldenClose struct {
	Vouchers     []goldenVoucher
	TrialBalance struct {
		Rows []struct {
			Code          string
			OpeningDebit  string `json:"opening_debit"`
			OpeningCredit string `json:"opening_credit"`
			PeriodDebit   string `json:"period_debit"`
			PeriodCredit  string `json:"period_credit"`
			ClosingDebit  string `json:"closing_debit"`
			ClosingCredit string `json:"closing_credit"`
		}
	} `json:"trial_balance"`
}

// closedMonth is DOMAIN.md §8's month entered and closed.
func closedMonth(t *testing.T) (*Book, *User, CloseResult) {
	t.Helper()
	g := loadGoldenMonth(t)
	b, u := monthBook(t, g)
	ctx := t.Context()
	enterMonth(t, b, u, g)
	v, err := b.SaveVoucher(ctx, u, Voucher{Date: "2025-01-31", Summary: "计提折旧", Lines: []VoucherLine{
		{Account: "560207", Side: "D", Amount: 50000}, {Account: "1602", Side: "C", Amount: 50000}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.AuditVoucher(ctx, u, v.Ref(), true); err != nil {
		t.Fatal(err)
	}
	res, err := b.ClosePeriod(ctx, u, "2025-01", CloseOptions{})
	if err != nil {
		t.Fatalf("close: %v (findings %+v)", err, res.Findings)
	}
	return b, u, res
}

func voucherText(v Voucher) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s %s", v.Number(), v.Date)
	for _, l := range v.Lines {
		fmt.Fprintf(&s, " | %s %s %s", l.Side, l.Account, l.Amount)
		if l.Partner != "" {
			fmt.Fprintf(&s, "[%s]", l.Partner)
		}
		if l.Item != "" {
			fmt.Fprintf(&s, "[%s]", l.Item)
		}
	}
	return s.String()
}

// TestGoldenMonthClose closes DOMAIN.md §8's month: exactly its 17 vouchers, its trial
// balance and its profit, to the fen.
func TestGoldenMonthClose(t *testing.T) {
	var gc goldenClose
	loadGolden(t, &gc)
	b, u, res := closedMonth(t)
	ctx := t.Context()
	if res.Profit != 37287 {
		t.Errorf("profit %s, want 372.87", res.Profit)
	}
	vs, err := b.Vouchers(ctx, u, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(gc.Vouchers) {
		t.Errorf("%d vouchers, want %d", len(vs), len(gc.Vouchers))
	}
	for i, gv := range gc.Vouchers {
		if i >= len(vs) {
			break
		}
		want := Voucher{No: i + 1, Date: Date(gv.Date)}
		for _, l := range gv.Lines {
			side := "D"
			if l.Side == "credit" {
				side = "C"
			}
			want.Lines = append(want.Lines, VoucherLine{Side: side, Account: l.Account, Amount: mustMoney(t, l.Amount), Partner: l.Partner, Item: l.Item})
		}
		if got, w := voucherText(vs[i]), voucherText(want); got != w {
			t.Errorf("voucher %d:\n got %s\nwant %s", i+1, got, w)
		}
		if i > 0 && vs[i].Summary != gv.Summary {
			t.Errorf("voucher %d summary %q, want %q", i+1, vs[i].Summary, gv.Summary)
		}
	}
	tb, err := b.TrialBalance(ctx, u, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]TrialRow{}
	for _, r := range tb {
		rows[r.Code] = r
	}
	for _, w := range gc.TrialBalance.Rows {
		r := rows[w.Code]
		got := []Money{r.OpeningDebit, r.OpeningCred, r.PeriodDebit, r.PeriodCredit, r.ClosingDebit, r.ClosingCred}
		want := []string{w.OpeningDebit, w.OpeningCredit, w.PeriodDebit, w.PeriodCredit, w.ClosingDebit, w.ClosingCredit}
		for i := range got {
			if got[i] != mustMoney(t, want[i]) {
				t.Errorf("trial balance %s column %d: %s, want %s", w.Code, i, got[i], want[i])
			}
		}
	}
	rep, err := b.Verify(ctx, true)
	if err != nil || !rep.OK() {
		t.Fatalf("verify after the close: %v %v", err, rep.Failure)
	}
	// Close → un-close → close gives the same vouchers.
	before := ""
	for _, v := range vs {
		before += voucherText(v) + "\n"
	}
	if err := b.UnclosePeriod(ctx, u, "2025-01", "复核"); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Vouchers(ctx, u, "2025-01"); len(got) != 1 {
		t.Errorf("after un-close %d vouchers, want the manual one", len(got))
	}
	if _, err := b.ClosePeriod(ctx, u, "2025-01", CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	vs2, _ := b.Vouchers(ctx, u, "2025-01")
	after := ""
	for _, v := range vs2 {
		after += voucherText(v) + "\n"
	}
	if after != before {
		t.Errorf("close → un-close → close changed the vouchers:\n%s\n%s", before, after)
	}
	rep, err = b.Verify(ctx, true)
	if err != nil || !rep.OK() {
		t.Fatalf("verify after close, un-close, close: %v %v", err, rep.Failure)
	}
}

// TestLedgersAfterTheClose: 1002's detail ledger of DOMAIN.md §8's month runs from
// 200,000.00 to 197,267.50 (§8.4) with the month's totals; the general ledger agrees.
func TestLedgersAfterTheClose(t *testing.T) {
	b, u, _ := closedMonth(t)
	ctx := t.Context()
	rows, err := b.DetailLedger(ctx, u, "1002", "", "2025-01", "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Balance != 20000000 {
		t.Errorf("opening %s", rows[0].Balance)
	}
	total := rows[len(rows)-2]
	if total.Kind != "total" || total.Debit != 1600000 || total.Credit != 1873250 || total.Balance != 19726750 {
		t.Errorf("month total %+v", total)
	}
	gl, err := b.GeneralLedger(ctx, u, "1002", "2025-01", "2025-02")
	if err != nil {
		t.Fatal(err)
	}
	if len(gl) != 2 || gl[0].Closing != 19726750 || gl[1].Opening != 19726750 || gl[1].Debit != 0 {
		t.Errorf("general ledger %+v", gl)
	}
	c1, err := b.DetailLedger(ctx, u, "1122", "C1", "2025-01", "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	if last := c1[len(c1)-1]; last.Balance != 306240 {
		t.Errorf("1122 C1 ends at %s", last.Balance)
	}
}

// TestCloseAfterPreview: a preview changes nothing; a close confirming it is refused
// when the book changed since, and goes through when it did not.
func TestCloseAfterPreview(t *testing.T) {
	g := loadGoldenMonth(t)
	b, u := monthBook(t, g)
	ctx := t.Context()
	enterMonth(t, b, u, g)
	before := dumpBook(t, b)
	pre, err := b.PreviewClose(ctx, u, "2025-01", CloseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pre.Closed || len(pre.Vouchers) != 16 || pre.Profit != 87287 {
		t.Errorf("preview: closed %v, %d vouchers, profit %s (no depreciation yet: 872.87)", pre.Closed, len(pre.Vouchers), pre.Profit)
	}
	if dumpBook(t, b) != before {
		t.Fatal("the preview changed the book")
	}
	if _, err := b.SaveVoucher(ctx, u, Voucher{Date: "2025-01-31", Summary: "计提折旧", Lines: []VoucherLine{
		{Account: "560207", Side: "D", Amount: 50000}, {Account: "1602", Side: "C", Amount: 50000}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ClosePeriod(ctx, u, "2025-01", CloseOptions{Counter: pre.Counter}); CodeOf(err) != CodeCloseStale {
		t.Fatalf("close after a change since the preview: %v", err)
	}
	if err := b.AuditVoucher(ctx, u, "2025-01/记-0001", true); err != nil {
		t.Fatal(err)
	}
	pre, err = b.PreviewClose(ctx, u, "2025-01", CloseOptions{})
	if err != nil || pre.Profit != 37287 {
		t.Fatalf("second preview: %v %s", err, pre.Profit)
	}
	res, err := b.ClosePeriod(ctx, u, "2025-01", CloseOptions{Counter: pre.Counter})
	if err != nil || !res.Closed || res.Profit != 37287 {
		t.Fatalf("close confirming the preview: %v %+v", err, res.Profit)
	}
	// A blocked close names its findings and changes nothing.
	if _, err := b.SaveDoc(ctx, u, Doc{Type: DocDelivery, Date: "2025-02-03", Partner: "C1", Warehouse: "W1",
		Lines: []DocLine{{Item: "A", Qty: Units(1), Price: 1_000_000, UseItemVAT: true}}}); err != nil {
		t.Fatal(err)
	}
	before = dumpBook(t, b)
	res, err = b.ClosePeriod(ctx, u, "2025-02", CloseOptions{})
	if CodeOf(err) != CodeCloseBlocked || len(res.Findings) == 0 || res.Findings[0].Check != "B3" || res.Findings[0].Refs[0] != "XS-202502-0001" {
		t.Fatalf("blocked close: %v %+v", err, res.Findings)
	}
	if dumpBook(t, b) != before {
		t.Fatal("a blocked close changed the book")
	}
	if _, err := b.ClosePeriod(ctx, u, "2025-03", CloseOptions{}); CodeOf(err) != CodeCloseOrder {
		t.Errorf("closing out of order: %v", err)
	}
}

// TestVerifyFindsVoucherTampering: a manual voucher's line changed with SQL (delete and
// insert: lines are never updated) is found; so is a generated voucher of a closed
// period changed with its guards dropped.
func TestVerifyFindsVoucherTampering(t *testing.T) {
	b, u, _ := closedMonth(t)
	ctx := t.Context()
	v, err := b.SaveVoucher(ctx, u, Voucher{Date: "2025-02-28", Summary: "计提折旧", Lines: []VoucherLine{
		{Account: "560207", Side: "D", Amount: 50000}, {Account: "1602", Side: "C", Amount: 50000}}})
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, b.Path())
	rawExec(t, db, fmt.Sprintf(`UPDATE vouchers SET summary = '改过' WHERE id = %d`, v.ID))
	rep, err := b.Verify(ctx, false)
	if err != nil || rep.OK() || rep.Failure.Code != CodeVerifyChanged || rep.Failure.Args["what"] != "voucher" {
		t.Fatalf("a manual voucher changed by SQL: %v %v", err, rep.Failure)
	}
	rawExec(t, db, fmt.Sprintf(`UPDATE vouchers SET summary = '计提折旧' WHERE id = %d`, v.ID))
	if rep, _ := b.Verify(ctx, false); !rep.OK() {
		t.Fatalf("put back: %v", rep.Failure)
	}
	rawExec(t, db, "DROP TRIGGER voucher_lines_no_update", "DROP TRIGGER voucher_lines_closed_del",
		"UPDATE voucher_lines SET summary = 'x' WHERE period = '2025-01' AND line_no = 1 AND voucher_id = (SELECT id FROM vouchers WHERE period = '2025-01' AND no = 5)")
	rep, err = b.Verify(ctx, false)
	if err != nil || rep.OK() {
		t.Fatalf("a generated voucher changed by SQL: %v %v", err, rep.Failure)
	}
}

// TestStockSummaryGolden is DOMAIN.md §8.5, before and after the close, and the month
// after opens where January closed.
func TestStockSummaryGolden(t *testing.T) {
	b, u, _ := closedMonth(t)
	ctx := t.Context()
	want := map[string][8]int64{ // open q, open a, in q, in a, out q, out a, close q, close a
		"A": {300, 600000, 180, 387000, 242, 497965, 238, 489035},
		"B": {1000, 500000, 600, 329204, 500, 259126, 1100, 570078},
	}
	check := func(p Period, w map[string][8]int64) {
		t.Helper()
		rows, err := b.StockSummary(ctx, u, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(w) {
			t.Fatalf("%s: %d rows", p, len(rows))
		}
		for _, r := range rows {
			x := w[r.Item]
			got := [8]int64{int64(r.OpenQty / 10000), int64(r.OpenAmount), int64(r.InQty / 10000), int64(r.InAmount), int64(r.OutQty / 10000),
				int64(r.OutAmount), int64(r.CloseQty / 10000), int64(r.CloseAmount)}
			if got != x {
				t.Errorf("%s %s: %v, want %v", p, r.Item, got, x)
			}
		}
	}
	check("2025-01", want)
	check("2025-02", map[string][8]int64{"A": {238, 489035, 0, 0, 0, 0, 238, 489035}, "B": {1100, 570078, 0, 0, 0, 0, 1100, 570078}})
}

// TestCloseReportsCostingWarnings: a delivery with nothing known of its cost (negative
// stock allowed, no reference cost) is costed at 0 and the close reports W2 naming the
// item, without blocking.
func TestCloseReportsCostingWarnings(t *testing.T) {
	b, u := openTestBook(t)
	ctx := t.Context()
	s, _ := b.Settings(ctx)
	s.AllowNegative = true
	if err := b.UpdateSettings(ctx, u, s); err != nil {
		t.Fatal(err)
	}
	b.AddWarehouse(ctx, u, Warehouse{Code: "W1", Name: "仓"})
	b.AddPartner(ctx, u, Partner{Code: "C1", Name: "客", Customer: true})
	b.AddPartner(ctx, u, Partner{Code: "S1", Name: "供", Supplier: true})
	if _, err := b.AddItem(ctx, u, Item{Code: "Z", Name: "新品", Unit: "个", VAT: 1300}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveAndAuditDoc(ctx, u, Doc{Type: DocDelivery, Date: "2025-01-05", Partner: "C1", Warehouse: "W1",
		Lines: []DocLine{{Item: "Z", Qty: Units(1), Price: 10_000_000, UseItemVAT: true}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveAndAuditDoc(ctx, u, Doc{Type: DocReceipt, Date: "2025-01-10", Partner: "S1", Warehouse: "W1", Deductible: true,
		Lines: []DocLine{{Item: "Z", Qty: Units(5), Price: 6_000_000, UseItemVAT: true}}}); err != nil {
		t.Fatal(err)
	}
	res, err := b.ClosePeriod(ctx, u, "2025-01", CloseOptions{})
	if err != nil {
		t.Fatalf("close: %v %+v", err, res.Findings)
	}
	found := false
	for _, f := range res.Findings {
		found = found || f.Check == "W2" && !f.Block && len(f.Refs) > 0 && strings.HasPrefix(f.Refs[0], "Z: c_last_zero")
	}
	if !found {
		t.Errorf("findings %+v: want W2 naming Z", res.Findings)
	}
	if rep, err := b.Verify(ctx, true); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Failure)
	}
}

// TestCloseSummariesDeferredOnlyInside: the close and un-close put the voucher lines'
// summary trigger aside only inside their own transaction: afterwards a manual voucher
// reaches account_periods line by line again, and verify finds every summary equal to
// its lines.
func TestCloseSummariesDeferredOnlyInside(t *testing.T) {
	b, u, _ := closedMonth(t)
	ctx := t.Context()
	deferred := func(when string) {
		t.Helper()
		var n int
		if err := rawDB(t, b.Path()).QueryRow("SELECT count(*) FROM summary_deferred").Scan(&n); err != nil || n != 0 {
			t.Fatalf("%s: %d rows in summary_deferred (%v)", when, n, err)
		}
		if _, err := b.SaveVoucher(ctx, u, Voucher{Date: "2025-02-28", Summary: "计提折旧", Lines: []VoucherLine{
			{Account: "560207", Side: "D", Amount: 50000}, {Account: "1602", Side: "C", Amount: 50000}}}); err != nil {
			t.Fatal(err)
		}
		if rep, err := b.Verify(ctx, true); err != nil || !rep.OK() {
			t.Fatalf("%s, then a manual voucher: %v %v", when, err, rep.Failure)
		}
	}
	deferred("after the close")
	if err := b.UnclosePeriod(ctx, u, "2025-01", "复核"); err != nil {
		t.Fatal(err)
	}
	deferred("after the un-close")
}
