package ledger

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The image a voucher is sealed and audited with is jsonString of voucherImgJSON, byte
// for byte, whatever its strings hold.
func TestVoucherImageEncode(t *testing.T) {
	pieces := []string{"", "a", "记", "采购入库 CG-202501-0001 华南日化批发", "<", ">", "&", `"`, `\`, "\n", "\t", "\x01",
		"\u2028", "\u2029", "\xff", "\ufffd", "é", "😀", "/", "'", "\x7f"}
	str := func(r *rand.Rand) string {
		var b strings.Builder
		for range r.IntN(4) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		v := voucherImg{Period: str(r), Date: str(r), Source: str(r), Status: str(r), Summary: str(r), No: r.IntN(10000)}
		old := voucherImgJSON{Period: v.Period, Date: v.Date, Source: v.Source, Status: v.Status, Summary: v.Summary, No: v.No}
		for range r.IntN(4) {
			l := newVoucherImgLine(str(r), r.Int64N(1000), r.Int64N(1000), str(r), r.Int64N(2_000_000)-1_000_000, str(r))
			v.Lines = append(v.Lines, l)
			old.Lines = append(old.Lines, map[string]any{"account": l.account, "partner_id": l.partnerID, "item_id": l.itemID,
				"side": l.side, "amount": l.amount, "summary": l.summary})
		}
		if got, want := v.encode(), jsonString(old); got != want {
			t.Fatalf("encode:\n%s\nwant\n%s", got, want)
		}
	}
}
