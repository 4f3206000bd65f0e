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

// TestWriterStatementJournalInMemory: the writer's statements journal their changes in
// memory (temp_store), and a statement that fails after changing more than SQLite keeps
// in memory by default (64 KB) is still undone alone: the transaction's earlier rows
// stay, the failed statement's go.
func TestWriterStatementJournalInMemory(t *testing.T) {
	ctx := t.Context()
	d, _ := newBook(t)
	err := d.Write(ctx, func(tx *Tx) error {
		var mode int
		if err := tx.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&mode); err != nil {
			return err
		}
		if mode != 2 {
			t.Errorf("temp_store = %d on the writer, want 2 (memory)", mode)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO units(name) VALUES ('箱')"); err != nil {
			return err
		}
		// 300 rows of 1 KB, then one that breaks the name's uniqueness.
		_, err := tx.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
			INSERT INTO units(name) SELECT printf('%04d', i) || replace(hex(zeroblob(500)), '0', 'x') FROM n UNION ALL SELECT '箱'`)
		if err == nil {
			t.Error("a duplicate unit was inserted")
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM units WHERE name = '箱' OR length(name) > 1000").Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("after the failed statement: %d rows, want the one before it", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
