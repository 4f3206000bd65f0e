package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The backup folder of each book (a USB stick, say) is remembered on this computer in
// <config dir>/backup-folders.json, a map from the book's absolute path to the folder,
// apart from config.json (which the window rewrites). The window and the CLI share it,
// so `shopbooks backup` and 立即备份 write to the same place. It lives here because both
// need it and neither may import the other.

const backupFoldersFile = "backup-folders.json"

// DefaultBackupFolder is where a book's backups go until a folder is chosen: a folder
// "backups" beside the book.
func DefaultBackupFolder(bookPath string) string {
	return filepath.Join(filepath.Dir(bookPath), "backups")
}

// BackupFolder returns the folder remembered for the book at bookPath, else
// DefaultBackupFolder; remembered tells which. An unreadable file counts as none
// (err says why, for the log).
func BackupFolder(configDir, bookPath string) (dir string, remembered bool, err error) {
	if configDir == "" {
		return DefaultBackupFolder(bookPath), false, nil
	}
	m, err := readBackupFolders(configDir)
	if d := m[absOr(bookPath)]; d != "" {
		return d, true, err
	}
	return DefaultBackupFolder(bookPath), false, err
}

// RememberBackupFolder records dir as the backup folder of the book at bookPath. The
// file is rewritten through a temporary file, so a crash leaves the old one.
func RememberBackupFolder(configDir, bookPath, dir string) error {
	m, _ := readBackupFolders(configDir)
	book, dir := absOr(bookPath), absOr(dir)
	if m[book] == dir {
		return nil
	}
	m[book] = dir
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(configDir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(configDir, "backup-folders-*.json")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(raw, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(configDir, backupFoldersFile))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// EnsureBackupFolder makes the default folder when it is the one asked for and missing;
// a chosen folder that is gone (a USB stick not plugged in) is not made, so the backup
// is refused with CodeNoFolder instead of going somewhere the user will not look.
func EnsureBackupFolder(bookPath, dir string) error {
	if absOr(dir) != absOr(DefaultBackupFolder(bookPath)) {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("make %s: %w", dir, err)
	}
	return nil
}

func readBackupFolders(configDir string) (map[string]string, error) {
	m := map[string]string{}
	raw, err := os.ReadFile(filepath.Join(configDir, backupFoldersFile))
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err == nil {
		err = json.Unmarshal(raw, &m)
	}
	if err != nil || m == nil {
		return map[string]string{}, err
	}
	return m, nil
}

func absOr(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
