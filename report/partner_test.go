package report

import (
	"testing"

	"shopbooks/ledger"
)

// TestManualPartnerVouchers: a manual voucher on a partner account counts for its
// partner everywhere: C2, whose receivable the golden month settles to zero, is credited
// 100.00 (an overpayment: an advance, balance sheet line 34 by partner), C1 is debited
// 50.00 (line 4); the aging's open receivables are B⁺(1122), and the partner balances,
// the aging and the balance sheet agree, previewed and closed.
func TestManualPartnerVouchers(t *testing.T) {
	ctx := t.Context()
	g := loadGolden(t)
	b, u := monthBook(t, g)
	for _, l := range [][2]ledger.VoucherLine{
		{{Account: "1001", Side: "D", Amount: 10000}, {Account: "1122", Partner: "C2", Side: "C", Amount: 10000}},
		{{Account: "1122", Partner: "C1", Side: "D", Amount: 5000}, {Account: "1001", Side: "C", Amount: 5000}},
	} {
		if _, err := b.SaveAndAuditVoucher(ctx, u, ledger.Voucher{Date: "2025-01-29", Summary: "往来调整", Lines: l[:]}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		t.Helper()
		bs, err := BalanceSheet(ctx, b, u, "2025-01")
		if err != nil {
			t.Fatal(err)
		}
		checkOK(t, bs)
		for no, want := range map[int]ledger.Money{4: 306240 + 5000, 34: 75680 + 10000, 30: 25806103 + 10000} {
			if l, _ := bs.Line(no); bs.Col(l, "end") != want {
				t.Errorf("%s: balance sheet line %d = %s, want %s", when, no, bs.Col(l, "end"), want)
			}
		}
		ag, err := Aging(ctx, b, u, "2025-01")
		if err != nil {
			t.Fatal(err)
		}
		checkOK(t, ag)
		if len(ag.Checks) != 2 {
			t.Errorf("%s: the aging's checks %+v", when, ag.Checks)
		}
		open := map[string]ledger.Money{}
		for _, l := range ag.Lines {
			open[l.Code] = ag.Col(l, "open")
		}
		if open["1122"] != 311240 || open["C1"] != 311240 || open["C2"] != 0 {
			t.Errorf("%s: open receivables %v", when, open)
		}
		for _, code := range []string{"C1", "C2"} {
			pb, err := b.PartnerBalanceOf(ctx, u, code)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]ledger.Money{"C1": 311240, "C2": -10000}[code]; pb.Receivable != want {
				t.Errorf("%s: %s's receivable %s, want %s", when, code, pb.Receivable, want)
			}
		}
	}
	check("previewed")
	if _, err := b.ClosePeriod(ctx, u, "2025-01", ledger.CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	check("closed")
}
