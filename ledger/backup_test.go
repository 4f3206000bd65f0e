package ledger

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"shopbooks/assets/i18n"
	"shopbooks/store"
)

// auditedReceipts saves and audits n receipts of item A into W1 and returns their numbers.
func auditedReceipts(t testing.TB, b *Book, u *User, n int) []string {
	t.Helper()
	var out []string
	for i := range n {
		d, err := b.SaveAndAuditDoc(t.Context(), u, Doc{Type: DocReceipt, Date: "2025-01-10", Partner: "S1", Warehouse: "W1",
			Lines: []DocLine{{Item: "A", Qty: Units(int64(i + 1)), Price: 10_000_000, UseItemVAT: true}}})
		if err != nil {
			t.Fatalf("receipt %d: %v", i, err)
		}
		out = append(out, d.Number)
	}
	return out
}

// wantAudited checks every number is an audited document of b.
func wantAudited(t testing.TB, b *Book, numbers []string) {
	t.Helper()
	for _, n := range numbers {
		d, err := b.Doc(t.Context(), n)
		if err != nil {
			t.Errorf("document %s: %v", n, err)
			continue
		}
		if d.Status != StatusAudited {
			t.Errorf("document %s: status %v, want audited", n, d.Status)
		}
	}
}

func wantVerified(t testing.TB, b *Book) {
	t.Helper()
	rep, err := b.Verify(t.Context(), true)
	if err != nil || rep.Failure != nil {
		t.Fatalf("verify: %v %v", rep.Failure, err)
	}
}

func fileSum(t testing.TB, path string) [32]byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(raw)
}

func lastAudit(t testing.TB, b *Book) AuditRecord {
	t.Helper()
	all := allAudit(t, b)
	return all[len(all)-1]
}

// TestBackupRestoreRoundTrip: back up, damage the book by truncating it, restore: every
// audited document is there and the book verifies. Encrypted and not.
func TestBackupRestoreRoundTrip(t *testing.T) {
	for _, pw := range []string{"", "店账 s3cret"} {
		t.Run(fmt.Sprintf("encrypted=%v", pw != ""), func(t *testing.T) {
			b, u := shopWithStock(t)
			ctx := t.Context()
			docs := auditedReceipts(t, b, u, 5)
			dir := t.TempDir()
			info, err := b.Backup(ctx, u, dir, pw)
			if err != nil {
				t.Fatalf("Backup: %v", err)
			}
			if !info.Verified || info.Encrypted != (pw != "") || info.Shop != "小店" || info.Size == 0 || info.Book != "shop" {
				t.Errorf("info %+v", info)
			}
			if !regexp.MustCompile(`^shop-\d{8}-\d{6}\.shopbooks-backup$`).MatchString(filepath.Base(info.Path)) {
				t.Errorf("backup named %s", filepath.Base(info.Path))
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("backup folder holds %d files, want the backup alone", len(entries))
			}
			rec := lastAudit(t, b)
			if rec.Action != "book.backup" || rec.User != "admin" || !strings.Contains(rec.Reason, filepath.Base(info.Path)) {
				t.Errorf("audit record %+v", rec)
			}
			if pw != "" && strings.Contains(rec.Reason, pw) {
				t.Error("the audit trail holds the backup password")
			}
			got, err := ReadBackupInfo(ctx, info.Path, pw)
			if err != nil || got.Shop != info.Shop || got.Encrypted != info.Encrypted || got.Size != info.Size || !got.Created.Equal(info.Created) {
				t.Errorf("ReadBackupInfo: %+v, %v", got, err)
			}

			// Damage: the book loses its second half.
			path := b.Path()
			b.Close()
			st, _ := os.Stat(path)
			if err := os.Truncate(path, st.Size()/2); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(ctx, path, testLog(t)); CodeOf(err) != CodeTruncated {
				t.Fatalf("open the damaged book: %v", err)
			}
			r, user, err := RestoreDamaged(ctx, path, info.Path, pw, func(ctx context.Context, c *Book) (*User, error) {
				return c.Login(ctx, "admin", "")
			}, testLog(t))
			if err != nil {
				t.Fatalf("RestoreDamaged: %v", err)
			}
			defer r.Book.Close()
			if user.Name != "admin" || r.Kept == "" || r.Book.Path() != path {
				t.Errorf("restored %+v as %v", r, user)
			}
			if kept, err := os.Stat(r.Kept); err != nil || kept.Size() != st.Size()/2 {
				t.Errorf("the replaced book was not kept: %v", err)
			}
			wantAudited(t, r.Book, docs)
			wantVerified(t, r.Book)
			if rec := lastAudit(t, r.Book); rec.Action != "book.restore" || rec.User != "admin" {
				t.Errorf("last record %+v, want book.restore", rec)
			}
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*"))
			if len(leftovers) > 0 {
				t.Errorf("temporary files left: %v", leftovers)
			}
		})
	}
}

// TestRestoreAs: restoring an open book brings back what the backup held and keeps
// what was written since in the replaced file.
func TestRestoreAs(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	before := auditedReceipts(t, b, u, 2)
	info, err := b.Backup(ctx, u, t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	after := auditedReceipts(t, b, u, 1)
	path := b.Path()
	r, err := b.RestoreAs(ctx, u, info.Path, "")
	if err != nil {
		t.Fatalf("RestoreAs: %v", err)
	}
	defer r.Book.Close()
	wantAudited(t, r.Book, before)
	if _, err := r.Book.Doc(ctx, after[0]); CodeOf(err) != CodeUnknownDoc {
		t.Errorf("the document written after the backup: %v, want it gone", err)
	}
	wantVerified(t, r.Book)
	old, err := Open(ctx, r.Kept, testLog(t))
	if err != nil {
		t.Fatalf("open the kept book: %v", err)
	}
	defer old.Close()
	wantAudited(t, old, after)
	if r.Book.Path() != path {
		t.Errorf("restored at %s", r.Book.Path())
	}
}

// TestRestoreRefusals: each bad backup, a wrong password and a user who may not restore
// are refused with their code; the open book is unchanged and stays usable.
func TestRestoreRefusals(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	auditedReceipts(t, b, u, 3)
	dir := t.TempDir()
	enc, err := b.Backup(ctx, u, dir, "pw")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(enc.Path)
	write := func(name string, data []byte) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flipped := slices.Clone(raw)
	flipped[len(flipped)-100] ^= 1
	newer := newerBackup(t, b)
	accountant := addUser(t, b, u, "会计", RoleAccountant)
	clerk := addUser(t, b, u, "业务员", RoleClerk)
	for _, tc := range []struct {
		name, path, pw string
		by             *User
		want           Code
	}{
		{"wrong password", enc.Path, "PW", u, CodeBackupPassword},
		{"no password", enc.Path, "", u, CodeBackupNeedsPass},
		{"truncated", write("t"+store.BackupExt, raw[:2000]), "pw", u, CodeBackupTruncated},
		{"truncated by a byte", write("t1"+store.BackupExt, raw[:len(raw)-1]), "pw", u, CodeBackupTruncated},
		{"corrupt", write("c"+store.BackupExt, flipped), "pw", u, CodeBackupCorrupt},
		{"another program's file", write("x.zip", []byte("PK\x03\x04 a zip file, not ours")), "", u, CodeNotABackup},
		{"a book, not a backup", b.Path(), "", u, CodeNotABackup},
		{"no such file", filepath.Join(dir, "none"+store.BackupExt), "", u, CodeNoBook},
		{"newer version", newer, "", u, CodeBackupNewer},
		{"accountant", enc.Path, "pw", accountant, CodeForbidden},
		{"clerk", enc.Path, "pw", clerk, CodeForbidden},
	} {
		sum := fileSum(t, b.Path())
		refusedUnchanged(t, b, tc.name, tc.want, func() error {
			r, err := b.RestoreAs(ctx, tc.by, tc.path, tc.pw)
			if r.Book != nil {
				r.Book.Close()
			}
			return err
		})
		if fileSum(t, b.Path()) != sum {
			t.Errorf("%s: the book's file changed", tc.name)
		}
	}
	if kept, _ := filepath.Glob(b.Path() + ".before-restore-*"); len(kept) > 0 {
		t.Errorf("refused restores kept %v", kept)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(b.Path()), ".*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	// ReadBackupInfo names the same refusals.
	if _, err := ReadBackupInfo(ctx, enc.Path, "PW"); CodeOf(err) != CodeBackupPassword {
		t.Errorf("ReadBackupInfo, wrong password: %v", err)
	}
	if info, err := ReadBackupInfo(ctx, enc.Path, ""); err != nil || !info.Encrypted {
		t.Errorf("ReadBackupInfo without the password: %+v %v", info, err)
	}
}

// newerBackup is a backup whose header says it holds a book of a newer schema.
func newerBackup(t *testing.T, b *Book) string {
	t.Helper()
	dir := t.TempDir()
	snap := filepath.Join(dir, "snap")
	if err := b.db.Snapshot(t.Context(), snap); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "shop-20990101-000000"+store.BackupExt)
	if _, err := store.WriteBackup(t.Context(), snap, path, nil, store.BackupHeader{Book: "shop", Shop: "小店",
		SchemaVersion: store.Version() + 1, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRestoreBookInUse: another program with the book open stops the swap; the book is
// reopened as it was.
func TestRestoreBookInUse(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	docs := auditedReceipts(t, b, u, 1)
	info, err := b.Backup(ctx, u, t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	other := rawDB(t, b.Path())
	if _, err := other.Exec("SELECT count(*) FROM items"); err != nil {
		t.Fatal(err)
	}
	refusedUnchanged(t, b, "in use", CodeBookInUse, func() error {
		_, err := b.RestoreAs(ctx, u, info.Path, "")
		return err
	})
	wantAudited(t, b, docs)
	other.Close()
}

// TestRestoreDamagedRefusesASoundBook: the way around the current book's admins is only
// for a book that cannot be used.
func TestRestoreDamagedRefusesASoundBook(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	info, err := b.Backup(ctx, u, t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	path := b.Path()
	b.Close()
	sum := fileSum(t, path)
	_, _, err = RestoreDamaged(ctx, path, info.Path, "", func(ctx context.Context, c *Book) (*User, error) {
		return c.Login(ctx, "admin", "")
	}, testLog(t))
	if CodeOf(err) != CodeBackupBookSound {
		t.Errorf("RestoreDamaged on a sound book: %v", err)
	}
	if fileSum(t, path) != sum {
		t.Error("the book changed")
	}
	// Missing: restored to a new file, nothing kept; a clerk of the backup may not.
	fresh := filepath.Join(t.TempDir(), "new.book")
	_, _, err = RestoreDamaged(ctx, fresh, info.Path, "", func(ctx context.Context, c *Book) (*User, error) {
		admin, err := c.Login(ctx, "admin", "")
		if err != nil {
			return nil, err
		}
		return &User{ID: admin.ID, Name: "admin", Role: RoleClerk, Active: true}, nil
	}, testLog(t))
	if CodeOf(err) != CodeForbidden {
		t.Errorf("a clerk restoring: %v", err)
	}
	r, _, err := RestoreDamaged(ctx, fresh, info.Path, "", func(ctx context.Context, c *Book) (*User, error) {
		return c.Login(ctx, "admin", "")
	}, testLog(t))
	if err != nil || r.Kept != "" {
		t.Fatalf("restore to a new file: %+v %v", r, err)
	}
	r.Book.Close()
}

// TestBackupPermissions: admin and accountant back up; clerk and viewer may not.
func TestBackupPermissions(t *testing.T) {
	b, admin := openTestBook(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		role Role
		ok   bool
	}{{RoleAccountant, true}, {RoleClerk, false}, {RoleViewer, false}} {
		u := addUser(t, b, admin, string(tc.role), tc.role)
		if tc.ok {
			if _, err := b.Backup(t.Context(), u, dir, ""); err != nil {
				t.Errorf("%s: %v", tc.role, err)
			}
			continue
		}
		refusedUnchanged(t, b, string(tc.role), CodeForbidden, func() error {
			_, err := b.Backup(t.Context(), u, dir, "")
			return err
		})
	}
	if _, err := b.Backup(t.Context(), admin, filepath.Join(dir, "none"), ""); CodeOf(err) != CodeNoFolder {
		t.Errorf("a missing folder: %v", err)
	}
}

// TestBackupOfADamagedBook: a book that does not verify gives no backup, loudly.
func TestBackupOfADamagedBook(t *testing.T) {
	b, u := shopWithStock(t)
	raw := rawDB(t, b.Path())
	rawExec(t, raw, "UPDATE items SET name = '改过' WHERE code = 'A'")
	dir := t.TempDir()
	_, err := b.Backup(t.Context(), u, dir, "")
	if CodeOf(err) != CodeBackupUnverified {
		t.Fatalf("Backup: %v, want %s", err, CodeBackupUnverified)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed backup left %d files", len(entries))
	}
}

// TestBackupVerifiesTheWrittenFile: a backup whose file changes after it was written —
// a payload byte flipped, or the whole file replaced by a sound backup of another state
// of the book — fails its verification: it is refused loudly and deleted, and no
// "book.backup" record claims it.
func TestBackupVerifiesTheWrittenFile(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	older, err := b.Backup(ctx, u, t.TempDir(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	auditedReceipts(t, b, u, 1)
	only := func(dir string) string {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(dir, "*"+store.BackupExt))
		if len(files) != 1 {
			t.Fatalf("%d backups in the folder at the verify step", len(files))
		}
		return files[0]
	}
	for _, tc := range []struct {
		name  string
		alter func(t *testing.T, path string)
	}{
		{"a payload byte flipped", func(t *testing.T, path string) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			raw[len(raw)-len(raw)/3] ^= 0x10
			if err := os.WriteFile(path, raw, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"replaced by an older sound backup", func(t *testing.T, path string) {
			raw, err := os.ReadFile(older.Path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, raw, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			before := lastAudit(t, b)
			_, err := b.BackupWith(ctx, u, dir, "pw", func(step string) {
				if step == BackupVerify {
					tc.alter(t, only(dir))
				}
			})
			if CodeOf(err) != CodeBackupUnverified {
				t.Fatalf("Backup: %v, want %s", err, CodeBackupUnverified)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a backup that failed its verification left %d files", len(entries))
			}
			if after := lastAudit(t, b); after.Seq != before.Seq {
				t.Errorf("a failed backup was recorded: %+v", after)
			}
		})
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(b.Path()), ".*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestSnapshotOfABook: the backup API's snapshot of a book holds every document audited
// before it (the latest still in the -wal), opens as a book without a write to it, and
// passes the full verify.
func TestSnapshotOfABook(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	docs := auditedReceipts(t, b, u, 3)
	if st, err := os.Stat(b.Path() + "-wal"); err != nil || st.Size() == 0 {
		t.Fatalf("no -wal beside the open book: %v", err)
	}
	snap := filepath.Join(t.TempDir(), "snap.book")
	if err := b.db.Snapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	before := fileSum(t, snap)
	c, err := Open(ctx, snap, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	wantAudited(t, c, docs)
	wantVerified(t, c)
	c.Close()
	if fileSum(t, snap) != before {
		t.Error("opening and verifying the snapshot wrote to it")
	}
}

// TestBackupOfASnapshotWithADamagedPage: a snapshot with a damaged page (the accounts
// table's root page made unreadable, here between the snapshot and its check) fails the
// backup's page check: no backup, loudly, whatever the file would have held.
func TestBackupOfASnapshotWithADamagedPage(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	// The snapshot is a page-for-page copy: the book's page numbers are the snapshot's.
	var root, pageSize int64
	if err := b.db.Read(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT rootpage FROM sqlite_schema WHERE name = 'accounts'").Scan(&root); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize)
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, err := b.BackupWith(ctx, u, dir, "", func(step string) {
		if step != BackupWrite {
			return
		}
		snaps, _ := filepath.Glob(filepath.Join(filepath.Dir(b.Path()), "."+filepath.Base(b.Path())+".snapshot-*"))
		if len(snaps) != 1 {
			t.Fatalf("snapshots at the write step: %v", snaps)
		}
		f, err := os.OpenFile(snaps[0], os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		// The b-tree page header's first byte, the page type, made one no page has.
		if _, err := f.WriteAt([]byte{0x6f}, (root-1)*pageSize); err != nil {
			t.Fatal(err)
		}
	})
	e, ok := errors.AsType[*Error](err)
	if !ok || e.Code != CodeBackupUnverified || e.Args["check"] != string(CodeVerifyIntegrity) {
		t.Fatalf("Backup: %v, want %s of %s", err, CodeBackupUnverified, CodeVerifyIntegrity)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed backup left %d files", len(entries))
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(b.Path()), ".*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	wantVerified(t, b) // the book itself was never touched
}

// TestIndexContentIsTheRestoresCheck: the one fault the backup's page check leaves to
// others (snapshotPageCheck) — an index whose content no longer matches its table —
// is a fault of the book itself, copied page for page into its snapshot: the book's
// full verify finds it, and so does the restore of a backup holding it, which refuses
// to swap it in. (With snapshotPageCheck true, the backup itself refuses it.)
func TestIndexContentIsTheRestoresCheck(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	// Rebuild accounts_parent from another column, then give it back its definition: the
	// schema is the migrations' again and the rows are untouched, only the index's
	// entries are wrong.
	raw := rawDB(t, b.Path())
	raw.SetMaxOpenConns(1)
	rawExec(t, raw, "PRAGMA writable_schema = ON",
		"UPDATE sqlite_schema SET sql = 'CREATE INDEX accounts_parent ON accounts(name)' WHERE name = 'accounts_parent'",
		"PRAGMA writable_schema = RESET",
		"REINDEX accounts_parent",
		"PRAGMA writable_schema = ON",
		"UPDATE sqlite_schema SET sql = 'CREATE INDEX accounts_parent ON accounts(parent)' WHERE name = 'accounts_parent'",
		"PRAGMA writable_schema = RESET")
	raw.Close()
	rep, err := b.Verify(ctx, true)
	if err != nil || rep.Failure == nil || rep.Failure.Code != CodeVerifyIntegrity {
		t.Fatalf("the book's full verify: %v %v, want %s", rep.Failure, err, CodeVerifyIntegrity)
	}
	dir := t.TempDir()
	info, err := b.Backup(ctx, u, dir, "")
	if snapshotPageCheck {
		if e, ok := errors.AsType[*Error](err); !ok || e.Code != CodeBackupUnverified {
			t.Fatalf("Backup with integrity_check: %v, want %s", err, CodeBackupUnverified)
		}
		return
	}
	if err != nil {
		t.Fatalf("Backup: %v (its page check is quick_check, which does not read index content)", err)
	}
	sum := fileSum(t, b.Path())
	refusedUnchanged(t, b, "restore", CodeBackupUnverified, func() error {
		r, err := b.RestoreAs(ctx, u, info.Path, "")
		if r.Book != nil {
			r.Book.Close()
		}
		if e, ok := errors.AsType[*Error](err); ok && e.Args["check"] != string(CodeVerifyIntegrity) {
			t.Errorf("restore refused by %v, want %s", e.Args["check"], CodeVerifyIntegrity)
		}
		return err
	})
	if fileSum(t, b.Path()) != sum {
		t.Error("the book's file changed")
	}
	if kept, _ := filepath.Glob(b.Path() + ".before-restore-*"); len(kept) > 0 {
		t.Errorf("a refused restore kept %v", kept)
	}
}

// TestBackupNames: two backups in the same second get two names; the clock's local time
// names them.
func TestBackupNames(t *testing.T) {
	b, u := openTestBook(t)
	at := time.Date(2025, 3, 31, 18, 30, 5, 0, time.Local)
	b.SetClock(func() time.Time { return at })
	dir := t.TempDir()
	var names []string
	for range 2 {
		info, err := b.Backup(t.Context(), u, dir, "")
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.Base(info.Path))
	}
	want := []string{"shop-20250331-183005.shopbooks-backup", "shop-20250331-183006.shopbooks-backup"}
	if !slices.Equal(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
}

// TestPruneBackups keeps the newest N and the newest of each closed month, and never
// touches another book's files.
func TestPruneBackups(t *testing.T) {
	b, _ := openTestBook(t)
	ctx := t.Context()
	dir := t.TempDir()
	snap := filepath.Join(t.TempDir(), "snap")
	if err := b.db.Snapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	make1 := func(day int, closed string) string {
		at := time.Date(2025, 1, day, 12, 0, 0, 0, time.Local)
		path := filepath.Join(dir, BackupName(b.Path(), at))
		if _, err := store.WriteBackup(ctx, snap, path, nil, store.BackupHeader{Book: "shop", LastClosed: closed,
			SchemaVersion: store.Version(), Created: at}); err != nil {
			t.Fatal(err)
		}
		return filepath.Base(path)
	}
	var names []string
	for day, closed := range []string{"", "", "2025-01", "2025-01", "2025-02", "2025-02", "2025-02", "2025-03", "", "2025-03", "2025-03"} {
		names = append(names, make1(day+1, closed))
	}
	others := []string{"shop2-20250101-120000.shopbooks-backup", "shop-20250101-120000.shopbooks-backup.copy",
		"shop-2025-20250101-120000.shopbooks-backup", "notes.txt"}
	for _, o := range others {
		os.WriteFile(filepath.Join(dir, o), []byte("x"), 0o600)
	}
	raw := rawDB(t, b.Path())
	rawExec(t, raw, "INSERT INTO periods(period, closed) VALUES ('2025-02', 1), ('2025-03', 0)",
		"UPDATE periods SET closed = 1 WHERE period = '2025-01'")
	removed, err := b.PruneBackups(ctx, dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	// names[i] is day i+1. Newest 3: days 11, 10, 9. Closed 2025-01: newest is day 4;
	// 2025-02: day 7. 2025-03 is open: nothing extra.
	keep := map[string]bool{names[10]: true, names[9]: true, names[8]: true, names[3]: true, names[6]: true}
	for _, o := range others {
		keep[o] = true
	}
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
		if !keep[e.Name()] {
			t.Errorf("%s kept", e.Name())
		}
	}
	for k := range keep {
		if !slices.Contains(left, k) {
			t.Errorf("%s removed", k)
		}
	}
	if len(removed) != len(names)-5 {
		t.Errorf("removed %d files, want %d", len(removed), len(names)-5)
	}
}

// TestBackupCodesHaveMessages: the codes of backup_errors.go have their message in both
// languages (the catalog test in main_test.go reads errors.go only).
func TestBackupCodesHaveMessages(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "backup_errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for _, v := range vs.Values {
			lit, ok := v.(*ast.BasicLit)
			if !ok {
				continue
			}
			code, _ := strconv.Unquote(lit.Value)
			n++
			for _, l := range i18n.Langs {
				if !i18n.For(l).Has("err." + code) {
					t.Errorf("%s: no message for err.%s", l, code)
				}
			}
		}
		return true
	})
	if n < 5 {
		t.Errorf("found %d codes", n)
	}
}

// BenchmarkBackup: a verified backup of a book of master data only (10,000 items, 2,000
// partners), plain and encrypted. Issue 7's targets are for the generated book of years:
// BenchmarkBookBackup (verify_bench_test.go); this one has none.
func BenchmarkBackup(b *testing.B) {
	path := copyBigBook(b)
	book, err := Open(b.Context(), path, discardLog)
	if err != nil {
		b.Fatal(err)
	}
	defer book.Close()
	admin, err := book.Login(b.Context(), "admin", "")
	if err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	b.Logf("book: %d MB", st.Size()>>20)
	for _, pw := range []string{"", "s3cret"} {
		b.Run(fmt.Sprintf("encrypted=%v", pw != ""), func(b *testing.B) {
			dir := b.TempDir()
			var times []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := book.Backup(b.Context(), admin, dir, pw); err != nil && !errors.Is(err, ErrBusy) {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
			}
			reportTimes(b, times, 0)
		})
	}
}
