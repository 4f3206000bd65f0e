package ledger

import "testing"

// TestVoucherAndClosePermissions is DOMAIN.md §9's table for vouchers, ledgers and the
// close, through the services.
func TestVoucherAndClosePermissions(t *testing.T) {
	b, admin := shopWithStock(t)
	ctx := t.Context()
	users := map[Role]*User{RoleAdmin: admin}
	for _, r := range []Role{RoleAccountant, RoleClerk, RoleViewer} {
		users[r] = addUserAs(t, b, admin, "u-"+string(r), r)
	}
	manual := func() Voucher {
		return Voucher{Date: "2025-01-31", Summary: "计提折旧", Lines: []VoucherLine{
			{Account: "560207", Side: "D", Amount: 100}, {Account: "1602", Side: "C", Amount: 100}}}
	}
	office := map[Role]bool{RoleAdmin: true, RoleAccountant: true}
	readers := map[Role]bool{RoleAdmin: true, RoleAccountant: true, RoleViewer: true}
	for _, a := range []struct {
		name string
		do   func(u *User) error
		ok   map[Role]bool
	}{
		{"enter a voucher", func(u *User) error { _, err := b.SaveVoucher(ctx, u, manual()); return err }, office},
		{"audit a voucher", func(u *User) error {
			v, err := b.SaveVoucher(ctx, admin, manual())
			if err != nil {
				t.Fatal(err)
			}
			return b.AuditVoucher(ctx, u, v.Ref(), true)
		}, office},
		{"delete a voucher", func(u *User) error {
			v, err := b.SaveVoucher(ctx, admin, manual())
			if err != nil {
				t.Fatal(err)
			}
			return b.DeleteVoucher(ctx, u, v.Ref())
		}, office},
		{"renumber", func(u *User) error { return b.RenumberVouchers(ctx, u, "2025-01") }, office},
		{"see vouchers", func(u *User) error { _, err := b.Vouchers(ctx, u, "2025-01"); return err }, readers},
		{"see the trial balance", func(u *User) error { _, err := b.TrialBalance(ctx, u, "2025-01"); return err }, readers},
		{"check the close", func(u *User) error { _, err := b.CheckClose(ctx, u, "2025-01"); return err }, office},
		{"preview the close", func(u *User) error {
			_, err := b.PreviewClose(ctx, u, "2025-01", CloseOptions{})
			if CodeOf(err) == CodeCloseBlocked {
				return nil // allowed, and blocked by the unaudited vouchers above
			}
			return err
		}, office},
		{"un-close", func(u *User) error {
			err := b.UnclosePeriod(ctx, u, "2025-01", "test")
			if CodeOf(err) == CodeUncloseLatest {
				return nil // allowed: nothing is closed
			}
			return err
		}, map[Role]bool{RoleAdmin: true}},
	} {
		for _, r := range Roles {
			t.Run(a.name+"/"+string(r), func(t *testing.T) {
				err := a.do(users[r])
				switch {
				case a.ok[r] && err != nil:
					t.Errorf("%s may %s: %v", r, a.name, err)
				case !a.ok[r] && CodeOf(err) != CodeForbidden:
					t.Errorf("%s may not %s: err = %v", r, a.name, err)
				}
			})
		}
	}
	// An accountant granted un-close may.
	if err := b.SetGrants(ctx, admin, "u-accountant", true, false); err != nil {
		t.Fatal(err)
	}
	acc, _ := b.Login(ctx, "u-accountant", "")
	if err := b.UnclosePeriod(ctx, acc, "2025-01", "test"); CodeOf(err) != CodeUncloseLatest {
		t.Errorf("accountant with the un-close grant: %v", err)
	}
}

// TestSaveAndAuditVoucher: one transaction; refused whole under separation of duties.
func TestSaveAndAuditVoucher(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	v := Voucher{Date: "2025-01-31", Summary: "计提折旧", Lines: []VoucherLine{
		{Account: "560207", Side: "D", Amount: 100}, {Account: "1602", Side: "C", Amount: 100}}}
	got, err := b.SaveAndAuditVoucher(ctx, u, v)
	if err != nil || !got.Audited || got.No != 1 {
		t.Fatalf("%+v %v", got, err)
	}
	s, _ := b.Settings(ctx)
	s.Separation = true
	if err := b.UpdateSettings(ctx, u, s); err != nil {
		t.Fatal(err)
	}
	before := dumpBook(t, b)
	if _, err := b.SaveAndAuditVoucher(ctx, u, v); CodeOf(err) != CodeDocSeparation {
		t.Fatalf("with separation of duties: %v", err)
	}
	if dumpBook(t, b) != before {
		t.Fatal("a refused save-and-audit wrote the voucher")
	}
}
