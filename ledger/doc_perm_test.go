package ledger

import (
	"fmt"
	"testing"
)

// TestDocPermissions is DOMAIN.md §9's table for documents and stock, through the
// services: each role × action, on a draft made by the admin ("others'") or by the user
// ("own").
func TestDocPermissions(t *testing.T) {
	b, admin := shopWithStock(t)
	ctx := t.Context()
	users := map[Role]*User{RoleAdmin: admin}
	for _, r := range []Role{RoleAccountant, RoleClerk, RoleViewer} {
		users[r] = addUserAs(t, b, admin, "u-"+string(r), r)
	}
	n := 0
	newDraft := func(by *User) Doc {
		n++
		d, err := b.SaveDoc(ctx, admin, delivery(Date(fmt.Sprintf("2025-01-%02d", 1+n%28)), 1))
		if by != admin {
			d, err = b.SaveDoc(ctx, by, delivery(Date(fmt.Sprintf("2025-01-%02d", 1+n%28)), 1))
		}
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	audited := func() Doc {
		d, err := b.SaveAndAuditDoc(ctx, admin, delivery("2025-01-20", 1))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	type action struct {
		name string
		do   func(u *User) error
		ok   map[Role]bool
	}
	all := map[Role]bool{RoleAdmin: true, RoleAccountant: true, RoleClerk: true, RoleViewer: true}
	staff := map[Role]bool{RoleAdmin: true, RoleAccountant: true, RoleClerk: true}
	office := map[Role]bool{RoleAdmin: true, RoleAccountant: true}
	for _, a := range []action{
		{"create a draft", func(u *User) error { _, err := b.SaveDoc(ctx, u, delivery("2025-01-10", 1)); return err }, staff},
		{"edit others' draft", func(u *User) error {
			d := newDraft(admin)
			d.Memo = "edited"
			_, err := b.SaveDoc(ctx, u, d)
			return err
		}, office},
		{"void own draft", func(u *User) error {
			if !u.Can(PermDraft) {
				return b.VoidDoc(ctx, u, newDraft(admin).Number)
			}
			return b.VoidDoc(ctx, u, newDraft(u).Number)
		}, staff},
		{"void others' draft", func(u *User) error { return b.VoidDoc(ctx, u, newDraft(admin).Number) }, office},
		{"audit", func(u *User) error { return b.AuditDoc(ctx, u, newDraft(admin).Number) }, staff},
		{"un-audit", func(u *User) error { return b.UnauditDoc(ctx, u, audited().Number) }, office},
		{"list documents", func(u *User) error { _, err := b.Docs(ctx, u, DocFilter{}); return err }, all},
		{"see stock", func(u *User) error { _, err := b.StockOnHand(ctx, u, OnHandFilter{}); return err }, all},
		{"see the stock ledger", func(u *User) error { _, err := b.StockLedger(ctx, u, "A", ""); return err }, all},
		{"see partner balances", func(u *User) error { _, err := b.PartnerBalances(ctx, u, false); return err },
			map[Role]bool{RoleAdmin: true, RoleAccountant: true, RoleViewer: true}},
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
	// A clerk granted view_cost sees partner balances.
	if err := b.SetGrants(ctx, admin, "u-clerk", false, true); err != nil {
		t.Fatal(err)
	}
	clerk, _ := b.Login(ctx, "u-clerk", "")
	if _, err := b.PartnerBalances(ctx, clerk, false); err != nil {
		t.Errorf("clerk with view_cost: %v", err)
	}
}
