package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"shopbooks/store"
)

const testPassword = "s3cret-店账-pw"

// The only test that hashes passwords (Argon2id costs ~100–200 ms each).
func TestLoginAndPasswords(t *testing.T) {
	ctx := t.Context()
	nb := testNewBook(TaxpayerGeneral)
	nb.Admin = "老板"
	nb.AdminPassword = testPassword
	b, admin := openTestBookWith(t, nb)
	if !admin.HasPassword || admin.Role != RoleAdmin {
		t.Errorf("admin = %+v", admin)
	}

	lastAction := func() AuditRecord {
		recs := allAudit(t, b)
		return recs[len(recs)-1]
	}
	for _, tc := range []struct {
		name, user, password string
		code                 Code
		action               string
	}{
		{"right password", "老板", testPassword, "", "user.login"},
		{"wrong password", "老板", "s3cret", CodeBadPassword, "user.login_failed"},
		{"empty password", "老板", "", CodeBadPassword, "user.login_failed"},
		{"password with a trailing space", "老板", testPassword + " ", CodeBadPassword, "user.login_failed"},
		{"unknown user", "nobody", testPassword, CodeBadPassword, "user.login_failed"},
	} {
		n := auditLen(t, b)
		u, err := b.Login(ctx, tc.user, tc.password)
		wantCode(t, tc.name, err, tc.code)
		if tc.code == "" && (u == nil || u.Name != "老板") {
			t.Errorf("%s: user = %+v", tc.name, u)
		}
		if tc.code != "" && u != nil {
			t.Errorf("%s: a refused login returned a user", tc.name)
		}
		if auditLen(t, b) != n+1 {
			t.Errorf("%s: %d audit records appended, want 1", tc.name, auditLen(t, b)-n)
		} else if r := lastAction(); r.Action != tc.action {
			t.Errorf("%s: audit action %q, want %q", tc.name, r.Action, tc.action)
		}
	}

	// Inactive users are refused, and that is recorded too.
	clerk, err := b.AddUser(ctx, admin, "小王", RoleClerk, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetUserActive(ctx, admin, clerk.Name, false); err != nil {
		t.Fatal(err)
	}
	n := auditLen(t, b)
	_, err = b.Login(ctx, "小王", "")
	wantCode(t, "inactive user", err, CodeUserInactive)
	if auditLen(t, b) != n+1 || lastAction().Action != "user.login_failed" {
		t.Error("inactive login not recorded")
	}

	// A change of password: the old one stops working.
	const newPassword = "另一个密码 2025"
	if err := b.SetPassword(ctx, admin, "老板", newPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Login(ctx, "老板", testPassword); CodeOf(err) != CodeBadPassword {
		t.Errorf("old password after change: %v", err)
	}
	if _, err := b.Login(ctx, "老板", newPassword); err != nil {
		t.Errorf("new password: %v", err)
	}

	// Never in clear: not in the file, not in the -wal, not in the trail; the stored
	// hash is Argon2id and the trail holds no hash either.
	var hash string
	err = b.db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE name = '老板'").Scan(&hash)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("stored hash %q is not Argon2id", hash)
	}
	if !checkPassword(hash, newPassword) || checkPassword(hash, testPassword) {
		t.Error("checkPassword disagrees with Login")
	}
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(b.Path() + suffix)
		if err != nil {
			continue
		}
		for _, pw := range []string{testPassword, newPassword, "s3cret"} {
			if bytes.Contains(data, []byte(pw)) {
				t.Errorf("password %q in clear in %s", pw, filepath.Base(b.Path()+suffix))
			}
		}
	}
	for _, r := range allAudit(t, b) {
		all := r.Before + r.After + r.Reason + r.EntityID
		for _, secret := range []string{testPassword, newPassword, "s3cret", "$argon2id$", hash} {
			if strings.Contains(all, secret) {
				t.Errorf("audit record %d (%s) holds %q", r.Seq, r.Action, secret)
			}
		}
	}
	checkChain(t, b)
}

func TestCheckPasswordRejectsMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=65536,t=3,p=2$c2FsdA$a2V5", "$argon2id$v=19$m=x$c2FsdA$a2V5",
		"$argon2id$v=19$m=65536,t=3,p=2$!!$a2V5", "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$"} {
		if checkPassword(h, "") || checkPassword(h, "plain") {
			t.Errorf("checkPassword accepted %q", h)
		}
	}
}

// DOMAIN.md §9: "login success and failure" each append a record — a user without a
// password logs in too.
func TestLoginWithoutPasswordIsAudited(t *testing.T) {
	b, _ := openTestBook(t)
	n := auditLen(t, b)
	if _, err := b.Login(t.Context(), "admin", ""); err != nil {
		t.Fatal(err)
	}
	if got := auditLen(t, b) - n; got != 1 {
		t.Errorf("a login without password appended %d audit records, want 1 (DOMAIN.md §9)", got)
	}
	// Users shows the last login from the trail: "never" for someone who just logged in.
	users, _ := b.Users(t.Context())
	if users[0].LastLogin.IsZero() {
		t.Error("Users: admin's last login is unknown right after a login")
	}
}

func TestLastAdmin(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	refusedUnchanged(t, b, "demote the only admin", CodeLastAdmin, func() error { return b.SetRole(ctx, admin, "admin", RoleAccountant) })
	refusedUnchanged(t, b, "deactivate the only admin", CodeLastAdmin, func() error { return b.SetUserActive(ctx, admin, "admin", false) })

	// A second admin, inactive, does not count.
	if _, err := b.AddUser(ctx, admin, "二号", RoleAdmin, ""); err != nil {
		t.Fatal(err)
	}
	if err := b.SetUserActive(ctx, admin, "二号", false); err != nil {
		t.Fatal(err)
	}
	refusedUnchanged(t, b, "demote the only active admin", CodeLastAdmin, func() error { return b.SetRole(ctx, admin, "admin", RoleViewer) })
	// Active again: now either may step down, but not both.
	if err := b.SetUserActive(ctx, admin, "二号", true); err != nil {
		t.Fatal(err)
	}
	if err := b.SetRole(ctx, admin, "二号", RoleClerk); err != nil {
		t.Errorf("demote one of two admins: %v", err)
	}
	refusedUnchanged(t, b, "demote the last admin again", CodeLastAdmin, func() error { return b.SetRole(ctx, admin, "admin", RoleClerk) })
	// Admin to admin is no demotion.
	if err := b.SetRole(ctx, admin, "admin", RoleAdmin); err != nil {
		t.Errorf("admin to admin: %v", err)
	}
}

func TestUserRefusals(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	if _, err := b.AddUser(ctx, admin, "小李", RoleClerk, ""); err != nil {
		t.Fatal(err)
	}
	refusedUnchanged(t, b, "duplicate user name", CodeCodeTaken, func() error {
		_, err := b.AddUser(ctx, admin, "小李", RoleViewer, "")
		return err
	})
	refusedUnchanged(t, b, "duplicate user name, other case", CodeCodeTaken, func() error {
		_, err := b.AddUser(ctx, admin, "ADMIN", RoleViewer, "")
		return err
	})
	refusedUnchanged(t, b, "empty user name", CodeRequired, func() error {
		_, err := b.AddUser(ctx, admin, " ", RoleViewer, "")
		return err
	})
	refusedUnchanged(t, b, "unknown role", CodeBadChoice, func() error {
		_, err := b.AddUser(ctx, admin, "x", Role("boss"), "")
		return err
	})
	refusedUnchanged(t, b, "role of an unknown user", CodeUnknownUser, func() error { return b.SetRole(ctx, admin, "ghost", RoleViewer) })
	refusedUnchanged(t, b, "bad role", CodeBadChoice, func() error { return b.SetRole(ctx, admin, "小李", "root") })

	_, _, err := b.DefaultUser(ctx)
	wantCode(t, "DefaultUser with two users", err, CodeWhichUser)
	if err := b.SetUserActive(ctx, admin, "小李", false); err != nil {
		t.Fatal(err)
	}
	name, needsPW, err := b.DefaultUser(ctx)
	if err != nil || name != "admin" || needsPW {
		t.Errorf("DefaultUser = %q, %v, %v", name, needsPW, err)
	}
	users, _ := b.Users(ctx)
	if len(users) != 2 || users[0].Name != "admin" || users[1].Active {
		t.Errorf("users = %+v", users)
	}
}

// A user's rights follow the book, not the *User a screen kept from its login: once an
// admin deactivates or demotes someone, their open session can no longer write.
func TestRevokedUserSessionCannotWrite(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	clerk := addUser(t, b, admin, "小张", RoleClerk)
	acct := addUser(t, b, admin, "会计", RoleAccountant)
	if err := b.SetUserActive(ctx, admin, "小张", false); err != nil {
		t.Fatal(err)
	}
	if err := b.SetRole(ctx, admin, "会计", RoleViewer); err != nil {
		t.Fatal(err)
	}
	before := dumpBook(t, b)
	_, err := b.AddItem(ctx, clerk, Item{Code: "X1", Name: "肥皂", Unit: "个", VAT: 1300})
	if c := CodeOf(err); c != CodeForbidden && c != CodeUserInactive {
		t.Errorf("deactivated clerk's session adds an item: err = %v, want forbidden or inactive", err)
	}
	err = b.SetOpening(ctx, acct, "1001", "", 100, 0, 0)
	if CodeOf(err) != CodeForbidden {
		t.Errorf("accountant demoted to viewer sets an opening balance: err = %v, want forbidden", err)
	}
	// A *User made up by a caller, named after nobody in the book, cannot write either.
	forged := &User{Name: "mallory", Role: RoleAdmin, Active: true}
	_, err = b.AddUser(ctx, forged, "mallory2", RoleAdmin, "")
	if CodeOf(err) != CodeForbidden && CodeOf(err) != CodeUnknownUser {
		t.Errorf("a *User that is not in the book adds an admin: err = %v", err)
	}
	if after := dumpBook(t, b); after != before {
		t.Errorf("revoked sessions changed the book:\n%s", diffLines(before, after))
	}
}

// permCase is one write of the service and how to make it succeed for a given tag.
type permCase struct {
	method  string
	allowed []Role
	setup   func(t *testing.T, b *Book, admin *User, tag string) // by admin, before the call
	call    func(ctx context.Context, b *Book, by *User, tag string) error
}

var (
	masterRoles   = []Role{RoleAdmin, RoleAccountant, RoleClerk}
	chartRoles    = []Role{RoleAdmin, RoleAccountant}
	settingsRoles = []Role{RoleAdmin}
	everyone      = []Role{RoleAdmin, RoleAccountant, RoleClerk, RoleViewer}
)

// tagN gives each role its own two digits for account codes.
var tagN = map[string]int{"nil": 10, "none": 11, "viewer": 12, "clerk": 13, "accountant": 14, "admin": 15}

func whoOf(tag string) string { who, _, _ := strings.Cut(tag, "-"); return who }

func must[T any](t *testing.T) func(T, error) {
	return func(_ T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func permCases() []permCase {
	item := func(tag string) Item {
		return Item{Code: "IT-" + tag, Name: "洗衣液 " + tag, Unit: "瓶", VAT: 1300}
	}
	return append([]permCase{
		{"AddItem", masterRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.AddItem(ctx, by, item(tag))
			return err
		}},
		{"UpdateItem", masterRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[Item](t)(b.AddItem(t.Context(), admin, item(tag)))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			it, err := b.Item(ctx, "IT-"+tag)
			if err != nil {
				return err
			}
			it.Name += " 新"
			_, err = b.UpdateItem(ctx, by, it)
			return err
		}},
		{"SetItemActive", masterRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[Item](t)(b.AddItem(t.Context(), admin, item(tag)))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetItemActive(ctx, by, "IT-"+tag, false)
		}},
		{"DeleteItem", masterRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[Item](t)(b.AddItem(t.Context(), admin, item(tag)))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.DeleteItem(ctx, by, "IT-"+tag)
		}},
		{"AddWarehouse", masterRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.AddWarehouse(ctx, by, Warehouse{Code: "W-" + tag, Name: "仓库 " + tag})
			return err
		}},
		{"UpdateWarehouse", masterRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[Warehouse](t)(b.AddWarehouse(t.Context(), admin, Warehouse{Code: "W-" + tag, Name: "仓库"}))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			w, err := b.Warehouse(ctx, "W-"+tag)
			if err != nil {
				return err
			}
			w.Name = "后仓"
			_, err = b.UpdateWarehouse(ctx, by, w)
			return err
		}},
		{"SetWarehouseActive", masterRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[Warehouse](t)(b.AddWarehouse(t.Context(), admin, Warehouse{Code: "W-" + tag, Name: "仓库"}))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetWarehouseActive(ctx, by, "W-"+tag, false)
		}},
		{"DeleteWarehouse", masterRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[Warehouse](t)(b.AddWarehouse(t.Context(), admin, Warehouse{Code: "W-" + tag, Name: "仓库"}))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.DeleteWarehouse(ctx, by, "W-"+tag)
		}},
		{"AddPartner", masterRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.AddPartner(ctx, by, Partner{Code: "P-" + tag, Name: "客户 " + tag, Customer: true})
			return err
		}},
		{"UpdatePartner", masterRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[Partner](t)(b.AddPartner(t.Context(), admin, Partner{Code: "P-" + tag, Name: "客户", Customer: true}))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			p, err := b.Partner(ctx, "P-"+tag)
			if err != nil {
				return err
			}
			p.Phone = "13800000000"
			_, err = b.UpdatePartner(ctx, by, p)
			return err
		}},
		{"SetPartnerActive", masterRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[Partner](t)(b.AddPartner(t.Context(), admin, Partner{Code: "P-" + tag, Name: "客户", Customer: true}))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetPartnerActive(ctx, by, "P-"+tag, false)
		}},
		{"DeletePartner", masterRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[Partner](t)(b.AddPartner(t.Context(), admin, Partner{Code: "P-" + tag, Name: "客户", Customer: true}))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.DeletePartner(ctx, by, "P-"+tag)
		}},
		{"AddCategory", masterRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.AddCategory(ctx, by, Category{Code: "C-" + tag, Name: "日化 " + tag})
			return err
		}},
		{"UpdateCategory", masterRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[Category](t)(b.AddCategory(t.Context(), admin, Category{Code: "C-" + tag, Name: "日化"}))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			cs, err := b.Categories(ctx)
			if err != nil {
				return err
			}
			for _, c := range cs {
				if c.Code == "C-"+tag {
					c.Name = "百货"
					_, err := b.UpdateCategory(ctx, by, c)
					return err
				}
			}
			return fmt.Errorf("category C-%s not found", tag)
		}},
		{"AddUnit", masterRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.AddUnit(ctx, by, "U"+tag[:2], "unit "+tag)
		}},
		{"AddAccount", chartRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.AddAccount(ctx, by, fmt.Sprintf("1002%02d", tagN[whoOf(tag)]), "银行 "+tag, "")
			return err
		}},
		{"RenameAccount", chartRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.RenameAccount(ctx, by, "1001", "现金 "+tag, "Cash")
		}},
		{"SetAccountActive", chartRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetAccountActive(ctx, by, "1101", whoOf(tag) == "admin") // off, then on again
		}},
		{"DeleteAccount", chartRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[Account](t)(b.AddAccount(t.Context(), admin, fmt.Sprintf("5602%02d", 50+tagN[whoOf(tag)]), "删 "+tag, ""))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.DeleteAccount(ctx, by, fmt.Sprintf("5602%02d", 50+tagN[whoOf(tag)]))
		}},
		{"SetOpening", chartRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetOpening(ctx, by, "1001", "", Money(100*tagN[whoOf(tag)]), 0, 0)
		}},
		{"SetOpeningStock", chartRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[Item](t)(b.AddItem(t.Context(), admin, item(tag)))
			must[Warehouse](t)(b.AddWarehouse(t.Context(), admin, Warehouse{Code: "W-" + tag, Name: "仓库"}))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetOpeningStock(ctx, by, "IT-"+tag, "W-"+tag, Units(10), 5000)
		}},
		{"UpdateSettings", settingsRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			s, err := b.Settings(ctx)
			if err != nil {
				return err
			}
			s.Name = "小店 " + tag
			return b.UpdateSettings(ctx, by, s)
		}},
		{"SetAccountRole", settingsRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetAccountRole(ctx, by, OtherOutCounterRole, "560299")
		}},
		{"AccountRoles", everyone, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.AccountRoles(ctx, by)
			return err
		}},
		{"AccountRoleChoices", everyone, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.AccountRoleChoices(ctx, by, ReceivableRole)
			return err
		}},
		{"AddUser", settingsRoles, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			_, err := b.AddUser(ctx, by, "new-"+tag, RoleViewer, "")
			return err
		}},
		{"SetRole", settingsRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[User](t)(b.AddUser(t.Context(), admin, "t-"+tag, RoleClerk, ""))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetRole(ctx, by, "t-"+tag, RoleViewer)
		}},
		{"SetUserActive", settingsRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[User](t)(b.AddUser(t.Context(), admin, "t-"+tag, RoleClerk, ""))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetUserActive(ctx, by, "t-"+tag, false)
		}},
		{"SetGrants", settingsRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[User](t)(b.AddUser(t.Context(), admin, "t-"+tag, RoleClerk, ""))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetGrants(ctx, by, "t-"+tag, false, true)
		}},
		{"SetPassword", settingsRoles, func(t *testing.T, b *Book, admin *User, tag string) {
			must[User](t)(b.AddUser(t.Context(), admin, "t-"+tag, RoleClerk, ""))
		}, func(ctx context.Context, b *Book, by *User, tag string) error {
			return b.SetPassword(ctx, by, "t-"+tag, "") // someone else's
		}},
		{"SetPassword (own)", everyone, nil, func(ctx context.Context, b *Book, by *User, tag string) error {
			name := "nobody"
			if by != nil {
				name = by.Name
			}
			return b.SetPassword(ctx, by, name, "")
		}},
	}, laterPermCases()...)
}

// Every method of the service against every role of DOMAIN.md §9 (and a nil user, and an
// inactive one): allowed ones succeed, the rest are refused with CodeForbidden and
// change nothing — the audit trail included.
func TestPermissions(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	permFixture(t, b, admin)
	users := map[string]*User{
		"admin":      admin,
		"accountant": addUser(t, b, admin, "accountant", RoleAccountant),
		"clerk":      addUser(t, b, admin, "clerk", RoleClerk),
		"viewer":     addUser(t, b, admin, "viewer", RoleViewer),
		"nil":        nil,
		"none":       {ID: admin.ID, Name: admin.Name, Role: RoleAdmin, Active: false}, // an inactive user may do nothing
	}
	order := []string{"nil", "none", "viewer", "clerk", "accountant", "admin"}
	for i, pc := range permCases() {
		t.Run(pc.method, func(t *testing.T) {
			for _, who := range order {
				by := users[who]
				tag := fmt.Sprintf("%s-%d", who, i)
				if pc.setup != nil {
					pc.setup(t, b, admin, tag)
				}
				allowed := by != nil && by.Active && slices.Contains(pc.allowed, by.Role)
				if !allowed {
					refusedUnchanged(t, b, pc.method+" by "+who, CodeForbidden, func() error { return pc.call(ctx, b, by, tag) })
					continue
				}
				n := auditLen(t, b)
				if err := pc.call(ctx, b, by, tag); err != nil {
					t.Errorf("%s by %s: %v", pc.method, who, err)
					continue
				}
				if readMethods[strings.Fields(pc.method)[0]] {
					if auditLen(t, b) != n {
						t.Errorf("%s by %s, a read, wrote to the audit trail", pc.method, who)
					}
					continue
				}
				if auditLen(t, b) <= n {
					t.Errorf("%s by %s wrote no audit record", pc.method, who)
				}
				if last := allAudit(t, b); last[len(last)-1].User != by.Name {
					t.Errorf("%s by %s: audit names %q", pc.method, who, last[len(last)-1].User)
				}
			}
		})
	}
	// Reading the trail: not for a clerk (DOMAIN.md §9: vouchers and ledgers are not).
	for who, want := range map[string]Code{"admin": "", "accountant": "", "viewer": "", "clerk": CodeForbidden, "nil": CodeForbidden} {
		_, err := b.AuditTrail(ctx, users[who], 1, 10)
		wantCode(t, "AuditTrail by "+who, err, want)
	}
	checkChain(t, b)
	if rep, err := b.Verify(ctx, false); err != nil || !rep.OK() {
		t.Errorf("after the permission matrix: Verify = %+v, %v", rep.Failure, err)
	}
}

// The matrix above names every write: a method of *Book that takes the acting *User.
// A new one must be added to permCases.
func TestPermissionMatrixCoversEveryWrite(t *testing.T) {
	covered := map[string]bool{}
	for _, pc := range permCases() {
		covered[strings.Fields(pc.method)[0]] = true
	}
	// Checked on their own: reading the trail (below in TestPermissions), and restoring,
	// which replaces the open book (TestRestoreAs, TestRestoreRefusals: accountant and clerk refused).
	reads := map[string]bool{"AuditTrail": true, "RestoreAs": true}
	userType := reflect.TypeFor[*User]()
	bt := reflect.TypeFor[*Book]()
	for i := range bt.NumMethod() {
		m := bt.Method(i)
		takesUser := false
		for j := 1; j < m.Type.NumIn(); j++ {
			takesUser = takesUser || m.Type.In(j) == userType
		}
		if takesUser && !covered[m.Name] && !reads[m.Name] {
			t.Errorf("(*Book).%s takes the acting user but is not in the permission matrix (user_test.go permCases)", m.Name)
		}
	}
}

func TestUserCan(t *testing.T) {
	var nilUser *User
	if nilUser.Can(PermViewDocs) {
		t.Error("nil user can view")
	}
	clerk := &User{Role: RoleClerk, Active: true}
	if clerk.Can(PermViewCost) || clerk.Can(PermChart) || !clerk.Can(PermMasterData) || !clerk.Can(PermAuditDoc) {
		t.Error("clerk's permissions")
	}
	clerk.CanViewCost = true
	if !clerk.Can(PermViewCost) {
		t.Error("clerk granted view_cost cannot view costs")
	}
	acct := &User{Role: RoleAccountant, Active: true}
	if acct.Can(PermUnclose) || acct.Can(PermSettings) || acct.Can(PermRestore) || !acct.Can(PermBackup) || !acct.Can(PermClose) {
		t.Error("accountant's permissions")
	}
	acct.CanUnclose = true
	if !acct.Can(PermUnclose) {
		t.Error("accountant granted unclose cannot unclose")
	}
	viewer := &User{Role: RoleViewer, Active: true}
	if viewer.Can(PermMasterData) || viewer.Can(PermDraft) || !viewer.Can(PermViewLedger) || !viewer.Can(PermViewCost) {
		t.Error("viewer's permissions")
	}
	admin := &User{Role: RoleAdmin, Active: false}
	if admin.Can(PermViewDocs) {
		t.Error("inactive admin can do something")
	}
	for _, s := range []string{"admin", "ADMIN", "ａｄｍｉｎ", " viewer "} {
		if _, err := ParseRole("role", s); err != nil {
			t.Errorf("ParseRole(%q): %v", s, err)
		}
	}
	_, err := ParseRole("role", "root")
	wantCode(t, "ParseRole(root)", err, CodeBadChoice)
	if errors.Is(err, &Error{Code: CodeForbidden}) {
		t.Error("Is matched the wrong code")
	}
}
