package ledger

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestChangedSinceBackup: a book never backed up has changed; a backup makes it
// unchanged; logins do not change it; a write does; a write made by another connection
// between the snapshot and the backup's record counts as a change.
func TestChangedSinceBackup(t *testing.T) {
	b, u := shopWithStock(t)
	ctx := t.Context()
	changed := func(want bool, when string) {
		t.Helper()
		got, err := b.ChangedSinceBackup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: changed %v, want %v", when, got, want)
		}
	}
	changed(true, "never backed up")
	dir := t.TempDir()
	if _, err := b.Backup(ctx, u, dir, ""); err != nil {
		t.Fatal(err)
	}
	changed(false, "just backed up")
	if _, err := b.Login(ctx, "admin", ""); err != nil {
		t.Fatal(err)
	}
	b.Login(ctx, "nobody", "x")
	changed(false, "after logins")
	auditedReceipts(t, b, u, 1)
	changed(true, "after a receipt")
	time.Sleep(1100 * time.Millisecond) // the next backup's name: one a second
	if _, err := b.BackupWith(ctx, u, dir, "", func(step string) {
		if step == BackupVerify {
			// written after the snapshot: the backup does not hold it
			auditedReceipts(t, b, u, 1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	changed(true, "a receipt written while the backup was verified")
}

// TestBackupSteps: the steps are told in order; a cancel after the file is written does
// not stop the backup.
func TestBackupSteps(t *testing.T) {
	b, u := shopWithStock(t)
	ctx, cancel := context.WithCancel(t.Context())
	var steps []string
	info, err := b.BackupWith(ctx, u, t.TempDir(), "", func(step string) {
		steps = append(steps, step)
		if step == BackupVerify {
			cancel()
		}
	})
	if err != nil || !info.Verified {
		t.Fatalf("backup cancelled after its rename: %v", err)
	}
	if want := []string{BackupSnapshot, BackupWrite, BackupVerify, BackupRecord}; !slices.Equal(steps, want) {
		t.Errorf("steps %v, want %v", steps, want)
	}

	// cancelled before: nothing written
	dir := t.TempDir()
	ctx, cancel = context.WithCancel(t.Context())
	_, err = b.BackupWith(ctx, u, dir, "", func(step string) {
		if step == BackupWrite {
			cancel()
		}
	})
	if err == nil {
		t.Fatal("a backup cancelled while writing succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a cancelled backup left %d files", len(entries))
	}
}

// TestBackupKeepsTheSetting: the folder is pruned to the book's BackupKeep.
func TestBackupKeepsTheSetting(t *testing.T) {
	b, u := openTestBook(t)
	ctx := t.Context()
	s, err := b.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.BackupKeep = 2
	if err := b.UpdateSettings(ctx, u, s); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for range 4 {
		if _, err := b.Backup(ctx, u, dir, ""); err != nil {
			t.Fatal(err)
		}
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.shopbooks-backup")); len(files) != 2 {
		t.Errorf("%d backups kept, want 2", len(files))
	}
}

// TestBackupFolders: remembered per book, shared through the config dir; the default
// is beside the book and made only when it is the one used.
func TestBackupFolders(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "cfg")
	book := filepath.Join(t.TempDir(), "shop.book")
	dir, remembered, err := BackupFolder(cfg, book)
	if err != nil || remembered || dir != filepath.Join(filepath.Dir(book), "backups") {
		t.Fatalf("default: %s %v %v", dir, remembered, err)
	}
	usb := t.TempDir()
	if err := RememberBackupFolder(cfg, book, usb); err != nil {
		t.Fatal(err)
	}
	if dir, remembered, _ = BackupFolder(cfg, book); dir != usb || !remembered {
		t.Errorf("remembered: %s %v", dir, remembered)
	}
	if dir, remembered, _ = BackupFolder(cfg, book+"2"); remembered {
		t.Errorf("another book got %s", dir)
	}
	gone := filepath.Join(usb, "unplugged")
	if err := EnsureBackupFolder(book, gone); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(gone); err == nil {
		t.Error("a chosen folder that is gone was made")
	}
	if err := EnsureBackupFolder(book, DefaultBackupFolder(book)); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(DefaultBackupFolder(book)); err != nil || !st.IsDir() {
		t.Errorf("default folder not made: %v", err)
	}
	os.WriteFile(filepath.Join(cfg, "backup-folders.json"), []byte("{broken"), 0o600)
	if dir, remembered, err = BackupFolder(cfg, book); err == nil || remembered || dir != DefaultBackupFolder(book) {
		t.Errorf("broken file: %s %v %v", dir, remembered, err)
	}
}

// TestRestoreCrashRecovery: a restore killed after each step of its swap; opening the
// book path then gives a whole book — the restored one when the swap had begun, the old
// one when it had not — the replaced book kept beside it, no marker, no candidate and no
// old -wal beside the restored book.
func TestRestoreCrashRecovery(t *testing.T) {
	for _, step := range []string{"marker", "keep", "keep-wal", "keep-shm", "rename", ""} {
		t.Run("after "+step, func(t *testing.T) {
			ctx := t.Context()
			dir := t.TempDir()
			path := filepath.Join(dir, "shop.book")
			old, err := Create(ctx, path, NewBook{Settings: Settings{Name: "旧店", Start: "2025-01", Costing: CostingMoving,
				Taxpayer: TaxpayerSmall}}, testLog(t))
			if err != nil {
				t.Fatal(err)
			}
			old.Close()
			// the -wal and -shm the old book had when the restore moved it
			os.WriteFile(path+"-wal", nil, 0o600)
			os.WriteFile(path+"-shm", nil, 0o600)
			candidate := filepath.Join(dir, ".shop.book.restore-test")
			nb, err := Create(ctx, candidate, NewBook{Settings: Settings{Name: "新店", Start: "2025-01", Costing: CostingMoving,
				Taxpayer: TaxpayerSmall}}, testLog(t))
			if err != nil {
				t.Fatal(err)
			}
			nb.Close()

			kept, err := swapIn(candidate, path, func(s string) bool { return s == step })
			if step == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else if err != errCrash {
				t.Fatalf("swap: %v", err)
			}

			b, err := Open(ctx, path, testLog(t))
			if err != nil {
				t.Fatalf("open after the crash: %v", err)
			}
			defer b.Close()
			s, err := b.Settings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := "新店"
			if step == "marker" {
				want = "旧店"
			}
			if s.Name != want {
				t.Errorf("the book is %s, want %s", s.Name, want)
			}
			if _, err := os.Stat(markerPath(path)); err == nil {
				t.Error("the marker is still there")
			}
			if _, err := os.Stat(candidate); err == nil {
				t.Error("the candidate is still there")
			}
			keptFiles, _ := filepath.Glob(path + ".before-restore-*")
			if want == "新店" {
				if kept == "" && len(keptFiles) > 0 {
					kept = strings.TrimSuffix(strings.TrimSuffix(keptFiles[0], "-wal"), "-shm")
				}
				if len(keptFiles) != 3 {
					t.Fatalf("kept files %v, want the old book with its -wal and -shm", keptFiles)
				}
				k, err := Open(ctx, kept, testLog(t))
				if err != nil {
					t.Fatalf("open the kept book: %v", err)
				}
				defer k.Close()
				if ks, _ := k.Settings(ctx); ks.Name != "旧店" {
					t.Errorf("the kept book is %q", ks.Name)
				}
			} else if len(keptFiles) != 0 {
				t.Errorf("nothing was swapped, yet %v", keptFiles)
			}
		})
	}
}

// TestStaleTempsRemoved: opening the book removes what a killed backup or restore left
// beside it once it is old, and nothing in use (recent) nor anything else.
func TestStaleTempsRemoved(t *testing.T) {
	b, _ := openTestBook(t)
	path := b.Path()
	b.Close()
	dir := filepath.Dir(path)
	old := time.Now().Add(-2 * time.Hour)
	stale := []string{".shop.book.restore-123", ".shop.book.restore-123-wal", ".shop.book.verify-9", ".shop.book.snapshot-ab"}
	keep := []string{".shop.book.restore-fresh", ".shop2.book.restore-1", "notes.txt"}
	for _, n := range append(append([]string{}, stale...), keep...) {
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600)
	}
	for _, n := range append(stale, ".shop2.book.restore-1", "notes.txt") {
		os.Chtimes(filepath.Join(dir, n), old, old)
	}
	c, err := Open(t.Context(), path, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	for _, n := range stale {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			t.Errorf("%s left", n)
		}
	}
	for _, n := range keep {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s removed", n)
		}
	}
}
