package ledger

import (
	"errors"
	"testing"
)

// Fuzz targets for the parsers of dates, periods, quantities and rates (issue 7; money
// and prices are in number_test.go). Any text gives a value or a *Error with the
// parser's code naming the text, never a panic; a value round-trips through its text.

var dateSeeds = []string{"2025-01-31", "20250131", "2025/1/31", "2025.01.31", "２０２５－０１－３１", "2025-02-29",
	"2024-02-29", "1999-12-31", "2100-01-01", "2025-13-01", "2025-00-10", "2025-1-2", "", " ", "2025-01-31T00:00",
	"-2025-01-01", "9999999999-01-01", "2025-01", "\xff\xfe", "２０２５年１月"}

func checkRefusal(t *testing.T, s string, err error, codes ...Code) {
	t.Helper()
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("%q: error %v is not a *Error", s, err)
	}
	for _, c := range codes {
		if e.Code == c {
			if e.Args["value"] != s {
				t.Fatalf("%q: refusal names value %v", s, e.Args["value"])
			}
			return
		}
	}
	t.Fatalf("%q: code %s, want one of %v", s, e.Code, codes)
}

func FuzzParseDate(f *testing.F) {
	for _, s := range dateSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate("date", s)
		if err != nil {
			checkRefusal(t, s, err, CodeBadDate)
			return
		}
		if back, err := ParseDate("date", string(d)); err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %s; again: %s, %v", s, d, back, err)
		}
		if y := string(d)[:4]; y < "2000" || y > "2099" || len(d) != 10 {
			t.Fatalf("ParseDate(%q) = %s", s, d)
		}
		if p, err := ParsePeriod("period", string(d.Period())); err != nil || p != d.Period() {
			t.Fatalf("the period of %s: %s, %v", d, p, err)
		}
	})
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range append(dateSeeds, "2025-01", "202501", "2025/01", "２０２５－０１", "2025-1", "2099-12", "2000-01") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod("period", s)
		if err != nil {
			checkRefusal(t, s, err, CodeBadPeriod)
			return
		}
		if back, err := ParsePeriod("period", string(p)); err != nil || back != p {
			t.Fatalf("ParsePeriod(%q) = %s; again: %s, %v", s, p, back, err)
		}
		if n := p.Next(); n <= p && p != "2099-12" {
			t.Fatalf("%s: next %s", p, n)
		}
	})
}

func FuzzParseQty(f *testing.F) {
	for _, s := range numberSeeds {
		f.Add(s, false)
	}
	f.Add("-3", true)
	f.Add("0.00005", false)
	f.Fuzz(func(t *testing.T, s string, neg bool) {
		q, err := ParseQty("qty", s, neg)
		if err != nil {
			checkNumberRefusal(t, s, err)
			return
		}
		if q < 0 && !neg {
			t.Fatalf("ParseQty(%q) = %d, negative", s, q)
		}
		if back, err := ParseQty("qty", q.String(), true); err != nil || back != q {
			t.Fatalf("ParseQty(%q) = %d; ParseQty(%q) = %d, %v", s, q, q.String(), back, err)
		}
	})
}

func FuzzParseRate(f *testing.F) {
	for _, s := range append(numberSeeds, "13%", "9", "0.13", "１３％", "6 %", "101%", "-1%") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate("rate", s)
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("%q: error %v is not a *Error", s, err)
			}
			return
		}
		if r < 0 || r > 10000 {
			t.Fatalf("ParseRate(%q) = %d bp", s, r)
		}
		if back, err := ParseRate("rate", r.String()); err != nil || back != r {
			t.Fatalf("ParseRate(%q) = %d; ParseRate(%q) = %d, %v", s, r, r.String(), back, err)
		}
	})
}
