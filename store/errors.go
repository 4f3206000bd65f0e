package store

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"modernc.org/sqlite"
)

// Sentinel is a condition of the file or of SQLite that callers match with errors.Is.
type Sentinel struct{ name string }

func (s *Sentinel) Error() string { return s.name }

// The conditions store reports. ledger turns them into *ledger.Error codes.
var (
	ErrBusy         = &Sentinel{"book busy"}
	ErrNotABook     = &Sentinel{"not a ShopBooks book"}
	ErrTruncated    = &Sentinel{"book file truncated"}
	ErrCorrupt      = &Sentinel{"book file corrupt"}
	ErrReadOnly     = &Sentinel{"folder or file is read-only"}
	ErrExists       = &Sentinel{"file already exists"}
	ErrNoFile       = &Sentinel{"no such file"}
	ErrNoFolder     = &Sentinel{"no such folder"}
	ErrNewer        = &Sentinel{"book made by a newer version"}
	ErrPeriodClosed = &Sentinel{"period closed"}
	ErrAppendOnly   = &Sentinel{"audit trail is append-only"}
	ErrUnique       = &Sentinel{"unique constraint"}
	ErrForeignKey   = &Sentinel{"foreign key constraint"}
	ErrCheck        = &Sentinel{"check constraint"}
	ErrDiskFull     = &Sentinel{"disk full"}
)

// PathError names the file or folder a sentinel is about.
type PathError struct {
	Err  error
	Path string
}

func (e *PathError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *PathError) Unwrap() error { return e.Err }

// VersionError is a book whose schema is newer than this program knows.
type VersionError struct {
	Path      string
	Book, App int
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("%s: schema version %d, this program knows up to %d", e.Path, e.Book, e.App)
}
func (e *VersionError) Unwrap() error { return ErrNewer }

// SQLite result codes used here (sqlite3.h).
const (
	codeBusy              = 5
	codeLocked            = 6
	codeReadOnly          = 8
	codeIOErr             = 10
	codeCorrupt           = 11
	codeFull              = 13
	codeCantOpen          = 14
	codeConstraint        = 19
	codeNotADB            = 26
	codeConstraintCheck   = 275
	codeConstraintFK      = 787
	codeConstraintTrigger = 1811
	codeConstraintUnique  = 2067
	codeConstraintPK      = 1555
)

// classify turns a SQLite error into one of the sentinels, keeping the original in the
// chain. Errors already classified, and errors that are not SQLite's, pass unchanged.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var s *Sentinel
	if errors.As(err, &s) {
		return err
	}
	se, ok := errors.AsType[*sqlite.Error](err)
	if !ok {
		return err
	}
	var kind *Sentinel
	switch code := se.Code(); {
	case code == codeConstraintTrigger || code&0xff == codeConstraint && strings.Contains(se.Error(), "period closed"):
		switch msg := se.Error(); {
		case strings.Contains(msg, "period closed"):
			kind = ErrPeriodClosed
		case strings.Contains(msg, "append-only"):
			kind = ErrAppendOnly
		default:
			kind = ErrCheck
		}
	case code == codeConstraintUnique || code == codeConstraintPK:
		kind = ErrUnique
	case code == codeConstraintFK:
		kind = ErrForeignKey
	case code == codeConstraintCheck:
		kind = ErrCheck
	case code&0xff == codeBusy || code&0xff == codeLocked:
		kind = ErrBusy
	case code&0xff == codeNotADB:
		kind = ErrNotABook
	case code&0xff == codeCorrupt:
		kind = ErrCorrupt
	case code&0xff == codeReadOnly || code&0xff == codeCantOpen:
		kind = ErrReadOnly
	case code&0xff == codeFull:
		kind = ErrDiskFull
	default:
		return err
	}
	return fmt.Errorf("%w: %w", kind, err)
}

func classifyFS(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &PathError{Err: ErrNoFile, Path: path}
	case errors.Is(err, fs.ErrPermission):
		return &PathError{Err: ErrReadOnly, Path: path}
	}
	return fmt.Errorf("%s: %w", path, err)
}

// Classify is classify for callers that meet a raw SQLite error inside a transaction
// and need to tell, say, a duplicate key from a broken query.
func Classify(err error) error { return classify(err) }
