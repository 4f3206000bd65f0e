package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// The month-end close (月末结账, DOMAIN.md §6): `close check` runs the pre-checks,
// `close preview` the whole close without saving it, `close` closes and locks the month;
// `unclose` reopens the latest closed month with a reason.

const closeUsage = "close YYYY-MM | close check YYYY-MM | close preview YYYY-MM\n" +
	"    check: the pre-checks (B1…B8 block, W1…W4 warn), exit 1 when one blocks;\n" +
	"    preview: the vouchers the close would generate and the month's profit, nothing saved;\n" +
	"    close: checks, costing, vouchers, lock (warnings are acknowledged by closing); --counter N (from the\n" +
	"    preview) closes only if nothing was written since the preview; then a backup into the backup folder\n" +
	"    (encrypted when SHOPBOOKS_BACKUP_PASSWORD is set) unless --no-backup."

func closeCommands() []command {
	return []command{{usage: closeUsage, flags: "counter= no-backup", minArgs: 1, maxArgs: 2, book: true, run: closeRun}}
}

func uncloseCommands() []command {
	return []command{{usage: "unclose YYYY-MM --reason TEXT   (反结账: the latest closed month; its generated vouchers go)",
		flags: "reason=", required: "reason", minArgs: 1, maxArgs: 1, book: true, run: uncloseRun}}
}

// closeRun reads `close [check|preview] YYYY-MM`: the family is itself a command, so the
// word check or preview arrives as the first argument.
func closeRun(c *call) error {
	sub, arg := "", c.args[0]
	if len(c.args) == 2 {
		sub, arg = c.args[0], c.args[1]
	}
	switch sub {
	case "", "check", "preview":
	default:
		return &usageError{key: "cli.usage.unknown_command", args: map[string]any{"command": "close " + sub}, usage: closeUsage}
	}
	if sub == "" && (arg == "check" || arg == "preview") {
		return &usageError{key: "cli.usage.missing_args", usage: closeUsage}
	}
	if sub != "" && c.has("counter") {
		return &usageError{key: "cli.usage.unknown_flag", args: map[string]any{"flag": "--counter"}, usage: closeUsage}
	}
	if sub != "" && c.has("no-backup") {
		return &usageError{key: "cli.usage.unknown_flag", args: map[string]any{"flag": "--no-backup"}, usage: closeUsage}
	}
	p, err := ledger.ParsePeriod("period", arg)
	if err != nil {
		return err
	}
	switch sub {
	case "check":
		return closeCheck(c, p)
	case "preview":
		return closePreview(c, p)
	}
	return closePeriod(c, p)
}

var findingCols = []col{{key: "check"}, {key: "description"}, {key: "block", wide: true}, {key: "effect"}, {key: "count"},
	{key: "refs"}}

// findingRows are the findings as rows; the table shows the first few references.
func (c *call) findingRows(fs []ledger.Finding) [][]any {
	rows := make([][]any, len(fs))
	for i, f := range fs {
		eff := choice{key: "cli.close.warn", code: "warn"}
		if f.Block {
			eff = choice{key: "cli.close.block", code: "block"}
		}
		var refs any = append([]string{}, f.Refs...)
		switch c.format {
		case "csv":
			refs = strings.Join(f.Refs, "; ")
		case "table":
			refs = firstRefs(f)
		}
		rows[i] = []any{f.Check, c.t("cli.close." + f.Check), f.Block, eff, f.Count, refs}
	}
	return rows
}

// firstRefs names the first five things a finding found, and how many more.
func firstRefs(f ledger.Finding) string {
	refs := f.Refs
	if len(refs) > 5 {
		refs = refs[:5]
	}
	s := strings.Join(refs, ", ")
	if more := f.Count - len(refs); more > 0 {
		s += fmt.Sprintf(" … (+%d)", more)
	}
	return s
}

// blocked is the refusal of a close that a check blocks: the ledger's message and a line
// per blocking finding naming what it found.
func (c *call) blocked(err error, p ledger.Period, fs []ledger.Finding) error {
	_, msg := c.describe(err)
	r := &refusal{msgs: []message{{"cli.close.message", map[string]any{"message": msg}}}}
	for _, f := range fs {
		if f.Block {
			r.msgs = append(r.msgs, message{"cli.close.finding", map[string]any{"check": f.Check,
				"description": i18n.Key("cli.close." + f.Check), "count": f.Count, "refs": firstRefs(f)}})
		}
	}
	return r
}

func closeCheck(c *call, p ledger.Period) error {
	fs, err := c.book.CheckClose(c.ctx, c.user, p)
	if err != nil {
		return err
	}
	if len(fs) == 0 && c.format == "table" {
		c.say("cli.close.clean", map[string]any{"period": string(p)})
		return nil
	}
	if err := c.list(findingCols, c.findingRows(fs)); err != nil {
		return err
	}
	var blocks []string
	for _, f := range fs {
		if f.Block {
			blocks = append(blocks, fmt.Sprintf("%s (%d)", f.Check, f.Count))
		}
	}
	if len(blocks) > 0 {
		return refuse("cli.close.check_blocked", map[string]any{"period": string(p), "findings": strings.Join(blocks, ", ")})
	}
	return nil
}

// progress tells the close's steps on stderr when it is a terminal; scripts see nothing.
func (c *call) progress() func(step string, done, total int) {
	f, ok := c.env.Stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(step string, done, total int) {
		msg := c.t("cli.close.step." + step)
		if total > 1 {
			msg += fmt.Sprintf(" %d/%d", done, total)
		}
		fmt.Fprintln(c.env.Stderr, "… "+msg)
	}
}

func closePreview(c *call, p ledger.Period) error {
	res, err := c.book.PreviewClose(c.ctx, c.user, p, ledger.CloseOptions{Progress: c.progress()})
	if e, ok := errors.AsType[*ledger.Error](err); ok && e.Code == ledger.CodeCloseBlocked {
		return c.blocked(err, p, res.Findings)
	}
	if err != nil {
		return err
	}
	return c.closeResult(res, "cli.close.previewed")
}

func closePeriod(c *call, p ledger.Period) error {
	opts := ledger.CloseOptions{Progress: c.progress()}
	if c.has("counter") {
		n, err := parseCount("counter")(c.str("counter"))
		if err != nil {
			return err
		}
		opts.Counter = int64(n)
	}
	res, err := c.book.ClosePeriod(c.ctx, c.user, p, opts)
	if e, ok := errors.AsType[*ledger.Error](err); ok && e.Code == ledger.CodeCloseBlocked {
		return c.blocked(err, p, res.Findings)
	}
	if err != nil {
		return err
	}
	if err := c.closeResult(res, "cli.close.closed"); err != nil {
		return err
	}
	c.autoBackup()
	return nil
}

// closeResult writes what a close (or its preview) generated: in the table the warnings,
// the vouchers and a line with the profit; in JSON an object with the period, whether it
// closed, the profit, the findings and the vouchers with their lines; in CSV the lines.
func (c *call) closeResult(res ledger.CloseResult, done string) error {
	first, last := "", ""
	if n := len(res.Vouchers); n > 0 {
		first, last = res.Vouchers[0].Number(), res.Vouchers[n-1].Number()
	}
	args := map[string]any{"period": string(res.Period), "count": len(res.Vouchers), "first": first, "last": last,
		"profit": res.Profit.Format(), "counter": res.Counter}
	switch c.format {
	case "json":
		var b bytes.Buffer
		openObject(&b, []col{{key: "period"}, {key: "closed"}, {key: "profit"}, {key: "counter"}},
			[]any{string(res.Period), res.Closed, res.Profit, res.Counter}, "")
		rows := c.findingRows(res.Findings)
		writeArray(&b, "findings", len(rows), "", func(i int, pad string) { writeObject(&b, findingCols, rows[i], pad) })
		writeArray(&b, "vouchers", len(res.Vouchers), "", func(i int, pad string) { writeVoucherJSON(&b, res.Vouchers[i], pad) })
		closeObject(&b, "")
		b.WriteString("\n")
		_, err := c.env.Stdout.Write(b.Bytes())
		return err
	case "csv":
		return c.listVouchers(res.Vouchers)
	}
	if len(res.Findings) > 0 {
		if err := c.list(findingCols, c.findingRows(res.Findings)); err != nil {
			return err
		}
		fmt.Fprintln(c.env.Stdout)
	}
	if err := c.listVouchers(res.Vouchers); err != nil {
		return err
	}
	fmt.Fprintln(c.env.Stdout)
	c.say(done, args)
	return nil
}

func uncloseRun(c *call) error {
	p, err := ledger.ParsePeriod("period", c.args[0])
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(c.str("reason"))
	if reason == "" {
		return &usageError{key: "cli.usage.missing_value", args: map[string]any{"flag": "--reason"}, usage: c.cmd.usage}
	}
	if err := c.book.UnclosePeriod(c.ctx, c.user, p, reason); err != nil {
		return err
	}
	c.say("cli.close.reopened", map[string]any{"period": string(p)})
	return nil
}
