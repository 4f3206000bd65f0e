package ledger

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// The speed targets of issue 3, on a generated book of a shop with 10,000 items and
// 2,000 partners, made through the services (one transaction and fsync per write) once
// per `go test` run and copied for each benchmark.
const (
	benchItems    = 10_000
	benchPartners = 2_000
)

var (
	benchBrands   = []string{"蓝月亮", "立白", "奥妙", "雕牌", "汰渍", "云南白药", "高露洁", "舒肤佳", "农夫山泉", "康师傅", "统一", "可口可乐", "百事", "伊利", "蒙牛", "旺旺", "海天", "李锦记", "金龙鱼", "鲁花"}
	benchProducts = []string{"洗衣液", "洗洁精", "牙膏", "香皂", "矿泉水", "方便面", "绿茶", "可乐", "纯牛奶", "酸奶", "饼干", "酱油", "蚝油", "食用油", "花生油", "洗发水", "沐浴露", "纸巾", "垃圾袋", "电池", "雪饼", "醋", "料酒", "味精", "白糖"}
	benchSizes    = []string{"500ml", "1L", "2kg", "330ml", "100g", "5L", "250g", "12包", "24瓶", "1.8L"}
	benchUnits    = []string{"瓶", "袋", "箱", "包", "盒", "桶", "支", "块"}
	benchCities   = []string{"城东", "城西", "南门", "北关", "新村", "河口", "桥头", "中街"}
	benchShops    = []string{"超市", "便利店", "批发部", "商行", "副食店", "日化店", "粮油店", "小卖部"}
)

func benchItem(i int) Item {
	brand := benchBrands[i%len(benchBrands)]
	prod := benchProducts[(i/len(benchBrands))%len(benchProducts)]
	size := benchSizes[(i/7)%len(benchSizes)]
	return Item{
		Code:     fmt.Sprintf("A%05d", i),
		Name:     fmt.Sprintf("%s%s %s", brand, prod, size),
		Unit:     benchUnits[i%len(benchUnits)],
		Category: fmt.Sprintf("C%d", i%10),
		Barcode:  fmt.Sprintf("69%011d", 1_000_003*int64(i)%100_000_000_000),
		VAT:      VATRates[i%3],
		Buy:      Price(1_000_000 + int64(i)*1_370%50_000_000),
		Sell:     Price(1_500_000 + int64(i)*1_910%70_000_000),
		Reorder:  Units(int64(i % 20)),
	}
}

func benchPartner(i int) Partner {
	return Partner{
		Code:      fmt.Sprintf("P%04d", i),
		Name:      fmt.Sprintf("%s%s%s %d", benchCities[i%len(benchCities)], benchBrands[(i/8)%len(benchBrands)], benchShops[(i/3)%len(benchShops)], i),
		Customer:  i%3 != 0,
		Supplier:  i%3 != 1,
		Phone:     fmt.Sprintf("138%08d", i*7919%100_000_000),
		TermsDays: 30 * (i % 3),
	}
}

// bigBook builds the generated book once per run.
var bigBook = sync.OnceValues(func() (string, error) {
	dir, err := runTempDir("shopbooks-bench-*")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "shop.book")
	ctx := context.Background()
	b, err := Create(ctx, path, testNewBook(TaxpayerGeneral), discardLog)
	if err != nil {
		return "", err
	}
	defer b.Close()
	admin, err := b.Login(ctx, "admin", "")
	if err != nil {
		return "", err
	}
	for i := range 10 {
		if _, err := b.AddCategory(ctx, admin, Category{Code: fmt.Sprintf("C%d", i), Name: benchProducts[i]}); err != nil {
			return "", err
		}
	}
	for _, code := range []string{"W1", "W2", "W3"} {
		if _, err := b.AddWarehouse(ctx, admin, Warehouse{Code: code, Name: "仓库" + code}); err != nil {
			return "", err
		}
	}
	for i := range benchItems {
		if _, err := b.AddItem(ctx, admin, benchItem(i)); err != nil {
			return "", fmt.Errorf("item %d: %w", i, err)
		}
	}
	for i := range benchPartners {
		if _, err := b.AddPartner(ctx, admin, benchPartner(i)); err != nil {
			return "", fmt.Errorf("partner %d: %w", i, err)
		}
	}
	return path, nil
})

// copyBigBook gives the benchmark its own copy of the generated book.
func copyBigBook(b *testing.B) string {
	b.Helper()
	src, err := bigBook()
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "shop.book")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// reportTimes reports the median and 95th percentile of the per-call times, and the
// target (when > 0), in ms.
func reportTimes(b *testing.B, times []time.Duration, targetMS float64) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(times[len(times)/2]), "median-ms")
	b.ReportMetric(ms(times[len(times)*95/100]), "p95-ms")
	if targetMS > 0 {
		b.ReportMetric(targetMS, "target-ms")
	}
}

// BenchmarkOpenFirstScreen: open the book and read what the first screen shows — the
// settings, the whole item list and the partners. Target: under 100 ms. The parts are
// reported too (open-ms, items-ms, partners-ms: medians).
func BenchmarkOpenFirstScreen(b *testing.B) {
	path := copyBigBook(b)
	ctx := b.Context()
	var times, opens, lists, partnerLists []time.Duration
	for b.Loop() {
		start := time.Now()
		book, err := Open(ctx, path, discardLog)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := book.Settings(ctx); err != nil {
			b.Fatal(err)
		}
		opened := time.Now()
		items, err := book.Items(ctx, ItemFilter{})
		if err != nil || len(items) != benchItems {
			b.Fatalf("%d items, %v", len(items), err)
		}
		listed := time.Now()
		partners, err := book.Partners(ctx, PartnerFilter{})
		if err != nil || len(partners) != benchPartners {
			b.Fatalf("%d partners, %v", len(partners), err)
		}
		end := time.Now()
		times = append(times, end.Sub(start))
		opens = append(opens, opened.Sub(start))
		lists = append(lists, listed.Sub(opened))
		partnerLists = append(partnerLists, end.Sub(listed))
		book.Close()
	}
	for name, ds := range map[string][]time.Duration{"open-ms": opens, "items-ms": lists, "partners-ms": partnerLists} {
		if len(ds) > 0 {
			slices.Sort(ds)
			b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, name)
		}
	}
	reportTimes(b, times, 100)
}

// BenchmarkAddItem: one AddItem through the service (permission check, validation, one
// IMMEDIATE transaction with its audit record, fsync) in a book of 10,000 items.
// Target: median under 5 ms.
func BenchmarkAddItem(b *testing.B) {
	path := copyBigBook(b)
	ctx := b.Context()
	book, err := Open(ctx, path, discardLog)
	if err != nil {
		b.Fatal(err)
	}
	defer book.Close()
	admin, err := book.Login(ctx, "admin", "")
	if err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	i := 0
	for b.Loop() {
		it := benchItem(benchItems + i)
		it.Code = fmt.Sprintf("N%07d", i)
		it.Barcode = ""
		i++
		start := time.Now()
		if _, err := book.AddItem(ctx, admin, it); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	reportTimes(b, times, 5)
}

// BenchmarkFilterItems: the item list filtered by a substring of name, code, 助记码 or
// barcode, on 10,000 items. Target: under 20 ms.
func BenchmarkFilterItems(b *testing.B) {
	path := copyBigBook(b)
	ctx := b.Context()
	book, err := Open(ctx, path, discardLog)
	if err != nil {
		b.Fatal(err)
	}
	defer book.Close()
	for _, tc := range []struct{ name, text string }{
		{"name", "洗衣液"},
		{"mnemonic", "xyy"},
		{"code", "A012"},
		{"barcode", benchItem(4321).Barcode[6:]},
		{"nothing", "zzz-none"},
		{"all", ""}, // no filter: the whole list, as the first screen reads it
	} {
		text := tc.text
		b.Run(tc.name, func(b *testing.B) {
			var times []time.Duration
			n := 0
			for b.Loop() {
				start := time.Now()
				items, err := book.Items(ctx, ItemFilter{Text: text})
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
				n = len(items)
			}
			b.ReportMetric(float64(n), "items")
			reportTimes(b, times, 20)
		})
	}
}

// The generator makes valid, distinct items and partners (cheap: no book).
func TestBenchGenerator(t *testing.T) {
	codes, barcodes, pcodes := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i := range benchItems + 1000 {
		it := benchItem(i)
		if codes[it.Code] || barcodes[it.Barcode] {
			t.Fatalf("item %d repeats code %s or barcode %s", i, it.Code, it.Barcode)
		}
		codes[it.Code], barcodes[it.Barcode] = true, true
	}
	for i := range benchPartners {
		p := benchPartner(i)
		if pcodes[p.Code] || !p.Customer && !p.Supplier {
			t.Fatalf("partner %d: %+v", i, p)
		}
		pcodes[p.Code] = true
	}
}
