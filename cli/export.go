package cli

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"shopbooks/ledger"
	"shopbooks/report"
)

// `export vouchers (--period YYYY-MM | --from YYYY-MM [--to YYYY-MM]) --xlsx FILE
// [--layout kingdee|yonyou] | --csv FILE`: the vouchers of a period or a range in the
// column layout of 金蝶 KIS/精斗云 or 用友 (report.VoucherWorkbook documents both).
// `export stock-ledger (--period YYYY-MM | --from YYYY-MM [--to YYYY-MM]) [--item CODE]
// (--xlsx FILE | --csv FILE)`: the stock ledgers (库存明细账) of the range
// (report.StockLedgerWorkbook). `export handoff --period YYYY-MM --xlsx FILE`: the
// accountant's hand-off workbook (report.HandOff).

func exportCommands() []command {
	return []command{
		{name: "vouchers", usage: "export vouchers (--period YYYY-MM | --from YYYY-MM [--to YYYY-MM]) (--xlsx FILE [--layout kingdee|yonyou] | --csv FILE)",
			flags: "period= from= to= xlsx= csv= layout=", book: true, run: exportVouchers},
		{name: "stock-ledger", usage: "export stock-ledger (--period YYYY-MM | --from YYYY-MM [--to YYYY-MM]) [--item CODE] (--xlsx FILE | --csv FILE)",
			flags: "period= from= to= item= xlsx= csv=", book: true, run: exportStockLedger},
		{name: "documents", usage: "export documents (--period YYYY-MM | --from YYYY-MM [--to YYYY-MM]) (--xlsx FILE | --csv FILE)",
			flags: "period= from= to= xlsx= csv=", book: true, run: exportDocuments},
		{name: "handoff", usage: "export handoff --period YYYY-MM --xlsx FILE", flags: "period= xlsx=", required: "period xlsx",
			book: true, run: exportHandOff},
		{name: "journal", usage: "export journal [--to FILE]   (every posting as an hledger journal; stdout without --to)",
			flags: "to=", book: true, run: exportJournal},
	}
}

// exportRange reads the periods of an export: --period for one, or --from and --to
// (default: --from); and checks that --xlsx or --csv names a file.
func (c *call) exportRange() (from, to ledger.Period, err error) {
	switch {
	case c.has("period") && c.has("from"):
		return "", "", &usageError{key: "cli.usage.extra_args", args: map[string]any{"arg": "--period"}, usage: c.cmd.usage}
	case c.has("period"):
		from, err = ledger.ParsePeriod("period", c.str("period"))
	case c.has("from"):
		from, err = ledger.ParsePeriod("from", c.str("from"))
	default:
		return "", "", &usageError{key: "cli.usage.missing_flag", args: map[string]any{"flag": "--period"}, usage: c.cmd.usage}
	}
	if err != nil {
		return "", "", err
	}
	to = from
	if c.has("to") {
		if to, err = ledger.ParsePeriod("to", c.str("to")); err != nil {
			return "", "", err
		}
	}
	if to < from {
		return "", "", refuse("cli.ledger.range", map[string]any{"from": string(from), "to": string(to)})
	}
	if !c.has("xlsx") && !c.has("csv") {
		return "", "", &usageError{key: "cli.usage.missing_flag", args: map[string]any{"flag": "--xlsx"}, usage: c.cmd.usage}
	}
	return from, to, nil
}

// exportJournal writes the book's postings as an hledger journal (report.Journal).
func exportJournal(c *call) error {
	if err := c.book.Export(c.ctx, c.user, ledger.ExportJournal, c.str("to")); err != nil {
		return err
	}
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
	from, to, err := c.exportRange()
	if err != nil {
		return err
	}
	layout := strings.ToLower(c.str("layout"))
	if layout == "" {
		layout = report.LayoutKingdee
	}
	if !slices.Contains(report.Layouts, layout) {
		return &usageError{key: "cli.usage.bad_value", args: map[string]any{"flag": "--layout", "value": c.str("layout"),
			"choices": strings.Join(report.Layouts, ", ")}, usage: c.cmd.usage}
	}
	if err := c.book.Export(c.ctx, c.user, ledger.ExportVouchers, rangeText(from, to)+" "+layout); err != nil {
		return err
	}
	names, err := report.LoadVoucherNames(c.ctx, c.book)
	if err != nil {
		return err
	}
	return c.eachExport(func(w io.Writer, csv bool) error {
		return report.ExportVouchers(c.ctx, w, c.book, c.user, from, to, layout, names, csv)
	})
}

func exportStockLedger(c *call) error {
	from, to, err := c.exportRange()
	if err != nil {
		return err
	}
	if err := c.book.Export(c.ctx, c.user, ledger.ExportStockLedger, strings.TrimSpace(rangeText(from, to)+" "+c.str("item"))); err != nil {
		return err
	}
	return c.eachExport(func(w io.Writer, csv bool) error {
		if csv {
			return report.StockLedgerCSV(c.ctx, w, c.book, c.user, c.str("item"), from, to)
		}
		return report.StockLedgerWorkbook(c.ctx, w, c.book, c.user, c.str("item"), from, to)
	})
}

// rangeText is a range of months as the audit trail records an export of it.
func rangeText(from, to ledger.Period) string {
	if from == to {
		return string(from)
	}
	return string(from) + "…" + string(to)
}

// exportDocuments writes every line of the documents of a range of months (单据明细).
func exportDocuments(c *call) error {
	from, to, err := c.exportRange()
	if err != nil {
		return err
	}
	if err := c.book.Export(c.ctx, c.user, ledger.ExportDocuments, rangeText(from, to)); err != nil {
		return err
	}
	return c.eachExport(func(w io.Writer, csv bool) error {
		if csv {
			return report.DocumentsCSV(c.ctx, w, c.book, c.user, from, to)
		}
		return report.DocumentsWorkbook(c.ctx, w, c.book, c.user, from, to)
	})
}

// eachExport writes the --xlsx file and the --csv file that were asked for.
func (c *call) eachExport(write func(w io.Writer, csv bool) error) error {
	for _, kind := range []string{"xlsx", "csv"} {
		if path := c.str(kind); path != "" {
			if err := c.writeExportWith(path, func(w io.Writer) error { return write(w, kind == "csv") }); err != nil {
				return err
			}
		}
	}
	return nil
}

func exportHandOff(c *call) error {
	p, err := ledger.ParsePeriod("period", c.str("period"))
	if err != nil {
		return err
	}
	if err := c.book.Export(c.ctx, c.user, ledger.ExportStatements, "handoff "+string(p)); err != nil {
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
	return c.writeExportWith(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeExportWith writes the file through write, as it goes (a year's export is never
// whole in memory), into a temporary file beside it that takes its name at the end: a
// refused or failed export leaves no half-written file. It says where it wrote.
func (c *call) writeExportWith(path string, write func(io.Writer) error) error {
	failed := func(err error) error {
		c.log.Warn("export", "path", path, "err", err)
		return refuse("report.xlsx.failed", map[string]any{"path": path})
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return failed(err)
	}
	defer os.Remove(tmp.Name()) // gone by then once renamed
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	err = bw.Flush()
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return failed(err)
	}
	c.say("cli.export.written", map[string]any{"path": absPath(path)})
	return nil
}
