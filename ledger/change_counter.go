package ledger

import (
	"context"
	"database/sql"
	"errors"

	"shopbooks/store"
)

// ChangeCounter is the book's change counter, as a close preview reports it
// (CloseResult.Counter): the sequence number of the last audit record that is not a
// login. It moves with every write, so a result computed at one counter stays true while
// the counter has not moved (the statements' cache of open months' previews). It reads
// backwards from the newest record: no scan of the trail.
func (b *Book) ChangeCounter(ctx context.Context) (int64, error) {
	var n int64
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT seq FROM audit_log WHERE action NOT LIKE 'user.login%'
			ORDER BY seq DESC LIMIT 1`).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return n, fromStore(err)
}
