package ui

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"shopbooks/ledger"
)

// idleBook is a book that locks after 5 idle minutes, with 李梅 (password "pw").
func idleBook(t *testing.T) string {
	t.Helper()
	b, path := newBook(t)
	ctx := context.Background()
	u := admin(t, b)
	set, err := b.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.IdleLock = 5
	if err := b.UpdateSettings(ctx, u, set); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddUser(ctx, u, "李梅", ledger.RoleAccountant, "pw"); err != nil {
		t.Fatal(err)
	}
	b.Close()
	return path
}

// fakeClock makes the lock's clock one the test moves.
func fakeClock(s *session) *time.Time {
	now := time.Date(2025, 1, 31, 9, 0, 0, 0, time.Local)
	s.idle.now = func() time.Time { return now }
	s.idle.Touch()
	return &now
}

// TestIdleLock: after IdleLock minutes without input the window shows the login for the
// same user over the content; a wrong password is refused (and recorded) and keeps the
// lock; the right one brings back the screen with its unsaved edit.
func TestIdleLock(t *testing.T) {
	path := idleBook(t)
	s := newWindow(t, path, "李梅", "pw", "items", "zh-CN")
	s.exit = func() {}
	now := fakeClock(s)
	v := itemsScreen(t, s)
	test.Type(v.form.entries["code"], "A") // an unsaved edit
	under := s.win.Content()
	d := dialog.NewInformation("?", "a dialog open when the lock comes", s.win)
	d.Show()
	open := s.win.Canvas().Overlays().Top()

	*now = now.Add(4*time.Minute + 59*time.Second)
	s.idle.tick()
	if s.idle.locked {
		t.Fatal("locked before 5 minutes")
	}
	// input seen (through the theme) counts as now
	seen := &atomic.Bool{}
	s.idle.seen = seen
	th := &activityTheme{Theme: newTheme(), seen: seen}
	th.Color(theme.ColorNameBackground, theme.VariantLight) // a frame redrawn: not input
	*now = now.Add(2 * time.Second)
	s.idle.tick()
	if !s.idle.locked {
		t.Fatal("a redrawn frame counted as input")
	}
	if top := s.win.Canvas().Overlays().Top(); top != s.idle.cover || s.win.MainMenu() != nil || s.idle.pw == nil ||
		s.win.Canvas().Focused() != s.idle.pw {
		t.Fatal("the lock does not cover the window")
	}
	if sz := s.idle.cover.Size(); sz != s.win.Canvas().Size() {
		t.Errorf("the cover is %v", sz)
	}
	s.quit()
	if s.quitting {
		t.Error("quit while locked dropped the edits underneath")
	}

	var got error
	s.idle.Unlock("wrong", func(err error) { got = err })
	if ledger.CodeOf(got) != ledger.CodeBadPassword || !s.idle.locked || s.idle.widgets.errL.Text == "" {
		t.Fatalf("a wrong password: %v, locked %v", got, s.idle.locked)
	}
	a, err := s.book.Login(s.ctx, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	trail, err := s.book.AuditTrail(s.ctx, a, 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	failed := false
	for _, r := range trail {
		if r.Action == "user.login_failed" && r.User == "李梅" {
			failed = true
		}
	}
	if !failed {
		t.Error("the refused unlock is not in the audit trail")
	}

	s.idle.Unlock("pw", func(err error) { got = err })
	if got != nil || s.idle.locked {
		t.Fatalf("unlock: %v", got)
	}
	if s.win.Content() != under || s.win.MainMenu() == nil || s.win.Canvas().Overlays().Top() != open || !open.Visible() {
		t.Fatal("the window is not as the lock found it")
	}
	if v := itemsScreen(t, s); v.form.entries["code"].Text != "A" || !v.m.Form().Dirty() {
		t.Errorf("the unsaved edit is gone: %q", v.form.entries["code"].Text)
	}

	// input keeps it open: seen at each tick
	for range 10 {
		*now = now.Add(time.Minute)
		th.Color(theme.ColorNameHover, theme.VariantLight)
		s.idle.tick()
	}
	if s.idle.locked {
		t.Error("locked while in use")
	}
}

// TestIdleLockWithoutPassword: a user without a password continues with one click; a
// setting of 0 never locks.
func TestIdleLockWithoutPassword(t *testing.T) {
	path := idleBook(t)
	s := newWindow(t, path, "admin", "", "home", "en")
	now := fakeClock(s)
	*now = now.Add(5 * time.Minute)
	s.idle.tick()
	if !s.idle.locked || s.idle.pw != nil {
		t.Fatalf("locked %v, asks a password %v", s.idle.locked, s.idle.pw != nil)
	}
	if s.idle.widgets.button.Text != "Continue" {
		t.Errorf("button %q", s.idle.widgets.button.Text)
	}
	s.idle.submit()
	if s.idle.locked {
		t.Fatalf("continue: %v", s.idle.err)
	}

	set, _ := s.book.Settings(s.ctx)
	set.IdleLock = 0
	if err := s.book.UpdateSettings(s.ctx, s.user, set); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(8 * time.Hour)
	s.idle.tick()
	if s.idle.locked {
		t.Error("IdleLock 0 locked")
	}
}
