package store

import (
	"context"
	"database/sql"
	"sync"
)

// A held transaction (Begin) writes many documents and is committed every fraction of a
// second; SQLite's automatic checkpoint would then run inside those commits, on the
// writer's thread: copying the pages the WAL gathered into the book and syncing it while
// the writer waits. A held transaction turns the automatic checkpoint off on its
// connection and, once committed, hands the checkpoint to a goroutine of its own on
// another connection (PASSIVE: it never blocks the writer, which goes on appending to
// the WAL), so the copy overlaps the next transaction's work on the other core. Other
// writes keep SQLite's automatic checkpoint; the last connection's close checkpoints
// what is left, as always.
type checkpointer struct {
	once, closed sync.Once
	kick         chan struct{}
	stop         chan struct{}
	done         chan struct{}
}

// request asks for a checkpoint of db's WAL soon, starting the goroutine on first use.
func (c *checkpointer) request(db *sql.DB) {
	c.once.Do(func() {
		c.kick, c.stop, c.done = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
		go c.run(db)
	})
	select {
	case c.kick <- struct{}{}:
	default: // one is already due
	}
}

func (c *checkpointer) run(db *sql.DB) {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		// An error (a reader in the way, the book closing) leaves the frames in the WAL
		// for the next checkpoint: nothing is lost.
		db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
	}
}

// close stops the goroutine, waiting for a checkpoint under way; then requests start
// none. Closing twice does nothing.
func (c *checkpointer) close() {
	c.once.Do(func() {}) // no goroutine starts after this
	c.closed.Do(func() {
		if c.kick != nil {
			close(c.stop)
			<-c.done
		}
	})
}
