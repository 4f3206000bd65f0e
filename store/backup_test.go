package store

import (
	"bytes"
	stdgzip "compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// bookWithBlob is a book holding size random bytes (incompressible: the payload spans
// several chunks when size > 1 MiB).
func bookWithBlob(t *testing.T, size int) *DB {
	t.Helper()
	d, _ := newBook(t)
	blob := make([]byte, size)
	rand.Read(blob)
	if err := d.Write(t.Context(), func(tx *Tx) error {
		if _, err := tx.Tx.ExecContext(t.Context(), "CREATE TABLE scratch(b BLOB)"); err != nil {
			return err
		}
		_, err := tx.Tx.ExecContext(t.Context(), "INSERT INTO scratch VALUES (?)", blob)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return d
}

func sha(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// writeTestBackup snapshots d and writes a backup; it returns the backup and the snapshot.
func writeTestBackup(t *testing.T, d *DB, password string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	snap := filepath.Join(dir, "snap.db")
	if err := d.Snapshot(t.Context(), snap); err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	dst := filepath.Join(dir, "shop-20250101-120000"+BackupExt)
	h, err := WriteBackup(t.Context(), snap, dst, testKey(t, password), BackupHeader{Book: "shop", Shop: "小店", SchemaVersion: Version(),
		Created: time.Date(2025, 1, 1, 4, 0, 0, 0, time.UTC), AppVersion: "test"})
	if err != nil {
		t.Fatalf("WriteBackup: %v", err)
	}
	if h.Encrypted != (password != "") || h.PayloadSize == 0 {
		t.Fatalf("header %+v", h)
	}
	return dst, snap
}

// testKey is the key of a new backup encrypted with password (nil for "").
func testKey(t *testing.T, password string) *BackupKey {
	t.Helper()
	k, err := NewBackupKey(password)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestBackupRoundTrip(t *testing.T) {
	d := bookWithBlob(t, 2_500_000)
	for _, pw := range []string{"", "s3cret 密码"} {
		dst, snap := writeTestBackup(t, d, pw)
		if _, err := WriteBackup(t.Context(), snap, dst, testKey(t, pw), BackupHeader{}); !errors.Is(err, ErrExists) {
			t.Errorf("WriteBackup over an existing file: %v", err)
		}
		if err := d.Snapshot(t.Context(), snap); !errors.Is(err, ErrExists) {
			t.Errorf("Snapshot over an existing file: %v", err)
		}
		h, err := ReadBackupHeader(dst)
		if err != nil || h.Shop != "小店" || h.Book != "shop" || h.Encrypted != (pw != "") {
			t.Fatalf("ReadBackupHeader: %+v, %v", h, err)
		}
		if _, err := CheckBackup(t.Context(), dst, pw); err != nil {
			t.Fatalf("CheckBackup: %v", err)
		}
		if _, err := VerifyBackup(t.Context(), dst, pw, snap); err != nil {
			t.Fatalf("VerifyBackup: %v", err)
		}
		out := filepath.Join(t.TempDir(), "out.book")
		if _, err := ExtractBackup(t.Context(), dst, pw, out); err != nil {
			t.Fatalf("ExtractBackup: %v", err)
		}
		if sha(t, out) != sha(t, snap) {
			t.Fatal("the extracted book differs from the snapshot")
		}
		o, err := Open(t.Context(), out)
		if err != nil {
			t.Fatalf("Open the extracted book: %v", err)
		}
		if detail, err := o.IntegrityCheck(t.Context(), true); err != nil || detail != "" {
			t.Errorf("integrity: %q %v", detail, err)
		}
		o.Close()
		if _, err := ExtractBackup(t.Context(), dst, pw, out); !errors.Is(err, ErrExists) {
			t.Errorf("ExtractBackup over an existing file: %v", err)
		}
		if pw != "" {
			raw, _ := os.ReadFile(dst)
			if bytes.Contains(raw, []byte("CREATE TABLE")) || bytes.Contains(raw, []byte("SQLite format")) {
				t.Error("an encrypted backup holds plain text")
			}
		}
	}
}

// TestVerifyBackupWith: a backup read back with the key that wrote it passes without the
// password; another key of the same password (another salt), no key for an encrypted
// backup and a key for a plain one are refused.
func TestVerifyBackupWith(t *testing.T) {
	d := bookWithBlob(t, 1_500_000)
	dir := t.TempDir()
	snap := filepath.Join(dir, "snap.db")
	if err := d.Snapshot(t.Context(), snap); err != nil {
		t.Fatal(err)
	}
	key := testKey(t, "pw")
	enc, plain := filepath.Join(dir, "enc"+BackupExt), filepath.Join(dir, "plain"+BackupExt)
	for path, k := range map[string]*BackupKey{enc: key, plain: nil} {
		if _, err := WriteBackup(t.Context(), snap, path, k, BackupHeader{Book: "shop", Created: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		path string
		key  *BackupKey
		want error
	}{
		{"encrypted, its key", enc, key, nil},
		{"plain, no key", plain, nil, nil},
		{"encrypted, another key of the same password", enc, testKey(t, "pw"), ErrBackupPassword},
		{"encrypted, no key", enc, nil, ErrPasswordNeeded},
		{"plain, a key", plain, key, ErrBackupCorrupt},
	} {
		if _, err := VerifyBackupWith(t.Context(), tc.path, tc.key, snap); !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := VerifyBackup(t.Context(), enc, "pw", snap); err != nil {
		t.Errorf("VerifyBackup with the password: %v", err)
	}
}

// TestBackupDamage: every kind of damage is named, nothing is left behind.
func TestBackupDamage(t *testing.T) {
	d := bookWithBlob(t, 2_500_000)
	plain, plainSnap := writeTestBackup(t, d, "")
	enc, encSnap := writeTestBackup(t, d, "pw")
	rawPlain, _ := os.ReadFile(plain)
	rawEnc, _ := os.ReadFile(enc)
	_, start, err := openBackup(plain)
	if err != nil {
		t.Fatal(err)
	}
	_, startEnc, _ := openBackup(enc)
	flip := func(b []byte, at int64) []byte {
		c := bytes.Clone(b)
		c[at] ^= 0x40
		return c
	}
	newer := bytes.Clone(rawPlain)
	binary.BigEndian.PutUint16(newer[16:18], BackupFormat+1)
	for _, tc := range []struct {
		name     string
		data     []byte
		password string
		want     error
	}{
		{"empty", nil, "", ErrNotABackup},
		{"a SQLite file", append([]byte("SQLite format 3\x00"), make([]byte, 4096)...), "", ErrNotABackup},
		{"text", []byte("hello, this is not a backup at all"), "", ErrNotABackup},
		{"magic only", rawPlain[:16], "", ErrBackupTruncated},
		{"half the header", rawPlain[:start/2], "", ErrBackupTruncated},
		{"header only", rawPlain[:start], "", ErrBackupTruncated},
		{"2000 bytes", rawEnc[:2000], "pw", ErrBackupTruncated},
		{"one byte short", rawPlain[:len(rawPlain)-1], "", ErrBackupTruncated},
		{"one chunk short", rawEnc[:len(rawEnc)-(1<<20)-16], "pw", ErrBackupTruncated},
		{"a byte appended", append(bytes.Clone(rawPlain), 0), "", ErrBackupCorrupt},
		{"header byte", flip(rawPlain, 40), "", ErrBackupCorrupt},
		{"header checksum", flip(rawPlain, start-1), "", ErrBackupCorrupt},
		{"first payload byte", flip(rawPlain, start), "", ErrBackupCorrupt},
		{"middle payload byte", flip(rawPlain, start+(int64(len(rawPlain))-start)/2), "", ErrBackupCorrupt},
		{"last byte", flip(rawPlain, int64(len(rawPlain)-1)), "", ErrBackupCorrupt},
		{"encrypted payload byte", flip(rawEnc, startEnc+(1<<20)+100), "pw", ErrBackupCorrupt},
		{"newer format", newer, "", ErrBackupNewer},
		{"wrong password", rawEnc, "PW", ErrBackupPassword},
		{"no password", rawEnc, "", ErrPasswordNeeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x"+BackupExt)
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out.book")
			_, err := ExtractBackup(t.Context(), path, tc.password, out)
			if !errors.Is(err, tc.want) {
				t.Errorf("ExtractBackup: %v, want %v", err, tc.want)
			}
			if _, serr := os.Stat(out); !errors.Is(serr, os.ErrNotExist) {
				t.Error("a refused extract left a file")
			}
			snap := plainSnap
			if tc.password != "" {
				snap = encSnap
			}
			if _, err := VerifyBackup(t.Context(), path, tc.password, snap); !errors.Is(err, tc.want) {
				t.Errorf("VerifyBackup: %v, want %v", err, tc.want)
			}
			if tc.want == ErrPasswordNeeded {
				return // CheckBackup reads an encrypted backup's header without its password
			}
			if _, err := CheckBackup(t.Context(), path, tc.password); !errors.Is(err, tc.want) {
				t.Errorf("CheckBackup: %v, want %v", err, tc.want)
			}
		})
	}
}

// TestVerifyBackupComparesTheSnapshot: a sound backup of another snapshot is refused —
// one byte changed, one byte more, one less — and nothing is written beside them.
func TestVerifyBackupComparesTheSnapshot(t *testing.T) {
	d := bookWithBlob(t, 2_500_000)
	for _, pw := range []string{"", "pw"} {
		dst, snap := writeTestBackup(t, d, pw)
		raw, err := os.ReadFile(snap)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			data []byte
		}{
			{"a byte changed", func() []byte { c := bytes.Clone(raw); c[len(c)/2] ^= 1; return c }()},
			{"the last byte changed", func() []byte { c := bytes.Clone(raw); c[len(c)-1] ^= 1; return c }()},
			{"a byte more", append(bytes.Clone(raw), 0)},
			{"a byte less", raw[:len(raw)-1]},
			{"empty", nil},
		} {
			other := filepath.Join(t.TempDir(), "other.db")
			if err := os.WriteFile(other, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := VerifyBackup(t.Context(), dst, pw, other); !errors.Is(err, ErrBackupCorrupt) {
				t.Errorf("encrypted=%v, %s: %v, want ErrBackupCorrupt", pw != "", tc.name, err)
			}
			if entries, _ := os.ReadDir(filepath.Dir(other)); len(entries) != 1 {
				t.Errorf("%s: %d files beside the snapshot", tc.name, len(entries))
			}
		}
		if _, err := VerifyBackup(t.Context(), dst, pw, filepath.Join(t.TempDir(), "none")); !errors.Is(err, ErrNoFile) {
			t.Errorf("no snapshot: %v", err)
		}
	}
}

// TestOpenSnapshot: a snapshot opened for its checks is read through a memory map and
// left byte for byte as it was; RemoveSnapshot leaves nothing of it; a file that is not
// a book is refused.
func TestOpenSnapshot(t *testing.T) {
	d := bookWithBlob(t, 100_000)
	snap := filepath.Join(t.TempDir(), "snap.db")
	if err := d.Snapshot(t.Context(), snap); err != nil {
		t.Fatal(err)
	}
	before := sha(t, snap)
	s, err := OpenSnapshot(t.Context(), snap)
	if err != nil {
		t.Fatal(err)
	}
	if detail, err := s.IntegrityCheck(t.Context(), true); err != nil || detail != "" {
		t.Errorf("integrity: %q %v", detail, err)
	}
	var n, mapped int64
	if err := s.Read(t.Context(), func(tx *Tx) error {
		if err := tx.QueryRowContext(t.Context(), "PRAGMA mmap_size").Scan(&mapped); err != nil {
			return err
		}
		return tx.QueryRowContext(t.Context(), "SELECT count(*) FROM scratch").Scan(&n)
	}); err != nil || n != 1 {
		t.Errorf("read: %d rows, %v", n, err)
	}
	if mapped < 1<<30 {
		t.Errorf("mmap_size %d: the snapshot is not mapped", mapped)
	}
	if err := s.Write(t.Context(), func(tx *Tx) error {
		_, err := tx.ExecContext(t.Context(), "DELETE FROM scratch")
		return err
	}); err == nil {
		t.Error("a write to the snapshot succeeded")
	}
	s.Close()
	if sha(t, snap) != before {
		t.Error("checking the snapshot changed it")
	}
	if st, err := os.Stat(snap + "-wal"); err == nil && st.Size() != 0 {
		t.Errorf("the check wrote %d bytes to the snapshot's -wal", st.Size())
	}
	RemoveSnapshot(snap)
	if entries, _ := os.ReadDir(filepath.Dir(snap)); len(entries) != 0 {
		t.Errorf("%d files left of the snapshot", len(entries))
	}
	text := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(text, []byte("not a book at all, not even close to 100 bytes of header......................"), 0o600)
	if _, err := OpenSnapshot(t.Context(), text); !errors.Is(err, ErrNotABook) {
		t.Errorf("a text file: %v", err)
	}
}

// TestSnapshotHoldsTheWAL: a snapshot holds every commit made before it, the latest ones
// still only in the -wal included; it is a page-for-page copy whose header says WAL, as
// the book's does, so opening it as a book writes nothing to it.
func TestSnapshotHoldsTheWAL(t *testing.T) {
	d := bookWithBlob(t, 100_000)
	ctx := t.Context()
	if err := d.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil { // the first row into the main file
		t.Fatal(err)
	}
	if err := d.Write(ctx, func(tx *Tx) error {
		_, err := tx.Tx.ExecContext(ctx, "INSERT INTO scratch VALUES (x'5741')")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// The last commit is in the -wal only: the main file read alone lacks it.
	if st, err := os.Stat(d.Path() + "-wal"); err != nil || st.Size() == 0 {
		t.Fatalf("no -wal beside the open book: %v", err)
	}
	mainOnly := filepath.Join(t.TempDir(), "main.db")
	raw, err := os.ReadFile(d.Path())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(mainOnly, raw, 0o600)
	if n := scratchRows(t, mainOnly); n != 1 {
		t.Fatalf("the main file alone holds %d rows, want 1: the test proves nothing", n)
	}
	snap := filepath.Join(t.TempDir(), "snap.db")
	if err := d.Snapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if n := scratchRows(t, snap); n != 2 {
		t.Errorf("the snapshot holds %d rows, want 2", n)
	}
	raw, _ = os.ReadFile(snap)
	if raw[18] != 2 || raw[19] != 2 {
		t.Errorf("the snapshot's header says file format %d/%d, want 2/2 (WAL)", raw[18], raw[19])
	}
	before := sha(t, snap)
	o, err := Open(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	if detail, err := o.IntegrityCheck(ctx, true); err != nil || detail != "" {
		t.Errorf("integrity: %q %v", detail, err)
	}
	o.Close()
	if sha(t, snap) != before {
		t.Error("opening the snapshot as a book wrote to it")
	}
	if entries, _ := os.ReadDir(filepath.Dir(snap)); len(entries) != 1 {
		t.Errorf("%d files beside the snapshot", len(entries))
	}
}

// scratchRows counts the rows of table scratch in the file at path, opened read-only as
// it is (immutable: a -wal beside it is not read).
func scratchRows(t *testing.T, path string) int {
	t.Helper()
	s, err := OpenSnapshot(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.Read(t.Context(), func(tx *Tx) error {
		return tx.QueryRowContext(t.Context(), "SELECT count(*) FROM scratch").Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSnapshotWhileWriting: snapshots taken while another connection commits again and
// again are each one commit's state — the counter a commit bumps equals the rows it
// added — and pass integrity_check; the writer is not held up by them.
func TestSnapshotWhileWriting(t *testing.T) {
	d := bookWithBlob(t, 8_000_000) // a copy long enough for commits to land during it
	ctx := t.Context()
	if err := d.Write(ctx, func(tx *Tx) error {
		_, err := tx.Tx.ExecContext(ctx, "CREATE TABLE tally(n INTEGER NOT NULL); INSERT INTO tally VALUES (0)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var commits atomic.Int64
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			err := d.Write(ctx, func(tx *Tx) error {
				if _, err := tx.Tx.ExecContext(ctx, "INSERT INTO scratch VALUES (randomblob(3000))"); err != nil {
					return err
				}
				_, err := tx.Tx.ExecContext(ctx, "UPDATE tally SET n = n + 1")
				return err
			})
			if err != nil {
				writerDone <- err
				return
			}
			commits.Add(1)
		}
	}()
	overlapped, taken := 0, 0
	for i := 0; i < 40 && overlapped < 3; i++ {
		taken++
		snap := filepath.Join(t.TempDir(), "snap.db")
		before := commits.Load()
		if err := d.Snapshot(ctx, snap); err != nil {
			t.Fatal(err)
		}
		if commits.Load() > before {
			overlapped++
		}
		s, err := OpenSnapshot(ctx, snap)
		if err != nil {
			t.Fatal(err)
		}
		if detail, err := s.IntegrityCheck(ctx, true); err != nil || detail != "" {
			t.Errorf("snapshot %d: integrity %q %v", i, detail, err)
		}
		var rows, tally int64
		if err := s.Read(ctx, func(tx *Tx) error {
			if err := tx.QueryRowContext(ctx, "SELECT count(*) - 1 FROM scratch").Scan(&rows); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, "SELECT n FROM tally").Scan(&tally)
		}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if rows != tally {
			t.Errorf("snapshot %d: %d rows added, the tally says %d: not one commit's state", i, rows, tally)
		}
	}
	close(stop)
	if err := <-writerDone; err != nil {
		t.Fatalf("the writer failed while snapshots were taken: %v", err)
	}
	if overlapped == 0 {
		t.Error("no commit landed during a snapshot: the test proves nothing")
	}
	t.Logf("%d commits; %d of %d snapshots had commits land while they were taken", commits.Load(), overlapped, taken)
}

// TestStandardGzipPayload: a backup of format 1, whose payload is a gzip stream — the
// standard library's, as the backups made before the faster encoders were — still
// extracts and verifies.
func TestStandardGzipPayload(t *testing.T) {
	d := bookWithBlob(t, 1_500_000)
	for _, pw := range []string{"", "pw"} {
		dst, snap := writeTestBackup(t, d, pw)
		h, start, err := openBackup(dst)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := os.ReadFile(snap)
		var payload bytes.Buffer
		var w io.WriteCloser = nopCloser{&payload}
		if pw != "" {
			key, _ := backupKey(&h, pw)
			if w, err = newSealer(&payload, key); err != nil {
				t.Fatal(err)
			}
		}
		zw, _ := stdgzip.NewWriterLevel(w, stdgzip.BestSpeed)
		zw.Write(raw)
		zw.Close()
		w.Close()
		h.Format = formatGzip
		h.PayloadSize = int64(payload.Len())
		sum := sha256.Sum256(payload.Bytes())
		h.PayloadSHA256 = hex.EncodeToString(sum[:])
		head, err := encodeHeader(h, int(start)-prefixLen-sha256.Size)
		if err != nil {
			t.Fatal(err)
		}
		old := filepath.Join(t.TempDir(), "old"+BackupExt)
		if err := os.WriteFile(old, append(head, payload.Bytes()...), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := VerifyBackup(t.Context(), old, pw, snap); err != nil {
			t.Errorf("encrypted=%v: VerifyBackup: %v", pw != "", err)
		}
		out := filepath.Join(t.TempDir(), "out.book")
		if _, err := ExtractBackup(t.Context(), old, pw, out); err != nil {
			t.Fatalf("encrypted=%v: ExtractBackup: %v", pw != "", err)
		}
		if sha(t, out) != sha(t, snap) {
			t.Error("the extracted book differs from the snapshot")
		}
	}
}

// TestLastChunk: a payload cut at a chunk boundary fails there even when the length it
// is read with agrees (the last chunk is sealed as the last).
func TestLastChunk(t *testing.T) {
	key := make([]byte, 32)
	var buf bytes.Buffer
	s, err := newSealer(&buf, key)
	if err != nil {
		t.Fatal(err)
	}
	s.Write(make([]byte, backupChunk+10))
	s.Close()
	full := int64(buf.Len())
	o, _ := newOpener(bytes.NewReader(buf.Bytes()), key, backupChunk, full)
	if n, err := io.Copy(io.Discard, o); err != nil || n != backupChunk+10 {
		t.Fatalf("whole: %d, %v", n, err)
	}
	o, _ = newOpener(bytes.NewReader(buf.Bytes()), key, backupChunk, backupChunk+gcmOverhead)
	if _, err := io.Copy(io.Discard, o); !errors.Is(err, errTag) {
		t.Fatalf("cut at the boundary: %v", err)
	}
}

func TestEnsureUnused(t *testing.T) {
	d, path := newBook(t)
	if err := EnsureUnused(t.Context(), path); !errors.Is(err, ErrBusy) {
		t.Errorf("open book: %v, want ErrBusy", err)
	}
	d.Close()
	if err := EnsureUnused(t.Context(), path); err != nil {
		t.Errorf("closed book: %v", err)
	}
	if err := EnsureUnused(t.Context(), path+".none"); err != nil {
		t.Errorf("no book: %v", err)
	}
}

// FuzzBackupHeader: any bytes are a header or a named refusal, never a panic.
func FuzzBackupHeader(f *testing.F) {
	h, _ := encodeHeader(BackupHeader{Format: 1, Book: "shop", PayloadSHA256: string(bytes.Repeat([]byte("0"), 64))}, 300)
	f.Add(h)
	f.Add([]byte("SHOPBOOKS-BACKUP"))
	f.Add([]byte("SQLite format 3\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, err := decodeHeader(bytes.NewReader(b), int64(len(b)))
		if err != nil && !errors.Is(err, ErrNotABackup) && !errors.Is(err, ErrBackupTruncated) &&
			!errors.Is(err, ErrBackupCorrupt) && !errors.Is(err, ErrBackupNewer) {
			t.Fatalf("unnamed refusal: %v", err)
		}
	})
}
