// Package store is the book's SQLite file: it opens and creates it, applies the pragmas,
// migrates the schema, runs transactions and classifies SQLite errors into the sentinels
// of errors.go. It knows nothing of items or vouchers; the tables and their owners are
// listed at the top of each schema file in schema/.
package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	_ "modernc.org/sqlite" // driver "sqlite"
)

// ApplicationID marks a SQLite file as a ShopBooks book (PRAGMA application_id, "SHBK").
const ApplicationID = 0x5348424B

// BusyTimeout is how long a writer waits for another writer before ErrBusy.
const BusyTimeout = 5 * time.Second

// DB is an open book file.
type DB struct {
	sql    *sql.DB
	path   string
	writer *writer
	busy   time.Duration // how long a writer of this process waits for another; 0: BusyTimeout
	// checkURI opens IntegrityCheck's own connection; "" checks on the pool (a snapshot
	// opened read-only and immutable).
	checkURI string
	ckpt     checkpointer // checkpoints after held transactions (checkpoint.go)
	// Now is the clock every transaction reads once; tests replace it.
	Now func() time.Time
}

// Tx is one transaction. Now is fixed for the whole transaction, so every row it writes
// carries the same instant.
type Tx struct {
	*sql.Tx
	Now    time.Time
	writer *writer // nil in read transactions: no statement cache
}

func dsn(path string) string {
	p := filepath.ToSlash(path)
	if filepath.VolumeName(path) != "" {
		p = "/" + p
	}
	// A 32 MB page cache per connection (SQLite's default is 2 MB): a book of years keeps
	// its indexes and the current months in memory, where the default cache sends the
	// close, the costing run and the statements to the file for every other page.
	q := fmt.Sprintf("_pragma=foreign_keys(1)&_pragma=busy_timeout(%d)&_pragma=synchronous(FULL)&_pragma=cache_size(-32768)&_txlock=immediate",
		BusyTimeout.Milliseconds())
	u := url.URL{Scheme: "file", Path: p, RawQuery: q}
	return u.String()
}

// Create makes a new book at path and applies every migration. It refuses to touch an
// existing file (ErrExists).
func Create(ctx context.Context, path string) (*DB, error) {
	return createAt(ctx, path, len(schemaMigrations))
}

// CreateAt makes an empty book at path with the first `version` migrations only: a book
// as an older program made it, for tests of the upgrade in other packages.
func CreateAt(ctx context.Context, path string, version int) error {
	if version < 1 || version > len(schemaMigrations) {
		return fmt.Errorf("create %s: no schema version %d", path, version)
	}
	d, err := createAt(ctx, path, version)
	if err != nil {
		return err
	}
	return d.Close()
}

func createAt(ctx context.Context, path string, version int) (*DB, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := os.Stat(path); err == nil {
		return nil, &PathError{Err: ErrExists, Path: path}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, classifyFS(path, err)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, &PathError{Err: ErrNoFolder, Path: dir}
	}
	if err := probeWritable(dir); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	d := &DB{sql: db, path: path, Now: time.Now, writer: newWriter(), checkURI: checkURI(path)}
	fail := func(err error) (*DB, error) {
		db.Close()
		os.Remove(path)
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		return nil, err
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return fail(classify(err))
	}
	if mode != "wal" {
		return fail(fmt.Errorf("create %s: journal mode is %q, want wal", path, mode))
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id=%d", ApplicationID)); err != nil {
		return fail(classify(err))
	}
	if err := d.migrate(ctx, schemaMigrations[:version], 0); err != nil {
		return fail(err)
	}
	return d, nil
}

// Open opens an existing book. A file that is not a book, a truncated copy, a book of a
// newer version or a folder where the book cannot be written are refused with the
// sentinels of errors.go (wrapped in *PathError). An older book is migrated after a copy
// of it is kept beside it (<path>.v<N>.bak).
func Open(ctx context.Context, path string) (*DB, error) {
	return openWith(ctx, path, schemaMigrations)
}

func openWith(ctx context.Context, path string, migs []migration) (*DB, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, classifyFS(path, err)
	}
	if st.IsDir() {
		return nil, &PathError{Err: ErrNotABook, Path: path}
	}
	if err := checkHeader(path, st.Size()); err != nil {
		return nil, err
	}
	if err := probeWritable(filepath.Dir(path)); err != nil {
		return nil, err
	}
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err != nil {
		return nil, classifyFS(path, err)
	} else {
		f.Close()
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	d := &DB{sql: db, path: path, Now: time.Now, writer: newWriter(), checkURI: checkURI(path)}
	fail := func(err error) (*DB, error) {
		db.Close()
		return nil, err
	}
	var appID, version int
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return fail(&PathError{Err: classify(err), Path: path})
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fail(&PathError{Err: classify(err), Path: path})
	}
	if appID != ApplicationID {
		return fail(&PathError{Err: ErrNotABook, Path: path})
	}
	if version > len(migs) {
		return fail(&VersionError{Path: path, Book: version, App: len(migs)})
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fail(&PathError{Err: classify(err), Path: path})
	}
	if mode != "wal" {
		if err := db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil || mode != "wal" {
			return fail(&PathError{Err: ErrReadOnly, Path: path})
		}
	}
	if version < len(migs) {
		// The copy kept before an upgrade: a page copy by the online backup API (VACUUM
		// INTO rebuilt every index: ten times as long on a book of years), synced.
		bak := fmt.Sprintf("%s.v%d.bak", path, version)
		os.Remove(bak)
		if err := d.Snapshot(ctx, bak); err != nil {
			return fail(fmt.Errorf("back up %s before upgrade: %w", path, err))
		}
		if err := syncFile(bak); err != nil {
			return fail(fmt.Errorf("back up %s before upgrade: %w", path, classifyFS(bak, err)))
		}
		syncDir(filepath.Dir(bak))
		if err := d.migrate(ctx, migs, version); err != nil {
			return fail(err)
		}
	}
	return d, nil
}

// checkHeader refuses a file that is not SQLite or is shorter than its header says
// (a truncated copy), before SQLite sees it. While a -wal file is beside the book, the
// main file's header may lag behind (SQLite updates it at checkpoints), so then only the
// magic string is checked here and the rest is left to SQLite and the application_id.
func checkHeader(path string, size int64) error {
	walPending := false
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		walPending = true
	}
	if size == 0 {
		if walPending {
			return nil
		}
		return &PathError{Err: ErrNotABook, Path: path}
	}
	f, err := os.Open(path)
	if err != nil {
		return classifyFS(path, err)
	}
	defer f.Close()
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return &PathError{Err: ErrNotABook, Path: path}
	}
	if string(h[:16]) != "SQLite format 3\x00" {
		return &PathError{Err: ErrNotABook, Path: path}
	}
	if walPending {
		return nil
	}
	pageSize := int64(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(h[28:32]))
	if pageSize < 512 || size%pageSize != 0 || size < pages*pageSize {
		return &PathError{Err: ErrTruncated, Path: path}
	}
	if binary.BigEndian.Uint32(h[68:72]) != ApplicationID {
		return &PathError{Err: ErrNotABook, Path: path}
	}
	return nil
}

// probeWritable tells a read-only folder apart before SQLite fails on its -wal file.
func probeWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".shopbooks-probe-*")
	if err != nil {
		return &PathError{Err: ErrReadOnly, Path: dir}
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// Path is the book's file.
func (d *DB) Path() string { return d.path }

// Close closes the file.
func (d *DB) Close() error {
	d.ckpt.close()
	if d.writer != nil {
		d.writer.close()
	}
	return d.sql.Close()
}

// Write runs fn in one IMMEDIATE transaction and commits only if fn returns nil.
// Never call Write inside Write: the inner one waits out BusyTimeout.
func (d *DB) Write(ctx context.Context, fn func(*Tx) error) (err error) {
	h, err := d.begin(ctx, false)
	if err != nil {
		return err
	}
	defer h.Rollback() // after a failure or a panic in fn; nothing once committed
	if err := fn(h.Tx); err != nil {
		return classify(err)
	}
	return h.Commit()
}

// HeldTx is a write transaction its caller holds across calls (Begin): what Write does
// for one function, for a run of them in the caller's own goroutine. Exactly one of
// Commit and Rollback ends it; until then every other write of this DB waits.
type HeldTx struct {
	*Tx
	d     *DB
	stx   *sql.Tx
	held  bool // opened by Begin (not Write): see begin
	ended bool
}

// Begin opens an IMMEDIATE transaction the caller holds until Commit or Rollback; its
// commit leaves the WAL checkpoint to a goroutine (checkpoint.go).
func (d *DB) Begin(ctx context.Context) (*HeldTx, error) {
	return d.begin(ctx, true)
}

// begin opens a write transaction; held: with the automatic checkpoint off until it
// ends, a checkpoint requested after its commit.
func (d *DB) begin(ctx context.Context, held bool) (*HeldTx, error) {
	if d.writer == nil {
		d.writer = newWriter()
	}
	if err := d.writer.acquire(ctx, d.sql, d.busy); err != nil {
		return nil, err
	}
	if held {
		if _, err := d.writer.conn.ExecContext(ctx, "PRAGMA wal_autocheckpoint=0"); err != nil {
			d.writer.release(true)
			return nil, classify(err)
		}
	}
	stx, err := d.writer.conn.BeginTx(ctx, nil)
	if err != nil {
		d.writer.release(true)
		return nil, classify(err)
	}
	return &HeldTx{Tx: &Tx{Tx: stx, Now: d.Now().UTC().Truncate(time.Second), writer: d.writer}, d: d, stx: stx, held: held}, nil
}

// Commit ends the transaction, writing it; after a failed commit nothing is written.
func (h *HeldTx) Commit() error {
	if h.ended {
		return errors.New("store: transaction already ended")
	}
	h.ended = true
	err := h.stx.Commit()
	if err != nil {
		h.stx.Rollback()
	}
	h.release()
	if err == nil && h.held {
		h.d.ckpt.request(h.d.sql)
	}
	return classify(err)
}

// release gives the writer connection back, with SQLite's automatic checkpoint on again
// after a held transaction.
func (h *HeldTx) release() {
	if !h.held {
		h.d.writer.release(false)
		return
	}
	_, err := h.d.writer.conn.ExecContext(context.Background(), "PRAGMA wal_autocheckpoint=1000")
	h.d.writer.release(err != nil) // a connection left without it is dropped
}

// Rollback ends the transaction writing nothing; it does nothing once ended.
func (h *HeldTx) Rollback() {
	if h.ended {
		return
	}
	h.ended = true
	h.stx.Rollback()
	h.release()
}

// Read runs fn in one read-only transaction: one consistent snapshot that does not block
// writers.
func (d *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	stx, err := d.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return classify(err)
	}
	defer stx.Rollback()
	return classify(fn(&Tx{Tx: stx, Now: d.Now().UTC().Truncate(time.Second)}))
}

// Exec runs one statement outside a transaction. Only for maintenance (VACUUM INTO,
// checkpoints); writes to the book go through Write.
func (d *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := d.sql.ExecContext(ctx, query, args...)
	return classify(err)
}

// IntegrityCheck runs PRAGMA quick_check (full=false) or integrity_check and returns the
// first problem SQLite reports, or "" when the file is sound.
//
// A book opened by Create or Open is checked on a read-only connection of its own, made
// for the check and closed after it (checkURI), which reads the file through a memory
// map: the check reads every page, and the indexes' pages again for each row, while
// verify reads the book on the pool's connections — through the page cache those reads
// share, it was slowed down several times over by theirs. A page the disk fails to
// deliver, or a file cut short under the check, then faults instead of returning an
// error: the fault is turned into ErrCorrupt here, and the connection it stopped
// mid-statement is left unclosed.
func (d *DB) IntegrityCheck(ctx context.Context, full bool) (detail string, err error) {
	q := "PRAGMA quick_check(1)"
	if full {
		q = "PRAGMA integrity_check(1)"
	}
	db := d.sql
	if d.checkURI != "" {
		c, openErr := sql.Open("sqlite", d.checkURI)
		if openErr != nil {
			return "", fmt.Errorf("check %s: %w", d.path, openErr)
		}
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() {
			r := recover()
			if r == nil {
				c.Close()
				return
			}
			detail, err = "", pageFault(d.path, r)
		}()
		db = c
	}
	var res string
	if err := db.QueryRowContext(ctx, q).Scan(&res); err != nil {
		return "", classify(err)
	}
	if res == "ok" {
		return "", nil
	}
	return res, nil
}

// pageFault is the error for r, recovered from a memory fault while reading the file
// at path through a map (debug.SetPanicOnFault); any other panic goes on.
func pageFault(path string, r any) error {
	f, ok := r.(interface{ Addr() uintptr })
	if !ok || f.Addr() == 0 {
		panic(r)
	}
	return &PathError{Err: fmt.Errorf("%w: a page could not be read (fault at %#x)", ErrCorrupt, f.Addr()), Path: path}
}

// checkURI is the URI of the read-only connection IntegrityCheck opens on the book at
// path: mapped up to SQLite's largest map on 64-bit systems (2 GB; a larger book is read
// past it as usual), with the book's own page cache for the pages the WAL holds.
func checkURI(path string) string {
	return fileURI(path, fmt.Sprintf("mode=ro&_pragma=busy_timeout(%d)&_pragma=mmap_size(%d)&_pragma=cache_size(-32768)",
		BusyTimeout.Milliseconds(), checkMapBytes))
}

// checkMapBytes is SQLITE_MAX_MMAP_SIZE's default on 64-bit systems.
const checkMapBytes = 0x7fff0000
