package cli

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"

	"shopbooks/assets/i18n"
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
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		words, err := splitWords(sc.Text())
		if err != nil {
			return &lineError{n, err}
		}
		if len(words) == 0 {
			continue
		}
		if err := c.runLine(words); err != nil {
			return &lineError{n, err}
		}
	}
	return sc.Err()
}

// runLine runs one line of a batch with the session's book and user.
func (c *call) runLine(words []string) error {
	s := c.session
	inv, err := parse(words)
	if err != nil {
		return err
	}
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
