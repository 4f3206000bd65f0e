package ui

import (
	"context"
	"image/color"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The session's idle lock (issue 7): after Settings.IdleLock minutes without input the
// window covers its content with a login for the same user; unlocking (the password, or
// 继续 for a user without one) goes through book.Login, which records the attempt and
// slows repeated failures. Nothing underneath is rebuilt nor hidden: the screens, their
// unsaved edits and open dialogs are where they were.
//
// Fyne 2.7 has no window-wide input hook (a focused widget takes the keys; the topmost
// interactive object takes the mouse), so input is noticed where it shows: typing,
// clicking, hovering a control and scrolling all repaint something in colors that only
// input asks for (hover, pressed, focus, an entry's background, the scroll bar), and the
// theme tells activityTheme when they are asked. Moving the mouse over plain text does
// not count. A frame drawn with nothing changed (a blinking cursor) asks only the
// background color, which does not count either.

// idleLock is the lock's view-model; its clock is injected (tests move it).
type idleLock struct {
	s       *session
	now     func() time.Time
	last    time.Time    // the last input seen
	minutes int          // Settings.IdleLock; 0 never
	seen    *atomic.Bool // set by activityTheme; nil in tests
	locked  bool
	busy    bool // an unlock is being checked
	err     error

	cover   fyne.CanvasObject // the lock page, the top overlay: over the content and dialogs
	menu    *fyne.MainMenu    // the menu, away while locked
	pw      *fieldEntry
	widgets *lockWidgets
}

func newIdleLock(s *session, now func() time.Time) *idleLock {
	return &idleLock{s: s, now: now, last: now()}
}

// Touch records input now (ignored while locked: only unlocking unlocks).
func (l *idleLock) Touch() {
	if !l.locked {
		l.last = l.now()
	}
}

// Load reads the setting (on entering the shell, and each tick: the settings screen may
// change it).
func (l *idleLock) Load() {
	if l.s.book == nil {
		return
	}
	if set, err := l.s.book.Settings(l.s.ctx); err == nil {
		l.minutes = set.IdleLock
	}
}

// Due tells whether the session has been idle long enough to lock.
func (l *idleLock) Due() bool {
	return l.minutes > 0 && !l.locked && l.s.user != nil && l.s.shell != nil &&
		l.now().Sub(l.last) >= time.Duration(l.minutes)*time.Minute
}

// tick runs every few seconds on the UI goroutine: input seen since the last tick
// counts as now; then the lock, when due.
func (l *idleLock) tick() {
	if l.seen != nil && l.seen.Swap(false) {
		l.Touch()
	}
	l.Load()
	if l.Due() {
		l.Lock()
	}
}

// Lock covers the window: the lock page as the canvas's top overlay, opaque, over the
// content and any open dialog (which stay as they are underneath, their state
// untouched). Only the top overlay gets the mouse and the keys, and a canvas resizes its
// plain overlays with the window. The menu is taken away.
func (l *idleLock) Lock() {
	s := l.s
	if l.locked || s.user == nil {
		return
	}
	l.locked, l.err = true, nil
	l.menu = s.win.MainMenu()
	s.win.SetMainMenu(nil)
	l.cover = l.build()
	l.cover.Move(fyne.NewPos(0, 0))
	l.cover.Resize(s.win.Canvas().Size())
	s.win.Canvas().Overlays().Add(l.cover)
	if l.pw != nil {
		s.win.Canvas().Focus(l.pw)
	}
	s.log.Info("session locked after idle time", "user", s.user.Name, "minutes", l.minutes)
}

// Unlock checks the password through book.Login off the UI goroutine (a refused login
// waits longer each time), then, on the UI goroutine, uncovers the window or keeps the
// lock with the refusal. done, when not nil, gets the outcome there.
func (l *idleLock) Unlock(password string, done func(error)) {
	s := l.s
	if !l.locked || l.busy {
		return
	}
	l.busy = true
	b, name := s.book, s.user.Name
	var err error
	runAsync(func() {
		_, err = b.Login(context.Background(), name, password)
	}, func() {
		l.busy = false
		l.err = err
		if err == nil {
			l.uncover()
		} else {
			l.refresh()
		}
		if done != nil {
			done(err)
		}
	})
}

// uncover takes the lock away: what it covered was never touched.
func (l *idleLock) uncover() {
	s := l.s
	l.locked = false
	l.last = l.now()
	if l.cover != nil {
		s.win.Canvas().Overlays().Remove(l.cover)
	}
	if l.menu != nil {
		s.win.SetMainMenu(l.menu)
	}
	l.cover, l.menu, l.pw, l.widgets = nil, nil, nil, nil
}

// the lock page's widgets that show the view-model
type lockWidgets struct {
	errL   *widget.Label
	button *widget.Button
}

func (l *idleLock) build() fyne.CanvasObject {
	s := l.s
	set, _ := s.book.Settings(s.ctx)
	title := widget.NewLabelWithStyle(s.t("ui.lock.title", map[string]any{"name": set.Name}), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	body := "ui.lock.body_nopw"
	if s.user.HasPassword {
		body = "ui.lock.body"
	}
	who := widget.NewLabel(s.t(body, map[string]any{"user": s.user.Name}))
	who.Wrapping = fyne.TextWrapWord
	who.Alignment = fyne.TextAlignCenter
	errL := errorLabel()
	var btn *widget.Button
	rows := []fyne.CanvasObject{title, who}
	if s.user.HasPassword {
		pw := newFieldEntry()
		pw.Password = true
		pw.SetPlaceHolder(s.t("field.password"))
		pw.OnSubmitted = func(string) { l.submit() }
		l.pw = pw
		rows = append(rows, pw)
		btn = widget.NewButton(s.t("ui.lock.unlock"), l.submit)
	} else {
		l.pw = nil
		btn = widget.NewButton(s.t("ui.lock.continue"), l.submit)
	}
	btn.Importance = widget.HighImportance
	rows = append(rows, errL, container.NewHBox(layout.NewSpacer(), btn))
	l.widgets = &lockWidgets{errL: errL, button: btn}
	box := container.NewVBox(rows...)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground)) // opaque: nothing of the book shows through
	return container.NewStack(bg, container.NewCenter(container.NewGridWrap(fyne.NewSize(440, 240), box)))
}

func (l *idleLock) submit() {
	pw := ""
	if l.pw != nil {
		pw = l.pw.Text
	}
	if l.widgets != nil {
		l.widgets.button.Disable()
	}
	l.Unlock(pw, nil)
}

// refresh shows a refusal on the lock page.
func (l *idleLock) refresh() {
	w := l.widgets
	if w == nil {
		return
	}
	w.button.Enable()
	setErrorLabel(w.errL, l.s.errText(l.err))
	if l.pw != nil {
		l.pw.SetText("")
		l.s.win.Canvas().Focus(l.pw)
	}
}

// activityTheme is the window's theme, telling the idle lock when a color that only
// input asks for is asked (see the top of this file).
type activityTheme struct {
	fyne.Theme
	seen *atomic.Bool
}

// inputColors are asked when something is hovered, pressed, focused, typed into or
// scrolled.
var inputColors = map[fyne.ThemeColorName]bool{theme.ColorNameHover: true, theme.ColorNamePressed: true,
	theme.ColorNameFocus: true, theme.ColorNameInputBackground: true, theme.ColorNameScrollBar: true,
	theme.ColorNameSelection: true}

func (t *activityTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if inputColors[n] {
		t.seen.Store(true)
	}
	return t.Theme.Color(n, v)
}

// startIdleTicker checks the lock every 15 s until stop is closed.
func (s *session) startIdleTicker(stop <-chan struct{}) {
	t := time.NewTicker(15 * time.Second)
	go func() {
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fyne.Do(func() {
					if s.idle != nil {
						s.idle.tick()
					}
				})
			case <-stop:
				return
			}
		}
	}()
}
