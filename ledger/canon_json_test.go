package ledger

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

func randomValue(r *rand.Rand, depth int) any {
	strs := []string{"", "洗衣液", "<b>&", "“引号”\\", "a\"b", "tab\there", "\x01\x7f", "\u2028x", "bad\xffutf8", "\ufffd", "é"}
	switch r.IntN(9) {
	case 0:
		return nil
	case 1:
		return r.Int64() - r.Int64()
	case 2:
		return strs[r.IntN(len(strs))] + strs[r.IntN(len(strs))]
	case 3:
		return r.IntN(2) == 0
	case 4:
		return r.IntN(1000)
	case 5:
		if depth > 0 {
			var lines []map[string]any
			for range r.IntN(3) {
				lines = append(lines, map[string]any{"x": randomValue(r, depth-1), "y": randomValue(r, depth-1)})
			}
			return lines
		}
		return 1.5
	case 6:
		return json.RawMessage([]string{`{"a":[1,2],"b":"x"}`, `{ "a" : 1 }`, `"\u003c"`}[r.IntN(3)])
	case 7:
		return []any{randomValue(r, max(depth-1, 0)), int64(7), "x"}
	}
	m := map[string]any{}
	for range r.IntN(6) {
		m[strs[r.IntN(len(strs))]+"k"] = randomValue(r, max(depth-1, 0))
	}
	return m
}

// canonJSON writes what json.Marshal writes, for every kind of value images hold and
// strings that need every kind of escape.
func TestCanonJSONIsMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		v := map[string]any{"v": randomValue(r, 3)}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := canonJSON(v)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("canonJSON(%#v)\n got %s (%v)\nwant %s", v, got, err, want)
		}
	}
	raw := map[string]json.RawMessage{"b": json.RawMessage(`[1,{"x":null}]`), "a": json.RawMessage(`"\u003c"`)}
	want, _ := json.Marshal(raw)
	if got, _ := canonJSON(raw); !bytes.Equal(got, want) {
		t.Errorf("raw map: got %s want %s", got, want)
	}
}
