package cli

import (
	"errors"
	"os"
	"sort"

	"shopbooks/ledger"
	"shopbooks/report"
)

// `item import FILE`, `partner import FILE`, `opening import FILE [--dry-run]`: .xlsx or
// .csv (UTF-8 or GBK), a header row of English or Chinese column names in any order
// (report.ParseItems ...). Every bad row is listed on stderr with its line and reason
// and nothing is written (exit 1); --dry-run prints the rows as they would be imported
// and writes nothing; otherwise every row is written in one transaction and the count
// printed.

// importCommand is the `import` command of a family: item, partner or opening.
func importCommand(family string) command {
	return command{name: "import", usage: family + " import FILE.xlsx|FILE.csv [--dry-run]", flags: "dry-run",
		minArgs: 1, maxArgs: 1, book: true, run: func(c *call) error { return runImport(c, family) }}
}

// importer is one family's parse, check, preview and write.
type importer struct {
	parse   func(f *os.File, name string) (n int, probs []report.RowProblem, err error)
	check   func() ([]report.RowProblem, error)
	preview func() error
	write   func() (int, error)
}

func runImport(c *call, family string) error {
	path := c.args[0]
	f, err := os.Open(path)
	if err != nil {
		c.log.Info("import: open", "path", path, "err", err)
		return refuse("cli.import.cannot_read", map[string]any{"path": path})
	}
	defer f.Close()
	im := c.importer(family)
	n, probs, err := im.parse(f, path)
	if err != nil {
		return c.importRefusal(path, err)
	}
	more, err := im.check()
	if err != nil {
		return err
	}
	probs = append(probs, more...)
	if c.on("dry-run") {
		if err := im.preview(); err != nil {
			return err
		}
	}
	if len(probs) > 0 {
		return c.badRows(path, probs)
	}
	if c.on("dry-run") {
		c.say("cli.import.preview."+family, map[string]any{"count": n})
		return nil
	}
	done, err := im.write()
	if err != nil {
		return c.importRefusal(path, err)
	}
	c.say("cli.import.done."+family, map[string]any{"count": done, "path": path})
	return nil
}

// importer binds a family's functions of package report to this call.
func (c *call) importer(family string) importer {
	switch family {
	case "partner":
		var rows []report.PartnerRow
		return importer{
			parse: func(f *os.File, name string) (int, []report.RowProblem, error) {
				var probs []report.RowProblem
				var err error
				rows, probs, err = report.ParsePartners(f, name)
				return len(rows), probs, err
			},
			check: func() ([]report.RowProblem, error) { return report.CheckPartners(c.ctx, c.book, rows) },
			preview: func() error {
				out := make([][]any, len(rows))
				for i, r := range rows {
					out[i] = append([]any{r.Line}, partnerRow(r.Partner)...)
				}
				return c.list(append([]col{{key: "line"}}, partnerCols...), out)
			},
			write: func() (int, error) { return report.ImportPartners(c.ctx, c.book, c.user, rows) },
		}
	case "opening":
		var rows []report.OpeningRow
		return importer{
			parse: func(f *os.File, name string) (int, []report.RowProblem, error) {
				var probs []report.RowProblem
				var err error
				rows, probs, err = report.ParseOpenings(f, name)
				return len(rows), probs, err
			},
			check: func() ([]report.RowProblem, error) { return report.CheckOpenings(c.ctx, c.book, rows) },
			preview: func() error {
				cols := []col{{key: "line"}, {key: "account"}, {key: "partner"}, {key: "item"}, {key: "warehouse"}, {key: "qty"},
					{key: "amount"}, {key: "ytd_debit"}, {key: "ytd_credit"}}
				out := make([][]any, len(rows))
				for i, r := range rows {
					var q any = null{}
					if r.Item != "" {
						q = r.Qty
					}
					out[i] = []any{r.Line, r.Account, r.Partner, r.Item, r.Warehouse, q, r.Amount, r.YTDDebit, r.YTDCredit}
				}
				return c.list(cols, out)
			},
			write: func() (int, error) { return report.ImportOpenings(c.ctx, c.book, c.user, rows) },
		}
	}
	var rows []report.ItemRow
	return importer{
		parse: func(f *os.File, name string) (int, []report.RowProblem, error) {
			var probs []report.RowProblem
			var err error
			rows, probs, err = report.ParseItems(f, name)
			return len(rows), probs, err
		},
		check: func() ([]report.RowProblem, error) { return report.CheckItems(c.ctx, c.book, rows) },
		preview: func() error {
			out := make([][]any, len(rows))
			for i, r := range rows {
				out[i] = append([]any{r.Line}, c.itemRow(r.Item)...)
			}
			return c.list(append([]col{{key: "line"}}, itemCols...), out)
		},
		write: func() (int, error) { return report.ImportItems(c.ctx, c.book, c.user, rows) },
	}
}

// badRows refuses the import: the file and the count, then every bad row with its line,
// in line order.
func (c *call) badRows(path string, probs []report.RowProblem) error {
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Line < probs[j].Line })
	msgs := []message{{"cli.import.refused", map[string]any{"path": path, "count": len(probs)}}}
	for _, p := range probs {
		msgs = append(msgs, message{"cli.import.bad_row", map[string]any{"line": p.Line, "message": p.Message(c.cat)}})
	}
	return &refusal{msgs: msgs}
}

// importRefusal translates a refusal of the whole file or of a row at write time.
func (c *call) importRefusal(path string, err error) error {
	if pe, ok := errors.AsType[*report.ProblemsError](err); ok {
		return c.badRows(path, pe.Problems)
	}
	if ie, ok := errors.AsType[*report.ImportError](err); ok {
		return refuse("cli.import.file_refused", map[string]any{"path": path, "message": report.ImportMessage(c.cat, ie)})
	}
	if _, ok := errors.AsType[*ledger.Error](err); ok {
		return err
	}
	c.log.Warn("import", "path", path, "err", err)
	return refuse("cli.import.cannot_read", map[string]any{"path": path})
}
