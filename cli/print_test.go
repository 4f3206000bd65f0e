package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocPrint(t *testing.T) {
	t.Parallel()
	s := smallShop(t)
	pdf := filepath.Join(s.dir, "送货单.pdf")
	if out := s.ok("doc", "print", "xs-202501-0001", "--to", pdf, "--size", "a5"); !strings.Contains(out, "XS-202501-0001") {
		t.Errorf("doc print said %q", out)
	}
	if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("the PDF: %v %q", err, b[:min(len(b), 8)])
	}
	if out := s.ok("doc", "print", "CG-202501-0001", "--to", "-"); !strings.HasPrefix(out, "%PDF") {
		t.Errorf("--to -: %q", out[:min(len(out), 8)])
	}
	if errs := s.fails(1, "doc", "print", "XS-202501-0001", "--size", "a3", "--to", pdf); strings.Contains(errs, "page_size") || !strings.Contains(errs, "a3") {
		t.Errorf("--size a3: %q", errs)
	}
	s.fails(1, "doc", "print", "XS-202509-0001", "--to", pdf)
	s.fails(1, "doc", "print", "XS-202501-0001", "--to", filepath.Join(s.dir, "no-such-dir", "x.pdf"))
}
