package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// legitBook makes a book through the services only — many kinds of writes, some undone
// — closes it and returns its path. Built once; each test copies it.
var legitBook = sync.OnceValues(func() (string, error) {
	dir, err := runTempDir("shopbooks-verify-*")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "shop.book")
	ctx := context.Background()
	b, err := Create(ctx, path, testNewBook(TaxpayerGeneral), discardLog)
	if err != nil {
		return "", err
	}
	defer b.Close()
	admin, err := b.Login(ctx, "admin", "")
	if err != nil {
		return "", err
	}
	steps := []func() error{
		func() error { _, err := b.AddCategory(ctx, admin, Category{Code: "RH", Name: "日化"}); return err },
		func() error { return b.AddUnit(ctx, admin, "吨", "t") },
		func() error {
			_, err := b.AddItem(ctx, admin, Item{Code: "A001", Name: "洗衣液", Unit: "瓶", Category: "RH", VAT: 1300, Sell: Yuan(19, 90)})
			return err
		},
		func() error {
			_, err := b.AddItem(ctx, admin, Item{Code: "A002", Name: "肥皂", Unit: "块", VAT: 1300, Sell: Yuan(3, 50)})
			return err
		},
		func() error {
			_, err := b.AddItem(ctx, admin, Item{Code: "BIG", Name: "金条", Unit: "个", VAT: 1300, Buy: Price(1_000_000_000_000_000_000)})
			return err
		},
		func() error {
			_, err := b.AddItem(ctx, admin, Item{Code: "TMP", Name: "临时", Unit: "个", VAT: 0})
			return err
		},
		func() error { return b.DeleteItem(ctx, admin, "TMP") },
		func() error { _, err := b.AddWarehouse(ctx, admin, Warehouse{Code: "W1", Name: "门店"}); return err },
		func() error { _, err := b.AddWarehouse(ctx, admin, Warehouse{Code: "W2", Name: "仓库"}); return err },
		func() error { return b.SetWarehouseActive(ctx, admin, "W2", false) },
		func() error { return b.SetWarehouseActive(ctx, admin, "W2", true) },
		func() error {
			_, err := b.AddPartner(ctx, admin, Partner{Code: "K1", Name: "张三超市", Customer: true, TaxID: "91110000X"})
			return err
		},
		func() error {
			_, err := b.AddPartner(ctx, admin, Partner{Code: "S1", Name: "日化批发", Supplier: true})
			return err
		},
		func() error { _, err := b.AddUser(ctx, admin, "小王", RoleClerk, ""); return err },
		func() error { return b.SetGrants(ctx, admin, "小王", false, true) },
		func() error { _, err := b.AddAccount(ctx, admin, "100201", "工行基本户", "ICBC"); return err },
		func() error { _, err := b.AddAccount(ctx, admin, "100202", "农行", ""); return err },
		func() error { return b.DeleteAccount(ctx, admin, "100202") },
		func() error { return b.RenameAccount(ctx, admin, "5001", "商品销售收入", "") },
		func() error { return b.SetAccountActive(ctx, admin, "1101", false) },
		func() error { return b.SetAccountRole(ctx, admin, OtherOutCounterRole, "560299") },
		func() error { return b.SetOpening(ctx, admin, "1001", "", 200000, 0, 0) },
		func() error { return b.SetOpening(ctx, admin, "1122", "K1", 50000, 0, 0) },
		func() error { return b.SetOpening(ctx, admin, "2202", "S1", 10000, 0, 0) },
		func() error { return b.SetOpening(ctx, admin, "2202", "S1", 0, 0, 0) },
		func() error { return b.SetOpening(ctx, admin, "3001", "", 300000, 0, 0) },
		func() error { return b.SetOpeningStock(ctx, admin, "A001", "W1", Units(100), 50000) },
		func() error {
			s, err := b.Settings(ctx)
			if err != nil {
				return err
			}
			s.AllowNegative = true
			return b.UpdateSettings(ctx, admin, s)
		},
		func() error { _, err := b.Login(ctx, "小王", ""); return err },
		func() error { b.Login(ctx, "ghost", "x"); return nil }, // a failed login: recorded, no row
		func() error { // the last write edits an item
			it, err := b.Item(ctx, "A001")
			if err != nil {
				return err
			}
			it.Spec = "2kg"
			_, err = b.UpdateItem(ctx, admin, it)
			return err
		},
	}
	for i, s := range steps {
		if err := s(); err != nil {
			return "", fmt.Errorf("step %d: %w", i, err)
		}
	}
	return path, nil
})

// copyLegitBook copies the legitimately written book into the test's folder and opens it.
func copyLegitBook(t *testing.T) *Book {
	t.Helper()
	src, err := legitBook()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "shop.book")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Open(t.Context(), path, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestVerifyCleanBooks(t *testing.T) {
	b, _ := openTestBook(t)
	rep, err := b.Verify(t.Context(), true)
	if err != nil || !rep.OK() {
		t.Fatalf("fresh book: %+v, %v", rep.Failure, err)
	}
	want := []string{"verify.check.integrity", "verify.check.chain", "verify.check.rows"}
	for i, c := range want {
		if i >= len(rep.Checks) || rep.Checks[i] != c {
			t.Errorf("Checks = %v, want to start with %v", rep.Checks, want)
			break
		}
	}
	b = copyLegitBook(t)
	before := dumpBook(t, b)
	rep, err = b.Verify(t.Context(), true)
	if err != nil || !rep.OK() {
		t.Fatalf("book after legitimate writes: %+v, %v", rep.Failure, err)
	}
	if dumpBook(t, b) != before {
		t.Error("Verify changed the book")
	}
	checkChain(t, b)
}

// Rows edited behind the app's back — with a plain SQLite connection, as the sqlite3
// shell would — are found, and the failure names the entity.
func TestVerifyDetectsTampering(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sql   []string
		code  Code
		what  string // Args["what"], "" when the code has none
		id    string // Args["id"] (the code or name a person knows), "" to skip
		field string // Args["field"], "" to skip
	}{
		{"item renamed", []string{"UPDATE items SET name = '假洗衣液' WHERE code = 'A001'"}, CodeVerifyChanged, "item", "A001", "name"},
		{"item price", []string{"UPDATE items SET sell_price = sell_price + 1 WHERE code = 'A002'"}, CodeVerifyChanged, "item", "A002", "sell_price"},
		{"item deleted", []string{"DELETE FROM items WHERE code = 'A002'"}, CodeVerifyMissing, "item", "A002", ""},
		{"item inserted", []string{"INSERT INTO items(code, name, unit) VALUES ('X9', '黑货', '个')"}, CodeVerifyUnrecorded, "item", "X9", ""},
		{"user inserted", []string{"INSERT INTO users(name, role) VALUES ('mallory', 'admin')"}, CodeVerifyUnrecorded, "user", "mallory", ""},
		{"user promoted", []string{"UPDATE users SET role = 'admin' WHERE name = '小王'"}, CodeVerifyChanged, "user", "小王", "role"},
		{"password hash replaced", []string{"UPDATE users SET password_hash = '$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$a2V5a2V5a2V5' WHERE name = 'admin'"},
			CodeVerifyChanged, "user", "admin", "password_digest"},
		{"warehouse deleted", []string{"DELETE FROM warehouses WHERE code = 'W2'"}, CodeVerifyMissing, "warehouse", "W2", ""},
		{"warehouse renamed", []string{"UPDATE warehouses SET name = 'x' WHERE code = 'W1'"}, CodeVerifyChanged, "warehouse", "W1", "name"},
		{"partner tax id", []string{"UPDATE partners SET tax_id = '000' WHERE code = 'K1'"}, CodeVerifyChanged, "partner", "K1", "tax_id"},
		{"category renamed", []string{"UPDATE categories SET name = '食品' WHERE code = 'RH'"}, CodeVerifyChanged, "category", "RH", "name"},
		{"unit deleted", []string{"DELETE FROM units WHERE name = '吨'"}, CodeVerifyMissing, "unit", "吨", ""},
		{"account renamed", []string{"UPDATE accounts SET name = '现金（改）' WHERE code = '1001'"}, CodeVerifyChanged, "account", "1001", "name"},
		{"account reactivated", []string{"UPDATE accounts SET active = 1 WHERE code = '1101'"}, CodeVerifyChanged, "account", "1101", "active"},
		{"account inserted", []string{"INSERT INTO accounts(code, name, parent, level, category, side) VALUES ('100299', 'x', '1002', 2, 'A', 'D')"},
			CodeVerifyUnrecorded, "account", "100299", ""},
		{"account role moved", []string{"UPDATE account_roles SET account = '22210104' WHERE role = 'input_vat'"},
			CodeVerifyChanged, "account_role", "input_vat", "account"},
		{"remapped account role moved back", []string{"UPDATE account_roles SET account = '560199' WHERE role = 'other_out_counter'"},
			CodeVerifyChanged, "account_role", "other_out_counter", "account"},
		{"account role deleted", []string{"DELETE FROM account_roles WHERE role = 'receivable'"}, CodeVerifyMissing, "account_role", "receivable", ""},
		{"account role inserted", []string{"INSERT INTO account_roles(role, account) VALUES ('cash', '1001')"},
			CodeVerifyUnrecorded, "account_role", "cash", ""},
		{"opening balance", []string{"UPDATE opening_balances SET amount = amount + 100 WHERE account = '1001'"}, CodeVerifyChanged, "opening", "1001", "amount"},
		{"opening inserted", []string{"INSERT INTO opening_balances(account, amount) VALUES ('1002', 100)"}, CodeVerifyUnrecorded, "opening", "1002", ""},
		{"opening deleted", []string{"DELETE FROM opening_balances WHERE account = '3001'"}, CodeVerifyMissing, "opening", "3001", ""},
		{"opening stock", []string{"UPDATE opening_stock SET qty = qty * 2"}, CodeVerifyChanged, "opening_stock", "", "qty"},
		{"settings", []string{"UPDATE book SET allow_negative = 0"}, CodeVerifyChanged, "book", "", "allow_negative"},
		{"period closed by SQL", []string{"UPDATE periods SET closed = 1 WHERE period = '2025-01'"}, CodeVerifyChanged, "period", "2025-01", "closed"},
		{"audit image rewritten", []string{
			"DROP TRIGGER audit_log_no_update",
			"rewrite images of item 1 from the latest: 洗衣液 → 假货",
		}, CodeVerifyChain, "", "", ""},
		{"row and its image rewritten together", []string{
			"DROP TRIGGER audit_log_no_update",
			"UPDATE items SET name = '假货' WHERE code = 'A001'",
			"rewrite images of item 1: 洗衣液 → 假货",
		}, CodeVerifyChain, "", "", ""},
		{"audit image replaced by another's", []string{
			"DROP TRIGGER audit_log_no_update",
			`UPDATE audit_log SET img_after = (SELECT img_after FROM audit_log WHERE entity = 'item' AND entity_id = '2' AND img_after IS NOT NULL
				ORDER BY seq DESC LIMIT 1) WHERE seq = (SELECT max(seq) FROM audit_log WHERE entity = 'item' AND entity_id = '1')`,
		}, CodeVerifyChain, "", "", ""},
		{"audit user rewritten", []string{
			"DROP TRIGGER audit_log_no_update",
			"UPDATE audit_log SET user_name = '小王' WHERE seq = 5",
		}, CodeVerifyChain, "", "", ""},
		{"last audit record deleted", []string{
			"DROP TRIGGER audit_log_no_delete",
			"DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)",
		}, CodeVerifyChanged, "item", "A001", "spec"},
		{"an audit record in the middle deleted", []string{
			"DROP TRIGGER audit_log_no_delete",
			"DELETE FROM audit_log WHERE seq = 10",
		}, CodeVerifyChain, "", "", ""},
	} {
		for _, quick := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/quick=%v", tc.name, quick), func(t *testing.T) {
				b := copyLegitBook(t)
				db := rawDB(t, b.Path())
				for _, q := range tc.sql {
					if strings.HasPrefix(q, "rewrite images") {
						rewriteImages(t, db, q)
					} else {
						rawExec(t, db, q)
					}
				}
				before := dumpBook(t, b)
				rep, err := b.Verify(t.Context(), false)
				if quick {
					rep, err = b.VerifyQuick(t.Context())
				}
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if rep.Failure == nil {
					t.Fatalf("tampering not found; checks passed: %v", rep.Checks)
				}
				f := rep.Failure
				if f.Code != tc.code {
					t.Errorf("failure %v, want code %s", f, tc.code)
				}
				if tc.what != "" && f.Args["what"] != tc.what {
					t.Errorf("failure %v names %v, want %s", f, f.Args["what"], tc.what)
				}
				if tc.id != "" && fmt.Sprint(f.Args["id"]) != tc.id {
					t.Errorf("failure %v names id %v, want %s", f, f.Args["id"], tc.id)
				}
				if tc.field != "" && f.Args["field"] != tc.field {
					t.Errorf("failure %v names field %v, want %s", f, f.Args["field"], tc.field)
				}
				if tc.code == CodeVerifyChain && f.Args["seq"] == nil {
					t.Errorf("chain failure %v does not name the record", f)
				}
				if dumpBook(t, b) != before {
					t.Error("Verify changed the book")
				}
			})
		}
	}
}

// Row images are compared exactly: an integer column above 2^53 (a price of a trillion
// yuan is 10^18 ×10⁻⁶, which ParsePrice accepts) edited by one unit is still a change.
// Decoding the images into float64 (encoding/json's default) loses it.
func TestVerifyComparesLargeIntegersExactly(t *testing.T) {
	b := copyLegitBook(t)
	rawExec(t, rawDB(t, b.Path()), "UPDATE items SET buy_price = buy_price - 1 WHERE code = 'BIG'")
	rep, err := b.Verify(t.Context(), false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Failure.Code != CodeVerifyChanged || rep.Failure.Args["field"] != "buy_price" {
		t.Errorf("buy_price 1000000000000000000 → 999999999999999999 behind the app's back: Verify = %v, %v; want %s naming buy_price",
			rep.Failure, rep.Checks, CodeVerifyChanged)
	}
}

// The closed-period and append-only guards are part of the book: dropping one with the
// sqlite3 shell is tampering too, even before any row is touched.
func TestVerifyDetectsDroppedTrigger(t *testing.T) {
	for _, trig := range []string{"opening_balances_closed_upd", "opening_stock_closed_del", "audit_log_no_update", "audit_log_no_delete", "audit_log_chain", "periods_closed_del", "book_start_fixed"} {
		t.Run(trig, func(t *testing.T) {
			b := copyLegitBook(t)
			rawExec(t, rawDB(t, b.Path()), "DROP TRIGGER "+trig)
			rep, err := b.Verify(t.Context(), false)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatalf("trigger %s dropped: Verify passed (%v)", trig, rep.Checks)
			}
			if f := rep.Failure; f.Code != CodeVerifySchema || f.Args["name"] != trig || f.Args["kind"] != "trigger" {
				t.Errorf("trigger %s dropped: failure %v, want %s naming the trigger", trig, f, CodeVerifySchema)
			}
		})
	}
}

// Other schema edits: a trigger that silently rewrites, a dropped index, a column added.
func TestVerifyDetectsSchemaEdits(t *testing.T) {
	for name, q := range map[string]string{
		"trigger added": "CREATE TRIGGER sneaky AFTER INSERT ON items BEGIN UPDATE items SET sell_price = 0 WHERE id = NEW.id; END",
		"index dropped": "DROP INDEX items_barcode",
		"column added":  "ALTER TABLE items ADD COLUMN note TEXT",
		"table added":   "CREATE TABLE shadow (x)",
	} {
		t.Run(name, func(t *testing.T) {
			b := copyLegitBook(t)
			rawExec(t, rawDB(t, b.Path()), q)
			rep, err := b.Verify(t.Context(), false)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || rep.Failure.Code != CodeVerifySchema {
				t.Errorf("%s: Verify = %v, %v; want %s", q, rep.Failure, rep.Checks, CodeVerifySchema)
			}
		})
	}
}

// A damaged file: SQLite's own check finds it, or Open refuses it.
func TestVerifyDetectsDamagedPages(t *testing.T) {
	src, err := legitBook()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(src)
	const page = 4096
	for i := 2 * page; i < 6*page && i < len(data); i++ {
		data[i] = 0xA5
	}
	path := filepath.Join(t.TempDir(), "damaged.book")
	os.WriteFile(path, data, 0o644)
	b, err := Open(t.Context(), path, testLog(t))
	if err != nil {
		if c := CodeOf(err); c != CodeCorrupt && c != CodeNotABook {
			t.Errorf("Open of a damaged book: %v", err)
		}
		return
	}
	defer b.Close()
	rep, err := b.Verify(t.Context(), true)
	if err == nil && rep.OK() {
		t.Error("Verify passed a book with damaged pages")
	}
	if err == nil && rep.Failure.Code != CodeVerifyIntegrity {
		t.Errorf("failure %v, want %s", rep.Failure, CodeVerifyIntegrity)
	}
}

// The closed-period guard through the services: with the first period closed (by SQL;
// the close itself comes later), SetOpening and SetOpeningStock refuse and change
// nothing — new entries, edits and removals alike.
func TestOpeningsRefusedInClosedPeriod(t *testing.T) {
	ctx := t.Context()
	b, admin := openingBook(t, "2025-01")
	acct := addUser(t, b, admin, "会计", RoleAccountant)
	if err := b.SetOpening(ctx, admin, "1001", "", 100000, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.SetOpeningStock(ctx, admin, "A1", "W1", Units(5), 2500); err != nil {
		t.Fatal(err)
	}
	rawExec(t, rawDB(t, b.Path()), "UPDATE periods SET closed = 1 WHERE period = '2025-01'")
	for _, by := range []*User{admin, acct} {
		for name, fn := range map[string]func() error{
			"new balance":     func() error { return b.SetOpening(ctx, by, "1002", "", 500, 0, 0) },
			"edit balance":    func() error { return b.SetOpening(ctx, by, "1001", "", 1, 0, 0) },
			"remove balance":  func() error { return b.SetOpening(ctx, by, "1001", "", 0, 0, 0) },
			"partner balance": func() error { return b.SetOpening(ctx, by, "1122", "K1", 700, 0, 0) },
			"new stock":       func() error { return b.SetOpeningStock(ctx, by, "A1", "W1", Units(6), 3000) },
			"remove stock":    func() error { return b.SetOpeningStock(ctx, by, "A1", "W1", 0, 0) },
		} {
			refusedUnchanged(t, b, name+" by "+by.Name, CodePeriodClosed, fn)
		}
	}
	// A clerk is refused for lack of permission first, still changing nothing.
	clerk := addUser(t, b, admin, "小王", RoleClerk)
	refusedUnchanged(t, b, "clerk", CodeForbidden, func() error { return b.SetOpening(ctx, clerk, "1001", "", 1, 0, 0) })
	// Master data is not period-bound.
	if _, err := b.AddItem(ctx, admin, Item{Code: "A2", Name: "肥皂", Unit: "块", VAT: 1300}); err != nil {
		t.Errorf("AddItem with the first period closed: %v", err)
	}
}

var discardLog = slog.New(slog.DiscardHandler)

// Account summaries that no longer equal their voucher lines are named by account and
// period: a summary edited, a summary deleted, a line added behind the app's back.
func TestVerifyDetectsSummaryTampering(t *testing.T) {
	for _, tc := range []struct {
		name string
		sql  string
	}{
		{"summary edited", "UPDATE account_periods SET debit = debit + 1 WHERE account = '560207' AND period = '2025-01'"},
		{"summary deleted", "DELETE FROM account_periods WHERE account = '1602' AND period = '2025-01'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, u := shopWithStock(t)
			v, err := b.SaveAndAuditVoucher(t.Context(), u, Voucher{Date: "2025-01-31", Summary: "计提折旧", Lines: []VoucherLine{
				{Account: "560207", Side: "D", Amount: 100}, {Account: "1602", Side: "C", Amount: 100}}})
			if err != nil {
				t.Fatal(err)
			}
			if rep, err := b.Verify(t.Context(), false); err != nil || !rep.OK() {
				t.Fatalf("before: %v %v", err, rep.Failure)
			}
			rawExec(t, rawDB(t, b.Path()), tc.sql)
			for _, quick := range []bool{false, true} {
				rep, err := b.Verify(t.Context(), false)
				if quick {
					rep, err = b.VerifyQuick(t.Context())
				}
				if err != nil {
					t.Fatal(err)
				}
				if f := rep.Failure; f == nil || f.Code != CodeVerifySummaries || f.Args["period"] != "2025-01" {
					t.Errorf("after %s (voucher %s), quick %v: %v", tc.name, v.Ref(), quick, rep.Failure)
				}
			}
		})
	}
}

// The quick check passes on a closed month and names what a tool did to the schema or to
// the latest close's vouchers.
func TestVerifyQuickOnAClosedMonth(t *testing.T) {
	b, _, _ := closedMonth(t)
	rep, err := b.VerifyQuick(t.Context())
	if err != nil || !rep.OK() {
		t.Fatalf("closed month: %v %v", err, rep.Failure)
	}
	db := rawDB(t, b.Path())
	rawExec(t, db, "DROP TRIGGER vouchers_closed_upd",
		"UPDATE vouchers SET summary = summary || '（改）' WHERE id = (SELECT min(id) FROM vouchers)")
	rep, err = b.VerifyQuick(t.Context())
	if err != nil || rep.Failure == nil || (rep.Failure.Code != CodeVerifySeal && rep.Failure.Code != CodeVerifySchema) {
		t.Errorf("a closed voucher edited: %v %v", err, rep.Failure)
	}
}

// rewriteImages does what a forger with the sqlite3 shell and this program's source
// would: it rewrites stored images, whatever their form, so that they rebuild to the
// forged text. how is "rewrite images of <entity> <id>[ from the latest]: <old> → <new>".
func rewriteImages(t *testing.T, db *sql.DB, how string) {
	t.Helper()
	var ent, id, old, new string
	head, subst, _ := strings.Cut(strings.TrimPrefix(how, "rewrite images of "), ": ")
	f := strings.Fields(head)
	ent, id = f[0], f[1]
	old, new, _ = strings.Cut(subst, " → ")
	q := "SELECT seq, img_before, img_after FROM audit_log WHERE fmt = 1 AND entity = ? AND entity_id = ? ORDER BY seq"
	if strings.HasSuffix(head, "from the latest") {
		q += " DESC LIMIT 1"
	}
	rows, err := db.Query(q, ent, id)
	if err != nil {
		t.Fatal(err)
	}
	type rec struct {
		seq           int64
		before, after []byte
	}
	var recs []rec
	for rows.Next() {
		var r rec
		if err := rows.Scan(&r.seq, &r.before, &r.after); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	rows.Close()
	forge := func(b []byte) []byte {
		if b == nil {
			return nil
		}
		switch b[0] {
		case 'J', 'Z':
			img, err := decodeFull(b)
			if err != nil {
				t.Fatal(err)
			}
			return encodeFull(strings.ReplaceAll(img, old, new))
		case 'D':
			return []byte(strings.ReplaceAll(string(b), old, new))
		case 'E':
			d, err := inflateImage(b[1:])
			if err != nil {
				t.Fatal(err)
			}
			return append([]byte{'D'}, strings.ReplaceAll(d, old, new)...)
		}
		return b
	}
	changed := false
	for _, r := range recs {
		fb, fa := forge(r.before), forge(r.after)
		changed = changed || !bytes.Equal(fb, r.before) || !bytes.Equal(fa, r.after)
		if _, err := db.Exec("UPDATE audit_log SET img_before = ?, img_after = ? WHERE seq = ?", fb, fa, r.seq); err != nil {
			t.Fatal(err)
		}
	}
	if !changed {
		t.Fatalf("%s: no stored image holds %q", how, old)
	}
}
