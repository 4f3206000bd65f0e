package ledger

import (
	"bufio"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Power loss (issue 7): what a disk holds when the power goes is the book file and its
// WAL as they were at some instant — or, with a disk that reorders writes, the two at
// different instants. The child of TestCrashSafety writes documents without pause while
// the book and its WAL are copied from under it (the shared-memory index is not: a
// reboot loses it):
//   - at one instant (the child frozen by SIGSTOP): the copy opens, Verify(full) passes
//     and every document acknowledged before the freeze is there, audited;
//   - at two instants (the book, then the WAL a few milliseconds later, the child
//     running): the copy is a verified book or a clear refusal — an error with its code
//     at open or a failure named by Verify — never an internal error, never a panic.
func TestPowerLoss(t *testing.T) {
	snaps, budget := 40, 20*time.Second
	if testing.Short() {
		snaps, budget = 10, 8*time.Second
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := shopWithStock(t)
	path := b.Path()
	b.Close()

	cmd := exec.Command(exe, "-test.run=^TestCrashSafety$")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", "SHOPBOOKS_CRASH_BOOK="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGCONT)
		cmd.Process.Kill()
		cmd.Wait()
	}()
	var mu sync.Mutex
	var acked []string
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			l := sc.Text()
			if l == "ready" {
				close(ready)
			}
			if num, ok := strings.CutPrefix(l, "ack "); ok {
				mu.Lock()
				acked = append(acked, num)
				mu.Unlock()
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("the writing child never got ready")
	}

	ctx := t.Context()
	start := time.Now()
	var verified, refused, consistent int
	for n := 0; n < snaps && time.Since(start) < budget && !t.Failed(); n++ {
		time.Sleep(time.Duration(rand.IntN(30_000)) * time.Microsecond)
		dir := t.TempDir()
		copyPath := filepath.Join(dir, filepath.Base(path))
		frozen := n%2 == 0
		var seen map[string]bool
		if frozen {
			if err := cmd.Process.Signal(syscall.SIGSTOP); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond) // let the stop land
			mu.Lock()
			seen = make(map[string]bool, len(acked))
			for _, num := range acked {
				seen[num] = true
			}
			mu.Unlock()
			copyIfThere(t, path, copyPath)
			copyIfThere(t, path+"-wal", copyPath+"-wal")
			if err := cmd.Process.Signal(syscall.SIGCONT); err != nil {
				t.Fatal(err)
			}
		} else {
			copyIfThere(t, path, copyPath)
			time.Sleep(time.Duration(rand.IntN(5_000)) * time.Microsecond)
			copyIfThere(t, path+"-wal", copyPath+"-wal")
		}

		cb, err := Open(ctx, copyPath, testLog(t))
		if err != nil {
			if frozen || CodeOf(err) == CodeInternal {
				t.Fatalf("copy %d (frozen %v): the book does not open: %v", n, frozen, err)
			}
			t.Logf("copy %d, taken at two instants: refused at open: %v", n, err)
			refused++
			continue
		}
		rep, err := cb.Verify(ctx, true)
		switch {
		case err != nil:
			t.Errorf("copy %d (frozen %v): verify broke down: %v", n, frozen, err)
		case rep.Failure != nil && frozen:
			t.Errorf("copy %d, taken at one instant: verify: %v", n, rep.Failure)
		case rep.Failure != nil:
			t.Logf("copy %d, taken at two instants: verify names %v", n, rep.Failure)
			refused++
		case frozen:
			checkAfterCrash(t, ctx, cb, n, seen)
			consistent++
			verified++
		default:
			verified++
		}
		cb.Close()
	}
	mu.Lock()
	n := len(acked)
	mu.Unlock()
	t.Logf("%d copies verified (%d at one instant, acknowledged writes all there), %d refused with a reason; %d documents acknowledged",
		verified, consistent, refused, n)
	if consistent == 0 || n == 0 {
		t.Error("no copy at one instant was checked, or nothing was written")
	}
}

// copyIfThere copies from to to, byte for byte, when from exists (a WAL may have been
// checkpointed and removed).
func copyIfThere(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	outf, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(outf, in); err != nil {
		t.Fatal(err)
	}
	if err := outf.Close(); err != nil {
		t.Fatal(err)
	}
}
