package ui

import (
	"database/sql"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// Opening a book checks it (ledger.VerifyQuick) off the UI goroutine: a sound book says
// so in the status bar; an item edited behind the app's back is named in a dialog and in
// red words on the status bar. The full check runs from the settings.
func TestCheckOnOpen(t *testing.T) {
	b, path := newBook(t)
	addItem(t, b, admin(t, b), "A", "洗衣液")
	b.Close()

	s := newWindow(t, path, "", "", "items", "zh-CN")
	s.verifyWG.Wait()
	if !s.verify.done || s.verify.rep.Failure != nil || s.verify.err != nil {
		t.Fatalf("a sound book: %+v", s.verify)
	}
	if txt, bad := s.checkText(); bad || !strings.Contains(txt, "未发现问题") || s.status != txt {
		t.Errorf("status %q (%q, bad %v)", s.status, txt, bad)
	}
	s.checkBook(true)
	s.verifyWG.Wait()
	if txt, bad := s.checkText(); bad || txt != s.t("ui.verify.ok_full") {
		t.Errorf("full check: %q bad %v", txt, bad)
	}
	s.verifyWG.Wait()
	s.book.Close()
	s.book = nil

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE items SET name = '假货' WHERE code = 'A'"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s2 := newWindow(t, path, "", "", "items", "zh-CN")
	s2.verifyWG.Wait()
	f := s2.verify.rep.Failure
	if f == nil || f.Code != ledger.CodeVerifyChanged || f.Args["field"] != "name" {
		t.Fatalf("a tampered item: %+v", s2.verify)
	}
	txt, bad := s2.checkText()
	if !bad || !strings.Contains(txt, "账套校验未通过") || !strings.Contains(txt, "A") || s2.status != txt {
		t.Errorf("status %q (%q, bad %v)", s2.status, txt, bad)
	}
}

// A check that cannot run — the book closed under it — says so in the status bar and
// shows no dialog (it used to dereference the report's nil failure).
func TestCheckOfAClosedBook(t *testing.T) {
	_, path := newBook(t)
	s := newWindow(t, path, "", "", "items", "en")
	s.verifyWG.Wait()
	s.book.Close()
	s.checkBook(false)
	s.verifyWG.Wait()
	if s.verify.err == nil {
		t.Fatalf("a closed book checked: %+v", s.verify)
	}
	if txt, bad := s.checkText(); !bad || s.status != txt {
		t.Errorf("status %q (%q, bad %v)", s.status, txt, bad)
	}
	s.book = nil
}

// The check of a book just opened runs while the login page waits for a password, and
// after the first screen when the user goes straight in — once either way.
func TestCheckOnOpenWithLogin(t *testing.T) {
	b, path := newBook(t)
	if err := b.SetPassword(t.Context(), admin(t, b), "admin", "s3cret-pass"); err != nil {
		t.Fatal(err)
	}
	b.Close()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	s := start(a, w, Options{BookPath: path, Lang: "en", Log: quiet})
	t.Cleanup(func() {
		s.verifyWG.Wait()
		s.book.Close()
	})
	s.verifyWG.Wait()
	if s.user != nil || !s.verify.done || s.verify.rep.Failure != nil || s.openCheck {
		t.Fatalf("on the login page: user %v, check %+v, pending %v", s.user, s.verify, s.openCheck)
	}
	s2 := newWindow(t, path, "admin", "s3cret-pass", "home", "en")
	s2.verifyWG.Wait()
	if !s2.verify.done || s2.openCheck {
		t.Fatalf("logged in: check %+v, pending %v", s2.verify, s2.openCheck)
	}
}
