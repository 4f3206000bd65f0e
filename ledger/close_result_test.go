package ledger

import (
	"reflect"
	"testing"
)

// The vouchers a close returns are the generated vouchers as stored, field for field.
func TestCloseResultIsStored(t *testing.T) {
	b, u, res := closedMonth(t)
	vs, err := b.Vouchers(t.Context(), u, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	var stored []Voucher
	for _, v := range vs {
		if v.Source != SourceManual {
			stored = append(stored, v)
		}
	}
	if len(res.Vouchers) != len(stored) || len(stored) == 0 {
		t.Fatalf("%d vouchers returned, %d stored", len(res.Vouchers), len(stored))
	}
	for i := range stored {
		if !reflect.DeepEqual(res.Vouchers[i], stored[i]) {
			t.Errorf("voucher %d:\nreturned %+v\nstored   %+v", i, res.Vouchers[i], stored[i])
		}
	}
}
