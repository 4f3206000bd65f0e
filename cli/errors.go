package cli

import "fmt"

// usageError is a command line the program cannot read: exit status 2, the reason and
// the command's usage line.
type usageError struct {
	key   string // cli.usage.*
	args  map[string]any
	usage string // the synopsis, untranslated: "item add --code C ..."
}

func (e *usageError) Error() string { return fmt.Sprintf("usage: %s %v (%s)", e.key, e.args, e.usage) }

// refusal is a refusal found by the CLI itself (not by the ledger): exit status 1 and
// one translated message per entry.
type refusal struct {
	msgs []message
}

type message struct {
	key  string
	args map[string]any
}

func (e *refusal) Error() string { return fmt.Sprintf("refused: %v", e.msgs) }

func refuse(key string, args map[string]any) *refusal {
	return &refusal{msgs: []message{{key, args}}}
}

// lineError is the failure of one line of a batch.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *lineError) Unwrap() error { return e.err }
