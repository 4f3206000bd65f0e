package report

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// Statements as data (DOMAIN.md §7): each builder returns a Statement — its lines, the
// amounts of each line in the statement's columns, and the identity checks of §7.5 — that
// the window, the command line and Excel show as they like. An open period's statements
// are previews: the close is run and rolled back (ledger.Book.PreviewClose) so they show
// what closing would post, and they are marked Provisional (未结账（预览）) everywhere.

// The kinds of statement.
const (
	KindBalanceSheet = "bs"    // 资产负债表 (会小企01表)
	KindProfit       = "pl"    // 利润表 (会小企02表)
	KindTrialBalance = "tb"    // 科目余额表
	KindStock        = "stock" // 库存收发存汇总表
	KindAging        = "aging" // 账龄分析
)

// Span is the statement's period as shown: "2025-01", or "2025-01 – 2025-03" for a range.
func (s Statement) Span() string {
	if s.From != "" && s.From != s.Period {
		return string(s.From) + " – " + string(s.Period)
	}
	return string(s.Period)
}

// Statement is one statement of one period: plain data, in fen and ×10⁴ quantities.
type Statement struct {
	Kind        string        // KindBalanceSheet, ...
	Period      ledger.Period // the month; the last of a range (From)
	From        ledger.Period // the first month of a range (gross profit); "" for one month
	By          string        // gross profit's breakdown: GrossByItem, ...
	Provisional bool          // the period is open: a preview of its close (未结账（预览）)
	Previewed   bool          // the preview ran; false for an open period whose close is refused (drafts, an earlier open month, no permission): posted vouchers only
	Shop        string        // 编制单位
	Columns     []Column
	Lines       []Line
	Checks      []Check
}

// Column is a column of a statement: its key ("end", "year_start", "month", "ytd",
// "opening_debit", "in_qty", ...), used as the JSON key and the catalog key
// report.col.<key>. A quantity column's values are in Line.Qtys, the others in Line.Cols.
type Column struct {
	Key string
	Qty bool
	Pct bool // a percentage: its values in Line.Cols are hundredths of a percent (Margin)
}

// Line is a line of a statement. Cols (money) and Qtys (quantities; nil where the
// statement has none, or on a total line that would add different units) are indexed like
// Statement.Columns.
type Line struct {
	No      int    // 行次 (balance sheet, profit statement); the row's position elsewhere
	Code    string // account, item or partner code; "" on a total
	Name    string // Chinese, as the statutory form prints it
	NameEN  string
	Level   int // account level in the trial balance; 0 elsewhere
	Cols    []ledger.Money
	Qtys    []ledger.Qty
	Bold    bool   // a total or heading
	Formula string // DOMAIN.md's formula of the line, "" where none
}

// Check is an identity check of DOMAIN.md §7.5 on the statement. Name is a stable key
// (catalog report.check.<name>); Detail shows the numbers compared.
type Check struct {
	Name   string
	OK     bool
	Detail string
}

// OK tells whether every check holds.
func (s Statement) OK() bool {
	for _, c := range s.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Line returns the line numbered no, and whether there is one.
func (s Statement) Line(no int) (Line, bool) {
	for _, l := range s.Lines {
		if l.No == no {
			return l, true
		}
	}
	return Line{}, false
}

// Col returns the money of the line in the column keyed key (0 if none).
func (s Statement) Col(l Line, key string) ledger.Money {
	for i, c := range s.Columns {
		if c.Key == key && !c.Qty && i < len(l.Cols) {
			return l.Cols[i]
		}
	}
	return 0
}

func check(name string, a, b ledger.Money) Check {
	op := "="
	if a != b {
		op = "≠"
	}
	return Check{Name: name, OK: a == b, Detail: fmt.Sprintf("%s %s %s", a, op, b)}
}

// names returns a catalog entry in Chinese and English.
func names(key string) (zh, en string) {
	return i18n.For(i18n.ZH).T(key), i18n.For(i18n.EN).T(key)
}

// book is what the statements read of the book for a period: the balances at its end
// (with the preview's vouchers added for an open period) and the chart.
type book struct {
	ctx       context.Context
	b         *ledger.Book
	by        *ledger.User
	period    ledger.Period
	settings  ledger.Settings
	closed    bool
	previewed bool
	preview   []ledger.Voucher // an open period's vouchers from its previewed close
}

// open reads the settings and, for an open period, previews its close. A
// preview that is refused (ledger.Error: blocked by drafts, not the earliest open period,
// no close permission) leaves the posted vouchers only; other errors are returned.
func open(ctx context.Context, b *ledger.Book, by *ledger.User, period ledger.Period) (*book, error) {
	if !by.Can(ledger.PermViewLedger) {
		return nil, &ledger.Error{Code: ledger.CodeForbidden, Args: map[string]any{"action": string(ledger.PermViewLedger)}}
	}
	s, err := b.Settings(ctx)
	if err != nil {
		return nil, err
	}
	bk := &book{ctx: ctx, b: b, by: by, period: period, settings: s}
	if bk.closed, err = b.PeriodClosed(ctx, period); err != nil {
		return nil, err
	}
	if !bk.closed && period >= s.Start && by.Can(ledger.PermClose) {
		res, err := Preview(ctx, b, by, period)
		var le *ledger.Error
		switch {
		case err == nil:
			bk.previewed, bk.preview = true, res.Vouchers
		case errors.As(err, &le):
		default:
			return nil, err
		}
	}
	return bk, nil
}

func (bk *book) statement(kind string, cols ...Column) Statement {
	return Statement{Kind: kind, Period: bk.period, Provisional: !bk.closed, Previewed: bk.previewed, Shop: bk.settings.Name, Columns: cols}
}

// reliable tells whether the balances include every voucher of the period: closed, or
// previewed.
func (bk *book) reliable() bool { return bk.closed || bk.previewed }

// endBalances are the leaf balances at the end of the period of the accounts under codes
// (every account when none), per partner (1405 not per item), with the preview's
// vouchers.
func (bk *book) endBalances(codes ...string) (balances, error) {
	bs, err := bk.b.BalancesByPartner(bk.ctx, bk.by, bk.period, codes...)
	if err != nil {
		return nil, err
	}
	return bk.withPreview(bs), nil
}

// withPreview adds the preview's vouchers to balances at the end of the period.
func (bk *book) withPreview(bs []ledger.AccountBalance) balances {
	for _, v := range bk.preview {
		for _, l := range v.Lines {
			amt := l.Amount
			if l.Side == "C" {
				amt = -amt
			}
			bs = append(bs, ledger.AccountBalance{Account: l.Account, Partner: l.Partner, Balance: amt})
		}
	}
	return balances(bs)
}

// movements are the leaf movements from..to (inclusive), with the preview's vouchers when
// the range takes the period; without the P&L carry-forward when excludePL.
func (bk *book) movements(from, to ledger.Period, excludePL, openingYTD bool) (map[string]move, error) {
	ms, err := bk.b.Movements(bk.ctx, bk.by, from, to, excludePL, openingYTD)
	if err != nil {
		return nil, err
	}
	out := map[string]move{}
	for _, m := range ms {
		x := out[m.Account]
		x.dr += m.Debit
		x.cr += m.Credit
		out[m.Account] = x
	}
	if bk.period >= from && bk.period <= to {
		for _, v := range bk.preview {
			if excludePL && v.PLClose {
				continue
			}
			for _, l := range v.Lines {
				x := out[l.Account]
				if l.Side == "D" {
					x.dr += l.Amount
				} else {
					x.cr += l.Amount
				}
				out[l.Account] = x
			}
		}
	}
	return out, nil
}

// monthly are the movements of the accounts under codes per month from..the period (key
// "" for the year-to-date amounts entered with the opening balances, when the book starts
// in the range), the P&L carry-forward left out when excludePL, the preview's vouchers in
// the period's month: one read of the per-period summaries for a whole year.
func (bk *book) monthly(from ledger.Period, excludePL bool, codes ...string) (map[ledger.Period]movements, error) {
	ms, err := bk.b.PeriodMovements(bk.ctx, bk.by, from, bk.period, true, codes...)
	if err != nil {
		return nil, err
	}
	out := map[ledger.Period]movements{}
	at := func(p ledger.Period) movements {
		if out[p] == nil {
			out[p] = movements{}
		}
		return out[p]
	}
	for _, m := range ms {
		x := move{dr: m.Debit, cr: m.Credit}
		if excludePL {
			x.dr -= m.PLDebit
			x.cr -= m.PLCredit
		}
		at(m.Period)[m.Account] = x
	}
	for _, v := range bk.preview {
		if excludePL && v.PLClose {
			continue
		}
		for _, l := range v.Lines {
			if !underAny(l.Account, codes) {
				continue
			}
			mm := at(bk.period)
			x := mm[l.Account]
			if l.Side == "D" {
				x.dr += l.Amount
			} else {
				x.cr += l.Amount
			}
			mm[l.Account] = x
		}
	}
	return out, nil
}

// underAny tells whether account is under one of codes (every account when none).
func underAny(account string, codes []string) bool {
	for _, c := range codes {
		if under(account, c) {
			return true
		}
	}
	return len(codes) == 0
}

// yearStart is the first period of the year of p that the book has (its start in the
// first year).
func (bk *book) yearStart() ledger.Period {
	jan := ledger.Period(string(bk.period)[:4] + "-01")
	if bk.settings.Start > jan && bk.settings.Start <= bk.period {
		return bk.settings.Start
	}
	return jan
}

type move struct{ dr, cr ledger.Money }

// under tells whether account is code or one of its sub-accounts (codes are 4-2-2).
func under(account, code string) bool { return strings.HasPrefix(account, code) }

// balances are leaf balances (debit-positive) per partner and item.
type balances []ledger.AccountBalance

// B is DOMAIN.md §0's B(x) summed over codes: the debit-positive balance of each account
// with all its sub-accounts.
func (bs balances) B(codes ...string) ledger.Money {
	var sum ledger.Money
	for _, b := range bs {
		for _, c := range codes {
			if under(b.Account, c) {
				sum += b.Balance
				break
			}
		}
	}
	return sum
}

// byPartner sums the balances over items: what the balance sheet's formulas need (B,
// B⁺, C⁺), in a few hundred rows rather than one per item of 1405.
func (bs balances) byPartner() balances {
	type key struct{ account, partner string }
	at := map[key]int{}
	var out balances
	for _, b := range bs {
		k := key{b.Account, b.Partner}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, ledger.AccountBalance{Account: b.Account, Partner: b.Partner})
		}
		out[i].Balance += b.Balance
	}
	return out
}

// C is −B.
func (bs balances) C(codes ...string) ledger.Money { return -bs.B(codes...) }

// perPartner is B(x, p) for every partner p ("" for a balance kept without one).
func (bs balances) perPartner(code string) map[string]ledger.Money {
	out := map[string]ledger.Money{}
	for _, b := range bs {
		if under(b.Account, code) {
			out[b.Partner] += b.Balance
		}
	}
	return out
}

// BPlus is B⁺(x) = Σ_p max(B(x,p), 0).
func (bs balances) BPlus(code string) ledger.Money {
	var sum ledger.Money
	for _, v := range bs.perPartner(code) {
		sum += max(v, 0)
	}
	return sum
}

// CPlus is C⁺(x) = Σ_p max(C(x,p), 0).
func (bs balances) CPlus(code string) ledger.Money {
	var sum ledger.Money
	for _, v := range bs.perPartner(code) {
		sum += max(-v, 0)
	}
	return sum
}
