package cli

import (
	"shopbooks/ledger"
)

// The ledgers of an account (账簿): `ledger detail` is the detail ledger (明细账), a row
// per voucher line with the running balance; `ledger gl` the general ledger (总账), a row
// per month. An account's ledger includes its sub-accounts.

func ledgerCommands() []command {
	return []command{
		{name: "detail", usage: "ledger detail ACCOUNT [--period YYYY-MM] [--to YYYY-MM] [--partner P]   " +
			"(明细账; default: the first open period)", flags: "period= to= partner=", minArgs: 1, maxArgs: 1, book: true,
			run: ledgerDetail},
		{name: "gl", usage: "ledger gl ACCOUNT [--period YYYY-MM] [--to YYYY-MM]   (总账: a row per month)",
			flags: "period= to=", minArgs: 1, maxArgs: 1, book: true, run: ledgerGeneral},
	}
}

// ledgerRange reads --period (default: the first open period) and --to (default: the
// same period).
func (c *call) ledgerRange() (from, to ledger.Period, err error) {
	if c.has("period") {
		from, err = ledger.ParsePeriod("period", c.str("period"))
	} else {
		from, err = c.firstOpenPeriod()
	}
	if err != nil {
		return "", "", err
	}
	to = from
	if c.has("to") {
		if to, err = ledger.ParsePeriod("period", c.str("to")); err != nil {
			return "", "", err
		}
	}
	if to < from {
		return "", "", refuse("cli.ledger.range", map[string]any{"from": string(from), "to": string(to)})
	}
	return from, to, nil
}

// direction is a balance's side, as ledgers print it: 借, 贷 or 平 before its size.
func direction(b ledger.Money) choice {
	switch {
	case b > 0:
		return choice{key: "cli.account.side.D", code: "D"}
	case b < 0:
		return choice{key: "cli.account.side.C", code: "C"}
	}
	return choice{key: "cli.ledger.flat", code: ""}
}

func abs(m ledger.Money) ledger.Money { return max(m, -m) }

var detailCols = []col{{key: "date"}, {key: "ref"}, {key: "doc", wide: true}, {key: "summary"}, {key: "account"}, {key: "partner"},
	{key: "item"}, {key: "debit_amount"}, {key: "credit_amount"}, {key: "direction"}, {key: "balance"}, {key: "kind", wide: true}}

func ledgerDetail(c *call) error {
	from, to, err := c.ledgerRange()
	if err != nil {
		return err
	}
	rows, err := c.book.DetailLedger(c.ctx, c.user, c.args[0], c.str("partner"), from, to)
	if err != nil {
		return err
	}
	out := make([][]any, len(rows))
	for i, r := range rows {
		summary := r.Summary
		if r.Kind != "line" && c.format == "table" {
			summary = c.t("cli.ledger.kind." + r.Kind)
		}
		var dr, cr any = r.Debit, r.Credit
		switch {
		case r.Kind == "open":
			dr, cr = null{}, null{}
		case r.Kind == "line" && r.Debit == 0:
			dr = null{}
		case r.Kind == "line" && r.Credit == 0:
			cr = null{}
		}
		bal := any(r.Balance)
		if c.format == "table" {
			bal = abs(r.Balance)
		}
		out[i] = []any{string(r.Date), r.Voucher, r.Doc, summary, r.Account, r.Partner, r.Item, dr, cr, direction(r.Balance), bal, r.Kind}
	}
	return c.list(detailCols, out)
}

func ledgerGeneral(c *call) error {
	from, to, err := c.ledgerRange()
	if err != nil {
		return err
	}
	rows, err := c.book.GeneralLedger(c.ctx, c.user, c.args[0], from, to)
	if err != nil {
		return err
	}
	out := make([][]any, len(rows))
	for i, r := range rows {
		open, closing := any(r.Opening), any(r.Closing)
		if c.format == "table" {
			open, closing = abs(r.Opening), abs(r.Closing)
		}
		out[i] = []any{string(r.Period), direction(r.Opening), open, r.Debit, r.Credit, r.YTDDebit, r.YTDCredit,
			direction(r.Closing), closing}
	}
	return c.list([]col{{key: "period"}, {key: "opening_direction"}, {key: "opening"}, {key: "debit"}, {key: "credit"},
		{key: "ytd_debit"}, {key: "ytd_credit"}, {key: "direction"}, {key: "closing"}}, out)
}
