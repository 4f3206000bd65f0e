package ledger

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"shopbooks/store"
)

// The indexes of a book made before the slimmer set (version 9): stock_moves_wh and
// stock_moves_period, and the sources indexed NULLs included.
var indexesBeforeSlim = []string{
	"DROP INDEX doc_lines_source",
	"DROP INDEX docs_source",
	"CREATE INDEX stock_moves_wh ON stock_moves(item_id, warehouse_id, date)",
	"CREATE INDEX stock_moves_period ON stock_moves(period, item_id)",
	"CREATE INDEX doc_lines_source ON doc_lines(source_line_id)",
	"CREATE INDEX docs_source ON docs(source_id)",
}

// guardsBeforeEquality are the closed-month guards on updates before they looked the
// periods up by equality (version 11): "period IN (OLD.period, NEW.period)".
func guardsBeforeEquality() []string {
	var qs []string
	for _, table := range []string{"docs", "stock_moves", "vouchers", "account_periods", "doc_counters", "stock_period_qty", "partner_doc_periods"} {
		qs = append(qs, "DROP TRIGGER "+table+"_closed_upd", "CREATE TRIGGER "+table+"_closed_upd BEFORE UPDATE ON "+table+`
WHEN (SELECT closed FROM periods WHERE period IN (OLD.period, NEW.period) AND closed = 1) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END`)
	}
	return append(qs, "DROP TRIGGER doc_lines_closed_upd", `CREATE TRIGGER doc_lines_closed_upd BEFORE UPDATE ON doc_lines
WHEN (SELECT max(p.closed) FROM docs d JOIN periods p ON p.period = d.period WHERE d.id IN (OLD.doc_id, NEW.doc_id)) = 1
BEGIN SELECT RAISE(ABORT, 'period closed'); END`)
}

// TestSlimIndexesUpgrade: a book with the older indexes and guards opens migrated, its schema the
// migrations' (verify in full agrees), its stock, ledgers and checks unchanged, and the
// audits after it keep refusing negative stock.
func TestSlimIndexesUpgrade(t *testing.T) {
	b, u := stockPeriodBook(t)
	ctx := t.Context()
	if _, err := b.SaveAndAuditDoc(ctx, u, Doc{Type: DocSReturn, Date: "2025-03-20", Partner: "C1", Warehouse: "W1",
		Lines: []DocLine{{Item: "I0", Qty: Units(1), Price: 20_000_000, UseItemVAT: true}}}); err != nil {
		t.Fatal(err)
	}
	before := dumpBook(t, b)
	onHand, err := b.StockOnHand(ctx, u, OnHandFilter{Date: "2025-02-14"})
	if err != nil {
		t.Fatal(err)
	}
	path := b.Path()
	b.Close()

	db := rawDB(t, path)
	var version int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	// The book two versions back: before the closed-month guards by equality (the last
	// migration) and the slimmer indexes (the one before). A migration added after them
	// goes back that many more, its own changes undone too.
	rawExec(t, db, guardsBeforeEquality()...)
	rawExec(t, db, "DROP INDEX stock_moves_linked")
	rawExec(t, db, indexesBeforeSlim...)
	rawExec(t, db, fmt.Sprintf("PRAGMA user_version = %d", version-2))
	db.Close()

	b, err = Open(ctx, path, testLog(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if d := diffLines(before, dumpBook(t, b)); d != "" {
		t.Errorf("the upgrade changed rows:\n%s", d)
	}
	if u, err = b.Login(ctx, "admin", ""); err != nil {
		t.Fatal(err)
	}
	var names []string
	err = b.db.Read(ctx, func(tx *store.Tx) error {
		names, err = column[string](ctx, tx, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'stock_moves' ORDER BY name")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"stock_moves_day", "stock_moves_doc", "stock_moves_line", "stock_moves_link", "stock_moves_linked", "stock_moves_order"}
	if !slices.Equal(names, want) {
		t.Errorf("stock_moves indexes after the upgrade: %v, want %v", names, want)
	}
	if rep, err := b.Verify(ctx, true); err != nil || !rep.OK() {
		t.Fatalf("verify after the upgrade: %v %+v", err, rep.Failure)
	}
	after, err := b.StockOnHand(ctx, u, OnHandFilter{Date: "2025-02-14"})
	if err != nil || fmt.Sprint(onHand) != fmt.Sprint(after) {
		t.Errorf("on-hand at 2025-02-14: %v, was %v (%v)", after, onHand, err)
	}
	// A back-dated delivery of more than was on hand that day is refused as before.
	_, err = b.SaveAndAuditDoc(ctx, u, Doc{Type: DocDelivery, Date: "2025-02-01", Partner: "C1", Warehouse: "W2",
		Lines: []DocLine{{Item: "I1", Qty: Units(100_000), Price: 20_000_000, UseItemVAT: true}}})
	if CodeOf(err) != CodeStockNegative {
		t.Errorf("a delivery past the stock: %v, want %s", err, CodeStockNegative)
	}
}

// TestStockAccessPaths: the look-ups the audit, the close, the reports and the foreign
// keys make on the stock and document tables each search an index, none reads the whole
// table (the statistics-free planner decides the same on any book, so an empty one
// shows the plans of the 3-year one).
func TestStockAccessPaths(t *testing.T) {
	b, _ := openTestBook(t)
	ctx := t.Context()
	for _, c := range []struct{ query, index string }{
		// checkNegative: an item in one warehouse from a date on, in costing order
		{"SELECT ifnull(sum(qty), 0) FROM stock_moves WHERE item_id = 1 AND warehouse_id = 1 AND date >= '2025-03-01' AND date < '2025-03-15'", "stock_moves_order"},
		{`SELECT date, qty, run FROM (SELECT date, qty, sum(qty) OVER (ORDER BY date, audit_seq, line_no, sub, id ROWS UNBOUNDED PRECEDING) AS run
			FROM stock_moves WHERE item_id = 1 AND warehouse_id = 1 AND date >= '2025-03-15') WHERE run < 0 LIMIT 1`, "stock_moves_order"},
		{"SELECT EXISTS (SELECT 1 FROM stock_moves x WHERE x.item_id = 1 AND x.warehouse_id = 1 AND x.date > '2025-03-15' AND x.doc_id <> 1)", "stock_moves_order"},
		// an item's linked sales returns from a date on (a back-dated audit)
		{"SELECT EXISTS (SELECT 1 FROM stock_moves WHERE item_id = 1 AND kind = 3 AND link <> '' AND date >= '2025-03-01')", "stock_moves_linked"},
		// an item's movements of a month (the cost explanation's fixed amounts)
		{"SELECT sum(qty) FROM stock_moves WHERE item_id = 1 AND date BETWEEN '2025-03-01' AND '2025-03-31' AND kind <> 0 AND fixed = 1", "stock_moves_order"},
		// a period's movements, a range of periods'
		{"SELECT item_id, sum(qty) FROM stock_moves WHERE period = '2025-03' AND kind <> 0 GROUP BY item_id", "stock_moves_day"},
		{"SELECT item_id, sum(amount - adj) FROM stock_moves WHERE kind <> 0 AND period > '2025-01' AND period < '2025-03' GROUP BY item_id", "stock_moves_day"},
		// a document's, a line's movements
		{"SELECT item_id, qty FROM stock_moves WHERE doc_id = 1", "stock_moves_doc"},
		{"SELECT sum(qty) FROM stock_moves WHERE line_id = 1", "stock_moves_line"},
		// what was received, delivered or returned against a line or an order
		{"SELECT sum(qty) FROM doc_lines WHERE source_line_id = 1", "doc_lines_source"},
		{"SELECT number FROM docs WHERE source_id = 1", "docs_source"},
	} {
		var plan []string
		err := b.db.Read(ctx, func(tx *store.Tx) error {
			rows, err := tx.QueryContext(ctx, "EXPLAIN QUERY PLAN "+c.query)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					return err
				}
				plan = append(plan, detail)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		all := strings.Join(plan, "; ")
		if !strings.Contains(all, "INDEX "+c.index+" (") {
			t.Errorf("%s:\nplan %s, want a search of %s", c.query, all, c.index)
		}
	}
	// The foreign keys' look-ups when a line or a document goes (a draft edited, deleted):
	// the children are found through an index (a SeekGE), no table is walked (a Rewind).
	for _, q := range []string{"DELETE FROM doc_lines WHERE id = 1", "DELETE FROM docs WHERE id = 1"} {
		var ops []string
		err := b.db.Read(ctx, func(tx *store.Tx) error {
			rows, err := tx.QueryContext(ctx, "EXPLAIN "+q)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var addr, p1, p2, p3, p5 int64
				var op string
				var p4, comment sql.NullString
				if err := rows.Scan(&addr, &op, &p1, &p2, &p3, &p4, &p5, &comment); err != nil {
					return err
				}
				ops = append(ops, op)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(ops, "Rewind") || !slices.Contains(ops, "SeekGE") {
			t.Errorf("%s: the foreign keys' look-ups walk a table: %v", q, ops)
		}
	}
}
