package ui

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// firstRunVM is the page shown without a book: create one (新建账套) or open one (打开账套).
type firstRunVM struct {
	s         *session
	form      *formVM
	path      string // a path the user chose or the program was given
	pathTyped bool   // the user edited the file field: stop following the name
	err       error  // the last refusal of opening a book
	mode      string
}

func newFirstRunVM(s *session) *firstRunVM {
	v := &firstRunVM{s: s}
	taxpayers := func() []choice {
		return []choice{{value: string(ledger.TaxpayerSmall), label: "ui.taxpayer.small", key: true},
			{value: string(ledger.TaxpayerGeneral), label: "ui.taxpayer.general", key: true}}
	}
	v.form = newForm([]fieldSpec{
		{key: "name", label: "ui.field.shop_name", required: true},
		{key: "path", label: "ui.field.book_file", required: true},
		{key: "start", label: "field.start", required: true, hint: "ui.hint.start",
			check: func(t string) error { _, err := ledger.ParsePeriod("start", t); return err }},
		{key: "costing", label: "field.costing", kind: kChoice, choices: costingChoices, hint: "ui.hint.costing_never"},
		{key: "taxpayer", label: "field.taxpayer", kind: kChoice, choices: taxpayers, hint: "ui.hint.never_changes"},
		{key: "admin", label: "ui.field.admin", required: true},
		{key: "password", label: "field.password", kind: kPassword, hint: "ui.hint.admin_password"},
		{key: "password2", label: "ui.field.password_again", kind: kPassword},
	})
	v.form.load(map[string]string{
		"start": time.Now().Format("2006-01"), "costing": string(ledger.CostingMoving),
		"taxpayer": string(ledger.TaxpayerSmall), "admin": "admin",
	}, true)
	return v
}

// defaultDir is where a new book goes: the Documents folder, else the home folder.
func defaultDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	for _, d := range []string{"Documents", "文档"} {
		if st, err := os.Stat(filepath.Join(home, d)); err == nil && st.IsDir() {
			return filepath.Join(home, d)
		}
	}
	return home
}

// SetName follows the shop name in the file name until the user edits the file.
func (v *firstRunVM) SetName(name string) {
	v.form.Set("name", name)
	if v.pathTyped {
		return
	}
	dir := defaultDir()
	if v.path != "" {
		dir = filepath.Dir(v.path)
	}
	n := strings.TrimSpace(name)
	if n == "" {
		n = "shop"
	}
	n = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, n)
	v.form.Set("path", filepath.Join(dir, n+".book"))
}

// Create makes the book, remembers it and logs the admin in.
func (v *firstRunVM) Create() error {
	f := v.form.text
	if f["password"] != f["password2"] {
		err := &uiError{Key: "ui.users.mismatch", Field: "password2"}
		v.form.place(err)
		return err
	}
	start, err := ledger.ParsePeriod("start", f["start"])
	if err != nil {
		v.form.place(err)
		return err
	}
	path := strings.TrimSpace(f["path"])
	if path == "" {
		err := &ledger.Error{Code: ledger.CodeRequired, Args: map[string]any{"field": "path"}}
		v.form.place(err)
		return err
	}
	nb := ledger.NewBook{Settings: ledger.Settings{Name: f["name"], Start: start, Costing: ledger.Costing(f["costing"]),
		Taxpayer: ledger.Taxpayer(f["taxpayer"])}, Admin: f["admin"], AdminPassword: f["password"]}
	b, err := ledger.Create(v.s.ctx, path, nb, v.s.log)
	if err != nil {
		if e, ok := err.(*ledger.Error); ok && e.Field() == "" && e.Args["path"] != nil {
			e.Args["field"] = "path"
		}
		v.form.place(err)
		return err
	}
	v.form.place(nil)
	v.s.setBook(b)
	u, err := b.Login(v.s.ctx, strings.TrimSpace(f["admin"]), f["password"])
	if err != nil {
		v.s.afterOpen()
		return nil
	}
	v.s.enter(u)
	return nil
}

// Open opens an existing book; a refusal (not a book, truncated, newer version,
// read-only) is kept for the page and returned.
func (v *firstRunVM) Open(path string) error {
	if err := v.s.openBook(path); err != nil {
		v.err = err
		return err
	}
	v.err = nil
	v.s.afterOpen()
	return nil
}

func (s *session) showFirstRun() {
	if s.book != nil {
		s.book.Close()
		s.book, s.user, s.shell = nil, nil, nil
	}
	if s.first.form.Get("path") == "" {
		if s.first.path != "" {
			s.first.form.Set("path", s.first.path)
			s.first.pathTyped = true
		} else {
			s.first.SetName(s.first.form.Get("name"))
		}
	}
	s.show(s.first.build)
}

// chooseBook asks for a book file and opens it.
func (s *session) chooseBook() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		if err := s.first.Open(path); err != nil {
			if s.book == nil {
				s.showFirstRun()
			}
			dialog.ShowInformation(s.t("ui.first.open_failed"), s.errText(err), s.win)
		}
	}, s.win)
	d.SetConfirmText(s.t("ui.btn.open"))
	d.SetDismissText(s.t("ui.btn.cancel"))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

func (v *firstRunVM) build() fyne.CanvasObject {
	s := v.s
	var fv *formView
	create := func() {
		if err := v.Create(); err != nil {
			fv.refresh()
			fv.focusFirstError()
		}
	}
	fv = newFormView(s, v.form, true, create, func() {})
	formObj := fv.build()
	fv.entries["name"].OnChanged = func(t string) {
		if fv.updating {
			return
		}
		v.SetName(t)
		fv.updating = true
		fv.entries["path"].SetText(v.form.Get("path"))
		fv.updating = false
	}
	fv.entries["path"].OnChanged = func(t string) {
		if !fv.updating {
			v.form.Set("path", t)
			v.pathTyped = true
		}
	}
	title := widget.NewLabelWithStyle(s.t("ui.first.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel(s.t("ui.first.intro"))
	intro.Wrapping = fyne.TextWrapWord
	openB := iconButton(s.t("ui.first.open"), theme.FolderOpenIcon(), s.chooseBook)
	createB := iconButton(s.t("ui.first.create"), theme.ContentAddIcon(), create)
	createB.Importance = widget.HighImportance
	openErr := errorLabel()
	setErrorLabel(openErr, s.errText(v.err))
	lang := widget.NewButton(s.t("ui.top.lang"), func() { s.setLang(otherLang(s.lang)) })
	left := container.NewVBox(title, intro, openB, openErr, iconButton(s.t("ui.first.restore"), theme.HistoryIcon(), s.chooseRestoreNew))
	right := container.NewBorder(widget.NewLabelWithStyle(s.t("ui.first.create_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(layout.NewSpacer(), createB), nil, nil, container.NewVScroll(formObj))
	split := container.NewHSplit(container.NewPadded(left), container.NewPadded(right))
	split.Offset = 0.35
	top := container.NewHBox(widget.NewLabelWithStyle(s.t("ui.app.name"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), layout.NewSpacer(), lang)
	return container.NewBorder(container.NewVBox(top, widget.NewSeparator()), nil, nil, nil, split)
}

// loginVM is the login page: user name and password, checked by book.Login.
type loginVM struct {
	s        *session
	name     string
	password string
	err      error
}

// Login checks the name and password and enters the shell.
func (v *loginVM) Login() error {
	u, err := v.s.book.Login(v.s.ctx, v.name, v.password)
	v.password = ""
	if err != nil {
		v.err = err
		return err
	}
	v.err = nil
	v.s.enter(u)
	return nil
}

func (s *session) showLogin() {
	s.shell = nil
	s.show(s.login.build)
}

func (v *loginVM) build() fyne.CanvasObject {
	s := v.s
	set, _ := s.book.Settings(s.ctx)
	name := newFieldEntry()
	name.SetText(v.name)
	name.OnChanged = func(t string) { v.name = t }
	pw := newFieldEntry()
	pw.Password = true
	pw.OnChanged = func(t string) { v.password = t }
	errL := errorLabel()
	setErrorLabel(errL, s.errText(v.err))
	login := func() {
		if err := v.Login(); err != nil {
			setErrorLabel(errL, s.errText(err))
			pw.SetText("")
			s.win.Canvas().Focus(pw)
		}
	}
	name.OnSubmitted = func(string) { s.win.Canvas().Focus(pw) }
	pw.OnSubmitted = func(string) { login() }
	b := widget.NewButton(s.t("ui.login.button"), login)
	b.Importance = widget.HighImportance
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(s.t("ui.field.user_name")), name,
		widget.NewLabel(s.t("field.password")), pw)
	other := widget.NewButton(s.t("ui.menu.open_book"), s.chooseBook)
	other.Importance = widget.LowImportance
	box := container.NewVBox(
		widget.NewLabelWithStyle(s.t("ui.login.title", map[string]any{"name": set.Name}), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		form, errL, container.NewHBox(layout.NewSpacer(), other, b))
	lang := widget.NewButton(s.t("ui.top.lang"), func() { s.setLang(otherLang(s.lang)) })
	if v.name == "" {
		defer s.win.Canvas().Focus(name)
	} else {
		defer s.win.Canvas().Focus(pw)
	}
	return container.NewBorder(container.NewHBox(layout.NewSpacer(), lang), nil, nil, nil,
		container.NewCenter(container.NewGridWrap(fyne.NewSize(440, 260), box)))
}
