package ledger

import (
	"context"
	"errors"

	"shopbooks/store"
)

// CostingRun is the close's costing run (DOMAIN.md §3, §6.3 step 2) on its own, for the
// costing benchmarks: every item recosted from period `from` on with `method`, the
// results stored on the movements and the states at the end of `from` written, all in
// one write transaction that is then rolled back, so the book is left as it was. The
// periods from `from` on must be open. It returns how many movements it costed.
func (b *Book) CostingRun(ctx context.Context, from Period, method Costing) (int, error) {
	n := 0
	err := b.db.Write(ctx, func(tx *store.Tx) error {
		run, err := runCosting(ctx, tx, method, from, true)
		if err != nil {
			return err
		}
		if err := storeCostStates(ctx, tx, from, run.items, run.close); err != nil {
			return err
		}
		n = run.moves
		return errPreview // roll back
	})
	if errors.Is(err, errPreview) {
		err = nil
	}
	return n, err
}
