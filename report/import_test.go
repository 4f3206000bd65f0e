package report

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// importBook is a new book with a warehouse, a category, an item A001 and a customer
// C01, and its admin.
func importBook(t testing.TB) (*ledger.Book, *ledger.User) {
	t.Helper()
	ctx := t.Context()
	b, err := ledger.Create(ctx, filepath.Join(t.TempDir(), "import.book"), ledger.NewBook{Settings: ledger.Settings{Name: "导入测试店",
		Start: "2025-01", Costing: ledger.CostingMoving, Taxpayer: ledger.TaxpayerGeneral}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	u, err := b.Login(ctx, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddWarehouse(ctx, u, ledger.Warehouse{Code: "W1", Name: "主仓"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddCategory(ctx, u, ledger.Category{Code: "DRINK", Name: "饮料"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddItem(ctx, u, ledger.Item{Code: "A001", Name: "可乐", Unit: "瓶", VAT: 1300, Barcode: "6900000000001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddPartner(ctx, u, ledger.Partner{Code: "C01", Name: "老主顾", Customer: true}); err != nil {
		t.Fatal(err)
	}
	return b, u
}

func allItems(t testing.TB, b *ledger.Book) []ledger.Item {
	t.Helper()
	items, err := b.Items(t.Context(), ledger.ItemFilter{Inactive: true})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// xlsxOf builds a workbook: rows of cell values from A1, then edit changes it further.
func xlsxOf(t testing.TB, rows [][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// problemText is every problem as "line: message" in English.
func problemText(probs []RowProblem) string {
	cat := i18n.For(i18n.EN)
	var s []string
	for _, p := range probs {
		s = append(s, fmt.Sprintf("%d: %s", p.Line, p.Message(cat)))
	}
	return strings.Join(s, "\n")
}

// TestParseItems reads good files of every kind: CSV in UTF-8 with and without a BOM
// and in GBK, English and Chinese headers in any order, and xlsx with numbers,
// percentages and a date typed where a code is expected.
func TestParseItems(t *testing.T) {
	want := []ledger.Item{
		{Code: "G1", Name: "好的", Unit: "个", VAT: 1300, Buy: 2_500_000, Sell: 3_000_000, Active: true},
		{Code: "G2", Name: "雪碧 330ml", Unit: "瓶", Category: "DRINK", VAT: 900, Reorder: 120_000, Active: true},
	}
	zh := "名称,编码,单位,销售价,采购价,税率,类别,最低库存\n好的,G1,个,3,2.5,13%,,\n雪碧 330ml,G2,瓶,,,9,DRINK,12\n"
	en := "Code,Name,Unit,Sell,Buy,VAT,Category,Reorder\nG1,好的,个,3.00,2.50,13,,\nG2,雪碧 330ml,瓶,,,9%,DRINK,12\n"
	for _, tc := range []struct {
		name string
		file string
		data []byte
	}{
		{"chinese header", "a.csv", []byte(zh)},
		{"english header", "a.csv", []byte(en)},
		{"BOM", "a.csv", append([]byte{0xEF, 0xBB, 0xBF}, zh...)},
		{"GBK", "a.csv", gbk(t, zh)},
		{"CRLF and blank lines", "a.csv", []byte(strings.ReplaceAll("\n"+zh+"\n,,\n", "\n", "\r\n"))},
		{"tabs", "a.txt", []byte(strings.ReplaceAll(zh, ",", "\t"))},
		{"xlsx", "a.xlsx", xlsxOf(t, [][]any{
			{"*编码", "名称", "单位", "采购价(元)", "销售价", "税率", "类别", "最低库存"},
			{"G1", "好的", "个", 2.5, 3, 0.13, nil, nil},
			{"G2", "雪碧 330ml", "瓶", nil, nil, 9, "DRINK", 12},
		}, func(f *excelize.File) {
			pct, _ := f.NewStyle(&excelize.Style{NumFmt: 9}) // 0%
			f.SetCellStyle("Sheet1", "F2", "F2", pct)
			money, _ := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
			f.SetCellStyle("Sheet1", "D2", "E2", money)
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, probs, err := ParseItems(bytes.NewReader(tc.data), tc.file)
			if err != nil || len(probs) > 0 {
				t.Fatalf("err %v, problems:\n%s", err, problemText(probs))
			}
			var got []ledger.Item
			for _, r := range rows {
				got = append(got, r.Item)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("items\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestItemRowProblems lists every bad row with its line and reason, and the good rows
// are still read.
func TestItemRowProblems(t *testing.T) {
	csv := "code,name,unit,buy,vat\n" +
		"B1,ok,pcs,1,13\n" + // 2 good
		"B2,,pcs,,\n" + // 3 no name
		"B3,bad price,pcs,abc\n" + // 4 bad number
		"B4,too many,pcs,1,13,x\n" + // 5 more values than columns
		"b1,again,pcs,,\n" + // 6 same code as line 2 (codes are case-insensitive)
		"B5,rate,pcs,,7\n" + // 7 not a VAT rate
		"B6,decimals,pcs,1.1234567,\n" // 8 too many decimals
	rows, probs, err := ParseItems(strings.NewReader(csv), "items.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Item.Code != "B1" || rows[0].Line != 2 {
		t.Errorf("good rows: %+v", rows)
	}
	want := []struct {
		line int
		code string
	}{{3, "field.required"}, {4, "number.malformed"}, {5, "report.import.extra_values"}, {6, "report.import.duplicate"},
		{7, "field.bad_choice"}, {8, "number.decimals"}}
	if len(probs) != len(want) {
		t.Fatalf("problems:\n%s", problemText(probs))
	}
	for i, w := range want {
		if probs[i].Line != w.line || problemCode(probs[i].Err) != w.code {
			t.Errorf("problem %d: line %d %s, want line %d %s", i, probs[i].Line, problemCode(probs[i].Err), w.line, w.code)
		}
	}
	if msg := problemText(probs); !strings.Contains(msg, "6: Code b1 is repeated: it is already on line 2.") {
		t.Errorf("messages:\n%s", msg)
	}

	// Header problems: an unknown column, a repeated one, a missing one.
	_, probs, err = ParseItems(strings.NewReader("编码,名称,售价格,code\nX,Y,1,Z\n"), "h.csv")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, p := range probs {
		codes = append(codes, problemCode(p.Err))
		if p.Line != 1 {
			t.Errorf("header problem on line %d", p.Line)
		}
	}
	if got := strings.Join(codes, " "); got != "report.import.unknown_column report.import.repeated_column report.import.missing_column" {
		t.Errorf("header problems: %s\n%s", got, problemText(probs))
	}
}

func problemCode(err error) string {
	var ie *ImportError
	if errors.As(err, &ie) {
		return ie.Key
	}
	return string(ledger.CodeOf(err))
}

// zipOf writes a zip of the named parts.
func zipOf(t testing.TB, parts map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBrokenFilesWriteNothing: every broken file is refused whole with its message, and
// the book's items are exactly as they were.
func TestBrokenFilesWriteNothing(t *testing.T) {
	b, u := importBook(t)
	before := allItems(t, b)
	good := [][]any{{"编码", "名称", "单位"}, {"N1", "新品", "个"}}
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       string // the ImportError's key
		args       string // a fragment of its English message
	}{
		{"junk named xlsx", "junk.xlsx", bytes.Repeat([]byte{0x8b, 0x1f, 0x00, 0x42}, 750), "report.import.not_xlsx", "not an Excel workbook"},
		{"a zip that is no workbook", "x.xlsx", zipOf(t, map[string][]byte{"hello.txt": []byte("hi")}), "report.import.not_xlsx", ""},
		{"zip bomb", "bomb.xlsx", zipOf(t, map[string][]byte{
			"[Content_Types].xml": []byte("<Types/>"), "xl/worksheets/sheet1.xml": make([]byte, 60<<20)}),
			"report.import.zip_bomb", "more than 50 MB"},
		{"formulas", "f.xlsx", xlsxOf(t, append(good, []any{"N2", "公式", "个"}), func(f *excelize.File) {
			f.SetCellFormula("Sheet1", "D1", `"price"`)
			f.SetCellFormula("Sheet1", "D3", "1+1")
		}), "report.import.formulas", "(D1, D3)"},
		{"merged cells", "m.xlsx", xlsxOf(t, append(good, []any{"N2", "合并", "个"}), func(f *excelize.File) {
			f.MergeCell("Sheet1", "B2", "B3")
		}), "report.import.merged", "(B2:B3)"},
		{"old xls", "old.xls", []byte{0xD0, 0xCF, 0x11, 0xE0}, "report.import.xls", ".xlsx"},
		{"empty", "e.csv", []byte("\n\n"), "report.import.empty", ""},
		{"binary csv", "b.csv", []byte("code,name\x00,unit\n"), "report.import.not_text", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, probs, err := ParseItems(bytes.NewReader(tc.data), tc.file)
			var ie *ImportError
			if !errors.As(err, &ie) || ie.Key != tc.want {
				t.Fatalf("err %v (rows %d, problems %d), want %s", err, len(rows), len(probs), tc.want)
			}
			if msg := ImportMessage(i18n.For(i18n.EN), err); !strings.Contains(msg, tc.args) || strings.Contains(msg, "{") {
				t.Errorf("message %q lacks %q", msg, tc.args)
			}
			if _, err := ImportItems(t.Context(), b, u, rows); err != nil {
				t.Fatal(err)
			}
			if after := allItems(t, b); !reflect.DeepEqual(after, before) {
				t.Errorf("items changed: %d → %d", len(before), len(after))
			}
		})
	}
}

// TestRowCap refuses a sheet with one row more than the cap, in CSV and xlsx, whole.
func TestRowCap(t *testing.T) {
	defer func(n int) { MaxImportRows = n }(MaxImportRows)
	MaxImportRows = 1000
	var csv strings.Builder
	csv.WriteString("code,name,unit\n")
	rows := [][]any{{"code", "name", "unit"}}
	for i := range 1001 {
		fmt.Fprintf(&csv, "R%d,n,个\n", i)
		rows = append(rows, []any{fmt.Sprintf("R%d", i), "n", "个"})
	}
	for name, data := range map[string][]byte{"r.csv": []byte(csv.String()), "r.xlsx": xlsxOf(t, rows, nil)} {
		_, _, err := ParseItems(bytes.NewReader(data), name)
		if problemCode(err) != "report.import.too_many_rows" {
			t.Errorf("%s: %v", name, err)
		}
	}
	// At the cap it is read.
	got, probs, err := ParseItems(bytes.NewReader(xlsxOf(t, rows[:1001], nil)), "ok.xlsx")
	if err != nil || len(probs) > 0 || len(got) != 1000 {
		t.Errorf("1000 rows: %d rows, %v, %s", len(got), err, problemText(probs))
	}
}

// TestMillionRows: an xlsx of 1,000,000 rows, built with the StreamWriter, is refused
// before any cell is read, with nothing written.
func TestMillionRows(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1,000,000-row workbook")
	}
	b, u := importBook(t)
	before := allItems(t, b)
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"编码", "名称", "单位"})
	for i := 2; i <= 1_000_001; i++ {
		if err := sw.SetRow(fmt.Sprintf("A%d", i), []any{i, "n", "个"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	start := time.Now()
	rows, _, err := ParseItems(&buf, "million.xlsx")
	// Its sheet unpacks to more than 50 MB, or, were it smaller, has too many rows:
	// either way it is refused whole, with a message that says which.
	if c := problemCode(err); c != "report.import.zip_bomb" && c != "report.import.too_many_rows" {
		t.Fatalf("err %v", err)
	}
	t.Logf("refused in %v: %s", time.Since(start), ImportMessage(i18n.For(i18n.EN), err))
	if _, err := ImportItems(t.Context(), b, u, rows); err != nil {
		t.Fatal(err)
	}
	if after := allItems(t, b); !reflect.DeepEqual(after, before) {
		t.Errorf("items changed")
	}
}

// TestDatesAsNumbers: a date or a plain number typed where a text is expected reads as
// Excel shows it.
func TestDatesAsNumbers(t *testing.T) {
	data := xlsxOf(t, [][]any{{"编码", "名称", "单位", "规格型号"}, {"D1", 45662, "个", 20250105}}, func(f *excelize.File) {
		date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		f.SetCellStyle("Sheet1", "B2", "B2", date)
	})
	f, _ := excelize.OpenReader(bytes.NewReader(data))
	shown, _ := f.GetCellValue("Sheet1", "B2")
	f.Close()
	rows, probs, err := ParseItems(bytes.NewReader(data), "d.xlsx")
	if err != nil || len(probs) > 0 {
		t.Fatal(err, problemText(probs))
	}
	if got := rows[0].Item; got.Name != shown || got.Name == "45662" || got.Spec != "20250105" {
		t.Errorf("name %q (Excel shows %q), spec %q", got.Name, shown, got.Spec)
	}
}

// TestImportItems writes a good file in one go, and refuses a file whose rows clash
// with the book (a taken code or barcode, an unknown unit or category) with every row
// named and nothing written.
func TestImportItems(t *testing.T) {
	b, u := importBook(t)
	ctx := t.Context()
	before := allItems(t, b)
	bad := "编码,名称,单位,类别,条码\nN1,新品,个,,\nA001,重复,个,,\nN2,无单位,斤两,,\nN3,无类别,个,FOOD,\nN4,条码重,个,,6900000000001\n"
	rows, probs, err := ParseItems(strings.NewReader(bad), "bad.csv")
	if err != nil || len(probs) > 0 {
		t.Fatal(err, problemText(probs))
	}
	probs, err = CheckItems(ctx, b, rows)
	if err != nil {
		t.Fatal(err)
	}
	got := problemText(probs)
	for _, w := range []string{"3: Code A001 already exists.", "4: There is no unit", "5: There is no category", "6: Barcode 6900000000001 already exists."} {
		if !strings.Contains(got, w) {
			t.Errorf("problems lack %q:\n%s", w, got)
		}
	}
	_, err = ImportItems(ctx, b, u, rows)
	var pe *ProblemsError
	if !errors.As(err, &pe) || len(pe.Problems) != 4 {
		t.Fatalf("import: %v", err)
	}
	if after := allItems(t, b); !reflect.DeepEqual(after, before) {
		t.Fatal("a refused import wrote items")
	}

	rows, probs, err = ParseItems(strings.NewReader("code,name,unit,category,sell\nN1,新品,pcs,drink,5\nN2,另一个,箱,,\n"), "good.csv")
	if err != nil || len(probs) > 0 {
		t.Fatal(err, problemText(probs))
	}
	if n, err := ImportItems(ctx, b, u, rows); err != nil || n != 2 {
		t.Fatalf("import: %d, %v", n, err)
	}
	it, err := b.Item(ctx, "N1")
	if err != nil || it.Unit != "个" || it.Category != "DRINK" || it.Sell != 5_000_000 || it.VAT != 1300 {
		t.Errorf("N1: %+v %v", it, err)
	}
	if n := len(allItems(t, b)); n != len(before)+2 {
		t.Errorf("%d items, want %d", n, len(before)+2)
	}
}

// TestImportPartnersAndOpenings: partners with their kinds, then opening balances and
// stock referring to them; a bad opening row writes nothing.
func TestImportPartnersAndOpenings(t *testing.T) {
	b, u := importBook(t)
	ctx := t.Context()
	prs := "编码,名称,客户/供应商,联系人,电话,税号,地址,账期\n" +
		"S01,大批发,供应商,王,138,91310000X,上海,30天\n" +
		"K01,两头做,客户/供应商,,,,,\n" +
		"K02,没类型,,,,,,\n" +
		"K03,坏账期,客户,,,,,abc\n"
	rows, probs, err := ParsePartners(strings.NewReader(prs), "p.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || len(probs) != 2 || probs[0].Line != 4 || probs[1].Line != 5 {
		t.Fatalf("rows %+v\nproblems:\n%s", rows, problemText(probs))
	}
	if p := rows[0].Partner; !p.Supplier || p.Customer || p.TermsDays != 30 || p.TaxID != "91310000X" {
		t.Errorf("S01: %+v", p)
	}
	if n, err := ImportPartners(ctx, b, u, rows); err != nil || n != 2 {
		t.Fatal(n, err)
	}
	if p, err := b.Partner(ctx, "K01"); err != nil || !p.Customer || !p.Supplier {
		t.Errorf("K01: %+v %v", p, err)
	}

	opening := func() ([]ledger.OpeningBalance, []ledger.OpeningStock) {
		bs, ss, err := b.Openings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return bs, ss
	}
	bs0, ss0 := opening()
	badOpen := "科目,往来单位,金额,商品,仓库,数量\n1001,,500,,,\n1122,C01,300,,,\n,,,A001,W9,10\n1001,,1,,,\n"
	orows, probs, err := ParseOpenings(strings.NewReader(badOpen), "o.csv")
	if err != nil {
		t.Fatal(err)
	}
	more, err := CheckOpenings(ctx, b, orows)
	if err != nil {
		t.Fatal(err)
	}
	probs = append(probs, more...)
	if got := problemText(probs); !strings.Contains(got, "5: ") || !strings.Contains(got, "4: ") {
		t.Errorf("problems:\n%s", got)
	}
	if _, err := ImportOpenings(ctx, b, u, orows); err == nil {
		t.Error("an opening with an unknown warehouse imported")
	}
	if bs, ss := opening(); !reflect.DeepEqual(bs, bs0) || !reflect.DeepEqual(ss, ss0) {
		t.Error("a refused opening import wrote")
	}
	good := "account,partner,amount,item,warehouse,qty\n1001,,500,,,\n1122,C01,300,,,\n,,250,A001,W1,10\n"
	orows, probs, err = ParseOpenings(strings.NewReader(good), "o.csv")
	if err != nil || len(probs) > 0 {
		t.Fatal(err, problemText(probs))
	}
	if n, err := ImportOpenings(ctx, b, u, orows); err != nil || n != 3 {
		t.Fatal(n, err)
	}
	bs, ss := opening()
	if len(bs) != len(bs0)+2 || len(ss) != 1 || ss[0].Qty != 100_000 || ss[0].Amount != 25000 {
		t.Errorf("openings: %+v %+v", bs, ss)
	}
	// A write-time refusal (3001 is an equity account with no partner: fine; 5001 a P&L
	// account cannot have a balance) names its line.
	orows, _, _ = ParseOpenings(strings.NewReader("科目,金额\n1002,1\n5001,100\n"), "o.csv")
	_, err = ImportOpenings(ctx, b, u, orows)
	var pe *ProblemsError
	if !errors.As(err, &pe) || len(pe.Problems) != 1 || pe.Problems[0].Line != 3 {
		t.Errorf("refusal: %v", err)
	}
}

// FuzzParseItemsCSV: any bytes give rows, problems or a refusal, never a panic; every
// problem is a refusal the catalog translates.
func FuzzParseItemsCSV(f *testing.F) {
	f.Add([]byte("code,name,unit\nG1,Good one,pcs\nG2,好的,个\n"))                                // good
	f.Add([]byte("编码,名称,单位,税率\nA,\"引号\"\"里\",个,13%\n"))                                        // quotes, percent
	f.Add([]byte("\xef\xbb\xbfcode,name,unit,buy\nB3,bad price,pcs,abc,x\n"))                  // BOM, extra value
	f.Add([]byte("\xb1\xe0\xc2\xeb,\xc3\xfb\xb3\xc6,\xb5\xa5\xce\xbb\nG,\xba\xc3,\xb8\xf6\n")) // GBK
	f.Add([]byte("\xff\xfec\x00o\x00d\x00e\x00\n\x00"))                                        // UTF-16
	f.Add([]byte("code\tname\tunit\n\"unterminated\tx\ty\n"))                                  // tabs, bad quote
	f.Add([]byte(",,,\n\n\r\n"))                                                               // blank
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data, "f.csv")
	})
}

// FuzzParseItemsXLSX: any bytes named .xlsx give rows, problems or a refusal, never a
// panic. Seeds: a good workbook, one with a formula, one with merged cells, and a zip
// that is not a workbook.
func FuzzParseItemsXLSX(f *testing.F) {
	good := [][]any{{"编码", "名称", "单位", "税率"}, {"G1", "好的", "个", 0.13}}
	f.Add(xlsxOf(f, good, nil))
	f.Add(xlsxOf(f, good, func(x *excelize.File) { x.SetCellFormula("Sheet1", "D2", "0.1+0.03") }))
	f.Add(xlsxOf(f, good, func(x *excelize.File) { x.MergeCell("Sheet1", "A2", "B2") }))
	f.Add(zipOf(f, map[string][]byte{"xl/workbook.xml": []byte("<workbook><sheets><sheet r:id=\"x\"/></sheets></workbook>")}))
	f.Add([]byte("PK\x03\x04junk"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data, "f.xlsx")
	})
}

func checkParse(t *testing.T, data []byte, name string) {
	var rows []ItemRow
	var probs []RowProblem
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		rows, probs, err = ParseItems(bytes.NewReader(data), name)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("ParseItems takes more than 10 s")
	}
	cat := i18n.For(i18n.ZH)
	if err != nil {
		var ie *ImportError
		if !errors.As(err, &ie) || !cat.Has(ie.Key) {
			t.Fatalf("refusal %v is not a translated ImportError", err)
		}
		if rows != nil || probs != nil {
			t.Fatal("a refused file gave rows")
		}
		return
	}
	for _, p := range probs {
		var ie *ImportError
		var le *ledger.Error
		switch {
		case errors.As(p.Err, &ie) && cat.Has(ie.Key):
		case errors.As(p.Err, &le) && cat.Has("err."+string(le.Code)):
		default:
			t.Fatalf("problem %v is not translated", p.Err)
		}
		if p.Line < 1 {
			t.Fatalf("problem on line %d", p.Line)
		}
	}
	for _, r := range rows {
		if r.Item.Code == "" || r.Item.Name == "" || r.Item.Unit == "" {
			t.Fatalf("row without code, name or unit: %+v", r)
		}
	}
}

// TestXLSXStoredValues: a number cell is read as shown (its format applied) and by the
// value stored in it, whatever its format, also in a sheet whose rows and cells carry no
// references; a text cell has no stored number.
func TestXLSXStoredValues(t *testing.T) {
	rows := [][]any{{"编码", "名称", "单位", "税率", "进价", "最低库存", "规格"},
		{"A1", true, "个", 0.13, 1234.5, 10, 45662},
		{"A2", "12", "个", 9, 1.0 / 3, -0.5, "t"}}
	data := xlsxOf(t, rows, func(f *excelize.File) {
		pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
		money, _ := f.NewStyle(&excelize.Style{NumFmt: 4})
		zeros, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("000000")})
		date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		f.SetCellStyle("Sheet1", "D2", "D2", pct)
		f.SetCellStyle("Sheet1", "E2", "E3", money)
		f.SetCellStyle("Sheet1", "F2", "F3", zeros)
		f.SetCellStyle("Sheet1", "G2", "G2", date)
	})
	want := [][]cellValue{
		{{"A1", ""}, {"TRUE", "1"}, {"个", ""}, {"13.00%", "13"}, {"1,234.50", "1234.5"}, {"000010", "10"}, {"01-05-25", "45662"}},
		{{"A2", ""}, {"12", ""}, {"个", ""}, {"9", ""}, {"0.33", "0.333333333"}, {"-000001", "-0.5"}, {"t", ""}},
	}
	noRefs := rewriteZip(t, data, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		return regexp.MustCompile(` r="[A-Z]*[0-9]+"`).ReplaceAll(b, nil)
	})
	for name, data := range map[string][]byte{"refs": data, "no refs": noRefs} {
		tb, err := readXLSX(data)
		if err != nil {
			t.Fatal(name, err)
		}
		for r, w := range want {
			if got := tb.records[r].cells; !reflect.DeepEqual(got, w) {
				t.Errorf("%s row %d:\n got %q\nwant %q", name, r+2, got, w)
			}
		}
	}
}

// rewriteZip is data with one part changed by edit.
func rewriteZip(t testing.TB, data []byte, part string, edit func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if parts[f.Name], err = io.ReadAll(rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	parts[part] = edit(parts[part])
	return zipOf(t, parts)
}
