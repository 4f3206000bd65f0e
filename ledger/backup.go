package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"shopbooks/store"
)

// Backup and restore (ARCHITECTURE.md § storage rules, DOMAIN.md §9). A backup is a file
// <book>-<YYYYMMDD-HHMMSS>.shopbooks-backup in a folder the user picks; its layout is
// store's (store/backup.go). Every backup is verified right after it is written; a
// restore writes beside the book, verifies, then swaps, keeping the replaced book.
// Passwords are never logged nor recorded.

// DefaultKeepBackups is how many of a book's latest backups a folder keeps (besides the
// newest one of each closed month) when the book's BackupKeep setting is not set.
const DefaultKeepBackups = 30

// BackupInfo is what a backup holds, as read from its header.
type BackupInfo struct {
	Path          string
	Book          string // the book's file name, without its extension
	Shop          string
	LastClosed    Period // "" when no period was closed
	Created       time.Time
	Size          int64 // the backup file
	BookSize      int64 // the book it restores
	Encrypted     bool
	SchemaVersion int
	AppVersion    string
	Verified      bool // Backup: read back, it holds the snapshot that passed its check (checkSnapshot)
}

func backupInfo(path string, h store.BackupHeader) BackupInfo {
	info := BackupInfo{Path: path, Book: h.Book, Shop: h.Shop, LastClosed: Period(h.LastClosed), Created: h.Created,
		BookSize: h.SnapshotSize, Encrypted: h.Encrypted, SchemaVersion: h.SchemaVersion, AppVersion: h.AppVersion}
	if st, err := os.Stat(path); err == nil {
		info.Size = st.Size()
	}
	return info
}

// AppVersion is the program's version as the Go toolchain recorded it (module version,
// else the commit), written into every backup's header.
func AppVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "shopbooks"
	}
	v := "shopbooks " + bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

// bookBase is the book's file name without its extension: "shop" for shop.book.
func bookBase(bookPath string) string {
	base := filepath.Base(bookPath)
	if ext := filepath.Ext(base); ext != "" && ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// BackupName is the name of a backup of the book at bookPath made at t (local time).
func BackupName(bookPath string, t time.Time) string {
	return bookBase(bookPath) + "-" + t.Local().Format("20060102-150405") + store.BackupExt
}

// backupPattern matches the names of this book's backups, and nothing else: another
// book's (shop2-…), a renamed copy, a file of another program.
func backupPattern(bookPath string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(bookBase(bookPath)) + `-(\d{8}-\d{6})` + regexp.QuoteMeta(store.BackupExt) + `$`)
}

// fromBackup turns the store's backup and file conditions into refusals naming path.
func fromBackup(path string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*Error](err); ok {
		return err
	}
	var code Code
	switch {
	case errors.Is(err, store.ErrNotABackup):
		code = CodeNotABackup
	case errors.Is(err, store.ErrBackupTruncated):
		code = CodeBackupTruncated
	case errors.Is(err, store.ErrBackupCorrupt):
		code = CodeBackupCorrupt
	case errors.Is(err, store.ErrBackupPassword):
		code = CodeBackupPassword
	case errors.Is(err, store.ErrPasswordNeeded):
		code = CodeBackupNeedsPass
	case errors.Is(err, store.ErrBackupNewer):
		return &Error{Code: CodeBackupNewer, Args: map[string]any{"path": path, "book": "?", "app": store.Version()}, Err: err}
	case errors.Is(err, store.ErrNoFile):
		code = CodeNoBook
	default:
		return fromStore(err)
	}
	return &Error{Code: code, Args: map[string]any{"path": path}, Err: err}
}

// ReadBackupInfo shows what a backup holds without restoring it. It reads the whole
// file: the header, the length and the payload's checksum must be right
// (CodeNotABackup, CodeBackupTruncated, CodeBackupCorrupt); with a password, an
// encrypted backup's password is checked too (CodeBackupPassword). An encrypted backup
// read with password "" shows its header.
func ReadBackupInfo(ctx context.Context, path, password string) (BackupInfo, error) {
	h, err := store.CheckBackup(ctx, path, password)
	if err != nil {
		return BackupInfo{Path: path}, fromBackup(path, err)
	}
	return backupInfo(path, h), nil
}

// ListBackups lists the backups of the book at bookPath in dir, newest first, from
// their headers (a quick look: the payloads are not read). A file whose name matches
// but whose header does not read is listed with what its name tells and Problem set.
func ListBackups(dir, bookPath string) ([]ListedBackup, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, refuse(CodeNoFolder, "path", dir)
		}
		return nil, fmt.Errorf("list backups in %s: %w", dir, err)
	}
	pat := backupPattern(bookPath)
	var out []ListedBackup
	for _, e := range entries {
		m := pat.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		l := ListedBackup{stamp: m[1]}
		h, err := store.ReadBackupHeader(path)
		if err != nil {
			l.BackupInfo = BackupInfo{Path: path, Book: bookBase(bookPath)}
			if st, err := os.Stat(path); err == nil {
				l.Size = st.Size()
			}
			if t, err := time.ParseInLocation("20060102-150405", m[1], time.Local); err == nil {
				l.Created = t
			}
			l.Problem = CodeOf(fromBackup(path, err))
		} else {
			l.BackupInfo = backupInfo(path, h)
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].stamp > out[j].stamp })
	return out, nil
}

// ListedBackup is one file of ListBackups.
type ListedBackup struct {
	BackupInfo
	Problem Code // "" when the header reads; else why it does not
	stamp   string
}

// Backup writes a verified backup of the book into dir (which must exist) and returns
// what it holds. Needs PermBackup. The file is written from an online snapshot under a
// temporary name, then renamed; it is verified as a restore would need it: the snapshot
// it was made from passes SQLite's page check (PRAGMA quick_check, see
// snapshotPageCheck) and VerifyQuick and holds this book's trail, and the file, read
// back (decrypted and decompressed), holds exactly that snapshot's bytes (checkSnapshot,
// store.VerifyBackupWith). A backup that fails is deleted and the refusal returned
// (CodeBackupUnverified). Then the "book.backup" record is appended to the trail (after
// the snapshot: the backup does not hold it), and the folder is pruned to the book's
// BackupKeep setting (PruneBackups). A non-empty password encrypts; it is never logged
// nor stored. The log's "backup written" record tells the parts' times.
func (b *Book) Backup(ctx context.Context, by *User, dir, password string) (BackupInfo, error) {
	return b.BackupWith(ctx, by, dir, password, nil)
}

// The steps of a backup, told to BackupWith's progress in this order. Cancelling the
// context stops the backup until BackupVerify: the file is then complete under its name,
// and the verification and its record run to the end.
const (
	BackupSnapshot = "snapshot" // the online backup API into a temporary file (and an encrypted backup's key)
	BackupWrite    = "write"    // compress (and encrypt) into the folder, then rename; the snapshot's check starts
	BackupVerify   = "verify"   // read the file back against the snapshot; the snapshot's check ends
	BackupRecord   = "record"   // the "book.backup" record, then pruning the folder
)

// BackupWith is Backup telling each step (BackupSnapshot, BackupWrite, BackupVerify,
// BackupRecord) to progress, when not nil. The folder is pruned to the book's
// BackupKeep setting.
func (b *Book) BackupWith(ctx context.Context, by *User, dir, password string, progress func(step string)) (BackupInfo, error) {
	tell := func(step string) {
		if progress != nil {
			progress(step)
		}
	}
	if err := b.require(by, PermBackup); err != nil {
		return BackupInfo{}, err
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return BackupInfo{}, err
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return BackupInfo{}, refuse(CodeNoFolder, "path", dir)
	}
	// What the header says, read in one snapshot before the copy (the copy is at least
	// as new: a close in between shows as a later period than the header names).
	var h store.BackupHeader
	keep := DefaultKeepBackups
	err = b.db.Read(ctx, func(tx *store.Tx) error {
		now, err := actingUser(ctx, tx, by)
		if err != nil {
			return err
		}
		if !now.Can(PermBackup) {
			return forbidden(string(PermBackup))
		}
		s, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		h.Shop = s.Name
		if s.BackupKeep > 0 {
			keep = s.BackupKeep
		}
		h.LastClosed, err = lastClosed(ctx, tx)
		return err
	})
	if err != nil {
		return BackupInfo{}, fromStore(err)
	}
	h.Book = bookBase(b.Path())
	h.SchemaVersion = store.Version()
	h.AppVersion = AppVersion()

	snap, err := tempBeside(b.Path(), ".snapshot")
	if err != nil {
		return BackupInfo{}, err
	}
	defer store.RemoveSnapshot(snap)
	start := time.Now()
	tell(BackupSnapshot)
	// An encrypted backup's key (Argon2id, a quarter of a second of CPU) is derived on
	// the core the snapshot leaves idle, once: it writes the file and reads it back.
	type derived struct {
		key *store.BackupKey
		err error
	}
	keyc := make(chan derived, 1)
	go func() {
		k, err := store.NewBackupKey(password)
		keyc <- derived{k, err}
	}()
	if err := b.db.Snapshot(ctx, snap); err != nil {
		return BackupInfo{}, fromStore(err)
	}
	kd := <-keyc
	if kd.err != nil {
		return BackupInfo{}, kd.err
	}
	snapped := time.Now()
	tell(BackupWrite)
	// The snapshot is checked while it is compressed into the folder and read back: the
	// check is SQLite's work, the compression S2's, sharing the cores. A cancel stops the
	// check only with the write: once the file is in place the check runs to its end.
	checkCtx, stopCheck := context.WithCancel(context.WithoutCancel(ctx))
	var head int64
	var checkErr error
	var check time.Duration
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		t := time.Now()
		head, checkErr = b.checkSnapshot(checkCtx, snap)
		check = time.Since(t)
	}()
	defer func() { stopCheck(); <-checked }() // before the snapshot is removed
	// One file per second: when this second's name is taken (two backups in a row), the
	// next free second's.
	created := b.db.Now()
	var path string
	for i := range 10 {
		h.Created = created.Add(time.Duration(i) * time.Second).UTC().Truncate(time.Second)
		path = filepath.Join(dir, BackupName(b.Path(), h.Created))
		h, err = store.WriteBackup(ctx, snap, path, kd.key, h)
		if !errors.Is(err, store.ErrExists) {
			break
		}
	}
	if err != nil {
		return BackupInfo{}, fromStore(err)
	}
	// The file is complete under its name: from here on the backup is finished, whatever
	// the caller's context says.
	ctx = context.WithoutCancel(ctx)
	written := time.Now()
	tell(BackupVerify)
	_, err = store.VerifyBackupWith(ctx, path, kd.key, snap)
	readBack := time.Since(written)
	<-checked
	done := time.Now()
	store.RemoveSnapshot(snap) // as large as the book: gone before the record and the pruning
	switch {
	case checkErr != nil:
		err = unverified(path, checkErr)
	case err != nil:
		err = unverified(path, fromBackup(path, err))
	}
	if err != nil {
		os.Remove(path)
		b.log.Error("backup failed its verification and was deleted", "path", path, "err", err)
		return BackupInfo{}, err
	}
	info := backupInfo(path, h)
	info.Verified = true
	tell(BackupRecord)
	reason := filepath.Base(path)
	if h.Encrypted {
		reason += " (encrypted)"
	}
	reason += fmt.Sprintf("; %s%d", backupHeadMark, head)
	if err := b.write(ctx, by, PermBackup, func(tx *store.Tx) error {
		return logEvent(ctx, tx, by.Name, "book.backup", entBook, 1, reason)
	}); err != nil {
		// The backup is good; only its record failed (the book went busy): say so.
		return info, err
	}
	b.log.Info("backup written", "path", path, "size", info.Size, "encrypted", h.Encrypted, "user", by.Name,
		"snapshot", snapped.Sub(start), "write", written.Sub(snapped), "read_back", readBack, "check", check,
		"verified", done.Sub(start), "total", time.Since(start))
	if removed, err := b.PruneBackups(ctx, dir, keep); err != nil {
		b.log.Warn("old backups not pruned", "dir", dir, "err", err)
	} else if len(removed) > 0 {
		b.log.Info("old backups removed", "dir", dir, "files", removed)
	}
	return info, nil
}

// lastClosed is the latest closed period, or "".
func lastClosed(ctx context.Context, tx *store.Tx) (string, error) {
	var p sql.NullString
	err := tx.QueryRowContext(ctx, "SELECT max(period) FROM periods WHERE closed = 1").Scan(&p)
	return p.String, err
}

// tempBeside is a fresh hidden name in path's folder.
func tempBeside(path, what string) (string, error) {
	name, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+what+"-*")
	if err != nil {
		return "", fromStore(&store.PathError{Err: store.ErrReadOnly, Path: filepath.Dir(path)})
	}
	p := name.Name()
	name.Close()
	os.Remove(p) // the store refuses to overwrite: it wants the name, not the file
	return p, nil
}

// snapshotPageCheck is SQLite's check of the pages of a backup's snapshot: false runs
// PRAGMA quick_check, true PRAGMA integrity_check. The decision (issue 7) is
// quick_check: it checks every page's b-tree structure, the cells' format, the free
// list and that no page is lost or used twice — everything but the cross-check of each
// index's content against its table, which on the 266 MB book of three years is most of
// integrity_check's time (6.7 s against 1.2 s; stock_moves alone, then with 7 indexes,
// 3 s). The snapshot is a page-for-page copy of the live book (store.Snapshot), so what
// quick_check leaves out would be a fault of the book itself, not of the copy: the full
// verify (the settings' full check) runs integrity_check on the book, and every restore
// runs it on what it restores before it swaps it in. Set it to true to have each backup
// run integrity_check again.
const snapshotPageCheck = false

// checkSnapshot checks the snapshot a backup is written from as the book a restore of
// that backup would open: it opens it read-only (nothing is written to it, so its bytes
// stay the ones the backup holds), runs SQLite's check of every page (quick_check:
// snapshotPageCheck) and, beside it, VerifyQuick, and checks that its trail ends on a
// record of this book's own trail. It returns the sequence number of that last record.
//
// Why the snapshot and not a copy restored from the written file: store.VerifyBackupWith
// then reads the file back (payload checksum, every GCM tag with the backup's key, the
// compressed stream and its checksums) and compares what it decompresses to with the
// snapshot byte for byte. A file that decompresses to exactly the bytes that were opened
// and checked holds a book that opens and passes those checks; extracting it to disk
// and opening it again would check the same bytes a second time. The snapshot is a copy
// of a book that was verified as it was opened and written only by the services since;
// the full verify of a book of years is the settings' full check, and a restore runs it
// on what it restores.
func (b *Book) checkSnapshot(ctx context.Context, snap string) (int64, error) {
	db, err := store.OpenSnapshot(ctx, snap)
	if err != nil {
		return 0, fromStore(err)
	}
	c := &Book{db: db, log: b.log, pause: sleepCtx}
	defer c.Close()
	// SQLite's page check and VerifyQuick read the snapshot on two connections at once
	// (the compression is done long before the page check, which takes the longest);
	// the page check's failure is the one told first, as Verify tells it.
	var detail string
	var icErr error
	ic := make(chan struct{})
	go func() {
		defer close(ic)
		detail, icErr = c.db.IntegrityCheck(ctx, snapshotPageCheck)
	}()
	rep, err := c.VerifyQuick(ctx)
	<-ic
	switch {
	case icErr != nil:
		return 0, fromStore(icErr)
	case detail != "":
		return 0, refuse(CodeVerifyIntegrity, "detail", detail)
	case err != nil:
		return 0, err
	case rep.Failure != nil:
		return 0, rep.Failure
	}
	head, hash, err := c.ChainHead(ctx)
	if err != nil {
		return 0, err
	}
	// The copy's trail ends on a record of this book's own trail: the same record, the
	// same hash — with the copy's chain checked, the copy holds this book's history.
	var mine string
	err = b.db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT hash FROM audit_log WHERE seq = ?", head).Scan(&mine)
	})
	if err != nil || mine != hash {
		if ctxErr(err) {
			return 0, err
		}
		return 0, refuse(CodeVerifyChain, "seq", head)
	}
	return head, nil
}

// backupHeadMark precedes, in the reason of a "book.backup" record, the sequence number
// of the last record the backup holds (ChangedSinceBackup reads it).
const backupHeadMark = "holds records to "

// unchanging are the audit actions that change nothing a backup holds worth a new one.
var unchanging = map[string]bool{"user.login": true, "user.login_failed": true, "book.backup": true, "book.export": true}

// ChangedSinceBackup tells whether the book holds anything its last backup does not: a
// record of the audit trail after the last one that backup holds, other than logins and
// backups. A book never backed up has changed. It reads the trail backwards from its
// end, so it costs a few rows, not the trail.
func (b *Book) ChangedSinceBackup(ctx context.Context) (bool, error) {
	changed := true
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT seq, action, reason FROM audit_log ORDER BY seq DESC")
		if err != nil {
			return err
		}
		defer rows.Close()
		held := int64(-1) // the backup found holds records up to this one
		for rows.Next() {
			var seq int64
			var action, reason string
			if err := rows.Scan(&seq, &action, &reason); err != nil {
				return err
			}
			if held >= 0 && seq <= held {
				changed = false
				return nil
			}
			if held < 0 && action == "book.backup" {
				held = seq - 1 // a record written before this mark: the snapshot preceded it
				if i := strings.LastIndex(reason, backupHeadMark); i >= 0 {
					if n, err := strconv.ParseInt(strings.TrimSpace(reason[i+len(backupHeadMark):]), 10, 64); err == nil && n < seq {
						held = n
					}
				}
				continue
			}
			if !unchanging[action] {
				changed = true
				return nil
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		changed = held < 0
		return nil
	})
	return changed, fromStore(err)
}

// checkCandidate runs Verify(full) — SQLite's integrity_check with it, and everything
// VerifyQuick checks — once on a book restored from the backup at path.
func (b *Book) checkCandidate(ctx context.Context, path string) error {
	rep, err := b.Verify(ctx, true)
	if err != nil {
		return unverified(path, err)
	}
	if rep.Failure != nil {
		return unverified(path, rep.Failure)
	}
	return nil
}

func unverified(path string, cause error) error {
	if ctxErr(cause) {
		return cause
	}
	return &Error{Code: CodeBackupUnverified, Args: map[string]any{"path": path, "check": string(CodeOf(cause))}, Err: cause}
}

func ctxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// removeBook removes a temporary book and whatever SQLite or an upgrade left beside it.
func removeBook(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
	removeUpgradeCopies(path)
}

// removeUpgradeCopies removes the <path>.v<N>.bak copies store.Open keeps before an upgrade.
func removeUpgradeCopies(path string) {
	if more, err := filepath.Glob(globEscape(path) + ".v*.bak"); err == nil {
		for _, p := range more {
			os.Remove(p)
		}
	}
}

func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(s)
}

// PruneBackups removes this book's old backups from dir: it keeps the newest keep of
// them, plus, for every closed period, the newest backup whose last closed period is
// that one (the book as it was at each month end). Only files named as this book's
// backups (BackupName) are considered; others — another book's, a renamed copy — are
// never touched. It returns the files removed.
func (b *Book) PruneBackups(ctx context.Context, dir string, keep int) ([]string, error) {
	if keep < 1 {
		keep = 1
	}
	list, err := ListBackups(dir, b.Path())
	if err != nil {
		return nil, err
	}
	closed := map[Period]bool{}
	periods, err := b.Periods(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range periods {
		if p.Closed {
			closed[p.Period] = true
		}
	}
	monthKept := map[Period]bool{}
	var removed []string
	for i, l := range list { // newest first
		if i < keep {
			if l.Problem == "" {
				monthKept[l.LastClosed] = true
			}
			continue
		}
		if l.Problem == "" && closed[l.LastClosed] && !monthKept[l.LastClosed] {
			monthKept[l.LastClosed] = true
			continue
		}
		if err := os.Remove(l.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return removed, fmt.Errorf("prune %s: %w", l.Path, err)
		}
		removed = append(removed, l.Path)
	}
	return removed, nil
}

// Restored is the outcome of a restore: the book now open at the book's path, what the
// backup held, and where the replaced book was kept ("" when there was none).
type Restored struct {
	Book *Book
	Info BackupInfo
	Kept string
}

// RestoreAs replaces this book with the backup at backupPath, as `by`, who must be
// allowed PermRestore (admin) in this book as it is now. The backup is checked, written
// beside the book, opened and verified (Verify(full)) while this book stays open; any
// refusal then (CodeBackupPassword, CodeBackupCorrupt, CodeBackupTruncated,
// CodeNotABackup, CodeBackupNewer, CodeBackupUnverified) leaves this book open and
// untouched. Then this book is closed, checked unused by any other program
// (CodeBookInUse: it is reopened), renamed with its -wal to
// <book>.before-restore-<time>, and the restored file renamed into its place. The
// "book.restore" record is appended to the restored book, which is returned open; b is
// closed.
func (b *Book) RestoreAs(ctx context.Context, by *User, backupPath, password string) (Restored, error) {
	if err := b.require(by, PermRestore); err != nil {
		return Restored{}, err
	}
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		now, err := actingUser(ctx, tx, by)
		if err != nil {
			return err
		}
		if !now.Can(PermRestore) {
			return forbidden(string(PermRestore))
		}
		return nil
	})
	if err != nil {
		return Restored{}, fromStore(err)
	}
	path := b.Path()
	closed := false
	r, err := restore(ctx, backupPath, password, path, b.log,
		func(context.Context, *Book) (string, error) { return by.Name, nil },
		func() error { closed = true; return b.Close() })
	if err != nil && closed {
		// Refused after this book was closed (another program has it open): open it again.
		if db, oerr := store.Open(ctx, path); oerr == nil {
			b.db = db
		} else {
			b.log.Error("book not reopened after a refused restore", "path", path, "err", oerr)
		}
	}
	return r, err
}

// RestoreDamaged restores the backup at backupPath to bookPath when the book there
// cannot be used: missing, not a book, truncated, corrupt, or failing SQLite's
// quick_check. Its users cannot be asked, so login logs in to the restored copy (before
// it replaces anything) and that user must be allowed PermRestore there. A book that
// opens and passes the quick check is refused (CodeBackupBookSound): restore it with
// RestoreAs. Otherwise as RestoreAs; the returned user is login's.
func RestoreDamaged(ctx context.Context, bookPath, backupPath, password string,
	login func(context.Context, *Book) (*User, error), log *slog.Logger) (Restored, *User, error) {
	bookPath, err := filepath.Abs(bookPath)
	if err != nil {
		return Restored{}, nil, err
	}
	if err := bookUnusable(ctx, bookPath, log); err != nil {
		return Restored{}, nil, err
	}
	var user *User
	r, err := restore(ctx, backupPath, password, bookPath, log, func(ctx context.Context, c *Book) (string, error) {
		u, err := login(ctx, c)
		if err != nil {
			return "", err
		}
		if !u.Can(PermRestore) {
			return "", forbidden(string(PermRestore))
		}
		user = u
		return u.Name, nil
	}, nil)
	if err != nil {
		return r, nil, err
	}
	return r, user, nil
}

// bookUnusable returns nil when the book at path is missing or damaged, and
// CodeBackupBookSound when it opens and its pages are sound. Refusals that are not about
// damage (busy, read-only, newer version) are returned as they are.
func bookUnusable(ctx context.Context, path string, log *slog.Logger) error {
	b, err := Open(ctx, path, log)
	if err != nil {
		switch CodeOf(err) {
		case CodeNoBook, CodeNotABook, CodeTruncated, CodeCorrupt, CodeInternal:
			return nil
		}
		return err
	}
	defer b.Close()
	if detail, err := b.db.IntegrityCheck(ctx, false); err != nil || detail != "" {
		return nil
	}
	if _, err := b.Users(ctx); err != nil {
		return nil
	}
	return refuse(CodeBackupBookSound, "path", path)
}

// restore is RestoreAs and RestoreDamaged: check the backup, extract it beside the book,
// open and verify it, authorize (which names the user of the audit record), close the
// current book (closeCurrent, when it is open in this process), make sure nothing else
// has it open, swap the files, reopen and record.
//
// Its own work besides the verification is kept to one pass: the backup file is read
// once (store.ExtractBackup decrypts, decompresses and checks the payload's hash as it
// writes the copy; nothing reads it again), the copy is synced while Verify reads it
// (the sync is waited for before the swap: the copy must be on disk before the marker
// names it), the copy is opened as it is (the header of a snapshot of the backup API
// already says WAL, so opening it writes nothing; a backup made with VACUUM INTO by an
// earlier version gets its journal mode written) and verified once, by Verify(full)
// alone — which includes everything VerifyQuick checks — and the swap renames, never
// copies. The log's "book restored" record tells the times: extract, verify, own (all
// but the verify) and total.
func restore(ctx context.Context, backupPath, password, bookPath string, log *slog.Logger,
	authorize func(context.Context, *Book) (string, error), closeCurrent func() error) (Restored, error) {
	var r Restored
	start := time.Now()
	bookPath, err := filepath.Abs(bookPath)
	if err != nil {
		return r, err
	}
	// The header alone, to refuse a newer book before writing anything: the extraction
	// reads the whole file once and checks everything else.
	h, err := store.ReadBackupHeader(backupPath)
	if err != nil {
		return r, fromBackup(backupPath, err)
	}
	r.Info = backupInfo(backupPath, h)
	if h.SchemaVersion > store.Version() {
		return r, refuse(CodeBackupNewer, "path", backupPath, "book", h.SchemaVersion, "app", store.Version())
	}
	tmp, err := tempBeside(bookPath, ".restore")
	if err != nil {
		return r, err
	}
	swapped := false
	synced := make(chan error, 1)
	syncing := false
	defer func() {
		if syncing {
			<-synced // the sync holds the file open: wait before removing it
		}
		if !swapped {
			removeBook(tmp)
		}
	}()
	if _, err := store.ExtractBackup(ctx, backupPath, password, tmp); err != nil {
		return r, fromBackup(backupPath, err)
	}
	extracted := time.Now()
	syncing = true
	go func() { synced <- store.SyncFile(tmp) }()
	c, err := Open(ctx, tmp, log)
	if err != nil {
		if ctxErr(err) {
			return r, err
		}
		return r, &Error{Code: CodeBackupCorrupt, Args: map[string]any{"path": backupPath}, Err: err}
	}
	var verify time.Duration
	user, err := func() (string, error) {
		defer c.Close()
		t := time.Now()
		err := c.checkCandidate(ctx, backupPath)
		verify = time.Since(t)
		if err != nil {
			return "", err
		}
		return authorize(ctx, c)
	}()
	if err != nil {
		return r, err
	}
	syncing = false
	if err := <-synced; err != nil {
		return r, fromStore(err)
	}
	removeUpgradeCopies(tmp) // an older backup was upgraded on opening: its copy is the backup itself
	if closeCurrent != nil {
		if err := closeCurrent(); err != nil {
			return r, fmt.Errorf("close %s before restore: %w", bookPath, err)
		}
	}
	if err := store.EnsureUnused(ctx, bookPath); err != nil {
		if errors.Is(err, store.ErrBusy) {
			return r, &Error{Code: CodeBookInUse, Args: map[string]any{"path": bookPath}, Err: err}
		}
		return r, fromStore(err)
	}
	kept, err := swapIn(tmp, bookPath, nil)
	if err != nil {
		return r, err
	}
	swapped = true
	r.Kept = kept
	ctx = context.WithoutCancel(ctx) // swapped: the restore is done, only its record remains
	nb, err := Open(ctx, bookPath, log)
	if err != nil {
		return r, err
	}
	reason := fmt.Sprintf("from %s (made %s)", filepath.Base(backupPath), h.Created.UTC().Format(time.RFC3339))
	if kept != "" {
		reason += "; replaced book kept as " + filepath.Base(kept)
	}
	err = nb.db.Write(ctx, func(tx *store.Tx) error {
		return logEvent(ctx, tx, user, "book.restore", entBook, 1, reason)
	})
	if err != nil {
		nb.Close()
		return r, fromStore(err)
	}
	r.Book = nb
	total := time.Since(start)
	log.Info("book restored", "path", bookPath, "from", backupPath, "kept", kept, "user", user,
		"extract", extracted.Sub(start), "verify", verify, "own", total-verify, "total", total)
	return r, nil
}

// The swap of a restore, and its recovery after a crash.
//
// The candidate (a verified book under a hidden temporary name, closed) replaces the
// book in four renames: the book, its -wal and its -shm to <book>.before-restore-<time>,
// then the candidate to <book>. A kill between them would leave the book missing, or
// its -wal beside nothing. So before the first rename a marker <book>.restoring names
// the candidate and the kept name (written and synced), and after the last one it is
// removed. Opening a book with a marker beside it (Open, recoverRestore) finishes the
// swap when the candidate is still there — it was verified before the marker was
// written, and the user asked for it — moving whatever of the old book is still under
// the book's name to the kept name first; when the candidate is gone the swap had
// finished and only the marker is removed. A marker whose book is there while neither
// the candidate's rename nor the old book's began (a kill right after writing it) is
// dropped with its candidate: nothing had changed. Either way the replaced book stays
// as <book>.before-restore-<time>, and nothing of the old book's -wal is ever left
// beside the restored one (SQLite would replay it into the wrong file).

// restoreMarker is the marker's content.
type restoreMarker struct {
	Candidate string `json:"candidate"` // base names, in the book's folder
	Kept      string `json:"kept"`      // "" when there was no book to keep
}

func markerPath(bookPath string) string { return bookPath + ".restoring" }

// swapIn replaces the book at bookPath with the candidate file and returns where the old
// book was kept ("" when there was none). crash, in tests, stops the swap after the
// named step as a kill would: nothing after it runs, nothing is cleaned up.
func swapIn(candidate, bookPath string, crash func(step string) bool) (string, error) {
	stop := func(step string) bool { return crash != nil && crash(step) }
	dir := filepath.Dir(bookPath)
	kept := ""
	if _, err := os.Lstat(bookPath); err == nil {
		kept = keptName(bookPath)
	}
	m := restoreMarker{Candidate: filepath.Base(candidate), Kept: filepath.Base(kept)}
	if kept == "" {
		m.Kept = ""
	}
	if err := writeMarker(bookPath, m); err != nil {
		return "", fmt.Errorf("restore %s: %w", bookPath, err)
	}
	if stop("marker") {
		return "", errCrash
	}
	if kept != "" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if _, err := os.Lstat(bookPath + suffix); err != nil {
				continue
			}
			if err := os.Rename(bookPath+suffix, kept+suffix); err != nil {
				putBack(kept, bookPath)
				os.Remove(markerPath(bookPath))
				return "", fmt.Errorf("keep %s: %w", bookPath+suffix, err)
			}
			if stop("keep" + suffix) {
				return "", errCrash
			}
		}
	}
	if err := os.Rename(candidate, bookPath); err != nil {
		if kept != "" {
			putBack(kept, bookPath)
		}
		os.Remove(markerPath(bookPath))
		return "", fmt.Errorf("restore %s: %w", bookPath, err)
	}
	store.SyncDir(dir)
	if stop("rename") {
		return "", errCrash
	}
	os.Remove(markerPath(bookPath))
	store.SyncDir(dir)
	return kept, nil
}

var errCrash = errors.New("simulated crash")

// keptName is a free <path>.before-restore-<time>[-N] name.
func keptName(path string) string {
	stamp := time.Now().Format("20060102-150405")
	kept := path + ".before-restore-" + stamp
	for i := 2; ; i++ {
		free := true
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if _, err := os.Lstat(kept + suffix); !errors.Is(err, os.ErrNotExist) {
				free = false
			}
		}
		if free {
			return kept
		}
		kept = fmt.Sprintf("%s.before-restore-%s-%d", path, stamp, i)
	}
}

func writeMarker(bookPath string, m restoreMarker) error {
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(markerPath(bookPath), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(raw)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(markerPath(bookPath))
		return err
	}
	store.SyncDir(filepath.Dir(bookPath))
	return nil
}

// putBack undoes the renames of the old book.
func putBack(kept, path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Lstat(kept + suffix); err == nil {
			os.Rename(kept+suffix, path+suffix)
		}
	}
}

// staleAfter is how old a temporary file of a backup or restore must be before opening
// the book removes it: far longer than any of them takes, so none in use goes.
const staleAfter = time.Hour

// removeStaleTemps removes what a killed backup or restore left beside the book: the
// hidden snapshot, verification and restore copies (each as large as the book) and
// their -wal and -shm, when older than staleAfter.
func removeStaleTemps(path string, log *slog.Logger) {
	base := "." + filepath.Base(path)
	for _, what := range []string{".snapshot", ".verify", ".restore"} {
		found, _ := filepath.Glob(filepath.Join(filepath.Dir(path), globEscape(base+what)+"-*"))
		for _, p := range found {
			st, err := os.Lstat(p)
			if err != nil || !st.Mode().IsRegular() || time.Since(st.ModTime()) < staleAfter {
				continue
			}
			if os.Remove(p) == nil {
				log.Info("left-over temporary file removed", "path", p)
			}
		}
	}
}

// recoverRestore completes a restore a crash interrupted (see swapIn), before the book
// at path is opened. Without a marker it does nothing. It returns an error only when a
// rename it needs fails; the book is then left as it is for the next try.
func recoverRestore(path string, log *slog.Logger) error {
	removeStaleTemps(path, log)
	raw, err := os.ReadFile(markerPath(path))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", markerPath(path), err)
	}
	var m restoreMarker
	dir := filepath.Dir(path)
	if json.Unmarshal(raw, &m) != nil || m.Candidate == "" || filepath.Base(m.Candidate) != m.Candidate ||
		(m.Kept != "" && filepath.Base(m.Kept) != m.Kept) {
		// A marker cut short by the crash itself: it is written before any rename, so none began.
		log.Warn("unreadable restore marker removed: no rename had begun", "path", markerPath(path))
		return os.Remove(markerPath(path))
	}
	candidate := filepath.Join(dir, m.Candidate)
	kept := ""
	if m.Kept != "" {
		kept = filepath.Join(dir, m.Kept)
	}
	_, candErr := os.Lstat(candidate)
	_, bookErr := os.Lstat(path)
	keptStarted := false
	if kept != "" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if _, err := os.Lstat(kept + suffix); err == nil {
				keptStarted = true
			}
		}
	}
	switch {
	case candErr != nil:
		// The candidate is in place: the swap had finished.
		log.Warn("restore had finished before a crash: its marker removed", "path", path, "kept", kept)
	case bookErr == nil && !keptStarted:
		// Killed right after writing the marker: the book is untouched.
		removeBook(candidate)
		log.Warn("restore interrupted before it changed anything: the book is as it was", "path", path)
	default:
		// Killed while the old book was moving aside: move the rest of it, then the candidate in.
		if kept != "" {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if _, err := os.Lstat(path + suffix); err == nil {
					if err := os.Rename(path+suffix, kept+suffix); err != nil {
						return fmt.Errorf("finish restore of %s: %w", path, err)
					}
				}
			}
		}
		if err := os.Rename(candidate, path); err != nil {
			return fmt.Errorf("finish restore of %s: %w", path, err)
		}
		store.SyncDir(dir)
		log.Warn("restore interrupted by a crash: finished on opening", "path", path, "kept", kept)
	}
	if err := os.Remove(markerPath(path)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	store.SyncDir(dir)
	return nil
}
