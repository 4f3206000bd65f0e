package ledger

import (
	"context"

	"shopbooks/store"
)

// SetupCounts is how far the book's setup (建账) has come: the active warehouses, items
// and partners, the lines of the opening balances and of the opening stock, and the
// users.
type SetupCounts struct {
	Warehouses, Items, Partners   int
	OpeningBalances, OpeningStock int
	Users                         int
	// Opening is the check of the opening balances (CheckOpening).
	Opening OpeningCheck
}

// SetupCounts counts what the setup steps count, in one read: the home screen shows it
// on every visit, and listing every item to count them took longer than the rest of the
// screen's reads.
func (b *Book) SetupCounts(ctx context.Context) (SetupCounts, error) {
	var c SetupCounts
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM warehouses WHERE active = 1), (SELECT count(*) FROM items WHERE active = 1),
			(SELECT count(*) FROM partners WHERE active = 1), (SELECT count(*) FROM opening_balances),
			(SELECT count(*) FROM opening_stock), (SELECT count(*) FROM users)`).Scan(
			&c.Warehouses, &c.Items, &c.Partners, &c.OpeningBalances, &c.OpeningStock, &c.Users)
		if err != nil {
			return err
		}
		c.Opening, err = openingCheck(ctx, tx)
		return err
	})
	return c, fromStore(err)
}
