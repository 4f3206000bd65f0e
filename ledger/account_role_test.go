package ledger

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"shopbooks/assets/i18n"
	"shopbooks/store"
)

// roleOf is the account a role maps to.
func roleOf(t *testing.T, b *Book, u *User, r AccountRole) string {
	t.Helper()
	rs, err := b.AccountRoles(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range rs {
		if x.Role == r {
			return x.Account
		}
	}
	return ""
}

// A new book maps every role of DOMAIN.md §1.4 to its default; a small-scale taxpayer's
// has no general-taxpayer VAT role, and its output VAT is 222101 (§5.3's SS column).
func TestAccountRoleDefaults(t *testing.T) {
	want := map[AccountRole]string{InventoryRole: "1405", ReceivableRole: "1122", AdvanceReceivedRole: "2203",
		PayableRole: "2202", PrepaymentRole: "1123", InputVATRole: "22210101", OutputVATRole: "22210105",
		VATPaidRole: "22210102", UnpaidVATOutRole: "22210103", InputVATOutRole: "22210107", OverpaidVATOutRole: "22210109",
		UnpaidVATRole: "222102", PendingDisposalRole: "1901", CountGainRole: "530104", CountLossRole: "571101",
		RevenueMainRole: "5001", CostMainRole: "5401", RevenueOtherRole: "5051", CostOtherRole: "5402",
		ProfitYearRole: "3103", UndistributedProfitRole: "310415", OtherInCounterRole: "530199", OtherOutCounterRole: "560199"}
	for _, tp := range []Taxpayer{TaxpayerGeneral, TaxpayerSmall} {
		b, u := openTestBookWith(t, testNewBook(tp))
		rs, err := b.AccountRoles(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		got := map[AccountRole]string{}
		for _, r := range rs {
			got[r.Role] = r.Account
			if r.Default != r.Account || r.Name == "" || r.FixedSince != "" {
				t.Errorf("%s %s: %+v", tp, r.Role, r)
			}
		}
		w := maps.Clone(want)
		if tp == TaxpayerSmall {
			for _, r := range []AccountRole{InputVATRole, VATPaidRole, UnpaidVATOutRole, InputVATOutRole, OverpaidVATOutRole, UnpaidVATRole} {
				delete(w, r)
			}
			w[OutputVATRole] = "222101"
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s roles:\n got %v\nwant %v", tp, got, w)
		}
		if !reflect.DeepEqual(RoleMap(got), DefaultRoles(tp)) {
			t.Errorf("%s: AccountRoles and DefaultRoles differ", tp)
		}
		if rs[0].Role != InventoryRole || rs[len(rs)-1].Role != OtherOutCounterRole {
			t.Errorf("%s: not in DOMAIN.md's order: %v … %v", tp, rs[0].Role, rs[len(rs)-1].Role)
		}
		if rep, err := b.Verify(t.Context(), false); err != nil || !rep.OK() {
			t.Errorf("%s: verify of a new book: %v %v", tp, rep.Failure, err)
		}
	}
}

// The migration that adds account_roles seeds a book made before it with the rows
// Create gives a new book, and verify's baseline for rows without a record (the
// migration's) is exactly the image of those rows.
func TestAccountRoleSeedMatchesMigration(t *testing.T) {
	files, err := filepath.Glob("../store/schema/*_account_roles.sql")
	if err != nil || len(files) != 1 {
		t.Fatalf("the account_roles migration: %v %v", files, err)
	}
	text, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	seed, _, _ := strings.Cut(string(text)[strings.Index(string(text), "INSERT INTO account_roles"):], ";\n")
	for _, tp := range []Taxpayer{TaxpayerGeneral, TaxpayerSmall} {
		b, _ := openTestBookWith(t, testNewBook(tp))
		ctx := t.Context()
		rows := func() map[string]string {
			var imgs, base map[string]string
			err := b.db.Read(ctx, func(tx *store.Tx) error {
				var err error
				if imgs, err = allImages(ctx, tx, entRole); err != nil {
					return err
				}
				base, err = roleBaseline(ctx, tx)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(imgs, base) {
				t.Errorf("%s: rows %v, verify's baseline %v", tp, imgs, base)
			}
			return imgs
		}
		created := rows()
		rawExec(t, rawDB(t, b.Path()), "DELETE FROM account_roles", seed)
		if migrated := rows(); !reflect.DeepEqual(migrated, created) {
			t.Errorf("%s: the migration seeds %v, Create %v", tp, migrated, created)
		}
	}
}

// Refusals: only an admin maps roles, onto an active leaf that fits the role and is no
// other role's; a role's account is neither deactivated nor deleted. Nothing changes.
func TestAccountRoleRefusals(t *testing.T) {
	b, admin := shopWithStock(t)
	ctx := t.Context()
	accountant := addUser(t, b, admin, "li", RoleAccountant)
	clerk := addUser(t, b, admin, "wang", RoleClerk)
	for _, c := range []string{"112201", "112202", "112203", "560109"} {
		if _, err := b.AddAccount(ctx, admin, c, "明细 "+c, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.SetAccountActive(ctx, admin, "112203", false); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what    string
		by      *User
		role    AccountRole
		account string
		code    Code
	}{
		{"by an accountant", accountant, ReceivableRole, "112202", CodeForbidden},
		{"by a clerk", clerk, ReceivableRole, "112202", CodeForbidden},
		{"onto a parent", admin, ReceivableRole, "1122", CodeAccountNotLeaf},
		{"a VAT role onto 222101", admin, InputVATRole, "222101", CodeAccountNotLeaf},
		{"onto an inactive leaf", admin, ReceivableRole, "112203", CodeAccountInactive},
		{"receivable onto other receivables", admin, ReceivableRole, "1221", CodeRoleOutside},
		{"receivable onto payables", admin, ReceivableRole, "2202", CodeRoleOutside},
		{"inventory elsewhere", admin, InventoryRole, "1601", CodeRoleOutside},
		{"pending disposal onto an expense", admin, PendingDisposalRole, "560199", CodeRoleOutside},
		{"main revenue onto other revenue", admin, RevenueMainRole, "5051", CodeRoleOutside},
		{"count gains onto government grants", admin, CountGainRole, "530102", CodeRoleOutside},
		{"input VAT outside 222101", admin, InputVATRole, "222103", CodeRoleOutside},
		{"other-in onto an expense", admin, OtherInCounterRole, "560199", CodeRoleNotIncome},
		{"other-in onto cash", admin, OtherInCounterRole, "1001", CodeRoleNotIncome},
		{"other-out onto an income", admin, OtherOutCounterRole, "530199", CodeRoleNotExpense},
		{"two VAT roles on one account", admin, InputVATRole, "22210105", CodeRoleTaken},
		{"an unknown role", admin, "cash", "1001", CodeBadChoice},
		{"an unknown account", admin, ReceivableRole, "1129", CodeUnknownAccount},
	} {
		refusedUnchanged(t, b, tc.what, tc.code, func() error { return b.SetAccountRole(ctx, tc.by, tc.role, tc.account) })
	}
	// What fits: a VAT role onto another leaf of 222101, a counter-account onto another
	// role's account, an expense onto a new sub-account.
	for _, ok := range []struct {
		role    AccountRole
		account string
	}{{InputVATRole, "22210104"}, {OtherOutCounterRole, "571101"}, {OtherOutCounterRole, "560109"}, {OtherInCounterRole, "5051"}} {
		if err := b.SetAccountRole(ctx, admin, ok.role, ok.account); err != nil {
			t.Errorf("%s → %s: %v", ok.role, ok.account, err)
		}
	}
	choices, err := b.AccountRoleChoices(ctx, clerk, ReceivableRole)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, a := range choices {
		codes = append(codes, a.Code)
	}
	if strings.Join(codes, " ") != "112201 112202" {
		t.Errorf("receivable may move to %v, want 112201 112202", codes)
	}
	// The chart keeps a role's account.
	refusedUnchanged(t, b, "deactivate count gains", CodeAccountHasRole, func() error { return b.SetAccountActive(ctx, admin, "530104", false) })
	refusedUnchanged(t, b, "deactivate 5301", CodeAccountHasRole, func() error { return b.SetAccountActive(ctx, admin, "5301", false) })
	refusedUnchanged(t, b, "delete a role's sub-account", CodeAccountHasRole, func() error { return b.DeleteAccount(ctx, admin, "560109") })
	if err := b.DeleteAccount(ctx, admin, "112202"); err != nil {
		t.Errorf("delete a sub-account without a role: %v", err)
	}
	// A small-scale book has no input VAT role.
	ss, ssAdmin := openTestBookWith(t, testNewBook(TaxpayerSmall))
	refusedUnchanged(t, ss, "input VAT of a small-scale book", CodeBadChoice, func() error {
		return ss.SetAccountRole(ctx, ssAdmin, InputVATRole, "222101")
	})
	if rep, err := b.Verify(ctx, false); err != nil || !rep.OK() {
		t.Errorf("verify: %v %v", rep.Failure, err)
	}
}

// The refusals read well in both languages, the role named as the user knows it.
func TestAccountRoleMessages(t *testing.T) {
	b, admin := openTestBook(t)
	ctx := t.Context()
	for _, tc := range []struct {
		err    error
		zh, en string
	}{
		{b.SetAccountRole(ctx, admin, ReceivableRole, "1221"), "科目 1221 不能用作“应收账款”", "cannot hold the role Receivables"},
		{b.SetAccountRole(ctx, admin, InputVATRole, "22210105"), "已是“销项税额”角色的科目", "already holds the role Output VAT"},
		{b.SetAccountActive(ctx, admin, "1901", false), "“待处理财产损溢”角色", "holds the role Assets pending disposal"},
	} {
		e, ok := tc.err.(*Error)
		if !ok {
			t.Fatalf("not a refusal: %v", tc.err)
		}
		zh, en := i18n.For(i18n.ZH).Error(string(e.Code), e.Args), i18n.For(i18n.EN).Error(string(e.Code), e.Args)
		if !strings.Contains(zh, tc.zh) || !strings.Contains(en, tc.en) || strings.Contains(zh+en, "{") {
			t.Errorf("%v:\n%s\n%s", e, zh, en)
		}
	}
}

// verify holds a role row the trail has no record of (seeded by the migration in a book
// made before roles) to its default, and finds one moved, or gone, in the shell.
func TestVerifyRoleBaseline(t *testing.T) {
	base := map[string]string{"receivable": `{"account":"1122","role":"receivable"}`, "payable": `{"account":"2202","role":"payable"}`}
	for _, tc := range []struct {
		name    string
		audited map[string]bool
		current map[string]string
		want    string // the role named, "" for none
		account string
	}{
		{"as seeded", nil, base, "", ""},
		{"moved later with a record", map[string]bool{"receivable": true},
			map[string]string{"receivable": `{"account":"112201","role":"receivable"}`, "payable": base["payable"]}, "", ""},
		{"moved in the shell", nil, map[string]string{"receivable": `{"account":"112201","role":"receivable"}`, "payable": base["payable"]},
			"account_role.receivable", "112201"},
		{"deleted in the shell", nil, map[string]string{"receivable": base["receivable"]}, "account_role.payable", ""},
	} {
		f := verifyRoleBaseline(base, tc.audited, tc.current)
		switch {
		case tc.want == "" && f != nil:
			t.Errorf("%s: %v", tc.name, f)
		case tc.want != "" && (f == nil || f.Code != CodeVerifyRole || f.Args["role"] != tc.want || f.Args["account"] != tc.account):
			t.Errorf("%s: %v, want %s naming %s", tc.name, f, CodeVerifyRole, tc.want)
		}
	}
}
