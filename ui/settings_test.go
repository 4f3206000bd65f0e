package ui

import (
	"testing"

	"shopbooks/ledger"
)

// The settings screen saves 扫码合并, the backups kept and the idle lock; a count out of
// range or not a number stays next to its field and changes nothing.
func TestSettingsLaterFields(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	s := newWindow(t, path, "admin", "", "settings", "zh-CN")
	v := newSettings(s)
	if v.form.Get("scan_merge") != fromBool(true) || v.form.Get("backup_keep") != "30" || v.form.Get("idle_lock") != "0" {
		t.Fatalf("loaded: %v", v.form.text)
	}
	v.form.Set("backup_keep", "0")
	if err := v.Save(); ledger.CodeOf(err) != ledger.CodeOutOfRange || v.form.Err("backup_keep") == nil {
		t.Errorf("backup_keep 0: %v, field error %v", err, v.form.Err("backup_keep"))
	}
	v.form.Set("backup_keep", "十二")
	if err := v.Save(); ledger.CodeOf(err) != ledger.CodeNumberMalformed || v.form.Err("backup_keep") == nil {
		t.Errorf("backup_keep 十二: %v", err)
	}
	if got, _ := s.book.Settings(s.ctx); got.BackupKeep != 30 {
		t.Fatalf("a refused save changed the book: %d", got.BackupKeep)
	}
	v.form.Set("backup_keep", "１２")
	v.form.Set("idle_lock", "15")
	v.form.Set("scan_merge", fromBool(false))
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	got, _ := s.book.Settings(s.ctx)
	if got.BackupKeep != 12 || got.IdleLock != 15 || got.ScanMerge {
		t.Errorf("saved: %+v", got)
	}
}
