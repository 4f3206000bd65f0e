package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestJournalAgreesWithHledger: DOMAIN.md §8's closed month as a journal: hledger reads
// it, finds every transaction balanced, and its balances at the month's end equal ours
// (§8.4: 1002 197,267.50, 1122[C1] 3,062.40, 1405 10,591.13, 310415 −42,000.00).
func TestJournalAgreesWithHledger(t *testing.T) {
	b, u, _, _ := closedMonth(t)
	var buf bytes.Buffer
	if err := Journal(t.Context(), &buf, b, u); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	if !strings.Contains(text, "2025-01-03 * 2025-01/记-0002 采购入库 CG-202501-0001 华南日化批发") {
		t.Errorf("the receipt's voucher is missing:\n%s", text[:min(len(text), 2000)])
	}
	if strings.Contains(text, "opening-difference") {
		t.Error("the golden opening balances should balance")
	}
	hledger, err := exec.LookPath("hledger")
	if err != nil {
		t.Skip("hledger is not installed (make test installs it)")
	}
	path := filepath.Join(t.TempDir(), "book.journal")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := hledgerCmd(hledger, "-f", path, "check").CombinedOutput(); err != nil {
		t.Fatalf("hledger check: %v\n%s", err, out)
	}
	for acct, want := range map[string]string{"1002": "197267.50", "1122:C1": "3062.40", "1405": "10591.13", "310415": "-42000.00",
		"5001": "0", "3103": "-372.87"} {
		out, err := hledgerCmd(hledger, "-f", path, "bal", "-N", "--flat", "-e", "2025-02-01", "^"+acct+"(:|$)").CombinedOutput()
		if err != nil {
			t.Fatalf("hledger bal %s: %v\n%s", acct, err, out)
		}
		got := strings.Fields(string(out))
		if acct == "5001" {
			if len(got) != 0 && got[0] != "0" {
				t.Errorf("hledger: 5001 = %v, want 0", got)
			}
			continue
		}
		sum := ""
		if len(got) > 0 {
			sum = got[0]
		}
		if strings.Count(string(out), "\n") > 1 { // several sub-accounts: hledger's total line
			out2, _ := hledgerCmd(hledger, "-f", path, "bal", "-N", "--depth", "1", "-e", "2025-02-01", "^"+acct+"(:|$)").CombinedOutput()
			sum = strings.Fields(string(out2))[0]
		}
		if sum != want {
			t.Errorf("hledger: %s = %q, want %s (%s)", acct, sum, want, out)
		}
	}
}

// hledgerCmd runs hledger in a UTF-8 locale: under LANG=C (as on CI) it
// refuses the journal's Chinese names with "invalid byte sequence".
func hledgerCmd(hledger string, args ...string) *exec.Cmd {
	cmd := exec.Command(hledger, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "LANG=C.UTF-8")
	return cmd
}
