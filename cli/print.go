package cli

import (
	"os"

	"shopbooks/ledger"
	"shopbooks/report"
)

// docPrintCommand is `doc print`: a document as a PDF (送货单 for a delivery), A4 portrait
// or A5 landscape, written to a file (default NUMBER.pdf here) or to stdout with --to -.
func docPrintCommand() command {
	return command{name: "print", usage: "doc print NUMBER [--to FILE.pdf|-] [--size a4|a5]", flags: "to= size=",
		minArgs: 1, maxArgs: 1, book: true, run: docPrint}
}

func docPrint(c *call) error {
	number := docNumberArg(c.args[0])
	size := report.PageA4
	if err := setFrom(c, "size", report.ParsePageSize, &size); err != nil {
		if e, ok := err.(*ledger.Error); ok {
			e.Args["field"] = fieldArg("page_size")
		}
		return err
	}
	pdf, err := report.DocPDF(c.ctx, c.book, c.user, number, size)
	if err != nil {
		return err
	}
	to := c.str("to")
	if to == "-" {
		_, err := c.env.Stdout.Write(pdf)
		return err
	}
	if to == "" {
		to = number + ".pdf"
	}
	if err := os.WriteFile(to, pdf, 0o644); err != nil {
		c.log.Warn("print", "path", to, "err", err)
		return refuse("cli.doc.print_failed", map[string]any{"path": to})
	}
	c.say("cli.doc.printed", map[string]any{"number": number, "path": absPath(to), "size": size.String()})
	return nil
}
