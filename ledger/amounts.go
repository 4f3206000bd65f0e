package ledger

import (
	"math/big"
	"strings"
)

// Line amounts (DOMAIN.md §2.1): VAT is computed per line and rounded to the fen;
// document totals are sums of line values, never recomputed from totals.

// LineInput is what a document line says about its money.
type LineInput struct {
	Qty       Qty
	Price     Price // tax-exclusive, or tax-inclusive when Inclusive
	Inclusive bool
	// The discount: DiscountAmount when HasDiscountAmount (D), else DiscountRate (d, in
	// basis points of the base: 5% = 500).
	DiscountRate      Rate
	DiscountAmount    Money
	HasDiscountAmount bool
	VAT               Rate
	// VATOverride replaces the computed VAT to match an issued invoice, within ±0.06.
	VATOverride    Money
	HasVATOverride bool
}

// LineAmounts are a line's computed amounts, in fen.
type LineAmounts struct {
	Base     Money // round2(q × p)
	Discount Money
	Net      Money // 金额 (tax-exclusive)
	VAT      Money // 税额
	Gross    Money // 价税合计
}

// maxVATOverride is how far an overridden VAT may stray from the computed one (§2.1).
const maxVATOverride = Money(6)

// mulDivRound returns round(a × b / c) half away from zero, exactly (DOMAIN.md §0).
func mulDivRound(a, b, c int64) int64 {
	n := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	d := big.NewInt(c)
	neg := n.Sign()*d.Sign() < 0
	n.Abs(n)
	d.Abs(d)
	num := n.Lsh(n, 1)
	num.Add(num, d)
	res := num.Quo(num, new(big.Int).Lsh(d, 1))
	if neg {
		res.Neg(res)
	}
	return res.Int64()
}

// ComputeLine applies DOMAIN.md §2.1 to one line. It refuses a VAT override further than
// 0.06 from the computed VAT (CodeVATOverride) and a discount larger than the base.
func ComputeLine(in LineInput) (LineAmounts, error) {
	var l LineAmounts
	// q ×10⁴ × p ×10⁶ = 10¹⁰; fen are 10²: divide by 10⁸.
	l.Base = Money(mulDivRound(int64(in.Qty), int64(in.Price), 100_000_000))
	if in.HasDiscountAmount {
		l.Discount = in.DiscountAmount
	} else if in.DiscountRate != 0 {
		l.Discount = Money(mulDivRound(int64(l.Base), int64(in.DiscountRate), 10_000))
	}
	if absMoney(l.Discount) > absMoney(l.Base) || l.Discount != 0 && (l.Discount < 0) != (l.Base < 0) {
		return l, refuse(CodeDiscountTooBig, "field", "discount", "value", l.Discount.String(), "base", l.Base.String())
	}
	if !in.Inclusive {
		l.Net = l.Base - l.Discount
		l.VAT = Money(mulDivRound(int64(l.Net), int64(in.VAT), 10_000))
		if in.HasVATOverride {
			if absMoney(in.VATOverride-l.VAT) > maxVATOverride {
				return l, refuse(CodeVATOverride, "field", "vat", "value", in.VATOverride.String(), "computed", l.VAT.String())
			}
			l.VAT = in.VATOverride
		}
		l.Gross = l.Net + l.VAT
		return l, nil
	}
	l.Gross = l.Base - l.Discount
	l.VAT = Money(mulDivRound(int64(l.Gross), int64(in.VAT), 10_000+int64(in.VAT)))
	if in.HasVATOverride {
		if absMoney(in.VATOverride-l.VAT) > maxVATOverride {
			return l, refuse(CodeVATOverride, "field", "vat", "value", in.VATOverride.String(), "computed", l.VAT.String())
		}
		l.VAT = in.VATOverride
	}
	l.Net = l.Gross - l.VAT
	return l, nil
}

// ReturnLine computes a linked return line (DOMAIN.md §2.5): proportional to its source
// line, never re-priced; the return that brings the returned quantity to the source's
// quantity takes the remainders. prevQty, prevNet and prevVAT are what earlier returns
// of the same source line took.
func ReturnLine(src LineAmounts, srcQty, q, prevQty Qty, prevNet, prevVAT Money) LineAmounts {
	var l LineAmounts
	if prevQty+q >= srcQty {
		l.Net, l.VAT = src.Net-prevNet, src.VAT-prevVAT
	} else {
		l.Net, l.VAT = Ratio(src.Net, q, srcQty), Ratio(src.VAT, q, srcQty)
	}
	l.Gross = l.Net + l.VAT
	l.Base = l.Net
	return l
}

// SpreadDiscount allocates a document-level discount to lines pro rata to their base,
// each part rounded to the fen, the last line taking the remainder, so the parts sum to
// the whole exactly (DOMAIN.md §2.1). With no base at all the last line takes it all.
func SpreadDiscount(total Money, bases []Money) []Money {
	parts := make([]Money, len(bases))
	if len(bases) == 0 {
		return parts
	}
	var sum Money
	for _, b := range bases {
		sum += b
	}
	var given Money
	for i := range bases[:len(bases)-1] {
		if sum != 0 {
			parts[i] = Money(mulDivRound(int64(total), int64(bases[i]), int64(sum)))
		}
		given += parts[i]
	}
	parts[len(parts)-1] = total - given
	return parts
}

// InWords writes an amount in Chinese capitals for documents and cheques (金额大写):
// 5,243.20 → 伍仟贰佰肆拾叁元贰角; 500.00 → 伍佰元整; 10.05 → 壹拾元零伍分; a negative
// amount is prefixed with 负.
func InWords(m Money) string {
	const digits = "零壹贰叁肆伍陆柒捌玖"
	d := []rune(digits)
	var b strings.Builder
	if m < 0 {
		b.WriteString("负")
		m = -m
	}
	yuan, jiao, fen := int64(m)/100, int64(m)/10%10, int64(m)%10
	if yuan > 0 {
		groups := []int64{}
		for v := yuan; v > 0; v /= 10000 {
			groups = append(groups, v%10000)
		}
		big := []string{"", "万", "亿", "万亿"}
		var s strings.Builder
		prevTrailingZero := false
		for i := len(groups) - 1; i >= 0; i-- {
			g := groups[i]
			if g == 0 {
				if s.Len() > 0 {
					prevTrailingZero = true
				}
				continue
			}
			if s.Len() > 0 && (prevTrailingZero || g < 1000) {
				s.WriteRune(d[0])
			}
			s.WriteString(fourDigits(g, d))
			s.WriteString(big[i])
			prevTrailingZero = g%10 == 0
		}
		b.WriteString(s.String())
		b.WriteString("元")
	}
	switch {
	case jiao == 0 && fen == 0:
		if yuan == 0 {
			b.WriteString("零元")
		}
		b.WriteString("整")
	case jiao == 0:
		if yuan > 0 {
			b.WriteRune(d[0])
		}
		b.WriteRune(d[fen])
		b.WriteString("分")
	default:
		b.WriteRune(d[jiao])
		b.WriteString("角")
		if fen > 0 {
			b.WriteRune(d[fen])
			b.WriteString("分")
		}
	}
	return b.String()
}

// fourDigits writes 1..9999 with 仟佰拾, one 零 for any run of inner zeros.
func fourDigits(v int64, d []rune) string {
	units := []string{"仟", "佰", "拾", ""}
	var b strings.Builder
	zero := false
	started := false
	for i, p := 0, int64(1000); i < 4; i, p = i+1, p/10 {
		n := v / p % 10
		if n == 0 {
			zero = started
			continue
		}
		if zero {
			b.WriteRune(d[0])
			zero = false
		}
		b.WriteRune(d[n])
		b.WriteString(units[i])
		started = true
	}
	return b.String()
}
