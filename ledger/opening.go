package ledger

import (
	"context"
	"database/sql"
	"errors"

	"shopbooks/store"
)

// Opening balances (期初余额, DOMAIN.md §6.1): entered before the first period, editable
// until it is closed. Per leaf account, per partner where the account is kept by
// partner. 1405 is never entered: it is the sum of the opening stock per item ×
// warehouse.

// OpeningBalance is one account's (or account × partner's) opening balance.
type OpeningBalance struct {
	Account     string
	AccountName string
	Partner     string // partner code, "" when the account is not kept per partner
	PartnerName string
	Side        string // the account's normal side, D or C
	Amount      Money  // on the normal side: positive is a debit for a D account
	YTDDebit    Money  // year-to-date movements when the first period is not January
	YTDCredit   Money
}

// OpeningStock is an item's opening stock in one warehouse.
type OpeningStock struct {
	Item          string
	ItemName      string
	Warehouse     string
	WarehouseName string
	Qty           Qty
	Amount        Money
}

// OpeningCheck is the live check of the opening balances (DOMAIN.md §6.1).
type OpeningCheck struct {
	Debit, Credit         Money // Σ debit and credit balances over leaves, 1405 included
	Stock                 Money // Σ opening stock amounts
	Account1405           Money // the opening balance of 1405: the stock, plus anything posted to it directly
	YearDebit, YearCredit Money // the same for 年初余额 (balance less YTD movements)
	Balanced              bool  // Debit = Credit and YearDebit = YearCredit
	StockMatches          bool  // Stock = Account1405
}

// SetOpening sets the opening balance of a leaf account (for a partner where the account
// needs one). amount is on the account's normal side; ytdDebit and ytdCredit are the
// year-to-date movements when the first period is not January (for a P&L account, its
// year-to-date amounts; its balance is zero). All zero removes the entry. Needs
// PermChart; refused once the first period is closed.
func (b *Book) SetOpening(ctx context.Context, by *User, account, partner string, amount, ytdDebit, ytdCredit Money) error {
	return b.write(ctx, by, PermChart, func(tx *store.Tx) error {
		return setOpening(ctx, tx, by, account, partner, amount, ytdDebit, ytdCredit)
	})
}

func setOpening(ctx context.Context, tx *store.Tx, by *User, account, partner string, amount, ytdDebit, ytdCredit Money) error {
	s, err := startOpen(ctx, tx)
	if err != nil {
		return err
	}
	a, err := loadAccount(ctx, tx, account)
	if err != nil {
		return err
	}
	switch {
	case a.Controlled || a.Aux == "item":
		return refuse(CodeOpeningStock, "account", a.Code)
	case !a.Leaf:
		return refuse(CodeAccountNotLeaf, "account", a.Code)
	case !a.Active:
		return refuse(CodeAccountInactive, "account", a.Code)
	case s.Start.Month() == 1 && (ytdDebit != 0 || ytdCredit != 0):
		return refuse(CodeOpeningYTD)
	case a.Category == "P" && amount != 0:
		return refuse(CodeOpeningPL, "account", a.Code)
	case ytdDebit < 0:
		return refuse(CodeNumberNegative, "field", "ytd_debit", "value", ytdDebit.String())
	case ytdCredit < 0:
		return refuse(CodeNumberNegative, "field", "ytd_credit", "value", ytdCredit.String())
	}
	var pid sql.NullInt64
	switch {
	case partner == "" && a.AuxRequired:
		return refuse(CodeAuxRequired, "account", a.Code, "aux", auxKey(a.Aux))
	case partner != "" && a.Aux == "":
		return refuse(CodeAuxNotAllowed, "account", a.Code)
	case partner != "":
		p, err := loadPartner(ctx, tx, partner)
		if err != nil {
			return err
		}
		if a.Aux == "customer" && !p.Customer || a.Aux == "supplier" && !p.Supplier {
			return refuse(CodeAuxWrongKind, "account", a.Code, "partner", p.Code, "aux", auxKey(a.Aux))
		}
		pid = sql.NullInt64{Int64: int64(p.ID), Valid: true}
	}
	stored := amount
	if a.Side == "C" {
		stored = -amount
	}
	var id int64
	err = tx.QueryRowContext(ctx, "SELECT id FROM opening_balances WHERE account = ? AND ifnull(partner_id, 0) = ifnull(?, 0)",
		a.Code, pid).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if stored == 0 && ytdDebit == 0 && ytdCredit == 0 {
			return nil
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO opening_balances(account, partner_id, amount, ytd_debit, ytd_credit) VALUES (?, ?, ?, ?, ?)",
			a.Code, pid, stored, ytdDebit, ytdCredit)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return logChange(ctx, tx, by.Name, "opening.set", entOpening, id, "")
	case err != nil:
		return err
	case stored == 0 && ytdDebit == 0 && ytdCredit == 0:
		return deleteRow(ctx, tx, by, "opening.set", entOpening, id)
	}
	before, err := rowImage(ctx, tx, entOpening, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE opening_balances SET amount = ?, ytd_debit = ?, ytd_credit = ? WHERE id = ?",
		stored, ytdDebit, ytdCredit, id); err != nil {
		return err
	}
	return logChange(ctx, tx, by.Name, "opening.set", entOpening, id, before)
}

func auxKey(aux string) string { return "field.aux_" + aux }

// startOpen returns the settings, refusing when the first period is closed.
func startOpen(ctx context.Context, tx *store.Tx) (Settings, error) {
	s, err := loadSettings(ctx, tx)
	if err != nil {
		return s, err
	}
	var closed bool
	if err := tx.QueryRowContext(ctx, "SELECT closed FROM periods WHERE period = ?", s.Start).Scan(&closed); err != nil {
		return s, err
	}
	if closed {
		return s, refuse(CodePeriodClosed, "period", string(s.Start))
	}
	return s, nil
}

// SetOpeningStock sets an item's opening stock in a warehouse: quantity and amount (both
// ≥ 0; an amount needs a quantity). Zero and zero removes it. Needs PermChart; refused
// once the first period is closed.
func (b *Book) SetOpeningStock(ctx context.Context, by *User, item, warehouse string, qty Qty, amount Money) error {
	switch {
	case qty < 0:
		return refuse(CodeNumberNegative, "field", "qty", "value", qty.String())
	case amount < 0:
		return refuse(CodeNumberNegative, "field", "amount", "value", amount.String())
	case qty == 0 && amount != 0:
		return refuse(CodeRequired, "field", "qty")
	}
	return b.write(ctx, by, PermChart, func(tx *store.Tx) error {
		return setOpeningStock(ctx, tx, by, item, warehouse, qty, amount)
	})
}

func setOpeningStock(ctx context.Context, tx *store.Tx, by *User, item, warehouse string, qty Qty, amount Money) error {
	st, err := startOpen(ctx, tx)
	if err != nil {
		return err
	}
	it, err := loadItem(ctx, tx, item)
	if err != nil {
		return err
	}
	w, err := loadWarehouse(ctx, tx, warehouse)
	if err != nil {
		return err
	}
	var id int64
	var was Qty
	err = tx.QueryRowContext(ctx, "SELECT id, qty FROM opening_stock WHERE item_id = ? AND warehouse_id = ?", it.ID, w.ID).Scan(&id, &was)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if err := writeOpeningStock(ctx, tx, by, id, int64(it.ID), int64(w.ID), qty, amount); err != nil {
		return err
	}
	// Then what depends on it: on-hand, negative stock, the item's costs.
	if err := addOnHand(ctx, tx, int64(it.ID), int64(w.ID), qty-was); err != nil {
		return err
	}
	if qty < was && !st.AllowNegative {
		if err := checkNegative(ctx, tx, int64(it.ID), int64(w.ID), st.Start.FirstDay()); err != nil {
			return err
		}
	}
	return recost(ctx, tx, st, map[int64]bool{int64(it.ID): true})
}

// writeOpeningStock inserts, updates or (quantity 0) deletes the opening stock row id
// (0: none yet), with its audit record.
func writeOpeningStock(ctx context.Context, tx *store.Tx, by *User, id, itemID, whID int64, qty Qty, amount Money) error {
	switch {
	case id == 0 && qty == 0:
		return nil
	case id == 0:
		res, err := tx.ExecContext(ctx, "INSERT INTO opening_stock(item_id, warehouse_id, qty, amount) VALUES (?, ?, ?, ?)",
			itemID, whID, qty, amount)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return logChange(ctx, tx, by.Name, "opening.stock", entOpenStock, id, "")
	case qty == 0:
		return deleteRow(ctx, tx, by, "opening.stock", entOpenStock, id)
	}
	before, err := rowImage(ctx, tx, entOpenStock, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE opening_stock SET qty = ?, amount = ? WHERE id = ?", qty, amount, id); err != nil {
		return err
	}
	return logChange(ctx, tx, by.Name, "opening.stock", entOpenStock, id, before)
}

// Openings lists the opening balances by account and partner, and the opening stock by
// item and warehouse.
func (b *Book) Openings(ctx context.Context) ([]OpeningBalance, []OpeningStock, error) {
	var bals []OpeningBalance
	var stock []OpeningStock
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT o.account, a.name, ifnull(p.code, ''), ifnull(p.name, ''), a.side,
			CASE a.side WHEN 'C' THEN -o.amount ELSE o.amount END, o.ytd_debit, o.ytd_credit
			FROM opening_balances o JOIN accounts a ON a.code = o.account LEFT JOIN partners p ON p.id = o.partner_id
			ORDER BY o.account, p.code`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o OpeningBalance
			if err := rows.Scan(&o.Account, &o.AccountName, &o.Partner, &o.PartnerName, &o.Side, &o.Amount, &o.YTDDebit, &o.YTDCredit); err != nil {
				return err
			}
			bals = append(bals, o)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		srows, err := tx.QueryContext(ctx, `SELECT i.code, i.name, w.code, w.name, s.qty, s.amount FROM opening_stock s
			JOIN items i ON i.id = s.item_id JOIN warehouses w ON w.id = s.warehouse_id ORDER BY i.code, w.code`)
		if err != nil {
			return err
		}
		defer srows.Close()
		for srows.Next() {
			var o OpeningStock
			if err := srows.Scan(&o.Item, &o.ItemName, &o.Warehouse, &o.WarehouseName, &o.Qty, &o.Amount); err != nil {
				return err
			}
			stock = append(stock, o)
		}
		return srows.Err()
	})
	return bals, stock, fromStore(err)
}

// CheckOpening sums the opening balances: debits against credits (1405 as the stock
// total), and the same for the beginning of the year.
func (b *Book) CheckOpening(ctx context.Context) (OpeningCheck, error) {
	var c OpeningCheck
	err := b.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		c, err = openingCheck(ctx, tx)
		return err
	})
	return c, fromStore(err)
}

func openingCheck(ctx context.Context, tx *store.Tx) (OpeningCheck, error) {
	var c OpeningCheck
	err := func() error {
		var direct1405 Money
		err := tx.QueryRowContext(ctx, `SELECT
		ifnull(sum(CASE WHEN amount > 0 THEN amount ELSE 0 END), 0),
		ifnull(sum(CASE WHEN amount < 0 THEN -amount ELSE 0 END), 0),
		ifnull(sum(CASE WHEN account GLOB '1405*' THEN amount ELSE 0 END), 0)
		FROM opening_balances`).Scan(&c.Debit, &c.Credit, &direct1405)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT ifnull(sum(amount), 0) FROM opening_stock").Scan(&c.Stock); err != nil {
			return err
		}
		c.Account1405 = c.Stock + direct1405
		c.Debit += c.Stock
		// 年初余额 per balance-sheet leaf = opening − (YTD debit − YTD credit).
		var yd, yc Money
		err = tx.QueryRowContext(ctx, `SELECT
		ifnull(sum(CASE WHEN y > 0 THEN y ELSE 0 END), 0), ifnull(sum(CASE WHEN y < 0 THEN -y ELSE 0 END), 0)
		FROM (SELECT o.amount - (o.ytd_debit - o.ytd_credit) AS y FROM opening_balances o
		      JOIN accounts a ON a.code = o.account WHERE a.category <> 'P')`).Scan(&yd, &yc)
		if err != nil {
			return err
		}
		c.YearDebit, c.YearCredit = yd+c.Stock, yc
		c.Balanced = c.Debit == c.Credit && c.YearDebit == c.YearCredit
		c.StockMatches = c.Stock == c.Account1405
		return nil
	}()
	return c, err
}

// SetOpenings sets many opening balances and stock lines in one transaction (an import
// of the opening balances): all or none. Balances are given as SetOpening takes them
// (Amount on the account's normal side), stock as SetOpeningStock. A refusal names the
// failing row's index in Args["row"], counting balances first, then stock. Needs
// PermChart.
func (b *Book) SetOpenings(ctx context.Context, by *User, bals []OpeningBalance, stock []OpeningStock) error {
	return b.write(ctx, by, PermChart, func(tx *store.Tx) error {
		for i, o := range bals {
			if err := setOpening(ctx, tx, by, o.Account, o.Partner, o.Amount, o.YTDDebit, o.YTDCredit); err != nil {
				return withRow(err, i)
			}
		}
		for i, o := range stock {
			switch {
			case o.Qty < 0:
				return withRow(refuse(CodeNumberNegative, "field", "qty", "value", o.Qty.String()), len(bals)+i)
			case o.Amount < 0:
				return withRow(refuse(CodeNumberNegative, "field", "amount", "value", o.Amount.String()), len(bals)+i)
			case o.Qty == 0 && o.Amount != 0:
				return withRow(refuse(CodeRequired, "field", "qty"), len(bals)+i)
			}
			if err := setOpeningStock(ctx, tx, by, o.Item, o.Warehouse, o.Qty, o.Amount); err != nil {
				return withRow(err, len(bals)+i)
			}
		}
		return nil
	})
}
