package cli

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shopbooks/ledger"
)

// shopWithReceipt is a book with one audited receipt (2025-01-05) and its number.
func shopWithReceipt(t *testing.T) (*shop, string) {
	t.Helper()
	s := initShop(t)
	s.ok("warehouse", "add", "--code", "W1", "--name", "主仓")
	s.ok("item", "add", "--code", "A001", "--name", "洗衣液", "--unit", "瓶", "--vat", "13")
	s.ok("partner", "add", "--code", "S01", "--name", "华南日化", "--supplier")
	num := strings.TrimSpace(s.ok("doc", "new", "receipt", "--date", "2025-01-05", "--partner", "S01", "--warehouse", "W1",
		"--line", "A001:100:10", "--audit"))
	return s, num
}

func bookSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func backupFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*.shopbooks-backup"))
	return m
}

func TestBackupAndRestoreThroughTheCLI(t *testing.T) {
	t.Parallel()
	s, num := shopWithReceipt(t)
	usb := filepath.Join(s.dir, "usb")
	os.Mkdir(usb, 0o700)
	out := s.ok("backup", "--to", usb)
	files := backupFiles(t, usb)
	if len(files) != 1 || !strings.Contains(out, files[0]) || !strings.Contains(out, "Verified") {
		t.Fatalf("backup said %q; files %v", out, files)
	}
	plain := files[0]

	// The folder is remembered: the next backup goes there without --to.
	enc := map[string]string{envBackupPassword: "s3cret"}
	code, out, errs := s.runWith(enc, "", "backup", "--encrypt", "--format", "json")
	if code != 0 {
		t.Fatalf("backup --encrypt: %d %s", code, errs)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(out), &rec); err != nil || rec["encrypted"] != true || rec["verified"] != true {
		t.Fatalf("backup --encrypt said %q (%v)", out, err)
	}
	encPath := rec["path"].(string)
	if filepath.Dir(encPath) != usb {
		t.Errorf("second backup went to %s, want the remembered %s", encPath, usb)
	}
	raw, _ := os.ReadFile(encPath)
	if strings.Contains(string(raw), "A001") {
		t.Error("the encrypted backup holds plain text")
	}
	if rows := s.jsonList("backup", "list", "--to", usb); len(rows) != 2 || rows[0]["shop"] != "测试小店" {
		t.Errorf("backup list: %v", rows)
	}
	if info := s.jsonObject("backup", "info", plain); info["encrypted"] != false || info["shop"] != "测试小店" {
		t.Errorf("backup info: %v", info)
	}

	// Refusals leave the book as it was.
	before := bookSum(t, s.book)
	trunc := filepath.Join(s.dir, "trunc.shopbooks-backup")
	os.WriteFile(trunc, raw[:2000], 0o600)
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"wrong password", map[string]string{envBackupPassword: "wrong"}, []string{"restore", encPath}},
		{"no password, no terminal", nil, []string{"restore", encPath}},
		{"truncated", enc, []string{"restore", trunc}},
		{"not a backup", nil, []string{"restore", s.book}},
	} {
		if code, _, errs := s.runWith(tc.env, "", tc.args...); code != 1 || strings.TrimSpace(errs) == "" {
			t.Errorf("%s: exit %d, %q", tc.name, code, errs)
		}
	}
	if bookSum(t, s.book) != before {
		t.Fatal("refused restores changed the book")
	}

	// A later receipt, then the book is damaged; restore brings back the backup's.
	s.ok("doc", "new", "receipt", "--date", "2025-01-06", "--partner", "S01", "--warehouse", "W1", "--line", "A001:1:10", "--audit")
	f, _ := os.OpenFile(s.book, os.O_WRONLY, 0)
	junk := make([]byte, 8192)
	rand.Read(junk)
	f.WriteAt(junk, 4096)
	f.Close()
	code, out, errs = s.runWith(enc, "", "restore", encPath)
	if code != 0 {
		t.Fatalf("restore: %d %s", code, errs)
	}
	if !strings.Contains(out, "测试小店") || !strings.Contains(out, ".before-restore-") {
		t.Errorf("restore said %q", out)
	}
	docs := s.jsonList("doc", "list")
	if len(docs) != 1 || docs[0]["number"] != num {
		t.Errorf("restored documents: %v", docs)
	}
	s.ok("verify", "--full")
	if out := s.ok("audit", "--format", "csv"); !strings.Contains(out, "book.restore") {
		t.Errorf("the trail lacks book.restore:\n%s", out)
	}

	// The open book restores too (as its admin), here from the plain backup.
	if code, _, errs := s.run("restore", plain, "--yes"); code != 0 {
		t.Fatalf("restore over a sound book: %d %s", code, errs)
	}
	s.ok("verify")
}

func TestBackupRefusalsThroughTheCLI(t *testing.T) {
	t.Parallel()
	s, _ := shopWithReceipt(t)
	s.fails(2, "backup", "bogus")
	s.fails(2, "backup", "info")
	s.fails(2, "restore")
	s.fails(1, "backup", "--encrypt") // no password, no terminal
	s.fails(1, "backup", "--to", filepath.Join(s.dir, "no-such-folder"))
	if _, err := os.Stat(filepath.Join(s.dir, "backups")); err == nil {
		t.Error("a refused backup made the default folder")
	}
	// The default folder is made beside the book.
	s.ok("backup")
	if len(backupFiles(t, filepath.Join(s.dir, "backups"))) != 1 {
		t.Error("no backup in <book dir>/backups")
	}
	// A clerk may neither back up nor restore; an accountant backs up but may not restore.
	s.runWith(map[string]string{envNewPassword: "c"}, "", "user", "add", "clerk", "--role", "clerk")
	s.runWith(map[string]string{envNewPassword: "a"}, "", "--user", "admin", "user", "add", "acc", "--role", "accountant")
	file := backupFiles(t, filepath.Join(s.dir, "backups"))[0]
	if code, _, _ := s.runWith(map[string]string{envPassword: "c"}, "", "--user", "clerk", "backup"); code != 1 {
		t.Errorf("a clerk's backup: exit %d", code)
	}
	if code, _, errs := s.runWith(map[string]string{envPassword: "a"}, "", "--user", "acc", "backup"); code != 0 {
		t.Errorf("an accountant's backup: exit %d %s", code, errs)
	}
	if code, _, errs := s.runWith(map[string]string{envPassword: "a"}, "", "--user", "acc", "restore", file); code != 1 {
		t.Errorf("an accountant's restore: exit %d %s", code, errs)
	}
	if docs := s.jsonList("doc", "list", "--user", "admin"); len(docs) != 1 {
		t.Errorf("documents after a refused restore: %d", len(docs))
	}
}

// TestCloseBacksUp: a close is followed by a verified backup into the book's backup
// folder, told on stderr (stdout stays JSON); --no-backup skips it; with
// SHOPBOOKS_BACKUP_PASSWORD set the backup is encrypted.
func TestCloseBacksUp(t *testing.T) {
	t.Parallel()
	s := initShop(t)
	dir := filepath.Join(filepath.Dir(s.book), "backups")
	code, out, errs := s.run("close", "2025-01", "--format", "json")
	if code != 0 {
		t.Fatalf("close: %d %s", code, errs)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil || res["closed"] != true {
		t.Fatalf("close --format json said %q (%v)", out, err)
	}
	files := backupFiles(t, dir)
	if len(files) != 1 || !strings.Contains(errs, files[0]) || !strings.Contains(errs, "after the close") {
		t.Fatalf("after the close: files %v, stderr %q", files, errs)
	}
	s.ok("unclose", "2025-01", "--reason", "test")
	if _, _, errs := s.run("close", "2025-01", "--no-backup"); strings.Contains(errs, "after the close") || len(backupFiles(t, dir)) != 1 {
		t.Errorf("--no-backup: stderr %q, %d backups", errs, len(backupFiles(t, dir)))
	}
	s.ok("unclose", "2025-01", "--reason", "test")
	code, _, errs = s.runWith(map[string]string{envBackupPassword: "s3cret"}, "", "close", "2025-01")
	if code != 0 || len(backupFiles(t, dir)) != 2 {
		t.Fatalf("close with a backup password: %d %q, %d backups", code, errs, len(backupFiles(t, dir)))
	}
	list := s.jsonList("backup", "list")
	if len(list) != 2 || list[0]["encrypted"] != true || list[1]["encrypted"] != false {
		t.Errorf("backup list: %v", list)
	}
	// the remembered folder is gone (a USB stick unplugged): the close stands, the failure is loud
	if err := ledger.RememberBackupFolder(filepath.Join(s.env["XDG_CONFIG_HOME"], "shopbooks"), s.book,
		filepath.Join(s.dir, "unplugged")); err != nil {
		t.Fatal(err)
	}
	s.ok("unclose", "2025-01", "--reason", "test")
	code, _, errs = s.run("close", "2025-01")
	if code != 0 || !strings.Contains(errs, "automatic backup failed") || !strings.Contains(errs, "unplugged") {
		t.Errorf("close into a missing folder: %d %q", code, errs)
	}
}
