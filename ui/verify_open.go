package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"shopbooks/ledger"
)

// verifyState is what the last check of the open book found.
type verifyState struct {
	running bool
	full    bool
	done    bool
	rep     ledger.VerifyReport
	err     error
}

// checkBook runs a check of the open book off the UI goroutine: ledger.VerifyQuick each
// time a book is opened (issue 7's fast path), the full Verify from the settings. A
// failure is loud — a dialog naming what was found and what to do, and the status bar —
// never a silent log line; a pass says so in the status bar.
func (s *session) checkBook(full bool) {
	b := s.book
	if b == nil || s.verify.running {
		return
	}
	s.verify = verifyState{running: true, full: full}
	s.verifyWG.Add(1)
	go func() {
		defer s.verifyWG.Done()
		var rep ledger.VerifyReport
		var err error
		if full {
			rep, err = b.Verify(s.ctx, true)
		} else {
			rep, err = b.VerifyQuick(s.ctx)
		}
		fyne.Do(func() {
			if s.book != b {
				return // another book was opened meanwhile
			}
			s.verify = verifyState{full: full, done: true, rep: rep, err: err}
			s.showCheck()
		})
	}()
}

// checkText is the status bar's words for the last check, and whether it is bad news.
func (s *session) checkText() (string, bool) {
	v := s.verify
	switch {
	case v.running && v.full:
		return s.t("ui.verify.running_full"), false
	case v.running:
		return s.t("ui.verify.running"), false
	case !v.done:
		return "", false
	case v.err != nil:
		return s.t("ui.verify.failed", map[string]any{"message": s.errText(v.err)}), true
	case v.rep.Failure != nil: // a *ledger.Error: never passed on as a nil error
		return s.t("ui.verify.failed", map[string]any{"message": s.errText(v.rep.Failure)}), true
	case v.full:
		return s.t("ui.verify.ok_full"), false
	}
	return s.t("ui.verify.ok"), false
}

func (s *session) showCheck() {
	txt, _ := s.checkText()
	if txt != "" {
		s.setStatus(txt)
	}
	// A check that could not run (the book closed under it, a read error) is told in the
	// status bar and the log; what the check found is told in a dialog too.
	if s.verify.rep.Failure == nil || s.win == nil {
		return
	}
	msg := widget.NewLabel(s.errText(s.verify.rep.Failure))
	msg.Wrapping = fyne.TextWrapWord
	msg.Importance = widget.DangerImportance
	advice := widget.NewLabel(s.t("ui.verify.advice"))
	advice.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(s.t("ui.verify.title"), s.t("ui.btn.close"), container.NewVBox(msg, advice), s.win)
	d.Resize(fyne.NewSize(560, 240))
	d.Show()
}
