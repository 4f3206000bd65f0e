package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkAuditDelivery: auditing a 10-line delivery under moving average, fsync
// included (issue 4: under 3 ms median), in a book with 2,000 items of which each
// delivery takes 10 with history behind them.
func BenchmarkAuditDelivery(b *testing.B) {
	ctx := context.Background()
	book, err := Create(ctx, filepath.Join(b.TempDir(), "bench.book"), testNewBook(TaxpayerGeneral), discardLog)
	if err != nil {
		b.Fatal(err)
	}
	defer book.Close()
	u, err := book.Login(ctx, "admin", "")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := book.AddWarehouse(ctx, u, Warehouse{Code: "W1", Name: "主仓"}); err != nil {
		b.Fatal(err)
	}
	if _, err := book.AddPartner(ctx, u, Partner{Code: "S1", Name: "供应商", Supplier: true}); err != nil {
		b.Fatal(err)
	}
	if _, err := book.AddPartner(ctx, u, Partner{Code: "C1", Name: "客户", Customer: true}); err != nil {
		b.Fatal(err)
	}
	const items = 2000
	receipt := Doc{Type: DocReceipt, Date: "2025-01-01", Partner: "S1", Warehouse: "W1", Deductible: true}
	for i := range items {
		if _, err := book.AddItem(ctx, u, Item{Code: fmt.Sprintf("I%04d", i), Name: fmt.Sprintf("商品%d", i), Unit: "个", VAT: 1300}); err != nil {
			b.Fatal(err)
		}
		receipt.Lines = append(receipt.Lines, DocLine{Item: fmt.Sprintf("I%04d", i), Qty: Units(1_000_000), Price: 5_000_000, UseItemVAT: true})
	}
	if _, err := book.SaveAndAuditDoc(ctx, u, receipt); err != nil {
		b.Fatal(err)
	}
	n := 0
	next := func() Doc {
		// In date order, as a shop enters its day: about 40 deliveries a day.
		day := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n/40)
		d := Doc{Type: DocDelivery, Date: Date(day.Format("2006-01-02")), Partner: "C1", Warehouse: "W1"}
		for j := range 10 {
			d.Lines = append(d.Lines, DocLine{Item: fmt.Sprintf("I%04d", (n*10+j)*7%items), Qty: Units(int64(1 + j)), Price: 9_000_000, UseItemVAT: true})
		}
		n++
		return d
	}
	// History: 1,000 deliveries before timing.
	for range 1000 {
		if _, err := book.SaveAndAuditDoc(ctx, u, next()); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		b.StopTimer()
		d, err := book.SaveDoc(ctx, u, next())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := book.AuditDoc(ctx, u, d.Number); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(3, "target-ms")
}
