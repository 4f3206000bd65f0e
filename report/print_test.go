package report

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"shopbooks/ledger"
)

// printBook is DOMAIN.md §8's shop with a clerk, 王芳, who makes and audits documents.
func printBook(tb testing.TB) (*ledger.Book, *ledger.User) {
	tb.Helper()
	ctx := tb.Context()
	b, err := ledger.Create(ctx, filepath.Join(tb.TempDir(), "shop.book"), ledger.NewBook{Settings: ledger.Settings{
		Name: "恒达便利店", Start: "2025-01", Costing: ledger.CostingMoving, Taxpayer: ledger.TaxpayerGeneral}},
		slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { b.Close() })
	admin, err := b.Login(ctx, "admin", "")
	if err != nil {
		tb.Fatal(err)
	}
	must := func(_ any, err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(b.AddItem(ctx, admin, ledger.Item{Code: "A", Name: "洗衣液2kg", Unit: "瓶", VAT: 1300}))
	must(b.AddItem(ctx, admin, ledger.Item{Code: "B", Name: "抽纸", Unit: "提", VAT: 1300}))
	must(b.AddItem(ctx, admin, ledger.Item{Code: "C", Unit: "箱", VAT: 1300,
		Name: "特大号加厚型家用厨房专用多功能清洁湿巾（柠檬香型，每箱二十四包装）"}))
	must(b.AddWarehouse(ctx, admin, ledger.Warehouse{Code: "W1", Name: "主仓"}))
	must(b.AddWarehouse(ctx, admin, ledger.Warehouse{Code: "W2", Name: "门店"}))
	must(b.AddPartner(ctx, admin, ledger.Partner{Code: "C2", Name: "阳光幼儿园", Customer: true,
		Contact: "李老师", Phone: "0571-8888 6666", Address: "杭州市西湖区文三路 88 号"}))
	must(b.AddPartner(ctx, admin, ledger.Partner{Code: "S1", Name: "华新日化批发部", Supplier: true}))
	for _, s := range []struct {
		item  string
		qty   int64
		money ledger.Money
	}{{"A", 3000, 6_000_000}, {"B", 5000, 2_500_000}, {"C", 100, 500_000}} {
		if err := b.SetOpeningStock(ctx, admin, s.item, "W1", ledger.Units(s.qty), s.money); err != nil {
			tb.Fatal(err)
		}
	}
	must(b.AddUser(ctx, admin, "王芳", ledger.RoleClerk, "pw"))
	u, err := b.Login(ctx, "王芳", "pw")
	if err != nil {
		tb.Fatal(err)
	}
	return b, u
}

// delivery is XS-202501-0003 of DOMAIN.md §8: A 100 × 32.00 less 5%, B 200 × 8.00, 13% VAT,
// G 5,243.20; here it is the book's first delivery, XS-202501-0001.
func delivery(tb testing.TB, b *ledger.Book, u *ledger.User) ledger.Doc {
	tb.Helper()
	d, err := b.SaveAndAuditDoc(tb.Context(), u, ledger.Doc{Type: ledger.DocDelivery, Date: "2025-01-15", Partner: "C2",
		Warehouse: "W1", Memo: "请于下午三点前送达", Lines: []ledger.DocLine{
			{Item: "A", Qty: ledger.Units(100), Price: 32_000_000, UseItemVAT: true, DiscountRate: 500},
			{Item: "B", Qty: ledger.Units(200), Price: 8_000_000, UseItemVAT: true},
		}})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// pdfText is the PDF's text as `pdftotext -layout` reads it; pages end with a form feed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils): cannot read the PDF back")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// keep writes the PDF, and a PNG of its first page when pdftoppm is there, to the test's
// artifact directory (kept with `go test -artifacts`) for a person to look at.
func keep(t *testing.T, name string, pdf []byte) {
	t.Helper()
	dir := t.ArtifactDir()
	path := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		return
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "60", path, filepath.Join(dir, name)).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
}

func TestDocPDFDelivery(t *testing.T) {
	b, u := printBook(t)
	d := delivery(t, b, u)
	if d.Number != "XS-202501-0001" || d.Gross != 524320 {
		t.Fatalf("delivery %s G %s, want XS-202501-0001 G 5243.20", d.Number, d.Gross)
	}
	for _, size := range []PageSize{PageA4, PageA5} {
		t.Run(size.String(), func(t *testing.T) {
			pdf, err := DocPDF(t.Context(), b, u, "xs-202501-0001", size)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
			}
			// Subsetting keeps a page small although the CJK font is 4 MB.
			if len(pdf) > 200_000 {
				t.Errorf("one page is %d bytes: the font is not subset", len(pdf))
			}
			t.Logf("%s: %d bytes", size, len(pdf))
			keep(t, "delivery-"+size.String(), pdf)
			text := pdfText(t, pdf)
			for _, want := range []string{"恒达便利店", "送货单", "XS-202501-0001", "2025-01-15", "C2 阳光幼儿园", "W1 主仓",
				"已审核", "洗衣液2kg", "抽纸", "3,040.00", "395.20", "3,435.20", "1,600.00", "4,640.00", "603.20",
				"5,243.20", "伍仟贰佰肆拾叁元贰角", "5%", "13%", "应收：5,243.20", "制单：", "王芳", "送货人", "收货人签字",
				"请于下午三点前送达", "李老师", "第 1 页 / 共 1 页"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s PDF lacks %q; its text:\n%s", size, want, text)
				}
			}
			if strings.Count(text, "\f") != 1 {
				t.Errorf("%s: %d pages, want 1", size, strings.Count(text, "\f"))
			}
		})
	}
}

// TestDocPDFPages prints a 60-line delivery: it flows onto further pages, each with the
// heading and the table header, every line once, the totals on the last page only.
func TestDocPDFPages(t *testing.T) {
	b, u := printBook(t)
	var lines []ledger.DocLine
	for i := range 60 {
		lines = append(lines, ledger.DocLine{Item: []string{"A", "B"}[i%2], Qty: ledger.Units(int64(i + 1)),
			Price: 10_000_000, UseItemVAT: true})
	}
	lines[59].Item = "C" // a name too long for its column: cut with …
	d, err := b.SaveAndAuditDoc(t.Context(), u, ledger.Doc{Type: ledger.DocDelivery, Date: "2025-01-20", Partner: "C2",
		Warehouse: "W1", Lines: lines})
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []PageSize{PageA4, PageA5} {
		t.Run(size.String(), func(t *testing.T) {
			pdf, err := DocPDF(t.Context(), b, u, d.Number, size)
			if err != nil {
				t.Fatal(err)
			}
			keep(t, "long-"+size.String(), pdf)
			pages := strings.Split(strings.TrimSuffix(pdfText(t, pdf), "\f"), "\f")
			if len(pages) < 2 {
				t.Fatalf("%s: 60 lines on %d page(s)", size, len(pages))
			}
			t.Logf("%s: %d pages, %d bytes", size, len(pages), len(pdf))
			seen := map[string]int{}
			for i, p := range pages {
				for _, want := range []string{"送货单", d.Number, "行号", "价税合计", fmt.Sprintf("第 %d 页 / 共 %d 页", i+1, len(pages))} {
					if !strings.Contains(p, want) {
						t.Errorf("%s page %d lacks %q:\n%s", size, i+1, want, p)
					}
				}
				last := i == len(pages)-1
				if strings.Contains(p, "金额大写") != last || strings.Contains(p, "收货人签字") != last {
					t.Errorf("%s page %d of %d: totals and signatures belong on the last page only:\n%s", size, i+1, len(pages), p)
				}
				for row := range strings.Lines(p) {
					f := strings.Fields(row)
					if len(f) > 3 && (f[1] == "A" || f[1] == "B" || f[1] == "C") {
						seen[f[0]]++
					}
				}
			}
			if !strings.Contains(pages[len(pages)-1], "特大号加厚型") || !strings.Contains(pages[len(pages)-1], "…") {
				t.Errorf("%s: the long name is not cut with …:\n%s", size, pages[len(pages)-1])
			}
			for i := 1; i <= 60; i++ {
				if seen[fmt.Sprint(i)] != 1 {
					t.Errorf("%s: line %d printed %d times", size, i, seen[fmt.Sprint(i)])
				}
			}
		})
	}
}

// TestDocPDFTypes prints a document of each layout: transfer, count, other-out, receipt,
// customer receipt and expense, with their own columns.
func TestDocPDFTypes(t *testing.T) {
	b, u := printBook(t)
	ctx := t.Context()
	admin, err := b.Login(ctx, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	delivery(t, b, u)
	for _, tc := range []struct {
		doc    ledger.Doc
		want   []string
		status string // "" audits the document; "draft" saves it; "voided" voids the draft
	}{
		{ledger.Doc{Type: ledger.DocSO, Date: "2025-01-14", Partner: "C2", Lines: []ledger.DocLine{
			{Item: "A", Qty: ledger.Units(100), Price: 32_000_000, UseItemVAT: true, DiscountRate: 500}}},
			[]string{"销售订单", "草稿", "3,040.00", "叁仟肆佰叁拾伍元贰角", "制单：", "经手人"}, "draft"},
		{ledger.Doc{Type: ledger.DocSReturn, Date: "2025-01-18", Partner: "C2", Warehouse: "W1", Lines: []ledger.DocLine{
			{Item: "B", Qty: ledger.Units(10), Price: 8_000_000, UseItemVAT: true}}},
			[]string{"销售退货单", "已作废", "90.40", "冲减应收：90.40"}, "voided"},
		{ledger.Doc{Type: ledger.DocTransfer, Date: "2025-01-09", Warehouse: "W1", ToWarehouse: "W2",
			Lines: []ledger.DocLine{{Item: "B", Qty: ledger.Units(400)}}},
			[]string{"调拨单", "调出仓库：W1 主仓", "调入仓库：W2 门店", "400", "经手人"}, ""},
		{ledger.Doc{Type: ledger.DocReceipt, Date: "2025-01-05", Partner: "S1", Warehouse: "W1", Inclusive: true,
			Deductible: true, Account: "1002", Lines: []ledger.DocLine{{Item: "B", Qty: ledger.Units(600), Price: 6_200_000, UseItemVAT: true}}},
			[]string{"采购入库单", "供应商：S1 华新日化批发部", "含税单价", "6.20", "3,720.00", "1002 银行存款", "专用发票", "付款：3,720.00"}, ""},
		{ledger.Doc{Type: ledger.DocOtherOut, Date: "2025-01-27", Warehouse: "W1",
			Lines: []ledger.DocLine{{Item: "A", Qty: ledger.Units(2), Memo: "样品"}}},
			[]string{"其他出库单", "对方科目：560199", "样品"}, ""},
		{ledger.Doc{Type: ledger.DocCollect, Date: "2025-01-26", Partner: "C2", Account: "1002", Amount: 600000,
			Applied: 524320, Advance: 75680},
			[]string{"收款单", "收款金额", "1002 银行存款", "6,000.00", "冲应收账款", "5,243.20", "转预收款", "756.80", "陆仟元整"}, ""},
		{ledger.Doc{Type: ledger.DocExpense, Date: "2025-01-25", Account: "1002", Paid: 301250, Lines: []ledger.DocLine{
			{Account: "560206", Memo: "一月房租", Net: 300000}, {Account: "560302", Memo: "手续费", Net: 1250}}},
			[]string{"费用单", "560206", "一月房租", "3,000.00", "12.50", "3,012.50", "叁仟零壹拾贰元伍角"}, ""},
		{ledger.Doc{Type: ledger.DocCount, Date: "2025-01-28", Warehouse: "W1", Lines: []ledger.DocLine{
			{Item: "A", Qty: ledger.Units(2895)}, {Item: "B", Qty: ledger.Units(4600)}}},
			[]string{"盘点单", "账面数量", "实盘数量", "差异", "2,898", "2,895", "-3", "5,000", "4,600", "-400"}, ""},
	} {
		t.Run(string(tc.doc.Type), func(t *testing.T) {
			var d ledger.Doc
			var err error
			if tc.status == "" {
				d, err = b.SaveAndAuditDoc(ctx, admin, tc.doc)
			} else {
				d, err = b.SaveDoc(ctx, admin, tc.doc)
			}
			if err == nil && tc.status == "voided" {
				err = b.VoidDoc(ctx, admin, d.Number)
			}
			if err != nil {
				t.Fatal(err)
			}
			pdf, err := DocPDF(ctx, b, u, d.Number, PageA5)
			if err != nil {
				t.Fatal(err)
			}
			keep(t, string(d.Type), pdf)
			text := pdfText(t, pdf)
			if tc.status == "" {
				tc.want = append(tc.want, "已审核")
			}
			for _, want := range append(tc.want, d.Number, "第 1 页 / 共 1 页") {
				if !strings.Contains(text, want) {
					t.Errorf("%s lacks %q:\n%s", d.Number, want, text)
				}
			}
		})
	}
}

func TestDocPDFRefusals(t *testing.T) {
	b, u := printBook(t)
	delivery(t, b, u)
	_, err := DocPDF(t.Context(), b, &ledger.User{Name: "nobody"}, "XS-202501-0001", PageA4)
	var e *ledger.Error
	if !errors.As(err, &e) || e.Code != ledger.CodeForbidden || e.Args["action"] != "doc.print" {
		t.Errorf("a user without doc.view: %v, want forbidden doc.print", err)
	}
	if _, err := DocPDF(t.Context(), b, u, "XS-202501-0099", PageA4); ledger.CodeOf(err) != ledger.CodeUnknownDoc {
		t.Errorf("unknown number: %v, want %s", err, ledger.CodeUnknownDoc)
	}
}

// TestDocPDFConcurrent prints from several goroutines: the parsed fonts are shared.
func TestDocPDFConcurrent(t *testing.T) {
	b, u := printBook(t)
	delivery(t, b, u)
	var wg sync.WaitGroup
	sizes := make([]int, 8)
	for i := range sizes {
		wg.Go(func() {
			pdf, err := DocPDF(t.Context(), b, u, "XS-202501-0001", PageSize(i%2))
			if err != nil {
				t.Error(err)
			}
			sizes[i] = len(pdf)
		})
	}
	wg.Wait()
	for i := 2; i < len(sizes); i++ {
		if sizes[i] != sizes[i%2] {
			t.Errorf("print %d: %d bytes, print %d: %d", i, sizes[i], i%2, sizes[i%2])
		}
	}
}

func TestParsePageSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want PageSize
		ok   bool
	}{
		{"a4", PageA4, true}, {"A5", PageA5, true}, {" a5 ", PageA5, true}, {"Ａ４", PageA4, true},
		{"a3", 0, false}, {"", 0, false}, {"letter", 0, false},
	} {
		got, err := ParsePageSize(tc.in)
		if tc.ok && (err != nil || got != tc.want) {
			t.Errorf("ParsePageSize(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if !tc.ok && ledger.CodeOf(err) != ledger.CodeBadChoice {
			t.Errorf("ParsePageSize(%q) = %v, %v; want %s", tc.in, got, err, ledger.CodeBadChoice)
		}
		if tc.ok {
			if back, _ := ParsePageSize(got.String()); back != got {
				t.Errorf("%v does not read back from %q", got, got.String())
			}
		}
	}
}

// BenchmarkDocPDF prints the two-line delivery on A4.
func BenchmarkDocPDF(b *testing.B) {
	book, u := printBook(b)
	d := delivery(b, book, u)
	for b.Loop() {
		if _, err := DocPDF(b.Context(), book, u, d.Number, PageA4); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPaginate checks the page split for any length: every row once, in order, no page
// over its capacity, the last page with room for the totals and at least one row.
func TestPaginate(t *testing.T) {
	f := &form{cols: []column{colNo, colName}, total: []string{"合计", ""}, words: "壹元整", extra: []field{{label: "应收"}},
		head: []field{{"客户", "C2", 2}, {"日期", "2025-01-15", 1}, {"单号", "XS-202501-0001", 1}}}
	for _, size := range []PageSize{PageA4, PageA5} {
		l := newLayout(&printer{g: geometries[size]}, f)
		body := l.g.page.H - l.g.bottom - l.footerH() - l.headH
		for n := 1; n <= 200; n++ {
			pages := l.paginate(n)
			next := 0
			for i, p := range pages {
				rows := float64(p[1]-p[0]) * l.g.row
				if p[0] != next || p[1] <= p[0] || rows > body ||
					(i == len(pages)-1 && rows+l.trailerHeight() > body) {
					t.Fatalf("%s, %d rows: pages %v", size, n, pages)
				}
				next = p[1]
			}
			if next != n {
				t.Fatalf("%s, %d rows: pages %v", size, n, pages)
			}
		}
	}
}
