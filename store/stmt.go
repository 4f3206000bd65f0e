package store

import (
	"context"
	"database/sql"
	"time"
)

// Writes go through one dedicated connection with its prepared statements cached by
// query text. SQLite spends more time parsing and planning a statement than running a
// small one, and modernc's driver prepares afresh on every call; a statement prepared on
// the writer's connection is reused by every later transaction there (Tx.StmtContext).
// SQLite lets one writer in at a time anyway, so writers of this process queue for the
// connection (up to BusyTimeout, then ErrBusy); other processes still meet SQLite's own
// lock and busy_timeout.

// maxCachedStmts bounds the cache: queries built with variable parts (filters, LIMIT n)
// beyond it are prepared each time.
const maxCachedStmts = 512

type writer struct {
	sem   chan struct{} // holds the connection
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

func newWriter() *writer { return &writer{sem: make(chan struct{}, 1)} }

// acquire takes the writer connection, waiting at most wait (BusyTimeout if 0).
func (w *writer) acquire(ctx context.Context, db *sql.DB, wait time.Duration) error {
	if wait == 0 {
		wait = BusyTimeout
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case w.sem <- struct{}{}:
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	if w.conn == nil {
		c, err := db.Conn(ctx)
		if err != nil {
			<-w.sem
			return classify(err)
		}
		// A write's statements that may fail halfway (triggers, foreign keys, several
		// rows) keep the pages they change in a statement journal; past 64 KB SQLite
		// moves it to a temporary file, written page by page through system calls for
		// the rest of the transaction (a tenth of an audit's time). In memory it stays
		// as large as one statement's changes.
		if _, err := c.ExecContext(ctx, "PRAGMA temp_store=MEMORY"); err != nil {
			c.Close()
			<-w.sem
			return classify(err)
		}
		w.conn, w.stmts = c, map[string]*sql.Stmt{}
	}
	return nil
}

// release gives the connection back; a connection that failed is dropped.
func (w *writer) release(broken bool) {
	if broken && w.conn != nil {
		for _, s := range w.stmts {
			s.Close()
		}
		w.conn.Close()
		w.conn, w.stmts = nil, nil
	}
	<-w.sem
}

// close drops the connection once no write holds it, waiting at most BusyTimeout (a
// write still running then keeps its connection; database/sql closes it with the pool).
func (w *writer) close() {
	t := time.NewTimer(BusyTimeout)
	defer t.Stop()
	select {
	case w.sem <- struct{}{}:
		w.release(true)
	case <-t.C:
	}
}

func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	w := tx.writer
	if w == nil {
		return nil
	}
	s, ok := w.stmts[query]
	if !ok {
		if len(w.stmts) >= maxCachedStmts {
			return nil
		}
		var err error
		if s, err = w.conn.PrepareContext(ctx, query); err != nil {
			return nil // the uncached call reports the error
		}
		w.stmts[query] = s
	}
	// The statement belongs to the writer's connection, which runs this transaction: it
	// executes inside it. (Tx.StmtContext would prepare it again: it never reuses a
	// statement prepared on a sql.Conn.)
	return s
}

// ExecContext runs a statement in the transaction through the statement cache.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := tx.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction through the statement cache.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := tx.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query in the transaction through the statement cache.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := tx.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}
