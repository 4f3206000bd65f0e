package ledger

import (
	"errors"
	"fmt"
	"testing"

	"shopbooks/store"
)

// TestClosedGuardsBySQL: the guards on the tables written per period refuse, through
// SQL, an update of a closed month's row, one that moves an open month's row into the
// closed month and one that moves a closed month's row out of it; an open month's rows
// update. (A document line belongs to its document's month.)
func TestClosedGuardsBySQL(t *testing.T) {
	b, u := stockPeriodBook(t) // January closed
	// February closed too, then marked open again behind the book's back: it keeps
	// its rows of every table (vouchers, close summaries) as an open month.
	if _, err := b.ClosePeriod(t.Context(), u, "2025-02", CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, b.Path())
	b.Close()
	rawExec(t, db, "UPDATE periods SET closed = 0 WHERE period = '2025-02'")
	try := func(q string) error {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		res, err := tx.Exec(q)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				t.Errorf("%s: no row: the test did too little", q)
			}
		}
		return err
	}
	refused := func(q string) {
		t.Helper()
		if err := try(q); err == nil || !errors.Is(store.Classify(err), store.ErrPeriodClosed) {
			t.Errorf("%s: %v, want period closed", q, err)
		}
	}
	for _, table := range []string{"docs", "stock_moves", "vouchers", "account_periods", "doc_counters", "stock_period_qty", "partner_doc_periods"} {
		refused("UPDATE " + table + " SET period = period WHERE period = '2025-01'")
		refused("UPDATE " + table + " SET period = '2025-01' WHERE period = '2025-02'")
		refused("UPDATE " + table + " SET period = '2025-02' WHERE period = '2025-01'")
		if err := try("UPDATE " + table + " SET period = period WHERE period = '2025-02'"); err != nil {
			t.Errorf("%s: an open month's rows: %v", table, err)
		}
	}
	var jan, feb int64
	if err := db.QueryRow("SELECT (SELECT min(id) FROM docs WHERE period = '2025-01'), (SELECT min(id) FROM docs WHERE period = '2025-02')").Scan(&jan, &feb); err != nil {
		t.Fatal(err)
	}
	lines := func(doc int64) string { return fmt.Sprintf("id IN (SELECT id FROM doc_lines WHERE doc_id = %d)", doc) }
	refused("UPDATE doc_lines SET doc_id = doc_id WHERE " + lines(jan))
	refused(fmt.Sprintf("UPDATE doc_lines SET doc_id = %d WHERE %s", jan, lines(feb)))
	refused(fmt.Sprintf("UPDATE doc_lines SET doc_id = %d WHERE %s", feb, lines(jan)))
	if err := try("UPDATE doc_lines SET doc_id = doc_id WHERE " + lines(feb)); err != nil {
		t.Errorf("doc_lines: an open month's rows: %v", err)
	}
}
