package cli

import (
	"strings"
	"testing"
)

// TestDemo: `demo` makes a small book that verifies, says how far it got on stderr,
// remembers the book, and refuses to overwrite an existing file.
func TestDemo(t *testing.T) {
	s := newShop(t)
	code, out, errs := s.run("demo", "--months", "1", "--items", "40", "--scale", "0.02", "--seed", "3", "--start", "2025-01")
	if code != 0 {
		t.Fatalf("demo: exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(errs, "2025-01") || !strings.Contains(out, "Demo book created") {
		t.Errorf("demo said %q on stdout, %q on stderr", out, errs)
	}
	s.ok("verify", "--full")
	if rows := s.jsonList("item", "list"); len(rows) != 40 {
		t.Errorf("%d items, want 40", len(rows))
	}
	s.fails(exitRefused, "demo", "--months", "1", "--items", "40", "--scale", "0.02")
	s.fails(exitUsage, "demo", "--seed", "x")
}
