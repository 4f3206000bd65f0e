package report

import (
	"context"
	"errors"
	"sync"

	"shopbooks/ledger"
)

// Previews keeps the previewed closes of open months (ledger.Book.PreviewClose) for the
// statements built one after another — the home screen's cards, a statement and its
// drill-down — so that a month is previewed once while the book does not change: each
// preview is kept with the book's change counter at the time, and used again only while
// the counter has not moved. Safe for concurrent use. The window keeps one per session;
// statements built without one preview every time.
type Previews struct {
	mu sync.Mutex
	m  map[previewKey]previewed
}

type previewKey struct {
	book   *ledger.Book
	user   string
	period ledger.Period
}

type previewed struct {
	counter int64
	res     ledger.CloseResult
	err     error // a refusal (*ledger.Error): blocked, not the month to close next
}

// NewPreviews returns an empty cache.
func NewPreviews() *Previews { return &Previews{m: map[previewKey]previewed{}} }

type previewsKey struct{}

// WithPreviews makes the statements built with ctx use the cache p.
func WithPreviews(ctx context.Context, p *Previews) context.Context {
	return context.WithValue(ctx, previewsKey{}, p)
}

// Preview is the previewed close of an open period, from the cache of ctx (WithPreviews)
// while the book has not changed since. A refusal (*ledger.Error) is returned as is, and
// kept like a result; other errors are not kept.
func Preview(ctx context.Context, b *ledger.Book, by *ledger.User, period ledger.Period) (ledger.CloseResult, error) {
	p, _ := ctx.Value(previewsKey{}).(*Previews)
	if p == nil {
		return b.PreviewClose(ctx, by, period, ledger.CloseOptions{})
	}
	counter, err := b.ChangeCounter(ctx)
	if err != nil {
		return ledger.CloseResult{}, err
	}
	k := previewKey{book: b, user: by.Name, period: period}
	p.mu.Lock()
	got, ok := p.m[k]
	p.mu.Unlock()
	if ok && got.counter == counter {
		return got.res, got.err
	}
	res, err := b.PreviewClose(ctx, by, period, ledger.CloseOptions{})
	var le *ledger.Error
	if err == nil || errors.As(err, &le) {
		// the preview ran at res.Counter when it says so; a refusal at the counter read above
		c := res.Counter
		if c == 0 {
			c = counter
		}
		p.mu.Lock()
		if len(p.m) >= 8 { // the screens show a month or two at a time: keep it small
			clear(p.m)
		}
		p.m[k] = previewed{counter: c, res: res, err: err}
		p.mu.Unlock()
	}
	return res, err
}
