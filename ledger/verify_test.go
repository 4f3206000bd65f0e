package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"shopbooks/store"
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

// tamperGuarded runs the statements with the trigger that guards them dropped, then
// puts the trigger back as it was, so that only what the statements changed differs.
func tamperGuarded(t *testing.T, db *sql.DB, trigger string, queries ...string) {
	t.Helper()
	var def string
	if err := db.QueryRow("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", trigger).Scan(&def); err != nil {
		t.Fatalf("trigger %s: %v", trigger, err)
	}
	rawExec(t, db, "DROP TRIGGER "+trigger)
	rawExec(t, db, queries...)
	rawExec(t, db, def)
}

// A period's stored quantity that no longer adds up is named with its item, warehouse,
// period and both figures: one changed, and one of a key that has no movements at all.
func TestVerifyNamesPeriodQuantities(t *testing.T) {
	for _, tc := range []struct {
		name, sql, warehouse string
		stored, computed     Qty
	}{
		{"changed", "UPDATE stock_period_qty SET qty = qty + 3 WHERE period = '2025-01'", "W1 (2025-01)", -Units(2) + 3, -Units(2)},
		{"without movements", `INSERT INTO stock_period_qty(period, item_id, warehouse_id, qty)
			SELECT '2025-02', i.id, w.id, 5 FROM items i, warehouses w WHERE i.code = 'A' AND w.code = 'W2'`, "W2 (2025-02)", 5, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, u := shopWithStock(t)
			d, err := b.SaveDoc(t.Context(), u, delivery("2025-01-10", 2))
			if err != nil {
				t.Fatal(err)
			}
			if err := b.AuditDoc(t.Context(), u, d.Number); err != nil {
				t.Fatal(err)
			}
			rawExec(t, rawDB(t, b.Path()), tc.sql)
			rep, err := b.Verify(t.Context(), true)
			if err != nil {
				t.Fatal(err)
			}
			f := rep.Failure
			if f == nil || f.Code != CodeVerifyOnHand || f.Args["item"] != "A" || f.Args["warehouse"] != tc.warehouse ||
				f.Args["stored"] != tc.stored.String() || f.Args["computed"] != tc.computed.String() {
				t.Errorf("failure %v, want %s on A at %s: stored %s, computed %s", f, CodeVerifyOnHand, tc.warehouse, tc.stored, tc.computed)
			}
		})
	}
}

// twoClosedMonths is closedMonth with February closed too, after a manual voucher.
func twoClosedMonths(t *testing.T) *Book {
	t.Helper()
	b, u, _ := closedMonth(t)
	ctx := t.Context()
	if _, err := b.SaveAndAuditVoucher(ctx, u, Voucher{Date: "2025-02-28", Summary: "计提折旧", Lines: []VoucherLine{
		{Account: "560207", Side: "D", Amount: 50000}, {Account: "1602", Side: "C", Amount: 50000}}}); err != nil {
		t.Fatal(err)
	}
	if res, err := b.ClosePeriod(ctx, u, "2025-02", CloseOptions{}); err != nil {
		t.Fatalf("close February: %v %+v", err, res.Findings)
	}
	if rep, err := b.Verify(ctx, true); err != nil || !rep.OK() {
		t.Fatalf("two closed months: %v %v", err, rep.Failure)
	}
	return b
}

// The stock at a closed period's end against 1405, and each closed period's seal: the
// earliest closed period whose figures or vouchers were changed is the one named, with
// its figures, by the full check; the quick one looks at the latest only.
func TestVerifyNamesClosedPeriods(t *testing.T) {
	costs := func(p string) string {
		return fmt.Sprintf(`UPDATE item_period_costs SET amount = amount + 7 WHERE period = '%s'
			AND item_id = (SELECT min(item_id) FROM item_period_costs WHERE period = '%[1]s')`, p)
	}
	voucher := func(p string) string {
		return fmt.Sprintf(`UPDATE vouchers SET summary = summary || '改' WHERE id =
			(SELECT min(id) FROM vouchers WHERE period = '%s' AND source <> 'manual')`, p)
	}
	for _, tc := range []struct {
		name, trigger string
		sql           []string
		code          Code
		period        string
		quick         bool // whether VerifyQuick finds it too
	}{
		{"costs of January", "item_period_costs_closed_upd", []string{costs("2025-01")}, CodeVerifyStock1405, "2025-01", false},
		{"costs of February", "item_period_costs_closed_upd", []string{costs("2025-02")}, CodeVerifyStock1405, "2025-02", true},
		{"costs of both", "item_period_costs_closed_upd", []string{costs("2025-02"), costs("2025-01")}, CodeVerifyStock1405, "2025-01", true},
		{"a voucher of January", "vouchers_closed_upd", []string{voucher("2025-01")}, CodeVerifySeal, "2025-01", false},
		{"a voucher of February", "vouchers_closed_upd", []string{voucher("2025-02")}, CodeVerifySeal, "2025-02", true},
		{"a voucher of each", "vouchers_closed_upd", []string{voucher("2025-02"), voucher("2025-01")}, CodeVerifySeal, "2025-01", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoClosedMonths(t)
			var stock, gl Money
			err := b.db.Read(t.Context(), func(tx *store.Tx) error {
				return tx.QueryRowContext(t.Context(), `SELECT (SELECT sum(amount) FROM item_period_costs WHERE period = ?1),
					(SELECT ifnull(sum(amount), 0) FROM opening_stock) +
					(SELECT ifnull(sum(debit - credit), 0) FROM account_periods WHERE account = '1405' AND period <= ?1)`,
					tc.period).Scan(&stock, &gl)
			})
			if err != nil {
				t.Fatal(err)
			}
			tamperGuarded(t, rawDB(t, b.Path()), tc.trigger, tc.sql...)
			rep, err := b.Verify(t.Context(), true)
			if err != nil {
				t.Fatal(err)
			}
			f := rep.Failure
			if f == nil || f.Code != tc.code || f.Args["period"] != tc.period {
				t.Fatalf("failure %v, want %s of %s", f, tc.code, tc.period)
			}
			if tc.code == CodeVerifyStock1405 && (f.Args["stock"] != (stock+7).Format() || f.Args["account"] != gl.Format()) {
				t.Errorf("failure %v, want stock %s against %s", f, (stock + 7).Format(), gl.Format())
			}
			quick, err := b.VerifyQuick(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if found := quick.Failure != nil && quick.Failure.Code == tc.code; found != tc.quick {
				t.Errorf("quick check: %v", quick.Failure)
			}
		})
	}
}

// Movements that no longer match their document's lines name the document: a line's
// movement moved to another line of the same item (the quantities on hand still add up),
// a movement moved to a line that does not exist, and movements of a draft.
func TestVerifyNamesMovements(t *testing.T) {
	for _, tc := range []struct {
		name string
		sql  string
		doc  int // index into the documents below
	}{
		{"moved between lines", `UPDATE stock_moves SET line_id = (SELECT max(line_id) FROM stock_moves WHERE doc_id = 1)
			WHERE line_id = (SELECT min(line_id) FROM stock_moves WHERE doc_id = 1)`, 0},
		{"moved to no line", `UPDATE stock_moves SET line_id = 999999 WHERE doc_id = 1 AND qty = -20000`, 0},
		{"on a draft", `INSERT INTO stock_moves(doc_id, line_id, item_id, warehouse_id, date, period, audit_seq, line_no, kind, qty)
			SELECT 2, l.id, l.item_id, l.warehouse_id, '2025-01-11', '2025-01', 99, 1, 2, q FROM doc_lines l, (SELECT 1 AS q UNION ALL SELECT -1)
			WHERE l.doc_id = 2`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, u := shopWithStock(t)
			ctx := t.Context()
			audited := delivery("2025-01-10", 1)
			audited.Lines = append(audited.Lines, DocLine{Item: "A", Qty: Units(2), Price: 20_000_000, UseItemVAT: true})
			var numbers []string
			for _, d := range []Doc{audited, delivery("2025-01-11", 1)} {
				saved, err := b.SaveDoc(ctx, u, d)
				if err != nil {
					t.Fatal(err)
				}
				numbers = append(numbers, saved.Number)
			}
			if err := b.AuditDoc(ctx, u, numbers[0]); err != nil {
				t.Fatal(err)
			}
			rawExec(t, rawDB(t, b.Path()), tc.sql)
			rep, err := b.Verify(ctx, true)
			if err != nil {
				t.Fatal(err)
			}
			if f := rep.Failure; f == nil || f.Code != CodeVerifyMoves || f.Args["number"] != numbers[tc.doc] {
				t.Errorf("failure %v, want %s naming %s", f, CodeVerifyMoves, numbers[tc.doc])
			}
		})
	}
}

// runChecks gives the report a run of the groups one after the other would give, however
// many run at once: the checks passed in order up to the first failure in that order,
// and a group after a failed one is not started when it has to wait for a core.
func TestRunChecksReportsInOrder(t *testing.T) {
	b, _ := openTestBook(t)
	pass := func(context.Context, *store.Tx) (*Error, error) { return nil, nil }
	fail := func(name string) func(context.Context, *store.Tx) (*Error, error) {
		return func(context.Context, *store.Tx) (*Error, error) { return refuse(CodeVerifyChain, "seq", name), nil }
	}
	var ran sync.Map
	mark := func(name string) func(context.Context, *store.Tx) (*Error, error) {
		return func(context.Context, *store.Tx) (*Error, error) { ran.Store(name, true); return nil, nil }
	}
	for _, procs := range []int{1, 2, 8} {
		t.Run(fmt.Sprint(procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			ran.Clear()
			rep, err := b.runChecks(t.Context(), VerifyReport{}, []verifyCheck{{"a", pass}, {"b", pass}},
				[]verifyCheck{{"c", pass}, {"d", fail("d")}, {"e", mark("e")}},
				[]verifyCheck{{"f", fail("f")}},
				[]verifyCheck{{"g", mark("g")}})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(rep.Checks, " "); got != "verify.check.a verify.check.b verify.check.c" ||
				rep.Failure == nil || rep.Failure.Args["seq"] != "d" {
				t.Errorf("checks %s, failure %v; want a b c, then d's", got, rep.Failure)
			}
			if _, ok := ran.Load("e"); ok {
				t.Error("a check after its group's failure ran")
			}
			if _, ok := ran.Load("g"); ok && procs == 1 {
				t.Error("a group after a failed one was started")
			}
			rep, err = b.runChecks(t.Context(), VerifyReport{}, []verifyCheck{{"a", pass}}, []verifyCheck{{"b", pass}})
			if err != nil || !rep.OK() || strings.Join(rep.Checks, " ") != "verify.check.a verify.check.b verify.check.schema" {
				t.Errorf("all passed: %v %v %v", rep.Checks, rep.Failure, err)
			}
		})
	}
}
