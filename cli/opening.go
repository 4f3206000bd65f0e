package cli

import "shopbooks/ledger"

func openingCommands() []command {
	return []command{
		{name: "set", usage: "opening set ACCOUNT AMOUNT [--partner P] [--ytd-debit X] [--ytd-credit Y]   (AMOUNT on the account's normal side)",
			flags: "partner= ytd-debit= ytd-credit=", minArgs: 2, maxArgs: 2, book: true, run: openingSet},
		{name: "stock", usage: "opening stock ITEM WAREHOUSE QTY AMOUNT", minArgs: 4, maxArgs: 4, book: true, run: openingStock},
		{name: "list", usage: "opening list [--stock]", flags: "stock", book: true, run: openingList},
		{name: "check", usage: "opening check", book: true, run: openingCheck},
	}
}

// openingSet sets an account's opening balance. The year-to-date amounts not given keep
// their current values.
func openingSet(c *call) error {
	account, partner := c.args[0], c.str("partner")
	amount, err := ledger.ParseMoney("amount", c.args[1])
	if err != nil {
		return err
	}
	var ytdDebit, ytdCredit ledger.Money
	if !c.has("ytd-debit") || !c.has("ytd-credit") {
		bals, _, err := c.book.Openings(c.ctx)
		if err != nil {
			return err
		}
		for _, o := range bals {
			if equalCode(o.Account, account) && equalCode(o.Partner, partner) {
				ytdDebit, ytdCredit = o.YTDDebit, o.YTDCredit
			}
		}
	}
	for _, err := range []error{
		setFrom(c, "ytd-debit", nonNegativeMoney("ytd_debit"), &ytdDebit),
		setFrom(c, "ytd-credit", nonNegativeMoney("ytd_credit"), &ytdCredit),
	} {
		if err != nil {
			return err
		}
	}
	if err := c.book.SetOpening(c.ctx, c.user, account, partner, amount, ytdDebit, ytdCredit); err != nil {
		return err
	}
	if partner != "" {
		account += " / " + partner
	}
	c.say("cli.opening.set", map[string]any{"account": account, "amount": amount.String()})
	return nil
}

func nonNegativeMoney(field string) func(string) (ledger.Money, error) {
	return func(s string) (ledger.Money, error) {
		m, err := ledger.ParseMoney(field, s)
		if err == nil && m < 0 {
			err = &ledger.Error{Code: ledger.CodeNumberNegative, Args: map[string]any{"field": field, "value": s}}
		}
		return m, err
	}
}

func openingStock(c *call) error {
	qty, err := ledger.ParseQty("qty", c.args[2], false)
	if err != nil {
		return err
	}
	amount, err := ledger.ParseMoney("amount", c.args[3])
	if err != nil {
		return err
	}
	if err := c.book.SetOpeningStock(c.ctx, c.user, c.args[0], c.args[1], qty, amount); err != nil {
		return err
	}
	c.say("cli.opening.stock", map[string]any{"item": c.args[0], "warehouse": c.args[1], "qty": qty.String(), "amount": amount.String()})
	return nil
}

func openingList(c *call) error {
	bals, stock, err := c.book.Openings(c.ctx)
	if err != nil {
		return err
	}
	if c.on("stock") {
		rows := make([][]any, len(stock))
		for i, s := range stock {
			rows[i] = []any{s.Item, s.ItemName, s.Warehouse, s.WarehouseName, s.Qty, s.Amount}
		}
		return c.list([]col{{key: "item"}, {key: "item_name"}, {key: "warehouse"}, {key: "warehouse_name"}, {key: "qty"},
			{key: "amount"}}, rows)
	}
	rows := make([][]any, len(bals))
	for i, o := range bals {
		rows[i] = []any{o.Account, o.AccountName, o.Partner, o.PartnerName, choice{key: "cli.account.side." + o.Side, code: o.Side},
			o.Amount, o.YTDDebit, o.YTDCredit}
	}
	return c.list([]col{{key: "account"}, {key: "account_name"}, {key: "partner"}, {key: "partner_name"}, {key: "side"},
		{key: "amount"}, {key: "ytd_debit"}, {key: "ytd_credit"}}, rows)
}

// openingCheck prints the totals and refuses (exit 1) when debits and credits differ or
// the stock does not match 1405.
func openingCheck(c *call) error {
	k, err := c.book.CheckOpening(c.ctx)
	if err != nil {
		return err
	}
	err = c.record([]col{{key: "debit"}, {key: "credit"}, {key: "stock"}, {key: "account_1405"}, {key: "year_debit"},
		{key: "year_credit"}, {key: "balanced"}, {key: "stock_matches"}},
		[]any{k.Debit, k.Credit, k.Stock, k.Account1405, k.YearDebit, k.YearCredit, k.Balanced, k.StockMatches})
	if err != nil {
		return err
	}
	var r refusal
	if k.Debit != k.Credit {
		r.msgs = append(r.msgs, message{"cli.opening.unbalanced", map[string]any{"debit": k.Debit.Format(),
			"credit": k.Credit.Format(), "diff": (k.Debit - k.Credit).Format()}})
	}
	if k.YearDebit != k.YearCredit {
		r.msgs = append(r.msgs, message{"cli.opening.year_unbalanced", map[string]any{"debit": k.YearDebit.Format(),
			"credit": k.YearCredit.Format(), "diff": (k.YearDebit - k.YearCredit).Format()}})
	}
	if !k.StockMatches {
		r.msgs = append(r.msgs, message{"cli.opening.stock_mismatch", map[string]any{"stock": k.Stock.Format(),
			"account": k.Account1405.Format()}})
	}
	if len(r.msgs) > 0 || !k.Balanced {
		if len(r.msgs) == 0 {
			r.msgs = append(r.msgs, message{"cli.opening.unbalanced", map[string]any{"debit": k.Debit.Format(),
				"credit": k.Credit.Format(), "diff": (k.Debit - k.Credit).Format()}})
		}
		return &r
	}
	c.say("cli.opening.balanced", nil)
	return nil
}
