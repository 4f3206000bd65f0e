package ledger

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRestoreKilled: a child process restores the book from two backups in turn (of the
// book named 甲店 and 乙店) and is killed with SIGKILL at a random instant, again and
// again. After every kill the book opens (finishing or dropping a swap the kill cut),
// verifies, and is one of the two backups' books, or the one the child had restored
// last; no marker is left.
func TestRestoreKilled(t *testing.T) {
	if os.Getenv("SHOPBOOKS_RESTORE_CHILD") == "1" {
		restoreChild(os.Getenv("SHOPBOOKS_RESTORE_BOOK"), strings.Split(os.Getenv("SHOPBOOKS_RESTORE_FROM"), "|"))
		return
	}
	kills, budget := 20, 15*time.Second
	if testing.Short() {
		kills, budget = 8, 8*time.Second
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	b, u := openTestBook(t)
	path := b.Path()
	dir := t.TempDir()
	var backups []string
	for _, name := range []string{"甲店", "乙店"} {
		s, err := b.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		s.Name = name
		if err := b.UpdateSettings(ctx, u, s); err != nil {
			t.Fatal(err)
		}
		info, err := b.Backup(ctx, u, dir, "")
		if err != nil {
			t.Fatal(err)
		}
		backups = append(backups, info.Path)
		time.Sleep(1100 * time.Millisecond) // one backup name a second
	}
	b.Close()
	start := time.Now()
	restored := 0
	n := 0
	for ; n < kills && time.Since(start) < budget; n++ {
		cmd := exec.Command(exe, "-test.run=^TestRestoreKilled$")
		cmd.Env = append(os.Environ(), "SHOPBOOKS_RESTORE_CHILD=1", "SHOPBOOKS_RESTORE_BOOK="+path,
			"SHOPBOOKS_RESTORE_FROM="+strings.Join(backups, "|"))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var timer *time.Timer
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			l := sc.Text()
			if l == "ready" && timer == nil {
				timer = time.AfterFunc(time.Duration(rand.IntN(1500))*time.Millisecond, func() { cmd.Process.Signal(syscall.SIGKILL) })
			}
			if strings.HasPrefix(l, "restored") {
				restored++
			}
			if strings.HasPrefix(l, "error") {
				t.Errorf("child: %s", l)
			}
		}
		if timer == nil {
			cmd.Process.Signal(syscall.SIGKILL)
		}
		cmd.Wait()

		c, err := Open(ctx, path, testLog(t))
		if err != nil {
			t.Fatalf("kill %d: the book does not open: %v", n, err)
		}
		rep, err := c.Verify(ctx, true)
		if err != nil || rep.Failure != nil {
			c.Close()
			t.Fatalf("kill %d: verify: %v %v", n, rep.Failure, err)
		}
		s, err := c.Settings(ctx)
		c.Close()
		if err != nil || (s.Name != "甲店" && s.Name != "乙店") {
			t.Fatalf("kill %d: the book is %q (%v)", n, s.Name, err)
		}
		if _, err := os.Stat(markerPath(path)); err == nil {
			t.Fatalf("kill %d: the restore marker is left", n)
		}
	}
	kept, _ := filepath.Glob(path + ".before-restore-*")
	t.Logf("%d kills in %v, %d restores finished, %d replaced books kept", n, time.Since(start).Round(time.Millisecond), restored, len(kept))
}

// restoreChild restores the book from each backup in turn until it is killed.
func restoreChild(path string, from []string) {
	ctx := context.Background()
	b, err := Open(ctx, path, discardLog)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	fmt.Println("ready")
	for i := 0; ; i++ {
		u, err := b.Login(ctx, "admin", "")
		if err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		r, err := b.RestoreAs(ctx, u, from[i%len(from)], "")
		if err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		b = r.Book
		fmt.Println("restored", i)
	}
}
