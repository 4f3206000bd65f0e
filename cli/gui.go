package cli

import (
	"log/slog"
	"os"
)

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

func guiCommands() []command {
	return []command{{usage: "gui [--screen ID]", flags: "screen=", run: func(c *call) error {
		if c.batch {
			return refuse("cli.batch.no_gui", nil)
		}
		return c.openGUI(c.str("screen"))
	}}}
}

// openGUI hands over to the window: the book named by --book, else the last one opened
// (when it still exists), else none (the window offers to create or choose one).
func (s *session) openGUI(screen string) error {
	if s.env.GUI == nil {
		return refuse("cli.gui.none", nil)
	}
	path, explicit := s.bookFlag, s.bookFlag != ""
	if explicit {
		path = absPath(path)
	} else if s.cfg.LastBook != "" {
		if _, err := os.Stat(s.cfg.LastBook); err == nil {
			path = s.cfg.LastBook
		}
	}
	return s.env.GUI(GUIOptions{
		BookPath:     path,
		BookExplicit: explicit,
		Lang:         string(s.lang),
		Screen:       screen,
		User:         s.userFlag,
		Password:     s.env.Getenv(envPassword),
		ConfigDir:    s.configDir,
		Log:          s.log,
		Remember:     s.rememberer(),
	})
}
