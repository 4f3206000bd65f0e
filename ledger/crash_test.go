package ledger

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Crash safety (issue 7): a child process writes documents through the services and
// prints each number once its call has returned; it is killed with SIGKILL at a random
// instant, again and again. After every kill the book opens, Verify(full) passes, and
// every acknowledged document is there, audited.

const crashChildEnv = "SHOPBOOKS_CRASH_CHILD"

func TestCrashSafety(t *testing.T) {
	if os.Getenv(crashChildEnv) == "1" {
		crashChild(os.Getenv("SHOPBOOKS_CRASH_BOOK"))
		return
	}
	kills, budget := 100, 50*time.Second
	if testing.Short() {
		kills, budget = 15, 10*time.Second
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := shopWithStock(t)
	path := b.Path()
	b.Close()
	ctx := t.Context()
	start := time.Now()
	acked := map[string]bool{}
	n := 0
	for ; n < kills && time.Since(start) < budget; n++ {
		got := crashOnce(t, exe, path)
		for _, num := range got {
			acked[num] = true
		}
		b, err := Open(ctx, path, testLog(t))
		if err != nil {
			t.Fatalf("kill %d: the book does not open: %v", n, err)
		}
		checkAfterCrash(t, ctx, b, n, acked)
		b.Close()
		if t.Failed() {
			break
		}
	}
	t.Logf("%d kills in %v, %d documents acknowledged", n, time.Since(start).Round(time.Millisecond), len(acked))
	if len(acked) == 0 {
		t.Error("no write was ever acknowledged: the kills came too early")
	}
}

// crashOnce runs the child, kills it at a random instant (from its start, or once it
// has begun writing) and returns the numbers it acknowledged.
func crashOnce(t *testing.T, exe, path string) []string {
	t.Helper()
	cmd := exec.Command(exe, "-test.run=^TestCrashSafety$")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", "SHOPBOOKS_CRASH_BOOK="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	kill := func() { cmd.Process.Signal(syscall.SIGKILL) }
	var acked []string
	take := func(l string) {
		if num, ok := strings.CutPrefix(l, "ack "); ok {
			acked = append(acked, num)
		}
	}
	var timer *time.Timer
	if rand.IntN(3) == 0 {
		timer = time.AfterFunc(time.Duration(rand.IntN(120))*time.Millisecond, kill) // anywhere, opening included
	}
	for l := range lines {
		if timer == nil && l == "ready" {
			timer = time.AfterFunc(time.Duration(rand.IntN(40_000))*time.Microsecond, kill) // mid-writes
		}
		take(l)
	}
	if timer == nil { // the child died before it was ready
		kill()
	}
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the child ended with %v, not by the kill", err)
	}
	return acked
}

func checkAfterCrash(t *testing.T, ctx context.Context, b *Book, n int, acked map[string]bool) {
	t.Helper()
	rep, err := b.Verify(ctx, true)
	if err != nil || rep.Failure != nil {
		t.Fatalf("kill %d: verify: %v %v", n, rep.Failure, err)
	}
	u, err := b.Login(ctx, "admin", "")
	if err != nil {
		t.Fatalf("kill %d: login: %v", n, err)
	}
	docs, err := b.Docs(ctx, u, DocFilter{})
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]DocStatus{}
	for _, d := range docs {
		status[d.Number] = d.Status
	}
	for num := range acked {
		if status[num] != StatusAudited {
			t.Errorf("kill %d: acknowledged document %s is %q", n, num, status[num])
		}
	}
	audited := map[string]bool{}
	for _, r := range allAudit(t, b) {
		if r.Action == "doc.audit" {
			audited[r.EntityID] = true
		}
	}
	for _, d := range docs {
		if d.Status == StatusAudited && !audited[fmt.Sprint(d.ID)] {
			t.Errorf("kill %d: document %s is audited without its audit record", n, d.Number)
		}
	}
}

// crashChild writes receipts until it is killed: most saved and audited at once, every
// fifth saved as a draft and audited after. A number is printed once its audit returned.
func crashChild(path string) {
	ctx := context.Background()
	b, err := Open(ctx, path, discardLog)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	u, err := b.Login(ctx, "admin", "")
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	fmt.Println("ready")
	for i := 0; ; i++ {
		d := Doc{Type: DocReceipt, Date: "2025-01-10", Partner: "S1", Warehouse: "W1",
			Lines: []DocLine{{Item: "A", Qty: Units(int64(i%7 + 1)), Price: 10_000_000, UseItemVAT: true}}}
		var num string
		if i%5 == 4 {
			saved, err := b.SaveDoc(ctx, u, d)
			if err == nil {
				err = b.AuditDoc(ctx, u, saved.Number)
			}
			if err != nil {
				fmt.Println("error", err)
				os.Exit(3)
			}
			num = saved.Number
		} else {
			saved, err := b.SaveAndAuditDoc(ctx, u, d)
			if err != nil {
				fmt.Println("error", err)
				os.Exit(3)
			}
			num = saved.Number
		}
		fmt.Println("ack " + num)
	}
}
