package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"shopbooks/ledger"
	"shopbooks/ledger/demo"
)

// BenchmarkBatchDocuments: `shopbooks batch` creating and auditing documents on a copy of
// the generated book (package ledger/demo; SHOPBOOKS_BENCH_YEARS makes it smaller), in
// the open months after its last (issue 4: at least 1,000 documents/s, reported as
// ms per document against a target of 1 ms). Each run is one batch process's work: open
// the book, then 1,000 documents in date order: a receipt of 200 items, then sales
// deliveries of 4 lines and, every seventh, a receipt of 4 lines, all audited (moving
// average), each printing its number. The open is included.
func BenchmarkBatchDocuments(b *testing.B) {
	ctx := b.Context()
	opt := demo.BenchOptions()
	src, err := demo.CachedBook(ctx, opt, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	path, err := demo.CopyBook(src, dir)
	if err != nil {
		b.Fatal(err)
	}
	items, open := benchItems(b, path, opt)
	const docs = 1000
	env := Env{Getenv: func(k string) string {
		switch k {
		case "XDG_CONFIG_HOME":
			return filepath.Join(dir, "config")
		case "HOME":
			return dir
		}
		return ""
	}}
	var perDoc []time.Duration
	month := open
	for b.Loop() {
		b.StopTimer()
		script := filepath.Join(dir, "docs.txt")
		if err := os.WriteFile(script, []byte(batchScript(month, items, docs)), 0o644); err != nil {
			b.Fatal(err)
		}
		month = month.Next()
		var stderr strings.Builder
		env.Stderr = &stderr
		b.StartTimer()
		t := time.Now()
		code := Main(context.Background(), []string{"--book", path, "--user", "admin", "--lang", "en", "batch", script}, env)
		perDoc = append(perDoc, time.Since(t)/docs)
		if code != 0 {
			msg := stderr.String()
			b.Fatalf("batch: exit %d: %s", code, msg[max(0, len(msg)-500):])
		}
	}
	slices.Sort(perDoc)
	med := perDoc[len(perDoc)/2]
	b.ReportMetric(float64(med.Microseconds())/1000, "median-ms")
	b.ReportMetric(1, "target-ms")
	b.ReportMetric(float64(time.Second)/float64(med), "docs/s")
}

// benchItems is 200 items of the book and the first month after its last.
func benchItems(b *testing.B, path string, opt demo.Options) ([]string, ledger.Period) {
	b.Helper()
	book, err := ledger.Open(b.Context(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer book.Close()
	all, err := book.Items(b.Context(), ledger.ItemFilter{})
	if err != nil {
		b.Fatal(err)
	}
	var codes []string
	for i, it := range all {
		if it.Active && i%7 == 0 && len(codes) < 200 {
			codes = append(codes, it.Code)
		}
	}
	if len(codes) < 200 {
		b.Fatalf("%d items", len(codes))
	}
	p := opt.Start
	for range opt.Months {
		p = p.Next()
	}
	return codes, p
}

// batchScript is n documents dated through month p.
func batchScript(p ledger.Period, items []string, n int) string {
	var s strings.Builder
	fmt.Fprintf(&s, "doc new receipt --date %s-01 --partner S01 --warehouse W1 --audit", p)
	for _, it := range items {
		fmt.Fprintf(&s, " --line %s:50:5", it)
	}
	s.WriteString("\n")
	for i := 1; i < n; i++ {
		date := fmt.Sprintf("%s-%02d", p, 1+i*27/n)
		if i%7 == 0 {
			fmt.Fprintf(&s, "doc new receipt --date %s --partner S%02d --warehouse W1 --audit", date, 1+i%50)
		} else {
			fmt.Fprintf(&s, "doc new delivery --date %s --partner C%03d --warehouse W1 --audit", date, 1+i%150)
		}
		qty, price := 1, 12
		if i%7 == 0 {
			qty, price = 10, 6
		}
		for j := range 4 {
			fmt.Fprintf(&s, " --line %s:%d:%d", items[(i*4+j)%len(items)], qty, price)
		}
		s.WriteString("\n")
	}
	return s.String()
}
