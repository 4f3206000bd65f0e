package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"shopbooks/ledger"
)

// Output: every listing is a set of rows of named columns, written as a table aligned
// for CJK (translated headers), a JSON array of objects (English snake_case keys in the
// columns' order, numbers of money, price and quantity as decimal strings) or CSV (a
// header row of the same keys).

// col is one output column: its English key and whether the table shows it (JSON and
// CSV always carry every column).
type col struct {
	key  string
	wide bool // JSON and CSV only: the table leaves it out
}

// choice is a coded value: JSON and CSV show the code, the table its translation.
type choice struct {
	key, code string
}

// indent is a name shown indented by its level in the table (the chart of accounts).
type indent struct {
	text  string
	level int
}

// null is an absent value: JSON null, empty elsewhere.
type null struct{}

// list writes rows (one value per column) in the chosen format.
func (c *call) list(cols []col, rows [][]any) error {
	w := c.env.Stdout
	switch c.format {
	case "json":
		var b bytes.Buffer
		b.WriteString("[")
		for i, r := range rows {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n  ")
			writeObject(&b, cols, r, "  ")
		}
		if len(rows) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("]\n")
		_, err := w.Write(b.Bytes())
		return err
	case "csv":
		return c.writeCSV(w, cols, rows)
	}
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, c.t("cli.none"))
		return err
	}
	var keep []int
	for i, k := range cols {
		if !k.wide {
			keep = append(keep, i)
		}
	}
	head := make([]string, len(keep))
	for j, i := range keep {
		head[j] = c.header(cols[i].key)
	}
	cells := make([][]string, len(rows))
	right := make([]bool, len(keep))
	for r, row := range rows {
		cells[r] = make([]string, len(keep))
		for j, i := range keep {
			cells[r][j] = c.tableCell(row[i])
			if isNumber(row[i]) {
				right[j] = true
			}
		}
	}
	return writeTable(w, head, cells, right)
}

// record writes one record: a two-column table of names and values, a JSON object, or
// CSV with one row.
func (c *call) record(cols []col, row []any) error {
	w := c.env.Stdout
	switch c.format {
	case "json":
		var b bytes.Buffer
		writeObject(&b, cols, row, "")
		b.WriteString("\n")
		_, err := w.Write(b.Bytes())
		return err
	case "csv":
		return c.writeCSV(w, cols, [][]any{row})
	}
	var cells [][]string
	for i, k := range cols {
		cells = append(cells, []string{c.header(k.key), c.tableCell(row[i])})
	}
	return writeTable(w, nil, cells, nil)
}

// header translates a column key: cli.col.<key>, else the field name field.<key>.
func (c *call) header(key string) string {
	if k := "cli.col." + key; c.cat.Has(k) {
		return c.t(k)
	}
	if k := "field." + key; c.cat.Has(k) {
		return c.t(k)
	}
	return key
}

func (c *call) writeCSV(w io.Writer, cols []col, rows [][]any) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(cols))
	for i, k := range cols {
		head[i] = k.key
	}
	cw.Write(head)
	for _, r := range rows {
		rec := make([]string, len(cols))
		for i := range cols {
			rec[i] = plainCell(r[i])
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// writeObject writes {"key": value, ...} in the columns' order, indented two spaces
// below pad.
func writeObject(b *bytes.Buffer, cols []col, row []any, pad string) {
	b.WriteString("{")
	for i, k := range cols {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n" + pad + "  ")
		b.Write(jsonValue(k.key))
		b.WriteString(": ")
		b.Write(jsonValue(row[i]))
	}
	b.WriteString("\n" + pad + "}")
}

func jsonValue(v any) []byte {
	switch x := v.(type) {
	case nil, null:
		return []byte("null")
	case bool, int, int64:
		out, _ := json.Marshal(x)
		return out
	case choice:
		v = x.code
	case indent:
		v = x.text
	case time.Time:
		if x.IsZero() {
			return []byte("null")
		}
		v = x.Format(time.RFC3339)
	case fmt.Stringer:
		v = x.String()
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return bytes.TrimRight(b.Bytes(), "\n")
}

// plainCell is a value as CSV shows it.
func plainCell(v any) string {
	switch x := v.(type) {
	case nil, null:
		return ""
	case bool:
		return strconv.FormatBool(x)
	case choice:
		return x.code
	case indent:
		return x.text
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.Format(time.RFC3339)
	case string:
		return x
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// tableCell is a value as the table shows it, translated where it is a word.
func (c *call) tableCell(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return c.t("cli.yes")
		}
		return c.t("cli.no")
	case choice:
		if c.cat.Has(x.key) {
			return c.t(x.key)
		}
		return x.code
	case indent:
		return strings.Repeat("  ", max(x.level-1, 0)) + x.text
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.Local().Format("2006-01-02 15:04:05")
	}
	return plainCell(v)
}

func isNumber(v any) bool {
	switch v.(type) {
	case int, int64, ledger.Money, ledger.Qty, ledger.Price, ledger.Rate:
		return true
	}
	return false
}

// displayWidth counts the terminal columns of s: East Asian wide and full-width runes
// take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// writeTable aligns the cells in columns two spaces apart; right-aligned columns are
// marked in right. head may be nil.
func writeTable(w io.Writer, head []string, cells [][]string, right []bool) error {
	all := cells
	if head != nil {
		all = append([][]string{head}, cells...)
	}
	var widths []int
	for _, r := range all {
		for i, s := range r {
			s = oneLine(s)
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(s))
		}
	}
	var b strings.Builder
	for _, r := range all {
		var line strings.Builder
		for i, s := range r {
			s = oneLine(s)
			pad := strings.Repeat(" ", widths[i]-displayWidth(s))
			if i > 0 {
				line.WriteString("  ")
			}
			if i < len(right) && right[i] {
				line.WriteString(pad + s)
			} else {
				line.WriteString(s + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// oneLine keeps a cell on its line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
}

// say prints a confirmation on stdout (table format only: JSON and CSV stay parseable).
func (c *call) say(key string, args map[string]any) {
	if c.format == "table" {
		fmt.Fprintln(c.env.Stdout, c.t(key, args))
	}
}
