package cli

import "log/slog"

// GUIOptions is what the CLI hands to the window when the program starts without a
// subcommand or with `gui`. The window itself lives in package ui; main.go connects the
// two, so cli never imports Fyne.
type GUIOptions struct {
	BookPath     string // the book to open: --book, else the last one opened, else ""
	BookExplicit bool   // --book was given
	Lang         string // "zh-CN" or "en": --lang, else the saved setting, else the system's
	Screen       string // --screen ID: open at this screen (screenshots)
	User         string // --user
	Password     string // SHOPBOOKS_PASSWORD, if set
	ConfigDir    string // where settings and the log live
	Log          *slog.Logger
	// Remember saves the last opened book and the chosen language for the next start.
	Remember func(bookPath, lang string) error
}
