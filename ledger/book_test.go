package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"shopbooks/store"
)

func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func testNewBook(tp Taxpayer) NewBook {
	return NewBook{Settings: Settings{Name: "小店", Start: "2025-01", Costing: CostingMoving, Taxpayer: tp}}
}

// openTestBook creates a general-taxpayer book whose admin has no password (no Argon2id
// cost) and returns it with the admin logged in.
func openTestBook(t testing.TB) (*Book, *User) {
	t.Helper()
	return openTestBookWith(t, testNewBook(TaxpayerGeneral))
}

func openTestBookWith(t testing.TB, nb NewBook) (*Book, *User) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shop.book")
	b, err := Create(t.Context(), path, nb, testLog(t))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	admin := nb.Admin
	if admin == "" {
		admin = "admin"
	}
	u, err := b.Login(t.Context(), admin, nb.AdminPassword)
	if err != nil {
		t.Fatalf("Login %s: %v", admin, err)
	}
	return b, u
}

// addUser adds a user without a password and logs them in.
func addUser(t testing.TB, b *Book, admin *User, name string, role Role) *User {
	t.Helper()
	if _, err := b.AddUser(t.Context(), admin, name, role, ""); err != nil {
		t.Fatalf("AddUser %s: %v", name, err)
	}
	u, err := b.Login(t.Context(), name, "")
	if err != nil {
		t.Fatalf("Login %s: %v", name, err)
	}
	return u
}

// rawDB opens the book's file with a plain DSN, as the sqlite3 shell would: no pragmas,
// no triggers disabled, nothing of ours.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: "_pragma=busy_timeout(5000)"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func rawExec(t testing.TB, db *sql.DB, queries ...string) {
	t.Helper()
	for _, q := range queries {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// dumpBook is every row of every table, in a stable order: two dumps are equal exactly
// when nothing in the book changed.
func dumpBook(t testing.TB, b *Book) string {
	t.Helper()
	ctx := context.Background()
	var out strings.Builder
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
		if err != nil {
			return err
		}
		var tables []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			tables = append(tables, n)
		}
		rows.Close()
		for _, tbl := range tables {
			rows, err := tx.QueryContext(ctx, "SELECT * FROM "+tbl) // sorted below: some tables have no rowid
			if err != nil {
				return err
			}
			var lines []string
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				var line strings.Builder
				fmt.Fprintf(&line, "%s:", tbl)
				for _, v := range vals {
					if bs, ok := v.([]byte); ok {
						v = string(bs)
					}
					fmt.Fprintf(&line, " %v", v)
				}
				lines = append(lines, line.String())
			}
			rows.Close()
			slices.Sort(lines)
			for _, l := range lines {
				out.WriteString(l + "\n")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// auditLen is the number of audit records.
func auditLen(t testing.TB, b *Book) int {
	t.Helper()
	var n int
	err := b.db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRowContext(context.Background(), "SELECT count(*) FROM audit_log").Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// allAudit reads the whole trail.
func allAudit(t testing.TB, b *Book) []AuditRecord {
	t.Helper()
	ctx := context.Background()
	var out []AuditRecord
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = readAudit(ctx, tx, "ORDER BY seq")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// refusedUnchanged runs fn, wants a refusal with code, and checks the book (audit trail
// included) is byte for byte what it was.
func refusedUnchanged(t testing.TB, b *Book, what string, code Code, fn func() error) {
	t.Helper()
	before := dumpBook(t, b)
	err := fn()
	if e, ok := errors.AsType[*Error](err); !ok || e.Code != code {
		t.Errorf("%s: err = %v, want %s", what, err, code)
	}
	if after := dumpBook(t, b); after != before {
		t.Errorf("%s: a refused write changed the book:\n%s", what, diffLines(before, after))
	}
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for _, l := range al {
		if !slices.Contains(bl, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range bl {
		if !slices.Contains(al, l) {
			out = append(out, "+ "+l)
		}
	}
	if len(out) > 20 {
		out = append(out[:20], "…")
	}
	return strings.Join(out, "\n")
}

// checkChain recomputes every hash of the trail from the rows.
func checkChain(t testing.TB, b *Book) []AuditRecord {
	t.Helper()
	recs := allAudit(t, b)
	prev := ""
	for i, r := range recs {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d has seq %d", i+1, r.Seq)
		}
		if r.PrevHash != prev {
			t.Fatalf("record %d: prev_hash %q, want %q", r.Seq, r.PrevHash, prev)
		}
		if got := r.computeHash(); got != r.Hash {
			t.Fatalf("record %d: hash %s, recomputed %s", r.Seq, r.Hash, got)
		}
		prev = r.Hash
	}
	return recs
}

func accountsByCode(t testing.TB, b *Book) map[string]Account {
	t.Helper()
	as, err := b.Accounts(t.Context(), true)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]Account{}
	for _, a := range as {
		m[a.Code] = a
	}
	return m
}

var gtOnly = []string{"22210101", "22210102", "22210103", "22210104", "22210105", "22210107", "22210109", "222102"}

func TestCreateGeneralTaxpayer(t *testing.T) {
	b, admin := openTestBook(t)
	acc := accountsByCode(t, b)
	for _, c := range gtOnly {
		if _, ok := acc[c]; !ok {
			t.Errorf("GT book lacks %s", c)
		}
	}
	for _, c := range []string{"22210106", "22210108"} { // reserved (export)
		if _, ok := acc[c]; ok {
			t.Errorf("GT book seeds reserved %s", c)
		}
	}
	if acc["222101"].Leaf {
		t.Error("GT: 222101 is a leaf, want the parent of the 专栏")
	}
	if a := acc["1405"]; !a.Controlled || a.Aux != "item" || !a.AuxRequired || a.Category != "A" || a.Side != "D" {
		t.Errorf("1405 = %+v, want controlled, by item (required), A Dr", a)
	}
	if a := acc["1122"]; a.Aux != "customer" || !a.AuxRequired || a.Controlled {
		t.Errorf("1122 = %+v, want by customer (required)", a)
	}
	if a := acc["2202"]; a.Aux != "supplier" || !a.AuxRequired || a.Side != "C" || a.Category != "L" {
		t.Errorf("2202 = %+v, want by supplier, L Cr", a)
	}
	for code, want := range map[string]string{"1602": "C", "1702": "C", "22210101": "D", "22210105": "C", "310415": "C", "310401": "D", "5001": "C", "5401": "D"} {
		if acc[code].Side != want {
			t.Errorf("%s side = %q, want %q", code, acc[code].Side, want)
		}
	}
	for _, a := range acc {
		if !a.Seeded || !a.Active || a.Used {
			t.Errorf("%s: seeded %v active %v used %v in a new book", a.Code, a.Seeded, a.Active, a.Used)
		}
		if wantLevel := len(a.Code)/2 - 1; a.Level != wantLevel {
			t.Errorf("%s: level %d, want %d", a.Code, a.Level, wantLevel)
		}
		if a.Level > 1 && acc[a.Parent].Code == "" {
			t.Errorf("%s: parent %q not in the chart", a.Code, a.Parent)
		}
	}
	if acc["101201"].Settlement != true || acc["1001"].Settlement != true {
		t.Error("settlement flags of 1001/101201")
	}
	s, err := b.Settings(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "小店" || s.Start != "2025-01" || s.Costing != CostingMoving || s.Taxpayer != TaxpayerGeneral ||
		s.LevyRate != 300 || s.VoucherMode != "document" || !s.DisposeCounts || s.AllowNegative || s.Separation {
		t.Errorf("settings = %+v", s)
	}
	ps, _ := b.Periods(t.Context())
	if len(ps) != 1 || ps[0].Period != "2025-01" || ps[0].Closed {
		t.Errorf("periods = %+v, want 2025-01 open", ps)
	}
	if admin.Role != RoleAdmin || admin.Name != "admin" || admin.HasPassword {
		t.Errorf("admin = %+v", admin)
	}
	units, _ := b.Units(t.Context())
	if len(units) == 0 || units[0].Name != "个" {
		t.Errorf("units = %v", units)
	}
	checkChain(t, b)
	rep, err := b.Verify(t.Context(), true)
	if err != nil || !rep.OK() {
		t.Errorf("fresh book: Verify = %+v, %v", rep, err)
	}
}

func TestCreateSmallScale(t *testing.T) {
	b, _ := openTestBookWith(t, testNewBook(TaxpayerSmall))
	acc := accountsByCode(t, b)
	for _, c := range gtOnly {
		if _, ok := acc[c]; ok {
			t.Errorf("SS book seeds %s", c)
		}
	}
	if a, ok := acc["222101"]; !ok || !a.Leaf {
		t.Errorf("SS: 222101 = %+v, want a leaf", a)
	}
	for _, c := range []string{"1405", "1122", "2202", "222103", "5001", "5401", "3103", "310415"} {
		if _, ok := acc[c]; !ok {
			t.Errorf("SS book lacks %s", c)
		}
	}
	s, _ := b.Settings(t.Context())
	if s.Taxpayer != TaxpayerSmall || s.LevyRate != 300 {
		t.Errorf("settings = %+v", s)
	}
	if rep, err := b.Verify(t.Context(), false); err != nil || !rep.OK() {
		t.Errorf("Verify = %+v, %v", rep, err)
	}
}

func TestCreateRefusesBadSettings(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		edit  func(*NewBook)
		code  Code
		field string
	}{
		{"empty name", func(nb *NewBook) { nb.Name = "" }, CodeRequired, "name"},
		{"blank name", func(nb *NewBook) { nb.Name = "   " }, CodeRequired, "name"},
		{"long name", func(nb *NewBook) { nb.Name = strings.Repeat("店", 101) }, CodeTooLong, "name"},
		{"month 13", func(nb *NewBook) { nb.Start = "2025-13" }, CodeBadPeriod, "start"},
		{"no period", func(nb *NewBook) { nb.Start = "" }, CodeBadPeriod, "start"},
		{"a date", func(nb *NewBook) { nb.Start = "2025-01-01" }, CodeBadPeriod, "start"},
		{"costing", func(nb *NewBook) { nb.Costing = "lifo" }, CodeBadChoice, "costing"},
		{"taxpayer", func(nb *NewBook) { nb.Taxpayer = "" }, CodeBadChoice, "taxpayer"},
		{"taxpayer typo", func(nb *NewBook) { nb.Taxpayer = "generall" }, CodeBadChoice, "taxpayer"},
		{"levy", func(nb *NewBook) { nb.LevyRate = 500 }, CodeBadChoice, "levy"},
		{"admin name", func(nb *NewBook) { nb.Admin = "　" }, CodeRequired, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nb := testNewBook(TaxpayerGeneral)
			tc.edit(&nb)
			path := filepath.Join(dir, "shop.book")
			b, err := Create(t.Context(), path, nb, testLog(t))
			if err == nil {
				b.Close()
				os.Remove(path)
			}
			wantCode(t, tc.name, err, tc.code)
			if e, ok := errors.AsType[*Error](err); ok && e.Field() != tc.field {
				t.Errorf("field = %q, want %q", e.Field(), tc.field)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a refused Create left %d files", len(entries))
			}
		})
	}
}

// The store's refusals reach the caller as codes, and change nothing.
func TestOpenRefusals(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	book := filepath.Join(dir, "shop.book")
	b, err := Create(ctx, book, testNewBook(TaxpayerGeneral), testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	full, _ := os.ReadFile(book)

	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("进货单\n洗衣液 10 箱\n"), 0o644)
	cut := filepath.Join(dir, "cut.book")
	os.WriteFile(cut, full[:len(full)/2], 0o644)
	newer := filepath.Join(dir, "newer.book")
	os.WriteFile(newer, full, 0o644)
	db := rawDB(t, newer)
	rawExec(t, db, fmt.Sprintf("PRAGMA user_version = %d", store.Version()+1))
	db.Close()

	for _, tc := range []struct {
		path string
		code Code
	}{
		{text, CodeNotABook},
		{cut, CodeTruncated},
		{newer, CodeNewerVersion},
		{filepath.Join(dir, "missing.book"), CodeNoBook},
	} {
		before, _ := os.ReadFile(tc.path)
		b, err := Open(ctx, tc.path, testLog(t))
		if err == nil {
			b.Close()
		}
		wantCode(t, filepath.Base(tc.path), err, tc.code)
		if e, ok := errors.AsType[*Error](err); ok && e.Args["path"] == nil {
			t.Errorf("%s: refusal does not name the path: %v", tc.path, e.Args)
		}
		after, _ := os.ReadFile(tc.path)
		if !bytes.Equal(before, after) {
			t.Errorf("%s changed", tc.path)
		}
	}
	_, err = Create(ctx, book, testNewBook(TaxpayerGeneral), testLog(t))
	wantCode(t, "Create on an existing book", err, CodeExists)
	if after, _ := os.ReadFile(book); !bytes.Equal(full, after) {
		t.Error("Create over an existing book changed it")
	}
	_, err = Create(ctx, filepath.Join(dir, "nope", "shop.book"), testNewBook(TaxpayerGeneral), testLog(t))
	wantCode(t, "Create in a missing folder", err, CodeNoFolder)

	b, err = Open(ctx, book, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if s, err := b.Settings(ctx); err != nil || s.Name != "小店" {
		t.Errorf("reopened settings = %+v, %v", s, err)
	}
}

func TestUpdateSettings(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	s, _ := b.Settings(ctx)
	s.Name = "新店名"
	s.Costing = CostingFIFO
	s.AllowNegative = true
	n := auditLen(t, b)
	if err := b.UpdateSettings(ctx, admin, s); err != nil {
		t.Fatal(err)
	}
	if auditLen(t, b) != n+1 {
		t.Error("UpdateSettings did not append one audit record")
	}
	got, _ := b.Settings(ctx)
	if got.Name != "新店名" || got.Costing != CostingFIFO || !got.AllowNegative || got.Version != s.Version+1 {
		t.Errorf("settings = %+v", got)
	}
	refusedUnchanged(t, b, "stale settings", CodeStale, func() error { return b.UpdateSettings(ctx, admin, s) })
	s = got
	s.Start = "2024-01"
	refusedUnchanged(t, b, "moving the first period", CodeSettingFixed, func() error { return b.UpdateSettings(ctx, admin, s) })
	s = got
	s.Taxpayer = TaxpayerSmall
	refusedUnchanged(t, b, "changing the taxpayer type", CodeSettingFixed, func() error { return b.UpdateSettings(ctx, admin, s) })
	s = got
	s.Name = " "
	refusedUnchanged(t, b, "empty name", CodeRequired, func() error { return b.UpdateSettings(ctx, admin, s) })
	s = got
	s.CityRate = 300
	refusedUnchanged(t, b, "city rate 3%", CodeBadChoice, func() error { return b.UpdateSettings(ctx, admin, s) })
	s = got
	s.VoucherMode = "daily"
	refusedUnchanged(t, b, "voucher mode", CodeBadChoice, func() error { return b.UpdateSettings(ctx, admin, s) })
	for _, bad := range []struct {
		what string
		set  func(*Settings)
	}{
		{"no backups kept", func(s *Settings) { s.BackupKeep = 0 }},
		{"a thousand backups", func(s *Settings) { s.BackupKeep = 1000 }},
		{"negative idle lock", func(s *Settings) { s.IdleLock = -1 }},
		{"idle lock over 8 hours", func(s *Settings) { s.IdleLock = 481 }},
	} {
		s = got
		bad.set(&s)
		refusedUnchanged(t, b, bad.what, CodeOutOfRange, func() error { return b.UpdateSettings(ctx, admin, s) })
	}
}

// The settings added by migration 4 start with the behaviour books had before it (scans
// merge, 30 backups kept, no idle lock) and are saved like the others.
func TestLaterSettings(t *testing.T) {
	ctx := t.Context()
	b, admin := openTestBook(t)
	s, err := b.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !s.ScanMerge || s.BackupKeep != 30 || s.IdleLock != 0 {
		t.Errorf("defaults: scan merge %v, backups kept %d, idle lock %d", s.ScanMerge, s.BackupKeep, s.IdleLock)
	}
	s.ScanMerge, s.BackupKeep, s.IdleLock = false, 7, 15
	if err := b.UpdateSettings(ctx, admin, s); err != nil {
		t.Fatal(err)
	}
	got, _ := b.Settings(ctx)
	if got.ScanMerge || got.BackupKeep != 7 || got.IdleLock != 15 {
		t.Errorf("saved: scan merge %v, backups kept %d, idle lock %d", got.ScanMerge, got.BackupKeep, got.IdleLock)
	}
	if rep, err := b.Verify(ctx, true); err != nil || !rep.OK() {
		t.Errorf("verify after the change: %v %v", err, rep.Failure)
	}
}

// The clock the book reads is the one the transaction carries: audit times are UTC
// seconds.
func TestAuditTimes(t *testing.T) {
	b, admin := openTestBook(t)
	at := time.Date(2025, 1, 15, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	b.SetClock(func() time.Time { return at })
	if _, err := b.AddWarehouse(t.Context(), admin, Warehouse{Code: "W1", Name: "门店"}); err != nil {
		t.Fatal(err)
	}
	recs := allAudit(t, b)
	last := recs[len(recs)-1]
	if !last.At.Equal(at) || last.At.Location() != time.UTC {
		t.Errorf("audit at = %v, want %v in UTC", last.At, at)
	}
}
