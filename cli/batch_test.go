package cli

import (
	"fmt"
	"strings"
	"testing"
)

// batchShop is a book with a warehouse, a customer, a supplier and stock of two items.
func batchShop(t *testing.T) *shop {
	t.Helper()
	s := initShop(t)
	code, _, errs := s.runWith(nil, `warehouse add --code W1 --name 主仓
partner add --code C1 --name 客户 --customer
partner add --code S1 --name 供应商 --supplier
item add --code A --name 洗衣液 --unit 瓶 --vat 13
item add --code B --name 抽纸 --unit 提 --vat 13
doc new receipt --date 2025-01-02 --partner S1 --warehouse W1 --line A:10:8 --line B:10:5 --audit
`, "batch", "-")
	if code != 0 {
		t.Fatalf("setup: exit %d %s", code, errs)
	}
	return s
}

// TestBatchDocumentRuns: document lines run together (ledger.DocBatch) do what they do
// one by one: a refused line stops the batch, names its line and writes nothing, the
// lines before it stay; a line that reads the book sees what the lines before it wrote;
// a line made from an earlier line's document (--from) finds it.
func TestBatchDocumentRuns(t *testing.T) {
	t.Parallel()
	s := batchShop(t)
	script := `doc new delivery --date 2025-01-03 --partner C1 --warehouse W1 --line A:1:12 --audit
doc new delivery --date 2025-01-03 --partner C1 --warehouse W1 --line A:2:12 --line B:1:9 --audit
doc new delivery --date 2025-01-04 --partner C1 --warehouse W1 --line B:1:9
stock onhand --format json
doc audit XS-202501-0003
doc new sreturn --date 2025-01-05 --from XS-202501-0002 --line A:1 --audit
doc new delivery --date 2025-01-05 --partner C1 --warehouse W1 --line A:100:12 --audit
doc new delivery --date 2025-01-06 --partner C1 --warehouse W1 --line A:1:12 --audit
`
	code, out, errs := s.runWith(nil, script, "--lang", "en", "batch", "-")
	if code != 1 || !strings.Contains(errs, "Line 7") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, n := range []string{"XS-202501-0001", "XS-202501-0002", "XS-202501-0003", "XT-202501-0001"} {
		if !strings.Contains(out, n) {
			t.Errorf("%s not printed:\n%s", n, out)
		}
	}
	// The stock line saw the first two deliveries (A 10-1-2, B 10-1).
	if !strings.Contains(out, `"qty": "7"`) || !strings.Contains(out, `"qty": "9"`) {
		t.Errorf("on-hand in the batch:\n%s", out)
	}
	docs := s.jsonList("doc", "list")
	var got []string
	for _, d := range docs {
		got = append(got, fmt.Sprint(d["number"], " ", d["status"]))
	}
	if len(docs) != 5 {
		t.Errorf("documents after the batch: %v", got)
	}
	for _, d := range docs {
		if d["number"] == "XS-202501-0004" {
			t.Errorf("the refused delivery was written: %v", got)
		}
	}
	if code, _, errs := s.run("verify"); code != 0 {
		t.Errorf("verify: %d %s", code, errs)
	}
	// The next batch numbers on from the last written document: the refused one left no gap.
	out = s.ok("doc", "new", "delivery", "--date", "2025-01-06", "--partner", "C1", "--warehouse", "W1", "--line", "A:1:12", "--audit")
	if !strings.Contains(out, "XS-202501-0004") {
		t.Errorf("after the batch: %s", out)
	}
}

// TestBatchPrintsAsOneByOne: a document saved and audited in a batch prints what it
// prints on its own — its number and the confirmation with its total in the table, the
// whole document (line costs included) in JSON — though the table's comes from the
// document as saved, not read again.
func TestBatchPrintsAsOneByOne(t *testing.T) {
	t.Parallel()
	lines := []string{
		"doc new delivery --date 2025-01-03 --partner C1 --warehouse W1 --line A:1:12 --line B:2:9.5 --audit",
		"doc new receipt --date 2025-01-03 --partner S1 --warehouse W1 --line A:3:7.77 --audit",
		"doc new delivery --date 2025-01-04 --partner C1 --warehouse W1 --line A:2:12 --audit --format json",
	}
	alone, batch := batchShop(t), batchShop(t)
	var outs, errs []string
	for _, l := range lines {
		words, err := splitWords(l)
		if err != nil {
			t.Fatal(err)
		}
		code, out, e := alone.run(append([]string{"--lang", "en"}, words...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", l, code, e)
		}
		outs, errs = append(outs, out), append(errs, e)
	}
	code, out, e := batch.runWith(nil, strings.Join(lines, "\n")+"\n", "--lang", "en", "batch", "-")
	if code != 0 {
		t.Fatalf("batch: exit %d %s", code, e)
	}
	if want := strings.Join(outs, ""); out != want {
		t.Errorf("the batch printed\n%s\none by one\n%s", out, want)
	}
	if want := strings.Join(errs, ""); e != want {
		t.Errorf("the batch's messages\n%s\none by one\n%s", e, want)
	}
	if !strings.Contains(out, `"cost"`) {
		t.Errorf("the JSON document has no line costs:\n%s", out)
	}
}
