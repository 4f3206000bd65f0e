package ledger

import (
	"cmp"
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
// audited ones, orders and transfers aside. The period's term is `+d.period` where the
// documents are read as a range of ids.
const voucherDocsWhere = ` d.period = ? AND d.status = 'audited' AND d.type NOT IN ('CD', 'XD', 'DB')`

// periodVoucherDocs reads the period's documents that get a voucher, each with its
// lines, in no particular order: only what the templates use (DocVoucherLines,
// VoucherSummary): of a document its type, number, date, partner, settlement account and
// amounts; of a line its item code, quantities, amounts and account, and its cost (the
// movements' amount, as loadDoc reads it) for the documents whose template posts it,
// other-outs and counts: from the period's movements as the costing run left them.
// Partners and items are the chart's, by id.
func periodVoucherDocs(ctx context.Context, tx *store.Tx, period Period, moves []periodMove, chart *chartCache) ([]Doc, error) {
	// The documents, then their lines, each as one text (a row's values apart by U+001F,
	// rows by U+001E): the driver's cost is per row and per value, and a busy month has
	// ~7,000 documents and ~30,000 lines. Codes, names and accounts hold no control
	// characters (the services refuse them). A month's documents and their lines are
	// mostly entered side by side: then each is read as a range of its table.
	docLo, docHi, dense, err := denseIDs(ctx, tx, "SELECT count(*), ifnull(min(id), 0), ifnull(max(id), 0) FROM docs WHERE period = ?", period)
	if err != nil {
		return nil, err
	}
	where, args := "WHERE"+voucherDocsWhere, []any{period}
	if dense {
		where, args = "WHERE d.id BETWEEN ? AND ? AND +"+voucherDocsWhere[1:], []any{docLo, docHi, period}
	}
	var heads sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT group_concat(concat_ws(char(31), d.id, d.type, d.number, d.date, ifnull(d.partner_id, 0),
		ifnull(d.account, ''), d.deductible, d.amount, d.paid, d.advance_used, d.applied, d.advance, d.vat, d.gross), char(30))
		FROM docs d `+where, args...).Scan(&heads)
	if err != nil || heads.String == "" {
		return nil, err
	}
	n := strings.Count(heads.String, "\x1e") + 1
	docs := make([]Doc, 0, n)
	at := make(map[DocID]int, n)
	costed := map[int64]bool{} // the other-outs and counts
	for row := range strings.SplitSeq(heads.String, "\x1e") {
		d, partner, err := unpackCloseDoc(row)
		if err != nil {
			return nil, err
		}
		if partner != 0 {
			p, ok := chart.partnerByID[PartnerID(partner)]
			if !ok {
				return nil, fmt.Errorf("%s: partner %d: %w", d.Number, partner, sql.ErrNoRows)
			}
			d.Partner, d.PartnerName = p.Code, p.Name
		}
		at[d.ID] = len(docs)
		docs = append(docs, d)
		if d.Type == DocOtherOut || d.Type == DocCount {
			costed[int64(d.ID)] = true
		}
	}
	cost := map[int64]Money{} // by line: the amount of its movements
	for _, m := range moves {
		if costed[m.doc] {
			cost[m.line] += m.amount
		}
	}
	const lineCols = `concat_ws(char(31), l.doc_id, l.id, l.line_no, ifnull(l.item_id, 0), l.qty, l.net, l.gross, l.inv_amount,
		ifnull(l.book_qty, ''), l.abnormal, ifnull(l.account, ''))`
	q := `SELECT group_concat(x, char(30)) FROM (SELECT ` + lineCols + ` AS x FROM docs d JOIN doc_lines l ON l.doc_id = d.id
		WHERE` + voucherDocsWhere + ` ORDER BY d.type, d.id, l.line_no)` // the order of docs_period and doc_lines' key: no sort
	args = []any{period}
	if dense {
		lo, hi, dense, err := denseIDs(ctx, tx, "SELECT count(*), ifnull(min(id), 0), ifnull(max(id), 0) FROM doc_lines WHERE doc_id BETWEEN ? AND ?",
			docLo, docHi)
		if err != nil {
			return nil, err
		}
		if dense {
			q = `SELECT group_concat(` + lineCols + `, char(30)) FROM doc_lines l JOIN docs d ON d.id = l.doc_id
				WHERE l.id BETWEEN ? AND ? AND +` + voucherDocsWhere[1:]
			args = []any{lo, hi, period}
		}
	}
	var all sql.NullString
	if err := tx.QueryRowContext(ctx, q, args...).Scan(&all); err != nil || all.String == "" {
		return docs, err
	}
	type docLine struct {
		at int // in docs
		l  DocLine
	}
	lines := make([]docLine, 0, strings.Count(all.String, "\x1e")+1)
	count := make([]int, len(docs))
	for row := range strings.SplitSeq(all.String, "\x1e") {
		doc, id, item, l, err := unpackCloseLine(row)
		if err != nil {
			return nil, err
		}
		i, ok := at[doc]
		if !ok {
			continue
		}
		if item != 0 {
			it, ok := chart.itemByID[ItemID(item)]
			if !ok {
				return nil, fmt.Errorf("%s: item %d: %w", docs[i].Number, item, sql.ErrNoRows)
			}
			l.Item = it.Code
		}
		l.Cost = cost[id]
		if l.Cost < 0 {
			l.Cost = -l.Cost // an outflow's movement amount is negative, an inflow's positive
		}
		lines = append(lines, docLine{i, l})
		count[i]++
	}
	// Every document's lines side by side in one slice.
	backing := make([]DocLine, len(lines))
	next := 0
	for i, c := range count {
		if c > 0 {
			docs[i].Lines = backing[next : next : next+c]
			next += c
		}
	}
	for _, x := range lines {
		docs[x.at].Lines = append(docs[x.at].Lines, x.l)
	}
	for i := range docs { // in line order, whatever order group_concat took them in
		slices.SortFunc(docs[i].Lines, func(a, b DocLine) int { return a.No - b.No })
	}
	return docs, nil
}

// denseIDs runs a query of the count, the least and the greatest id of some rows of a
// table, and tells whether those rows are dense enough among the ids (no more other rows
// than twice theirs and a thousand) to be read as that range of the table: one pass over
// neighbouring pages instead of a look-up per row through an index.
func denseIDs(ctx context.Context, tx *store.Tx, q string, args ...any) (lo, hi int64, dense bool, err error) {
	var n int64
	if err := tx.QueryRowContext(ctx, q, args...).Scan(&n, &lo, &hi); err != nil {
		return 0, 0, false, err
	}
	return lo, hi, n > 0 && hi-lo < 3*n+1000, nil
}

// packedRow reads the values of a row of a packed text (apart by U+001F) one after
// another; end tells whether the row held exactly the values read, all well formed.
type packedRow struct {
	s    string
	done bool // the last value was read
	err  error
}

func (r *packedRow) str() string {
	if r.done {
		r.err = cmp.Or(r.err, fmt.Errorf("close: a row does not unpack: too few values"))
		return ""
	}
	v, rest, found := strings.Cut(r.s, "\x1f")
	r.s, r.done = rest, !found
	return v
}

// int reads an integer ("" is 0).
func (r *packedRow) int() int64 {
	v := r.str()
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.err = cmp.Or(r.err, fmt.Errorf("close: a row does not unpack: %w", err))
	}
	return n
}

func (r *packedRow) end() error {
	if r.err == nil && !r.done {
		r.err = fmt.Errorf("close: a row does not unpack: too many values")
	}
	return r.err
}

// unpackCloseDoc splits a document of periodVoucherDocs' text: the document and its
// partner's id (0 for none).
func unpackCloseDoc(row string) (Doc, int64, error) {
	f := packedRow{s: row}
	d := Doc{ID: DocID(f.int()), Status: StatusAudited, Type: DocType(f.str()), Number: f.str(), Date: Date(f.str())}
	partner := f.int()
	d.Account, d.Deductible = f.str(), f.int() != 0
	d.Amount, d.Paid, d.AdvanceUsed, d.Applied = Money(f.int()), Money(f.int()), Money(f.int()), Money(f.int())
	d.Advance, d.Tax, d.Gross = Money(f.int()), Money(f.int()), Money(f.int())
	return d, partner, f.end()
}

// unpackCloseLine splits a line of periodVoucherDocs' text: its document's id, its id,
// its item's id (0 for none) and the line.
func unpackCloseLine(row string) (DocID, int64, int64, DocLine, error) {
	f := packedRow{s: row}
	doc, id := DocID(f.int()), f.int()
	l := DocLine{No: int(f.int())}
	item := f.int()
	l.Qty, l.Net, l.Gross, l.InvAmount = Qty(f.int()), Money(f.int()), Money(f.int()), Money(f.int())
	bookQty := f.str()
	l.HasBookQty = bookQty != ""
	if l.HasBookQty {
		n, err := strconv.ParseInt(bookQty, 10, 64)
		if err != nil {
			return 0, 0, 0, DocLine{}, fmt.Errorf("close: a row does not unpack: %w", err)
		}
		l.BookQty = Qty(n)
	}
	l.Abnormal, l.Account = f.int() != 0, f.str()
	return doc, id, item, l, f.end()
}

// chartCache answers checkVoucherLines's look-ups from what was read in bulk; a code it
// does not hold is looked up in the book as usual (same answer, same refusal).
type chartCache struct {
	accounts    map[string]Account
	items       map[string]Item
	partners    map[string]Partner
	itemByID    map[ItemID]Item
	partnerByID map[PartnerID]Partner
}

// loadChartCache reads every account, item and partner.
func loadChartCache(ctx context.Context, tx *store.Tx) (*chartCache, error) {
	c := &chartCache{accounts: map[string]Account{}, items: map[string]Item{}, partners: map[string]Partner{},
		itemByID: map[ItemID]Item{}, partnerByID: map[PartnerID]Partner{}}
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
		c.items[it.Code], c.itemByID[it.ID] = it, it
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
		c.partners[p.Code], c.partnerByID[p.ID] = p, p
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
