package store

import (
	"errors"
	"testing"
)

// TestCachedStatementsRunInTheTransaction: statements from the writer's cache see the
// transaction's own writes and are undone with it.
func TestCachedStatementsRunInTheTransaction(t *testing.T) {
	ctx := t.Context()
	d, _ := newBook(t)
	insert := "INSERT INTO units(name) VALUES (?)"
	count := "SELECT count(*) FROM units WHERE name = ?"
	boom := errors.New("boom")
	for range 3 { // the second and third runs use the cached statements
		err := d.Write(ctx, func(tx *Tx) error {
			if _, err := tx.ExecContext(ctx, insert, "临时"); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRowContext(ctx, count, "临时").Scan(&n); err != nil || n != 1 {
				t.Fatalf("inside the transaction: %d rows, %v", n, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		var n int
		if err := d.Read(ctx, func(tx *Tx) error { return tx.QueryRowContext(ctx, count, "临时").Scan(&n) }); err != nil || n != 0 {
			t.Fatalf("after rollback: %d rows, %v", n, err)
		}
	}
	if len(d.writer.stmts) < 2 {
		t.Errorf("statements not cached: %d", len(d.writer.stmts))
	}
}
