// Package ui is the window of ShopBooks (店账), built with Fyne. The logic sits in
// view-models (plain structs over *ledger.Book and *ledger.User) that the widgets call and
// the tests drive without a window; the widgets only show them.
package ui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// Options is what the program hands to the window (see cli.GUIOptions).
type Options struct {
	BookPath     string
	BookExplicit bool
	Lang         string
	Screen       string
	User         string
	Password     string
	ConfigDir    string
	Log          *slog.Logger
	Remember     func(bookPath, lang string) error
}

// Run opens the main window on app a and blocks until it closes.
func Run(a fyne.App, o Options) error {
	seen := &atomic.Bool{} // input noticed by the theme, for the idle lock (idle.go)
	a.Settings().SetTheme(&activityTheme{Theme: newTheme(), seen: seen})
	w := a.NewWindow("店账 ShopBooks")
	w.Resize(fyne.NewSize(1280, 800))
	s := start(a, w, o)
	s.idle.seen = seen
	stop := make(chan struct{})
	s.startIdleTicker(stop)
	w.ShowAndRun()
	close(stop)
	if s.book != nil {
		return s.book.Close()
	}
	return nil
}

// session is the window's state: the language, the open book, the user, and the
// view-models of the screens (kept across a language switch, so edits survive it).
type session struct {
	app  fyne.App
	win  fyne.Window
	o    Options
	ctx  context.Context
	log  *slog.Logger
	lang i18n.Lang
	cat  *i18n.Catalog

	book *ledger.Book
	user *ledger.User

	screens map[string]screen
	page    func() fyne.CanvasObject // builds what the window shows now
	shell   *shell
	status  string
	first   *firstRunVM
	login   *loginVM
	bk      *backupState // the open book's backups in this session (backup_job.go)
	idle    *idleLock    // the session's idle lock (idle.go)
	// verify is the last check of the open book (verify_open.go); verifyWG counts the
	// checks running.
	verify   verifyState
	verifyWG sync.WaitGroup
	// openCheck: the book was just opened and its check has not started yet (afterOpen
	// starts it once the first screen is shown, or at once for the login page).
	openCheck bool
	// quitting: the window is closing for good (after the exit's backup)
	quitting bool
	exit     func() // closes the window for good; nil: win.Close (tests set it)
}

// screen is one screen's view-model; build makes its widgets (again after a language
// switch). The commands of the Edit menu reach it through commands, when it has them.
type screen interface {
	build() fyne.CanvasObject
}

type commands interface {
	cmdNew()
	cmdSave()
	cmdFind()
	cmdCancel()
}

// dirtier is a screen with unsaved edits to guard.
type dirtier interface{ dirty() bool }

// start decides what the window shows first: the first-run page (no book), the login,
// or the shell.
func start(a fyne.App, w fyne.Window, o Options) *session {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	lang, ok := i18n.Parse(o.Lang)
	if !ok {
		lang = i18n.FromEnv()
	}
	s := &session{app: a, win: w, o: o, ctx: context.Background(), log: o.Log, lang: lang, cat: i18n.For(lang),
		screens: map[string]screen{}, bk: &backupState{}}
	s.first = newFirstRunVM(s)
	w.SetCloseIntercept(s.quit)
	s.login = &loginVM{s: s}
	s.idle = newIdleLock(s, time.Now)
	w.SetMainMenu(s.menu())
	if o.BookPath == "" {
		s.showFirstRun()
		return s
	}
	if _, err := os.Stat(o.BookPath); errors.Is(err, os.ErrNotExist) {
		s.first.path = o.BookPath
		s.first.err = nil
		s.showFirstRun()
		return s
	}
	if err := s.openBook(o.BookPath); err != nil {
		s.first.err = err
		s.showFirstRun()
		return s
	}
	s.afterOpen()
	return s
}

// t translates a catalog key.
func (s *session) t(key string, args ...map[string]any) string { return s.cat.T(key, args...) }

// errText translates an error for a person: a refusal from its code and args, anything
// else as "internal error, see the log" (logged here).
func (s *session) errText(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*ledger.Error](err); ok {
		args := make(map[string]any, len(e.Args))
		for k, v := range e.Args {
			args[k] = v
			// an argument that is itself a catalog key ("aux": "field.aux_customer")
			if str, ok := v.(string); ok && k != "field" && k != "what" && strings.Contains(str, ".") && s.cat.Has(str) {
				args[k] = i18n.Key(str)
			}
		}
		return s.cat.Error(string(e.Code), args)
	}
	if e, ok := errors.AsType[*uiError](err); ok {
		return s.t(e.Key)
	}
	s.log.Error("internal error", "err", err)
	return s.cat.Error(string(ledger.CodeInternal), nil)
}

// show puts a page in the window; the page is rebuilt as is on a language switch.
func (s *session) show(page func() fyne.CanvasObject) {
	s.page = page
	s.win.SetContent(page())
}

// setLang switches the language: the window is rebuilt from the view-models, so nothing
// typed is lost, and the choice is remembered for the next start.
func (s *session) setLang(l i18n.Lang) {
	if l == s.lang {
		return
	}
	s.lang, s.cat = l, i18n.For(l)
	s.remember()
	s.win.SetMainMenu(s.menu())
	if s.page != nil {
		s.win.SetContent(s.page())
	}
}

func (s *session) remember() {
	if s.o.Remember == nil {
		return
	}
	path := ""
	if s.book != nil {
		path = s.book.Path()
	}
	if err := s.o.Remember(path, string(s.lang)); err != nil {
		s.log.Warn("remember settings", "err", err)
	}
}

// openBook opens an existing book file (the caller shows the error).
func (s *session) openBook(path string) error {
	b, err := ledger.Open(s.ctx, path, s.log)
	if err != nil {
		return err
	}
	if _, err := b.Settings(s.ctx); err != nil {
		b.Close()
		return err
	}
	s.setBook(b)
	s.openCheck = true
	return nil
}

// startOpenCheck starts the check of a book just opened, once.
func (s *session) startOpenCheck() {
	if s.openCheck {
		s.openCheck = false
		s.checkBook(false)
	}
}

func (s *session) setBook(b *ledger.Book) {
	if s.book != nil && s.book != b {
		s.book.Close()
	}
	s.book, s.user = b, nil
	if s.bk != nil && s.bk.running && s.bk.cancel != nil {
		s.bk.cancel()
	}
	s.bk = &backupState{}
	s.verify, s.openCheck = verifyState{}, false
	s.screens = map[string]screen{}
	s.shell = nil
	s.remember()
}

// afterOpen logs in: a lone user without a password (or with the password given in the
// environment) goes straight in; else the login page.
func (s *session) afterOpen() {
	name := s.o.User
	needs := true
	if name == "" {
		n, pw, err := s.book.DefaultUser(s.ctx)
		if err == nil {
			name, needs = n, pw
		}
	}
	if name != "" && (!needs || s.o.Password != "" || s.o.User != "") {
		u, err := s.book.Login(s.ctx, name, s.o.Password)
		if err == nil {
			// The first screen is built before the check starts: on two cores the
			// check's readers would take the one the screen's reads run on.
			s.enter(u)
			s.startOpenCheck()
			return
		}
		s.login.err = err
	}
	s.startOpenCheck() // while a person types the password
	s.login.name = name
	s.showLogin()
}

// enter shows the shell for a logged-in user, at the screen asked for on the command line.
func (s *session) enter(u *ledger.User) {
	s.user = u
	s.idle.locked = false
	s.idle.Load()
	s.idle.Touch()
	s.screens = map[string]screen{}
	s.shell = newShell(s)
	s.show(s.shell.build)
	first := "home"
	if s.o.Screen != "" {
		first = s.o.Screen
		s.o.Screen = ""
	}
	s.open(first)
}

// open shows a screen in a tab, opening it if needed.
func (s *session) open(id string) {
	if s.shell == nil {
		return
	}
	if num, ok := strings.CutPrefix(id, "doc:"); ok {
		s.openDoc(num)
		return
	}
	if ref, ok := strings.CutPrefix(id, "voucher:"); ok {
		s.openVoucher(ref)
		return
	}
	if step, ok := strings.CutPrefix(id, "close:"); ok {
		s.openClose(step)
		return
	}
	if id == "lock" { // the idle lock's page, for screenshots: once the window is shown
		s.open("home")
		time.AfterFunc(time.Second, func() { fyne.Do(s.idle.Lock) })
		return
	}
	if id == "backup:preview" || id == "backup:confirm" { // the newest backup's preview or confirmation, for screenshots
		s.open("backup")
		if v, ok := s.screens["backup"].(*backupScreen); ok && len(v.list) > 0 {
			if id == "backup:confirm" {
				v.confirmRestore(v.list[0].BackupInfo, "")
			} else {
				v.inspectThenRestore(v.list[0].Path)
			}
		}
		return
	}
	if a, ok := areas[id]; ok && len(a.children) > 0 {
		if kids := visibleChildren(s.user, id); len(kids) > 0 {
			id = kids[0]
		}
	}
	if !allowed(s.user, id) {
		s.setStatus(s.t("ui.msg.not_allowed"))
		return
	}
	s.shell.openTab(id)
}

// screen returns the view-model of a screen, made on first use.
func (s *session) screen(id string) screen {
	if sc, ok := s.screens[id]; ok {
		return sc
	}
	var sc screen
	switch id {
	case "home":
		sc = newHome(s)
	case "items":
		sc = newMasterScreen(s, itemsEntity(s))
	case "warehouses":
		sc = newMasterScreen(s, warehousesEntity(s))
	case "partners":
		sc = newMasterScreen(s, partnersEntity(s))
	case "accounts":
		sc = newMasterScreen(s, accountsEntity(s))
	case "opening":
		sc = newOpening(s)
	case "users":
		sc = newUsersScreen(s)
	case "settings":
		sc = newSettings(s)
	case "backup":
		sc = newBackupScreen(s)
	default:
		if sc = areaScreen(s, id); sc == nil {
			sc = &placeholder{s: s, id: id}
		}
	}
	s.screens[id] = sc
	return sc
}

// setStatus shows the last result in the status bar.
func (s *session) setStatus(msg string) {
	s.status = msg
	if s.shell != nil && s.shell.statusLabel != nil {
		s.shell.statusLabel.SetText(msg)
	}
}

// current returns the screen of the selected tab, if any.
func (s *session) current() screen {
	if s.shell == nil {
		return nil
	}
	return s.shell.currentScreen()
}

// cmd runs an Edit-menu command on the current screen.
func (s *session) cmd(f func(commands)) {
	if c, ok := s.current().(commands); ok {
		f(c)
	}
}

// errorLabel is a red label for a refusal; hidden while empty.
func errorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

func setErrorLabel(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// padded puts a little space around a page.
func padded(o fyne.CanvasObject) fyne.CanvasObject { return container.NewPadded(o) }

// lineErrText is an editor's refusal in words, naming its line when the message does not
// already (Args["line"] of a *ledger.Error); "" for none.
func (s *session) lineErrText(err error) string {
	if err == nil {
		return ""
	}
	txt := s.errText(err)
	if le, ok := err.(*ledger.Error); ok {
		if n, ok := le.Args["line"].(int); ok && !strings.Contains(txt, itoa(n)) {
			txt = s.t("ui.doc.at_line", map[string]any{"line": n, "msg": txt})
		}
	}
	return txt
}

// retitleTab shows title on the tab of screen id (an editor's number and its • mark).
func (s *session) retitleTab(id, title string) {
	sh := s.shell
	if sh == nil || sh.tabs == nil {
		return
	}
	for it, tid := range sh.tabIDs {
		if tid == id && it.Text != title {
			it.Text = title
			sh.tabs.Refresh()
		}
	}
}
