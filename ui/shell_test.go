package ui

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// TestLanguageSwitchKeepsEdits: the window is rebuilt in English with the typed text.
func TestLanguageSwitchKeepsEdits(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	var remembered []string
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	s := start(a, w, Options{BookPath: path, Lang: "zh-CN", Screen: "items", Log: quiet,
		Remember: func(p, l string) error { remembered = append(remembered, l); return nil }})
	defer s.book.Close()
	v := itemsScreen(t, s)
	test.Type(v.form.entries["name"], "洗衣液")
	s.setLang(i18n.EN)
	if v.form.entries["name"].Text != "洗衣液" {
		t.Errorf("after the switch the name reads %q", v.form.entries["name"].Text)
	}
	if v.btnSave.Text != "Save" || s.shell.tabs.Items[0].Text != "Items" {
		t.Errorf("not in English: %q %q", v.btnSave.Text, s.shell.tabs.Items[0].Text)
	}
	if len(remembered) == 0 || remembered[len(remembered)-1] != "en" {
		t.Errorf("remembered %v", remembered)
	}
}

// TestNavigation: an admin sees every area of UI.md §2; each opens a screen with
// something in it (built or a page that says what it will do).
func TestNavigation(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "", "zh-CN")
	var leaves []string
	for _, g := range visibleChildren(s.user, "") {
		if kids := visibleChildren(s.user, g); len(kids) > 0 {
			leaves = append(leaves, kids...)
		} else {
			leaves = append(leaves, g)
		}
	}
	if len(leaves) != 41 {
		t.Errorf("admin sees %d leaves, want 41: %v", len(leaves), leaves)
	}
	for _, id := range leaves {
		s.open(id)
		if s.shell.selected != id {
			t.Errorf("%s did not open", id)
		}
		if p, ok := s.screens[id].(*placeholder); ok {
			if txt := s.t("ui.soon." + groupOf(id)); !s.cat.Has("ui.soon."+id) && !s.cat.Has("ui.soon."+groupOf(id)) {
				t.Errorf("%s: no words for the placeholder (%s)", id, txt)
			}
			_ = p
		}
	}
	// a clerk sees no chart, settings or users
	clerk := &ledger.User{Role: ledger.RoleClerk, Active: true}
	for _, id := range []string{"accounts", "opening", "settings", "users", "vouchers", "close"} {
		if allowed(clerk, id) {
			t.Errorf("a clerk sees %s", id)
		}
	}
}

// TestOpeningCheck: entering the opening balances turns the check green.
func TestOpeningCheck(t *testing.T) {
	b, path := newBook(t)
	u := admin(t, b)
	ctx := context.Background()
	addItem(t, b, u, "A", "洗衣液2kg")
	if _, err := b.AddWarehouse(ctx, u, ledger.Warehouse{Code: "W1", Name: "主仓", Active: true}); err != nil {
		t.Fatal(err)
	}
	b.Close()
	s := newWindow(t, path, "", "", "opening", "zh-CN")
	o := s.screens["opening"].(*openingScreen)
	st := o.stock
	st.m.Form().Set("item", "A")
	st.m.Form().Set("warehouse", "W1")
	st.m.Form().Set("qty", "200")
	st.m.Form().Set("amount", "4000")
	st.cmdSave()
	if st.form.msg.Visible() {
		t.Fatalf("stock refused: %s", st.form.msg.Text)
	}
	if _, ok := o.CheckText(); ok {
		t.Error("balanced with only stock entered")
	}
	bal := o.balances
	bal.cmdNew()
	bal.m.Form().Set("account", "3001")
	bal.m.Form().Set("amount", "4,000")
	bal.cmdSave()
	if txt, ok := o.CheckText(); !ok {
		t.Errorf("check fails: %s (form: %s)", txt, bal.form.msg.Text)
	}
	// a partner account without the partner: refused at the partner field
	bal.cmdNew()
	bal.m.Form().Set("account", "1122")
	bal.m.Form().Set("amount", "100")
	bal.cmdSave()
	if !bal.form.errs["partner"].Visible() {
		t.Errorf("aux refusal not at the partner field: %q / %q", bal.form.errs["partner"].Text, bal.form.msg.Text)
	}
}

// TestUsersScreen: add a user with a password typed twice; a mismatch is refused at the
// second field.
func TestUsersScreen(t *testing.T) {
	b, path := newBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "users", "zh-CN")
	v := s.screens["users"].(*masterScreen)
	v.cmdNew()
	f := v.form
	test.Type(f.entries["name"], "王芳")
	test.Type(f.entries["password"], "secret")
	test.Type(f.entries["password2"], "secreT")
	test.Tap(v.btnSave)
	if f.errs["password2"].Text != "两次输入的密码不一致。" {
		t.Errorf("mismatch shown as %q", f.errs["password2"].Text)
	}
	f.entries["password2"].SetText("secret")
	test.Tap(v.btnSave)
	if _, err := s.book.Login(s.ctx, "王芳", "secret"); err != nil {
		t.Errorf("login as the new user: %v", err)
	}
}

// TestFirstRun: no book → the create form; creating it opens the shell as admin and
// remembers the path.
func TestFirstRun(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "新店.book")
	var remembered string
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	s := start(a, w, Options{BookPath: path, Lang: "zh-CN", Log: quiet,
		Remember: func(p, l string) error { remembered = p; return nil }})
	if s.book != nil {
		t.Fatal("a book is open before creating one")
	}
	f := s.first.form
	s.first.SetName("新店")
	if f.Get("path") != path {
		t.Errorf("path %q, want the one given %q", f.Get("path"), path)
	}
	f.Set("start", "2025-13")
	if err := s.first.Create(); ledger.CodeOf(err) != ledger.CodeBadPeriod || f.Err("start") == nil {
		t.Errorf("bad period: %v", err)
	}
	f.Set("start", "2025-01")
	if err := s.first.Create(); err != nil {
		t.Fatal(err)
	}
	defer s.book.Close()
	if s.user == nil || s.user.Role != ledger.RoleAdmin || remembered != path {
		t.Errorf("user %v, remembered %q", s.user, remembered)
	}
	// opening a file that is not a book says so
	junk := filepath.Join(dir, "notes.txt")
	os.WriteFile(junk, []byte("hello, this is not a book"), 0o644)
	if err := s.first.Open(junk); ledger.CodeOf(err) != ledger.CodeNotABook {
		t.Errorf("open a text file: %v", err)
	} else if msg := s.errText(err); msg == "" || msg == s.cat.Error("internal", nil) {
		t.Errorf("message %q", msg)
	}
}
