package ledger

import (
	"strings"
	"testing"
)

// DOMAIN.md §1.4: receivables moved to a sub-account 112201 before the first close. A
// sale on credit and a receipt post there, the close balances, the receivable by partner
// still reads 1122 with its sub-accounts, verify passes; once the period is closed the
// role no longer moves, neither by the service nor by the shell.
func TestAccountRoleRemapReceivable(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	balanceOpenings(t, b, u)
	if _, err := b.AddAccount(ctx, u, "112201", "应收账款—门店", ""); err != nil {
		t.Fatal(err)
	}
	if got := roleOf(t, b, u, ReceivableRole); got != "112201" {
		t.Fatalf("after adding 112201 the receivable role is %s: a role follows its account's first sub-account", got)
	}
	if _, err := b.AddAccount(ctx, u, "112202", "应收账款—批发", ""); err != nil {
		t.Fatal(err)
	}
	if got := roleOf(t, b, u, ReceivableRole); got != "112201" {
		t.Fatalf("a second sub-account moved the role to %s", got)
	}
	for _, acct := range []string{"112202", "112201"} {
		if err := b.SetAccountRole(ctx, u, ReceivableRole, acct); err != nil {
			t.Fatal(err)
		}
		if got := roleOf(t, b, u, ReceivableRole); got != acct {
			t.Fatalf("receivable → %s: role is %s", acct, got)
		}
	}
	n := auditLen(t, b)
	if err := b.SetAccountRole(ctx, u, ReceivableRole, "112201"); err != nil || auditLen(t, b) != n {
		t.Errorf("mapping a role to its own account: %v, %d records written", err, auditLen(t, b)-n)
	}
	sale, err := b.SaveAndAuditDoc(ctx, u, delivery("2025-01-10", 2)) // 2 × 20.00 + 13% = 45.20 on credit
	if err != nil {
		t.Fatal(err)
	}
	receipt, err := b.SaveAndAuditDoc(ctx, u, Doc{Type: DocCollect, Date: "2025-01-20", Partner: "C1", Account: "1001", Amount: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if receipt.Applied != 2000 {
		t.Errorf("the receipt applies %s of the customer's 45.20 receivable, want 20.00", receipt.Applied)
	}
	if _, err := b.ClosePeriod(ctx, u, "2025-01", CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	vs, err := b.Vouchers(ctx, u, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]string{}
	for _, v := range vs {
		lines[v.Doc] = voucherText(v)
		for _, l := range v.Lines {
			if l.Account == "1122" {
				t.Errorf("%s posts to 1122: %s", v.Number(), voucherText(v))
			}
		}
	}
	if !strings.Contains(lines[sale.Number], "| D 112201 45.20[C1]") {
		t.Errorf("the sale's voucher: %s", lines[sale.Number])
	}
	if !strings.Contains(lines[receipt.Number], "| C 112201 20.00[C1]") {
		t.Errorf("the receipt's voucher: %s", lines[receipt.Number])
	}
	tb, err := b.TrialBalance(ctx, u, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tb {
		if (r.Code == "1122" || r.Code == "112201") && r.ClosingDebit != 2520 {
			t.Errorf("trial balance %s closes at %s, want 25.20", r.Code, r.ClosingDebit)
		}
	}
	if pb, err := b.PartnerBalanceOf(ctx, u, "C1"); err != nil || pb.Receivable != 2520 {
		t.Errorf("C1's receivable %s (%v), want 25.20", pb.Receivable, err)
	}
	if rep, err := b.Verify(ctx, true); err != nil || !rep.OK() {
		t.Fatalf("verify after the close: %v %v", rep.Failure, err)
	}
	// Closed: the role stays.
	refusedUnchanged(t, b, "remap after the close", CodeRoleFixed, func() error {
		return b.SetAccountRole(ctx, u, ReceivableRole, "112202")
	})
	refusedUnchanged(t, b, "a sub-account under a role's account after the close", CodeRoleFixed, func() error {
		_, err := b.AddAccount(ctx, u, "112301", "预付账款—甲", "")
		return err
	})
	if rs, _ := b.AccountRoles(ctx, u); rs[0].FixedSince != "2025-01" {
		t.Errorf("roles fixed since %q, want 2025-01", rs[0].FixedSince)
	}
	if _, err := rawDB(t, b.Path()).Exec("UPDATE account_roles SET account = '112202' WHERE role = 'receivable'"); err == nil ||
		!strings.Contains(err.Error(), "period closed") {
		t.Errorf("the shell moved a role after the close: %v", err)
	}
}
