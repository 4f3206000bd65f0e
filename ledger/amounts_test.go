package ledger

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"
)

func mustPrice(t *testing.T, s string) Price {
	t.Helper()
	p, err := ParsePrice("test", s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLineAmountsDomain is DOMAIN.md §2.6, E1–E5.
func TestLineAmountsDomain(t *testing.T) {
	for _, tc := range []struct {
		name                        string
		in                          LineInput
		base, disc, net, vat, gross Money
	}{
		{"E1 exclusive 5% off", LineInput{Qty: Units(3), Price: 12_345_000, DiscountRate: 500, VAT: 1300}, 3704, 185, 3519, 457, 3976},
		{"E2 inclusive", LineInput{Qty: Units(3), Price: 9_990_000, Inclusive: true, VAT: 1300}, 2997, 0, 2652, 345, 2997},
		{"E3 one line of three", LineInput{Qty: Units(1), Price: 1_100_000, VAT: 1300}, 110, 0, 110, 14, 124},
		{"E4 SS inclusive 3%", LineInput{Qty: Units(1), Price: 103_000_000, Inclusive: true, VAT: 300}, 10300, 0, 10000, 300, 10300},
		{"E5 SS inclusive 1%", LineInput{Qty: Units(1), Price: 58_000_000, Inclusive: true, VAT: 100}, 5800, 0, 5743, 57, 5800},
	} {
		got, err := ComputeLine(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want := LineAmounts{tc.base, tc.disc, tc.net, tc.vat, tc.gross}
		if got != want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, want)
		}
	}
	// E3: three such lines give VAT 0.42, not round2(3.30 × 13%) = 0.43.
	var vat Money
	for range 3 {
		l, _ := ComputeLine(LineInput{Qty: Units(1), Price: 1_100_000, VAT: 1300})
		vat += l.VAT
	}
	if vat != 42 {
		t.Errorf("E3: VAT %s, want 0.42", vat)
	}
}

// TestLineAmountsGoldenMonth checks every priced line of DOMAIN.md §8's month.
func TestLineAmountsGoldenMonth(t *testing.T) {
	raw, err := os.ReadFile("../../shared/golden/month-2025-01.json")
	if err != nil {
		t.Skip("golden file not found:", err)
	}
	var g struct {
		Documents []struct {
			Number    string
			PriceMode string `json:"price_mode"`
			Lines     []struct {
				Qty, Price   string
				DiscountRate string `json:"discount_rate"`
				VAT          Rate   `json:"vat_rate_bp"`
				LinksTo      *struct {
					Document string
					Line     int
				} `json:"links_to"`
			}
			Expected struct {
				Lines []struct{ Base, Discount, Net, VAT, Gross string }
			}
		}
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	computed := map[string][]LineAmounts{}
	srcQty := map[string][]Qty{}
	checked := 0
	for _, d := range g.Documents {
		for i, ln := range d.Lines {
			if i >= len(d.Expected.Lines) || d.Expected.Lines[i].Net == "" {
				break
			}
			var got LineAmounts
			q := mustQty(t, ln.Qty)
			if ln.LinksTo != nil {
				src := computed[ln.LinksTo.Document][ln.LinksTo.Line-1]
				got = ReturnLine(src, srcQty[ln.LinksTo.Document][ln.LinksTo.Line-1], q, 0, 0, 0)
			} else {
				in := LineInput{Qty: q, Price: mustPrice(t, ln.Price), Inclusive: d.PriceMode == "inclusive", VAT: ln.VAT}
				if ln.DiscountRate != "" {
					r, err := ParseRate("d", ln.DiscountRate)
					if err != nil {
						t.Fatal(err)
					}
					in.DiscountRate = r * 100 // "0.05" is a fraction: 500 basis points
				}
				got, err = ComputeLine(in)
				if err != nil {
					t.Fatal(err)
				}
			}
			want := d.Expected.Lines[i]
			if got.Net != mustMoney(t, want.Net) || got.VAT != mustMoney(t, want.VAT) || got.Gross != mustMoney(t, want.Gross) ||
				want.Base != "" && (got.Base != mustMoney(t, want.Base) || got.Discount != mustMoney(t, want.Discount)) {
				t.Errorf("%s line %d: got %+v, want %+v", d.Number, i+1, got, want)
			}
			computed[d.Number] = append(computed[d.Number], got)
			srcQty[d.Number] = append(srcQty[d.Number], q)
			checked++
		}
	}
	if checked < 8 {
		t.Fatalf("checked only %d lines", checked)
	}
}

func TestVATOverride(t *testing.T) {
	in := LineInput{Qty: Units(1), Price: 100_000_000, VAT: 1300, VATOverride: 1306, HasVATOverride: true}
	l, err := ComputeLine(in)
	if err != nil || l.VAT != 1306 || l.Gross != 11306 {
		t.Fatalf("within 0.06: %+v %v", l, err)
	}
	in.VATOverride = 1307
	if _, err := ComputeLine(in); CodeOf(err) != CodeVATOverride {
		t.Fatalf("0.07 away: %v", err)
	}
	in = LineInput{Qty: Units(1), Price: 113_000_000, Inclusive: true, VAT: 1300, VATOverride: 1296, HasVATOverride: true}
	if l, err := ComputeLine(in); err != nil || l.Gross != 11300 || l.Net != 10004 {
		t.Fatalf("inclusive override: %+v %v", l, err)
	}
	if _, err := ComputeLine(LineInput{Qty: Units(1), Price: 1_000_000, DiscountAmount: 200, HasDiscountAmount: true}); CodeOf(err) != CodeDiscountTooBig {
		t.Fatalf("discount above base: %v", err)
	}
}

// TestReturnRemainders: returns of a line, whatever their split, add up to the line.
func TestReturnRemainders(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 2000; iter++ {
		q := Units(int64(1 + r.IntN(50)))
		src, _ := ComputeLine(LineInput{Qty: q, Price: Price(r.Int64N(100_000_000)), VAT: VATRates[r.IntN(len(VATRates))]})
		var pq Qty
		var pn, pv Money
		for pq < q {
			rq := Qty(1 + r.Int64N(int64(q-pq)))
			l := ReturnLine(src, q, rq, pq, pn, pv)
			pq, pn, pv = pq+rq, pn+l.Net, pv+l.VAT
		}
		if pn != src.Net || pv != src.VAT {
			t.Fatalf("returns sum to %s/%s, source %s/%s", pn, pv, src.Net, src.VAT)
		}
	}
}

func TestSpreadDiscount(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for iter := 0; iter < 2000; iter++ {
		bases := make([]Money, 1+r.IntN(8))
		for i := range bases {
			bases[i] = Money(r.Int64N(1_000_000))
		}
		total := Money(r.Int64N(100_000))
		var sum Money
		for _, p := range SpreadDiscount(total, bases) {
			sum += p
		}
		if sum != total {
			t.Fatalf("parts sum to %s, want %s", sum, total)
		}
	}
	if got := SpreadDiscount(1000, []Money{100, 100, 100}); got[0] != 333 || got[1] != 333 || got[2] != 334 {
		t.Errorf("1000 over three equal lines: %v", got)
	}
}

func TestInWords(t *testing.T) {
	for _, tc := range []struct {
		fen  int64
		want string
	}{
		{524320, "伍仟贰佰肆拾叁元贰角"},
		{123450, "壹仟贰佰叁拾肆元伍角"},
		{50000, "伍佰元整"},
		{0, "零元整"},
		{5, "伍分"},
		{50, "伍角"},
		{1005, "壹拾元零伍分"},
		{123456, "壹仟贰佰叁拾肆元伍角陆分"},
		{100100, "壹仟零壹元整"},
		{101000, "壹仟零壹拾元整"},
		{20000100, "贰拾万零壹元整"},
		{1000500000, "壹仟万零伍仟元整"},
		{100000000, "壹佰万元整"},
		{10000000000, "壹亿元整"},
		{1234567890123, "壹佰贰拾叁亿肆仟伍佰陆拾柒万捌仟玖佰零壹元贰角叁分"},
		{-372, "负叁元柒角贰分"},
		{1000000000005, "壹佰亿元零伍分"},
	} {
		if got := InWords(Money(tc.fen)); got != tc.want {
			t.Errorf("InWords(%s) = %s, want %s", Money(tc.fen), got, tc.want)
		}
	}
}
