package report_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"shopbooks/ledger"
	"shopbooks/report"
)

// Issue 8: the balance sheet and the profit statement of the generated book's last
// month computed by hledger from the book's journal (`shopbooks export journal`), timed
// beside ours: the figure is hledger's time, `ours-ms` ours, `x-ours` the ratio; the
// benchmark fails unless hledger's totals equal ours to the fen (assets 1xxx,
// liabilities 2xxx, equity 3xxx at the month's end; revenue and expenses 5xxx in the
// month, before the carry-forward to 本年利润). Skipped where hledger is not installed.

func hledgerBench(b *testing.B, statement string) {
	hledger, err := exec.LookPath("hledger")
	if err != nil {
		b.Skip("hledger is not installed")
	}
	book, u, p := openBench(b)
	var buf bytes.Buffer
	if err := report.Journal(b.Context(), &buf, book, u); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "book.journal")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	args := []string{"-f", path, "bal", "--flat", "-N", "-O", "csv", "-e", string(p.Next().FirstDay())}
	classes := "123"
	ours := func() {
		if _, err := report.BalanceSheet(b.Context(), book, u, p); err != nil {
			b.Fatal(err)
		}
	}
	if statement == "pl" {
		// the month's P&L movements without the carry-forward to 本年利润 (结转损益)
		args = append(args, "-b", string(p.FirstDay()), "^5", "not:desc:结转损益")
		classes = "5"
		ours = func() {
			if _, err := report.ProfitStatement(b.Context(), book, u, p); err != nil {
				b.Fatal(err)
			}
		}
	}
	var out []byte
	var hl, ourTimes []time.Duration
	for b.Loop() {
		t := time.Now()
		cmd := exec.Command(hledger, args...)
		cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "LANG=C.UTF-8")
		if out, err = cmd.Output(); err != nil {
			b.Fatalf("hledger: %v", err)
		}
		hl = append(hl, time.Since(t))
		t = time.Now()
		ours()
		ourTimes = append(ourTimes, time.Since(t))
	}
	// The totals, by class of account.
	theirs := map[byte]ledger.Money{}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range recs[1:] {
		m, err := ledger.ParseMoney("balance", strings.TrimSpace(r[1]))
		if err != nil {
			b.Fatalf("hledger's %q: %v", r[1], err)
		}
		theirs[r[0][0]] += m
	}
	mine := map[byte]ledger.Money{}
	if statement == "pl" {
		mv, err := book.Movements(b.Context(), u, p, p, true, false)
		if err != nil {
			b.Fatal(err)
		}
		for _, x := range mv {
			mine[x.Account[0]] += x.Debit - x.Credit
		}
	} else {
		bals, err := book.Balances(b.Context(), u, p)
		if err != nil {
			b.Fatal(err)
		}
		for _, x := range bals {
			mine[x.Account[0]] += x.Balance
		}
	}
	for _, c := range []byte(classes) {
		if theirs[c] != mine[c] || statement == "pl" && mine[c] == 0 {
			b.Fatalf("class %c: hledger %s, ours %s", c, theirs[c].Format(), mine[c].Format())
		}
	}
	med := func(ts []time.Duration) float64 {
		slices.Sort(ts)
		return float64(ts[len(ts)/2].Microseconds()) / 1000
	}
	b.ReportMetric(med(hl), "median-ms")
	b.ReportMetric(med(ourTimes), "ours-ms")
	b.ReportMetric(med(hl)/max(med(ourTimes), 0.001), "x-ours")
}

func BenchmarkHledgerBalanceSheet(b *testing.B)    { hledgerBench(b, "bs") }
func BenchmarkHledgerProfitStatement(b *testing.B) { hledgerBench(b, "pl") }
