package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
	"shopbooks/report"
)

// The statements: `report tb|bs|pl|stock|aging --period YYYY-MM`. JSON is one object
// (ARCHITECTURE.md): kind, period, provisional, shop, its lines — each with its line
// number, code, name (Chinese, as the form prints it), name_en and one decimal string per
// column ("end", "year_start"; "ytd", "month"; "opening_debit" …) — and its checks. The
// table prints the form's heading, the lines in the user's language, and the checks; an
// open period is marked 未结账（预览） / "not closed: provisional" in every format.

// builder makes one kind of statement.
type builder func(ctx context.Context, b *ledger.Book, by *ledger.User, p ledger.Period) (report.Statement, error)

var reportKinds = []struct {
	kind  string
	build builder
}{
	{report.KindTrialBalance, report.TrialBalance},
	{report.KindBalanceSheet, report.BalanceSheet},
	{report.KindProfit, report.ProfitStatement},
	{report.KindStock, report.StockSummary},
	{report.KindAging, report.Aging},
}

func reportCommands() []command {
	var out []command
	for _, k := range reportKinds {
		out = append(out, command{name: k.kind, usage: "report " + k.kind + " --period YYYY-MM [--xlsx FILE]",
			flags: "period= xlsx=", required: "period", book: true, run: func(c *call) error { return runReport(c, k.build) }})
	}
	// Sales gross profit (销售毛利) of a month or a range of months, by item, category or
	// customer; its margin column ("margin") is a percentage ("34.27" in JSON and CSV).
	out = append(out, command{name: report.KindGross, usage: "report gross --period YYYY-MM [--from YYYY-MM] [--by item|category|customer] [--xlsx FILE]",
		flags: "period= from= by= xlsx=", required: "period", book: true, run: func(c *call) error {
			return runReport(c, func(ctx context.Context, b *ledger.Book, by *ledger.User, p ledger.Period) (report.Statement, error) {
				var from ledger.Period
				if c.has("from") {
					f, err := ledger.ParsePeriod("from", c.str("from"))
					if err != nil {
						return report.Statement{}, err
					}
					if f > p {
						return report.Statement{}, &ledger.Error{Code: ledger.CodeBadChoice, Args: map[string]any{"field": fieldArg("from"),
							"value": string(f), "choices": "≤ " + string(p)}}
					}
					from = f
				}
				breakdown := report.GrossByItem
				if c.has("by") {
					breakdown = c.str("by")
					if !slices.Contains(report.GrossByValues, breakdown) {
						return report.Statement{}, &ledger.Error{Code: ledger.CodeBadChoice, Args: map[string]any{"field": fieldArg("by"),
							"value": breakdown, "choices": strings.Join(report.GrossByValues, ", ")}}
					}
				}
				return report.GrossProfit(ctx, b, by, from, p, breakdown)
			})
		}})
	return out
}

func runReport(c *call, build builder) error {
	p, err := ledger.ParsePeriod("period", c.str("period"))
	if err != nil {
		return err
	}
	st, err := build(c.ctx, c.book, c.user, p)
	if err != nil {
		return err
	}
	if c.has("xlsx") {
		return c.writeStatementXLSX(st, c.str("xlsx"))
	}
	switch c.format {
	case "json":
		return writeStatementJSON(c.env.Stdout, st)
	case "csv":
		return c.writeCSV(c.env.Stdout, statementCols(st, true), statementRows(st, true))
	}
	return c.writeStatementTable(st)
}

// statementCols are the keys of a line: line, code, name, name_en (level in the trial
// balance), the statement's columns, then the formula where the form has them.
func statementCols(st report.Statement, all bool) []col {
	cols := []col{{key: "line"}, {key: "code"}, {key: "name"}, {key: "name_en"}}
	if st.Kind == report.KindTrialBalance {
		cols = append(cols, col{key: "level"})
	}
	for _, k := range st.Columns {
		cols = append(cols, col{key: k.Key})
	}
	if all && (st.Kind == report.KindBalanceSheet || st.Kind == report.KindProfit) {
		cols = append(cols, col{key: "formula"})
	}
	return cols
}

// statementRows are the lines' values in statementCols' order: money and quantities as
// decimal strings, a quantity a total leaves out as null.
func statementRows(st report.Statement, all bool) [][]any {
	rows := make([][]any, len(st.Lines))
	for i, l := range st.Lines {
		r := []any{l.No, l.Code, l.Name, l.NameEN}
		if st.Kind == report.KindTrialBalance {
			r = append(r, l.Level)
		}
		for j, k := range st.Columns {
			switch {
			case k.Qty && l.Qtys == nil:
				r = append(r, null{})
			case k.Qty:
				r = append(r, l.Qtys[j])
			default:
				r = append(r, l.Cols[j])
			}
		}
		if all && (st.Kind == report.KindBalanceSheet || st.Kind == report.KindProfit) {
			r = append(r, l.Formula)
		}
		rows[i] = r
	}
	return rows
}

func writeStatementJSON(w io.Writer, st report.Statement) error {
	var b bytes.Buffer
	head := []col{{key: "kind"}, {key: "period"}, {key: "provisional"}, {key: "previewed"}, {key: "shop"}}
	vals := []any{st.Kind, string(st.Period), st.Provisional, st.Previewed, st.Shop}
	if st.Kind == report.KindGross {
		head = append(head, col{key: "from"}, col{key: "by"})
		vals = append(vals, string(st.From), st.By)
	}
	writeObject(&b, head, vals, "")
	b.Truncate(b.Len() - 2) // reopen the object: "\n}"
	b.WriteString(",\n  \"lines\": [")
	cols, rows := statementCols(st, true), statementRows(st, true)
	for i, r := range rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    ")
		writeObject(&b, cols, r, "    ")
	}
	b.WriteString("\n  ],\n  \"checks\": [")
	for i, ch := range st.Checks {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    ")
		writeObject(&b, []col{{key: "name"}, {key: "ok"}, {key: "detail"}}, []any{ch.Name, ch.OK, ch.Detail}, "    ")
	}
	b.WriteString("\n  ]\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// heading is the form's title block: the statement's name (and form number), the shop,
// the period and the unit, and the provisional mark of an open period.
func (c *call) heading(st report.Statement) []string {
	title := c.t("report.kind." + st.Kind)
	if k := "report.form." + st.Kind; c.cat.Has(k) {
		title += "    " + c.t(k)
	}
	if st.Kind == report.KindGross {
		title += "    " + c.t("report.gross.by."+st.By)
	}
	info := []string{c.t("report.shop", map[string]any{"name": st.Shop}), c.t("report.period", map[string]any{"period": st.Span()}),
		c.t("report.unit")}
	if st.Provisional {
		if st.Kind == report.KindGross {
			info = append(info, c.t("report.provisional.cost"))
		} else if st.Previewed {
			info = append(info, c.t("report.provisional"))
		} else {
			info = append(info, c.t("report.provisional.posted"))
		}
	}
	return []string{title, strings.Join(info, "    ")}
}

// writeStatementTable prints the heading, the lines aligned (names in the user's
// language, amounts with thousands separators, a trial balance's accounts indented by
// level) and the checks.
func (c *call) writeStatementTable(st report.Statement) error {
	var b strings.Builder
	for _, h := range c.heading(st) {
		b.WriteString(h + "\n")
	}
	b.WriteString("\n")
	first, second := "report.col.line", "report.col.name"
	switch st.Kind {
	case report.KindTrialBalance:
		first, second = "report.col.account", "report.col.account_name"
	case report.KindStock:
		first, second = "report.col.item", "report.col.item_name"
	case report.KindAging:
		first, second = "report.col.partner", "report.col.partner_name"
	case report.KindGross:
		first, second = report.GrossColumns(st.By)
	}
	head := []string{c.t(first), c.t(second)}
	right := []bool{st.Kind == report.KindBalanceSheet || st.Kind == report.KindProfit, false}
	for _, k := range st.Columns {
		head = append(head, c.t("report.col."+k.Key))
		right = append(right, true)
	}
	var cells [][]string
	for _, l := range st.Lines {
		name := l.Name
		if c.lang == i18n.EN && l.NameEN != "" {
			name = l.NameEN
		}
		first := l.Code
		switch st.Kind {
		case report.KindBalanceSheet, report.KindProfit:
			first = fmt.Sprint(l.No)
		case report.KindTrialBalance:
			name = strings.Repeat("  ", max(l.Level-1, 0)) + name
		}
		r := []string{first, name}
		for j, k := range st.Columns {
			switch {
			case k.Qty && l.Qtys == nil:
				r = append(r, "")
			case k.Qty:
				r = append(r, l.Qtys[j].String())
			case k.Pct:
				r = append(r, report.FormatPct(l.Cols[j]))
			default:
				r = append(r, l.Cols[j].Format())
			}
		}
		cells = append(cells, r)
	}
	if err := writeTable(&b, head, cells, right); err != nil {
		return err
	}
	if len(st.Checks) > 0 {
		b.WriteString("\n" + c.t("report.checks") + "\n")
		for _, ch := range st.Checks {
			mark := c.t("report.check.ok")
			if !ch.OK {
				mark = c.t("report.check.failed")
			}
			name := ch.Name
			if k := "report.check." + ch.Name; c.cat.Has(k) {
				name = c.t(k)
			}
			fmt.Fprintf(&b, "  [%s] %s  %s\n", mark, name, ch.Detail)
		}
	}
	_, err := io.WriteString(c.env.Stdout, b.String())
	return err
}

// writeStatementXLSX writes the statement as a workbook of one sheet (report.XLSX).
func (c *call) writeStatementXLSX(st report.Statement, path string) error {
	if err := c.book.Export(c.ctx, c.user, ledger.ExportStatements, st.Kind+" "+string(st.Period)); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := report.XLSX(&b, st); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		c.log.Warn("report xlsx", "path", path, "err", err)
		return refuse("report.xlsx.failed", map[string]any{"path": path})
	}
	c.say("report.xlsx.written", map[string]any{"kind": i18n.Key("report.kind." + st.Kind), "path": absPath(path)})
	return nil
}
