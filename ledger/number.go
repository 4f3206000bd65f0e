package ledger

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strings"

	"github.com/shopspring/decimal"
)

// Money is an amount in fen (分, 0.01 yuan). The zero value is ¥0.00. Products that can
// leave fractions of a fen go through decimal.Decimal and come back through a named
// rounding (RoundHalfAway).
type Money int64

// Qty is a quantity in units of 0.0001.
type Qty int64

// Price is a unit price in units of 0.000001 yuan. It is never the source of truth for an
// amount: amounts are computed once, rounded, and stored.
type Price int64

// Rate is a percentage in basis points: 13% is Rate(1300).
type Rate int64

const (
	moneyScale = 2
	qtyScale   = 4
	priceScale = 6
)

// Fen returns the amount as an integer of fen.
func (m Money) Fen() int64 { return int64(m) }

// Decimal returns the amount in yuan, exactly.
func (m Money) Decimal() decimal.Decimal { return decimal.New(int64(m), -moneyScale) }

// String formats yuan with two decimals and no separators: "-1234.50".
func (m Money) String() string { return formatScaled(int64(m), moneyScale, moneyScale, false) }

// Format formats yuan with two decimals and thousands separators: "-1,234.50".
func (m Money) Format() string { return formatScaled(int64(m), moneyScale, moneyScale, true) }

// Decimal returns the quantity exactly.
func (q Qty) Decimal() decimal.Decimal { return decimal.New(int64(q), -qtyScale) }

// String formats the quantity with only the decimals it needs: "200", "1.5".
func (q Qty) String() string { return formatScaled(int64(q), qtyScale, 0, false) }

// Units returns a Qty of n whole units.
func Units(n int64) Qty { return Qty(n * 10_000) }

// Decimal returns the price in yuan exactly.
func (p Price) Decimal() decimal.Decimal { return decimal.New(int64(p), -priceScale) }

// String formats the price with at least two decimals: "12.50", "1.234567".
func (p Price) String() string { return formatScaled(int64(p), priceScale, 2, false) }

// Yuan returns a Price of whole yuan and fen: Yuan(12, 50) is 12.50.
func Yuan(yuan, fen int64) Price { return Price(yuan*1_000_000 + fen*10_000) }

// String formats the rate as a percentage: "13", "1.5".
func (r Rate) String() string { return formatScaled(int64(r), 2, 0, false) }

// Decimal returns the rate as a fraction: 0.13 for 13%.
func (r Rate) Decimal() decimal.Decimal { return decimal.New(int64(r), -4) }

// RoundHalfAway rounds a yuan amount to the fen, half away from zero (四舍五入,
// DOMAIN.md §0).
func RoundHalfAway(d decimal.Decimal) Money {
	return Money(d.Round(moneyScale).Shift(moneyScale).IntPart())
}

// Ratio returns round2(a × q / Q) as DOMAIN.md §0 states it: one exact division of the
// product, rounded once, half away from zero. Q must not be zero.
func Ratio(a Money, q, Q Qty) Money {
	return Money(mulDivRound(int64(a), int64(q), int64(Q)))
}

// Value stores Money as INTEGER fen.
func (m Money) Value() (driver.Value, error) { return int64(m), nil }

// Scan accepts only INTEGER fen: anything else means a broken query or schema.
func (m *Money) Scan(src any) error { return scanInt((*int64)(m), src, "money") }

// Value stores Qty as INTEGER ×10⁴.
func (q Qty) Value() (driver.Value, error) { return int64(q), nil }

// Scan accepts only INTEGER ×10⁴.
func (q *Qty) Scan(src any) error { return scanInt((*int64)(q), src, "qty") }

// Value stores Price as INTEGER ×10⁶.
func (p Price) Value() (driver.Value, error) { return int64(p), nil }

// Scan accepts only INTEGER ×10⁶.
func (p *Price) Scan(src any) error { return scanInt((*int64)(p), src, "price") }

// Value stores Rate as INTEGER basis points.
func (r Rate) Value() (driver.Value, error) { return int64(r), nil }

// Scan accepts only INTEGER basis points.
func (r *Rate) Scan(src any) error { return scanInt((*int64)(r), src, "rate") }

func scanInt(dst *int64, src any, what string) error {
	n, ok := src.(int64)
	if !ok {
		return fmt.Errorf("%s: want INTEGER, got %T", what, src)
	}
	*dst = n
	return nil
}

func formatScaled(n int64, scale, minDecimals int, group bool) string {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n) // two's complement: right for math.MinInt64 too
	}
	pow := uint64(1)
	for range scale {
		pow *= 10
	}
	whole := fmt.Sprint(u / pow)
	frac := fmt.Sprintf("%0*d", scale, u%pow)
	for len(frac) > minDecimals && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if group && len(whole) > 3 {
		var b strings.Builder
		lead := len(whole) % 3
		if lead > 0 {
			b.WriteString(whole[:lead])
		}
		for i := lead; i < len(whole); i += 3 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(whole[i : i+3])
		}
		whole = b.String()
	}
	s := whole
	if frac != "" {
		s += "." + frac
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Normalize turns what a Chinese IME or a spreadsheet types into plain ASCII: full-width
// digits, letters and punctuation become half-width, the ideographic space a space, and
// surrounding spaces go. Codes, numbers and dates pass through it before they are read.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r == 0x3000:
			b.WriteByte(' ')
		case r == 0x3002: // 。typed for a decimal point
			b.WriteByte('.')
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// parseScaled reads a plain decimal ("12.5", "-3", "1,234.56", "１２．５") into an integer
// of 10^-scale units. Refused, with the field named: exponents, NaN and infinities,
// several points, commas that are not thousands separators in groups of three ("12,5"),
// more decimals than the scale, a sign where none is allowed, and values beyond int64.
func parseScaled(field, s string, scale int, allowNeg bool) (int64, error) {
	orig := s
	s = Normalize(s)
	s = strings.TrimLeft(s, "¥￥")
	bad := func(code Code, kv ...any) error {
		return refuse(code, append([]any{"field", field, "value", orig}, kv...)...)
	}
	if s == "" {
		return 0, bad(CodeNumberMalformed)
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" && (!hasPoint || frac == "") {
		return 0, bad(CodeNumberMalformed)
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			return 0, bad(CodeNumberMalformed)
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, bad(CodeNumberMalformed)
			}
		}
		whole = strings.Join(groups, "")
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, bad(CodeNumberMalformed)
			}
		}
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > scale {
		return 0, bad(CodeNumberDecimals, "max", scale)
	}
	digits := strings.TrimLeft(whole, "0") + frac + strings.Repeat("0", scale-len(frac))
	digits = strings.TrimLeft(digits, "0")
	var n int64
	for i := 0; i < len(digits); i++ {
		d := int64(digits[i] - '0')
		if n > (math.MaxInt64-d)/10 {
			return 0, bad(CodeNumberTooBig)
		}
		n = n*10 + d
	}
	if neg && n != 0 {
		if !allowNeg {
			return 0, bad(CodeNumberNegative)
		}
		n = -n
	}
	return n, nil
}

// maxAmount bounds what a user may type: a trillion yuan, far above any shop and far
// below what products of amounts and quantities can overflow.
const maxAmount = 1_000_000_000_000

func bounded(field, s string, n int64, scale int, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	lim := int64(maxAmount)
	for range scale {
		if lim > math.MaxInt64/10 {
			return n, nil
		}
		lim *= 10
	}
	if n > lim || n < -lim {
		return 0, refuse(CodeNumberTooBig, "field", field, "value", s)
	}
	return n, nil
}

// ParseMoney reads an amount in yuan (at most 2 decimals); negative amounts are allowed
// (red ink, refunds): callers that forbid them say so.
func ParseMoney(field, s string) (Money, error) {
	n, err := parseScaled(field, s, moneyScale, true)
	n, err = bounded(field, s, n, moneyScale, err)
	return Money(n), err
}

// ParsePrice reads a unit price in yuan, at most 6 decimals, never negative.
func ParsePrice(field, s string) (Price, error) {
	n, err := parseScaled(field, s, priceScale, false)
	n, err = bounded(field, s, n, priceScale, err)
	return Price(n), err
}

// ParseQty reads a quantity, at most 4 decimals; negative only where allowNeg.
func ParseQty(field, s string, allowNeg bool) (Qty, error) {
	n, err := parseScaled(field, s, qtyScale, allowNeg)
	n, err = bounded(field, s, n, qtyScale, err)
	return Qty(n), err
}

// ParseRate reads a VAT rate in percent ("13", "13%", "9", "1.5"), 0 to 100.
func ParseRate(field, s string) (Rate, error) {
	t := strings.TrimSuffix(Normalize(s), "%")
	n, err := parseScaled(field, t, 2, false)
	if e, ok := err.(*Error); ok {
		e.Args["value"] = s // the refusal names what the user typed
		return 0, e
	}
	if n > 10000 {
		return 0, refuse(CodeNumberTooBig, "field", field, "value", s)
	}
	return Rate(n), nil
}
