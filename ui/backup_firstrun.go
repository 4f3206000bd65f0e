package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// 从备份恢复 on the first-run page (UI.md §2): without a book open — none yet, or the
// last one would not open (damaged, truncated, gone) — a backup is restored to a book
// file through ledger.RestoreDamaged. Its users cannot be asked, so the user named here
// logs in to the restored copy before it replaces anything, and must be allowed to
// restore there. A book that opens soundly is refused (restore it from its backup
// screen, as one of its admins); a damaged one is kept beside as
// <book>.before-restore-<time>.

// restoreTarget is where a backup restores without a book open: the book that failed to
// open, else <Documents>/<book>.book after the backup's own book name.
func (s *session) restoreTarget(info ledger.BackupInfo) string {
	if p := strings.TrimSpace(s.first.path); p != "" {
		return p
	}
	if s.first.err != nil && s.o.BookPath != "" {
		return s.o.BookPath
	}
	if p := strings.TrimSpace(s.first.form.Get("path")); p != "" && s.first.pathTyped {
		return p
	}
	name := info.Book
	if name == "" {
		name = "shop"
	}
	return filepath.Join(defaultDir(), name+".book")
}

// chooseRestoreNew asks for a backup file, reads it, and offers to restore it.
func (s *session) chooseRestoreNew() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		s.readBackup(path, s.previewRestoreNew)
	}, s.win)
	d.SetConfirmText(s.t("ui.btn.open"))
	d.SetDismissText(s.t("ui.btn.cancel"))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// previewRestoreNew shows what the backup holds, the book file it restores to and who
// logs in to it; 恢复 restores.
func (s *session) previewRestoreNew(info ledger.BackupInfo, password string) {
	body := widget.NewLabel(s.backupPreview(info))
	body.Wrapping = fyne.TextWrapWord
	target := newFieldEntry()
	target.SetText(s.restoreTarget(info))
	user := newFieldEntry()
	user.SetPlaceHolder(s.t("ui.restore_new.user_hint"))
	pw := newFieldEntry()
	pw.Password = true
	errL := errorLabel()
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(s.t("ui.field.book_file")), target,
		widget.NewLabel(s.t("ui.field.user_name")), user,
		widget.NewLabel(s.t("field.password")), pw)
	var d *dialog.CustomDialog
	goOn := widget.NewButton(s.t("ui.backup.restore_confirm"), func() {
		path := strings.TrimSpace(target.Text)
		if path == "" {
			setErrorLabel(errL, s.errText(&ledger.Error{Code: ledger.CodeRequired, Args: map[string]any{"field": "path"}}))
			return
		}
		d.Hide()
		s.runRestoreNew(path, info.Path, password, strings.TrimSpace(user.Text), pw.Text, func(err error) {
			if err != nil {
				setErrorLabel(errL, s.errText(err))
				d.Show()
			}
		})
	})
	goOn.Importance = widget.DangerImportance
	d = dialog.NewCustomWithoutButtons(s.t("ui.backup.preview_title"), container.NewVBox(body, form, errL), s.win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(s.t("ui.btn.cancel"), func() { d.Hide() }), goOn})
	d.Resize(fyne.NewSize(620, 440))
	d.Show()
}

// runRestoreNew restores the backup to bookPath (modal), logging in as name (else the
// restored book's only user) with password; on success the window enters the book. done
// gets a refusal (on the UI goroutine) or nil.
func (s *session) runRestoreNew(bookPath, backupPath, backupPassword, name, password string, done func(error)) {
	act := widget.NewProgressBarInfinite()
	ctx, cancel := context.WithCancel(context.Background())
	d := dialog.NewCustomWithoutButtons(s.t("ui.backup.restoring"), container.NewVBox(widget.NewLabel(s.t("ui.backup.restoring_body")), act), s.win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(s.t("ui.btn.cancel"), cancel)})
	d.Resize(fyne.NewSize(460, 160))
	d.Show()
	var r ledger.Restored
	var u *ledger.User
	var err error
	log := s.log
	runAsync(func() {
		if dir := filepath.Dir(bookPath); dir != "" {
			if st, serr := os.Stat(dir); serr != nil || !st.IsDir() {
				err = &ledger.Error{Code: ledger.CodeNoFolder, Args: map[string]any{"path": dir}}
				return
			}
		}
		r, u, err = ledger.RestoreDamaged(ctx, bookPath, backupPath, backupPassword, func(ctx context.Context, c *ledger.Book) (*ledger.User, error) {
			n := name
			if n == "" {
				var derr error
				if n, _, derr = c.DefaultUser(ctx); derr != nil {
					return nil, derr
				}
			}
			return c.Login(ctx, n, password)
		}, log)
		if err != nil && ctx.Err() != nil {
			err = &uiError{Key: "ui.backup.restore_cancelled"}
		}
	}, func() {
		cancel()
		act.Stop()
		d.Hide()
		if err != nil {
			done(err)
			return
		}
		s.first.err, s.first.path = nil, ""
		s.setBook(r.Book)
		if r.Kept != "" {
			s.setStatus(s.t("ui.backup.restored", map[string]any{"kept": filepath.Base(r.Kept)}))
		} else {
			s.setStatus(s.t("ui.restore_new.done", map[string]any{"path": bookPath}))
		}
		s.enter(u)
		done(nil)
	})
}
