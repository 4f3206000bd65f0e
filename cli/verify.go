package cli

import (
	"fmt"
	"strings"
)

func verifyCommands() []command {
	return []command{{usage: "verify [--full]", flags: "full", book: true, run: verify}}
}

// verify recomputes the audit chain and the book's invariants: each check passed is
// listed; the first failure is the error (exit 1), in words.
func verify(c *call) error {
	rep, err := c.book.Verify(c.ctx, c.on("full"))
	if err != nil {
		return err
	}
	if c.format == "table" {
		for _, k := range rep.Checks {
			fmt.Fprintln(c.env.Stdout, "✓ "+c.t(k))
		}
		if rep.Failure == nil {
			c.say("cli.verify.ok", nil)
		}
	} else {
		rows := make([][]any, 0, len(rep.Checks)+1)
		for _, k := range rep.Checks {
			rows = append(rows, []any{strings.TrimPrefix(k, "verify.check."), c.t(k), true})
		}
		if f := rep.Failure; f != nil {
			rows = append(rows, []any{string(f.Code), c.cat.Error(string(f.Code), f.Args), false})
		}
		if err := c.list([]col{{key: "check"}, {key: "description"}, {key: "passed"}}, rows); err != nil {
			return err
		}
	}
	if rep.Failure != nil {
		c.log.Warn("verify failed", "err", rep.Failure.Error())
		return rep.Failure
	}
	return nil
}
