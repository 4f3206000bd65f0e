package ui

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"shopbooks/cli"
	"shopbooks/ledger"
	"shopbooks/store"
)

// Concurrency (issue 7): the window and two CLI processes write to one book at once.
// Each CLI process is this test binary run again as the real CLI (cli.Main), invoking
// `item add` once per item, each invocation opening and closing the book as a separate
// `shopbooks` command would; the window saves items through its form meanwhile. No
// acknowledged write is lost, the book verifies, and a "book busy" refusal comes only
// after the busy timeout.

const cliChildEnv = "SHOPBOOKS_UI_CLI_CHILD"

func TestWindowAndTwoCLIsWriteAtOnce(t *testing.T) {
	if prefix := os.Getenv(cliChildEnv); prefix != "" {
		cliChild(os.Getenv("SHOPBOOKS_UI_CLI_BOOK"), prefix)
		return
	}
	per := 25
	if testing.Short() {
		per = 8
	}
	b, path := newBook(t)
	b.Close()
	s := newWindow(t, path, "", "", "items", "zh-CN")
	v := itemsScreen(t, s)

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		acked []string
		busy  []time.Duration
		err   error
	}
	results := make([]result, 2)
	var wg sync.WaitGroup
	for i, prefix := range []string{"P", "Q"} {
		cmd := exec.Command(exe, "-test.run=^TestWindowAndTwoCLIsWriteAtOnce$")
		cmd.Env = append(os.Environ(), cliChildEnv+"="+prefix, "SHOPBOOKS_UI_CLI_BOOK="+path,
			fmt.Sprintf("SHOPBOOKS_UI_CLI_N=%d", per), "XDG_CONFIG_HOME="+t.TempDir())
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &results[i]
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				switch {
				case len(f) == 2 && f[0] == "ack":
					r.acked = append(r.acked, f[1])
				case len(f) == 2 && f[0] == "busy":
					d, _ := time.ParseDuration(f[1])
					r.busy = append(r.busy, d)
				case len(f) > 0 && f[0] == "fail":
					r.err = fmt.Errorf("%s", sc.Text())
				}
			}
			if err := cmd.Wait(); err != nil && r.err == nil {
				r.err = fmt.Errorf("%v: %s", err, stderr.String())
			}
		}()
	}

	// The window saves its items while the two processes run.
	var windowAcked []string
	for i := range per {
		code := fmt.Sprintf("W%03d", i)
		f := v.form
		test.Tap(v.btnNew)
		test.Type(f.entries["code"], code)
		test.Type(f.entries["name"], "窗口商品 "+code)
		f.selects["unit"].SetSelected("瓶")
		start := time.Now()
		test.Tap(v.btnSave)
		switch msg := f.msg.Text; {
		case msg == "":
			windowAcked = append(windowAcked, code)
		case strings.Contains(msg, "账套正忙"):
			if d := time.Since(start); d < store.BusyTimeout {
				t.Errorf("the window was told busy after %v, before the busy timeout", d)
			}
		default:
			t.Errorf("the window's save of %s: %s", code, msg)
		}
	}
	wg.Wait()

	all := append([]string(nil), windowAcked...)
	for i, r := range results {
		if r.err != nil {
			t.Errorf("CLI process %d: %v", i, r.err)
		}
		for _, d := range r.busy {
			if d < store.BusyTimeout {
				t.Errorf("CLI process %d was told busy after %v, before the busy timeout", i, d)
			}
		}
		all = append(all, r.acked...)
	}
	items, err := s.book.Items(s.ctx, ledger.ItemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, it := range items {
		have[it.Code] = true
	}
	for _, code := range all {
		if !have[code] {
			t.Errorf("item %s was acknowledged and is not in the book", code)
		}
	}
	if len(items) != len(all) {
		t.Errorf("the book has %d items, %d were acknowledged", len(items), len(all))
	}
	if rep, err := s.book.Verify(s.ctx, true); err != nil || !rep.OK() {
		t.Errorf("verify after the concurrent writes: %v %v", err, rep.Failure)
	}
	t.Logf("acknowledged: window %d, CLI %d + %d; busy refusals: %d + %d", len(windowAcked),
		len(results[0].acked), len(results[1].acked), len(results[0].busy), len(results[1].busy))
	if len(windowAcked) == 0 || len(results[0].acked) == 0 || len(results[1].acked) == 0 {
		t.Error("one of the three writers never got a write through")
	}
}

// cliChild runs `shopbooks --book path item add ...` n times through the real CLI entry,
// one invocation per item, and reports each on stdout: "ack CODE", "busy DURATION" for a
// refusal as busy, "fail ..." for anything else.
func cliChild(path, prefix string) {
	n := 25
	fmt.Sscan(os.Getenv("SHOPBOOKS_UI_CLI_N"), &n)
	for i := range n {
		code := fmt.Sprintf("%s%03d", prefix, i)
		var stderr bytes.Buffer
		start := time.Now()
		rc := cli.Main(context.Background(), []string{"--book", path, "--lang", "en", "item", "add", "--code", code,
			"--name", "命令行商品 " + code, "--unit", "瓶"}, cli.Env{
			Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Getenv: os.Getenv,
		})
		switch {
		case rc == 0:
			fmt.Println("ack", code)
		case strings.Contains(strings.ToLower(stderr.String()), "busy"):
			fmt.Println("busy", time.Since(start))
		default:
			fmt.Println("fail", code, rc, strings.TrimSpace(stderr.String()))
		}
	}
}
