package ledger

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"shopbooks/store"
)

// The seals verify computes in its one pass over the vouchers are periodSeal's, byte for
// byte, whatever the vouchers' strings hold and for a voucher without lines.
func TestVoucherPassSealsArePeriodSeals(t *testing.T) {
	b := twoClosedMonths(t)
	db := rawDB(t, b.Path())
	odd := `'引号" 反斜杠\ <b>&amp; 换行' || char(10) || char(8232) || char(1) || 'é😀'`
	tamperGuarded(t, db, "vouchers_closed_upd", `UPDATE vouchers SET summary = `+odd+` WHERE id =
		(SELECT min(id) FROM vouchers WHERE period = '2025-01')`)
	tamperGuarded(t, db, "voucher_lines_no_update", `UPDATE voucher_lines SET summary = `+odd+`, account = '<&>'
		WHERE id = (SELECT max(id) FROM voucher_lines WHERE period = '2025-02')`)
	tamperGuardedAll(t, db, []string{"voucher_lines_closed_del", "account_periods_closed_upd"}, `DELETE FROM voucher_lines WHERE voucher_id =
		(SELECT max(id) FROM vouchers WHERE period = '2025-01')`)
	err := b.db.Read(t.Context(), func(tx *store.Tx) error {
		p := &voucherPass{}
		if err := p.load(t.Context(), tx); err != nil {
			return err
		}
		for _, period := range []Period{"2025-01", "2025-02"} {
			want, n, err := periodSeal(t.Context(), tx, period)
			if err != nil {
				return err
			}
			if n == 0 || p.Seals[string(period)] != want {
				t.Errorf("%s: seal %s, want %s (%d vouchers)", period, p.Seals[string(period)], want, n)
			}
		}
		if len(p.Seals) != 2 {
			t.Errorf("seals of %v, want the two closed months'", p.Seals)
		}
		// The voucher left without lines is the first that does not balance.
		var no int64
		if err := tx.QueryRowContext(t.Context(), "SELECT max(no) FROM vouchers WHERE period = '2025-01'").Scan(&no); err != nil {
			return err
		}
		if u := p.Unbalanced; u == nil || u.Period != "2025-01" || u.No != no {
			t.Errorf("unbalanced %+v, want 2025-01 number %d", u, no)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A voucher line of a closed period edited behind the app's back (the line's summary,
// which no summary or balance adds up) is found by its period's seal.
func TestVerifySealsCoverLines(t *testing.T) {
	b := twoClosedMonths(t)
	tamperGuarded(t, rawDB(t, b.Path()), "voucher_lines_no_update", `UPDATE voucher_lines SET summary = summary || '改'
		WHERE id = (SELECT min(l.id) FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
			WHERE v.period = '2025-02' AND v.source <> 'manual')`)
	rep, err := b.Verify(t.Context(), true)
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Failure; f == nil || f.Code != CodeVerifySeal || f.Args["period"] != "2025-02" {
		t.Fatalf("failure %v, want the seal of 2025-02", f)
	}
	if quick, err := b.VerifyQuick(t.Context()); err != nil || quick.Failure == nil || quick.Failure.Code != CodeVerifySeal {
		t.Errorf("quick check: %v %v", quick.Failure, err)
	}
}

// The ledger check names a voucher that does not balance (a line deleted with its
// summary, so that the summaries still add up), and a line moved to another period by
// the summary it no longer adds up to.
func TestVerifyLedgerNamesVouchers(t *testing.T) {
	for _, tc := range []struct {
		name     string
		triggers []string
		sql      string
		code     Code
		args     map[string]any
	}{
		{"a line deleted", []string{"voucher_lines_closed_del", "account_periods_closed_upd"}, `DELETE FROM voucher_lines WHERE id = (SELECT max(id) FROM voucher_lines
			WHERE voucher_id = (SELECT id FROM vouchers WHERE period = '2025-02' AND no = 1))`,
			CodeVerifyVoucher, map[string]any{"number": "2025-02/记-0001"}},
		{"a line moved to another period", []string{"voucher_lines_no_update"}, `UPDATE voucher_lines SET period = '2025-03'
			WHERE id = (SELECT max(id) FROM voucher_lines WHERE account = '1602' AND period = '2025-02')`,
			CodeVerifySummaries, map[string]any{"account": "1602", "period": "2025-02"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoClosedMonths(t)
			tamperGuardedAll(t, rawDB(t, b.Path()), tc.triggers, tc.sql)
			for _, from := range []Period{"", "2025-02"} {
				var f *Error
				err := b.db.Read(t.Context(), func(tx *store.Tx) (err error) {
					f, err = verifyLedgerFrom(t.Context(), tx, from)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if f == nil || f.Code != tc.code {
					t.Fatalf("from %q: failure %v, want %s", from, f, tc.code)
				}
				for k, v := range tc.args {
					if f.Args[k] != v {
						t.Errorf("from %q: failure %v, want %s %v", from, f, k, v)
					}
				}
			}
		})
	}
}

// tamperGuardedAll is tamperGuarded with every trigger of triggers dropped.
func tamperGuardedAll(t *testing.T, db *sql.DB, triggers []string, queries ...string) {
	t.Helper()
	var again []string
	for _, trigger := range triggers[1:] {
		var def string
		if err := db.QueryRow("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", trigger).Scan(&def); err != nil {
			t.Fatalf("trigger %s: %v", trigger, err)
		}
		queries = append([]string{"DROP TRIGGER " + trigger}, queries...)
		again = append(again, def)
	}
	tamperGuarded(t, db, triggers[0], append(queries, again...)...)
}

// verify_pack's value reads back as the rows it packed: NULL, integers, text and BLOBs
// (an empty one is not NULL), and no rows at all.
func TestVerifyPackReadsBack(t *testing.T) {
	b, _ := openTestBook(t)
	err := b.db.Read(t.Context(), func(tx *store.Tx) error {
		for _, tc := range []struct {
			query string
			want  [][]driver.Value
		}{
			{`SELECT verify_pack(a, b, c) FROM (SELECT NULL AS a, -7 AS b, '记 "x"' AS c UNION ALL
				SELECT x'00ff', x'', 1 << 62)`, [][]driver.Value{{nil, int64(-7), `记 "x"`}, {[]byte{0, 0xff}, []byte{}, int64(1 << 62)}}},
			{"SELECT verify_pack(1) WHERE 0", nil},
		} {
			var packed []byte
			if err := tx.QueryRowContext(t.Context(), tc.query).Scan(&packed); err != nil {
				return err
			}
			rows := &packedRows{b: packed}
			var got [][]driver.Value
			for rows.Next() {
				got = append(got, slices.Clone(rows.row))
			}
			if rows.Err() != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s: %#v %v, want %#v", tc.query, got, rows.Err(), tc.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The documents' image records the chain check keeps give the rows check the latest
// images it reads itself otherwise: the same documents, records and images, in order
// (documents 1 and 10 to 12 apart in the trail, "1" < "10" < "2" in the rows check's).
func TestChainKeepsTheDocumentRecords(t *testing.T) {
	b, u := shopWithStock(t)
	var numbers []string
	for i := range 12 {
		d, err := b.SaveDoc(t.Context(), u, delivery(Date(fmt.Sprintf("2025-01-%02d", 3+i)), 1))
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, d.Number)
	}
	for _, i := range []int{11, 0, 1, 10} {
		if err := b.AuditDoc(t.Context(), u, numbers[i]); err != nil {
			t.Fatal(err)
		}
	}
	err := b.db.Read(t.Context(), func(tx *store.Tx) error {
		a := &auditPass{}
		if f, err := a.chain(t.Context(), tx); f != nil || err != nil {
			t.Fatalf("chain: %v %v", f, err)
		}
		latest := func(kept []byte) (out []string) {
			err := latestImageBytesOf(t.Context(), tx, entDoc, kept, "lines", func(id string, seq int64, after []byte, at [2]int, bad bool) bool {
				out = append(out, fmt.Sprint(id, seq, string(after), at, bad))
				return true
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		read, kept := latest(nil), latest(a.docs)
		if len(read) != 12 || !slices.Equal(read, kept) {
			t.Errorf("kept records give\n%q\nwant\n%q", kept, read)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
