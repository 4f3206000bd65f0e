package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"shopbooks/ledger"
)

// Journal writes the book's postings as a plain-text double-entry journal that hledger
// (and ledger-cli) read: the opening balances as one transaction on the first day, then
// every voucher of every period in number order. Accounts are the chart's codes, with
// ":partner" or ":item" for auxiliary lines (1122:C01, 1405:A001); amounts are yuan,
// debits positive, credits negative, red ink negative on its side. An independent engine
// can so recompute every balance and statement from what ShopBooks posted. Needs
// PermViewLedger.
func Journal(ctx context.Context, w io.Writer, b *ledger.Book, by *ledger.User) error {
	if !by.Can(ledger.PermViewLedger) {
		return &ledger.Error{Code: ledger.CodeForbidden, Args: map[string]any{"action": "export.journal"}}
	}
	s, err := b.Settings(ctx)
	if err != nil {
		return err
	}
	accounts, err := b.Accounts(ctx, true)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, a := range accounts {
		names[a.Code] = a.Name
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "; %s — ShopBooks journal; accounts by code\n", clean(s.Name))
	for _, a := range accounts {
		fmt.Fprintf(bw, "account %s  ; %s\n", a.Code, clean(a.Name))
	}
	bw.WriteString("\n")
	bals, stock, err := b.Openings(ctx)
	if err != nil {
		return err
	}
	var open []posting
	for _, o := range bals {
		amt := o.Amount
		if o.Side == "C" {
			amt = -amt
		}
		open = append(open, posting{account: sub(o.Account, o.Partner), amount: amt})
	}
	for _, o := range stock {
		open = append(open, posting{account: sub("1405", o.Item), amount: o.Amount})
	}
	if len(open) > 0 {
		writeTxn(bw, string(s.Start.FirstDay()), "期初余额", open)
	}
	periods, err := b.Periods(ctx)
	if err != nil {
		return err
	}
	for _, p := range periods {
		vs, err := b.Vouchers(ctx, by, p.Period)
		if err != nil {
			return err
		}
		for _, v := range vs {
			var ps []posting
			for _, l := range v.Lines {
				amt := l.Amount
				if l.Side == "C" {
					amt = -amt
				}
				aux := l.Partner
				if l.Item != "" {
					aux = l.Item
				}
				ps = append(ps, posting{account: sub(l.Account, aux), amount: amt, comment: l.Summary})
			}
			writeTxn(bw, string(v.Date), v.Ref()+" "+v.Summary, ps)
		}
	}
	return bw.Flush()
}

type posting struct {
	account string
	amount  ledger.Money
	comment string
}

func sub(account, aux string) string {
	if aux == "" {
		return account
	}
	return account + ":" + clean(aux)
}

// clean keeps journal syntax out of names: no line breaks, no double spaces or
// semicolons (they end an account name or start a comment).
func clean(s string) string {
	r := strings.NewReplacer("\n", " ", "\r", " ", ";", ",", "\t", " ")
	s = r.Replace(s)
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return strings.TrimSpace(s)
}

func writeTxn(w *bufio.Writer, date, desc string, ps []posting) {
	fmt.Fprintf(w, "%s * %s\n", date, clean(desc))
	var sum ledger.Money
	for _, p := range ps {
		sum += p.amount
		if p.comment != "" {
			fmt.Fprintf(w, "    %-24s  %14s  ; %s\n", p.account, p.amount.String(), clean(p.comment))
		} else {
			fmt.Fprintf(w, "    %-24s  %14s\n", p.account, p.amount.String())
		}
	}
	if sum != 0 {
		// Only an opening that does not balance yet (the close refuses it, B2): shown,
		// not hidden, so the journal still parses.
		fmt.Fprintf(w, "    %-24s  %14s  ; 期初未平衡 opening not balanced\n", "opening-difference", (-sum).String())
	}
	w.WriteString("\n")
}
