package ledger

import (
	"bufio"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The close is one transaction (issue 5): a child process closes DOMAIN.md §8's month
// and is killed with SIGKILL at a random instant, many times; after every kill the book
// opens, verify passes, and it is either exactly as before the close or exactly closed.

const closeChildEnv = "SHOPBOOKS_CLOSE_CHILD"

func TestCloseCrashSafety(t *testing.T) {
	if os.Getenv(closeChildEnv) == "1" {
		closeChild(os.Getenv("SHOPBOOKS_CRASH_BOOK"))
		return
	}
	kills, budget := 40, 40*time.Second
	if testing.Short() {
		kills, budget = 8, 10*time.Second
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The month, ready to close, kept as a file; and the vouchers its close must give.
	g := loadGoldenMonth(t)
	b, u := monthBook(t, g)
	ctx := t.Context()
	enterMonth(t, b, u, g)
	v, err := b.SaveVoucher(ctx, u, Voucher{Date: "2025-01-31", Summary: "计提折旧", Lines: []VoucherLine{
		{Account: "560207", Side: "D", Amount: 50000}, {Account: "1602", Side: "C", Amount: 50000}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.AuditVoucher(ctx, u, v.Ref(), true); err != nil {
		t.Fatal(err)
	}
	base := b.Path()
	b.Close()
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.book")
	copyFile(t, base, ref)
	rb, err := Open(ctx, ref, discardLog)
	if err != nil {
		t.Fatal(err)
	}
	ru, _ := rb.Login(ctx, "admin", "")
	if _, err := rb.ClosePeriod(ctx, ru, "2025-01", CloseOptions{}); err != nil {
		t.Fatal(err)
	}
	closedText := vouchersText(t, rb, ru)
	rb.Close()
	start := time.Now()
	n, closedSeen, openSeen := 0, 0, 0
	for ; n < kills && time.Since(start) < budget; n++ {
		work := filepath.Join(dir, "work.book")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(work + suffix)
		}
		copyFile(t, base, work)
		cmd := exec.Command(exe, "-test.run=^TestCloseCrashSafety$")
		cmd.Env = append(os.Environ(), closeChildEnv+"=1", "SHOPBOOKS_CRASH_BOOK="+work)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		var timer *time.Timer
		kill := func() { cmd.Process.Signal(syscall.SIGKILL) }
		for sc.Scan() {
			if sc.Text() == "ready" && timer == nil {
				timer = time.AfterFunc(time.Duration(rand.IntN(400_000))*time.Microsecond, kill)
			}
		}
		if timer == nil {
			kill()
		}
		cmd.Wait()
		b, err := Open(ctx, work, discardLog)
		if err != nil {
			t.Fatalf("kill %d: the book does not open: %v", n, err)
		}
		rep, err := b.Verify(ctx, true)
		if err != nil || !rep.OK() {
			t.Fatalf("kill %d: verify: %v %v", n, err, rep.Failure)
		}
		u, _ := b.Login(ctx, "admin", "")
		closed, _ := b.PeriodClosed(ctx, "2025-01")
		got := vouchersText(t, b, u)
		switch {
		case closed && got == closedText:
			closedSeen++
		case !closed && strings.Count(got, "\n") == 1:
			openSeen++
		default:
			t.Fatalf("kill %d: half a close: closed=%v, vouchers:\n%s", n, closed, got)
		}
		b.Close()
	}
	t.Logf("%d kills in %v: %d found closed, %d as before", n, time.Since(start).Round(time.Millisecond), closedSeen, openSeen)
	if openSeen == 0 {
		t.Error("no kill landed before the commit: the test proved nothing")
	}
}

func vouchersText(t *testing.T, b *Book, u *User) string {
	t.Helper()
	vs, err := b.Vouchers(t.Context(), u, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	var s strings.Builder
	for _, v := range vs {
		s.WriteString(voucherText(v) + "\n")
	}
	return s.String()
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// closeChild closes the month again and again (un-closing in between), until killed.
func closeChild(path string) {
	ctx := context.Background()
	b, err := Open(ctx, path, discardLog)
	if err != nil {
		os.Exit(3)
	}
	u, err := b.Login(ctx, "admin", "")
	if err != nil {
		os.Exit(3)
	}
	os.Stdout.WriteString("ready\n")
	for {
		if _, err := b.ClosePeriod(ctx, u, "2025-01", CloseOptions{}); err != nil {
			os.Exit(4)
		}
		if err := b.UnclosePeriod(ctx, u, "2025-01", "crash test"); err != nil {
			os.Exit(5)
		}
	}
}
