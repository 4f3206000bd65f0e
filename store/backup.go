package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/s2"
	"golang.org/x/crypto/argon2"
	"modernc.org/sqlite"
)

// Backups. A backup is a consistent snapshot of the book (Snapshot: SQLite's online
// backup API, never a copy of the open file), compressed and, with a password,
// encrypted, behind a small header that says what it holds. The file layout (all
// integers big-endian):
//
//	"SHOPBOOKS-BACKUP"      16 bytes, the magic
//	format                  uint16 (BackupFormat)
//	header length N         uint32
//	header                  N bytes of JSON (BackupHeader), padded with spaces
//	header checksum         32 bytes: SHA-256 of everything above
//	payload                 PayloadSize bytes: the compressed SQLite file — format 2 an
//	                        S2 stream (github.com/klauspost/compress/s2: blocks of at
//	                        most 1 MiB, each with the CRC-32C of its content), format 1
//	                        a gzip stream; when encrypted, cut into chunks of ChunkSize
//	                        plaintext bytes, each sealed with AES-256-GCM (nonce: the
//	                        chunk's index; the additional data marks the last chunk)
//
// Format 2 is written; format 1, the backups of earlier versions, is still read. S2
// replaced gzip because a backup is timed (issue 7: under 2 s on a book of years, with
// its checks): on the 266 MB generated book it compresses in about a third of the CPU
// time of gzip's fastest level and decompresses in a sixth, for a file about 14%
// larger (130 MB against 114 MB).
//
// Every kind of damage is named: a wrong magic is not a backup; a file shorter than its
// header says is truncated; a bad header checksum, a payload whose SHA-256 differs from
// the header's, a GCM tag that fails, a block whose CRC fails or a stream that does not
// end where it should is corrupt; a password whose key check fails is wrong. The key is
// Argon2id of the password and a per-file salt; the header's key check (HMAC-SHA256 of a
// fixed text under the key) tells a wrong password from a damaged file.

// BackupFormat is the layout version this program writes; it reads every one up to it.
const BackupFormat = 2

// formatGzip is the first layout, whose payload is a gzip stream.
const formatGzip = 1

// BackupExt ends every backup file's name.
const BackupExt = ".shopbooks-backup"

const (
	backupMagic     = "SHOPBOOKS-BACKUP"
	backupChunk     = 1 << 20
	maxHeaderLen    = 64 << 10
	keyCheckText    = "ShopBooks backup key check"
	gcmOverhead     = 16
	prefixLen       = len(backupMagic) + 2 + 4
	kdfArgon2id     = "argon2id"
	kdfTime         = 3
	kdfMemoryKiB    = 64 * 1024
	kdfThreads      = 4
	maxKDFMemoryKiB = 1 << 20 // a crafted header cannot make us allocate more than 1 GiB
	maxKDFTime      = 16
)

// The conditions of a backup file. ledger turns them into refusals.
var (
	ErrNotABackup      = &Sentinel{"not a ShopBooks backup"}
	ErrBackupTruncated = &Sentinel{"backup file truncated"}
	ErrBackupCorrupt   = &Sentinel{"backup file corrupt"}
	ErrBackupPassword  = &Sentinel{"wrong backup password"}
	ErrPasswordNeeded  = &Sentinel{"backup is encrypted: password needed"}
	ErrBackupNewer     = &Sentinel{"backup made by a newer version"}
)

// BackupHeader is what a backup says about itself, readable without the password.
type BackupHeader struct {
	Format        int       `json:"format"`
	Encrypted     bool      `json:"encrypted"`
	KDF           string    `json:"kdf,omitempty"` // "argon2id"
	KDFTime       uint32    `json:"kdf_time,omitempty"`
	KDFMemoryKiB  uint32    `json:"kdf_memory_kib,omitempty"`
	KDFThreads    uint8     `json:"kdf_threads,omitempty"`
	Salt          []byte    `json:"salt,omitempty"`
	KeyCheck      []byte    `json:"key_check,omitempty"`
	ChunkSize     int64     `json:"chunk_size,omitempty"`
	Book          string    `json:"book"`        // the book's file name without its extension
	Shop          string    `json:"shop"`        // the shop's name
	LastClosed    string    `json:"last_closed"` // YYYY-MM, "" when no period is closed
	SchemaVersion int       `json:"schema_version"`
	Created       time.Time `json:"created"`
	AppVersion    string    `json:"app_version"`
	SnapshotSize  int64     `json:"snapshot_size"` // the SQLite file, uncompressed
	PayloadSize   int64     `json:"payload_size"`
	PayloadSHA256 string    `json:"payload_sha256"` // hex
}

// Snapshot writes a consistent copy of the open book to dst with SQLite's online backup
// API (sqlite3_backup_step of every page in one step): the copy is made inside one read
// transaction of a connection of its own, so it is the book as of one commit — a commit
// still in the -wal included — and writers in WAL mode go on meanwhile as beside any
// reader. It is a page-for-page copy, not a rebuild (VACUUM INTO rebuilt every index and
// took ten times as long on a book of years): the copy keeps the book's free pages and
// its layout, and its header still says WAL, as the book's does. dst is a working file
// for a backup, read at once and then removed: it is written under a temporary name
// beside dst (journal_mode OFF, synchronous OFF: a copy cut short is only removed, and
// the backup made from it is synced) and renamed, so dst is either absent or complete.
// An existing dst is refused (ErrExists).
func (d *DB) Snapshot(ctx context.Context, dst string) error {
	dst, err := filepath.Abs(dst)
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", dst, err)
	}
	if err := refuseExisting(dst); err != nil {
		return err
	}
	tmp, err := tempName(dst, ".snapshot")
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	src, err := sql.Open("sqlite", fileURI(d.path, fmt.Sprintf("mode=ro&_pragma=busy_timeout(%d)", BusyTimeout.Milliseconds())))
	if err != nil {
		return fmt.Errorf("snapshot %s: %w", d.path, err)
	}
	defer src.Close()
	conn, err := src.Conn(ctx)
	if err != nil {
		return &PathError{Err: classify(err), Path: d.path}
	}
	defer conn.Close()
	if err := ctx.Err(); err != nil {
		return err
	}
	err = conn.Raw(func(dc any) error {
		bk, ok := dc.(backuper)
		if !ok {
			return fmt.Errorf("snapshot %s: the SQLite driver has no backup API", d.path)
		}
		b, err := bk.NewBackup(fileURI(tmp, "_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)"))
		if err != nil {
			return err
		}
		// One step copies every page in one read transaction of the source: the copy
		// cannot tear. Steps of a few pages would let a commit in between restart it.
		_, err = b.Step(-1)
		if ferr := b.Finish(); err == nil {
			err = ferr
		}
		return err
	})
	if err != nil {
		return &PathError{Err: classify(err), Path: dst}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := refuseExisting(dst); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return classifyFS(dst, err)
	}
	return nil
}

// backuper is the modernc.org/sqlite connection's online backup API.
type backuper interface {
	NewBackup(dstURI string) (*sqlite.Backup, error)
}

// fileURI is the SQLite URI of the file at path with the query q.
func fileURI(path, q string) string {
	p := filepath.ToSlash(path)
	if filepath.VolumeName(path) != "" {
		p = "/" + p
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: q}
	return u.String()
}

// OpenSnapshot opens a snapshot made by Snapshot for checking it, read-only: SQLite
// writes nothing to the file, so its bytes stay the ones a backup made from it holds
// (VerifyBackup compares them). Only reads (Read, IntegrityCheck, SchemaDiff) are for
// it. Its pages are read through a memory map (mmap_size), which spares the check a
// system call and a copy per page: a quarter of quick_check's time on a book of years.
// SQLite maps only a file it does not take as immutable, and a read-only connection to
// a file whose header says WAL (as a snapshot's does) makes an empty -wal and a -shm
// beside it: RemoveSnapshot removes them with the snapshot.
func OpenSnapshot(ctx context.Context, path string) (*DB, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, classifyFS(path, err)
	}
	if err := checkHeader(path, st.Size()); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", fileURI(path, fmt.Sprintf("mode=ro&_pragma=busy_timeout(%d)&_pragma=cache_size(-32768)&_pragma=mmap_size(%d)",
		BusyTimeout.Milliseconds(), snapshotMap)))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var appID int
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		db.Close()
		return nil, &PathError{Err: classify(err), Path: path}
	}
	if appID != ApplicationID {
		db.Close()
		return nil, &PathError{Err: ErrNotABook, Path: path}
	}
	return &DB{sql: db, path: path, Now: time.Now}, nil
}

// snapshotMap is the most of a snapshot SQLite maps into memory (it caps it at its own
// limit, 2 GB in its default build).
const snapshotMap = 1 << 40

// RemoveSnapshot removes a snapshot and the -wal and -shm its checks leave beside it.
func RemoveSnapshot(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// refuseExisting refuses dst when it exists or when its folder does not.
func refuseExisting(dst string) error {
	if _, err := os.Lstat(dst); err == nil {
		return &PathError{Err: ErrExists, Path: dst}
	} else if !errors.Is(err, os.ErrNotExist) {
		return classifyFS(dst, err)
	}
	dir := filepath.Dir(dst)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return &PathError{Err: ErrNoFolder, Path: dir}
	}
	return nil
}

// tempName is a fresh hidden name beside path: ".<base><what>-<random>".
func tempName(path, what string) (string, error) {
	var r [6]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+what+"-"+hex.EncodeToString(r[:])), nil
}

// renameNew moves a finished temporary file to dst, refusing to replace an existing one,
// and syncs the folder so the new name survives a crash.
func renameNew(tmp, dst string) error {
	if err := refuseExisting(dst); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return classifyFS(dst, err)
	}
	syncDir(filepath.Dir(dst))
	return nil
}

// syncDir makes a rename in dir durable. Some systems (Windows) cannot sync a folder;
// the rename is then as durable as the system makes it.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// syncFile makes the file at path durable.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// SyncDir makes renames in dir durable (ledger's restore swaps files).
func SyncDir(dir string) { syncDir(dir) }

// backupKey derives the payload key and the key check from the password.
func backupKey(h *BackupHeader, password string) (key, check []byte) {
	key = argon2.IDKey([]byte(password), h.Salt, h.KDFTime, h.KDFMemoryKiB, h.KDFThreads, 32)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(keyCheckText))
	return key, m.Sum(nil)
}

// BackupKey is the key of one encrypted backup: Argon2id of its password with a fresh
// salt. It is derived once (NewBackupKey, which may run while the snapshot is taken) and
// serves both to write the backup (WriteBackup) and to read it back (VerifyBackupWith),
// where deriving it again from the password and the salt read back would cost the
// KDF's time a second time for the same key. It holds no password.
type BackupKey struct {
	h   BackupHeader // KDF, KDFTime, KDFMemoryKiB, KDFThreads, Salt, KeyCheck
	key []byte
}

// NewBackupKey derives the key of a new encrypted backup from password, with a fresh
// salt. A password "" is no encryption: nil.
func NewBackupKey(password string) (*BackupKey, error) {
	if password == "" {
		return nil, nil
	}
	k := &BackupKey{h: BackupHeader{KDF: kdfArgon2id, KDFTime: kdfTime, KDFMemoryKiB: kdfMemoryKiB, KDFThreads: kdfThreads,
		Salt: make([]byte, 16)}}
	if _, err := rand.Read(k.h.Salt); err != nil {
		return nil, err
	}
	k.key, k.h.KeyCheck = backupKey(&k.h, password)
	return k, nil
}

// opens tells whether k is the key of the backup whose header is h: the same KDF, the
// same salt and a key check that matches.
func (k *BackupKey) opens(h *BackupHeader) bool {
	return h.KDF == k.h.KDF && h.KDFTime == k.h.KDFTime && h.KDFMemoryKiB == k.h.KDFMemoryKiB &&
		h.KDFThreads == k.h.KDFThreads && bytes.Equal(h.Salt, k.h.Salt) && hmac.Equal(h.KeyCheck, k.h.KeyCheck)
}

// WriteBackup writes the backup file dst from the snapshot at snapshot (a closed SQLite
// file made by Snapshot), in the current format (BackupFormat). h carries what the
// header says of the book (Book, Shop, LastClosed, SchemaVersion, Created, AppVersion);
// the rest is filled in. A key (NewBackupKey) encrypts; nil does not. dst is written
// under a temporary name, synced and renamed: it is never seen half-written; an
// existing dst is refused (ErrExists).
func WriteBackup(ctx context.Context, snapshot, dst string, key *BackupKey, h BackupHeader) (BackupHeader, error) {
	dst, err := filepath.Abs(dst)
	if err != nil {
		return h, err
	}
	if err := refuseExisting(dst); err != nil {
		return h, err
	}
	src, err := os.Open(snapshot)
	if err != nil {
		return h, classifyFS(snapshot, err)
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return h, classifyFS(snapshot, err)
	}
	h.Format = BackupFormat
	h.SnapshotSize = st.Size()
	h.Encrypted = key != nil
	if h.Encrypted {
		h.KDF, h.KDFTime, h.KDFMemoryKiB, h.KDFThreads = key.h.KDF, key.h.KDFTime, key.h.KDFMemoryKiB, key.h.KDFThreads
		h.Salt, h.KeyCheck = key.h.Salt, key.h.KeyCheck
		h.ChunkSize = backupChunk
	}
	// The header is written last, when the payload's size and hash are known; its room is
	// reserved with the widest values those fields can take.
	wide := h
	wide.PayloadSize = 1<<63 - 1
	wide.PayloadSHA256 = strings.Repeat("0", 64)
	reserved, err := json.Marshal(wide)
	if err != nil {
		return h, err
	}
	tmp, err := tempName(dst, ".writing")
	if err != nil {
		return h, err
	}
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return h, classifyFS(tmp, err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()
	start := int64(prefixLen + len(reserved) + sha256.Size)
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return h, err
	}
	sum := sha256.New()
	out := bufio.NewWriterSize(f, copyBuffer)
	counter := &countWriter{w: io.MultiWriter(out, sum)}
	var payload io.WriteCloser = nopCloser{counter}
	if h.Encrypted {
		if payload, err = newSealer(counter, key.key); err != nil {
			return h, err
		}
	}
	// The S2 writer compresses blocks on as many goroutines as there are cores and hands
	// them on in order from one more: the sealing, the hash and the file's writes run
	// beside the compression.
	zw := s2.NewWriter(payload)
	if _, err := io.CopyBuffer(onlyWriter{zw}, ctxReader{ctx, src}, make([]byte, copyBuffer)); err != nil {
		zw.Close()
		return h, writeErr(tmp, err)
	}
	if err := zw.Close(); err != nil {
		return h, writeErr(tmp, err)
	}
	if err := payload.Close(); err != nil {
		return h, writeErr(tmp, err)
	}
	if err := out.Flush(); err != nil {
		return h, writeErr(tmp, err)
	}
	h.PayloadSize = counter.n
	h.PayloadSHA256 = hex.EncodeToString(sum.Sum(nil))
	head, err := encodeHeader(h, len(reserved))
	if err != nil {
		return h, err
	}
	if _, err := f.WriteAt(head, 0); err != nil {
		return h, writeErr(tmp, err)
	}
	if err := f.Sync(); err != nil {
		return h, writeErr(tmp, err)
	}
	if err := f.Close(); err != nil {
		return h, writeErr(tmp, err)
	}
	done = true
	if err := renameNew(tmp, dst); err != nil {
		os.Remove(tmp)
		return h, err
	}
	return h, nil
}

func writeErr(path string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if strings.Contains(err.Error(), "no space left") {
		return &PathError{Err: ErrDiskFull, Path: path}
	}
	return classifyFS(path, err)
}

// encodeHeader is the magic, the header's format, the header padded to size, and its
// checksum.
func encodeHeader(h BackupHeader, size int) ([]byte, error) {
	js, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	if len(js) > size {
		return nil, fmt.Errorf("backup header: %d bytes, room for %d", len(js), size)
	}
	var b bytes.Buffer
	b.WriteString(backupMagic)
	binary.Write(&b, binary.BigEndian, uint16(h.Format))
	binary.Write(&b, binary.BigEndian, uint32(size))
	b.Write(js)
	b.WriteString(strings.Repeat(" ", size-len(js)))
	sum := sha256.Sum256(b.Bytes())
	b.Write(sum[:])
	return b.Bytes(), nil
}

// ReadBackupHeader reads and checks a backup's header, and checks the file is as long
// as the header says (ErrBackupTruncated when shorter). It reads neither the payload
// nor the password: a quick look, for lists.
func ReadBackupHeader(path string) (BackupHeader, error) {
	h, _, err := openBackup(path)
	return h, err
}

// openBackup reads the header and returns it with the payload's offset.
func openBackup(path string) (BackupHeader, int64, error) {
	var h BackupHeader
	f, err := os.Open(path)
	if err != nil {
		return h, 0, classifyFS(path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return h, 0, classifyFS(path, err)
	}
	if st.IsDir() {
		return h, 0, &PathError{Err: ErrNotABackup, Path: path}
	}
	h, start, err := decodeHeader(f, st.Size())
	if err != nil {
		return h, 0, &PathError{Err: err, Path: path}
	}
	return h, start, nil
}

// decodeHeader reads the header from r, a file of size bytes, and returns it with the
// payload's offset. The errors are the backup sentinels, unwrapped.
func decodeHeader(r io.Reader, size int64) (BackupHeader, int64, error) {
	var h BackupHeader
	prefix := make([]byte, prefixLen)
	n, err := io.ReadFull(r, prefix)
	if n < len(backupMagic) || string(prefix[:len(backupMagic)]) != backupMagic {
		return h, 0, ErrNotABackup
	}
	if err != nil {
		return h, 0, ErrBackupTruncated
	}
	format := binary.BigEndian.Uint16(prefix[16:18])
	hlen := int64(binary.BigEndian.Uint32(prefix[18:22]))
	if format == 0 {
		return h, 0, ErrBackupCorrupt
	}
	if format > BackupFormat {
		return h, 0, ErrBackupNewer
	}
	if hlen > maxHeaderLen || hlen < 2 {
		return h, 0, ErrBackupCorrupt
	}
	start := int64(prefixLen) + hlen + sha256.Size
	if size < start {
		return h, 0, ErrBackupTruncated
	}
	rest := make([]byte, hlen+sha256.Size)
	if _, err := io.ReadFull(r, rest); err != nil {
		return h, 0, ErrBackupTruncated
	}
	sum := sha256.New()
	sum.Write(prefix)
	sum.Write(rest[:hlen])
	if !hmac.Equal(sum.Sum(nil), rest[hlen:]) {
		return h, 0, ErrBackupCorrupt
	}
	if err := json.Unmarshal(rest[:hlen], &h); err != nil {
		return h, 0, ErrBackupCorrupt
	}
	if h.Format != int(format) || h.PayloadSize < 0 || h.SnapshotSize < 0 || len(h.PayloadSHA256) != 64 {
		return h, 0, ErrBackupCorrupt
	}
	if h.Encrypted {
		if h.KDF != kdfArgon2id {
			return h, 0, ErrBackupNewer
		}
		if h.KDFTime == 0 || h.KDFTime > maxKDFTime || h.KDFMemoryKiB == 0 || h.KDFMemoryKiB > maxKDFMemoryKiB ||
			h.KDFThreads == 0 || len(h.Salt) < 8 || len(h.KeyCheck) != sha256.Size || h.ChunkSize <= 0 || h.ChunkSize > 64<<20 {
			return h, 0, ErrBackupCorrupt
		}
	}
	switch {
	case size < start+h.PayloadSize:
		return h, 0, ErrBackupTruncated
	case size > start+h.PayloadSize:
		return h, 0, ErrBackupCorrupt // something was appended or the header lies
	}
	return h, start, nil
}

// CheckBackup reads the whole backup file and checks its header, its length, the
// password (when the backup is encrypted and password is not "") and the payload's
// SHA-256, without decrypting. An encrypted backup read with password "" is checked
// except for the password.
func CheckBackup(ctx context.Context, path, password string) (BackupHeader, error) {
	h, start, err := openBackup(path)
	if err != nil {
		return h, err
	}
	if h.Encrypted && password != "" {
		if _, check := backupKey(&h, password); !hmac.Equal(check, h.KeyCheck) {
			return h, &PathError{Err: ErrBackupPassword, Path: path}
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return h, classifyFS(path, err)
	}
	defer f.Close()
	sum := sha256.New()
	n, err := io.Copy(sum, ctxReader{ctx, io.NewSectionReader(f, start, h.PayloadSize)})
	if err != nil {
		return h, readErr(path, err)
	}
	if n != h.PayloadSize {
		return h, &PathError{Err: ErrBackupTruncated, Path: path}
	}
	if hex.EncodeToString(sum.Sum(nil)) != h.PayloadSHA256 {
		return h, &PathError{Err: ErrBackupCorrupt, Path: path}
	}
	return h, nil
}

// ExtractBackup decrypts and decompresses the backup at path into a new SQLite file at
// dst (refused when it exists), checking everything CheckBackup checks plus every GCM
// tag, the compressed stream and the snapshot's size, in one pass over the file. dst is
// written but not synced: the caller syncs it (SyncFile) before it counts on it — a
// restore does so while it verifies the copy. On any failure dst is removed. A backup of
// a newer schema is not refused here: the caller compares SchemaVersion with Version().
func ExtractBackup(ctx context.Context, path, password, dst string) (BackupHeader, error) {
	r, err := openPayload(path, password)
	if err != nil {
		return r.h, err
	}
	if err := refuseExisting(dst); err != nil {
		return r.h, err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return r.h, classifyFS(dst, err)
	}
	ok := false
	defer func() {
		if !ok {
			out.Close()
			os.Remove(dst)
		}
	}()
	w := bufio.NewWriterSize(onlyWriter{out}, copyBuffer)
	if err := r.copyTo(ctx, w); err != nil {
		if oe, ok := errors.AsType[*outError](err); ok {
			return r.h, writeErr(dst, oe.err)
		}
		return r.h, err
	}
	if err := w.Flush(); err != nil {
		return r.h, writeErr(dst, err)
	}
	if err := out.Close(); err != nil {
		return r.h, writeErr(dst, err)
	}
	ok = true
	return r.h, nil
}

// SyncFile makes the file at path durable (an extracted backup, before a restore swaps
// it in).
func SyncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return classifyFS(path, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return writeErr(path, err)
	}
	return nil
}

// VerifyBackup reads the backup at path back as ExtractBackup would — header, length,
// password, payload SHA-256, every GCM tag, the compressed stream and its checksums, the
// snapshot's size — and compares what it decompresses to with the file snapshot, byte
// for byte, without writing anything: ErrBackupCorrupt when they differ. A backup that
// passes restores to exactly the bytes of snapshot.
func VerifyBackup(ctx context.Context, path, password, snapshot string) (BackupHeader, error) {
	r, err := openPayload(path, password)
	if err != nil {
		return r.h, err
	}
	return r.h, r.compare(ctx, snapshot)
}

// VerifyBackupWith is VerifyBackup of a backup written with key (nil: not encrypted),
// without deriving the key again: the header read back must name key's KDF and salt and
// hold its key check (ErrBackupPassword otherwise).
func VerifyBackupWith(ctx context.Context, path string, key *BackupKey, snapshot string) (BackupHeader, error) {
	h, start, err := openBackup(path)
	r := &payloadReader{path: path, h: h, start: start}
	if err != nil {
		return h, err
	}
	switch {
	case h.Encrypted && key == nil:
		return h, &PathError{Err: ErrPasswordNeeded, Path: path}
	case h.Encrypted && !key.opens(&h):
		return h, &PathError{Err: ErrBackupPassword, Path: path}
	case !h.Encrypted && key != nil:
		return h, &PathError{Err: ErrBackupCorrupt, Path: path} // written encrypted, read back plain
	case h.Encrypted:
		r.key = key.key
	}
	return h, r.compare(ctx, snapshot)
}

// compare decompresses the payload and compares it with the file snapshot.
func (r *payloadReader) compare(ctx context.Context, snapshot string) error {
	f, err := os.Open(snapshot)
	if err != nil {
		return classifyFS(snapshot, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return classifyFS(snapshot, err)
	}
	if st.Size() != r.h.SnapshotSize {
		return &PathError{Err: ErrBackupCorrupt, Path: r.path}
	}
	same := &sameAs{r: bufio.NewReaderSize(f, copyBuffer)}
	if err := r.copyTo(ctx, same); err != nil {
		if oe, ok := errors.AsType[*outError](err); ok {
			if errors.Is(oe.err, errDiffers) {
				return &PathError{Err: ErrBackupCorrupt, Path: r.path}
			}
			return readErr(snapshot, oe.err)
		}
		return err
	}
	return nil
}

// copyBuffer is the size of the reads and writes of a backup's passes over a file.
const copyBuffer = 1 << 20

// payloadReader is a backup whose header and password were checked, ready to read.
type payloadReader struct {
	path  string
	h     BackupHeader
	start int64
	key   []byte
}

// openPayload reads the backup's header and checks the password (ErrPasswordNeeded
// when the backup is encrypted and password is "").
func openPayload(path, password string) (*payloadReader, error) {
	h, start, err := openBackup(path)
	r := &payloadReader{path: path, h: h, start: start}
	if err != nil {
		return r, err
	}
	if h.Encrypted {
		if password == "" {
			return r, &PathError{Err: ErrPasswordNeeded, Path: path}
		}
		var check []byte
		r.key, check = backupKey(&h, password)
		if !hmac.Equal(check, h.KeyCheck) {
			return r, &PathError{Err: ErrBackupPassword, Path: path}
		}
	}
	return r, nil
}

// copyTo decrypts and decompresses the payload into out in one pass, checking every GCM
// tag, the compressed stream (its checksums, and that nothing follows it), the
// snapshot's size and the payload's SHA-256. Damage is ErrBackupCorrupt; out's own
// errors come wrapped in an *outError.
func (r *payloadReader) copyTo(ctx context.Context, out io.Writer) error {
	f, err := os.Open(r.path)
	if err != nil {
		return classifyFS(r.path, err)
	}
	defer f.Close()
	sum := sha256.New()
	var payload io.Reader = io.TeeReader(ctxReader{ctx, bufio.NewReaderSize(io.NewSectionReader(f, r.start, r.h.PayloadSize), copyBuffer)}, sum)
	if r.h.Encrypted {
		if payload, err = newOpener(payload, r.key, r.h.ChunkSize, r.h.PayloadSize); err != nil {
			return err
		}
	}
	corrupt := &PathError{Err: ErrBackupCorrupt, Path: r.path}
	lim := &limitWriter{w: out, left: r.h.SnapshotSize}
	if err := decompress(r.h.Format, payload, lim); err != nil {
		switch {
		case lim.err == errTooLong:
			return corrupt
		case lim.err != nil:
			return &outError{lim.err}
		}
		return extractErr(r.path, err, corrupt)
	}
	if lim.left != 0 {
		return corrupt
	}
	// Whatever follows the compressed stream must be nothing: read the payload to its end,
	// which also completes the hash.
	if _, err := io.Copy(io.Discard, payload); err != nil {
		return extractErr(r.path, err, corrupt)
	}
	if hex.EncodeToString(sum.Sum(nil)) != r.h.PayloadSHA256 {
		return corrupt
	}
	return nil
}

// decompress writes what the payload of a backup of the given format decompresses to
// into out. An S2 stream ends with the payload: it is decoded on as many goroutines as
// there are cores, handed on in order; a gzip stream must end alone (no second member).
func decompress(format int, payload io.Reader, out io.Writer) error {
	if format == formatGzip {
		zr, err := gzip.NewReader(payload)
		if err != nil {
			return err
		}
		zr.Multistream(false)
		_, err = zr.WriteTo(out)
		return err
	}
	_, err := s2.NewReader(payload).DecodeConcurrent(out, 0)
	return err
}

// errTooLong: the compressed stream holds more than the header's snapshot size.
var errTooLong = &Sentinel{"backup holds more than its header says"}

// limitWriter passes at most left bytes to w and fails on more (errTooLong).
type limitWriter struct {
	w    io.Writer
	left int64
	err  error // the first error of w or errTooLong
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		l.err = errTooLong
		return 0, l.err
	}
	n, err := l.w.Write(p)
	l.left -= int64(n)
	if err != nil {
		l.err = err
	}
	return n, err
}

// outError is the failure of the writer a payload is copied to.
type outError struct{ err error }

func (e *outError) Error() string { return e.err.Error() }
func (e *outError) Unwrap() error { return e.err }

// errDiffers: what a backup decompresses to is not its snapshot.
var errDiffers = errors.New("backup differs from its snapshot")

// sameAs is a writer that compares what is written with what r reads, byte for byte.
type sameAs struct {
	r   io.Reader
	buf []byte
}

func (s *sameAs) Write(p []byte) (int, error) {
	if cap(s.buf) < len(p) {
		s.buf = make([]byte, len(p))
	}
	b := s.buf[:len(p)]
	if _, err := io.ReadFull(s.r, b); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return 0, errDiffers
		}
		return 0, err
	}
	if !bytes.Equal(b, p) {
		return 0, errDiffers
	}
	return len(p), nil
}

func extractErr(path string, err error, corrupt error) error {
	var pe *PathError
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &pe):
		return err
	case errors.Is(err, errTag), errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader),
		errors.Is(err, s2.ErrCorrupt), errors.Is(err, s2.ErrCRC), errors.Is(err, s2.ErrUnsupported), errors.Is(err, s2.ErrTooLarge),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return corrupt
	}
	if strings.HasPrefix(err.Error(), "flate:") {
		return corrupt
	}
	return readErr(path, err)
}

func readErr(path string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return classifyFS(path, err)
}

var errTag = errors.New("backup chunk does not authenticate")

// sealer encrypts what is written to it in chunks of backupChunk bytes. A full buffer is
// sealed only when more data follows, so the last chunk is always sealed by Close with
// the last mark.
type sealer struct {
	w     io.Writer
	aead  cipher.AEAD
	buf   []byte
	index uint64
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func newSealer(w io.Writer, key []byte) (*sealer, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	return &sealer{w: w, aead: aead, buf: make([]byte, 0, backupChunk+gcmOverhead)}, nil
}

func chunkNonce(index uint64) []byte {
	n := make([]byte, 12)
	binary.BigEndian.PutUint64(n[4:], index)
	return n
}

func chunkAD(last bool) []byte {
	if last {
		return []byte("last")
	}
	return []byte("more")
}

// seal encrypts the buffer in place (its capacity has room for the tag) and writes it.
func (s *sealer) seal(last bool) error {
	out := s.aead.Seal(s.buf[:0], chunkNonce(s.index), s.buf, chunkAD(last))
	s.index++
	_, err := s.w.Write(out)
	s.buf = s.buf[:0]
	return err
}

func (s *sealer) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if len(s.buf) == backupChunk {
			if err := s.seal(false); err != nil {
				return n, err
			}
		}
		k := min(backupChunk-len(s.buf), len(p))
		s.buf = append(s.buf, p[:k]...)
		p = p[k:]
		n += k
	}
	return n, nil
}

func (s *sealer) Close() error { return s.seal(true) }

// opener decrypts the chunks of a payload of total bytes. A chunk is the last exactly
// when the payload ends with it, and its tag says whether it was sealed as the last: a
// file cut at a chunk boundary fails there.
type opener struct {
	r         io.Reader
	aead      cipher.AEAD
	chunk     int64
	remaining int64
	index     uint64
	buf, out  []byte
}

func newOpener(r io.Reader, key []byte, chunk, total int64) (*opener, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	return &opener{r: r, aead: aead, chunk: chunk, remaining: total, buf: make([]byte, chunk+gcmOverhead)}, nil
}

func (o *opener) Read(p []byte) (int, error) {
	for len(o.out) == 0 {
		if o.remaining == 0 {
			return 0, io.EOF
		}
		n := min(o.chunk+gcmOverhead, o.remaining)
		if n <= gcmOverhead {
			return 0, errTag
		}
		if _, err := io.ReadFull(o.r, o.buf[:n]); err != nil {
			return 0, err
		}
		o.remaining -= n
		plain, err := o.aead.Open(o.buf[:0], chunkNonce(o.index), o.buf[:n], chunkAD(o.remaining == 0))
		if err != nil {
			return 0, errTag
		}
		o.index++
		o.out = plain
	}
	n := copy(p, o.out)
	o.out = o.out[n:]
	return n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// onlyWriter hides every method but Write: io.CopyBuffer then uses its buffer, not an
// os.File's ReadFrom with its small one.
type onlyWriter struct{ io.Writer }

// ctxReader stops a long copy when ctx is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// EnsureUnused tells whether another connection (another window or program) has the
// book at path open: it takes SQLite's exclusive lock for a moment and fails with
// ErrBusy when it cannot. A file too damaged to lock counts as unused. The caller closes its own connections first. A missing file
// is unused.
func EnsureUnused(ctx context.Context, path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	p := filepath.ToSlash(path)
	if filepath.VolumeName(path) != "" {
		p = "/" + p
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: "_pragma=busy_timeout(200)&_pragma=locking_mode(EXCLUSIVE)"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err == nil {
		defer conn.Close()
		if _, err = conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err == nil {
			_, err = conn.ExecContext(ctx, "COMMIT")
		}
	}
	// Only a lock held elsewhere counts: a damaged file (the reason to restore it) fails
	// in other ways, and nobody can be using it.
	if err != nil && errors.Is(classify(err), ErrBusy) {
		return &PathError{Err: ErrBusy, Path: path}
	}
	return nil
}
