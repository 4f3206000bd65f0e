package report

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"shopbooks/assets/i18n"
	"shopbooks/ledger"
)

// Fuzz targets for the partner and opening-balance imports (issue 7; items are in
// import_test.go): any bytes give rows, problems or a translated refusal within seconds,
// never a panic.

func FuzzParsePartnersCSV(f *testing.F) {
	f.Add([]byte("code,name,kind\nC1,明辉餐厅,customer\nS1,华南日化,supplier\n"))
	f.Add([]byte("编码,名称,类型,账期\nC2,\"引号\"\"里\",客户,30\nC3,,客户,-5\n"))
	f.Add([]byte("\xef\xbb\xbfcode,name\nC1,a\nC1,dup\n"))
	f.Add([]byte("\xb1\xe0\xc2\xeb,\xc3\xfb\xb3\xc6\nC,\xba\xc3\n"))
	f.Add([]byte(",,,\n\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkImport(t, "partners", func() (int, []RowProblem, error) {
			rows, probs, err := ParsePartners(bytes.NewReader(data), "p.csv")
			for _, r := range rows {
				if r.Partner.Code == "" || r.Partner.Name == "" {
					t.Fatalf("row without code or name: %+v", r)
				}
			}
			return len(rows), probs, err
		})
	})
}

func FuzzParseOpeningsCSV(f *testing.F) {
	f.Add([]byte("account,partner,amount\n1001,,7640.00\n1122,C1,1000\n"))
	f.Add([]byte("科目,往来单位,金额,商品,仓库,数量\n1405,,,A001,W1,10\n1405,,12.345.6,A,W,x\n"))
	f.Add([]byte("account,amount,ytd_debit,ytd_credit\n6001,0,1e3,NaN\n"))
	f.Add([]byte("\xef\xbb\xbfaccount,amount\n1001,１２．５\n"))
	f.Add([]byte(",,,\n\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkImport(t, "openings", func() (int, []RowProblem, error) {
			rows, probs, err := ParseOpenings(bytes.NewReader(data), "o.csv")
			return len(rows), probs, err
		})
	})
}

func checkImport(t *testing.T, what string, parse func() (int, []RowProblem, error)) {
	t.Helper()
	var n int
	var probs []RowProblem
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		n, probs, err = parse()
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("parsing %s takes more than 10 s", what)
	}
	cat := i18n.For(i18n.ZH)
	if err != nil {
		if ie, ok := errors.AsType[*ImportError](err); !ok || !cat.Has(ie.Key) {
			t.Fatalf("refusal %v is not a translated ImportError", err)
		}
		if n != 0 || probs != nil {
			t.Fatal("a refused file gave rows")
		}
		return
	}
	for _, p := range probs {
		ie, isImport := errors.AsType[*ImportError](p.Err)
		le, isLedger := errors.AsType[*ledger.Error](p.Err)
		switch {
		case isImport && cat.Has(ie.Key):
		case isLedger && cat.Has("err."+string(le.Code)):
		default:
			t.Fatalf("problem %v is not translated", p.Err)
		}
		if p.Line < 1 {
			t.Fatalf("problem on line %d", p.Line)
		}
	}
}
