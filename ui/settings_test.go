package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

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

// roleSelects maps each role's name, as the section labels it, to its select.
func roleSelects(o fyne.CanvasObject) map[string]*widget.Select {
	out := map[string]*widget.Select{}
	var walk func(o fyne.CanvasObject, label string)
	walk = func(o fyne.CanvasObject, label string) {
		switch x := o.(type) {
		case *widget.Select:
			out[label] = x
		case *fyne.Container:
			for i, c := range x.Objects {
				if l, ok := c.(*widget.Label); ok && i+1 < len(x.Objects) {
					label = l.Text
				}
				walk(c, label)
			}
		}
	}
	walk(o, "")
	return out
}

// 科目角色 in the settings (DOMAIN.md §1.4): every role of the book with its account; the
// admin picks another fitting account in its select, a refusal stays next to the role;
// after the first close every select is disabled and the section says why.
func TestSettingsAccountRoles(t *testing.T) {
	b, path := newBook(t) // a small-scale book: its output VAT is 222101
	ctx := t.Context()
	u := admin(t, b)
	for _, c := range []string{"112201", "112202"} {
		if _, err := b.AddAccount(ctx, u, c, "应收明细 "+c, ""); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()
	s := newWindow(t, path, "admin", "", "settings", "zh-CN")
	v := newSettings(s)
	r := v.roles
	if len(r.rows) != 17 || r.Account(ledger.OutputVATRole) != "222101" || r.Account(ledger.ReceivableRole) != "112201" || !r.Editable() {
		t.Fatalf("%d roles, output VAT %s, receivable %s, editable %v", len(r.rows), r.Account(ledger.OutputVATRole),
			r.Account(ledger.ReceivableRole), r.Editable())
	}
	sels := roleSelects(r.build())
	recv := sels["应收账款"]
	if len(sels) != 17 || recv == nil || recv.Selected != "112201 应收明细 112201" || len(recv.Options) != 2 || recv.Disabled() {
		t.Fatalf("%d selects; receivable %+v", len(sels), recv)
	}
	recv.SetSelected("112202 应收明细 112202")
	if got, _ := s.book.AccountRoles(ctx, s.user); r.Account(ledger.ReceivableRole) != "112202" || got[1].Account != "112202" {
		t.Errorf("receivable after the select: %s", r.Account(ledger.ReceivableRole))
	}
	if err := r.Set(ledger.ReceivableRole, "1221"); ledger.CodeOf(err) != ledger.CodeRoleOutside || r.errs[ledger.ReceivableRole] == nil {
		t.Errorf("receivable → 1221: %v", err)
	}
	if r.Account(ledger.ReceivableRole) != "112202" {
		t.Errorf("a refused change moved the role to %s", r.Account(ledger.ReceivableRole))
	}

	// After the first close: fixed, and said so.
	if _, err := s.book.ClosePeriod(ctx, s.user, "2025-01", ledger.CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	r = newRolesVM(s)
	obj := r.build()
	if r.Fixed() != "2025-01" || r.Editable() {
		t.Fatalf("after the close: fixed %q, editable %v", r.Fixed(), r.Editable())
	}
	for name, sel := range roleSelects(obj) {
		if !sel.Disabled() {
			t.Errorf("%s can still change", name)
		}
	}
	if !hasLabel(obj, s.t("ui.roles.fixed", map[string]any{"period": "2025-01"})) {
		t.Error("the section does not say why roles no longer change")
	}
}

func hasLabel(o fyne.CanvasObject, text string) bool {
	switch x := o.(type) {
	case *widget.Label:
		return x.Text == text
	case *fyne.Container:
		for _, c := range x.Objects {
			if hasLabel(c, text) {
				return true
			}
		}
	}
	return false
}
