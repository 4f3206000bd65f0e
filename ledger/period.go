package ledger

import (
	"fmt"
	"time"
)

// Period is a calendar month, "YYYY-MM" (DOMAIN.md §0).
type Period string

// Date is a business date without time, "YYYY-MM-DD" (China Standard Time).
type Date string

// ParsePeriod reads YYYY-MM (also YYYYMM and full-width digits) between 2000 and 2099.
func ParsePeriod(field, s string) (Period, error) {
	t := Normalize(s)
	for _, layout := range []string{"2006-01", "200601", "2006/01", "2006.01"} {
		if v, err := time.Parse(layout, t); err == nil && v.Year() >= 2000 && v.Year() <= 2099 {
			return Period(v.Format("2006-01")), nil
		}
	}
	return "", refuse(CodeBadPeriod, "field", field, "value", s)
}

// ParseDate reads YYYY-MM-DD (also YYYYMMDD, YYYY/MM/DD and full-width digits), a real
// calendar day between 2000 and 2099.
func ParseDate(field, s string) (Date, error) {
	t := Normalize(s)
	for _, layout := range []string{"2006-01-02", "20060102", "2006/01/02", "2006.01.02", "2006-1-2", "2006/1/2"} {
		if v, err := time.Parse(layout, t); err == nil && v.Year() >= 2000 && v.Year() <= 2099 {
			return Date(v.Format("2006-01-02")), nil
		}
	}
	return "", refuse(CodeBadDate, "field", field, "value", s)
}

// Period returns the month the date belongs to.
func (d Date) Period() Period { return Period(string(d)[:7]) }

// Next returns the following month.
func (p Period) Next() Period {
	t, err := time.Parse("2006-01", string(p))
	if err != nil {
		panic(fmt.Sprintf("period %q: %v", p, err))
	}
	return Period(t.AddDate(0, 1, 0).Format("2006-01"))
}

// Prev returns the month before.
func (p Period) Prev() Period {
	t, err := time.Parse("2006-01", string(p))
	if err != nil {
		panic(fmt.Sprintf("period %q: %v", p, err))
	}
	return Period(t.AddDate(0, -1, 0).Format("2006-01"))
}

// LastDay returns the last day of the month.
func (p Period) LastDay() Date {
	t, err := time.Parse("2006-01", string(p))
	if err != nil {
		panic(fmt.Sprintf("period %q: %v", p, err))
	}
	return Date(t.AddDate(0, 1, -1).Format("2006-01-02"))
}

// Month returns the month number, 1 to 12.
func (p Period) Month() int {
	t, err := time.Parse("2006-01", string(p))
	if err != nil {
		panic(fmt.Sprintf("period %q: %v", p, err))
	}
	return int(t.Month())
}

// FirstDay returns the first day of the month.
func (p Period) FirstDay() Date { return Date(string(p) + "-01") }
