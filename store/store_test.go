package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// newBook creates a book in a fresh temporary folder and closes it when the test ends.
func newBook(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shop.book")
	d, err := Create(t.Context(), path)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d, path
}

// makeClosedBook creates a book, closes it and returns its path: the main file holds
// everything (the last connection checkpoints the WAL away).
func makeClosedBook(t *testing.T) string {
	t.Helper()
	d, path := newBook(t)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// rawDB opens path with a plain DSN, as another program or the sqlite3 shell would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// assertUnchanged checks that path still holds exactly want, and that no -wal or -shm
// file was left beside it.
func assertUnchanged(t *testing.T, path string, want []byte) {
	t.Helper()
	if got := readFile(t, path); !bytes.Equal(got, want) {
		t.Errorf("%s changed: %d bytes before, %d after", filepath.Base(path), len(want), len(got))
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("%s%s left beside a refused file", filepath.Base(path), suffix)
		}
	}
}

func wantErr(t *testing.T, err, sentinel error) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want %v", err, sentinel)
	}
}

func count(t *testing.T, d *DB, query string, args ...any) int {
	t.Helper()
	var n int
	err := d.Read(t.Context(), func(tx *Tx) error {
		return tx.QueryRowContext(t.Context(), query, args...).Scan(&n)
	})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func pragmaInt(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name string) int {
	t.Helper()
	var n int
	if err := q.QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&n); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return n
}

func TestCreateOpenRoundTrip(t *testing.T) {
	ctx := t.Context()
	d, path := newBook(t)
	if d.Path() != path {
		t.Errorf("Path() = %q, want %q", d.Path(), path)
	}
	err := d.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO units(name, name_en) VALUES ('瓶', 'bottle')")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	d2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer d2.Close()
	if n := count(t, d2, "SELECT count(*) FROM units WHERE name = '瓶' AND name_en = 'bottle'"); n != 1 {
		t.Errorf("unit after reopen: %d rows, want 1", n)
	}
	if v := pragmaInt(t, d2.sql, "user_version"); v != Version() {
		t.Errorf("user_version = %d, want %d", v, Version())
	}
	if id := pragmaInt(t, d2.sql, "application_id"); id != ApplicationID {
		t.Errorf("application_id = %#x, want %#x", id, ApplicationID)
	}
	if res, err := d2.IntegrityCheck(ctx, true); err != nil || res != "" {
		t.Errorf("IntegrityCheck = %q, %v; want sound", res, err)
	}
	if res, err := d2.IntegrityCheck(ctx, false); err != nil || res != "" {
		t.Errorf("quick check = %q, %v; want sound", res, err)
	}
	// No upgrade happened, so no backup copy.
	if _, err := os.Stat(fmt.Sprintf("%s.v%d.bak", path, Version())); err == nil {
		t.Error("an up-to-date book was backed up as if migrated")
	}
}

// Every connection of the pool has the pragmas, not only the first (STYLE.md §4).
func TestPragmasOnEveryConnection(t *testing.T) {
	ctx := t.Context()
	path := makeClosedBook(t)
	d, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const n = 6
	conns := make([]*sql.Conn, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			conns[i], errs[i] = d.sql.Conn(ctx) // all held at once: n distinct connections
		})
	}
	wg.Wait()
	for i, c := range conns {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		defer c.Close()
	}
	if got := d.sql.Stats().OpenConnections; got < n {
		t.Fatalf("pool holds %d connections, want at least %d", got, n)
	}
	for i, c := range conns {
		if v := pragmaInt(t, c, "foreign_keys"); v != 1 {
			t.Errorf("conn %d: foreign_keys = %d, want 1", i, v)
		}
		if v := pragmaInt(t, c, "synchronous"); v != 2 {
			t.Errorf("conn %d: synchronous = %d, want 2 (FULL)", i, v)
		}
		if v := pragmaInt(t, c, "busy_timeout"); v != int(BusyTimeout.Milliseconds()) {
			t.Errorf("conn %d: busy_timeout = %d, want %d", i, v, BusyTimeout.Milliseconds())
		}
		var mode string
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("conn %d: journal_mode = %q, %v; want wal", i, mode, err)
		}
	}
}

func TestOpenRefusesWhatIsNotABook(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "other.db")
	db := rawDB(t, plain)
	if _, err := db.Exec("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO items(name) VALUES ('x')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	bigText := strings.Repeat("SQLite format 3 is not what this is\n", 200)
	for _, tc := range []struct {
		name    string
		content []byte // nil: the file is already there
		want    error
	}{
		{"text.book", []byte("店账 is not a database\n"), ErrNotABook},
		{"bigtext.book", []byte(bigText), ErrNotABook},
		{"empty.book", []byte{}, ErrNotABook},
		{"short.book", []byte("SQLite format 3\x00"), ErrNotABook}, // header cut inside its first 100 bytes
		{"other.db", nil, ErrNotABook},                             // SQLite, but no application_id
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if tc.content != nil {
				if err := os.WriteFile(path, tc.content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := readFile(t, path)
			d, err := Open(t.Context(), path)
			if err == nil {
				d.Close()
			}
			wantErr(t, err, tc.want)
			if pe, ok := errors.AsType[*PathError](err); !ok || pe.Path != path {
				t.Errorf("err = %#v, want a *PathError naming %s", err, path)
			}
			assertUnchanged(t, path, before)
		})
	}
	t.Run("folder", func(t *testing.T) {
		_, err := Open(t.Context(), dir)
		wantErr(t, err, ErrNotABook)
	})
	t.Run("missing", func(t *testing.T) {
		path := filepath.Join(dir, "missing.book")
		_, err := Open(t.Context(), path)
		wantErr(t, err, ErrNoFile)
		if _, err := os.Stat(path); err == nil {
			t.Error("Open created the missing file")
		}
	})
}

func TestOpenTruncatedCopy(t *testing.T) {
	ctx := t.Context()
	d, path := newBook(t)
	// Some data, so the book spans many pages.
	err := d.Write(ctx, func(tx *Tx) error {
		for i := range 300 {
			if _, err := tx.ExecContext(ctx, "INSERT INTO units(name, name_en) VALUES (?, ?)",
				fmt.Sprintf("unit-%d", i), fmt.Sprintf("%s-%d", strings.Repeat("x", 100), i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	full := readFile(t, path)
	for _, tc := range []struct {
		name string
		size int
	}{
		{"half", len(full) / 2},
		{"one-page", 4096},
		{"mid-page", len(full) - 1000},
		{"last-byte", len(full) - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cut := filepath.Join(t.TempDir(), "copy.book")
			if err := os.WriteFile(cut, full[:tc.size], 0o644); err != nil {
				t.Fatal(err)
			}
			d, err := Open(ctx, cut)
			if err == nil {
				d.Close()
			}
			wantErr(t, err, ErrTruncated)
			assertUnchanged(t, cut, full[:tc.size])
		})
	}
}

func TestOpenNewerVersion(t *testing.T) {
	path := makeClosedBook(t)
	db := rawDB(t, path)
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", Version()+7)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before := readFile(t, path)
	d, err := Open(t.Context(), path)
	if err == nil {
		d.Close()
		t.Fatal("Open accepted a book of a newer version")
	}
	wantErr(t, err, ErrNewer)
	ve, ok := errors.AsType[*VersionError](err)
	if !ok {
		t.Fatalf("err = %#v, want *VersionError", err)
	}
	if ve.Book != Version()+7 || ve.App != Version() || ve.Path != path {
		t.Errorf("VersionError = %+v, want book %d, app %d, path %s", ve, Version()+7, Version(), path)
	}
	if got := readFile(t, path); !bytes.Equal(got, before) {
		t.Error("a newer book was modified by the refused Open")
	}
	if matches, _ := filepath.Glob(path + ".v*.bak"); len(matches) > 0 {
		t.Errorf("a newer book was backed up for a downgrade: %v", matches)
	}
}

func TestCreateRefusesExistingFile(t *testing.T) {
	dir := t.TempDir()
	for _, content := range [][]byte{[]byte("someone's notes"), {}} {
		path := filepath.Join(dir, "shop.book")
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := Create(t.Context(), path)
		if err == nil {
			d.Close()
		}
		wantErr(t, err, ErrExists)
		assertUnchanged(t, path, content)
	}
	// An existing book too.
	path := makeClosedBook(t)
	before := readFile(t, path)
	_, err := Create(t.Context(), path)
	wantErr(t, err, ErrExists)
	assertUnchanged(t, path, before)
}

func TestCreateInMissingFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "no", "such")
	_, err := Create(t.Context(), filepath.Join(dir, "shop.book"))
	wantErr(t, err, ErrNoFolder)
	if _, err := os.Stat(dir); err == nil {
		t.Error("Create made the missing folder")
	}
}

// A folder name with a space, '#' and Chinese: "file:"+path would open "我的 账本" and
// drop the rest (STYLE.md §4).
func TestFolderNameWithHashSpaceAndChinese(t *testing.T) {
	ctx := t.Context()
	root := t.TempDir()
	dir := filepath.Join(root, "我的 账本#1")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "shop.book")
	d, err := Create(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	err = d.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO units(name) VALUES ('箱')")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 || entries[0].Name() != "我的 账本#1" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files beside the folder: %q, want only the folder", names)
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() == 0 {
		t.Fatalf("book not at %s: %v", path, err)
	}
	d, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n := count(t, d, "SELECT count(*) FROM units WHERE name = '箱'"); n != 1 {
		t.Errorf("unit written before reopen: %d rows, want 1", n)
	}
}

// An older book is copied to <path>.v<N>.bak, then migrated, user_version following:
// a book of this version opened by a program with one migration more. The copy holds
// what the book held (a row still in the -wal included) at the old version.
func TestMigrateOlderBook(t *testing.T) {
	ctx := t.Context()
	n := Version()
	d, path := newBook(t)
	if _, err := d.sql.ExecContext(ctx, "CREATE TABLE note (t TEXT) STRICT; INSERT INTO note VALUES ('in the wal')"); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	// The book as another process left it: a committed row still in its -wal.
	raw := rawDB(t, path)
	if _, err := raw.Exec("PRAGMA wal_autocheckpoint = 0; INSERT INTO note VALUES ('second')"); err != nil {
		t.Fatal(err)
	}
	more := append(append([]migration(nil), schemaMigrations...),
		migration{version: n + 1, name: "extra", sql: "CREATE TABLE extra (id INTEGER PRIMARY KEY, note TEXT NOT NULL) STRICT;"})
	d, err := openWith(ctx, path, more)
	if err != nil {
		t.Fatalf("open with %d migrations: %v", n+1, err)
	}
	if v := pragmaInt(t, d.sql, "user_version"); v != n+1 {
		t.Errorf("user_version after upgrade = %d, want %d", v, n+1)
	}
	if c := count(t, d, "SELECT count(*) FROM sqlite_master WHERE name = 'extra'"); c != 1 {
		t.Errorf("migration %d did not run", n+1)
	}
	d.Close()
	raw.Close()

	bak := fmt.Sprintf("%s.v%d.bak", path, n)
	bd, err := Open(ctx, bak) // the backup is a book of this version, opened as is
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	if v := pragmaInt(t, bd.sql, "user_version"); v != n {
		t.Errorf("backup user_version = %d, want %d", v, n)
	}
	if c := count(t, bd, "SELECT count(*) FROM sqlite_master WHERE name = 'extra'"); c != 0 {
		t.Error("the backup holds the migrated schema")
	}
	if c := count(t, bd, "SELECT count(*) FROM note"); c != 2 {
		t.Errorf("the backup holds %d of the book's 2 rows", c)
	}
	if detail, err := bd.IntegrityCheck(ctx, true); detail != "" || err != nil {
		t.Errorf("the backup's integrity: %q %v", detail, err)
	}
	bd.Close()

	// Opening the migrated book again with the same program: nothing more to do.
	d, err = openWith(ctx, path, more)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := os.Stat(fmt.Sprintf("%s.v%d.bak", path, n+1)); err == nil {
		t.Error("an up-to-date book was backed up again")
	}
}

// A migration that fails leaves the book at its version, and usable.
func TestMigrationFailureKeepsVersion(t *testing.T) {
	ctx := t.Context()
	path := makeClosedBook(t)
	n := Version()
	bad := append(append([]migration(nil), schemaMigrations...),
		migration{version: n + 1, name: "broken", sql: "CREATE TABLE half (id INTEGER PRIMARY KEY); INSERT INTO nowhere VALUES (1);"})
	if d, err := openWith(ctx, path, bad); err == nil {
		d.Close()
		t.Fatal("a failing migration was accepted")
	}
	d, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open after failed migration: %v", err)
	}
	defer d.Close()
	if v := pragmaInt(t, d.sql, "user_version"); v != n {
		t.Errorf("user_version = %d, want %d", v, n)
	}
	if c := count(t, d, "SELECT count(*) FROM sqlite_master WHERE name = 'half'"); c != 0 {
		t.Error("a failed migration left half its schema behind")
	}
}

func TestLoadMigrationsNumbering(t *testing.T) {
	if len(schemaMigrations) == 0 || Version() != len(schemaMigrations) {
		t.Fatalf("Version() = %d, %d migrations", Version(), len(schemaMigrations))
	}
	for i, m := range schemaMigrations {
		if m.version != i+1 || m.sql == "" {
			t.Errorf("migration %d: version %d, %d bytes", i, m.version, len(m.sql))
		}
	}
}

func TestWriteCommitsOnlyOnNil(t *testing.T) {
	ctx := t.Context()
	d, _ := newBook(t)
	insert := func(name string) func(*Tx) error {
		return func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO units(name) VALUES (?)", name)
			return err
		}
	}
	refusal := errors.New("refused by fn")
	err := d.Write(ctx, func(tx *Tx) error {
		if err := insert("桶")(tx); err != nil {
			return err
		}
		return refusal
	})
	if !errors.Is(err, refusal) {
		t.Errorf("Write returned %v, want fn's error", err)
	}
	if n := count(t, d, "SELECT count(*) FROM units WHERE name = '桶'"); n != 0 {
		t.Error("Write committed although fn failed")
	}

	// A panic in fn rolls back too, and leaves the book usable.
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic in fn was swallowed")
			}
		}()
		d.Write(ctx, func(tx *Tx) error {
			insert("罐")(tx)
			panic("boom")
		})
	}()
	if n := count(t, d, "SELECT count(*) FROM units WHERE name = '罐'"); n != 0 {
		t.Error("Write committed although fn panicked")
	}

	if err := d.Write(ctx, insert("桶")); err != nil {
		t.Fatal(err)
	}
	if n := count(t, d, "SELECT count(*) FROM units WHERE name = '桶'"); n != 1 {
		t.Error("Write did not commit")
	}
	// Every row of one transaction carries the same instant.
	at := time.Date(2025, 1, 31, 23, 59, 59, 999, time.FixedZone("CST", 8*3600))
	d.Now = func() time.Time { return at }
	err = d.Write(ctx, func(tx *Tx) error {
		if !tx.Now.Equal(at.Truncate(time.Second)) || tx.Now.Location() != time.UTC {
			t.Errorf("tx.Now = %v, want %v in UTC", tx.Now, at.Truncate(time.Second))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Read runs on one snapshot and never keeps a write.
func TestReadNeverWrites(t *testing.T) {
	ctx := t.Context()
	d, _ := newBook(t)
	d.Read(ctx, func(tx *Tx) error {
		tx.ExecContext(ctx, "INSERT INTO units(name) VALUES ('卷')")
		return nil
	})
	if n := count(t, d, "SELECT count(*) FROM units WHERE name = '卷'"); n != 0 {
		t.Error("a write inside Read was kept")
	}
}

// While one Write holds the book, a Write from a second handle on the same file (or a
// nested Write) waits BusyTimeout, then fails with ErrBusy at BEGIN, not mid-work. The
// only test that waits the full 5 s; it runs in parallel with the rest.
func TestSecondWriterGetsErrBusy(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := makeClosedBook(t)
	d, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	var inner error
	var waited time.Duration
	ran := false
	err = d.Write(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO units(name) VALUES ('outer')"); err != nil {
			return err
		}
		start := time.Now()
		inner = d2.Write(ctx, func(tx *Tx) error {
			ran = true
			return nil
		})
		waited = time.Since(start)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, inner, ErrBusy)
	if ran {
		t.Error("the second writer's fn ran: it should fail at BEGIN")
	}
	if waited < BusyTimeout-500*time.Millisecond {
		t.Errorf("second writer gave up after %v, want about %v", waited, BusyTimeout)
	}
	if n := count(t, d2, "SELECT count(*) FROM units WHERE name = 'outer'"); n != 1 {
		t.Error("the first writer's commit was lost")
	}
}

// A book open in one program (the GUI) opens in another (the CLI) at the same time,
// even right after it was created, while its newest pages are only in the -wal file.
func TestOpenWhileOpenElsewhere(t *testing.T) {
	ctx := t.Context()
	d, path := newBook(t)
	err := d.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO units(name) VALUES ('台')")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a book another handle holds open: %v", err)
	}
	defer d2.Close()
	if n := count(t, d2, "SELECT count(*) FROM units WHERE name = '台'"); n != 1 {
		t.Error("second handle does not see the first one's commit")
	}
}

// A program that stopped without closing the book (power cut, kill) leaves its last
// commits in the -wal file; the book must open with them.
func TestOpenAfterCrashWithWAL(t *testing.T) {
	ctx := t.Context()
	d, path := newBook(t)
	err := d.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO units(name) VALUES ('听')")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The files as a crash leaves them: main file and -wal, copied while open.
	crash := filepath.Join(t.TempDir(), "shop.book")
	for _, suffix := range []string{"", "-wal"} {
		if err := os.WriteFile(crash+suffix, readFile(t, path+suffix), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d2, err := Open(ctx, crash)
	if err != nil {
		t.Fatalf("Open after a crash: %v", err)
	}
	defer d2.Close()
	if n := count(t, d2, "SELECT count(*) FROM units WHERE name = '听'"); n != 1 {
		t.Error("the commit in the -wal file was lost")
	}
}

// The same with a short busy timeout, on one *DB (a Write nested in a Write), so it runs
// quickly: the classification, not the wait, is what this checks.
// impatientDB opens the book at path with a busy timeout of 50 ms, closed at the test's end.
func impatientDB(t *testing.T, path string) *DB {
	t.Helper()
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path),
		RawQuery: "_pragma=foreign_keys(1)&_pragma=busy_timeout(50)&_txlock=immediate"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		t.Fatal(err)
	}
	d := &DB{sql: db, path: path, Now: time.Now, busy: 50 * time.Millisecond}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestNestedWriteIsBusy(t *testing.T) {
	ctx := t.Context()
	_, path := newBook(t)
	d := impatientDB(t, path)
	var inner error
	err := d.Write(ctx, func(tx *Tx) error {
		inner = d.Write(ctx, func(*Tx) error { return nil })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, inner, ErrBusy)
}

func TestConstraintsAreClassified(t *testing.T) {
	ctx := t.Context()
	d, _ := newBook(t)
	exec := func(q string, args ...any) error {
		return d.Write(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		})
	}
	if err := exec("INSERT INTO units(name) VALUES ('个')"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, exec("INSERT INTO units(name) VALUES ('个')"), ErrUnique)
	// Foreign keys are on: an item of an unknown unit.
	wantErr(t, exec("INSERT INTO items(code, name, unit) VALUES ('A1', 'x', 'no-such-unit')"), ErrForeignKey)
	// CHECK, and STRICT refusing 12.5 in an INTEGER column.
	wantErr(t, exec("INSERT INTO items(code, name, unit) VALUES ('', 'x', '个')"), ErrCheck)
	err := exec("INSERT INTO items(code, name, unit, buy_price) VALUES ('A1', 'x', '个', 12.5)")
	if err == nil {
		t.Error("STRICT table accepted a REAL price")
	}
	// Codes are unique case-insensitively.
	if err := exec("INSERT INTO items(code, name, unit) VALUES ('a001', 'x', '个')"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, exec("INSERT INTO items(code, name, unit) VALUES ('A001', 'y', '个')"), ErrUnique)
	if n := count(t, d, "SELECT count(*) FROM items"); n != 1 {
		t.Errorf("items = %d, want 1", n)
	}
	if Classify(nil) != nil {
		t.Error("Classify(nil) != nil")
	}
	plain := errors.New("not sqlite")
	if Classify(plain) != plain {
		t.Error("Classify changed an error that is not SQLite's")
	}
}

// seedAudit appends n well-formed records by raw SQL (the store knows nothing of the
// hash; any non-empty text chains as long as prev_hash matches).
func seedAudit(t *testing.T, d *DB, n int) {
	t.Helper()
	ctx := t.Context()
	err := d.Write(ctx, func(tx *Tx) error {
		for range n {
			var seq int
			var prev string
			tx.QueryRowContext(ctx, "SELECT ifnull(max(seq), 0), ifnull((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '') FROM audit_log").Scan(&seq, &prev)
			_, err := tx.ExecContext(ctx, `INSERT INTO audit_log(seq, at, user_name, action, entity, entity_id, image, prev_hash, hash)
				VALUES (?, '2025-01-01T00:00:00Z', 'admin', 'test', 'x', '1', 0, ?, ?)`, seq+1, prev, fmt.Sprintf("h%d", seq+1))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func auditDump(t *testing.T, d *DB) string {
	t.Helper()
	var b strings.Builder
	err := d.Read(t.Context(), func(tx *Tx) error {
		rows, err := tx.QueryContext(t.Context(), "SELECT seq, at, user_name, action, ifnull(after, ''), prev_hash, hash FROM audit_log ORDER BY seq")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s [7]string
			if err := rows.Scan(&s[0], &s[1], &s[2], &s[3], &s[4], &s[5], &s[6]); err != nil {
				return err
			}
			fmt.Fprintln(&b, strings.Join(s[:], "|"))
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	ctx := t.Context()
	d, _ := newBook(t)
	seedAudit(t, d, 3)
	before := auditDump(t, d)
	exec := func(q string) error {
		return d.Write(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, q)
			return err
		})
	}
	for _, q := range []string{
		"UPDATE audit_log SET after = '{\"name\":\"forged\"}' WHERE seq = 2",
		"UPDATE audit_log SET hash = 'x'",
		"DELETE FROM audit_log WHERE seq = 3",
		"DELETE FROM audit_log",
		// Out of sequence: a gap, a replay of seq 2, a broken prev_hash, a fork of the head.
		"INSERT INTO audit_log(seq, at, user_name, action, entity, entity_id, image, prev_hash, hash) VALUES (5, 't', 'u', 'a', 'e', '1', 0, 'h3', 'h5')",
		"INSERT INTO audit_log(seq, at, user_name, action, entity, entity_id, image, prev_hash, hash) VALUES (2, 't', 'u', 'a', 'e', '1', 0, 'h1', 'h2')",
		"INSERT INTO audit_log(seq, at, user_name, action, entity, entity_id, image, prev_hash, hash) VALUES (4, 't', 'u', 'a', 'e', '1', 0, 'h2', 'h4')",
		"INSERT INTO audit_log(seq, at, user_name, action, entity, entity_id, image, prev_hash, hash) VALUES (4, 't', 'u', 'a', 'e', '1', 0, '', 'h4')",
		"INSERT INTO audit_log(at, user_name, action, entity, entity_id, image, prev_hash, hash) VALUES ('t', 'u', 'a', 'e', '1', 0, 'h2', 'h4')",
		"INSERT OR REPLACE INTO audit_log(seq, at, user_name, action, entity, entity_id, image, prev_hash, hash) VALUES (3, 't', 'u', 'a', 'e', '1', 0, 'h2', 'forged')",
	} {
		err := exec(q)
		if !errors.Is(err, ErrAppendOnly) {
			t.Errorf("%s\n\terr = %v, want ErrAppendOnly", q, err)
		}
	}
	if got := auditDump(t, d); got != before {
		t.Errorf("audit trail changed:\nbefore\n%s\nafter\n%s", before, got)
	}
	// The right next record is accepted.
	if err := exec("INSERT INTO audit_log(seq, at, user_name, action, entity, entity_id, image, prev_hash, hash) VALUES (4, 't', 'u', 'a', 'e', '1', 0, 'h3', 'h4')"); err != nil {
		t.Errorf("in-sequence record refused: %v", err)
	}
}

// The closed-period guard (ARCHITECTURE.md § storage): with the first period closed by
// raw SQL, every INSERT, UPDATE and DELETE on the opening balances and opening stock
// aborts, and nothing changes.
func TestClosedPeriodGuardsOpenings(t *testing.T) {
	ctx := t.Context()
	d, _ := newBook(t)
	exec := func(q string, args ...any) error {
		return d.Write(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		})
	}
	setup := []string{
		`INSERT INTO book(id, name, start_period, costing, taxpayer, created_at) VALUES (1, '小店', '2025-01', 'moving', 'general', '2025-01-01T00:00:00Z')`,
		`INSERT INTO periods(period) VALUES ('2025-01'), ('2025-02')`,
		`INSERT INTO units(name) VALUES ('个')`,
		`INSERT INTO accounts(code, name, level, category, side) VALUES ('1001', '库存现金', 1, 'A', 'D'), ('1002', '银行存款', 1, 'A', 'D'), ('3001', '实收资本', 1, 'E', 'C')`,
		`INSERT INTO items(id, code, name, unit) VALUES (1, 'A1', '洗衣液', '个'), (2, 'A2', '肥皂', '个')`,
		`INSERT INTO warehouses(id, code, name) VALUES (1, 'W1', '门店'), (2, 'W2', '仓库')`,
		`INSERT INTO opening_balances(account, amount) VALUES ('1001', 100000), ('3001', -100000)`,
		`INSERT INTO opening_stock(item_id, warehouse_id, qty, amount) VALUES (1, 1, 100000, 50000)`,
	}
	for _, q := range setup {
		if err := exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// While open, writes go through.
	if err := exec("UPDATE opening_balances SET amount = 100000 WHERE account = '1001'"); err != nil {
		t.Fatalf("write to an open period refused: %v", err)
	}
	if err := exec("UPDATE periods SET closed = 1, closed_at = '2025-02-05T10:00:00Z', closed_by = 'admin' WHERE period = '2025-01'"); err != nil {
		t.Fatal(err)
	}
	dump := func() string {
		var b strings.Builder
		d.Read(ctx, func(tx *Tx) error {
			for _, q := range []string{
				"SELECT id || ':' || account || ':' || ifnull(partner_id, '') || ':' || amount || ':' || ytd_debit || ':' || ytd_credit FROM opening_balances ORDER BY id",
				"SELECT id || ':' || item_id || ':' || warehouse_id || ':' || qty || ':' || amount FROM opening_stock ORDER BY id",
				"SELECT period || ':' || closed FROM periods ORDER BY period",
			} {
				rows, err := tx.QueryContext(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var s string
					rows.Scan(&s)
					b.WriteString(s + "\n")
				}
				rows.Close()
			}
			return nil
		})
		return b.String()
	}
	before := dump()
	for _, q := range []string{
		"INSERT INTO opening_balances(account, amount) VALUES ('1002', 500)",
		"UPDATE opening_balances SET amount = 1 WHERE account = '1001'",
		"UPDATE opening_balances SET ytd_debit = 5",
		"DELETE FROM opening_balances WHERE account = '3001'",
		"DELETE FROM opening_balances",
		"INSERT OR REPLACE INTO opening_balances(id, account, amount) VALUES (1, '1001', 7)",
		"INSERT INTO opening_stock(item_id, warehouse_id, qty, amount) VALUES (2, 1, 10000, 300)",
		"INSERT INTO opening_stock(item_id, warehouse_id, qty, amount) VALUES (1, 2, 10000, 300)",
		"UPDATE opening_stock SET qty = 1",
		"UPDATE opening_stock SET amount = amount + 1 WHERE item_id = 1",
		"DELETE FROM opening_stock",
		"DELETE FROM periods WHERE period = '2025-01'",
	} {
		if err := exec(q); !errors.Is(err, ErrPeriodClosed) {
			t.Errorf("%s\n\terr = %v, want ErrPeriodClosed", q, err)
		}
	}
	if got := dump(); got != before {
		t.Errorf("closed openings changed:\nbefore\n%s\nafter\n%s", before, got)
	}
	// The first period and the taxpayer type never change, closed or not.
	err := exec("UPDATE book SET start_period = '2024-12'")
	if err == nil || errors.Is(err, ErrPeriodClosed) {
		t.Errorf("moving the first period: err = %v, want a refusal other than period closed", err)
	}
	wantErr(t, err, ErrCheck)
	wantErr(t, exec("UPDATE book SET taxpayer = 'small'"), ErrCheck)
	// An open period's row can go; reopening the first period lets openings change again.
	if err := exec("DELETE FROM periods WHERE period = '2025-02'"); err != nil {
		t.Errorf("deleting an open period: %v", err)
	}
	if err := exec("UPDATE periods SET closed = 0 WHERE period = '2025-01'"); err != nil {
		t.Fatal(err)
	}
	if err := exec("UPDATE opening_stock SET qty = 20000"); err != nil {
		t.Errorf("write after reopening refused: %v", err)
	}
}

// The read-only folder. As root, chmod does not stop writes, so the check re-runs this
// test binary as user nobody (65534); it says so if that is impossible.
func TestReadOnlyFolder(t *testing.T) {
	base, err := os.MkdirTemp("", "shopbooks-ro-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.Walk(base, func(p string, info os.FileInfo, err error) error {
			if err == nil && info.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
		os.RemoveAll(base)
	})
	os.Chmod(base, 0o755)
	ro := filepath.Join(base, "ro")
	os.Mkdir(ro, 0o755)
	path := filepath.Join(ro, "shop.book")
	d, err := Create(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	rw := filepath.Join(base, "rw")
	os.Mkdir(rw, 0o777)
	roFile := filepath.Join(rw, "shop.book")
	d, err = Create(t.Context(), roFile)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if err := os.Chmod(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(roFile, 0o444); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, path)
	beforeFile := readFile(t, roFile)

	if os.Geteuid() != 0 {
		checkReadOnly(t, ro, roFile)
	} else {
		// Root writes through 0555: run the checks as nobody in a copy of this binary.
		self, err := os.Executable()
		if err != nil {
			t.Skipf("running as root and cannot find the test binary to re-run as nobody: %v", err)
		}
		bin := filepath.Join(base, "store.test")
		data, err := os.ReadFile(self)
		if err != nil {
			t.Skipf("running as root; cannot copy the test binary: %v", err)
		}
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(t.Context(), bin, "-test.run=^TestReadOnlyHelper$", "-test.v")
		cmd.Env = append(os.Environ(), "SHOPBOOKS_RO_DIR="+ro, "SHOPBOOKS_RO_FILE="+roFile, "HOME="+base, "TMPDIR="+base)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err = cmd.Run()
		if errors.Is(err, syscall.EPERM) || errors.Is(err, os.ErrPermission) {
			t.Skipf("running as root and cannot switch to user nobody (%v): the read-only folder is untested here", err)
		}
		if err != nil || !strings.Contains(out.String(), "--- PASS: TestReadOnlyHelper") {
			t.Errorf("read-only checks as nobody: %v\n%s", err, out.String())
		}
	}
	assertUnchanged(t, path, before)
	assertUnchanged(t, roFile, beforeFile)
	if entries, _ := os.ReadDir(ro); len(entries) != 1 {
		t.Errorf("read-only folder holds %d entries, want only the book", len(entries))
	}
}

// TestReadOnlyHelper is TestReadOnlyFolder's half that runs as nobody.
func TestReadOnlyHelper(t *testing.T) {
	dir, file := os.Getenv("SHOPBOOKS_RO_DIR"), os.Getenv("SHOPBOOKS_RO_FILE")
	if dir == "" {
		t.Skip("run by TestReadOnlyFolder only")
	}
	if os.Geteuid() == 0 {
		t.Fatal("helper running as root")
	}
	checkReadOnly(t, dir, file)
}

func checkReadOnly(t *testing.T, dir, file string) {
	t.Helper()
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(dir, "shop.book"))
	if err == nil {
		d.Close()
	}
	wantErr(t, err, ErrReadOnly)
	d, err = Create(ctx, filepath.Join(dir, "new.book"))
	if err == nil {
		d.Close()
	}
	wantErr(t, err, ErrReadOnly)
	d, err = Open(ctx, file) // a read-only file in a writable folder
	if err == nil {
		d.Close()
	}
	wantErr(t, err, ErrReadOnly)
	if _, err := os.Stat(file + "-wal"); err == nil {
		t.Error("a -wal file was made beside a read-only book")
	}
}

// The error values keep what callers need.
func TestErrorValues(t *testing.T) {
	pe := &PathError{Err: ErrNotABook, Path: "/x/shop.book"}
	if !errors.Is(pe, ErrNotABook) || errors.Is(pe, ErrTruncated) {
		t.Error("PathError does not unwrap to its sentinel")
	}
	if !strings.Contains(pe.Error(), "/x/shop.book") {
		t.Error("PathError does not name its path")
	}
	ve := &VersionError{Path: "p", Book: 3, App: 1}
	if !errors.Is(ve, ErrNewer) {
		t.Error("VersionError is not ErrNewer")
	}
	wrapped := fmt.Errorf("open: %w", io.EOF)
	if Classify(wrapped) != wrapped {
		t.Error("Classify rewrote a non-SQLite error")
	}
}

// closedBookWith is makeClosedBook with the statements run on it by another program.
func closedBookWith(t *testing.T, queries ...string) string {
	t.Helper()
	path := makeClosedBook(t)
	raw := rawDB(t, path)
	for _, q := range queries {
		if _, err := raw.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	return path
}

// IntegrityCheck reads the book on a connection of its own: it runs while every
// connection of the pool is taken, sees what the WAL holds, and the full check compares
// the indexes with their tables where the quick one does not.
func TestIntegrityCheckOnItsOwnConnection(t *testing.T) {
	ctx := t.Context()
	path := closedBookWith(t,
		"CREATE TABLE t(a INTEGER, b INTEGER)",
		"CREATE INDEX t_a ON t(a)",
		"INSERT INTO t(a, b) VALUES (1, 10), (2, 20), (3, 30)",
		"PRAGMA writable_schema = ON",
		"UPDATE sqlite_master SET sql = 'CREATE INDEX t_a ON t(b)' WHERE name = 't_a'")
	d, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Write(ctx, func(tx *Tx) error { // committed to the WAL only
		_, err := tx.ExecContext(ctx, "INSERT INTO units(name, name_en) VALUES ('瓶', 'bottle')")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	d.sql.SetMaxOpenConns(2) // the writer's connection and the one the read below holds
	held, release := make(chan struct{}), make(chan struct{})
	go d.Read(ctx, func(tx *Tx) error {
		var n int
		tx.QueryRowContext(ctx, "SELECT count(*) FROM units").Scan(&n)
		close(held)
		<-release
		return nil
	})
	<-held
	defer close(release)
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if res, err := d.IntegrityCheck(cctx, false); err != nil || res != "" {
		t.Errorf("quick check = %q, %v; want sound (it does not compare indexes with tables)", res, err)
	}
	if res, err := d.IntegrityCheck(cctx, true); err != nil || !strings.Contains(res, "t_a") {
		t.Errorf("full check = %q, %v; want the index t_a named", res, err)
	}
	c, err := sql.Open("sqlite", d.checkURI)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var units int
	if err := c.QueryRowContext(cctx, "SELECT count(*) FROM units WHERE name = '瓶'").Scan(&units); err != nil || units != 1 {
		t.Errorf("the check's connection sees %d units (%v), want the one in the WAL", units, err)
	}
	if _, err := c.ExecContext(cctx, "INSERT INTO units(name, name_en) VALUES ('箱', 'box')"); err == nil {
		t.Error("the check's connection wrote to the book")
	}
}

// faultSink keeps the read of a mapped page from being optimised away.
var faultSink byte

// A memory fault on a mapped file that is cut short is the file's corruption, named;
// any other panic goes on.
func TestPageFaultIsCorruption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mapped")
	if err := os.WriteFile(path, make([]byte, 3*4096), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := syscall.Mmap(int(f.Fd()), 0, 3*4096, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(m)
	if err := os.Truncate(path, 4096); err != nil {
		t.Fatal(err)
	}
	err = func() (err error) {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() { err = pageFault(path, recover()) }()
		faultSink = m[2*4096] // past the end of the file: SIGBUS
		return nil
	}()
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Errorf("fault on a cut-short map: %v, want %v naming the file", err, ErrCorrupt)
	}
	defer func() {
		if r := recover(); r != "not a fault" {
			t.Errorf("another panic came back as %v", r)
		}
	}()
	pageFault(path, "not a fault")
}

// A book cut short while the full check reads it is reported as corrupt (a page the map
// no longer holds faults, or SQLite finds the file shorter than it says), and the
// program goes on.
func TestIntegrityCheckOfABookCutShort(t *testing.T) {
	ctx := t.Context()
	path := closedBookWith(t,
		"CREATE TABLE t(a INTEGER, b TEXT, c INTEGER)",
		"CREATE INDEX t_a ON t(a, c)",
		"CREATE INDEX t_b ON t(b)",
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
			INSERT INTO t(a, b, c) SELECT (i * 7919) % 100003, hex(randomblob(12)), i FROM n`)
	d, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		detail string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		detail, err := d.IntegrityCheck(ctx, true)
		done <- result{detail, err}
	}()
	// Most often the check is under way by then (it takes about 100 ms); when it is not
	// yet, SQLite finds the file short instead.
	time.Sleep(20 * time.Millisecond)
	if err := os.Truncate(path, st.Size()/4/4096*4096); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.detail == "" && !errors.Is(r.err, ErrCorrupt) {
		t.Errorf("check of a book cut short = %q, %v; want it found corrupt", r.detail, r.err)
	}
	t.Logf("check of a book cut short: %q, %v", r.detail, r.err)
}

// A held transaction writes on Commit only, holds the writer until it ends (a Write
// meanwhile is busy), and releases it either way.
func TestHeldTransaction(t *testing.T) {
	ctx := t.Context()
	_, path := newBook(t)
	d := impatientDB(t, path)
	insert := func(tx *Tx, name string) {
		t.Helper()
		if _, err := tx.ExecContext(ctx, "INSERT INTO units(name) VALUES (?)", name); err != nil {
			t.Fatal(err)
		}
	}
	h, err := d.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	insert(h.Tx, "箱")
	wantErr(t, d.Write(ctx, func(*Tx) error { return nil }), ErrBusy)
	h.Rollback()
	h.Rollback() // a second end does nothing
	if n := count(t, d, "SELECT count(*) FROM units WHERE name = '箱'"); n != 0 {
		t.Error("a rolled back transaction wrote")
	}
	h, err = d.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	insert(h.Tx, "箱")
	if err := h.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := h.Commit(); err == nil {
		t.Error("a second commit succeeded")
	}
	if n := count(t, d, "SELECT count(*) FROM units WHERE name = '箱'"); n != 1 {
		t.Error("a committed transaction did not write")
	}
	if err := d.Write(ctx, func(tx *Tx) error { insert(tx, "袋"); return nil }); err != nil {
		t.Errorf("write after a held transaction: %v", err)
	}
	// The writer's automatic checkpoint is back on; the commit's own checkpoint ran on
	// another connection (or runs: close waits for it).
	var auto int
	if err := d.Write(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto)
	}); err != nil || auto != 1000 {
		t.Errorf("the writer's automatic checkpoint after a held transaction: %d %v", auto, err)
	}
	if d.ckpt.kick == nil {
		t.Error("no checkpoint was asked for after the commit")
	}
	d.Close()
	select {
	case <-d.ckpt.done:
	default:
		t.Error("the checkpoint goroutine outlived Close")
	}
}
