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
	tx    *store.HeldTx
	users map[int64]*User // acting users read in this transaction
	// The book's settings, read when the batch began: its calls do not change them, and
	// its transaction keeps anyone else from doing so.
	settings Settings
	// Brief makes SaveAndAuditDoc return the document as saved and audited without
	// reading it again (saveAndAuditAs): for a caller that shows its number and total.
	Brief   bool
	masters *batchMasters // what its documents read of the master data
	n       int
	end     error // once set, the batch can only end; Commit returns it
	ended   bool
}

// BeginDocBatch opens a batch: its transaction begins now (BEGIN IMMEDIATE), so it
// fails with the busy error while another process writes. The batch's calls run in the
// caller's goroutine, in that transaction.
func (b *Book) BeginDocBatch(ctx context.Context) (*DocBatch, error) {
	tx, err := b.db.Begin(ctx)
	if err != nil {
		return nil, fromStore(err)
	}
	s, err := loadSettings(ctx, tx.Tx)
	if err != nil {
		tx.Rollback()
		return nil, fromStore(err)
	}
	head, _, err := auditHead(ctx, tx.Tx)
	if err != nil {
		tx.Rollback()
		return nil, fromStore(err)
	}
	masters := newBatchMasters()
	b.lastBatch.Lock()
	if b.lastBatch.masters != nil && b.lastBatch.head == head {
		masters = b.lastBatch.masters
	}
	b.lastBatch.masters = nil // taken: given back by a successful Commit
	b.lastBatch.Unlock()
	return &DocBatch{b: b, tx: tx, users: map[int64]*User{}, settings: s, masters: masters}, nil
}

// run runs fn, when it writes under a savepoint rolled back when fn fails. A savepoint
// that cannot be rolled back leaves the transaction in doubt: the batch then ends in a
// rollback, as it does when fn panics (the panic goes on to the caller).
func (g *DocBatch) run(ctx context.Context, writes bool, fn func(*store.Tx) error) (err error) {
	if g.end != nil {
		return g.end
	}
	defer func() {
		if p := recover(); p != nil {
			g.end = fmt.Errorf("document batch: panic: %v", p)
			g.tx.Rollback()
			panic(p)
		}
	}()
	tx := g.tx.Tx
	if !writes { // a read needs no savepoint
		return fn(tx)
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT doc"); err != nil {
		g.end = err
		return err
	}
	err = fn(tx)
	if err != nil {
		if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO doc"); rerr != nil {
			g.end = rerr
			return errors.Join(err, rerr)
		}
	}
	if _, rerr := tx.ExecContext(ctx, "RELEASE doc"); rerr != nil {
		g.end = rerr
		return errors.Join(err, rerr)
	}
	return err
}

// do runs fn for the acting user by, who needs perm, in the batch's transaction, with ctx
// carrying the batch's masters (batchMasters).
func (g *DocBatch) do(ctx context.Context, by *User, perm Perm, fn func(ctx context.Context, tx *store.Tx, now *User) error) error {
	return g.call(ctx, by, perm, true, fn)
}

// call is do for a fn that writes (under a savepoint of its own) or only reads.
func (g *DocBatch) call(ctx context.Context, by *User, perm Perm, writes bool, fn func(ctx context.Context, tx *store.Tx, now *User) error) error {
	if g.ended {
		return fmt.Errorf("document batch: used after Commit")
	}
	if err := g.b.require(by, perm); err != nil {
		return err
	}
	ctx = context.WithValue(ctx, mastersKey{}, g.masters)
	err := g.run(ctx, writes, func(tx *store.Tx) error {
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
		return fn(ctx, tx, now)
	})
	g.n++
	return fromStore(err)
}

// Len is the number of calls made in the batch so far, refused ones included.
func (g *DocBatch) Len() int { return g.n }

// SaveDoc is Book.SaveDoc in the batch.
func (g *DocBatch) SaveDoc(ctx context.Context, by *User, d Doc) (Doc, error) {
	var out Doc
	err := g.do(ctx, by, PermDraft, func(ctx context.Context, tx *store.Tx, now *User) error {
		var err error
		out, err = saveDoc(ctx, tx, g.settings, now, d)
		return err
	})
	return out, err
}

// SaveAndAuditDoc is Book.SaveAndAuditDoc in the batch.
func (g *DocBatch) SaveAndAuditDoc(ctx context.Context, by *User, d Doc) (Doc, error) {
	var out Doc
	err := g.do(ctx, by, PermDraft, func(ctx context.Context, tx *store.Tx, now *User) error {
		var err error
		out, err = saveAndAuditAs(ctx, tx, g.settings, now, d, g.Brief)
		return err
	})
	return out, err
}

// AuditDoc is Book.AuditDoc in the batch.
func (g *DocBatch) AuditDoc(ctx context.Context, by *User, number string) error {
	return g.do(ctx, by, PermAuditDoc, func(ctx context.Context, tx *store.Tx, now *User) error {
		return auditDoc(ctx, tx, g.settings, now, number)
	})
}

// CountWarnings is Book.CountWarnings in the batch: it sees the batch's documents.
func (g *DocBatch) CountWarnings(ctx context.Context, by *User, number string) ([]string, error) {
	var out []string
	err := g.call(ctx, by, PermViewDocs, false, func(ctx context.Context, tx *store.Tx, _ *User) error {
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
	if g.end != nil {
		g.tx.Rollback()
		return fromStore(g.end)
	}
	head, _, err := auditHead(context.Background(), g.tx.Tx)
	if err != nil {
		g.tx.Rollback()
		return fromStore(err)
	}
	if err := g.tx.Commit(); err != nil {
		return fromStore(err)
	}
	g.b.lastBatch.Lock()
	g.b.lastBatch.head, g.b.lastBatch.masters = head, g.masters
	g.b.lastBatch.Unlock()
	return nil
}

// Rollback ends the batch writing nothing.
func (g *DocBatch) Rollback() {
	if g.ended {
		return
	}
	g.ended = true
	g.tx.Rollback()
}

// batchMasters keeps, for a document batch's transaction, the items, partners and
// warehouses its documents named, by code as typed (normalized): the batch's calls write
// documents only, and its transaction keeps every other writer out, so what they read of
// the master data cannot change before the batch ends. Only what was found is kept. The
// next batch of the Book starts from them when nothing was written in between
// (Book.lastBatch: the audit trail's head has not moved).
type batchMasters struct {
	items      map[string]Item
	partners   map[string]Partner
	warehouses map[string]Warehouse
}

func newBatchMasters() *batchMasters {
	return &batchMasters{items: map[string]Item{}, partners: map[string]Partner{}, warehouses: map[string]Warehouse{}}
}

type mastersKey struct{}

// cachedMaster is load's result for code, from the batch's masters when ctx carries
// them (pick chooses the table), else read.
func cachedMaster[T any](ctx context.Context, pick func(*batchMasters) map[string]T, code string, load func() (T, error)) (T, error) {
	m, _ := ctx.Value(mastersKey{}).(*batchMasters)
	if m == nil {
		return load()
	}
	k := Normalize(code)
	tab := pick(m)
	if v, ok := tab[k]; ok {
		return v, nil
	}
	v, err := load()
	if err == nil {
		tab[k] = v
	}
	return v, err
}
