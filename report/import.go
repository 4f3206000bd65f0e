package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// Import of items, partners and opening balances from .xlsx or .csv (ARCHITECTURE.md,
// "Import files"): the first row is a header of English or Chinese column names in any
// order; every other non-blank row is a record. Reading is in three steps so that nothing
// is written while any row is bad:
//
//   - ParseItems (ParsePartners, ParseOpenings) reads the file without the book: a file
//     that cannot be read at all is refused whole (an *ImportError: not an xlsx, too large,
//     a zip bomb, too many rows, formulas, merged cells); otherwise each bad row becomes a
//     RowProblem (a missing column or value, a duplicate code in the file, a bad number).
//   - CheckItems (CheckPartners, CheckOpenings) compares the rows with the book: a code
//     already taken, an unknown unit, category, account, partner, item or warehouse.
//   - ImportItems (ImportPartners, ImportOpenings) writes every row in one transaction
//     (ledger.Book.AddItems, AddPartners, SetOpenings) or none.
//
// An .xlsx is read from its first sheet. Cells are read as Excel shows them where a
// text is expected (a code typed as a date stays the date as shown), and by their value
// where a number is expected (a rate formatted 13% is 13). Formulas and merged cells are
// refused, naming the cells: paste as values and unmerge first. A CSV is UTF-8 (with or
// without a BOM), UTF-16 with a BOM (Excel's "Unicode text"), or GBK/GB18030 when it is
// not valid UTF-8; commas, tabs or semicolons separate the values.

// Limits of an import file: beyond them the file is refused with a message that names
// the limit (tests lower them).
var (
	MaxImportBytes    int64 = 50 << 20 // the file as given
	MaxImportUnzipped int64 = 50 << 20 // an xlsx's parts, uncompressed: a zip bomb stops here
	MaxImportRows           = 100_000  // records below the header
)

// maxZipEntries bounds the parts of an xlsx: a real one has a dozen.
const maxZipEntries = 10_000

// ImportError refuses a whole file: Key is a catalog key (report.import.*) and Args its
// arguments.
type ImportError struct {
	Key  string
	Args map[string]any
}

func (e *ImportError) Error() string { return fmt.Sprintf("import: %s %v", e.Key, e.Args) }

func importErr(key string, kv ...any) *ImportError {
	e := &ImportError{Key: "report.import." + key, Args: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Args[kv[i].(string)] = kv[i+1]
	}
	return e
}

// RowProblem is why one row of an import file cannot be imported. Line is the row's
// line in the file (the header is line 1 of an xlsx; a CSV counts physical lines). Err
// is a *ledger.Error (a bad number, a taken code, ...) or an *ImportError.
type RowProblem struct {
	Line int
	Err  error
}

// Message translates the problem.
func (p RowProblem) Message(cat *i18n.Catalog) string { return ImportMessage(cat, p.Err) }

// ImportMessage translates an import refusal: an *ImportError or a *ledger.Error.
func ImportMessage(cat *i18n.Catalog, err error) string {
	var ie *ImportError
	if errors.As(err, &ie) {
		args := make(map[string]any, len(ie.Args))
		for k, v := range ie.Args {
			args[k] = v
			if s, ok := v.(string); ok && k == "field" && cat.Has("field."+s) {
				args[k] = i18n.Key("field." + s)
			}
		}
		return cat.T(ie.Key, args)
	}
	var le *ledger.Error
	if errors.As(err, &le) {
		return cat.Error(string(le.Code), le.Args)
	}
	return cat.Error(string(ledger.CodeInternal), nil)
}

// ProblemsError refuses an import because of its bad rows: every one is listed.
type ProblemsError struct{ Problems []RowProblem }

func (e *ProblemsError) Error() string { return fmt.Sprintf("import: %d bad rows", len(e.Problems)) }

// --- reading a table -------------------------------------------------------------------

// record is one row of the file: its line and its cells.
type record struct {
	line  int
	cells []cellValue
}

// cellValue is a cell as shown and, for an xlsx number cell, its value.
type cellValue struct {
	shown string
	num   string // the number as a plain decimal ("12.5", "13" for 13%), "" when the cell is not a number
}

type table struct {
	header  []string
	headAt  int
	records []record
}

// readTable reads an .xlsx or a .csv (by name, else by content) into a table.
func readTable(r io.Reader, name string) (*table, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > MaxImportBytes {
		return nil, importErr("too_large", "max", MaxImportBytes>>20)
	}
	ext := strings.ToLower(path.Ext(name))
	switch {
	case ext == ".xlsx" || ext == ".xlsm":
		return readXLSX(data)
	case ext == ".csv" || ext == ".txt" || ext == ".tsv":
		return readCSV(data)
	case ext == ".xls":
		return nil, importErr("xls")
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data)
	}
	return readCSV(data)
}

// --- CSV -------------------------------------------------------------------------------

func readCSV(data []byte) (*table, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		d, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(data)
		if err != nil {
			return nil, importErr("encoding")
		}
		data = d
	case !utf8.Valid(data):
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(d) {
			return nil, importErr("encoding")
		}
		data = d
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, importErr("not_text")
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	switch {
	case bytes.Count(first, []byte("\t")) > bytes.Count(first, []byte(",")):
		cr.Comma = '\t'
	case bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")):
		cr.Comma = ';'
	}
	t := &table{headAt: 0}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, importErr("csv_syntax", "line", pe.Line)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		cells := make([]cellValue, len(rec))
		for i, s := range rec {
			cells[i] = cellValue{shown: s}
		}
		if t.headAt == 0 {
			if blank(cells) {
				continue
			}
			t.headAt, t.header = line, rec
			continue
		}
		if blank(cells) {
			continue
		}
		if len(t.records) >= MaxImportRows {
			return nil, importErr("too_many_rows", "max", MaxImportRows)
		}
		t.records = append(t.records, record{line: line, cells: cells})
	}
	if t.headAt == 0 {
		return nil, importErr("empty")
	}
	return t, nil
}

func blank(cells []cellValue) bool {
	for _, c := range cells {
		if strings.TrimSpace(c.shown) != "" {
			return false
		}
	}
	return true
}

// --- XLSX ------------------------------------------------------------------------------

// readXLSX checks the zip and the first sheet's XML (size, rows, formulas, merged cells)
// before excelize reads the cells.
func readXLSX(data []byte) (*table, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, importErr("not_xlsx")
	}
	if len(zr.File) > maxZipEntries {
		return nil, importErr("zip_bomb", "max", MaxImportUnzipped>>20)
	}
	var total uint64
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(MaxImportUnzipped) {
			return nil, importErr("zip_bomb", "max", MaxImportUnzipped>>20)
		}
		parts[strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))] = f
	}
	sheetPath, err := firstSheetPath(parts)
	if err != nil {
		return nil, err
	}
	// The sheet's stored values are scanned on a goroutine of their own while excelize
	// reads what each cell shows (the two passes take about the same time).
	type scanned struct {
		values map[cellAt]string
		err    error
	}
	scan := make(chan scanned, 1)
	go func() {
		values, err := scanSheet(parts[strings.ToLower(sheetPath)])
		scan <- scanned{values, err}
	}()
	lines, err := shownRows(data)
	sc := <-scan
	if sc.err != nil {
		return nil, sc.err
	}
	if err != nil {
		return nil, err
	}
	t := &table{}
	for i, s := range lines {
		line := i + 1
		cells := make([]cellValue, len(s))
		for i := range s {
			cells[i] = cellValue{shown: s[i], num: numberOf(s[i], sc.values[cellAt{line, i + 1}])}
		}
		if blank(cells) {
			continue
		}
		if t.headAt == 0 {
			t.headAt = line
			for _, c := range cells {
				t.header = append(t.header, c.shown)
			}
			continue
		}
		t.records = append(t.records, record{line: line, cells: cells})
	}
	if len(t.records) > MaxImportRows {
		return nil, importErr("too_many_rows", "max", MaxImportRows)
	}
	if t.headAt == 0 {
		return nil, importErr("empty")
	}
	return t, nil
}

// shownRows is what each cell of the workbook's first sheet shows, row by row (excelize
// formats numbers and dates as Excel would); it refuses a sheet of more than
// MaxImportRows rows of data, counting blank rows, as it reads.
func shownRows(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxImportUnzipped,
		UnzipXMLSizeLimit: min(MaxImportUnzipped, 16<<20)})
	if err != nil {
		return nil, importErr("not_xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, importErr("not_xlsx")
	}
	shown, err := f.Rows(sheets[0])
	if err != nil {
		return nil, importErr("not_xlsx")
	}
	defer shown.Close()
	var lines [][]string
	for shown.Next() {
		if len(lines) > MaxImportRows+1 {
			return nil, importErr("too_many_rows", "max", MaxImportRows)
		}
		s, err := shown.Columns()
		if err != nil {
			return nil, importErr("not_xlsx")
		}
		lines = append(lines, s)
	}
	if err := shown.Error(); err != nil {
		return nil, importErr("not_xlsx")
	}
	return lines, nil
}

// numberOf is a number cell's value as a plain decimal: rounded to 9 decimals (what a
// float carries of a typed value), ×100 when Excel shows it as a percentage. "" when
// the raw value is not a number (a text cell).
func numberOf(shown, raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == shown {
		return ""
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return ""
	}
	if strings.HasSuffix(strings.TrimSpace(shown), "%") {
		f *= 100
	}
	s := strconv.FormatFloat(f, 'f', 9, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// firstSheetPath finds the first sheet's part through xl/workbook.xml and its
// relationships.
func firstSheetPath(parts map[string]*zip.File) (string, error) {
	var wb struct {
		Sheets []struct {
			ID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readXMLPart(parts["xl/workbook.xml"], &wb); err != nil || len(wb.Sheets) == 0 {
		return "", importErr("not_xlsx")
	}
	if err := readXMLPart(parts["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		return "", importErr("not_xlsx")
	}
	for _, r := range rels.Rels {
		if r.ID != wb.Sheets[0].ID {
			continue
		}
		p := strings.TrimPrefix(r.Target, "/")
		if !strings.HasPrefix(p, "xl/") {
			p = path.Join("xl", p)
		}
		if parts[strings.ToLower(p)] == nil {
			break
		}
		return p, nil
	}
	return "", importErr("not_xlsx")
}

func readXMLPart(f *zip.File, v any) error {
	if f == nil {
		return errors.New("missing part")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, MaxImportUnzipped)).Decode(v)
}

// maxNamedCells is how many formula or merged cells a refusal names.
const maxNamedCells = 10

// cellAt is a cell's row and column, from 1.
type cellAt struct{ row, col int }

// scanSheet streams the sheet's XML once: it counts the rows, finds formulas and merged
// cells, and keeps the value of every cell that is not a text (a number, a boolean, an
// error): the value as stored, which readXLSX compares with the value as shown (one
// pass of excelize's reader for both). A part longer than its declared size fails in
// archive/zip's reader.
func scanSheet(f *zip.File) (map[cellAt]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, importErr("not_xlsx")
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, MaxImportUnzipped+1))
	var rows, lastRow, col int
	var cell string
	var formulas, merged []string
	values := map[cellAt]string{}
	var value *strings.Builder // the <v> of a cell whose value is kept, while it is read
	keep := false              // the current cell is not a text: its <v> is kept
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, importErr("not_xlsx")
		}
		switch tok := tok.(type) {
		case xml.CharData:
			if value != nil {
				value.Write(tok)
			}
			continue
		case xml.EndElement:
			if tok.Name.Local == "v" && value != nil {
				values[cellAt{lastRow, col}] = value.String()
				value = nil
			}
			continue
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "row":
			rows++
			if r, err := strconv.Atoi(attr(se, "r")); err == nil {
				lastRow = r
			} else {
				lastRow++
			}
			col = 0
			if rows > MaxImportRows+1 || lastRow > MaxImportRows+1 {
				return nil, importErr("too_many_rows", "max", MaxImportRows)
			}
		case "c":
			cell = attr(se, "r")
			col++
			if cell != "" {
				if c, _, err := excelize.CellNameToCoordinates(cell); err == nil {
					col = c
				}
			}
			switch attr(se, "t") {
			case "s", "inlineStr", "str", "d":
				keep = false
			default:
				keep = true
			}
		case "v":
			if keep {
				value = &strings.Builder{}
			}
		case "f":
			if len(formulas) < maxNamedCells+1 {
				formulas = append(formulas, cell)
			}
		case "mergeCell":
			if len(merged) < maxNamedCells+1 {
				merged = append(merged, attr(se, "ref"))
			}
		}
	}
	switch {
	case len(formulas) > 0:
		return nil, importErr("formulas", "cells", cellList(formulas))
	case len(merged) > 0:
		return nil, importErr("merged", "cells", cellList(merged))
	}
	return values, nil
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func cellList(cells []string) string {
	if len(cells) > maxNamedCells {
		return strings.Join(cells[:maxNamedCells], ", ") + ", …"
	}
	return strings.Join(cells, ", ")
}

// --- columns ---------------------------------------------------------------------------

// importColumn is a column an import reads: its key (the field name of ledger's refusals) and
// the header names it answers to, English and Chinese.
type importColumn struct {
	key      string
	names    string // "|"-separated
	number   bool   // read by value
	required bool   // the header must have it
}

// headerKey normalises a header cell: full width to ASCII, lower case, no spaces,
// underscores or required marks, no unit in brackets ("采购价(元)").
func headerKey(s string) string {
	s = strings.ToLower(ledger.Normalize(s))
	for _, open := range []string{"(", "（", "["} {
		if i := strings.Index(s, open); i > 0 {
			s = s[:i]
		}
	}
	return strings.NewReplacer(" ", "", "_", "", "-", "", "*", "", "＊", "", "\u3000", "").Replace(s)
}

// rowReader reads the cells of one record by column key.
type rowReader struct {
	idx   map[string]int
	cols  map[string]importColumn
	rec   record
	probs *[]RowProblem
	bad   bool
}

// mapHeader finds each column in the header; unknown, repeated and missing required
// columns are problems of line 1 (of the header's line).
func mapHeader(t *table, cols []importColumn) (map[string]int, []RowProblem) {
	byName := map[string]string{}
	known := make([]string, 0, len(cols))
	for _, c := range cols {
		for n := range strings.SplitSeq(c.names, "|") {
			byName[headerKey(n)] = c.key
		}
		first, _, _ := strings.Cut(c.names, "|")
		known = append(known, first)
	}
	idx := map[string]int{}
	var probs []RowProblem
	for i, h := range t.header {
		if strings.TrimSpace(h) == "" {
			continue
		}
		k, ok := byName[headerKey(h)]
		switch {
		case !ok:
			probs = append(probs, RowProblem{t.headAt, importErr("unknown_column", "importColumn", h, "known", strings.Join(known, ", "))})
		case idx[k] != 0:
			probs = append(probs, RowProblem{t.headAt, importErr("repeated_column", "importColumn", h)})
		default:
			idx[k] = i + 1 // 1-based: 0 is absent
		}
	}
	for _, c := range cols {
		if c.required && idx[c.key] == 0 {
			probs = append(probs, RowProblem{t.headAt, importErr("missing_column", "field", c.key,
				"names", strings.ReplaceAll(c.names, "|", " / "))})
		}
	}
	return idx, probs
}

func newRowReader(idx map[string]int, cols []importColumn, t *table, rec record, probs *[]RowProblem) *rowReader {
	m := make(map[string]importColumn, len(cols))
	for _, c := range cols {
		m[c.key] = c
	}
	r := &rowReader{idx: idx, cols: m, rec: rec, probs: probs}
	if n := len(t.header); len(rec.cells) > n {
		for _, c := range rec.cells[n:] {
			if strings.TrimSpace(c.shown) != "" {
				r.fail(importErr("extra_values", "values", len(rec.cells), "columns", n))
				break
			}
		}
	}
	return r
}

// has tells whether the file has the column.
func (r *rowReader) has(key string) bool { return r.idx[key] != 0 }

// text is the cell as shown, trimmed; a number column gives the cell's value.
func (r *rowReader) text(key string) string {
	i := r.idx[key] - 1
	if i < 0 || i >= len(r.rec.cells) {
		return ""
	}
	c := r.rec.cells[i]
	if r.cols[key].number && c.num != "" {
		return c.num
	}
	return strings.TrimSpace(c.shown)
}

func (r *rowReader) fail(err error) {
	if err == nil {
		return
	}
	r.bad = true
	*r.probs = append(*r.probs, RowProblem{Line: r.rec.line, Err: err})
}

// required reads a text that must not be empty.
func (r *rowReader) required(key string) string {
	s := r.text(key)
	if s == "" {
		r.fail(ledgerRefusal(ledger.CodeRequired, "field", key))
	}
	return s
}

// ledgerRefusal makes the ledger's refusal for a check the import makes itself (the
// ledger makes the same when it writes).
func ledgerRefusal(code ledger.Code, kv ...any) *ledger.Error {
	e := &ledger.Error{Code: code, Args: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Args[kv[i].(string)] = kv[i+1]
	}
	return e
}

func (r *rowReader) price(key string) ledger.Price {
	s := r.text(key)
	if s == "" {
		return 0
	}
	v, err := ledger.ParsePrice(key, s)
	r.fail(err)
	return v
}

func (r *rowReader) money(key string) ledger.Money {
	s := r.text(key)
	if s == "" {
		return 0
	}
	v, err := ledger.ParseMoney(key, s)
	r.fail(err)
	return v
}

func (r *rowReader) qty(key string) ledger.Qty {
	s := r.text(key)
	if s == "" {
		return 0
	}
	v, err := ledger.ParseQty(key, s, false)
	r.fail(err)
	return v
}

// yesNo reads a switch: 是/否, yes/no, y/n, true/false, 1/0, √/×; empty is no.
func (r *rowReader) yesNo(key string) bool {
	s := strings.ToLower(ledger.Normalize(r.text(key)))
	switch s {
	case "", "否", "no", "n", "false", "0", "×", "x":
		return false
	case "是", "yes", "y", "true", "1", "√", "✓":
		return true
	}
	r.fail(ledgerRefusal(ledger.CodeBadChoice, "field", key, "value", s, "choices", "是/否, yes/no"))
	return false
}

// codeKey is a code as the book compares it: normalised, case-insensitive.
func codeKey(s string) string { return strings.ToUpper(ledger.Normalize(s)) }

// --- items -----------------------------------------------------------------------------

// ItemRow is one item read from an import file. HasVAT is false when the file gives no
// rate: the import uses the book's default (13%, or a small taxpayer's levy rate).
type ItemRow struct {
	Line   int
	Item   ledger.Item
	HasVAT bool
}

var itemColumns = []importColumn{
	{key: "code", names: "code|编码|商品编码|货号|代码|item code|编号", required: true},
	{key: "name", names: "name|名称|商品名称|品名|item name", required: true},
	{key: "unit", names: "unit|单位|计量单位", required: true},
	{key: "spec", names: "spec|规格型号|规格|型号|specification"},
	{key: "category", names: "category|类别|分类|商品类别|类别编码"},
	{key: "barcode", names: "barcode|条码|条形码"},
	{key: "vat", names: "vat|税率|增值税率|vat rate|tax rate", number: true},
	{key: "buy", names: "buy|采购价|进价|参考进价|buy price|purchase price", number: true},
	{key: "sell", names: "sell|销售价|售价|零售价|sell price|sale price", number: true},
	{key: "reorder", names: "reorder|最低库存|安全库存|min stock|reorder level", number: true},
	{key: "mnemonic", names: "mnemonic|助记码"},
	{key: "ref_cost", names: "ref_cost|参考成本|ref cost|reference cost", number: true},
	{key: "other_business", names: "other_business|其他业务|other business"},
}

// ParseItems reads items from an .xlsx or .csv named name (the name's extension picks
// the format). err is a refusal of the whole file (*ImportError) or a read failure;
// problems lists every bad row, and rows every good one.
func ParseItems(r io.Reader, name string) (rows []ItemRow, problems []RowProblem, err error) {
	t, err := readTable(r, name)
	if err != nil {
		return nil, nil, err
	}
	idx, problems := mapHeader(t, itemColumns)
	if len(problems) > 0 {
		return nil, problems, nil
	}
	codes, barcodes := map[string]int{}, map[string]int{}
	for _, rec := range t.records {
		rr := newRowReader(idx, itemColumns, t, rec, &problems)
		it := ledger.Item{Active: true, VAT: 1300}
		it.Code = rr.required("code")
		it.Name = rr.required("name")
		it.Unit = rr.required("unit")
		it.Spec, it.Category, it.Barcode, it.Mnemonic = rr.text("spec"), rr.text("category"), rr.text("barcode"), rr.text("mnemonic")
		hasVAT := rr.text("vat") != ""
		if hasVAT {
			v, err := ledger.ParseRate("vat", rr.text("vat"))
			if err == nil && !validVAT(v) {
				err = ledgerRefusal(ledger.CodeBadChoice, "field", "vat", "value", rr.text("vat"), "choices", "13, 9, 6, 5, 3, 1, 0")
			}
			rr.fail(err)
			it.VAT = v
		}
		it.Buy, it.Sell, it.RefCost = rr.price("buy"), rr.price("sell"), rr.price("ref_cost")
		it.Reorder = rr.qty("reorder")
		it.OtherBusiness = rr.yesNo("other_business")
		if it.Code != "" {
			if first, dup := codes[codeKey(it.Code)]; dup {
				rr.fail(importErr("duplicate", "field", "code", "value", it.Code, "first", first))
			} else {
				codes[codeKey(it.Code)] = rec.line
			}
		}
		if it.Barcode != "" {
			if first, dup := barcodes[codeKey(it.Barcode)]; dup {
				rr.fail(importErr("duplicate", "field", "barcode", "value", it.Barcode, "first", first))
			} else {
				barcodes[codeKey(it.Barcode)] = rec.line
			}
		}
		if !rr.bad {
			rows = append(rows, ItemRow{Line: rec.line, Item: it, HasVAT: hasVAT})
		}
	}
	return rows, problems, nil
}

func validVAT(v ledger.Rate) bool {
	for _, r := range ledger.VATRates {
		if r == v {
			return true
		}
	}
	return false
}

// CheckItems compares the rows with the book: a code or barcode it already has, a unit
// or category it does not.
func CheckItems(ctx context.Context, b *ledger.Book, rows []ItemRow) ([]RowProblem, error) {
	items, err := b.Items(ctx, ledger.ItemFilter{Inactive: true})
	if err != nil {
		return nil, err
	}
	taken, takenBar := map[string]bool{}, map[string]bool{}
	for _, it := range items {
		taken[codeKey(it.Code)] = true
		if it.Barcode != "" {
			takenBar[codeKey(it.Barcode)] = true
		}
	}
	units, err := b.Units(ctx)
	if err != nil {
		return nil, err
	}
	unitOK := map[string]bool{}
	for _, u := range units {
		if u.Active {
			unitOK[ledger.Normalize(u.Name)] = true
			if u.NameEN != "" {
				unitOK[strings.ToLower(ledger.Normalize(u.NameEN))] = true
			}
		}
	}
	cats, err := b.Categories(ctx)
	if err != nil {
		return nil, err
	}
	catOK := map[string]bool{}
	for _, c := range cats {
		catOK[codeKey(c.Code)] = true
	}
	var probs []RowProblem
	for _, r := range rows {
		it := r.Item
		if taken[codeKey(it.Code)] {
			probs = append(probs, RowProblem{r.Line, ledgerRefusal(ledger.CodeCodeTaken, "field", "code", "value", it.Code)})
		}
		if it.Barcode != "" && takenBar[codeKey(it.Barcode)] {
			probs = append(probs, RowProblem{r.Line, ledgerRefusal(ledger.CodeCodeTaken, "field", "barcode", "value", it.Barcode)})
		}
		u := ledger.Normalize(it.Unit)
		if !unitOK[u] && !unitOK[strings.ToLower(u)] {
			probs = append(probs, RowProblem{r.Line, ledgerRefusal(ledger.CodeUnknownUnit, "field", "unit", "value", it.Unit)})
		}
		if it.Category != "" && !catOK[codeKey(it.Category)] {
			probs = append(probs, RowProblem{r.Line, ledgerRefusal(ledger.CodeUnknownCategory, "field", "category", "value", it.Category)})
		}
	}
	return probs, nil
}

// ImportItems checks the rows against the book and adds them all in one transaction
// (ledger.Book.AddItems), or none: a refusal of any row is a *ProblemsError naming its
// line.
func ImportItems(ctx context.Context, b *ledger.Book, by *ledger.User, rows []ItemRow) (int, error) {
	probs, err := CheckItems(ctx, b, rows)
	if err != nil {
		return 0, err
	}
	if len(probs) > 0 {
		return 0, &ProblemsError{probs}
	}
	s, err := b.Settings(ctx)
	if err != nil {
		return 0, err
	}
	items := make([]ledger.Item, len(rows))
	for i, r := range rows {
		items[i] = r.Item
		if !r.HasVAT && s.Taxpayer == ledger.TaxpayerSmall {
			items[i].VAT = s.LevyRate
		}
	}
	return len(items), rowRefusal(b.AddItems(ctx, by, items), len(rows), func(i int) int { return rows[i].Line })
}

// rowRefusal turns a batch write's refusal naming a row index (Args["row"]) into a
// *ProblemsError naming the row's line.
func rowRefusal(err error, n int, line func(int) int) error {
	var le *ledger.Error
	if err == nil || !errors.As(err, &le) {
		return err
	}
	i, ok := le.Args["row"].(int)
	if !ok || i < 0 || i >= n {
		return err
	}
	args := make(map[string]any, len(le.Args))
	for k, v := range le.Args {
		if k != "row" {
			args[k] = v
		}
	}
	return &ProblemsError{[]RowProblem{{Line: line(i), Err: &ledger.Error{Code: le.Code, Args: args}}}}
}

// --- partners --------------------------------------------------------------------------

// PartnerRow is one customer or supplier read from an import file.
type PartnerRow struct {
	Line    int
	Partner ledger.Partner
}

var partnerColumns = []importColumn{
	{key: "code", names: "code|编码|往来单位编码|客户编码|供应商编码|代码|编号", required: true},
	{key: "name", names: "name|名称|往来单位名称|单位名称|客户名称|供应商名称", required: true},
	{key: "kind", names: "kind|客户/供应商|类型|往来类型|单位类型|type"},
	{key: "customer", names: "customer|客户|是否客户"},
	{key: "supplier", names: "supplier|供应商|是否供应商"},
	{key: "contact", names: "contact|联系人"},
	{key: "phone", names: "phone|电话|联系电话|手机"},
	{key: "tax_id", names: "tax_id|税号|纳税人识别号|tax id"},
	{key: "address", names: "address|地址"},
	{key: "terms", names: "terms|账期|账期天数|信用天数|terms days|terms_days", number: true},
	{key: "mnemonic", names: "mnemonic|助记码"},
}

// ParsePartners reads customers and suppliers: 编码 名称 客户/供应商 (客户, 供应商 or
// 客户/供应商; or separate 客户 and 供应商 columns of 是/否) 联系人 电话 税号 地址 账期.
func ParsePartners(r io.Reader, name string) (rows []PartnerRow, problems []RowProblem, err error) {
	t, err := readTable(r, name)
	if err != nil {
		return nil, nil, err
	}
	idx, problems := mapHeader(t, partnerColumns)
	if idx["kind"] == 0 && idx["customer"] == 0 && idx["supplier"] == 0 {
		problems = append(problems, RowProblem{t.headAt, importErr("missing_column", "field", "kind", "names", "客户/供应商 / kind")})
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	codes := map[string]int{}
	for _, rec := range t.records {
		rr := newRowReader(idx, partnerColumns, t, rec, &problems)
		p := ledger.Partner{Active: true}
		p.Code = rr.required("code")
		p.Name = rr.required("name")
		if rr.has("kind") {
			k := rr.text("kind")
			c, s, ok := partnerKind(k)
			switch {
			case k == "" && !rr.has("customer") && !rr.has("supplier"):
				rr.fail(ledgerRefusal(ledger.CodeRequired, "field", "kind"))
			case k != "" && !ok:
				rr.fail(ledgerRefusal(ledger.CodeBadChoice, "field", "kind", "value", k, "choices", "客户, 供应商, 客户/供应商 (customer, supplier, both)"))
			}
			p.Customer, p.Supplier = c, s
		}
		if rr.has("customer") {
			p.Customer = p.Customer || rr.yesNo("customer")
		}
		if rr.has("supplier") {
			p.Supplier = p.Supplier || rr.yesNo("supplier")
		}
		if !rr.bad && !p.Customer && !p.Supplier {
			rr.fail(ledgerRefusal(ledger.CodeRequired, "field", "kind"))
		}
		p.Contact, p.Phone, p.TaxID, p.Address, p.Mnemonic = rr.text("contact"), rr.text("phone"), rr.text("tax_id"), rr.text("address"), rr.text("mnemonic")
		if s := strings.TrimSpace(strings.TrimRight(strings.ToLower(ledger.Normalize(rr.text("terms"))), "天days ")); s != "" {
			n, err := strconv.Atoi(s)
			switch {
			case err != nil:
				rr.fail(ledgerRefusal(ledger.CodeNumberMalformed, "field", "terms", "value", rr.text("terms")))
			case n < 0:
				rr.fail(ledgerRefusal(ledger.CodeNumberNegative, "field", "terms", "value", rr.text("terms")))
			case n > 3650:
				rr.fail(ledgerRefusal(ledger.CodeNumberTooBig, "field", "terms", "value", rr.text("terms")))
			}
			p.TermsDays = n
		}
		if p.Code != "" {
			if first, dup := codes[codeKey(p.Code)]; dup {
				rr.fail(importErr("duplicate", "field", "code", "value", p.Code, "first", first))
			} else {
				codes[codeKey(p.Code)] = rec.line
			}
		}
		if !rr.bad {
			rows = append(rows, PartnerRow{Line: rec.line, Partner: p})
		}
	}
	return rows, problems, nil
}

// partnerKind reads 客户 / 供应商 / 客户/供应商 (or customer, supplier, both, C, S, CS).
func partnerKind(s string) (customer, supplier, ok bool) {
	k := strings.ToLower(strings.NewReplacer(" ", "", "、", "/", "，", "/", ",", "/", "+", "/", "&", "/", "和", "/").Replace(ledger.Normalize(s)))
	switch k {
	case "客户", "customer", "c":
		return true, false, true
	case "供应商", "supplier", "s":
		return false, true, true
	case "客户/供应商", "供应商/客户", "both", "customer/supplier", "supplier/customer", "cs", "c/s", "两者", "客商":
		return true, true, true
	}
	return false, false, false
}

// CheckPartners compares the rows with the book: a code it already has.
func CheckPartners(ctx context.Context, b *ledger.Book, rows []PartnerRow) ([]RowProblem, error) {
	ps, err := b.Partners(ctx, ledger.PartnerFilter{Inactive: true})
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, p := range ps {
		taken[codeKey(p.Code)] = true
	}
	var probs []RowProblem
	for _, r := range rows {
		if taken[codeKey(r.Partner.Code)] {
			probs = append(probs, RowProblem{r.Line, ledgerRefusal(ledger.CodeCodeTaken, "field", "code", "value", r.Partner.Code)})
		}
	}
	return probs, nil
}

// ImportPartners checks the rows and adds them all in one transaction
// (ledger.Book.AddPartners), or none.
func ImportPartners(ctx context.Context, b *ledger.Book, by *ledger.User, rows []PartnerRow) (int, error) {
	probs, err := CheckPartners(ctx, b, rows)
	if err != nil {
		return 0, err
	}
	if len(probs) > 0 {
		return 0, &ProblemsError{probs}
	}
	ps := make([]ledger.Partner, len(rows))
	for i, r := range rows {
		ps[i] = r.Partner
	}
	return len(ps), rowRefusal(b.AddPartners(ctx, by, ps), len(rows), func(i int) int { return rows[i].Line })
}

// --- opening balances ------------------------------------------------------------------

// OpeningRow is one opening balance (Account set: 科目 往来单位 金额, the amount on the
// account's normal side, and the year-to-date movements when the book starts after
// January) or one opening stock line (Item set: 商品 仓库 数量 金额).
type OpeningRow struct {
	Line                        int
	Account, Partner            string
	Amount, YTDDebit, YTDCredit ledger.Money
	Item, Warehouse             string
	Qty                         ledger.Qty
}

var openingColumns = []importColumn{
	{key: "account", names: "account|科目|科目编码|科目代码"},
	{key: "partner", names: "partner|往来单位|往来单位编码|客户/供应商"},
	{key: "amount", names: "amount|金额|期初余额|余额|期初金额", number: true, required: true},
	{key: "ytd_debit", names: "ytd_debit|本年累计借方|累计借方|ytd debit", number: true},
	{key: "ytd_credit", names: "ytd_credit|本年累计贷方|累计贷方|ytd credit", number: true},
	{key: "item", names: "item|商品|商品编码"},
	{key: "warehouse", names: "warehouse|仓库|仓库编码"},
	{key: "qty", names: "qty|数量|quantity|期初数量", number: true},
}

// ParseOpenings reads opening balances and opening stock: a row with an account is a
// balance, a row with an item a stock line; one file may hold both.
func ParseOpenings(r io.Reader, name string) (rows []OpeningRow, problems []RowProblem, err error) {
	t, err := readTable(r, name)
	if err != nil {
		return nil, nil, err
	}
	idx, problems := mapHeader(t, openingColumns)
	if idx["account"] == 0 && idx["item"] == 0 {
		problems = append(problems, RowProblem{t.headAt, importErr("missing_column", "field", "account", "names", "科目 / account")})
	}
	if idx["item"] != 0 && (idx["warehouse"] == 0 || idx["qty"] == 0) {
		problems = append(problems, RowProblem{t.headAt, importErr("missing_column", "field", "warehouse", "names", "仓库 / warehouse, 数量 / qty")})
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	seen := map[string]int{}
	for _, rec := range t.records {
		rr := newRowReader(idx, openingColumns, t, rec, &problems)
		o := OpeningRow{Line: rec.line, Account: rr.text("account"), Partner: rr.text("partner"), Item: rr.text("item"),
			Warehouse: rr.text("warehouse")}
		var key string
		switch {
		case o.Account != "" && o.Item != "":
			rr.fail(importErr("account_or_item"))
		case o.Account == "" && o.Item == "":
			rr.fail(ledgerRefusal(ledger.CodeRequired, "field", "account"))
		case o.Account != "":
			o.Amount = rr.money("amount")
			o.YTDDebit, o.YTDCredit = rr.money("ytd_debit"), rr.money("ytd_credit")
			key = "A " + codeKey(o.Account) + " " + codeKey(o.Partner)
		default:
			o.Warehouse = rr.required("warehouse")
			o.Qty = rr.qty("qty")
			o.Amount = rr.money("amount")
			if o.Amount < 0 {
				rr.fail(ledgerRefusal(ledger.CodeNumberNegative, "field", "amount", "value", rr.text("amount")))
			}
			key = "S " + codeKey(o.Item) + " " + codeKey(o.Warehouse)
		}
		if key != "" {
			if first, dup := seen[key]; dup {
				v := o.Account
				if o.Item != "" {
					v = o.Item + " / " + o.Warehouse
				} else if o.Partner != "" {
					v += " / " + o.Partner
				}
				rr.fail(importErr("duplicate", "field", "account", "value", v, "first", first))
			} else {
				seen[key] = rec.line
			}
		}
		if !rr.bad {
			rows = append(rows, o)
		}
	}
	return rows, problems, nil
}

// CheckOpenings compares the rows with the book: an account, partner, item or
// warehouse it does not have.
func CheckOpenings(ctx context.Context, b *ledger.Book, rows []OpeningRow) ([]RowProblem, error) {
	var probs []RowProblem
	known := map[string]bool{}
	exists := func(kind, code string, look func() error) error {
		k := kind + " " + codeKey(code)
		if known[k] {
			return nil
		}
		err := look()
		if err == nil {
			known[k] = true
		}
		return err
	}
	for _, r := range rows {
		var errs []error
		if r.Account != "" {
			errs = append(errs, exists("a", r.Account, func() error { _, err := b.Account(ctx, r.Account); return err }))
		}
		if r.Partner != "" {
			errs = append(errs, exists("p", r.Partner, func() error { _, err := b.Partner(ctx, r.Partner); return err }))
		}
		if r.Item != "" {
			errs = append(errs, exists("i", r.Item, func() error { _, err := b.Item(ctx, r.Item); return err }),
				exists("w", r.Warehouse, func() error { _, err := b.Warehouse(ctx, r.Warehouse); return err }))
		}
		for _, err := range errs {
			var le *ledger.Error
			switch {
			case err == nil:
			case errors.As(err, &le):
				probs = append(probs, RowProblem{r.Line, err})
			default:
				return nil, err
			}
		}
	}
	return probs, nil
}

// ImportOpenings checks the rows and sets them all in one transaction
// (ledger.Book.SetOpenings), or none.
func ImportOpenings(ctx context.Context, b *ledger.Book, by *ledger.User, rows []OpeningRow) (int, error) {
	probs, err := CheckOpenings(ctx, b, rows)
	if err != nil {
		return 0, err
	}
	if len(probs) > 0 {
		return 0, &ProblemsError{probs}
	}
	var bals []ledger.OpeningBalance
	var stock []ledger.OpeningStock
	var balLines, stockLines []int
	for _, r := range rows {
		if r.Item != "" {
			stock = append(stock, ledger.OpeningStock{Item: r.Item, Warehouse: r.Warehouse, Qty: r.Qty, Amount: r.Amount})
			stockLines = append(stockLines, r.Line)
			continue
		}
		bals = append(bals, ledger.OpeningBalance{Account: r.Account, Partner: r.Partner, Amount: r.Amount,
			YTDDebit: r.YTDDebit, YTDCredit: r.YTDCredit})
		balLines = append(balLines, r.Line)
	}
	lines := append(balLines, stockLines...)
	return len(rows), rowRefusal(b.SetOpenings(ctx, by, bals, stock), len(lines), func(i int) int { return lines[i] })
}
