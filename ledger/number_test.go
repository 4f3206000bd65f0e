package ledger

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// codeOf is CodeOf that also fails when a refusal is not a *Error at all.
func wantCode(t *testing.T, what string, err error, want Code) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("%s: err = %v, want none", what, err)
		}
		return
	}
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Errorf("%s: err = %v, want *Error %s", what, err, want)
		return
	}
	if e.Code != want {
		t.Errorf("%s: code = %s, want %s (%v)", what, e.Code, want, err)
	}
}

const (
	ok        Code = ""
	malformed      = CodeNumberMalformed
	negative       = CodeNumberNegative
	decimals       = CodeNumberDecimals
	tooBig         = CodeNumberTooBig
)

// One table for the four parsers: what each makes of the same text. A want of -1 with
// a code means refused.
var numberCases = []struct {
	in       string
	price    int64 // ×10⁶
	priceErr Code
	money    int64 // fen
	moneyErr Code
	qty      int64 // ×10⁴, allowNeg = false
	qtyErr   Code
	rate     int64 // basis points
	rateErr  Code
	note     string
}{
	{"12.5", 12_500_000, ok, 1250, ok, 125_000, ok, 1250, ok, "plain"},
	{"１２．５", 12_500_000, ok, 1250, ok, 125_000, ok, 1250, ok, "full-width digits and point from a Chinese IME"},
	{"12。5", 12_500_000, ok, 1250, ok, 125_000, ok, 1250, ok, "ideographic full stop typed for the point"},
	{"1,234.56", 1_234_560_000, ok, 123_456, ok, 12_345_600, ok, 0, tooBig, "thousands separators as pasted from Excel"},
	{"１，２３４．５６", 1_234_560_000, ok, 123_456, ok, 12_345_600, ok, 0, tooBig, "full-width comma"},
	{"1,234,567.8", 1_234_567_800_000, ok, 123_456_780, ok, 12_345_678_000, ok, 0, tooBig, ""},
	{"12,5", 0, malformed, 0, malformed, 0, malformed, 0, malformed, "decimal comma: refused, never read as 125 or 12.5"},
	{"1,23", 0, malformed, 0, malformed, 0, malformed, 0, malformed, "group of two"},
	{"1234,567", 0, malformed, 0, malformed, 0, malformed, 0, malformed, "first group of four"},
	{",123", 0, malformed, 0, malformed, 0, malformed, 0, malformed, ""},
	{"1,,234", 0, malformed, 0, malformed, 0, malformed, 0, malformed, ""},
	{"1.234,5", 0, malformed, 0, malformed, 0, malformed, 0, malformed, "European style"},
	{"12.345.6", 0, malformed, 0, malformed, 0, malformed, 0, malformed, "two points"},
	{"1e3", 0, malformed, 0, malformed, 0, malformed, 0, malformed, "exponent"},
	{"1E-2", 0, malformed, 0, malformed, 0, malformed, 0, malformed, ""},
	{"NaN", 0, malformed, 0, malformed, 0, malformed, 0, malformed, ""},
	{"Inf", 0, malformed, 0, malformed, 0, malformed, 0, malformed, ""},
	{"+Inf", 0, malformed, 0, malformed, 0, malformed, 0, malformed, ""},
	{"-Infinity", 0, malformed, 0, malformed, 0, malformed, 0, malformed, ""},
	{"0x10", 0, malformed, 0, malformed, 0, malformed, 0, malformed, "hex"},
	{"", 0, malformed, 0, malformed, 0, malformed, 0, malformed, "empty"},
	{"   ", 0, malformed, 0, malformed, 0, malformed, 0, malformed, "blank"},
	{"-", 0, malformed, 0, malformed, 0, malformed, 0, malformed, "a sign alone"},
	{".", 0, malformed, 0, malformed, 0, malformed, 0, malformed, "a point alone"},
	{"--5", 0, malformed, 0, malformed, 0, malformed, 0, malformed, ""},
	{"1 234", 0, malformed, 0, malformed, 0, malformed, 0, malformed, "space inside"},
	{"12元", 0, malformed, 0, malformed, 0, malformed, 0, malformed, ""},
	{"-5", 0, negative, -500, ok, 0, negative, 0, negative, "negative: money allows red ink"},
	{"－５", 0, negative, -500, ok, 0, negative, 0, negative, "full-width minus"},
	{"-0", 0, ok, 0, ok, 0, ok, 0, ok, "minus zero is zero"},
	{"1.1234567", 0, decimals, 0, decimals, 0, decimals, 0, decimals, "seven decimals"},
	{"0.1234567", 0, decimals, 0, decimals, 0, decimals, 0, decimals, ""},
	{"1.123456", 1_123_456, ok, 0, decimals, 0, decimals, 0, decimals, "six decimals: a price only"},
	{"0.005", 5_000, ok, 0, decimals, 50, ok, 0, decimals, "half a fen"},
	{"12.50000000", 12_500_000, ok, 1250, ok, 125_000, ok, 1250, ok, "trailing zeros beyond the scale are harmless"},
	{"99999999999999999999", 0, tooBig, 0, tooBig, 0, tooBig, 0, tooBig, "beyond int64"},
	{"9223372036854775807", 0, tooBig, 0, tooBig, 0, tooBig, 0, tooBig, "int64 max, before scaling"},
	{"1000000000000", 1_000_000_000_000_000_000, ok, 100_000_000_000_000, ok, 10_000_000_000_000_000, ok, 0, tooBig, "a trillion: the largest accepted"},
	{"1000000000000.01", 0, tooBig, 0, tooBig, 0, tooBig, 0, tooBig, "just above a trillion"},
	{"+3", 3_000_000, ok, 300, ok, 30_000, ok, 300, ok, "explicit plus"},
	{" 7 ", 7_000_000, ok, 700, ok, 70_000, ok, 700, ok, "surrounding spaces"},
	{"\u30007\u3000", 7_000_000, ok, 700, ok, 70_000, ok, 700, ok, "ideographic spaces"},
	{".5", 500_000, ok, 50, ok, 5_000, ok, 50, ok, "no leading zero"},
	{"5.", 5_000_000, ok, 500, ok, 50_000, ok, 500, ok, "trailing point"},
	{"007.50", 7_500_000, ok, 750, ok, 75_000, ok, 750, ok, "leading zeros"},
	{"¥12.50", 12_500_000, ok, 1250, ok, 125_000, ok, 1250, ok, "yuan sign"},
	{"￥12.50", 12_500_000, ok, 1250, ok, 125_000, ok, 1250, ok, "full-width yuan sign"},
	{"12.5%", 0, malformed, 0, malformed, 0, malformed, 1250, ok, "percent: a rate only"},
	{"100", 100_000_000, ok, 10_000, ok, 1_000_000, ok, 10_000, ok, "100%: the largest rate"},
	{"100.01", 100_010_000, ok, 10_001, ok, 1_000_100, ok, 0, tooBig, ""},
}

func TestParseNumbers(t *testing.T) {
	for _, tc := range numberCases {
		p, err := ParsePrice("price", tc.in)
		wantCode(t, "ParsePrice("+tc.in+")", err, tc.priceErr)
		if tc.priceErr == ok && int64(p) != tc.price {
			t.Errorf("ParsePrice(%q) = %d, want %d (%s)", tc.in, p, tc.price, tc.note)
		}
		m, err := ParseMoney("amount", tc.in)
		wantCode(t, "ParseMoney("+tc.in+")", err, tc.moneyErr)
		if tc.moneyErr == ok && int64(m) != tc.money {
			t.Errorf("ParseMoney(%q) = %d, want %d (%s)", tc.in, m, tc.money, tc.note)
		}
		q, err := ParseQty("qty", tc.in, false)
		wantCode(t, "ParseQty("+tc.in+")", err, tc.qtyErr)
		if tc.qtyErr == ok && int64(q) != tc.qty {
			t.Errorf("ParseQty(%q) = %d, want %d (%s)", tc.in, q, tc.qty, tc.note)
		}
		r, err := ParseRate("vat", tc.in)
		wantCode(t, "ParseRate("+tc.in+")", err, tc.rateErr)
		if tc.rateErr == ok && int64(r) != tc.rate {
			t.Errorf("ParseRate(%q) = %d, want %d (%s)", tc.in, r, tc.rate, tc.note)
		}
	}
}

// Every parser's refusal names the field and the value as the user typed it, so the
// message quotes their input.
func TestParseRefusalNamesValueAsTyped(t *testing.T) {
	parsers := map[string]func(string) error{
		"ParsePrice": func(s string) error { _, err := ParsePrice("f", s); return err },
		"ParseMoney": func(s string) error { _, err := ParseMoney("f", s); return err },
		"ParseQty":   func(s string) error { _, err := ParseQty("f", s, false); return err },
		"ParseRate":  func(s string) error { _, err := ParseRate("f", s); return err },
	}
	for name, parse := range parsers {
		for _, tc := range numberCases {
			e, isErr := errors.AsType[*Error](parse(tc.in))
			if isErr && (e.Field() != "f" || e.Args["value"] != tc.in) {
				t.Errorf("%s(%q) refusal args = %v, want field f and value %q", name, tc.in, e.Args, tc.in)
			}
		}
	}
}

func TestParseQtyNegative(t *testing.T) {
	q, err := ParseQty("qty", "-2.5", true)
	if err != nil || q != -25_000 {
		t.Errorf(`ParseQty("-2.5", allowNeg) = %d, %v; want -25000`, q, err)
	}
	_, err = ParseQty("qty", "-2.5", false)
	wantCode(t, "ParseQty(-2.5)", err, CodeNumberNegative)
	_, err = ParseQty("qty", "0.00001", true)
	wantCode(t, "ParseQty(0.00001)", err, CodeNumberDecimals)
}

func TestParseErrorArgs(t *testing.T) {
	_, err := ParsePrice("buy", "1.1234567")
	e, isErr := errors.AsType[*Error](err)
	if !isErr || e.Field() != "buy" || e.Args["value"] != "1.1234567" || e.Args["max"] != 6 {
		t.Errorf("refusal = %#v, want field buy, value as typed, max 6", err)
	}
	if !errors.Is(err, &Error{Code: CodeNumberDecimals}) || errors.Is(err, &Error{Code: CodeNumberTooBig}) {
		t.Error("errors.Is does not match by code")
	}
	if CodeOf(err) != CodeNumberDecimals || CodeOf(errors.New("x")) != CodeInternal || CodeOf(nil) != CodeInternal {
		t.Error("CodeOf")
	}
}

func TestMoneyFormat(t *testing.T) {
	for _, tc := range []struct {
		fen            int64
		str, formatted string
	}{
		{0, "0.00", "0.00"},
		{1, "0.01", "0.01"},
		{-1, "-0.01", "-0.01"},
		{10, "0.10", "0.10"},
		{99999, "999.99", "999.99"},
		{100000, "1000.00", "1,000.00"},
		{-123450, "-1234.50", "-1,234.50"},
		{12345678901, "123456789.01", "123,456,789.01"},
		{-100000000, "-1000000.00", "-1,000,000.00"},
		{100_000_000_000_000, "1000000000000.00", "1,000,000,000,000.00"},
		{math.MaxInt64, "92233720368547758.07", "92,233,720,368,547,758.07"},
		{math.MinInt64, "-92233720368547758.08", "-92,233,720,368,547,758.08"},
	} {
		m := Money(tc.fen)
		if got := m.String(); got != tc.str {
			t.Errorf("Money(%d).String() = %q, want %q", tc.fen, got, tc.str)
		}
		if got := m.Format(); got != tc.formatted {
			t.Errorf("Money(%d).Format() = %q, want %q", tc.fen, got, tc.formatted)
		}
		if m.Fen() != tc.fen {
			t.Errorf("Fen() = %d", m.Fen())
		}
		if !m.Decimal().Equal(decimal.New(tc.fen, -2)) {
			t.Errorf("Money(%d).Decimal() = %s", tc.fen, m.Decimal())
		}
	}
	for _, tc := range []struct {
		got, want string
	}{
		{Units(200).String(), "200"},
		{Qty(15_000).String(), "1.5"},
		{Qty(-5).String(), "-0.0005"},
		{Qty(0).String(), "0"},
		{Yuan(12, 50).String(), "12.50"},
		{Price(1_234_567).String(), "1.234567"},
		{Price(0).String(), "0.00"},
		{Price(10_000_000).String(), "10.00"},
		{Rate(1300).String(), "13"},
		{Rate(150).String(), "1.5"},
		{Rate(0).String(), "0"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if !Rate(1300).Decimal().Equal(decimal.RequireFromString("0.13")) {
		t.Error("Rate(1300).Decimal() != 0.13")
	}
	if !Price(12_500_000).Decimal().Equal(decimal.RequireFromString("12.5")) || !Qty(15_000).Decimal().Equal(decimal.RequireFromString("1.5")) {
		t.Error("Decimal() of Price or Qty")
	}
}

func TestRoundHalfAway(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"0.125", 13},
		{"-0.125", -13},
		{"2.345", 235},
		{"-2.345", -235},
		{"0.005", 1},
		{"-0.005", -1},
		{"0.0049999", 0},
		{"0.0052", 1}, // VAT on 0.04 at 13%
		{"1.995", 200},
		{"0", 0},
		{"1234567.894999", 123456789},
	} {
		if got := RoundHalfAway(decimal.RequireFromString(tc.in)); int64(got) != tc.want {
			t.Errorf("RoundHalfAway(%s) = %d fen, want %d", tc.in, got, tc.want)
		}
	}
}

// DOMAIN.md §0 and the §3.6 worked example: round2(A × q / Q).
func TestRatioWorkedExamples(t *testing.T) {
	for _, tc := range []struct {
		a    int64 // fen
		q, Q int64 // units
		want int64 // fen
	}{
		{829204, 300, 1600, 155476},  // 8,292.04 × 300 / 1,600 = 1,554.7575
		{311000, 140, 300, 145133},   // moving average, D1
		{169950, 30, 150, 33990},     // purchase return R1
		{301827, 170, 280, 183252},   // D2
		{145133, 20, 140, 20733},     // SR1
		{139308, 2, 130, 2143},       // count loss
		{137165, 100, 128, 107160},   // D3
		{211000, 40, 200, 42200},     // FIFO D1 from P1
		{135960, 10, 120, 11330},     // FIFO D2 from P2
		{142200, 20, 140, 20314},     // FIFO SR1
		{124630, 2, 110, 2266},       // FIFO loss
		{122364, 100, 108, 113300},   // FIFO D3
		{446960, 28, 420, 29797},     // monthly average closing
		{446960, 100, 420, 106419},   // monthly average D3 before the difference
		{-311000, 140, 300, -145133}, // negative: the mirror image
		{5, 1, 2, 3},                 // 0.025 → 0.03
		{-5, 1, 2, -3},               // −0.025 → −0.03
		{5, -1, 2, -3},
		{-5, 1, -2, 3},
		{5, 1, -2, -3},
		{0, 7, 3, 0},
		{100, 1, 3, 33},
		{200, 1, 3, 67},
	} {
		got := Ratio(Money(tc.a), Units(tc.q), Units(tc.Q))
		if int64(got) != tc.want {
			t.Errorf("Ratio(%s, %d, %d) = %s, want %s", Money(tc.a), tc.q, tc.Q, got, Money(tc.want))
		}
	}
	// The quantities' scale cancels: fractional quantities work the same.
	if got := Ratio(Money(1000), Qty(5_000), Qty(30_000)); got != 167 {
		t.Errorf("Ratio(10.00, 0.5, 3) = %s, want 1.67", got)
	}
}

// ratioExact is round2(a × q / Q) with big.Rat: sign × floor(|x| + ½).
func ratioExact(a, q, Q int64) *big.Int {
	x := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(a), big.NewInt(q)), big.NewInt(Q))
	neg := x.Sign() < 0
	x.Abs(x)
	x.Add(x, big.NewRat(1, 2))
	r := new(big.Int).Quo(x.Num(), x.Denom())
	if neg {
		r.Neg(r)
	}
	return r
}

func TestRatioMatchesExactRounding(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200_000 {
		var a, q, Q int64
		switch i % 4 {
		case 0: // shop-sized
			a = rng.Int64N(2_000_000_00) - 1_000_000_00
			Q = rng.Int64N(10_000_0000) + 1
			q = rng.Int64N(Q + 1)
		case 1: // small numbers: many exact halves
			a = rng.Int64N(201) - 100
			Q = rng.Int64N(8) + 1
			q = rng.Int64N(17) - 8
		case 2: // up to the largest amount and quantity accepted
			a = rng.Int64N(2*100_000_000_000_000+1) - 100_000_000_000_000
			Q = rng.Int64N(10_000_000_000_000_000) + 1
			q = rng.Int64N(Q + 1)
		default: // signs mixed
			a = rng.Int64N(2_000_000) - 1_000_000
			Q = rng.Int64N(20_000) - 10_000
			if Q == 0 {
				Q = 1
			}
			q = rng.Int64N(20_000) - 10_000
		}
		want := ratioExact(a, q, Q)
		got := Ratio(Money(a), Qty(q), Qty(Q))
		if !want.IsInt64() || int64(got) != want.Int64() {
			t.Fatalf("Ratio(%d, %d, %d) = %d, want %s", a, q, Q, got, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Ａ００２":       "A002",
		"\u3000ａｂｃ　": "abc",
		"１２．５":       "12.5",
		"（１）":        "(1)",
		"洗衣液":        "洗衣液",
		" x ":        "x",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScanRefusesWhatIsNotInteger(t *testing.T) {
	var m Money
	if err := m.Scan(int64(1250)); err != nil || m != 1250 {
		t.Errorf("Scan(int64) = %v, %d", err, m)
	}
	for _, src := range []any{12.5, "12.50", []byte("1250"), nil} {
		var m Money
		var q Qty
		var p Price
		var r Rate
		if m.Scan(src) == nil || q.Scan(src) == nil || p.Scan(src) == nil || r.Scan(src) == nil {
			t.Errorf("Scan(%#v) accepted", src)
		}
	}
	v, _ := Money(-5).Value()
	if v != int64(-5) {
		t.Errorf("Value() = %#v, want int64", v)
	}
}

func TestParsePeriodAndDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Period
		code Code
	}{
		{"2025-01", "2025-01", ok},
		{"２０２５－０６", "2025-06", ok},
		{"202512", "2025-12", ok},
		{"2025-13", "", CodeBadPeriod},
		{"2025-00", "", CodeBadPeriod},
		{"1999-12", "", CodeBadPeriod},
		{"2025", "", CodeBadPeriod},
		{"", "", CodeBadPeriod},
		{"2025-01-01", "", CodeBadPeriod},
	} {
		p, err := ParsePeriod("start", tc.in)
		wantCode(t, "ParsePeriod("+tc.in+")", err, tc.code)
		if p != tc.want {
			t.Errorf("ParsePeriod(%q) = %q, want %q", tc.in, p, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		want Date
		code Code
	}{
		{"2024-02-29", "2024-02-29", ok},
		{"2025-02-29", "", CodeBadDate},
		{"20250131", "2025-01-31", ok},
		{"2025/1/5", "2025-01-05", ok},
		{"２０２５－０１－３１", "2025-01-31", ok},
		{"2025-04-31", "", CodeBadDate},
		{"31/01/2025", "", CodeBadDate},
	} {
		d, err := ParseDate("date", tc.in)
		wantCode(t, "ParseDate("+tc.in+")", err, tc.code)
		if d != tc.want {
			t.Errorf("ParseDate(%q) = %q, want %q", tc.in, d, tc.want)
		}
	}
	if Period("2025-12").Next() != "2026-01" || Period("2025-06").Month() != 6 || Date("2025-06-30").Period() != "2025-06" {
		t.Error("Period helpers")
	}
}

var numberSeeds = []string{
	"12.5", "１２．５", "1,234.56", "12,5", "12.345.6", "1e3", "NaN", "Inf", "", "-5", "1.1234567", "0.1234567",
	"99999999999999999999", "+3", " 7 ", "¥12.50", "-0", ".5", "5.", "-", "1000000000000", "-1000000000000.00",
	"9223372036854775807", "-9223372036854775808", "１，２３４．５６", "－０．０１", "12。5", "\u30007", "0.000001",
	"\xff\xfe", "1,234,567,890,123.45", "¥-5", "-¥5",
}

// FuzzParseMoney: any text gives an amount or a *Error with a number code, never a
// panic; an amount it gives round-trips through String and Format.
func FuzzParseMoney(f *testing.F) {
	for _, s := range numberSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney("amount", s)
		if err != nil {
			checkNumberRefusal(t, s, err)
			return
		}
		for _, text := range []string{m.String(), m.Format()} {
			back, err := ParseMoney("amount", text)
			if err != nil || back != m {
				t.Fatalf("ParseMoney(%q) = %d; ParseMoney(%q) = %d, %v", s, m, text, back, err)
			}
		}
		if m > 100_000_000_000_000 || m < -100_000_000_000_000 {
			t.Fatalf("ParseMoney(%q) = %d beyond a trillion yuan", s, m)
		}
	})
}

// FuzzParsePrice: the same for prices, which are never negative.
func FuzzParsePrice(f *testing.F) {
	for _, s := range numberSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePrice("price", s)
		if err != nil {
			checkNumberRefusal(t, s, err)
			return
		}
		if p < 0 {
			t.Fatalf("ParsePrice(%q) = %d, negative", s, p)
		}
		back, err := ParsePrice("price", p.String())
		if err != nil || back != p {
			t.Fatalf("ParsePrice(%q) = %d; ParsePrice(%q) = %d, %v", s, p, p.String(), back, err)
		}
		// The same text as money: where both succeed, they agree.
		if m, err := ParseMoney("amount", s); err == nil && int64(m)*10_000 != int64(p) {
			t.Fatalf("%q: money %d fen, price %d ×10⁻⁶", s, m, p)
		}
	})
}

func checkNumberRefusal(t *testing.T, s string, err error) {
	t.Helper()
	e, isErr := errors.AsType[*Error](err)
	if !isErr {
		t.Fatalf("%q: error %v is not a *Error", s, err)
	}
	switch e.Code {
	case CodeNumberMalformed, CodeNumberNegative, CodeNumberDecimals, CodeNumberTooBig:
	default:
		t.Fatalf("%q: code %s is not a number refusal", s, e.Code)
	}
	if e.Args["value"] != s {
		t.Fatalf("%q: refusal names value %v", s, e.Args["value"])
	}
}
