package ledger

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"shopbooks/store"
)

// randomImage is a canonical image (json.Marshal of a map) with nested lines, strings
// that need escaping and integers beyond float64's exact range.
func randomImage(r *rand.Rand) string {
	m := map[string]any{}
	keys := []string{"id", "code", "name", "memo", "status", "version", "amount", "price", "lines", "null", "note"}
	for _, k := range keys {
		if r.IntN(6) == 0 {
			continue
		}
		switch r.IntN(5) {
		case 0:
			m[k] = r.Int64() // beyond 2⁵³
		case 1:
			m[k] = []string{"洗衣液", "<b>&", "“引号”\\", "", "a\"b"}[r.IntN(5)]
		case 2:
			m[k] = nil
		case 3:
			var lines []map[string]any
			for i := range r.IntN(4) {
				lines = append(lines, map[string]any{"line_no": i + 1, "qty": r.Int64N(1e9), "memo": "行" + fmt.Sprint(i)})
			}
			m[k] = lines
		default:
			m[k] = r.IntN(3)
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Every after image stored against every before image rebuilds to the same bytes, in
// whatever form the encoder picked; full images round-trip too.
func TestImageEncodingRebuildsExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	forms := map[byte]int{}
	for i := range 5000 {
		before, after := randomImage(r), randomImage(r)
		if i%3 == 0 { // a small change, as an audit makes
			var m map[string]any
			d := json.NewDecoder(strings.NewReader(before))
			d.UseNumber()
			d.Decode(&m)
			m["status"] = "audited"
			b, _ := json.Marshal(m)
			after = string(b)
		}
		full := encodeFull(before)
		if img, err := decodeFull(full); err != nil || img != before {
			t.Fatalf("full form %c of %s rebuilt %s (%v)", full[0], before, img, err)
		}
		enc := encodeAfter(before, after, 0)
		forms[enc[0]]++
		if whole := encodeFull(after); len(enc) > smallDelta && len(enc) > len(whole) {
			t.Fatalf("after form %c of %d bytes picked over the whole image's %d", enc[0], len(enc), len(whole))
		}
		row := auditRow{seq: 2, fmt: 1, imgBefore: full, imgAfter: enc}
		got, _, err := newImages(t.Context(), nil).rowAfter(row, 0)
		if err != nil || got != after {
			t.Fatalf("after form %c\nbefore %s\nafter  %s\nrebuilt %s (%v)", enc[0], before, after, got, err)
		}
	}
	if forms['Z'] == 0 || forms['D']+forms['E'] == 0 {
		t.Errorf("forms picked: %v", forms)
	}
	// Images of every size deflate and inflate exactly: past the encoder's 64 KB block
	// (a document of hundreds of lines), and of bytes that do not repeat.
	for _, n := range []int{0, 1, 200, 70_000, 300_000} {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(randomImage(r))
		}
		img := b.String()
		if n == 200 {
			img = string(fmt.Appendf(nil, "%x", sha256.Sum256([]byte(img))))
		}
		z := deflateImage('Z', img)
		if got, err := inflateImage(z[1:]); err != nil || got != img {
			t.Fatalf("%d bytes deflated to %d inflate to %d bytes (%v)", len(img), len(z), len(got), err)
		}
		std, err := io.ReadAll(flate.NewReaderDict(bytes.NewReader(z[1:]), []byte(imageDict))) // another decoder
		if err != nil || string(std) != img {
			t.Fatalf("%d bytes deflated: the standard library inflates %d bytes (%v)", len(img), len(std), err)
		}
	}
	// A plain delta ('D', picked when deflating does not shorten it) rebuilds too.
	before := `{"a":1,"b":"x","c":null}`
	delta, _ := imageDelta(before, `{"a":2,"c":null,"d":[1]}`)
	row := auditRow{seq: 2, fmt: 1, imgBefore: encodeFull(before), imgAfter: append([]byte{'D'}, delta...)}
	if got, _, err := newImages(t.Context(), nil).rowAfter(row, 0); err != nil || got != `{"a":2,"c":null,"d":[1]}` {
		t.Errorf("plain delta %s rebuilt %s (%v)", delta, got, err)
	}
}

// A document's save and audit keep both images exactly, at a fraction of their text:
// the audit's before image refers to the save's after image, its after image is a delta.
func TestAuditImagesCompact(t *testing.T) {
	b, u := openTestBook(t)
	ctx := t.Context()
	b.AddWarehouse(ctx, u, Warehouse{Code: "W1", Name: "主仓"})
	b.AddPartner(ctx, u, Partner{Code: "C1", Name: "客", Customer: true})
	var lines []DocLine
	for i := range 5 {
		code := fmt.Sprintf("A%d", i)
		if _, err := b.AddItem(ctx, u, Item{Code: code, Name: "品" + code, Unit: "个", VAT: 1300}); err != nil {
			t.Fatal(err)
		}
		if err := b.SetOpeningStock(ctx, u, code, "W1", Units(50), 5000); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, DocLine{Item: code, Qty: Units(2), Price: 12_500_000, UseItemVAT: true})
	}
	d, err := b.SaveDoc(ctx, u, Doc{Type: DocDelivery, Date: "2025-01-05", Partner: "C1", Warehouse: "W1", Lines: lines})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.AuditDoc(ctx, u, d.Number); err != nil {
		t.Fatal(err)
	}
	var text, stored int
	var forms string
	err = b.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log WHERE entity = 'doc' ORDER BY seq`)
		if err != nil {
			return err
		}
		var recs []AuditRecord
		for rows.Next() {
			r, err := scanAudit(rows)
			if err != nil {
				return err
			}
			recs = append(recs, r)
		}
		rows.Close()
		m := newImages(ctx, tx)
		for i := range recs {
			r := &recs[i]
			stored += len(r.ImgBefore) + len(r.ImgAfter)
			if err := m.fill(r); err != nil {
				return err
			}
			text += len(r.Before) + len(r.After)
			forms += fmt.Sprintf("%s:%s/%s ", r.Action, form(r.ImgBefore), form(r.ImgAfter))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if forms != "doc.create:-/Z doc.audit:R/E " && forms != "doc.create:-/Z doc.audit:R/D " {
		t.Errorf("forms %s", forms)
	}
	if stored*5 > text {
		t.Errorf("the document's images take %d bytes stored for %d of text", stored, text)
	}
	if rep, err := b.Verify(ctx, true); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Failure)
	}
}

func form(b []byte) string {
	if b == nil {
		return "-"
	}
	return string(b[:1])
}

// An item edited many times: the chain of deltas stays within maxImageDepth (a whole
// image is stored again when it would not), every record's images rebuild, and a book
// written partly before schema 6 (fmt 0 records) verifies with new records referring to
// old ones.
func TestAuditImagesLongHistoryAndOldRecords(t *testing.T) {
	b, u := openTestBook(t)
	ctx := t.Context()
	compactImages = false
	it, err := b.AddItem(ctx, u, Item{Code: "A1", Name: "旧", Unit: "个", VAT: 1300})
	compactImages = true
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 * maxImageDepth {
		it.Spec = fmt.Sprintf("规格%d", i)
		if it, err = b.UpdateItem(ctx, u, it); err != nil {
			t.Fatal(err)
		}
	}
	recs := allAudit(t, b)
	var prevAfter string
	depthSeen := 0
	err = b.db.Read(ctx, func(tx *store.Tx) error {
		m := newImages(ctx, tx)
		for _, r := range recs {
			if r.Entity != "item" {
				continue
			}
			if r.Fmt == 1 && prevAfter != "" && r.Before != prevAfter {
				t.Errorf("record %d: before image differs from the previous after image", r.Seq)
			}
			_, d, err := m.afterOf(r.Seq)
			if err != nil {
				return err
			}
			depthSeen = max(depthSeen, d)
			if d > maxImageDepth {
				t.Errorf("record %d: %d deltas deep", r.Seq, d)
			}
			prevAfter = r.After
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if depthSeen != maxImageDepth {
		t.Errorf("deepest chain %d deltas, want %d", depthSeen, maxImageDepth)
	}
	if !strings.Contains(prevAfter, fmt.Sprintf("规格%d", 3*maxImageDepth-1)) {
		t.Errorf("last image %s", prevAfter)
	}
	if rep, err := b.Verify(ctx, true); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Failure)
	}
}

// Stored images are input like any other: a damaged or forged one is refused, never a
// panic, and what is rebuilt from valid JSON is valid JSON.
func FuzzApplyDelta(f *testing.F) {
	f.Add(`{"a":1,"b":"x"}`, `{"set":{"a":2},"del":["b"]}`)
	f.Add(`{"a":[1,{"b":"}"}],"c":null}`, `{"set":{"c":"\"q\\"}}`)
	f.Add(`{}`, `{"set":{}}`)
	f.Add(`{"a":1`, `{"set":{"a":]}}`)
	f.Fuzz(func(t *testing.T, before, delta string) {
		got, err := applyDelta(before, delta)
		if err == nil && json.Valid([]byte(before)) && json.Valid([]byte(delta)) && !json.Valid([]byte(got)) {
			t.Errorf("applyDelta(%q, %q) = %q, not JSON", before, delta, got)
		}
	})
}

// A record's hash is SHA-256 over the previous hash, a newline and the canonical JSON of
// its fields (the top of audit.go), as the trail has always been written, for any
// content: strings that need escaping, images of fmt 0 written with spaces, blobs or
// none, times in another zone.
func TestRecordHashIsOfItsFieldsAsJSON(t *testing.T) {
	want := func(r *AuditRecord) string {
		nullable := func(s string) any {
			if s == "" {
				return nil
			}
			return json.RawMessage(s)
		}
		blob := func(b []byte) any {
			if b == nil {
				return nil
			}
			return fmt.Sprintf("%x", sha256.Sum256(b))
		}
		at := r.At.UTC().Format(time.RFC3339)
		fields := []any{r.Seq, at, r.User, r.Action, r.Entity, r.EntityID, r.Image, nullable(r.Before), nullable(r.After), r.Reason}
		if r.Fmt == 1 {
			fields = []any{"img", r.Seq, at, r.User, r.Action, r.Entity, r.EntityID, r.Image, blob(r.ImgBefore), blob(r.ImgAfter), r.Reason}
		}
		body, err := canonJSON(fields)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(r.PrevHash + "\n" + string(body)))
		return fmt.Sprintf("%x", sum)
	}
	texts := []string{"", "admin", "洗衣液", "<b>&", "a\"b\\c", "tab\there", "\u2028", "\xff bad", "doc.audit"}
	images := []string{"", `{"a":1}`, `{ "a" : [1, 2] }`, `{"memo":"<&>","lines":[{"q":12345678901234567}]}`}
	r := rand.New(rand.NewPCG(3, 4))
	zone := time.FixedZone("CST", 8*3600)
	var h recordHasher
	for i := range 2000 {
		pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
		rec := AuditRecord{Seq: r.Int64N(1 << 40), At: time.Date(2025, 1, 1+r.IntN(300), r.IntN(24), 0, r.IntN(60), 0, zone),
			User: pick(texts), Action: pick(texts), Entity: pick(texts), EntityID: pick(texts), Image: r.IntN(2) == 0,
			Reason: pick(texts), PrevHash: fmt.Sprintf("%064x", i)}
		if i%2 == 0 {
			rec.Fmt = 1
			if r.IntN(3) > 0 {
				rec.ImgBefore = []byte(pick(texts) + "x")
			}
			if r.IntN(3) > 0 {
				rec.ImgAfter = []byte{'Z', byte(i)}
			}
		} else {
			rec.Before, rec.After = pick(images), pick(images)
		}
		sum, err := h.sum(&rec)
		if got, w := fmt.Sprintf("%x", sum), want(&rec); err != nil || got != w || rec.computeHash() != w {
			t.Fatalf("record %+v: hash %s (%v), computeHash %s, want %s", rec, got, err, rec.computeHash(), w)
		}
	}
	// A fmt 0 image that is not JSON (only a damaged book has one) is an error, not a panic.
	if _, err := h.sum(&AuditRecord{Before: "{not json"}); err == nil {
		t.Error("a record whose before image is not JSON hashed")
	}
}

// verify_chain names the first record that breaks the chain, whatever breaks it, from
// the first record or from a later one.
func TestChainDigest(t *testing.T) {
	// chain makes n linked records from seq first on, after the hash prev.
	chain := func(first int64, prev string, n int) [][]driver.Value {
		var out [][]driver.Value
		for i := range n {
			r := AuditRecord{Seq: first + int64(i), At: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), User: "admin",
				Action: "item.update", Entity: "item", EntityID: "7", Image: true, Fmt: 1, ImgAfter: []byte{'J', '{', '}'}, PrevHash: prev}
			r.Hash = r.computeHash()
			out = append(out, []driver.Value{r.Seq, "2025-01-02T03:04:05Z", r.User, r.Action, r.Entity, r.EntityID, int64(1),
				"", "", r.Reason, r.PrevHash, r.Hash, int64(1), nil, r.ImgAfter})
			prev = r.Hash
		}
		return out
	}
	run := func(first int64, prev string, rows [][]driver.Value) int64 {
		d := &chainDigest{}
		for _, r := range rows {
			if err := d.Step(append([]driver.Value{first, prev}, r...)); err != nil {
				t.Fatal(err)
			}
		}
		bad, _ := d.Result()
		return bad.(int64)
	}
	for _, tc := range []struct {
		name   string
		first  int64
		change func(rows [][]driver.Value) [][]driver.Value
		want   int64
	}{
		{"sound", 1, nil, 0},
		{"sound from a later record", 40, nil, 0},
		{"a gap", 1, func(rows [][]driver.Value) [][]driver.Value { return append(rows[:2], rows[3:]...) }, 3},
		{"a user rewritten", 1, func(rows [][]driver.Value) [][]driver.Value { rows[3][2] = "mallory"; return rows }, 4},
		{"a link rewritten", 1, func(rows [][]driver.Value) [][]driver.Value { rows[1][10] = rows[0][10]; return rows }, 2},
		{"an image flag that is not one", 1, func(rows [][]driver.Value) [][]driver.Value { rows[2][6] = int64(2); return rows }, 3},
		{"a time that is not one", 1, func(rows [][]driver.Value) [][]driver.Value { rows[0][1] = "yesterday"; return rows }, 1},
		{"text where a number belongs", 40, func(rows [][]driver.Value) [][]driver.Value { rows[1][0] = "41"; return rows }, 41},
	} {
		prev := ""
		if tc.first > 1 {
			prev = fmt.Sprintf("%064x", tc.first-1)
		}
		rows := chain(tc.first, prev, 5)
		if tc.change != nil {
			rows = tc.change(rows)
		}
		if got := run(tc.first, prev, rows); got != tc.want {
			t.Errorf("%s: first bad record %d, want %d", tc.name, got, tc.want)
		}
	}
}

// verify_net keeps the keys whose sums do not cancel, in the order met, as JSON that
// SQLite reads back: keys of text (escaped as JSON), integers and NULL, values that are
// NULL, and a sum that overflows (which does not cancel, however it wraps).
func TestNetDigest(t *testing.T) {
	const big = int64(1) << 62
	d := &netDigest{}
	for _, row := range [][]driver.Value{
		{int64(2), "1405", "2025-01", int64(100), int64(5)},
		{int64(2), `a"<b>`, nil, int64(7), nil},
		{int64(2), "1405", "2025-01", int64(-100), int64(-5)},
		{int64(2), "1001", "2025-01", big, nil},
		{int64(2), "1001", "2025-01", big, nil},
		{int64(2), "1001", "2025-01", big, nil},
		{int64(2), "1001", "2025-01", big, nil}, // 2^64: 0 once wrapped
		{int64(2), "2202", int64(3), int64(1), int64(0)},
		{int64(2), "2202", int64(3), int64(-1), int64(0)},
	} {
		if err := d.Step(row); err != nil {
			t.Fatal(err)
		}
	}
	got, err := d.Result()
	if want := `[["a\"\u003cb\u003e",null],["1001","2025-01"]]`; err != nil || got != want {
		t.Errorf("verify_net = %v, %v; want %s", got, err, want)
	}
	if err := d.Step([]driver.Value{int64(2), "x", "y", 1.5, int64(0)}); err == nil {
		t.Error("a value that is not an integer was added")
	}
	if err := (&netDigest{}).Step([]driver.Value{"2", "x", int64(1)}); err == nil {
		t.Error("a row without the key's length was taken")
	}
}

// A delta rebuilding an image tells where the member it was asked to mark is in the
// image, as splitObject finds it, or that it has none; and docSumsOf gives the same sums
// with the place told or looked for.
func TestDeltaMarksAMember(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	m := &images{after: map[int64]imageAt{}}
	m.delta.mark = "lines"
	var sc deltaScratch
	seen := 0
	for range 2000 {
		before, after := randomImage(r), randomImage(r)
		row := auditRow{seq: 2, fmt: 1, imgBefore: encodeFull(before), imgAfter: encodeAfter(before, after, 0)}
		if row.imgAfter[0] != 'D' && row.imgAfter[0] != 'E' {
			continue
		}
		m.delta.marked = [2]int{-1, -1}
		got, _, err := m.appendAfter(nil, row, 0)
		if err != nil || string(got) != after {
			t.Fatalf("rebuilt %s (%v), want %s", got, err, after)
		}
		want := [2]int{-1, -1}
		ms, _ := splitObject(nil, got, true)
		for _, mb := range ms {
			if string(mb.name(got)) == "lines" {
				want = [2]int{mb.vs, mb.ve}
				seen++
			}
		}
		if m.delta.marked != want {
			t.Fatalf("%s: lines marked at %v, want %v", got, m.delta.marked, want)
		}
		if docSumsOf(got, m.delta.marked, &sc) != docSumsOf(got, [2]int{-1, -1}, &sc) {
			t.Fatalf("%s: the sums differ with the place told", got)
		}
	}
	if seen == 0 {
		t.Error("no image had lines")
	}
}
