package ledger_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"testing"

	"shopbooks/ledger"
	"shopbooks/ledger/demo"
)

// TestReadPaths: on a small generated book (three closed months, then the last one
// un-closed, so that audited documents wait for their vouchers), the reads shaped for
// speed agree with the same figures added up from the rows they summarise: the trial
// balance, movements and balances per partner with the voucher lines, the opening
// balances and the opening stock; the partner balances with each partner's own.
func TestReadPaths(t *testing.T) {
	ctx := t.Context()
	b, u, path := demoBook(t, demo.Options{Months: 3, Seed: 7, Start: "2025-01", Items: 40, Customers: 8, Suppliers: 4, Scale: 0.03})
	raw := rawRead(t, path)
	periods := []ledger.Period{"2025-01", "2025-02", "2025-03", "2025-04"}

	check := func(t *testing.T) {
		for _, p := range periods {
			t.Run(string(p), func(t *testing.T) {
				checkTrial(t, b, u, raw, p)
				checkMovements(t, b, u, raw, p, p)
				checkMovements(t, b, u, raw, "2025-01", p)
				checkByPartner(t, b, u, raw, p)
			})
		}
		checkMovements(t, b, u, raw, "2025-02", "2025-03")
		checkPartners(t, b, u)
		checkBalancesAt(t, b, u, append([]ledger.Period{"2024-12"}, periods...))
	}
	t.Run("closed", check)
	if err := b.UnclosePeriod(ctx, u, "2025-03", "test"); err != nil {
		t.Fatal(err)
	}
	t.Run("unclosed", check)
}

// rawRead opens the book's file a second time, read-only, to add up its rows apart from
// the code under test.
func rawRead(t *testing.T, path string) *sql.DB {
	t.Helper()
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: "mode=ro&_pragma=busy_timeout(5000)"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// rawSums runs a query of (key, amount…) rows and adds the amounts up per key.
func rawSums(t *testing.T, db *sql.DB, n int, q string, args ...any) map[string][]ledger.Money {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := map[string][]ledger.Money{}
	for rows.Next() {
		var k string
		vals := make([]ledger.Money, n)
		dst := []any{&k}
		for i := range vals {
			dst = append(dst, &vals[i])
		}
		if err := rows.Scan(dst...); err != nil {
			t.Fatal(err)
		}
		if out[k] == nil {
			out[k] = make([]ledger.Money, n)
		}
		for i, v := range vals {
			out[k][i] += v
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// lineAmount is a voucher line's debit-positive amount, in SQL.
const lineAmount = `CASE side WHEN 'D' THEN amount ELSE -amount END`

func checkTrial(t *testing.T, b *ledger.Book, u *ledger.User, raw *sql.DB, p ledger.Period) {
	t.Helper()
	year := ledger.Period(string(p)[:4] + "-01")
	// Per leaf: opening, period debit, period credit, year-to-date debit and credit.
	leaves := rawSums(t, raw, 5, `
		SELECT account, amount, 0, 0, 0, 0 FROM opening_balances
		UNION ALL SELECT '1405', amount, 0, 0, 0, 0 FROM opening_stock
		UNION ALL SELECT account, CASE WHEN period < ?1 THEN `+lineAmount+` ELSE 0 END,
			CASE WHEN period = ?1 AND side = 'D' THEN amount ELSE 0 END,
			CASE WHEN period = ?1 AND side = 'C' THEN amount ELSE 0 END,
			CASE WHEN period BETWEEN ?2 AND ?1 AND side = 'D' THEN amount ELSE 0 END,
			CASE WHEN period BETWEEN ?2 AND ?1 AND side = 'C' THEN amount ELSE 0 END
		FROM voucher_lines WHERE period <= ?1`, p, year)
	want := map[string][]ledger.Money{}
	for code, v := range leaves {
		for l := 4; l <= len(code); l += 2 {
			w := want[code[:l]]
			if w == nil {
				w = make([]ledger.Money, 5)
				want[code[:l]] = w
			}
			for i := range v {
				w[i] += v[i]
			}
		}
	}
	rows, err := b.TrialBalance(t.Context(), u, p)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.Code] = true
		got := []ledger.Money{r.Opening, r.PeriodDebit, r.PeriodCredit, r.YTDDebit, r.YTDCredit}
		if w := want[r.Code]; fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("trial balance %s %s: %v, the voucher lines give %v", p, r.Code, got, w)
		}
		if r.Closing != r.Opening+r.PeriodDebit-r.PeriodCredit {
			t.Errorf("trial balance %s %s: closing %s", p, r.Code, r.Closing)
		}
	}
	for code, w := range want {
		if !seen[code] && slices.ContainsFunc(w, func(m ledger.Money) bool { return m != 0 }) {
			t.Errorf("trial balance %s: no row for %s, the voucher lines give %v", p, code, w)
		}
	}
	if len(rows) == 0 {
		t.Errorf("trial balance %s: no rows", p)
	}
}

func checkMovements(t *testing.T, b *ledger.Book, u *ledger.User, raw *sql.DB, from, to ledger.Period) {
	t.Helper()
	for _, excludePL := range []bool{false, true} {
		for _, ytd := range []bool{false, true} {
			want := rawSums(t, raw, 2, `
				SELECT l.account, CASE l.side WHEN 'D' THEN l.amount ELSE 0 END, CASE l.side WHEN 'C' THEN l.amount ELSE 0 END
				FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
				WHERE l.period BETWEEN ?1 AND ?2 AND NOT (?3 AND v.is_pl_close)
				UNION ALL SELECT account, ytd_debit, ytd_credit FROM opening_balances
				WHERE ?4 AND (SELECT start_period FROM book) BETWEEN ?1 AND ?2`, from, to, excludePL, ytd)
			ms, err := b.Movements(t.Context(), u, from, to, excludePL, ytd)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]ledger.Money{}
			for i, m := range ms {
				if i > 0 && ms[i-1].Account >= m.Account {
					t.Errorf("movements %s..%s: %s after %s", from, to, m.Account, ms[i-1].Account)
				}
				if m.Debit == 0 && m.Credit == 0 {
					t.Errorf("movements %s..%s: %s without a movement", from, to, m.Account)
				}
				got[m.Account] = []ledger.Money{m.Debit, m.Credit}
			}
			for a, w := range want {
				if w[0] == 0 && w[1] == 0 {
					delete(want, a)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("movements %s..%s (without P&L carry-forward %v, opening YTD %v): %v, the voucher lines give %v",
					from, to, excludePL, ytd, got, want)
			}
		}
	}
}

func checkByPartner(t *testing.T, b *ledger.Book, u *ledger.User, raw *sql.DB, p ledger.Period) {
	t.Helper()
	want := rawSums(t, raw, 1, `
		SELECT o.account || '/' || ifnull(pt.code, ''), o.amount FROM opening_balances o LEFT JOIN partners pt ON pt.id = o.partner_id
		UNION ALL SELECT '1405/', amount FROM opening_stock
		UNION ALL SELECT l.account || '/' || ifnull(pt.code, ''), `+lineAmount+`
		FROM voucher_lines l LEFT JOIN partners pt ON pt.id = l.partner_id WHERE l.period <= ?1`, p)
	for k, w := range want {
		if w[0] == 0 {
			delete(want, k)
		}
	}
	bs, err := b.BalancesByPartner(t.Context(), u, p)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]ledger.Money{}
	for _, x := range bs {
		got[x.Account+"/"+x.Partner] = []ledger.Money{x.Balance}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("balances by partner at %s: %v, the voucher lines give %v", p, got, want)
	}
}

func checkPartners(t *testing.T, b *ledger.Book, u *ledger.User) {
	t.Helper()
	all, err := b.PartnerBalances(t.Context(), u, true)
	if err != nil {
		t.Fatal(err)
	}
	some, err := b.PartnerBalances(t.Context(), u, false)
	if err != nil {
		t.Fatal(err)
	}
	nonzero := 0
	for _, pb := range all {
		one, err := b.PartnerBalanceOf(t.Context(), u, pb.Partner)
		if err != nil {
			t.Fatal(err)
		}
		if pb != one {
			t.Errorf("partner balances: %+v, the partner's own %+v", pb, one)
		}
		if pb.Receivable != 0 || pb.AdvanceRecv != 0 || pb.Payable != 0 || pb.Prepaid != 0 {
			nonzero++
		}
	}
	if len(some) != nonzero || nonzero == 0 {
		t.Errorf("partner balances: %d with a balance, %d of %d have one", len(some), nonzero, len(all))
	}
}

// checkBalancesAt: balances at several points read together equal each read alone (the
// same end twice included: a year's start in January is the end of December).
func checkBalancesAt(t *testing.T, b *ledger.Book, u *ledger.User, periods []ledger.Period) {
	t.Helper()
	var at []ledger.BalanceAt
	for _, p := range periods {
		at = append(at, ledger.BalanceAt{Period: p}, ledger.BalanceAt{Period: p, YearStart: true})
	}
	at = append(at, ledger.BalanceAt{Period: "2026-02", YearStart: true}, ledger.BalanceAt{Period: "2025-12"})
	// Per item, every account.
	perItem, err := b.BalancesAt(t.Context(), u, at)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range at {
		one, err := b.Balances(t.Context(), u, a.Period)
		if a.YearStart {
			one, err = b.YearStartBalances(t.Context(), u, a.Period)
		}
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(perItem[i]) != fmt.Sprint(one) || len(one) == 0 {
			t.Errorf("balances per item at %+v, read together: %v; alone: %v", a, perItem[i], one)
		}
	}
	for _, codes := range [][]string{nil, {"1122", "1405", "6"}} {
		got, err := b.BalancesByPartnerAt(t.Context(), u, at, codes...)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range at {
			one, err := b.BalancesByPartner(t.Context(), u, a.Period, codes...)
			if a.YearStart {
				one, err = b.YearStartByPartner(t.Context(), u, a.Period, codes...)
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got[i]) != fmt.Sprint(one) || len(one) == 0 {
				t.Errorf("balances at %+v under %v, read together: %v; alone: %v", a, codes, got[i], one)
			}
		}
	}
}
