package ledger

import (
	"context"
	"database/sql"

	"shopbooks/store"
)

// quickChainTail is how many of the latest audit records VerifyQuick re-hashes.
const quickChainTail = 500

// VerifyQuick is the check the window runs each time it opens a book (issue 7's fast
// path): what can be checked in a moment on a book of years, so that a book edited or
// damaged since it was last used is noticed at once, while Verify (the `verify` command,
// and the full check in the settings) goes through everything. It checks:
//   - chain: the latest records of the trail (quickChainTail) hash, link and number on;
//   - rows: every master-data row (book, periods, users, units, categories, warehouses,
//     items, partners, accounts, openings) equals its last audit image — documents and
//     manual vouchers are left to Verify;
//   - accounts, opening and periods as Verify does;
//   - ledger: from the latest closed period on (earlier ones are guarded by their
//     triggers and seals), summaries equal voucher lines, vouchers and trial balances
//     balance, 1405 equals the stock at the close;
//   - seal: the latest closed period's vouchers are those its close sealed;
//   - schema: every table, index and trigger is the migrations' own.
//
// SQLite's page-level integrity check reads the whole file and is Verify's.
func (b *Book) VerifyQuick(ctx context.Context) (VerifyReport, error) {
	var master []entity
	for _, e := range imaged {
		if e != entDoc && e != entVoucher {
			master = append(master, e)
		}
	}
	return b.runChecks(ctx, VerifyReport{}, []verifyCheck{
		{"chain", verifyChainTail},
		{"rows", func(ctx context.Context, tx *store.Tx) (*Error, error) { return verifyRowsOf(ctx, tx, master) }},
		{"accounts", verifyAccounts},
		{"opening", verifyOpening},
		{"periods", verifyPeriods},
	}, []verifyCheck{
		{"ledger", func(ctx context.Context, tx *store.Tx) (*Error, error) {
			// From the latest closed period (its 1405 against the stock) on.
			var last sql.NullString
			if err := tx.QueryRowContext(ctx, "SELECT max(period) FROM periods WHERE closed = 1").Scan(&last); err != nil {
				return nil, err
			}
			return verifyLedgerFrom(ctx, tx, Period(last.String))
		}},
	}, []verifyCheck{
		{"seals", verifyLatestSeal},
	})
}

// verifyChainTail: the latest quickChainTail records hash to their hashes, link to
// their predecessors and number on without a gap (the whole chain is Verify's).
func verifyChainTail(ctx context.Context, tx *store.Tx) (*Error, error) {
	var last int64
	if err := tx.QueryRowContext(ctx, "SELECT ifnull(max(seq), 0) FROM audit_log").Scan(&last); err != nil {
		return nil, err
	}
	return verifyChainFrom(ctx, tx, max(1, last-quickChainTail+1))
}

// verifyLatestSeal is verifySealsFrom for the latest closed period only.
func verifyLatestSeal(ctx context.Context, tx *store.Tx) (*Error, error) {
	var p sql.NullString
	if err := tx.QueryRowContext(ctx, "SELECT max(period) FROM periods WHERE closed = 1").Scan(&p); err != nil {
		return nil, err
	}
	if !p.Valid {
		return nil, nil
	}
	return verifySealsFrom(ctx, tx, Period(p.String))
}
