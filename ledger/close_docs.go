package ledger

import (
	"context"

	"shopbooks/store"
)

// What the close reads in bulk: the period's documents with their lines (as loadDoc
// reads one), and the chart, items and partners its generated vouchers are checked
// against (as checkVoucherLines reads them one line at a time).

// voucherDocsWhere selects the documents that get a voucher at the close: the period's
// audited ones, orders and transfers aside.
const voucherDocsWhere = ` WHERE d.period = ? AND d.status = 'audited' AND d.type NOT IN ('CD', 'XD', 'DB')`

// periodVoucherDocs reads the period's documents that get a voucher, each with its
// lines, in no particular order: only what the templates use (DocVoucherLines,
// VoucherSummary): of a document its type, number, date, partner, settlement account and
// amounts; of a line its item code, quantities, amounts and account, and its cost (the
// movements' amount, as loadDoc reads it) for the documents whose template posts it,
// other-outs and counts.
func periodVoucherDocs(ctx context.Context, tx *store.Tx, period Period) ([]Doc, error) {
	rows, err := tx.QueryContext(ctx, `SELECT d.id, d.type, d.number, d.date, ifnull(p.code, ''), ifnull(p.name, ''),
		ifnull(d.account, ''), d.deductible, d.amount, d.paid, d.advance_used, d.applied, d.advance, d.vat, d.gross
		FROM docs d LEFT JOIN partners p ON p.id = d.partner_id`+voucherDocsWhere, period)
	if err != nil {
		return nil, err
	}
	var docs []Doc
	at := map[DocID]int{}
	for rows.Next() {
		d := Doc{Status: StatusAudited}
		if err := rows.Scan(&d.ID, &d.Type, &d.Number, &d.Date, &d.Partner, &d.PartnerName, &d.Account, &d.Deductible,
			&d.Amount, &d.Paid, &d.AdvanceUsed, &d.Applied, &d.Advance, &d.Tax, &d.Gross); err != nil {
			rows.Close()
			return nil, err
		}
		at[d.ID] = len(docs)
		docs = append(docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT l.doc_id, l.line_no, ifnull(i.code, ''), l.qty, l.net, l.gross, l.inv_amount,
		ifnull(l.book_qty, 0), l.book_qty IS NOT NULL, l.abnormal, ifnull(l.account, ''),
		CASE WHEN d.type IN ('`+string(DocOtherOut)+`', '`+string(DocCount)+`') THEN
			ifnull((SELECT -sum(m.amount) FROM stock_moves m WHERE m.line_id = l.id AND m.kind <> 0), 0) ELSE 0 END
		FROM docs d JOIN doc_lines l ON l.doc_id = d.id LEFT JOIN items i ON i.id = l.item_id`+voucherDocsWhere+`
		ORDER BY d.type, d.id, l.line_no`, period) // the order of docs_period and doc_lines' key: no sort
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id DocID
		var l DocLine
		if err := rows.Scan(&id, &l.No, &l.Item, &l.Qty, &l.Net, &l.Gross, &l.InvAmount, &l.BookQty, &l.HasBookQty,
			&l.Abnormal, &l.Account, &l.Cost); err != nil {
			return nil, err
		}
		if l.Cost < 0 {
			l.Cost = -l.Cost // an inflow's movement amount is positive
		}
		i, ok := at[id]
		if !ok {
			continue
		}
		docs[i].Lines = append(docs[i].Lines, l)
	}
	return docs, rows.Err()
}

// chartCache answers checkVoucherLines's look-ups from what was read in bulk; a code it
// does not hold is looked up in the book as usual (same answer, same refusal).
type chartCache struct {
	accounts map[string]Account
	items    map[string]Item
	partners map[string]Partner
}

// loadChartCache reads every account, item and partner.
func loadChartCache(ctx context.Context, tx *store.Tx) (*chartCache, error) {
	c := &chartCache{accounts: map[string]Account{}, items: map[string]Item{}, partners: map[string]Partner{}}
	rows, err := tx.QueryContext(ctx, "SELECT "+accountCols+" FROM accounts a")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		c.accounts[a.Code] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if rows, err = tx.QueryContext(ctx, "SELECT "+itemCols+itemFrom); err != nil {
		return nil, err
	}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		c.items[it.Code] = it
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if rows, err = tx.QueryContext(ctx, "SELECT "+partnerCols+" FROM partners"); err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPartner(rows)
		if err != nil {
			return nil, err
		}
		c.partners[p.Code] = p
	}
	return c, rows.Err()
}

func (c *chartCache) account(ctx context.Context, tx *store.Tx, code string) (Account, error) {
	if c != nil {
		if a, ok := c.accounts[code]; ok {
			return a, nil
		}
	}
	return loadAccount(ctx, tx, code)
}

func (c *chartCache) item(ctx context.Context, tx *store.Tx, code string) (Item, error) {
	if c != nil {
		if it, ok := c.items[code]; ok {
			return it, nil
		}
	}
	return loadItem(ctx, tx, code)
}

func (c *chartCache) partner(ctx context.Context, tx *store.Tx, code string) (Partner, error) {
	if c != nil {
		if p, ok := c.partners[code]; ok {
			return p, nil
		}
	}
	return loadPartner(ctx, tx, code)
}
