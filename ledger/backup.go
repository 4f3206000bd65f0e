package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
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
// newest one of each closed month) until the book has a setting for it.
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
	Verified      bool // Backup: decrypted, opened, integrity_check and Verify(full) passed
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
// temporary name, then checked as a restore would check it: decrypted, opened as a book
// in a temporary folder, PRAGMA integrity_check and Verify(full). A backup that fails is
// deleted and the refusal returned (CodeBackupUnverified). Then the "book.backup" record
// is appended to the trail (after the snapshot: the backup does not hold it), and the
// folder is pruned to DefaultKeepBackups (PruneBackups). A non-empty password encrypts;
// it is never logged nor stored.
func (b *Book) Backup(ctx context.Context, by *User, dir, password string) (BackupInfo, error) {
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
	defer os.Remove(snap)
	if err := b.db.Snapshot(ctx, snap); err != nil {
		return BackupInfo{}, fromStore(err)
	}
	// One file per second: when this second's name is taken (two backups in a row), the
	// next free second's.
	created := b.db.Now()
	var path string
	for i := range 10 {
		h.Created = created.Add(time.Duration(i) * time.Second).UTC().Truncate(time.Second)
		path = filepath.Join(dir, BackupName(b.Path(), h.Created))
		h, err = store.WriteBackup(ctx, snap, path, password, h)
		if !errors.Is(err, store.ErrExists) {
			break
		}
	}
	if err != nil {
		return BackupInfo{}, fromStore(err)
	}
	os.Remove(snap)
	if err := b.verifyBackup(ctx, path, password); err != nil {
		os.Remove(path)
		b.log.Error("backup failed its verification and was deleted", "path", path, "err", err)
		return BackupInfo{}, err
	}
	info := backupInfo(path, h)
	info.Verified = true
	reason := filepath.Base(path)
	if h.Encrypted {
		reason += " (encrypted)"
	}
	if err := b.write(ctx, by, PermBackup, func(tx *store.Tx) error {
		return logEvent(ctx, tx, by.Name, "book.backup", entBook, 1, reason)
	}); err != nil {
		// The backup is good; only its record failed (the book went busy): say so.
		return info, err
	}
	b.log.Info("backup written", "path", path, "size", info.Size, "encrypted", h.Encrypted, "user", by.Name)
	if removed, err := b.PruneBackups(ctx, dir, DefaultKeepBackups); err != nil {
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

// verifyBackup restores the backup at path into a temporary file beside the book and
// checks it as a book: integrity_check and Verify(full).
func (b *Book) verifyBackup(ctx context.Context, path, password string) error {
	tmp, err := tempBeside(b.Path(), ".verify")
	if err != nil {
		return err
	}
	defer removeBook(tmp)
	if _, err := store.ExtractBackup(ctx, path, password, tmp); err != nil {
		return unverified(path, fromBackup(path, err))
	}
	c, err := Open(ctx, tmp, b.log)
	if err != nil {
		return unverified(path, err)
	}
	defer c.Close()
	return c.checkCandidate(ctx, path)
}

// checkCandidate runs integrity_check and Verify(full) on a book restored from the
// backup at path.
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
func restore(ctx context.Context, backupPath, password, bookPath string, log *slog.Logger,
	authorize func(context.Context, *Book) (string, error), closeCurrent func() error) (Restored, error) {
	var r Restored
	bookPath, err := filepath.Abs(bookPath)
	if err != nil {
		return r, err
	}
	h, err := store.CheckBackup(ctx, backupPath, password)
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
	defer func() {
		if !swapped {
			removeBook(tmp)
		}
	}()
	if _, err := store.ExtractBackup(ctx, backupPath, password, tmp); err != nil {
		return r, fromBackup(backupPath, err)
	}
	c, err := Open(ctx, tmp, log)
	if err != nil {
		if ctxErr(err) {
			return r, err
		}
		return r, &Error{Code: CodeBackupCorrupt, Args: map[string]any{"path": backupPath}, Err: err}
	}
	user, err := func() (string, error) {
		defer c.Close()
		if err := c.checkCandidate(ctx, backupPath); err != nil {
			return "", err
		}
		return authorize(ctx, c)
	}()
	if err != nil {
		return r, err
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
	kept, err := keepOld(bookPath)
	if err != nil {
		return r, err
	}
	if err := os.Rename(tmp, bookPath); err != nil {
		if kept != "" {
			putBack(kept, bookPath)
		}
		return r, fmt.Errorf("restore %s: %w", bookPath, err)
	}
	swapped = true
	r.Kept = kept
	store.SyncDir(filepath.Dir(bookPath))
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
	log.Info("book restored", "path", bookPath, "from", backupPath, "kept", kept, "user", user)
	return r, nil
}

// keepOld renames the book at path, with its -wal and -shm, to
// <path>.before-restore-<time>; "" when there is no book there.
func keepOld(path string) (string, error) {
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	stamp := time.Now().Format("20060102-150405")
	kept := path + ".before-restore-" + stamp
	for i := 2; ; i++ {
		if _, err := os.Lstat(kept); errors.Is(err, os.ErrNotExist) {
			break
		}
		kept = fmt.Sprintf("%s.before-restore-%s-%d", path, stamp, i)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Lstat(path + suffix); err == nil {
			if err := os.Rename(path+suffix, kept+suffix); err != nil {
				return "", fmt.Errorf("keep %s: %w", path+suffix, err)
			}
		}
	}
	if err := os.Rename(path, kept); err != nil {
		putBack(kept, path)
		return "", fmt.Errorf("keep %s: %w", path, err)
	}
	return kept, nil
}

// putBack undoes keepOld.
func putBack(kept, path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Lstat(kept + suffix); err == nil {
			os.Rename(kept+suffix, path+suffix)
		}
	}
}
