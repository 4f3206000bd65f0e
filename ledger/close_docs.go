package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

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
	// The documents, then their lines, each as one text (a row's values apart by U+001F,
	// rows by U+001E): the driver's cost is per row and per value, and a busy month has
	// ~7,000 documents and ~30,000 lines. Codes, names and accounts hold no control
	// characters (the services refuse them).
	var heads sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT group_concat(d.id || char(31) || d.type || char(31) || d.number || char(31) ||
		d.date || char(31) || ifnull(p.code, '') || char(31) || ifnull(p.name, '') || char(31) || ifnull(d.account, '') || char(31) ||
		d.deductible || char(31) || d.amount || char(31) || d.paid || char(31) || d.advance_used || char(31) || d.applied || char(31) ||
		d.advance || char(31) || d.vat || char(31) || d.gross, char(30))
		FROM docs d LEFT JOIN partners p ON p.id = d.partner_id`+voucherDocsWhere, period).Scan(&heads)
	if err != nil || heads.String == "" {
		return nil, err
	}
	var docs []Doc
	at := map[DocID]int{}
	for row := range strings.SplitSeq(heads.String, "\x1e") {
		d, err := unpackCloseDoc(row)
		if err != nil {
			return nil, err
		}
		at[d.ID] = len(docs)
		docs = append(docs, d)
	}
	var all sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT group_concat(x, char(30)) FROM (SELECT l.doc_id || char(31) || l.line_no || char(31) ||
		ifnull(i.code, '') || char(31) || l.qty || char(31) || l.net || char(31) || l.gross || char(31) || l.inv_amount || char(31) ||
		ifnull(l.book_qty, '') || char(31) || l.abnormal || char(31) || ifnull(l.account, '') || char(31) ||
		CASE WHEN d.type IN ('`+string(DocOtherOut)+`', '`+string(DocCount)+`') THEN
			ifnull((SELECT -sum(m.amount) FROM stock_moves m WHERE m.line_id = l.id AND m.kind <> 0), 0) ELSE 0 END AS x
		FROM docs d JOIN doc_lines l ON l.doc_id = d.id LEFT JOIN items i ON i.id = l.item_id`+voucherDocsWhere+`
		ORDER BY d.type, d.id, l.line_no)`, period).Scan(&all) // the order of docs_period and doc_lines' key: no sort
	if err != nil || all.String == "" {
		return docs, err
	}
	for row := range strings.SplitSeq(all.String, "\x1e") {
		id, l, err := unpackCloseLine(row)
		if err != nil {
			return nil, err
		}
		if i, ok := at[id]; ok {
			docs[i].Lines = append(docs[i].Lines, l)
		}
	}
	for i := range docs { // in line order, whatever order group_concat took them in
		slices.SortFunc(docs[i].Lines, func(a, b DocLine) int { return a.No - b.No })
	}
	return docs, nil
}

// unpackFields splits a row of periodVoucherDocs' text into its n values.
func unpackFields(row string, n int) ([]string, error) {
	f := make([]string, n)
	for i := range f {
		var found bool
		if f[i], row, found = strings.Cut(row, "\x1f"); found != (i < n-1) {
			return nil, fmt.Errorf("close: a document row does not unpack: %q", row)
		}
	}
	return f, nil
}

// unpackInts reads the values of f at the indexes ks as integers ("" is 0).
func unpackInts(f []string, ks ...int) ([]int64, error) {
	out := make([]int64, len(ks))
	for i, k := range ks {
		if f[k] == "" {
			continue
		}
		v, err := strconv.ParseInt(f[k], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("close: a document row does not unpack: %w", err)
		}
		out[i] = v
	}
	return out, nil
}

// unpackCloseDoc splits a document of periodVoucherDocs' text.
func unpackCloseDoc(row string) (Doc, error) {
	f, err := unpackFields(row, 15)
	if err != nil {
		return Doc{}, err
	}
	n, err := unpackInts(f, 0, 7, 8, 9, 10, 11, 12, 13, 14)
	if err != nil {
		return Doc{}, err
	}
	return Doc{ID: DocID(n[0]), Status: StatusAudited, Type: DocType(f[1]), Number: f[2], Date: Date(f[3]), Partner: f[4],
		PartnerName: f[5], Account: f[6], Deductible: n[1] != 0, Amount: Money(n[2]), Paid: Money(n[3]),
		AdvanceUsed: Money(n[4]), Applied: Money(n[5]), Advance: Money(n[6]), Tax: Money(n[7]), Gross: Money(n[8])}, nil
}

// unpackCloseLine splits a line of periodVoucherDocs' text: its document's id and the
// line.
func unpackCloseLine(row string) (DocID, DocLine, error) {
	f, err := unpackFields(row, 11)
	if err != nil {
		return 0, DocLine{}, err
	}
	n, err := unpackInts(f, 0, 1, 3, 4, 5, 6, 7, 8, 10)
	if err != nil {
		return 0, DocLine{}, err
	}
	l := DocLine{No: int(n[1]), Item: f[2], Qty: Qty(n[2]), Net: Money(n[3]), Gross: Money(n[4]), InvAmount: Money(n[5]),
		BookQty: Qty(n[6]), HasBookQty: f[7] != "", Abnormal: n[7] != 0, Account: f[9], Cost: Money(n[8])}
	if l.Cost < 0 {
		l.Cost = -l.Cost // an inflow's movement amount is positive
	}
	return DocID(n[0]), l, nil
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
	items, err := readItems(ctx, tx, ItemFilter{Inactive: true}) // from item_list: one text per item
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		c.items[it.Code] = it
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
