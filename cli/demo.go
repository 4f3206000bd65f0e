package cli

import (
	"fmt"
	"strconv"
	"time"

	"shopbooks/ledger"
	"shopbooks/ledger/demo"
)

// demoCommands: `demo` makes a demo book of a busy shop through the services (package
// ledger/demo), every month closed: the whole product to try in one command.
func demoCommands() []command {
	return []command{{
		usage: "demo [--years N] [--seed S] [--scale FRACTION] [--start YYYY-MM] [--months N] [--items N]",
		flags: "years= seed= scale= start= months= items=", run: demoBook,
	}}
}

// demoBook creates the demo book at --book (else ./shop.book; an existing file is
// refused), prints each month's progress on stderr and remembers the book as the last
// one opened, so that the window opens it. It starts in January of the year that makes
// its last month last December, unless --start says otherwise.
func demoBook(c *call) error {
	if c.book != nil {
		return refuse("cli.init.book_open", nil)
	}
	opt := demo.Options{Years: 1}
	for _, err := range []error{
		setFrom(c, "years", parseCount("years"), &opt.Years),
		setFrom(c, "months", parseCount("months"), &opt.Months),
		setFrom(c, "items", parseCount("items"), &opt.Items),
		setFrom(c, "start", func(v string) (ledger.Period, error) { return ledger.ParsePeriod("start", v) }, &opt.Start),
		setFrom(c, "seed", func(v string) (int64, error) {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return 0, &usageError{key: "cli.usage.bad_value", args: map[string]any{"flag": "--seed", "value": v, "choices": "0, 1, 2, …"},
					usage: c.cmd.usage}
			}
			return n, nil
		}, &opt.Seed),
		setFrom(c, "scale", func(v string) (float64, error) {
			q, err := ledger.ParseQty("scale", v, false)
			if err != nil {
				return 0, err
			}
			if q == 0 {
				return 0, &usageError{key: "cli.usage.bad_value", args: map[string]any{"flag": "--scale", "value": v, "choices": "0.01 … 1"},
					usage: c.cmd.usage}
			}
			return float64(q) / float64(ledger.Units(1)), nil
		}, &opt.Scale),
	} {
		if err != nil {
			return err
		}
	}
	if opt.Years == 0 {
		opt.Years = 1
	}
	if opt.Start == "" {
		months := opt.Months
		if months == 0 {
			months = 12 * opt.Years
		}
		y := time.Now().Year() - (months+11)/12
		opt.Start = ledger.Period(fmt.Sprintf("%04d-01", y))
	}
	path := c.bookFlag
	if path == "" {
		path = "shop.book"
	}
	path = absPath(path)
	start := time.Now()
	opt.Progress = func(step string, done, total int) {
		switch step {
		case "items", "opening":
			if done == 0 {
				fmt.Fprintln(c.env.Stderr, c.t("cli.demo.step_"+step))
			}
		case "done":
		default:
			fmt.Fprintln(c.env.Stderr, c.t("cli.demo.month", map[string]any{"period": step, "n": done + 1, "total": total,
				"elapsed": time.Since(start).Round(time.Second).String()}))
		}
	}
	st, err := demo.GenerateStats(c.ctx, path, opt, c.log)
	if err != nil {
		return err
	}
	c.remember(path)
	c.say("cli.demo.done", map[string]any{"path": path, "docs": st.Docs, "lines": st.Lines, "vouchers": st.Vouchers,
		"elapsed": st.Elapsed.Round(time.Second).String()})
	return nil
}
