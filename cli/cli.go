// Package cli is the command line of ShopBooks: `shopbooks [global flags] COMMAND ...`
// (ARCHITECTURE.md, "The CLI contract"). Each command family lives in its own file
// (item.go, partner.go, ...) and is registered in the one table of commands.go; every
// command calls the same ledger services as the window, so permissions and refusals are
// the same. Refusals are translated through assets/i18n; output is a table aligned for
// CJK, JSON or CSV.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// Env is what the program receives from its surroundings: main.go passes the real ones,
// tests buffers and a map.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// GUI opens the window (package ui, wired in main.go). It returns when the window
	// closes.
	GUI func(GUIOptions) error
}

// The environment variables the CLI reads.
const (
	envPassword    = "SHOPBOOKS_PASSWORD"     // the acting user's password (and init's admin password)
	envNewPassword = "SHOPBOOKS_NEW_PASSWORD" // user add / user passwd
)

// Exit statuses.
const (
	exitOK      = 0
	exitRefused = 1 // refused or invalid input
	exitUsage   = 2 // unknown command or flag, missing argument
)

// Main runs the program with args (without the program name) and returns the exit
// status: 0 done, 1 refused or invalid input, 2 usage error. Without a command it opens
// the window through env.GUI.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	dir := configDir(env.Getenv)
	log, closeLog := openLog(dir)
	defer closeLog()
	s := &session{ctx: ctx, env: env, log: log, configDir: dir}
	s.cfg = loadConfig(dir, log)
	defer s.close()

	inv, err := parse(args)
	if err != nil && inv.g.lang == "" {
		inv.g.lang = scanLang(args) // the message's language, even when the line is not understood
	}
	s.setGlobals(inv.g)
	if err == nil {
		err = s.run(inv)
	}
	return s.report(err)
}

// session is one run of the program: the book is opened and the user logged in once,
// for a single command or for every line of a batch.
type session struct {
	ctx       context.Context
	env       Env
	log       *slog.Logger
	configDir string
	cfg       config

	lang   i18n.Lang
	cat    *i18n.Catalog
	format string

	// From the global flags of the command line (a batch line may repeat them).
	bookFlag, userFlag string

	book  *ledger.Book
	user  *ledger.User
	batch bool             // inside `batch`: no nested batch, no init of a second book
	group *ledger.DocBatch // inside `batch`: the open run of document lines (batch.go)
}

// setGlobals applies the global flags: the language (--lang, else the saved one, else
// the system's) and the output format.
func (s *session) setGlobals(g globals) {
	s.lang = langFromEnv(s.env.Getenv)
	if l, ok := i18n.Parse(s.cfg.Lang); ok {
		s.lang = l
	}
	if l, ok := i18n.Parse(g.lang); ok {
		s.lang = l
	}
	s.cat = i18n.For(s.lang)
	s.format = "table"
	if g.format != "" {
		s.format = g.format
	}
	if g.book != "" {
		s.bookFlag = g.book
	}
	if g.user != "" {
		s.userFlag = g.user
	}
}

// t translates a cli message.
func (s *session) t(key string, args ...map[string]any) string { return s.cat.T(key, args...) }

func (s *session) close() {
	if s.book != nil {
		s.book.Close()
		s.book = nil
	}
}

// run executes one parsed command line.
func (s *session) run(inv invocation) error {
	if inv.help {
		fmt.Fprint(s.env.Stdout, helpText(s, inv.family))
		return nil
	}
	if inv.cmd == nil { // no command: the window
		return s.openGUI("")
	}
	c := &call{session: s, cmd: inv.cmd, args: inv.args, flags: inv.flags}
	if inv.cmd.book {
		if err := s.open(); err != nil {
			return err
		}
	}
	return inv.cmd.run(c)
}

// bookPath is --book, else the last book opened if it still exists, else ./shop.book;
// made absolute (the store's file: URI needs it, and the config remembers it so).
func (s *session) bookPath() string {
	p := s.bookFlag
	if p == "" {
		p = "shop.book"
		if last := s.cfg.LastBook; last != "" {
			if _, err := os.Stat(last); err == nil {
				p = last
			}
		}
	}
	return absPath(p)
}

func absPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// open opens the book and logs the user in, once per session.
func (s *session) open() error {
	if s.book != nil {
		return nil
	}
	path := s.bookPath()
	b, err := ledger.Open(s.ctx, path, s.log)
	if err != nil {
		return err
	}
	s.book = b
	s.log.Debug("book opened", "path", path)
	name, password := s.userFlag, s.env.Getenv(envPassword)
	needsPassword := false
	if name == "" {
		name, needsPassword, err = b.DefaultUser(s.ctx)
		if err != nil {
			return err
		}
	} else if password == "" {
		users, err := b.Users(s.ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			if strings.EqualFold(u.Name, ledger.Normalize(name)) {
				needsPassword = u.HasPassword
			}
		}
	}
	if password == "" && needsPassword {
		password, err = s.readPassword(s.t("cli.password.prompt", map[string]any{"user": name}))
		if err != nil {
			return err
		}
	}
	u, err := b.Login(s.ctx, name, password)
	if err != nil {
		return err
	}
	s.user = u
	s.remember(path)
	return nil
}

// remember saves path as the last book opened (the language stays as saved).
func (s *session) remember(path string) {
	abs := absPath(path)
	if s.cfg.LastBook == abs {
		return
	}
	s.cfg.LastBook = abs
	if err := saveConfig(s.configDir, s.cfg); err != nil {
		s.log.Warn("config not saved", "err", err)
	}
}

// report prints what went wrong, translated, on stderr and returns the exit status.
func (s *session) report(err error) int {
	if err == nil {
		return exitOK
	}
	code, msg := s.describe(err)
	fmt.Fprintln(s.env.Stderr, msg)
	return code
}

// describe turns an error into its exit status and translated message.
func (s *session) describe(err error) (int, string) {
	if le, ok := errors.AsType[*lineError](err); ok {
		code, msg := s.describe(le.err)
		return code, s.t("cli.batch.failed", map[string]any{"line": le.line, "message": msg})
	}
	if ue, ok := errors.AsType[*usageError](err); ok {
		msg := s.t(ue.key, ue.args)
		if ue.usage != "" {
			msg += "\n" + s.t("cli.usage", map[string]any{"usage": "shopbooks " + ue.usage})
		}
		return exitUsage, msg
	}
	if r, ok := errors.AsType[*refusal](err); ok {
		lines := make([]string, len(r.msgs))
		for i, m := range r.msgs {
			lines[i] = s.t(m.key, m.args)
		}
		return exitRefused, strings.Join(lines, "\n")
	}
	if e, ok := errors.AsType[*ledger.Error](err); ok && e.Code != ledger.CodeInternal {
		s.log.Info("refused", "code", string(e.Code), "err", e.Error())
		return exitRefused, s.cat.Error(string(e.Code), e.Args)
	}
	if errors.Is(err, context.Canceled) {
		return exitRefused, s.t("cli.interrupted")
	}
	s.log.Error("command failed", "err", err)
	return exitRefused, s.cat.Error(string(ledger.CodeInternal), nil)
}

// scanLang finds --lang in a command line that could not be parsed.
func scanLang(args []string) string {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			return v
		}
		if a == "--lang" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// langFromEnv picks the language as a desktop does (LC_ALL, LC_MESSAGES, LANG,
// LANGUAGE), like i18n.FromEnv but reading env.Getenv.
func langFromEnv(getenv func(string) string) i18n.Lang {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		if s := getenv(v); s != "" && s != "C" && s != "POSIX" {
			l, _ := i18n.Parse(s)
			return l
		}
	}
	return i18n.EN
}
