package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// backupScreen is 备份与恢复 (UI.md §3.10): the backup folder (remembered per book, shared
// with the CLI), 加密 with its password typed twice, 立即备份 (a job in the status bar),
// the backups in the folder, and 从备份恢复: a file, what it holds, a confirmation naming
// what is replaced, then the restore (modal); the replaced book is kept beside it and
// the window reopens the restored one.
type backupScreen struct {
	s          *session
	dir        string
	remembered bool
	encrypt    bool
	pw1, pw2   string
	list       []ledger.ListedBackup
	err        error  // the screen's refusal
	note       string // the last result, when good

	dirLabel *widget.Label
	msg      *widget.Label
	noteL    *widget.Label
	pwBox    *fyne.Container
	table    *widget.Table
	backupB  *widget.Button
}

func newBackupScreen(s *session) *backupScreen {
	v := &backupScreen{s: s, encrypt: s.bk.password != ""}
	v.dir = s.backupDir()
	_, v.remembered, _ = ledger.BackupFolder(s.o.ConfigDir, s.book.Path())
	v.Reload()
	return v
}

// Reload lists the book's backups in the folder (headers only: quick).
func (v *backupScreen) Reload() {
	v.list = nil
	list, err := ledger.ListBackups(v.dir, v.s.book.Path())
	if err != nil && ledger.CodeOf(err) != ledger.CodeNoFolder {
		v.err = err
		return
	}
	v.list = list
}

// SetFolder chooses the backup folder and remembers it for this book.
func (v *backupScreen) SetFolder(dir string) {
	v.dir, v.remembered = dir, true
	if v.s.o.ConfigDir != "" {
		if err := ledger.RememberBackupFolder(v.s.o.ConfigDir, v.s.book.Path(), dir); err != nil {
			v.s.log.Warn("backup folder not remembered", "err", err)
		}
	}
	v.err = nil
	v.Reload()
}

// SetEncrypt turns 加密 on or off; off forgets the session's password.
func (v *backupScreen) SetEncrypt(on bool) {
	v.encrypt = on
	if !on {
		v.s.bk.password = ""
		v.pw1, v.pw2 = "", ""
	}
}

// BackupNow starts 立即备份: the passwords must be typed and agree when 加密 is on; the
// password then also encrypts this session's automatic backups. done runs when the
// backup ends (on the UI goroutine).
func (v *backupScreen) BackupNow(done func()) error {
	v.err, v.note = nil, ""
	pw := ""
	if v.encrypt {
		switch {
		case v.pw1 == "" && v.s.bk.password != "":
			pw = v.s.bk.password // typed earlier in this session
		case v.pw1 == "":
			v.err = &uiError{Key: "ui.backup.password_empty", Field: "password"}
			return v.err
		case v.pw1 != v.pw2:
			v.err = &uiError{Key: "ui.users.mismatch", Field: "password2"}
			return v.err
		default:
			pw = v.pw1
		}
		v.s.bk.password = pw
		v.pw1, v.pw2 = "", ""
	}
	if !v.s.startBackup(pw, false, func(info ledger.BackupInfo, err error) {
		if err == nil {
			v.note = v.s.t("ui.backup.done", map[string]any{"file": filepath.Base(info.Path)})
		} else if !errors.Is(err, context.Canceled) {
			v.err = err
		}
		v.Reload()
		if done != nil {
			done()
		}
	}) {
		v.err = &uiError{Key: "ui.backup.wait_running"}
		return v.err
	}
	return nil
}

// Restore replaces the open book with the backup at path (already inspected) and opens
// the restored book; the replaced one is kept beside it. On a refusal the open book is
// untouched and err says why. It runs off the UI goroutine; done gets the outcome there.
func (s *session) restoreFrom(ctx context.Context, path, password string, done func(ledger.Restored, error)) {
	b, u := s.book, s.user
	var r ledger.Restored
	var err error
	runAsync(func() {
		r, err = b.RestoreAs(ctx, u, path, password)
		if err != nil && ctx.Err() != nil {
			err = &uiError{Key: "ui.backup.restore_cancelled"}
		}
	}, func() {
		if err == nil {
			s.book = nil // RestoreAs closed it
			s.setBook(r.Book)
			s.setStatus(s.t("ui.backup.restored", map[string]any{"kept": filepath.Base(r.Kept)}))
			s.afterOpen()
		}
		done(r, err)
	})
}

// sizeText is a file size in words, to a tenth: "836 B", "12.5 KB", "1.2 MB" (whole
// numbers, rounded half up).
func sizeText(n int64) string {
	const k = 1024
	unit, name := int64(1), "B"
	for _, u := range []string{"KB", "MB", "GB"} {
		if n < unit*k {
			break
		}
		unit, name = unit*k, u
	}
	if unit == 1 {
		return fmt.Sprintf("%d B", n)
	}
	tenths := (n*10 + unit/2) / unit
	return fmt.Sprintf("%d.%d %s", tenths/10, tenths%10, name)
}

var backupCols = []docCol{{"file", "ui.backup.col.file", 380, false, false}, {"created", "ui.backup.col.created", 150, false, false},
	{"size", "ui.backup.col.size", 80, false, true}, {"encrypted", "ui.backup.col.encrypted", 70, false, false},
	{"closed", "ui.backup.col.closed", 80, false, false}, {"state", "ui.backup.col.state", 160, false, false}}

// backupColWidths widens the columns to their titles and words in the language shown
// (UI.md: no "…" on labels; only file names may ellipsize).
func (v *backupScreen) backupColWidths() []docCol {
	s := v.s
	cols := append([]docCol(nil), backupCols...)
	width := func(txt string) float32 {
		return fyne.MeasureText(txt, theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 2*theme.Padding() + 8
	}
	words := map[string][]string{"encrypted": {s.t("ui.backup.encrypted"), s.t("ui.backup.plain")},
		"state": {s.t("ui.backup.verified")}}
	for i, c := range cols {
		for _, w := range append(words[c.id], s.t(c.title)) {
			cols[i].width = max(cols[i].width, width(w))
		}
	}
	return cols
}

// Cell is the text of a backup's column, and whether it is bad news (red).
func (v *backupScreen) Cell(r int, col string) (string, bool) {
	if r < 0 || r >= len(v.list) {
		return "", false
	}
	l := v.list[r]
	s := v.s
	switch col {
	case "file":
		return filepath.Base(l.Path), false
	case "created":
		return l.Created.Local().Format("2006-01-02 15:04:05"), false
	case "size":
		return sizeText(l.Size), false
	case "encrypted":
		if l.Problem != "" {
			return "", false
		}
		if l.Encrypted {
			return s.t("ui.backup.encrypted"), false
		}
		return s.t("ui.backup.plain"), false
	case "closed":
		return string(l.LastClosed), false
	case "state":
		if l.Problem != "" {
			return s.cat.Error(string(l.Problem), map[string]any{"path": filepath.Base(l.Path)}), true
		}
		return s.t("ui.backup.verified"), false
	}
	return "", false
}

func (v *backupScreen) build() fyne.CanvasObject {
	s := v.s
	v.dirLabel = widget.NewLabel(v.dir)
	v.dirLabel.Selectable = true
	v.dirLabel.Truncation = fyne.TextTruncateEllipsis
	change := iconButton(s.t("ui.backup.change"), theme.FolderOpenIcon(), v.chooseFolder)

	pw1 := newFieldEntry()
	pw1.Password = true
	pw1.SetPlaceHolder(s.t("field.password"))
	pw1.OnChanged = func(t string) { v.pw1 = t }
	pw2 := newFieldEntry()
	pw2.Password = true
	pw2.SetPlaceHolder(s.t("ui.field.password_again"))
	pw2.OnChanged = func(t string) { v.pw2 = t }
	pwNote := widget.NewLabel(s.t("ui.backup.password_note"))
	pwNote.Importance = widget.LowImportance
	pwNote.Wrapping = fyne.TextWrapWord
	v.pwBox = container.NewBorder(nil, pwNote, nil, nil,
		container.NewGridWithColumns(2, pw1, pw2))
	enc := widget.NewCheck(s.t("ui.backup.encrypt"), func(on bool) {
		v.SetEncrypt(on)
		if on {
			v.pwBox.Show()
			s.win.Canvas().Focus(pw1)
		} else {
			pw1.SetText("")
			pw2.SetText("")
			v.pwBox.Hide()
		}
	})
	enc.SetChecked(v.encrypt)
	if !v.encrypt {
		v.pwBox.Hide()
	}
	if s.bk.password != "" {
		pw1.SetPlaceHolder(s.t("ui.backup.password_kept"))
	}

	v.backupB = iconButton(s.t("ui.backup.now"), theme.DocumentSaveIcon(), func() {
		err := v.BackupNow(func() { v.refresh() })
		pw1.SetText("")
		pw2.SetText("")
		if err != nil {
			v.refresh()
		}
	})
	v.backupB.Importance = widget.HighImportance
	restoreB := iconButton(s.t("ui.backup.restore"), theme.HistoryIcon(), v.chooseRestore)
	restoreB.Importance = widget.DangerImportance
	if !s.user.Can(ledger.PermRestore) {
		restoreB.Hide()
	}
	if !s.user.Can(ledger.PermBackup) {
		v.backupB.Hide()
		enc.Hide()
	}
	refresh := iconButton(s.t("ui.btn.refresh"), theme.ViewRefreshIcon(), func() { v.err = nil; v.Reload(); v.refresh() })

	v.msg = errorLabel()
	v.noteL = widget.NewLabel("")
	v.noteL.Importance = widget.SuccessImportance
	v.noteL.Wrapping = fyne.TextWrapWord

	folder := container.NewBorder(nil, nil, widget.NewLabelWithStyle(s.t("ui.backup.folder"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		change, v.dirLabel)
	actions := container.NewHBox(enc, layout.NewSpacer(), refresh, restoreB, v.backupB)
	steps := widget.NewLabel(s.t("ui.backup.steps"))
	steps.Importance = widget.LowImportance
	steps.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(folder, actions, v.pwBox, v.msg, v.noteL, steps, widget.NewSeparator())

	v.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(v.list), len(backupCols) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			c := backupCols[id.Col]
			txt, bad := v.Cell(id.Row, c.id)
			l.Alignment = fyne.TextAlignLeading
			if c.right {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.Importance = widget.MediumImportance
			if bad {
				l.Importance = widget.DangerImportance
			}
			l.SetText(txt)
		})
	v.table.ShowHeaderColumn = false
	v.table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	v.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		if id.Col >= 0 && id.Col < len(backupCols) {
			l.TextStyle.Bold = true
			l.SetText(s.t(backupCols[id.Col].title))
		}
	}
	setWidths(v.table, v.backupColWidths())
	v.table.OnSelected = func(id widget.TableCellID) {
		v.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(v.list) && s.user.Can(ledger.PermRestore) {
			v.inspectThenRestore(v.list[id.Row].Path)
		}
	}
	empty := widget.NewLabel(s.t("ui.backup.none_here"))
	empty.Importance = widget.LowImportance
	v.refresh()
	return padded(container.NewBorder(top, empty, nil, nil, v.table))
}

// refresh shows the view-model (UI goroutine).
func (v *backupScreen) refresh() {
	if v.msg == nil {
		return
	}
	v.dirLabel.SetText(v.dir)
	txt := ""
	if v.err != nil {
		txt = v.s.errText(v.err)
	}
	setErrorLabel(v.msg, txt)
	v.noteL.SetText(v.note)
	if v.note == "" || v.err != nil {
		v.noteL.Hide()
	} else {
		v.noteL.Show()
	}
	v.table.Refresh()
}

func (v *backupScreen) chooseFolder() {
	s := v.s
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		v.SetFolder(u.Path())
		v.refresh()
	}, s.win)
	if st, err := os.Stat(v.dir); err == nil && st.IsDir() {
		if l, err := storage.ListerForURI(storage.NewFileURI(v.dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.SetConfirmText(s.t("ui.backup.choose"))
	d.SetDismissText(s.t("ui.btn.cancel"))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// chooseRestore asks for a backup file, then goes on as a row of the list does.
func (v *backupScreen) chooseRestore() {
	s := v.s
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		v.inspectThenRestore(path)
	}, s.win)
	if st, err := os.Stat(v.dir); err == nil && st.IsDir() {
		if l, err := storage.ListerForURI(storage.NewFileURI(v.dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.SetConfirmText(s.t("ui.btn.open"))
	d.SetDismissText(s.t("ui.btn.cancel"))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// inspectThenRestore reads the file (asking its password when it is encrypted), shows
// what it holds, asks to confirm, and restores. A refusal at any point is a dialog with
// its message; the open book stays as it is.
func (v *backupScreen) inspectThenRestore(path string) {
	if v.s.bk.running { // the restore closes the book the backup reads
		v.s.backupRefusal(&uiError{Key: "ui.backup.wait_running"})
		return
	}
	v.s.readBackup(path, v.preview)
}

// readBackup reads a backup file whole, asking its password when it is encrypted (a
// wrong one is said under the field), then hands what it holds and the password to
// then. A file that cannot be used is a dialog saying why.
func (s *session) readBackup(path string, then func(ledger.BackupInfo, string)) {
	info, err := ledger.ReadBackupInfo(s.ctx, path, "")
	if err != nil {
		s.backupRefusal(err)
		return
	}
	if !info.Encrypted {
		then(info, "")
		return
	}
	pw := newFieldEntry()
	pw.Password = true
	errL := errorLabel()
	var d *dialog.CustomDialog
	ok := func() {
		got, err := ledger.ReadBackupInfo(s.ctx, path, pw.Text)
		if err != nil {
			setErrorLabel(errL, s.errText(err))
			pw.SetText("")
			return
		}
		d.Hide()
		then(got, pw.Text)
	}
	pw.OnSubmitted = func(string) { ok() }
	okB := widget.NewButton(s.t("ui.backup.read"), ok)
	okB.Importance = widget.HighImportance
	body := container.NewVBox(widget.NewLabel(s.t("ui.backup.ask_password", map[string]any{"file": filepath.Base(path)})), pw, errL)
	d = dialog.NewCustomWithoutButtons(s.t("ui.backup.restore"), body, s.win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(s.t("ui.btn.cancel"), func() { d.Hide() }), okB})
	d.Resize(fyne.NewSize(480, 200))
	d.Show()
	s.win.Canvas().Focus(pw)
}

// backupRefusal shows why a backup cannot be read or restored.
func (s *session) backupRefusal(err error) {
	l := widget.NewLabel(s.errText(err))
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(s.t("ui.backup.refused"), s.t("ui.btn.close"), l, s.win)
	d.Resize(fyne.NewSize(520, 200))
	d.Show()
}

// backupPreview is what the backup holds, in words.
func (s *session) backupPreview(info ledger.BackupInfo) string {
	closed := string(info.LastClosed)
	if closed == "" {
		closed = s.t("ui.backup.none_closed")
	}
	enc := s.t("ui.backup.plain")
	if info.Encrypted {
		enc = s.t("ui.backup.encrypted")
	}
	return s.t("ui.backup.preview", map[string]any{"file": filepath.Base(info.Path), "shop": info.Shop, "closed": closed,
		"created": info.Created.Local().Format("2006-01-02 15:04:05"), "size": sizeText(info.Size), "book_size": sizeText(info.BookSize),
		"encrypted": enc})
}

// preview shows what the backup holds; 恢复… asks to confirm.
func (v *backupScreen) preview(info ledger.BackupInfo, password string) {
	s := v.s
	body := widget.NewLabel(s.backupPreview(info))
	body.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	goOn := widget.NewButton(s.t("ui.backup.restore_go"), func() {
		d.Hide()
		v.confirmRestore(info, password)
	})
	goOn.Importance = widget.DangerImportance
	d = dialog.NewCustomWithoutButtons(s.t("ui.backup.preview_title"), body, s.win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(s.t("ui.btn.cancel"), func() { d.Hide() }), goOn})
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
}

// confirmRestore asks before restoring, naming the book replaced and where it is kept.
func (v *backupScreen) confirmRestore(info ledger.BackupInfo, password string) {
	s := v.s
	set, _ := s.book.Settings(s.ctx)
	msg := s.t("ui.confirm.restore", map[string]any{"shop": set.Name, "path": s.book.Path(),
		"kept": filepath.Base(s.book.Path()) + ".before-restore-…", "created": info.Created.Local().Format("2006-01-02 15:04")})
	c := dialog.NewConfirm(s.t("ui.backup.restore"), msg, func(ok bool) {
		if ok {
			v.runRestore(info.Path, password)
		}
	}, s.win)
	c.SetConfirmText(s.t("ui.backup.restore_confirm"))
	c.SetDismissText(s.t("ui.btn.cancel"))
	c.SetConfirmImportance(widget.DangerImportance)
	c.Resize(fyne.NewSize(560, 240))
	c.Show()
}

// runRestore restores with a modal dialog; the book the window shows afterwards is the
// restored one, or, on a refusal, the one it showed.
func (v *backupScreen) runRestore(path, password string) {
	s := v.s
	act := widget.NewProgressBarInfinite()
	ctx, cancel := context.WithCancel(context.Background())
	d := dialog.NewCustomWithoutButtons(s.t("ui.backup.restoring"), container.NewVBox(widget.NewLabel(s.t("ui.backup.restoring_body")), act), s.win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(s.t("ui.btn.cancel"), cancel)})
	d.Resize(fyne.NewSize(460, 160))
	d.Show()
	s.restoreFrom(ctx, path, password, func(r ledger.Restored, err error) {
		cancel()
		act.Stop()
		d.Hide()
		if err != nil {
			s.backupRefusal(err)
			return
		}
		l := widget.NewLabel(s.t("ui.backup.restored_body", map[string]any{"kept": r.Kept}))
		l.Wrapping = fyne.TextWrapWord
		done := dialog.NewCustom(s.t("ui.backup.restore"), s.t("ui.btn.close"), l, s.win)
		done.Resize(fyne.NewSize(560, 200))
		done.Show()
	})
}
