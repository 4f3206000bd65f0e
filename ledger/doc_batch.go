package ledger

import (
	"context"
	"errors"
	"fmt"

	"shopbooks/store"
)

// DocBatch saves and audits documents one after another in one transaction, each under
// its own savepoint: a refused document leaves nothing behind and the others stay, and
// the whole run pays for one commit (one fsync) instead of one per document. It is what
// `shopbooks batch` uses for a run of `doc new` and `doc audit` lines.
//
// While a DocBatch is open it holds the book's write connection: every other write of
// this process waits for Commit (up to the busy timeout), and other processes wait on
// SQLite's lock. Keep batches short (the CLI commits every fraction of a second), and
// never call the Book's own write methods until Commit: they would wait for the batch.
// Reads through the Book do not see the batch's documents before Commit; the batch's
// methods do. Every method checks the same permissions as the Book's method of the same
// name. Not safe for concurrent use.
type DocBatch struct {
	b     *Book
	jobs  chan batchJob
	done  chan error
	users map[int64]*User // acting users read in this transaction
	n     int
	end   error // set before jobs is closed: nil commits
	ended bool
}

type batchJob struct {
	ctx context.Context
	fn  func(*store.Tx) error
	res chan batchResult
}

type batchResult struct {
	err     error
	panicky any
}

var errBatchRollback = errors.New("document batch rolled back")

// BeginDocBatch opens a batch: its transaction begins now (BEGIN IMMEDIATE), so it
// fails with the busy error while another process writes.
func (b *Book) BeginDocBatch(ctx context.Context) (*DocBatch, error) {
	g := &DocBatch{b: b, jobs: make(chan batchJob), done: make(chan error, 1), users: map[int64]*User{}}
	started := make(chan struct{})
	go func() {
		g.done <- fromStore(b.db.Write(ctx, func(tx *store.Tx) error {
			close(started)
			for j := range g.jobs {
				j.res <- g.run(j.ctx, tx, j.fn)
			}
			return g.end
		}))
	}()
	select {
	case <-started:
		return g, nil
	case err := <-g.done:
		g.ended = true
		return nil, err
	}
}

// run runs fn under a savepoint, rolled back when fn fails. A savepoint that cannot be
// rolled back leaves the transaction in doubt: the batch then ends in a rollback.
func (g *DocBatch) run(ctx context.Context, tx *store.Tx, fn func(*store.Tx) error) (res batchResult) {
	if g.end != nil {
		return batchResult{err: g.end}
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT doc"); err != nil {
		g.end = err
		return batchResult{err: err}
	}
	defer func() {
		if p := recover(); p != nil {
			g.end = fmt.Errorf("document batch: panic: %v", p)
			res = batchResult{err: g.end, panicky: p}
		}
	}()
	err := fn(tx)
	if err != nil {
		if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO doc"); rerr != nil {
			g.end = rerr
			return batchResult{err: errors.Join(err, rerr)}
		}
	}
	if _, rerr := tx.ExecContext(ctx, "RELEASE doc"); rerr != nil {
		g.end = rerr
		return batchResult{err: errors.Join(err, rerr)}
	}
	return batchResult{err: err}
}

// do runs fn for the acting user by, who needs perm, in the batch's transaction.
func (g *DocBatch) do(ctx context.Context, by *User, perm Perm, fn func(tx *store.Tx, now *User) error) error {
	if g.ended {
		return fmt.Errorf("document batch: used after Commit")
	}
	if err := g.b.require(by, perm); err != nil {
		return err
	}
	res := make(chan batchResult, 1)
	g.jobs <- batchJob{ctx: ctx, res: res, fn: func(tx *store.Tx) error {
		now := g.users[by.ID]
		if now == nil || now.Name != by.Name {
			u, err := actingUser(ctx, tx, by)
			if err != nil {
				return err
			}
			now = u
			g.users[by.ID] = u
		}
		if !now.Can(perm) {
			return forbidden(string(perm))
		}
		return fn(tx, now)
	}}
	r := <-res
	if r.panicky != nil {
		panic(r.panicky)
	}
	g.n++
	return fromStore(r.err)
}

// Len is the number of calls made in the batch so far, refused ones included.
func (g *DocBatch) Len() int { return g.n }

// SaveDoc is Book.SaveDoc in the batch.
func (g *DocBatch) SaveDoc(ctx context.Context, by *User, d Doc) (Doc, error) {
	var out Doc
	err := g.do(ctx, by, PermDraft, func(tx *store.Tx, now *User) error {
		var err error
		out, err = saveDoc(ctx, tx, now, d)
		return err
	})
	return out, err
}

// SaveAndAuditDoc is Book.SaveAndAuditDoc in the batch.
func (g *DocBatch) SaveAndAuditDoc(ctx context.Context, by *User, d Doc) (Doc, error) {
	var out Doc
	err := g.do(ctx, by, PermDraft, func(tx *store.Tx, now *User) error {
		var err error
		out, err = saveAndAudit(ctx, tx, now, d)
		return err
	})
	return out, err
}

// AuditDoc is Book.AuditDoc in the batch.
func (g *DocBatch) AuditDoc(ctx context.Context, by *User, number string) error {
	return g.do(ctx, by, PermAuditDoc, func(tx *store.Tx, now *User) error {
		return auditDoc(ctx, tx, now, number)
	})
}

// CountWarnings is Book.CountWarnings in the batch: it sees the batch's documents.
func (g *DocBatch) CountWarnings(ctx context.Context, by *User, number string) ([]string, error) {
	var out []string
	err := g.do(ctx, by, PermViewDocs, func(tx *store.Tx, _ *User) error {
		var err error
		out, err = countWarnings(ctx, tx, number)
		return err
	})
	return out, err
}

// Commit ends the batch, writing every document that was not refused. After a failed
// commit nothing of the batch is written.
func (g *DocBatch) Commit() error {
	if g.ended {
		return nil
	}
	g.ended = true
	close(g.jobs)
	return <-g.done
}

// Rollback ends the batch writing nothing.
func (g *DocBatch) Rollback() {
	if g.ended {
		return
	}
	g.ended = true
	g.end = errBatchRollback
	close(g.jobs)
	<-g.done
}
