package ledger_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"shopbooks/ledger/demo"
)

// BenchmarkBookRestoreParts is BenchmarkBookRestore (verify_bench_test.go) telling the
// restore's own share apart from its verification, from the times the restore logs:
// verify-ms is Verify(full) on the restored copy (the verify's to speed up), own-ms all
// the rest — reading the backup, writing the copy, opening it, the swap and the record
// (medians); median-ms is the whole restore, against the target of 10 s.
func BenchmarkBookRestoreParts(b *testing.B) {
	src, err := benchSrc()
	if err != nil {
		b.Fatal(err)
	}
	path, err := demo.CopyBook(src, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	parts := &restoreTimes{}
	book, u := openLoggedIn(b, path, slog.New(parts))
	restoreRuns(b, book, u)
	parts.report(b)
}

// restoreTimes is a log handler that keeps the times of the "book restored" records.
type restoreTimes struct {
	mu                   sync.Mutex
	verify, own, extract []time.Duration
}

func (h *restoreTimes) Enabled(context.Context, slog.Level) bool { return true }
func (h *restoreTimes) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *restoreTimes) WithGroup(string) slog.Handler            { return h }

func (h *restoreTimes) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "book restored" {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "verify":
			h.verify = append(h.verify, a.Value.Duration())
		case "own":
			h.own = append(h.own, a.Value.Duration())
		case "extract":
			h.extract = append(h.extract, a.Value.Duration())
		}
		return true
	})
	return nil
}

func (h *restoreTimes) report(b *testing.B) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range []struct {
		name  string
		times []time.Duration
	}{{"verify-ms", h.verify}, {"own-ms", h.own}, {"extract-ms", h.extract}} {
		if len(m.times) == 0 {
			continue
		}
		slices.Sort(m.times)
		b.ReportMetric(float64(m.times[len(m.times)/2].Microseconds())/1000, m.name)
	}
}
