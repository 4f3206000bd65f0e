package cli

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"time"

	"shopbooks/ledger"
	"shopbooks/report"
)

// `export vouchers --period YYYY-MM --xlsx FILE [--layout kingdee|yonyou] | --csv FILE`:
// the period's vouchers in the column layout of 金蝶 KIS/精斗云 or 用友 (report.VoucherWorkbook
// documents both). `export handoff --period YYYY-MM --xlsx FILE`: the accountant's hand-off
// workbook (report.HandOff).

func exportCommands() []command {
	return []command{
		{name: "vouchers", usage: "export vouchers --period YYYY-MM (--xlsx FILE [--layout kingdee|yonyou] | --csv FILE)",
			flags: "period= xlsx= csv= layout=", required: "period", book: true, run: exportVouchers},
		{name: "handoff", usage: "export handoff --period YYYY-MM --xlsx FILE", flags: "period= xlsx=", required: "period xlsx",
			book: true, run: exportHandOff},
		{name: "journal", usage: "export journal [--to FILE]   (every posting as an hledger journal; stdout without --to)",
			flags: "to=", book: true, run: exportJournal},
	}
}

// exportJournal writes the book's postings as an hledger journal (report.Journal).
func exportJournal(c *call) error {
	var b bytes.Buffer
	if err := report.Journal(c.ctx, &b, c.book, c.user); err != nil {
		return err
	}
	if path := c.str("to"); path != "" {
		return c.writeExport(path, b.Bytes())
	}
	_, err := c.env.Stdout.Write(b.Bytes())
	return err
}

func exportVouchers(c *call) error {
	p, err := ledger.ParsePeriod("period", c.str("period"))
	if err != nil {
		return err
	}
	if !c.has("xlsx") && !c.has("csv") {
		return &usageError{key: "cli.usage.missing_flag", args: map[string]any{"flag": "--xlsx"}, usage: c.cmd.usage}
	}
	layout := strings.ToLower(c.str("layout"))
	if layout == "" {
		layout = report.LayoutKingdee
	}
	if !slices.Contains(report.Layouts, layout) {
		return &usageError{key: "cli.usage.bad_value", args: map[string]any{"flag": "--layout", "value": c.str("layout"),
			"choices": strings.Join(report.Layouts, ", ")}, usage: c.cmd.usage}
	}
	vs, err := c.book.Vouchers(c.ctx, c.user, p)
	if err != nil {
		return err
	}
	names, err := report.LoadVoucherNames(c.ctx, c.book)
	if err != nil {
		return err
	}
	if path := c.str("xlsx"); path != "" {
		var b bytes.Buffer
		if err := report.VoucherWorkbook(&b, vs, layout, names); err != nil {
			return err
		}
		if err := c.writeExport(path, b.Bytes()); err != nil {
			return err
		}
	}
	if path := c.str("csv"); path != "" {
		var b bytes.Buffer
		if err := report.VoucherCSV(&b, vs, layout, names); err != nil {
			return err
		}
		if err := c.writeExport(path, b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func exportHandOff(c *call) error {
	p, err := ledger.ParsePeriod("period", c.str("period"))
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := report.HandOff(c.ctx, &b, c.book, c.user, p, time.Now()); err != nil {
		return err
	}
	return c.writeExport(c.str("xlsx"), b.Bytes())
}

// writeExport writes the file and says where.
func (c *call) writeExport(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		c.log.Warn("export", "path", path, "err", err)
		return refuse("report.xlsx.failed", map[string]any{"path": path})
	}
	c.say("cli.export.written", map[string]any{"path": absPath(path)})
	return nil
}
