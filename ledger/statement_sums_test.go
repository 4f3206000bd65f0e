package ledger_test

import (
	"fmt"
	"testing"

	"shopbooks/ledger"
	"shopbooks/ledger/demo"
)

// TestStatementSums: on a small generated book (three closed months, then the last one
// un-closed), Balances — which reads 1405 from the stock the close stored — agrees with
// the opening balances plus every month's movements, per account, and per item with the
// stock summary; PeriodMovements agrees with Movements month by month and over the range.
func TestStatementSums(t *testing.T) {
	ctx := t.Context()
	b, u, _ := demoBook(t, demo.Options{Months: 3, Seed: 11, Start: "2025-01", Items: 40, Customers: 8, Suppliers: 4, Scale: 0.03})
	periods := []ledger.Period{"2024-12", "2025-01", "2025-02", "2025-03", "2025-04"}
	check := func(t *testing.T) {
		opening, err := b.Balances(ctx, u, "2024-12")
		if err != nil {
			t.Fatal(err)
		}
		// The book starts in January: the year starts with its opening balances.
		if ys, err := b.YearStartBalances(ctx, u, "2025-02"); err != nil || fmt.Sprint(ys) != fmt.Sprint(opening) {
			t.Errorf("year start %v (%v), opening %v", ys, err, opening)
		}
		want := map[string]ledger.Money{}
		for _, x := range opening {
			want[x.Account] += x.Balance
		}
		for _, p := range periods[1:] {
			ms, err := b.Movements(ctx, u, p, p, false, false)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				want[m.Account] += m.Debit - m.Credit
			}
			got, err := b.Balances(ctx, u, p)
			if err != nil {
				t.Fatal(err)
			}
			sums := map[string]ledger.Money{}
			items := map[string]ledger.Money{}
			for _, x := range got {
				sums[x.Account] += x.Balance
				if x.Item != "" {
					items[x.Item] += x.Balance
				}
			}
			for a, w := range want {
				if sums[a] != w {
					t.Errorf("%s: B(%s) = %s, movements give %s", p, a, sums[a], w)
				}
			}
			if len(items) == 0 && p <= "2025-03" {
				t.Errorf("%s: no 1405 balance per item", p)
			}
			if closed, _ := b.PeriodClosed(ctx, p); closed {
				ss, err := b.StockSummary(ctx, u, p)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range ss {
					if items[r.Item] != r.CloseAmount {
						t.Errorf("%s: 1405[%s] = %s, stock %s", p, r.Item, items[r.Item], r.CloseAmount)
					}
					delete(items, r.Item)
				}
				for it, m := range items {
					t.Errorf("%s: 1405[%s] = %s without stock", p, it, m)
				}
			}
			byPartner, err := b.BalancesByPartner(ctx, u, p)
			if err != nil {
				t.Fatal(err)
			}
			pSums := map[string]ledger.Money{}
			for _, x := range byPartner {
				if x.Item != "" {
					t.Errorf("BalancesByPartner gave item %s", x.Item)
				}
				pSums[x.Account+"/"+x.Partner] += x.Balance
			}
			for _, x := range got {
				pSums[x.Account+"/"+x.Partner] -= x.Balance
			}
			for k, d := range pSums {
				if d != 0 {
					t.Errorf("%s: BalancesByPartner %s differs by %s", p, k, d)
				}
			}
			under, err := b.BalancesByPartner(ctx, u, p, "1122", "3103")
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range under {
				if x.Account != "1122" && x.Account != "3103" {
					t.Errorf("BalancesByPartner 1122, 3103 gave %s", x.Account)
				}
			}
			pm, err := b.PeriodMovements(ctx, u, p, p, false)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(flatten(pm)) != fmt.Sprint(ms) {
				t.Errorf("%s: PeriodMovements %v, Movements %v", p, flatten(pm), ms)
			}
		}
		all, err := b.PeriodMovements(ctx, u, "2025-01", "2025-03", true)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := b.Movements(ctx, u, "2025-01", "2025-03", false, true)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(flatten(all)) != fmt.Sprint(ms) {
			t.Errorf("range: PeriodMovements %v, Movements %v", flatten(all), ms)
		}
		pl, err := b.PeriodMovements(ctx, u, "2025-01", "2025-03", false, "5")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pl {
			if m.Account[0] != '5' {
				t.Errorf("PeriodMovements under 5 gave %s", m.Account)
			}
		}
		if len(pl) == 0 {
			t.Error("no P&L movements")
		}
	}
	t.Run("closed", check)
	if err := b.UnclosePeriod(ctx, u, "2025-03", "test"); err != nil {
		t.Fatal(err)
	}
	t.Run("unclosed", check)
}

// flatten sums PeriodMovements per account, as Movements gives them.
func flatten(pm []ledger.PeriodMovement) []ledger.AccountMovement {
	var out []ledger.AccountMovement
	for _, m := range pm {
		if n := len(out); n > 0 && out[n-1].Account == m.Account {
			out[n-1].Debit += m.Debit
			out[n-1].Credit += m.Credit
			continue
		}
		out = append(out, ledger.AccountMovement{Account: m.Account, Debit: m.Debit, Credit: m.Credit})
	}
	return out
}
