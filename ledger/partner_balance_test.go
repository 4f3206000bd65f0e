package ledger

import (
	"errors"
	"fmt"
	"testing"

	"shopbooks/store"
)

// partnerVoucher is an audited (or not) manual voucher moving amount between a partner's
// account (debit) and cash.
func partnerVoucher(t *testing.T, b *Book, u *User, account, partner string, amount Money, audit bool) Voucher {
	t.Helper()
	v := Voucher{Date: "2025-01-30", Summary: "代垫运费", Lines: []VoucherLine{
		{Account: account, Partner: partner, Side: "D", Amount: amount}, {Account: "1001", Side: "C", Amount: amount}}}
	var err error
	if audit {
		v, err = b.SaveAndAuditVoucher(t.Context(), u, v)
	} else {
		v, err = b.SaveVoucher(t.Context(), u, v)
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestPartnerBalancesFromTheLedger: a partner's balance is its opening balance, what the
// closed months posted for it (manual vouchers too) and the open months' audited
// documents and manual vouchers (DOMAIN.md §5.3): the partner screen, one partner's
// balance, the statement the aging reads and a receipt's applied part agree, before and
// after the close; an unaudited manual voucher counts once audited.
func TestPartnerBalancesFromTheLedger(t *testing.T) {
	ctx := t.Context()
	g := loadGoldenMonth(t)
	b, u := monthBook(t, g)
	enterMonth(t, b, u, g)
	// C1 paid 200.00 in advance before the book started: an opening on 2203 (balanced by
	// more cash), beside its 8,000.00 receivable.
	if err := b.SetOpening(ctx, u, "2203", "C1", 20000, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.SetOpening(ctx, u, "1001", "", 520000, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SaveAndAuditVoucher(ctx, u, Voucher{Date: "2025-01-31", Summary: "计提折旧", Lines: []VoucherLine{
		{Account: "560207", Side: "D", Amount: 50000}, {Account: "1602", Side: "C", Amount: 50000}}}); err != nil {
		t.Fatal(err)
	}
	paid := partnerVoucher(t, b, u, "1122", "C1", 10000, true) // freight paid for C1: C1 owes it
	later := partnerVoucher(t, b, u, "1122", "C1", 5000, false)
	want := func(when string, receivable, advance Money, rows int) {
		t.Helper()
		one, err := b.PartnerBalanceOf(ctx, u, "C1")
		if err != nil {
			t.Fatal(err)
		}
		if one.Receivable != receivable || one.AdvanceRecv != advance {
			t.Errorf("%s: C1 owes %s and paid %s in advance, want %s and %s", when, one.Receivable, one.AdvanceRecv, receivable, advance)
		}
		all, err := b.PartnerBalances(ctx, u, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, pb := range all {
			if pb.Partner == "C1" && pb != one {
				t.Errorf("%s: the partner screen's C1 %+v, the partner's own %+v", when, pb, one)
			}
		}
		st, err := b.PartnerStatement(ctx, u, "C1", "1122")
		if err != nil {
			t.Fatal(err)
		}
		if last := st[len(st)-1]; last.Balance != receivable || len(st) != rows {
			t.Errorf("%s: C1's statement ends at %s after %d rows, want %s after %d: %+v", when, last.Balance, len(st), receivable, rows, st)
		}
	}
	// opening, XS, XT, SK, the audited voucher: not the unaudited one
	want("January open", 306240+10000, 20000, 5)
	st, err := b.PartnerStatement(ctx, u, "C1", "1122")
	if err != nil {
		t.Fatal(err)
	}
	if r := st[4]; r.Number != paid.Ref() || r.Type != "" || r.Debit != 10000 || r.Date != "2025-01-30" || r.Open != 10000 {
		t.Errorf("the manual voucher in C1's statement: %+v", r)
	}
	// A receipt applies to what the ledger says C1 owes, the rest is an advance.
	sk, err := b.SaveDoc(ctx, u, Doc{Type: DocCollect, Date: "2025-01-31", Partner: "C1", Account: "1002", Amount: 400000})
	if err != nil {
		t.Fatal(err)
	}
	if sk.Applied != 316240 || sk.Advance != 83760 {
		t.Errorf("a receipt of 4,000.00 from C1: applied %s, advance %s; want 3,162.40 and 837.60", sk.Applied, sk.Advance)
	}
	if err := b.DeleteDoc(ctx, u, sk.Number); err != nil {
		t.Fatal(err)
	}
	if err := b.AuditVoucher(ctx, u, later.Ref(), true); err != nil {
		t.Fatal(err)
	}
	want("January open, both vouchers audited", 306240+15000, 20000, 6)
	res, err := b.ClosePeriod(ctx, u, "2025-01", CloseOptions{})
	if err != nil {
		t.Fatalf("close: %v", err)
	}
	want("January closed", 306240+15000, 20000, 6)
	// W4 named C1 (a receivable and an advance), and the other partners keep the golden
	// balances, now read from the vouchers.
	w4 := false
	for _, f := range res.Findings {
		w4 = w4 || f.Check == "W4" && fmt.Sprint(f.Refs) == "[C1]"
	}
	if !w4 {
		t.Errorf("W4 does not name C1: %+v", res.Findings)
	}
	all, err := b.PartnerBalances(ctx, u, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(all); got != "[{C1 明辉餐厅 true false 3212.40 200.00 0.00 0.00} {C2 阳光幼儿园 true false 0.00 756.80 0.00 0.00} "+
		"{S1 华南日化批发 false true 0.00 0.00 4373.10 0.00}]" {
		t.Errorf("partner balances after the close: %s", got)
	}
	if rep, err := b.Verify(ctx, false); err != nil || !rep.OK() {
		t.Errorf("verify: %v %v", err, rep.Failure)
	}
}

// A voucher line on a partner account (or a sub-account of one) names its partner:
// refused on save without one, so the partner balances add up to the account.
func TestVoucherLineNeedsPartner(t *testing.T) {
	b, u := shopWithStock(t)
	if _, err := b.AddAccount(t.Context(), u, "220201", "货款", ""); err != nil {
		t.Fatal(err)
	}
	for _, acct := range []string{"1122", "1123", "2203", "220201"} {
		refusedUnchanged(t, b, acct+" without a partner", CodeAuxRequired, func() error {
			_, err := b.SaveVoucher(t.Context(), u, Voucher{Date: "2025-01-31", Lines: []VoucherLine{
				{Account: "1001", Side: "D", Amount: 100}, {Account: acct, Side: "C", Amount: 100}}})
			if e, ok := errors.AsType[*Error](err); ok && (e.Args["field"] != "partner" || e.Args["line"] != 2) {
				t.Errorf("%s: %v does not point at line 2's partner", acct, err)
			}
			return err
		})
	}
}

// tamperVoucher writes an audited voucher of period p behind the app's back: a debit of
// 100.00 to account (for the partner with code partner, "" for none) against cash.
func tamperVoucher(t *testing.T, b *Book, p Period, source, account, partner string) {
	t.Helper()
	pid := "NULL"
	if partner != "" {
		pid = fmt.Sprintf("(SELECT id FROM partners WHERE code = '%s')", partner)
	}
	rawExec(t, rawDB(t, b.Path()), fmt.Sprintf(`INSERT INTO vouchers(period, no, date, source, summary, status, maker, made_at, auditor, audited_at)
			SELECT '%[1]s', ifnull(max(no), 0) + 1, '%[1]s-20', '%[2]s', '代垫', 'audited', 'admin', '2025-01-01T00:00:00Z',
				'admin', '2025-01-01T00:00:00Z' FROM vouchers WHERE period = '%[1]s'`, p, source),
		fmt.Sprintf(`INSERT INTO voucher_lines(voucher_id, line_no, period, summary, account, partner_id, side, amount)
			SELECT max(id), 1, '%s', '代垫', '%s', %s, 'D', 10000 FROM vouchers`, p, account, pid),
		fmt.Sprintf(`INSERT INTO voucher_lines(voucher_id, line_no, period, summary, account, side, amount)
			SELECT max(id), 2, '%s', '代垫', '1001', 'C', 10000 FROM vouchers`, p))
}

// TestClosePostCheckPartners: the close refuses to finish, changing nothing, when a
// partner account holds an amount without a partner (Σ_p B(x,p) ≠ B(x), DOMAIN.md §6.3),
// naming the account and the difference; and when the month's vouchers post for a
// partner something its documents and manual vouchers did not say.
func TestClosePostCheckPartners(t *testing.T) {
	setup := func(t *testing.T) (*Book, *User) {
		g := loadGoldenMonth(t)
		b, u := monthBook(t, g)
		enterMonth(t, b, u, g)
		if _, err := b.SaveAndAuditVoucher(t.Context(), u, Voucher{Date: "2025-01-31", Summary: "计提折旧", Lines: []VoucherLine{
			{Account: "560207", Side: "D", Amount: 50000}, {Account: "1602", Side: "C", Amount: 50000}}}); err != nil {
			t.Fatal(err)
		}
		return b, u
	}
	closeRefused := func(t *testing.T, b *Book, u *User, code Code, check func(e *Error) bool) {
		t.Helper()
		refusedUnchanged(t, b, "close", code, func() error {
			_, err := b.ClosePeriod(t.Context(), u, "2025-01", CloseOptions{})
			if e, ok := errors.AsType[*Error](err); ok && !check(e) {
				t.Errorf("close: %v", err)
			}
			return err
		})
	}
	t.Run("a receivable without a partner", func(t *testing.T) {
		b, u := setup(t)
		tamperVoucher(t, b, "2025-01", "manual", "1122", "")
		closeRefused(t, b, u, CodeClosePartners, func(e *Error) bool {
			return e.Args["period"] == "2025-01" && e.Args["account"] == "1122" &&
				e.Args["balance"] == "3,162.40" && e.Args["partners"] == "3,062.40" && e.Args["difference"] == "100.00"
		})
	})
	t.Run("a posting no document made", func(t *testing.T) {
		b, u := setup(t)
		tamperVoucher(t, b, "2025-01", "cogs", "2202", "S1")
		closeRefused(t, b, u, CodePostCheck, func(e *Error) bool {
			return e.Args["check"] == "partner_docs" && e.Args["detail"] == "S1 2202: 7,726.90 / 7,626.90"
		})
	})
	t.Run("a manual voucher with its partner", func(t *testing.T) {
		b, u := setup(t)
		tamperVoucher(t, b, "2025-01", "manual", "2202", "S1") // as the app writes it: closes
		if _, err := b.ClosePeriod(t.Context(), u, "2025-01", CloseOptions{}); err != nil {
			t.Errorf("close: %v", err)
		}
	})
}

// TestVerifyPartners: verify names the period end (or the opening) at which a partner
// account's partners do not add up to it, with the account and the difference: a
// voucher line of a closed month whose partner was taken off behind the app's back (its
// summary moved with it, so the summaries still add up), or an opening without its
// partner.
func TestVerifyPartners(t *testing.T) {
	partners := func(b *Book) *Error {
		t.Helper()
		var f *Error
		err := b.db.Read(t.Context(), func(tx *store.Tx) error {
			var err error
			f, err = verifyPartners(t.Context(), tx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	b, _, _ := closedMonth(t)
	if f := partners(b); f != nil {
		t.Fatalf("a sound book: %v", f)
	}
	db := rawDB(t, b.Path())
	rawExec(t, db, "DROP TRIGGER voucher_lines_no_update", "DROP TRIGGER account_periods_closed_upd", "DROP TRIGGER account_periods_closed_ins",
		`UPDATE voucher_lines SET partner_id = NULL WHERE account = '1122' AND side = 'D' AND amount = 542400 AND period = '2025-01'`,
		`UPDATE account_periods SET debit = debit - 542400 WHERE account = '1122' AND partner_id = (SELECT id FROM partners WHERE code = 'C1')
			AND period = '2025-01'`,
		`INSERT INTO account_periods(account, partner_id, item_id, period, debit, credit) VALUES ('1122', 0, 0, '2025-01', 542400, 0)`)
	f := partners(b)
	if f == nil || f.Code != CodeVerifyPartners || f.Args["period"] != "2025-01" || f.Args["account"] != "1122" ||
		f.Args["balance"] != "3,062.40" || f.Args["partners"] != "-2,361.60" || f.Args["difference"] != "5,424.00" {
		t.Errorf("a closed month's line without its partner: %v", f)
	}
	// The whole verify: the generated vouchers' lines are sealed, not imaged, and the seals
	// are checked after the ledger.
	rep, err := b.Verify(t.Context(), false)
	if err != nil || rep.Failure == nil || rep.Failure.Code != CodeVerifyPartners {
		t.Errorf("verify of the tampered book: %v %v (passed %v)", err, rep.Failure, rep.Checks)
	}
	rawExec(t, db, "DROP TRIGGER opening_balances_closed_upd", `UPDATE opening_balances SET partner_id = NULL WHERE account = '1122'`)
	if f := partners(b); f == nil || f.Code != CodeVerifyPartnersOpening || f.Args["account"] != "1122" || f.Args["difference"] != "8,000.00" {
		t.Errorf("an opening without its partner: %v", f)
	}
}
