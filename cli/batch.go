package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"time"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

func batchCommands() []command {
	return []command{{usage: "batch FILE|-   (one command a line; # comments; stops at the first error)",
		minArgs: 1, maxArgs: 1, run: runBatch}}
}

// runBatch runs one command a line from a file (or stdin for "-") in this one process:
// the book is opened and the user logged in once. Blank lines and # comments are
// skipped; words are split as a shell does, with "double" and 'single' quotes. It stops
// at the first failing line, names it, and exits with that command's status. A line's
// --format and --lang hold for that line only.
func runBatch(c *call) error {
	if c.batch {
		return refuse("cli.batch.nested", nil)
	}
	var data []byte
	var err error
	if c.args[0] == "-" {
		data, err = io.ReadAll(c.env.Stdin)
	} else {
		data, err = os.ReadFile(c.args[0])
	}
	if err != nil {
		c.log.Warn("batch file", "path", c.args[0], "err", err)
		return refuse("cli.batch.unreadable", map[string]any{"path": c.args[0]})
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	c.batch = true
	defer func() { c.batch = false }()
	g := &lineGroup{session: c.session}
	defer g.end()
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		words, err := splitWords(sc.Text())
		if err != nil {
			return g.fail(n, err)
		}
		if len(words) == 0 {
			continue
		}
		inv, perr := parse(words)
		if err := g.before(n, inv, perr); err != nil {
			return err
		}
		if perr != nil {
			return g.fail(n, perr)
		}
		if err := c.runLine(inv); err != nil {
			return g.fail(n, err)
		}
		if err := g.after(); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return g.fail(0, err)
	}
	return g.commit()
}

// A run of consecutive `doc new` and `doc audit` lines shares one transaction, a
// savepoint per line (ledger.DocBatch): one commit for many documents instead of one
// each. What the batch does is the same: each line's document is saved and audited or
// refused on its own, a refused line writes nothing and stops the batch, and the lines
// before it stay written. The run is committed before any other line (which may read
// what it wrote), at the end, at the first error, and at least every groupSpan, so that
// another writer (the window, another batch) waits a fraction of a second at most. Lines
// that read the book to build their document (--from, --from-stock) run on their own.
const groupSpan = 250 * time.Millisecond

type lineGroup struct {
	*session
	first int       // the run's first line
	start time.Time // when its transaction began
}

// groupable tells a line that can run in the open run of documents.
func groupable(inv invocation) bool {
	if inv.help || inv.family == nil || inv.cmd == nil || inv.family.name != "doc" {
		return false
	}
	switch inv.cmd.name {
	case "new":
		return len(inv.flags["from"]) == 0 && len(inv.flags["from-stock"]) == 0
	case "audit":
		return true
	}
	return false
}

// before opens a run for line n when it is groupable (and the book is open), or commits
// the open run when it is not.
func (g *lineGroup) before(n int, inv invocation, perr error) error {
	if g.book == nil || perr != nil || !groupable(inv) {
		return g.commit()
	}
	if g.group != nil {
		return nil
	}
	b, err := g.book.BeginDocBatch(g.ctx)
	if err != nil {
		return &lineError{n, err}
	}
	g.group, g.first, g.start = b, n, time.Now()
	return nil
}

// after commits a run that has been open for groupSpan.
func (g *lineGroup) after() error {
	if g.group != nil && time.Since(g.start) >= groupSpan {
		return g.commit()
	}
	return nil
}

// commit writes the open run. When that fails nothing of the run is written: the
// error names its first line.
func (g *lineGroup) commit() error {
	if g.group == nil {
		return nil
	}
	b := g.group
	g.group = nil
	if err := b.Commit(); err != nil {
		return &lineError{g.first, err}
	}
	return nil
}

// fail ends the batch at line n with err, after committing the lines before it.
func (g *lineGroup) fail(n int, err error) error {
	if cerr := g.commit(); cerr != nil {
		return cerr
	}
	if n == 0 {
		return err
	}
	return &lineError{n, err}
}

// end rolls back a run left open by a panic.
func (g *lineGroup) end() {
	if g.group != nil {
		g.group.Rollback()
		g.group = nil
	}
}

// docBook is where document lines save and audit: the open run of a batch, else the
// book.
func (c *call) docBook() docWriter {
	if c.group != nil {
		return c.group
	}
	return c.book
}

// docWriter is what ledger.Book and ledger.DocBatch both do with documents.
type docWriter interface {
	SaveDoc(ctx context.Context, by *ledger.User, d ledger.Doc) (ledger.Doc, error)
	SaveAndAuditDoc(ctx context.Context, by *ledger.User, d ledger.Doc) (ledger.Doc, error)
	AuditDoc(ctx context.Context, by *ledger.User, number string) error
	CountWarnings(ctx context.Context, by *ledger.User, number string) ([]string, error)
}

// runLine runs one line of a batch, as parse read it, with the session's book and user.
func (c *call) runLine(inv invocation) error {
	s := c.session
	if inv.cmd == nil && !inv.help {
		return &usageError{key: "cli.usage.missing_command", usage: globalUsage + " COMMAND ..."}
	}
	if s.book != nil && (inv.g.book != "" && inv.g.book != s.bookFlag || inv.g.user != "" && inv.g.user != s.userFlag) {
		return refuse("cli.batch.switch", nil)
	}
	lang, format := s.lang, s.format
	defer func() { s.lang, s.cat, s.format = lang, i18n.For(lang), format }()
	g := inv.g
	if g.lang == "" {
		g.lang = string(lang)
	}
	if g.format == "" {
		g.format = format
	}
	s.setGlobals(g)
	return s.run(inv)
}

// splitWords splits a line as a shell does: spaces separate words; "double quotes" keep
// spaces (\" and \\ escape inside them); 'single quotes' keep everything; outside quotes
// a backslash escapes a quote, a space, # or itself and is otherwise literal (Windows
// paths). A # that starts a word starts a comment.
func splitWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == ' ' || r == '\t' || r == '\r' || r == '\u3000':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '#' && !inWord:
			return words, nil
		case r == '\'':
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				j++
			}
			if j == len(rs) {
				return nil, &usageError{key: "cli.usage.quote"}
			}
			cur.WriteString(string(rs[i+1 : j]))
			inWord, i = true, j
		case r == '"':
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) && (rs[j+1] == '"' || rs[j+1] == '\\') {
					j++
				}
				cur.WriteRune(rs[j])
			}
			if j == len(rs) {
				return nil, &usageError{key: "cli.usage.quote"}
			}
			inWord, i = true, j
		case r == '\\' && i+1 < len(rs) && strings.ContainsRune(`"'\ #`, rs[i+1]):
			cur.WriteRune(rs[i+1])
			inWord, i = true, i+1
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
