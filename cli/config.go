package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/term"
)

// config is what the program remembers between runs, in <config dir>/shopbooks/config.json.
type config struct {
	LastBook string `json:"last_book,omitempty"` // absolute path of the last book opened
	Lang     string `json:"lang,omitempty"`      // "zh-CN" or "en", chosen in the window
}

// configDir is os.UserConfigDir()/shopbooks, read through getenv so tests can move it:
// XDG_CONFIG_HOME, else $HOME/.config on Unix; %AppData% on Windows;
// $HOME/Library/Application Support on macOS.
func configDir(getenv func(string) string) string {
	var base string
	switch runtime.GOOS {
	case "windows":
		base = getenv("AppData")
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			base = filepath.Join(h, "Library", "Application Support")
		}
	default:
		base = getenv("XDG_CONFIG_HOME")
		if base == "" || !filepath.IsAbs(base) {
			base = ""
			if h := getenv("HOME"); h != "" {
				base = filepath.Join(h, ".config")
			}
		}
	}
	if base == "" {
		if d, err := os.UserConfigDir(); err == nil {
			base = d
		} else {
			base = os.TempDir()
		}
	}
	return filepath.Join(base, "shopbooks")
}

func loadConfig(dir string, log *slog.Logger) config {
	var c config
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return c
	}
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		log.Warn("config ignored", "dir", dir, "err", err)
		return config{}
	}
	return c
}

// saveConfig writes the config through a temporary file, so a crash leaves the old one.
func saveConfig(dir string, c config) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "config-*.json")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(b, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, "config.json"))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// rememberer returns the window's Remember: it saves the last book and the language.
func (s *session) rememberer() func(bookPath, lang string) error {
	return func(bookPath, lang string) error {
		c := loadConfig(s.configDir, s.log)
		if bookPath != "" {
			if abs, err := filepath.Abs(bookPath); err == nil {
				bookPath = abs
			}
			c.LastBook = bookPath
		}
		if lang != "" {
			c.Lang = lang
		}
		return saveConfig(s.configDir, c)
	}
}

// openLog opens <dir>/shopbooks.log for appending (creating dir). The log never goes to
// stdout; when the file cannot be opened, nothing is logged.
func openLog(dir string) (*slog.Logger, func()) {
	if err := os.MkdirAll(dir, 0o700); err == nil {
		f, err := os.OpenFile(filepath.Join(dir, "shopbooks.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err == nil {
			return slog.New(slog.NewTextHandler(f, nil)), func() { f.Close() }
		}
	}
	return slog.New(slog.DiscardHandler), func() {}
}

// readPassword asks for a password on the terminal, without echo. When stdin is not a
// terminal it refuses: a script gives passwords through the environment.
func (s *session) readPassword(prompt string) (string, error) {
	f, ok := s.env.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", refuse("cli.password.no_terminal", map[string]any{"env": envPassword})
	}
	fmt.Fprint(s.env.Stderr, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(s.env.Stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(b), nil
}

// newPassword is the new password of `user add` and `user passwd`:
// SHOPBOOKS_NEW_PASSWORD, else asked twice on the terminal. "" means none.
func (s *session) newPassword(user string) (string, error) {
	if p := s.env.Getenv(envNewPassword); p != "" {
		return p, nil
	}
	f, ok := s.env.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", refuse("cli.password.no_terminal", map[string]any{"env": envNewPassword})
	}
	p1, err := s.readPassword(s.t("cli.password.new", map[string]any{"user": user}))
	if err != nil {
		return "", err
	}
	p2, err := s.readPassword(s.t("cli.password.again"))
	if err != nil {
		return "", err
	}
	if p1 != p2 {
		return "", refuse("cli.password.mismatch", nil)
	}
	return p1, nil
}
