package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// Backups as jobs of the session (UI.md §4.5): 立即备份, the backup after a close and the
// one on exit run off the UI goroutine, in the status bar with their step and a cancel
// button until the file is renamed into place (ledger.BackupVerify). The status bar
// keeps the last result: "备份 09:00 已校验", red when it failed; a failure also opens a
// dialog (never silent).

// backupState is the open book's backups in this session.
type backupState struct {
	// password encrypts this session's backups, the automatic ones too, once the user
	// chose 加密 and typed it on the backup screen. Memory only: never saved nor logged.
	password  string
	running   bool
	canCancel bool
	step      string
	cancel    context.CancelFunc
	last      *backupResult
	loaded    bool // last was looked up in the folder
}

// backupResult is the last backup of the session (or the newest found in the folder).
type backupResult struct {
	at   time.Time
	info ledger.BackupInfo
	err  error
}

// backupDir is the book's backup folder: the one remembered for it (shared with the
// CLI), else <book dir>/backups.
func (s *session) backupDir() string {
	dir, _, err := ledger.BackupFolder(s.o.ConfigDir, s.book.Path())
	if err != nil {
		s.log.Warn("backup folders ignored", "err", err)
	}
	return dir
}

// backupStep is how far along each step of a backup is, for the progress bar.
var backupStep = map[string]float64{ledger.BackupSnapshot: 0.05, ledger.BackupWrite: 0.35, ledger.BackupVerify: 0.7, ledger.BackupRecord: 0.95}

// startBackup runs a backup of the open book into its folder, with password ("" for
// none), then after (on the UI goroutine) with its result. A failure other than a
// cancel is shown in a dialog unless quiet (the exit asks its own question). It
// returns false when a backup is already under way.
func (s *session) startBackup(password string, quiet bool, after func(ledger.BackupInfo, error)) bool {
	bk := s.bk
	if bk.running || s.book == nil || s.user == nil {
		return false
	}
	b, u, dir := s.book, s.user, s.backupDir()
	ctx, cancel := context.WithCancel(context.Background())
	bk.running, bk.canCancel, bk.step, bk.cancel = true, true, "", cancel
	s.refreshBackupBar()
	var info ledger.BackupInfo
	var err error
	runAsync(func() {
		defer cancel()
		if err = ledger.EnsureBackupFolder(b.Path(), dir); err != nil {
			return
		}
		info, err = b.BackupWith(ctx, u, dir, password, func(step string) {
			fyne.Do(func() {
				bk.step = step
				if step == ledger.BackupVerify {
					bk.canCancel = false // the file is in place: no going back
				}
				if s.bk == bk {
					s.refreshBackupBar()
				}
			})
		})
		if err != nil && ctx.Err() != nil {
			err = context.Canceled
		}
	}, func() {
		bk.running, bk.cancel = false, nil
		cancelled := errors.Is(err, context.Canceled)
		if !cancelled {
			bk.last = &backupResult{at: time.Now(), info: info, err: err}
			bk.loaded = true
		}
		if s.bk == bk {
			s.refreshBackupBar()
			if cancelled {
				s.setStatus(s.t("ui.backup.cancelled"))
			}
			if err != nil && !cancelled && !quiet {
				s.showBackupFailure(err)
			}
		}
		if after != nil {
			after(info, err)
		}
	})
	return true
}

// cancelBackup stops the backup under way, if it can still be stopped.
func (s *session) cancelBackup() {
	if s.bk.running && s.bk.canCancel && s.bk.cancel != nil {
		s.bk.cancel()
	}
}

// showBackupFailure is the loud half of a failed backup: a dialog saying why.
func (s *session) showBackupFailure(err error) {
	msg := widget.NewLabel(s.t("ui.backup.failed_body", map[string]any{"message": s.errText(err)}))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(s.t("ui.backup.failed_title"), s.t("ui.btn.close"), msg, s.win)
	d.Resize(fyne.NewSize(520, 220))
	d.Show()
}

// autoBackup is the backup after a close: into the book's folder, encrypted when the
// user chose a password for this session's backups.
func (s *session) autoBackup() {
	if s.user == nil || !s.user.Can(ledger.PermBackup) {
		return
	}
	s.startBackup(s.bk.password, false, nil)
}

// lastBackup is the session's last backup, else the newest sound one in the folder.
func (s *session) lastBackup() *backupResult {
	bk := s.bk
	if !bk.loaded && s.book != nil {
		bk.loaded = true
		if list, err := ledger.ListBackups(s.backupDir(), s.book.Path()); err == nil {
			for _, l := range list {
				if l.Problem == "" {
					bk.last = &backupResult{at: l.Created, info: l.BackupInfo}
					break
				}
			}
		}
	}
	return bk.last
}

// backupStatus is the status bar's backup text and whether it is bad news.
func (s *session) backupStatus() (string, bool) {
	bk := s.bk
	if bk.running {
		key := "ui.backup.running"
		if bk.step != "" {
			key = "ui.backup.step." + bk.step
		}
		return s.t(key), false
	}
	last := s.lastBackup()
	if last == nil {
		return s.t("ui.status.backup_none"), false
	}
	at := clockText(last.at, time.Now())
	if last.err != nil {
		return s.t("ui.status.backup_failed", map[string]any{"time": at}), true
	}
	return s.t("ui.status.backup_ok", map[string]any{"time": at}), false
}

// clockText is "09:00" today, else "2025-01-31 18:05".
func clockText(t, now time.Time) string {
	t = t.Local()
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// backupBar is the status bar's right end: the last backup, and while one runs its step,
// a progress bar and 取消.
type backupBar struct {
	label  *widget.Label
	prog   *widget.ProgressBar
	cancel *widget.Button
	box    *fyne.Container
}

func (s *session) newBackupBar() *backupBar {
	bb := &backupBar{label: widget.NewLabel(""), prog: widget.NewProgressBar()}
	bb.prog.TextFormatter = func() string { return "" }
	bb.cancel = widget.NewButton(s.t("ui.btn.cancel"), s.cancelBackup)
	bb.cancel.Importance = widget.LowImportance
	bb.box = container.NewHBox(container.NewGridWrap(fyne.NewSize(120, bb.prog.MinSize().Height), bb.prog), bb.cancel, bb.label)
	return bb
}

// refreshBackupBar shows the backup state in the status bar (UI goroutine).
func (s *session) refreshBackupBar() {
	if s.shell == nil || s.shell.backup == nil {
		return
	}
	bb := s.shell.backup
	txt, bad := s.backupStatus()
	bb.label.Importance = widget.MediumImportance
	if bad {
		bb.label.Importance = widget.DangerImportance
	}
	bb.label.SetText(txt)
	if s.bk.running {
		bb.prog.SetValue(backupStep[s.bk.step])
		bb.prog.Show()
		bb.cancel.Show()
		if s.bk.canCancel {
			bb.cancel.Enable()
		} else {
			bb.cancel.Disable()
		}
	} else {
		bb.prog.Hide()
		bb.cancel.Hide()
	}
	bb.box.Refresh()
}

// quit is the window's close: the unsaved guard of every screen, then a backup when the
// book changed since its last one (a small dialog while it runs); a failed backup asks
// whether to quit anyway.
func (s *session) quit() {
	if s.idle != nil && s.idle.locked { // unlock first: the edits underneath are guarded
		if s.idle.pw != nil {
			s.win.Canvas().Focus(s.idle.pw)
		}
		return
	}
	s.leaveBook(func() { s.exitBackup(s.closeWindow) })
}

// closeWindow closes the window for good (s.exit instead, in tests).
func (s *session) closeWindow() {
	s.quitting = true
	if s.exit != nil {
		s.exit()
		return
	}
	s.win.Close()
}

// exitBackup runs proceed after the exit's backup, when one is due.
func (s *session) exitBackup(proceed func()) {
	if s.book == nil || s.user == nil || !s.user.Can(ledger.PermBackup) {
		proceed()
		return
	}
	if s.bk.running { // a backup is under way: let it finish first
		s.setStatus(s.t("ui.backup.wait_running"))
		return
	}
	changed, err := s.book.ChangedSinceBackup(s.ctx)
	if err != nil {
		s.log.Warn("changed since backup unknown: backing up", "err", err)
		changed = true
	}
	if !changed {
		proceed()
		return
	}
	act := widget.NewProgressBarInfinite()
	d := dialog.NewCustomWithoutButtons(s.t("ui.backup.exit_title"),
		container.NewVBox(widget.NewLabel(s.t("ui.backup.exit_body")), act), s.win)
	// 取消 stops the backup (until its file is in place) and stays: the window is not closed
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(s.t("ui.btn.cancel"), s.cancelBackup)})
	d.Resize(fyne.NewSize(420, 160))
	d.Show()
	s.startBackup(s.bk.password, true, func(_ ledger.BackupInfo, err error) {
		act.Stop()
		d.Hide()
		if err == nil {
			proceed()
			return
		}
		if errors.Is(err, context.Canceled) {
			return
		}
		ask := dialog.NewConfirm(s.t("ui.backup.failed_title"),
			s.t("ui.backup.exit_failed", map[string]any{"message": s.errText(err)}), func(quit bool) {
				if quit {
					proceed()
				}
			}, s.win)
		ask.SetConfirmText(s.t("ui.backup.quit_anyway"))
		ask.SetDismissText(s.t("ui.btn.cancel"))
		ask.SetConfirmImportance(widget.DangerImportance)
		ask.Show()
	})
}
