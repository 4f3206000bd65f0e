package ledger

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"shopbooks/store"
)

// VerifyReport is what Verify found: the checks that passed, in order, as catalog keys
// ("verify.check.<name>"), and the first failure, a refusal naming what is wrong in words
// a user can act on (nil when every check passed).
type VerifyReport struct {
	Checks  []string
	Failure *Error
}

// OK tells whether every check passed.
func (r VerifyReport) OK() bool { return r.Failure == nil }

// Verify recomputes what the book must satisfy and stops at the first failure:
//   - integrity: SQLite's own check (quick_check; integrity_check when full);
//   - chain: every audit record's hash from its content and its predecessor's;
//   - rows: every audited row equals the after-image of its last audit record, and no
//     row exists that the trail does not know, and none is missing that it does — so an
//     edit with the sqlite3 shell behind the app's back is found and named;
//   - accounts: the chart's tree (parents exist, levels follow the code);
//   - opening: opening balances sit on leaves, never on 1405;
//   - periods: no closed period follows an open one;
//   - item list: the list the items screen reads (item_list) is the items';
//   - stock: the on-hand quantities equal the opening stock plus the movements, and every
//     audited stock document's movements match its lines (none for the others);
//   - ledger: account summaries equal the voucher lines, every voucher balances, the
//     trial balance balances per period, stock equals 1405 at every closed period's end;
//   - schema: every table, index and trigger is the one the migrations made (a dropped
//     closed-period or append-only trigger is found here).
//
// Each group of checks (runChecks) reads one snapshot; it changes nothing.
func (b *Book) Verify(ctx context.Context, full bool) (VerifyReport, error) {
	vouchers := &voucherPass{} // the vouchers and lines read once for the ledger and the seals
	trail := &auditPass{}      // the trail read once for the chain and the documents' rows
	return b.runChecks(ctx, VerifyReport{}, []verifyCheck{
		// SQLite's own check reads every page, on a connection of its own: the longest
		// group on a book of years, so it is the first one started.
		{"integrity", func(ctx context.Context, _ *store.Tx) (*Error, error) { return b.integrity(ctx, full) }},
	}, []verifyCheck{
		{"chain", trail.chain},
		{"rows", trail.rows},
		{"accounts", verifyAccounts},
		{"opening", verifyOpening},
		{"periods", verifyPeriods},
		{"item list", verifyItemList},
	}, []verifyCheck{
		// Alone, so that the core that ends its group first takes what is left.
		{"stock", verifyStock},
	}, []verifyCheck{
		{"ledger", vouchers.ledger},
		{"partners", verifyPartners},
		{"seals", vouchers.seals},
	})
}

// integrity is SQLite's check (quick_check; integrity_check when full): what it reports,
// or a file it cannot read, is the failure.
func (b *Book) integrity(ctx context.Context, full bool) (*Error, error) {
	detail, err := b.db.IntegrityCheck(ctx, full)
	if err != nil {
		if c := CodeOf(fromStore(err)); c != CodeInternal {
			return refuse(CodeVerifyIntegrity, "detail", err.Error()), nil
		}
		return nil, err
	}
	if detail != "" {
		return refuse(CodeVerifyIntegrity, "detail", detail), nil
	}
	return nil, nil
}

// verifyCheck is one named check of a verify, run inside its read transaction.
type verifyCheck struct {
	name string
	fn   func(context.Context, *store.Tx) (*Error, error)
}

// runChecks runs groups of checks side by side, each group in one read snapshot of
// its own, stopping a group at its first failure; then it compares the schema with the
// migrations'. The report is the one a run of the groups one after the other would
// give: the checks passed in order up to the first failure in that order. Each check
// reads only its own snapshot, so groups need not share one.
//
// As many groups run at once as Go runs goroutines in parallel (GOMAXPROCS), taken in
// their order as each one ends: more at once only share the same cores, in turns, with
// each other's pages and SQLite's locks. A group after one that failed is not started.
func (b *Book) runChecks(ctx context.Context, rep VerifyReport, groups ...[]verifyCheck) (VerifyReport, error) {
	type result struct {
		passed  []string
		failure *Error
		err     error
	}
	results := make([]result, len(groups))
	next := make(chan int, len(groups))
	for i := range groups {
		next <- i
	}
	close(next)
	var failed atomic.Int64 // the first group that failed so far; len(groups) for none
	failed.Store(int64(len(groups)))
	var wg sync.WaitGroup
	for range min(len(groups), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				if int64(i) > failed.Load() {
					continue
				}
				r := &results[i]
				r.err = b.db.Read(ctx, func(tx *store.Tx) error {
					for _, c := range groups[i] {
						f, err := c.fn(ctx, tx)
						if err != nil {
							return fmt.Errorf("verify %s: %w", c.name, err)
						}
						if f != nil {
							r.failure = f
							return nil
						}
						r.passed = append(r.passed, "verify.check."+c.name)
					}
					return nil
				})
				if r.err != nil || r.failure != nil {
					for f := failed.Load(); int64(i) < f && !failed.CompareAndSwap(f, int64(i)); f = failed.Load() {
					}
				}
			}
		})
	}
	wg.Wait()
	for _, r := range results {
		if r.err != nil {
			return rep, fromStore(r.err)
		}
		rep.Checks = append(rep.Checks, r.passed...)
		if r.failure != nil {
			rep.Failure = r.failure
			return rep, nil
		}
	}
	kind, name, how, err := b.db.SchemaDiff(ctx)
	if err != nil {
		return rep, fromStore(err)
	}
	if kind != "" {
		rep.Failure = refuse(CodeVerifySchema, "kind", kind, "name", name, "how", "verify.how."+how)
		return rep, nil
	}
	rep.Checks = append(rep.Checks, "verify.check.schema")
	return rep, nil
}

// auditPass is what the chain check keeps of the trail for the rows check, which runs
// after it in its group (one snapshot): the documents' image records, read with the
// chain instead of again.
type auditPass struct{ docs []byte }

// chain checks the whole trail as verifyChainFrom does from its first record, keeping
// the documents' image records.
func (a *auditPass) chain(ctx context.Context, tx *store.Tx) (*Error, error) {
	var out []byte
	err := tx.QueryRowContext(ctx, `SELECT verify_chain_keep(1, '', ?, `+auditCols+`)
		FROM (SELECT * FROM audit_log ORDER BY seq)`, entDoc.name).Scan(&out)
	if err != nil {
		return nil, err
	}
	if len(out) < 8 {
		return nil, errors.New("verify_chain_keep: a short value")
	}
	if bad := int64(binary.BigEndian.Uint64(out)); bad != 0 {
		return refuse(CodeVerifyChain, "seq", bad), nil
	}
	a.docs = out[8:]
	return nil, nil
}

// rows compares every audited row with its last audit image (verifyRowsOf), the
// documents' from the records chain kept.
func (a *auditPass) rows(ctx context.Context, tx *store.Tx) (*Error, error) {
	if a.docs == nil {
		return nil, errors.New("verify rows: the chain was not read")
	}
	return verifyRowsWith(ctx, tx, imaged, a.docs)
}

// verifyChainFrom checks the records from seq first on: each hashes to its hash, links
// to its predecessor (the record before first included) and numbers on without a gap.
func verifyChainFrom(ctx context.Context, tx *store.Tx, first int64) (*Error, error) {
	prev := ""
	if first > 1 {
		if err := tx.QueryRowContext(ctx, "SELECT hash FROM audit_log WHERE seq = ?", first-1).Scan(&prev); err != nil {
			return nil, err
		}
	}
	// In seq order (the subquery's ORDER BY stands: the outer query aggregates), which
	// the table's own order gives without a sort.
	var bad int64
	err := tx.QueryRowContext(ctx, `SELECT verify_chain(?1, ?2, `+auditCols+`)
		FROM (SELECT * FROM audit_log WHERE seq >= ?1 ORDER BY seq)`, first, prev).Scan(&bad)
	if err != nil {
		return nil, err
	}
	if bad != 0 {
		return refuse(CodeVerifyChain, "seq", bad), nil
	}
	return nil, nil
}

// verifyRowsOf compares the rows of the entities ents with their last audit images.
func verifyRowsOf(ctx context.Context, tx *store.Tx, ents []entity) (*Error, error) {
	return verifyRowsWith(ctx, tx, ents, nil)
}

// verifyRowsWith is verifyRowsOf with the documents' image records kept by the chain
// check (auditPass), or read again when nil.
func verifyRowsWith(ctx context.Context, tx *store.Tx, ents []entity, docs []byte) (*Error, error) {
	for _, e := range ents {
		if e == entDoc {
			if f, err := verifyDocRows(ctx, tx, docs); f != nil || err != nil {
				return f, err
			}
			continue
		}
		current, err := allImages(ctx, tx, e)
		if err != nil {
			return nil, err
		}
		audited := map[string]bool{}
		var failure *Error
		err = latestImages(ctx, tx, e, func(id string, seq int64, after string, bad bool) bool {
			if bad {
				failure = refuse(CodeVerifyChain, "seq", seq)
				return false
			}
			audited[id] = true
			cur, exists := current[id]
			switch {
			case after == "" && exists:
				failure = refuse(CodeVerifyUnrecorded, "what", e.name, "id", label(cur, id))
			case after != "" && !exists:
				failure = refuse(CodeVerifyMissing, "what", e.name, "id", label(after, id), "seq", seq)
			case after != "" && after != cur: // the same bytes: nothing to compare field by field
				if field, was, now := imageDiff(after, cur); field != "" {
					failure = refuse(CodeVerifyChanged, "what", e.name, "id", label(after, id), "field", field,
						"was", was, "now", now, "seq", seq)
				}
			}
			return failure == nil
		})
		if err != nil {
			return nil, err
		}
		if failure != nil {
			return failure, nil
		}
		var baseline map[string]string
		if e == entRole {
			// The rows the migration seeded carry no record: each must be its default.
			if baseline, err = roleBaseline(ctx, tx); err != nil {
				return nil, err
			}
			if f := verifyRoleBaseline(baseline, audited, current); f != nil {
				return f, nil
			}
		}
		for id, cur := range current {
			if _, seeded := baseline[id]; !audited[id] && !seeded {
				return refuse(CodeVerifyUnrecorded, "what", e.name, "id", label(cur, id)), nil
			}
		}
	}
	return nil, nil
}

// verifyRoleBaseline compares the account roles the trail has no record of with their
// defaults (roleBaseline): each of the book's roles has a row, and an unrecorded one maps
// its default account.
func verifyRoleBaseline(baseline map[string]string, audited map[string]bool, current map[string]string) *Error {
	ids := make([]string, 0, len(baseline))
	for id := range baseline {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		cur := current[id]
		if audited[id] || cur == baseline[id] {
			continue
		}
		var was, now struct{ Account string }
		json.Unmarshal([]byte(baseline[id]), &was)
		json.Unmarshal([]byte(cur), &now)
		return refuse(CodeVerifyRole, "role", roleKey(AccountRole(id)), "account", now.Account, "default", was.Account)
	}
	return nil
}

// label names a row for a person: its code or name where it has one, else its key.
func label(image, id string) string {
	var m map[string]any
	if json.Unmarshal([]byte(image), &m) == nil {
		for _, k := range []string{"code", "name", "role", "account", "period"} {
			if v, ok := m[k]; ok && v != nil {
				return fmt.Sprint(v)
			}
		}
	}
	return id
}

func verifyAccounts(ctx context.Context, tx *store.Tx) (*Error, error) {
	var code sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT a.code FROM accounts a LEFT JOIN accounts p ON p.code = a.parent
		WHERE (a.parent IS NOT NULL AND (p.code IS NULL OR a.code NOT GLOB p.code || '[0-9][0-9]' OR a.level <> p.level + 1))
		   OR (a.parent IS NULL AND (length(a.code) <> 4 OR a.level <> 1))
		ORDER BY a.code LIMIT 1`).Scan(&code)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return refuse(CodeVerifyAccounts, "account", code.String), nil
}

func verifyOpening(ctx context.Context, tx *store.Tx) (*Error, error) {
	var code string
	err := tx.QueryRowContext(ctx, `SELECT o.account FROM opening_balances o
		WHERE o.account GLOB '1405*' OR EXISTS (SELECT 1 FROM accounts c WHERE c.parent = o.account)
		ORDER BY o.account LIMIT 1`).Scan(&code)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return refuse(CodeVerifyOpening, "account", code), nil
}

func verifyPeriods(ctx context.Context, tx *store.Tx) (*Error, error) {
	var p string
	err := tx.QueryRowContext(ctx, `SELECT c.period FROM periods c WHERE c.closed = 1
		AND EXISTS (SELECT 1 FROM periods o WHERE o.closed = 0 AND o.period < c.period) ORDER BY c.period LIMIT 1`).Scan(&p)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return refuse(CodeVerifyPeriods, "period", p), nil
}

func verifyStock(ctx context.Context, tx *store.Tx) (*Error, error) {
	var item, wh string
	var stored, computed Qty
	// The quantities per period (stock_period_qty) equal their periods' movements: the
	// movements and the stored quantities (negated) netted in one grouping, so that a
	// key that does not cancel is one where they differ (read from stock_moves_day, which
	// holds every column it needs).
	var period string
	var itemID, whID int64
	err := tx.QueryRowContext(ctx, `SELECT c.period, c.item_id, c.warehouse_id, i.code, w.code FROM (
			SELECT k.value ->> 0 AS period, k.value ->> 1 AS item_id, k.value ->> 2 AS warehouse_id FROM json_each((
				SELECT verify_net(3, period, item_id, warehouse_id, qty) FROM (
					SELECT period, item_id, warehouse_id, qty FROM stock_moves
					UNION ALL
					SELECT period, item_id, warehouse_id, -qty FROM stock_period_qty))) k) c
		JOIN items i ON i.id = c.item_id JOIN warehouses w ON w.id = c.warehouse_id
		ORDER BY c.period, i.code, w.code LIMIT 1`).Scan(&period, &itemID, &whID, &item, &wh)
	if err == nil {
		err = tx.QueryRowContext(ctx, `SELECT
			ifnull((SELECT qty FROM stock_period_qty WHERE period = ?1 AND item_id = ?2 AND warehouse_id = ?3), 0),
			ifnull((SELECT sum(qty) FROM stock_moves WHERE period = ?1 AND item_id = ?2 AND warehouse_id = ?3), 0)`,
			period, itemID, whID).Scan(&stored, &computed)
		if err != nil {
			return nil, err
		}
		return refuse(CodeVerifyOnHand, "item", item, "warehouse", wh+" ("+period+")", "stored", stored.String(), "computed", computed.String()), nil
	}
	if err != sql.ErrNoRows {
		return nil, err
	}
	// The kept on-hand equals the opening plus every movement: plus the quantities per
	// period, which equal the movements (above).
	err = tx.QueryRowContext(ctx, `WITH sums AS (
			SELECT item_id, warehouse_id, sum(qty) AS q FROM (
				SELECT item_id, warehouse_id, qty FROM opening_stock
				UNION ALL SELECT item_id, warehouse_id, qty FROM stock_period_qty)
			GROUP BY item_id, warehouse_id),
		cmp AS (
			SELECT s.item_id, s.warehouse_id, ifnull(h.qty, 0) AS stored, s.q AS computed
			FROM sums s LEFT JOIN stock_on_hand h ON h.item_id = s.item_id AND h.warehouse_id = s.warehouse_id
			UNION ALL
			SELECT h.item_id, h.warehouse_id, h.qty, 0 FROM stock_on_hand h
			WHERE NOT EXISTS (SELECT 1 FROM sums s WHERE s.item_id = h.item_id AND s.warehouse_id = h.warehouse_id))
		SELECT i.code, w.code, c.stored, c.computed FROM cmp c JOIN items i ON i.id = c.item_id
		JOIN warehouses w ON w.id = c.warehouse_id WHERE c.stored <> c.computed ORDER BY i.code, w.code LIMIT 1`).
		Scan(&item, &wh, &stored, &computed)
	if err == nil {
		return refuse(CodeVerifyOnHand, "item", item, "warehouse", wh, "stored", stored.String(), "computed", computed.String()), nil
	}
	if err != sql.ErrNoRows {
		return nil, err
	}
	// Movements belong to audited stock documents only, and each line's add up to what
	// it moves: the movements' quantities and the lines' (negated) netted per line in one
	// grouping, so that a line that does not cancel — or a movement of no such line — is
	// one where they differ.
	var number string
	err = tx.QueryRowContext(ctx, `SELECT d.number FROM docs d WHERE d.status <> 'audited'
		AND EXISTS (SELECT 1 FROM stock_moves m WHERE m.doc_id = d.id) LIMIT 1`).Scan(&number)
	if err == nil {
		return refuse(CodeVerifyMoves, "number", number), nil
	}
	if err != sql.ErrNoRows {
		return nil, err
	}
	var line int64
	err = tx.QueryRowContext(ctx, `SELECT line FROM (
			SELECT line_id AS line, abs(qty) AS q FROM stock_moves
			UNION ALL
			SELECT l.id, -CASE d.type WHEN 'DB' THEN 2 * l.qty WHEN 'PD' THEN abs(l.qty - ifnull(l.book_qty, l.qty)) ELSE l.qty END
			FROM doc_lines l JOIN docs d ON d.id = l.doc_id
			WHERE d.status = 'audited' AND d.type IN ('CG', 'CT', 'XS', 'XT', 'QR', 'QC', 'DB', 'PD'))
		GROUP BY line HAVING sum(q) <> 0 LIMIT 1`).Scan(&line)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// The line's document, or the document its movements name when it has none.
	err = tx.QueryRowContext(ctx, `SELECT ifnull(
		(SELECT d.number FROM doc_lines l JOIN docs d ON d.id = l.doc_id WHERE l.id = ?1),
		(SELECT ifnull(d.number, m.doc_id) FROM stock_moves m LEFT JOIN docs d ON d.id = m.doc_id WHERE m.line_id = ?1 LIMIT 1))`,
		line).Scan(&number)
	if err != nil {
		return nil, err
	}
	return refuse(CodeVerifyMoves, "number", number), nil
}

// verifyLedgerFrom checks the periods from `from` on: their summaries equal their
// voucher lines, their vouchers balance, their trial balances balance, and 1405 equals
// the stock at the end of the closed ones.
func verifyLedgerFrom(ctx context.Context, tx *store.Tx, from Period) (*Error, error) {
	return (&voucherPass{from: from}).ledger(ctx, tx)
}

// ledger is verifyLedgerFrom with the pass's vouchers.
func (p *voucherPass) ledger(ctx context.Context, tx *store.Tx) (*Error, error) {
	for _, check := range []func(context.Context, *store.Tx) (*Error, error){p.summaries, p.balanced} {
		if f, err := check(ctx, tx); f != nil || err != nil {
			return f, err
		}
	}
	from := p.from
	var period string
	var dr, cr Money
	where, args := summariesFrom(from)
	err := tx.QueryRowContext(ctx, `SELECT period, sum(debit), sum(credit) FROM account_periods `+where+`
		GROUP BY period HAVING sum(debit) <> sum(credit) ORDER BY period LIMIT 1`, args...).Scan(&period, &dr, &cr)
	if err == nil {
		return refuse(CodeVerifyTrial, "period", period, "debit", dr.Format(), "credit", cr.Format()), nil
	}
	if err != sql.ErrNoRows {
		return nil, err
	}
	// The stock against the inventory role's account.
	s, err := loadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	roles, err := loadRoles(ctx, tx, s.Taxpayer)
	if err != nil {
		return nil, err
	}
	var stock, gl Money
	// The account's balance at each period's end: its movements up to the period, added
	// up once in period order (gl), after the opening stock.
	err = tx.QueryRowContext(ctx, `WITH gl AS (
			SELECT period, sum(sum(debit - credit)) OVER (ORDER BY period) AS upto
			FROM account_periods WHERE account = ?2 GROUP BY period),
		c AS (
			SELECT x.period, x.s, (SELECT ifnull(sum(amount), 0) FROM opening_stock) +
				ifnull((SELECT upto FROM gl WHERE gl.period <= x.period ORDER BY gl.period DESC LIMIT 1), 0) AS g
			FROM (SELECT period, sum(amount) AS s FROM item_period_costs WHERE period >= ?1 GROUP BY period) x
			JOIN periods p ON p.period = x.period AND p.closed = 1)
		SELECT period, s, g FROM c WHERE s <> g ORDER BY period LIMIT 1`, from, roles[InventoryRole]).Scan(&period, &stock, &gl)
	if err == nil {
		return refuse(CodeVerifyStock1405, "period", period, "stock", stock.Format(), "account", gl.Format()), nil
	}
	if err != sql.ErrNoRows {
		return nil, err
	}
	return nil, nil
}
