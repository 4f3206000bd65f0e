package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"shopbooks/ledger"
)

// envBackupPassword is the password of an encrypted backup (backup --encrypt, restore,
// backup info).
const envBackupPassword = "SHOPBOOKS_BACKUP_PASSWORD"

// backupCommands: `backup` itself, `backup list` and `backup info` are one command whose
// first argument picks what to do (the family's own command takes every word after it).
func backupCommands() []command {
	return []command{{
		usage: "backup [--to DIR] [--encrypt] | backup list [--to DIR] | backup info FILE   (backup password: " +
			envBackupPassword + ")",
		flags: "to= encrypt", maxArgs: 2, run: backupRun,
	}}
}

func restoreCommands() []command {
	return []command{{
		usage: "restore FILE [--yes]   (backup password: " + envBackupPassword + ")",
		flags: "yes", minArgs: 1, maxArgs: 1, run: restoreRun,
	}}
}

func backupRun(c *call) error {
	sub := ""
	if len(c.args) > 0 {
		sub = c.args[0]
	}
	want := map[string]int{"": 0, "list": 1, "info": 2}
	n, ok := want[sub]
	if !ok {
		return &usageError{key: "cli.usage.unknown_command", args: map[string]any{"command": "backup " + sub}, usage: c.cmd.usage}
	}
	if len(c.args) < n {
		return &usageError{key: "cli.usage.missing_args", usage: c.cmd.usage}
	}
	if len(c.args) > n {
		return &usageError{key: "cli.usage.extra_args", args: map[string]any{"arg": c.args[n]}, usage: c.cmd.usage}
	}
	switch sub {
	case "list":
		return backupList(c)
	case "info":
		return backupInfo(c, absPath(c.args[1]))
	}
	return backupMake(c)
}

var backupCols = []col{{key: "file"}, {key: "shop"}, {key: "last_closed"}, {key: "created_at"}, {key: "size"},
	{key: "encrypted"}, {key: "verified", wide: true}, {key: "book_size", wide: true}, {key: "schema_version", wide: true},
	{key: "app_version", wide: true}, {key: "path", wide: true}}

func backupRow(i ledger.BackupInfo) []any {
	return []any{filepath.Base(i.Path), i.Shop, string(i.LastClosed), i.Created, i.Size, i.Encrypted, i.Verified, i.BookSize,
		i.SchemaVersion, i.AppVersion, i.Path}
}

// backupMake writes a verified backup into --to, else the folder remembered for this
// book, else <book dir>/backups (made when missing).
func backupMake(c *call) error {
	if err := c.open(); err != nil {
		return err
	}
	password := ""
	if c.on("encrypt") {
		var err error
		if password, err = c.backupPassword(true); err != nil {
			return err
		}
	}
	dir, err := c.backupDir(true)
	if err != nil {
		return err
	}
	info, err := c.book.Backup(c.ctx, c.user, dir, password)
	if err != nil {
		return err
	}
	if c.has("to") {
		c.rememberBackupDir(dir)
	}
	if c.format != "table" {
		return c.record(backupCols, backupRow(info))
	}
	c.say("cli.backup.done", map[string]any{"path": info.Path})
	c.say("cli.backup.verified", nil)
	return nil
}

func backupList(c *call) error {
	if err := c.open(); err != nil {
		return err
	}
	dir, err := c.backupDir(false)
	if err != nil {
		return err
	}
	list, err := ledger.ListBackups(dir, c.book.Path())
	if err != nil {
		return err
	}
	cols := append(backupCols[:len(backupCols):len(backupCols)], col{key: "problem"})
	rows := make([][]any, len(list))
	for i, l := range list {
		problem := ""
		if l.Problem != "" {
			problem = c.cat.Error(string(l.Problem), map[string]any{"path": filepath.Base(l.Path)})
		}
		rows[i] = append(backupRow(l.BackupInfo), problem)
	}
	return c.list(cols, rows)
}

// backupInfo shows what a backup holds; it reads the whole file, so damage shows here.
func backupInfo(c *call, file string) error {
	info, err := ledger.ReadBackupInfo(c.ctx, file, c.env.Getenv(envBackupPassword))
	if err != nil {
		return err
	}
	return c.record(backupCols, backupRow(info))
}

// restoreRun shows what the backup holds, asks on a terminal (unless --yes), then
// restores it over the book: as an admin of the book when it opens, else (a damaged or
// missing book) as an admin of the backup's copy.
func restoreRun(c *call) error {
	file := absPath(c.args[0])
	password := c.env.Getenv(envBackupPassword)
	info, err := ledger.ReadBackupInfo(c.ctx, file, "")
	if err != nil {
		return err
	}
	if info.Encrypted {
		if password == "" {
			if password, err = c.backupPassword(false); err != nil {
				return err
			}
		}
		if info, err = ledger.ReadBackupInfo(c.ctx, file, password); err != nil {
			return err
		}
	} else {
		password = ""
	}
	if err := c.record(backupCols, backupRow(info)); err != nil {
		return err
	}
	path := c.bookPath()
	if !c.on("yes") {
		ok, err := c.confirm(c.t("cli.restore.confirm", map[string]any{"path": path}))
		if err != nil {
			return err
		}
		if !ok {
			return refuse("cli.restore.cancelled", nil)
		}
	}
	var r ledger.Restored
	if err := c.open(); err == nil {
		if r, err = c.book.RestoreAs(c.ctx, c.user, file, password); err != nil {
			return err
		}
		c.book = r.Book // the old one is closed
	} else {
		switch ledger.CodeOf(err) {
		case ledger.CodeCorrupt, ledger.CodeTruncated, ledger.CodeNotABook, ledger.CodeNoBook, ledger.CodeInternal:
		default:
			return err
		}
		c.log.Warn("book unusable: restoring as an admin of the backup", "path", path, "err", err)
		if c.book != nil {
			c.book.Close()
			c.book = nil
		}
		var u *ledger.User
		if r, u, err = ledger.RestoreDamaged(c.ctx, path, file, password, c.loginTo, c.log); err != nil {
			return err
		}
		c.book, c.user = r.Book, u
		c.remember(path)
	}
	if r.Kept != "" {
		c.say("cli.restore.done", map[string]any{"path": path, "kept": r.Kept})
	} else {
		c.say("cli.restore.done_new", map[string]any{"path": path})
	}
	return nil
}

// loginTo logs in to b as session.open does: --user, else the only user; the password
// from SHOPBOOKS_PASSWORD, else asked when the user has one.
func (c *call) loginTo(ctx context.Context, b *ledger.Book) (*ledger.User, error) {
	name, password := c.userFlag, c.env.Getenv(envPassword)
	needsPassword := false
	var err error
	if name == "" {
		if name, needsPassword, err = b.DefaultUser(ctx); err != nil {
			return nil, err
		}
	} else if password == "" {
		users, err := b.Users(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if strings.EqualFold(u.Name, ledger.Normalize(name)) {
				needsPassword = u.HasPassword
			}
		}
	}
	if password == "" && needsPassword {
		if password, err = c.readPassword(c.t("cli.password.prompt", map[string]any{"user": name})); err != nil {
			return nil, err
		}
	}
	return b.Login(ctx, name, password)
}

// backupPassword is SHOPBOOKS_BACKUP_PASSWORD, else asked on the terminal (twice for a
// new backup). An empty password is refused: it would encrypt nothing.
func (c *call) backupPassword(twice bool) (string, error) {
	if p := c.env.Getenv(envBackupPassword); p != "" {
		return p, nil
	}
	if !c.onTerminal() {
		return "", refuse("cli.password.no_terminal", map[string]any{"env": envBackupPassword})
	}
	p, err := c.readPassword(c.t("cli.backup.password_prompt"))
	if err != nil {
		return "", err
	}
	if p == "" {
		return "", refuse("cli.backup.password_empty", nil)
	}
	if twice {
		again, err := c.readPassword(c.t("cli.password.again"))
		if err != nil {
			return "", err
		}
		if again != p {
			return "", refuse("cli.password.mismatch", nil)
		}
	}
	return p, nil
}

func (c *call) onTerminal() bool {
	f, ok := c.env.Stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// confirm asks a yes/no question on a terminal; a script (stdin not a terminal) is not
// asked.
func (c *call) confirm(question string) (bool, error) {
	if !c.onTerminal() {
		return true, nil
	}
	fmt.Fprint(c.env.Stderr, question)
	line, err := bufio.NewReader(c.env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes", "是", "好", "确定":
		return true, nil
	}
	return false, nil
}

// backupDir is --to, else the folder remembered for this book (ledger.BackupFolder,
// shared with the window), else <book dir>/backups, made when create is set and it is
// missing.
func (c *call) backupDir(create bool) (string, error) {
	if d := c.str("to"); d != "" {
		return absPath(d), nil
	}
	d, _, err := ledger.BackupFolder(c.configDir, c.book.Path())
	if err != nil {
		c.log.Warn("backup folders ignored", "err", err)
	}
	if create {
		if err := ledger.EnsureBackupFolder(c.book.Path(), d); err != nil {
			return "", err
		}
	}
	return d, nil
}

func (c *call) rememberBackupDir(dir string) {
	if err := ledger.RememberBackupFolder(c.configDir, c.book.Path(), dir); err != nil {
		c.log.Warn("backup folder not remembered", "err", err)
	}
}

// autoBackup is the backup after a close (unless --no-backup): into the remembered
// folder, encrypted when SHOPBOOKS_BACKUP_PASSWORD is set (this run's choice; never
// asked for, never stored). Its line goes to stderr, so JSON and CSV on stdout stay
// whole. A failure does not undo the close: it is said loudly on stderr and the exit
// status stays 0, since the close itself succeeded.
func (c *call) autoBackup() {
	if c.on("no-backup") || !c.user.Can(ledger.PermBackup) {
		return
	}
	dir, err := c.backupDir(true)
	if err == nil {
		var info ledger.BackupInfo
		if info, err = c.book.Backup(c.ctx, c.user, dir, c.env.Getenv(envBackupPassword)); err == nil {
			fmt.Fprintln(c.env.Stderr, c.t("cli.backup.auto_done", map[string]any{"path": info.Path}))
			return
		}
	}
	_, msg := c.describe(err)
	fmt.Fprintln(c.env.Stderr, c.t("cli.backup.auto_failed", map[string]any{"message": msg}))
}
