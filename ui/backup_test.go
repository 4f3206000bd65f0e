package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// openWithConfig opens the window on a book with a config dir (the backup folders).
func openWithConfig(t *testing.T, path, screen, lang string) *session {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(1280, 800))
	s := start(a, w, Options{BookPath: path, Lang: lang, Screen: screen, Log: quiet, ConfigDir: filepath.Join(filepath.Dir(path), "config")})
	t.Cleanup(func() {
		if s.book != nil {
			s.book.Close()
		}
	})
	if s.user == nil {
		t.Fatalf("not logged in: %v", s.login.err)
	}
	s.exit = func() {} // the test closes the window itself
	return s
}

func backupScreenOf(t *testing.T, s *session) *backupScreen {
	t.Helper()
	s.open("backup")
	v, ok := s.screens["backup"].(*backupScreen)
	if !ok {
		t.Fatal("backup screen not open")
	}
	return v
}

// TestBackupNow: 立即备份 into the default folder, listed as verified, the status bar says
// so; 加密 needs the password twice alike, then encrypts this and the session's
// automatic backups.
func TestBackupNow(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	s := openWithConfig(t, path, "backup", "zh-CN")
	v := backupScreenOf(t, s)
	if want := filepath.Join(filepath.Dir(path), "backups"); v.dir != want {
		t.Fatalf("folder %s, want %s", v.dir, want)
	}
	if txt, _ := s.backupStatus(); txt != "尚未备份" {
		t.Errorf("status before: %q", txt)
	}
	if err := v.BackupNow(nil); err != nil {
		t.Fatal(err)
	}
	if len(v.list) != 1 || v.err != nil {
		t.Fatalf("list %d, err %v", len(v.list), v.err)
	}
	if st, bad := v.Cell(0, "state"); st != "已校验" || bad {
		t.Errorf("state %q", st)
	}
	if enc, _ := v.Cell(0, "encrypted"); enc != "未加密" {
		t.Errorf("encrypted %q", enc)
	}
	bar := s.shell.backup
	if !strings.Contains(bar.label.Text, "已校验") || bar.label.Importance == widget.DangerImportance || bar.prog.Visible() {
		t.Errorf("status bar %q (%v)", bar.label.Text, bar.label.Importance)
	}

	v.SetEncrypt(true)
	v.pw1, v.pw2 = "s3cret", "s3cre7"
	if err := v.BackupNow(nil); err == nil || s.errText(err) != "两次输入的密码不一致。" {
		t.Fatalf("mismatched passwords: %v", err)
	}
	v.pw1, v.pw2 = "s3cret", "s3cret"
	if err := v.BackupNow(nil); err != nil {
		t.Fatal(err)
	}
	if len(v.list) != 2 || !v.list[0].Encrypted || s.bk.password != "s3cret" || v.pw1 != "" {
		t.Fatalf("encrypted backup: %d files, newest encrypted %v", len(v.list), len(v.list) > 0 && v.list[0].Encrypted)
	}
	if enc, _ := v.Cell(0, "encrypted"); enc != "已加密" {
		t.Errorf("encrypted %q", enc)
	}
	// the backup after a close uses the session's password
	s.autoBackup()
	v.Reload()
	if len(v.list) != 3 || !v.list[0].Encrypted {
		t.Fatalf("automatic backup: %d files", len(v.list))
	}
	if _, err := ledger.ReadBackupInfo(s.ctx, v.list[0].Path, "s3cret"); err != nil {
		t.Errorf("the automatic backup does not open with the session's password: %v", err)
	}
	// 加密 off: the session forgets the password
	v.SetEncrypt(false)
	if s.bk.password != "" {
		t.Error("the password outlived 加密")
	}
}

// TestBackupFailureIsLoud: a backup folder that is gone (a USB stick unplugged): the
// refusal on the screen, red in the status bar, a dialog.
func TestBackupFailureIsLoud(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	s := openWithConfig(t, path, "backup", "en")
	v := backupScreenOf(t, s)
	gone := filepath.Join(t.TempDir(), "usb")
	v.SetFolder(gone)
	if err := v.BackupNow(nil); err != nil {
		t.Fatal(err)
	}
	if ledger.CodeOf(v.err) != ledger.CodeNoFolder {
		t.Fatalf("refusal %v", v.err)
	}
	bar := s.shell.backup
	if !strings.Contains(bar.label.Text, "Backup failed") || bar.label.Importance != widget.DangerImportance {
		t.Errorf("status bar %q (%v)", bar.label.Text, bar.label.Importance)
	}
	if s.win.Canvas().Overlays().Top() == nil {
		t.Error("no dialog for the failed backup")
	}
	// the folder is remembered for this book, for the CLI too
	if dir, remembered, _ := ledger.BackupFolder(s.o.ConfigDir, path); dir != gone || !remembered {
		t.Errorf("remembered %s %v", dir, remembered)
	}
}

// TestRestoreFromScreen: a wrong password, a truncated file and another program's file
// are refused with their messages and the open book untouched; a good backup replaces
// the book, which the window reopens, keeping the replaced one.
func TestRestoreFromScreen(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	s := openWithConfig(t, path, "backup", "en")
	v := backupScreenOf(t, s)
	v.SetEncrypt(true)
	v.pw1, v.pw2 = "s3cret", "s3cret"
	if err := v.BackupNow(nil); err != nil || len(v.list) != 1 {
		t.Fatalf("backup: %v, %d files", err, len(v.list))
	}
	bk := v.list[0].Path
	addItem(t, s.book, s.user, "A", "洗衣液2kg") // after the backup

	info, err := ledger.ReadBackupInfo(s.ctx, bk, "")
	if err != nil || info.Shop != "测试店" || !info.Encrypted {
		t.Fatalf("inspect: %+v %v", info, err)
	}
	if txt := s.backupPreview(info); !strings.Contains(txt, "Shop: 测试店") || !strings.Contains(txt, "(no month closed)") {
		t.Errorf("preview:\n%s", txt)
	}
	raw, _ := os.ReadFile(bk)
	trunc := filepath.Join(t.TempDir(), "cut.shopbooks-backup")
	os.WriteFile(trunc, raw[:len(raw)/2], 0o600)
	foreign := filepath.Join(t.TempDir(), "photo.jpg")
	os.WriteFile(foreign, []byte("\xff\xd8\xff\xe0 not a backup at all, a picture"), 0o600)
	old := s.book
	for _, c := range []struct {
		file, pw string
		code     ledger.Code
		words    string
	}{
		{bk, "wrong", ledger.CodeBackupPassword, "password"},
		{trunc, "s3cret", ledger.CodeBackupTruncated, "incomplete"},
		{foreign, "", ledger.CodeNotABackup, "not a ShopBooks backup"},
	} {
		_, err := ledger.ReadBackupInfo(s.ctx, c.file, c.pw)
		if ledger.CodeOf(err) != c.code || !strings.Contains(s.errText(err), c.words) {
			t.Errorf("%s: %v (%q)", filepath.Base(c.file), err, s.errText(err))
		}
		// and the restore itself refuses it, the book still open and unchanged
		var rerr error
		s.restoreFrom(context.Background(), c.file, c.pw, func(_ ledger.Restored, err error) { rerr = err })
		if ledger.CodeOf(rerr) != c.code || s.book != old {
			t.Errorf("restore %s: %v", filepath.Base(c.file), rerr)
		}
		if _, err := s.book.Item(s.ctx, "A"); err != nil {
			t.Errorf("after a refused restore the book lost its item: %v", err)
		}
	}

	var r ledger.Restored
	s.restoreFrom(context.Background(), bk, "s3cret", func(got ledger.Restored, err error) {
		if err != nil {
			t.Fatalf("restore: %v", err)
		}
		r = got
	})
	if s.book == old || s.book.Path() != path || s.user == nil || s.shell == nil {
		t.Fatalf("the window did not reopen the restored book")
	}
	if _, err := s.book.Item(s.ctx, "A"); ledger.CodeOf(err) == "" {
		t.Error("the item added after the backup is still there")
	}
	if _, err := os.Stat(r.Kept); err != nil {
		t.Errorf("the replaced book was not kept: %v", err)
	}
	if !strings.Contains(s.status, filepath.Base(r.Kept)) {
		t.Errorf("status %q", s.status)
	}
}

// TestExitBacksUp: closing the window backs up a book that changed since its last
// backup, not one that did not; a failed backup asks before quitting.
func TestExitBacksUp(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	dir := filepath.Join(filepath.Dir(path), "backups")
	s := openWithConfig(t, path, "home", "zh-CN")
	s.quit()
	files, _ := filepath.Glob(filepath.Join(dir, "*.shopbooks-backup"))
	if len(files) != 1 || !s.quitting {
		t.Fatalf("exit of a changed book: %d backups, quitting %v", len(files), s.quitting)
	}
	s.book.Close()
	s.book = nil

	s = openWithConfig(t, path, "home", "zh-CN")
	s.quit()
	files, _ = filepath.Glob(filepath.Join(dir, "*.shopbooks-backup"))
	if len(files) != 1 || !s.quitting {
		t.Fatalf("exit of an unchanged book: %d backups, quitting %v", len(files), s.quitting)
	}
	s.book.Close()
	s.book = nil

	s = openWithConfig(t, path, "home", "zh-CN")
	addItem(t, s.book, s.user, "A", "洗衣液2kg")
	if err := ledger.RememberBackupFolder(s.o.ConfigDir, path, filepath.Join(t.TempDir(), "gone")); err != nil {
		t.Fatal(err)
	}
	s.quit()
	if s.quitting || s.win.Canvas().Overlays().Top() == nil {
		t.Fatalf("a failed exit backup: quitting %v, no question asked", s.quitting)
	}
}

func TestSizeText(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KB", 1258291: "1.2 MB", 5 << 30: "5.0 GB"} {
		if got := sizeText(n); got != want {
			t.Errorf("sizeText(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestRestoreDamagedFromFirstRun: a book that will not open shows the first-run page; a
// backup restores over it (the damaged file kept) and the window enters the book.
func TestRestoreDamagedFromFirstRun(t *testing.T) {
	b, path := newBook(t)
	u := admin(t, b)
	info, err := b.Backup(context.Background(), u, t.TempDir(), "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	st, _ := os.Stat(path)
	os.Truncate(path, st.Size()/2)

	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	s := start(a, w, Options{BookPath: path, Lang: "en", Log: quiet})
	t.Cleanup(func() {
		if s.book != nil {
			s.book.Close()
		}
	})
	if s.book != nil || s.first.err == nil {
		t.Fatal("a damaged book opened")
	}
	if got := s.restoreTarget(info); got != path {
		t.Fatalf("restores to %s, want the damaged book's path", got)
	}
	var rerr error
	s.runRestoreNew(path, info.Path, "wrong", "", "", func(err error) { rerr = err })
	if ledger.CodeOf(rerr) != ledger.CodeBackupPassword || s.book != nil {
		t.Fatalf("wrong password: %v", rerr)
	}
	s.runRestoreNew(path, info.Path, "s3cret", "", "", func(err error) { rerr = err })
	if rerr != nil {
		t.Fatal(rerr)
	}
	if s.book == nil || s.user == nil || s.user.Name != "admin" || s.shell == nil {
		t.Fatal("the window did not enter the restored book")
	}
	kept, _ := filepath.Glob(path + ".before-restore-*")
	if len(kept) != 1 {
		t.Errorf("the damaged book was not kept: %v", kept)
	}
}

// TestBackupScreenWidgets: the button backs up and the list shows it; 加密 shows the
// password fields; a foreign file tapped in the list is refused in a dialog.
func TestBackupScreenWidgets(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	s := openWithConfig(t, path, "backup", "zh-CN")
	v := backupScreenOf(t, s)
	if v.pwBox.Visible() {
		t.Error("password fields shown without 加密")
	}
	test.Tap(v.backupB)
	if len(v.list) != 1 || v.table == nil || v.noteL.Text == "" || !v.noteL.Visible() {
		t.Fatalf("after 立即备份: %d backups, note %q", len(v.list), v.noteL.Text)
	}
	if txt, _ := s.backupStatus(); !strings.Contains(txt, "已校验") {
		t.Errorf("status %q", txt)
	}
	v.SetEncrypt(true)
	test.Tap(v.backupB) // no password typed
	if v.msg.Text != "加密备份需要密码：请输入两次。" || !v.msg.Visible() || len(v.list) != 1 {
		t.Errorf("encrypt without a password: %q, %d backups", v.msg.Text, len(v.list))
	}
	// a file that only looks like a backup of this book
	os.WriteFile(filepath.Join(v.dir, "测试店-20250101-120000.shopbooks-backup"), []byte("not a backup"), 0o600)
	v.Reload()
	v.refresh()
	if len(v.list) != 2 {
		t.Fatalf("%d listed", len(v.list))
	}
	bad := -1
	for i := range v.list {
		if st, isBad := v.Cell(i, "state"); isBad && strings.Contains(st, "不是店账的备份文件") {
			bad = i
		}
	}
	if bad < 0 {
		t.Fatal("the foreign file is not marked in red")
	}
	v.table.OnSelected(widget.TableCellID{Row: bad, Col: 0})
	if s.win.Canvas().Overlays().Top() == nil {
		t.Error("no dialog for the foreign file")
	}
}

// TestCloseWizardBacksUp: a close run from the wizard is followed by a backup into the
// book's folder, shown in the status bar.
func TestCloseWizardBacksUp(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	s := openWithConfig(t, path, "close", "zh-CN")
	cv, ok := s.screens["close"].(*closeScreen)
	if !ok {
		t.Fatal("close screen not open")
	}
	m := cv.m
	m.Next() // the checks
	if !m.CanNext() {
		t.Fatalf("checks: %+v", m.findings)
	}
	m.Next()
	pre, err := m.Preview(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m.preview = &pre
	m.Next()
	cv.show()
	cv.run() // off the UI goroutine; the test driver runs its fyne.Do where it is called
	deadline := time.Now().Add(30 * time.Second)
	for {
		cv.mu.Lock()
		running := cv.running
		cv.mu.Unlock()
		if !running && m.step == 5 && s.bk.last != nil { // closed, then backed up
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the close did not finish")
		}
		time.Sleep(20 * time.Millisecond)
	}
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "backups", "*.shopbooks-backup"))
	if len(files) != 1 {
		t.Fatalf("%d backups after the close", len(files))
	}
	info, err := ledger.ReadBackupInfo(context.Background(), files[0], "")
	if err != nil || info.LastClosed != "2025-01" {
		t.Errorf("the backup after the close: %+v %v", info, err)
	}
	if txt, bad := s.backupStatus(); !strings.Contains(txt, "已校验") || bad {
		t.Errorf("status %q", txt)
	}
}
