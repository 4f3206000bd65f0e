package ledger

import (
	"context"
	"database/sql"

	"shopbooks/store"
)

// verifyItemList: item_list holds every item, each as its view item_list_rows makes it
// (migration 10), and nothing else (its triggers keep it; an edit of it behind the
// book's back would show the items screen something the book does not hold).
func verifyItemList(ctx context.Context, tx *store.Tx) (*Error, error) {
	var code string
	err := tx.QueryRowContext(ctx, `SELECT code FROM (
			SELECT r.code AS code FROM item_list_rows r LEFT JOIN item_list l ON l.code = r.code
			WHERE l.packed IS NOT r.packed OR l.active IS NOT r.active
			UNION ALL
			SELECT l.code FROM item_list l WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.code = l.code))
		ORDER BY code LIMIT 1`).Scan(&code)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return refuse(CodeVerifyItemList, "item", code), nil
}
