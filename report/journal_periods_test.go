package report

import (
	"bytes"
	"encoding/csv"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"shopbooks/ledger"
	"shopbooks/ledger/demo"
)

// Issue 8: the journal of a generated book (three months across a year-end, every month
// closed) passes `hledger check`, and at the end of every period hledger's balance of
// every account, summed by its first-level code, equals ours to the fen.
func TestJournalAgreesWithHledgerEveryPeriod(t *testing.T) {
	hledger, err := exec.LookPath("hledger")
	if err != nil {
		t.Skip("hledger is not installed (make test installs it)")
	}
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "shop.book")
	opt := demo.Options{Months: 3, Seed: 7, Start: "2024-11", Items: 30, Customers: 6, Suppliers: 3, Scale: 0.03}
	if err := demo.Generate(ctx, path, opt, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	b, err := ledger.Open(ctx, path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	u, err := b.Login(ctx, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Journal(ctx, &buf, b, u); err != nil {
		t.Fatal(err)
	}
	jpath := filepath.Join(t.TempDir(), "book.journal")
	if err := os.WriteFile(jpath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := hledgerCmd(hledger, "-f", jpath, "check").CombinedOutput(); err != nil {
		t.Fatalf("hledger check: %v\n%s", err, out)
	}
	periods, err := b.Periods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, p := range periods {
		if !p.Closed {
			continue
		}
		ours := map[string]ledger.Money{}
		bals, err := b.Balances(ctx, u, p.Period)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range bals {
			ours[x.Account[:4]] += x.Balance
		}
		theirs := map[string]ledger.Money{}
		out, err := hledgerCmd(hledger, "-f", jpath, "bal", "--flat", "-N", "-e", string(p.Period.Next().FirstDay()),
			"-O", "csv").Output()
		if err != nil {
			t.Fatalf("hledger bal %s: %v", p.Period, err)
		}
		recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("hledger's csv: %v\n%s", err, out)
		}
		for _, r := range recs[1:] { // "account","balance"
			amt, err := ledger.ParseMoney("balance", strings.TrimSpace(r[1]))
			if err != nil {
				t.Fatalf("hledger's balance %q of %s: %v", r[1], r[0], err)
			}
			theirs[r[0][:4]] += amt
		}
		for _, m := range []map[string]ledger.Money{ours, theirs} {
			for k, v := range m {
				if v == 0 {
					delete(m, k)
				}
			}
		}
		for acct, v := range ours {
			if theirs[acct] != v {
				t.Errorf("%s, account %s: ours %s, hledger %s", p.Period, acct, v.Format(), theirs[acct].Format())
			}
		}
		for acct, v := range theirs {
			if _, ok := ours[acct]; !ok {
				t.Errorf("%s, account %s: hledger %s, ours nothing", p.Period, acct, v.Format())
			}
		}
		checked++
	}
	if checked < 3 {
		t.Errorf("%d closed periods compared, want 3", checked)
	}
}
