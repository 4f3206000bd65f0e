package ui

import (
	"context"
	"testing"

	"shopbooks/ledger"
)

// A document list opens on the month being worked on (UI.md §3.3, 方案 本月), or on the
// latest closed month while nothing is dated in the open one; a document dated in the
// open month brings the list there.
func TestDocListStartsAtTheWorkingMonth(t *testing.T) {
	path := januaryBook(t, true) // January closed, February empty
	s := newWindow(t, path, "", "", "sales_list", "zh-CN")
	l := newDocList(s, "sales_list", salesTypes)
	if l.m.from != "2025-01-01" || l.m.Len() == 0 {
		t.Fatalf("with February empty: from %q, %d rows", l.m.from, l.m.Len())
	}
	for i := range l.m.Len() {
		if d := l.m.Row(i); d.Date < "2025-01-01" {
			t.Errorf("row %s dated %s before the range", d.Number, d.Date)
		}
	}
	b := s.book
	u := s.user
	if _, err := b.SaveDoc(context.Background(), u, ledger.Doc{Type: ledger.DocDelivery, Date: "2025-02-03", Partner: "C1",
		Warehouse: "W1", Lines: []ledger.DocLine{{Item: "A", Qty: ledger.Units(1), Price: 32_000_000, UseItemVAT: true}}}); err != nil {
		t.Fatal(err)
	}
	l = newDocList(s, "sales_list", salesTypes)
	if l.m.from != "2025-02-01" || l.m.Len() != 1 {
		t.Errorf("with a February draft: from %q, %d rows", l.m.from, l.m.Len())
	}
}
