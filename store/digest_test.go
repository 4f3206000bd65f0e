package store

import (
	"database/sql/driver"
	"strings"
	"testing"
)

// joinDigest is test_join(x): the text of its rows joined by commas, NULL as "-".
type joinDigest struct{ parts []string }

func (j *joinDigest) Step(args []driver.Value) error {
	switch v := args[0].(type) {
	case nil:
		j.parts = append(j.parts, "-")
	case string:
		j.parts = append(j.parts, strings.Clone(v)) // SQLite's memory: a copy is kept
	case []byte:
		j.parts = append(j.parts, string(v))
	default:
		j.parts = append(j.parts, "?")
	}
	return nil
}

func (j *joinDigest) Result() (driver.Value, error) { return strings.Join(j.parts, ","), nil }

func init() {
	if err := RegisterDigest("test_join", func() Digest { return &joinDigest{} }); err != nil {
		panic(err)
	}
}

// A digest sees each row of its group, in the order the query gives them, and each use
// of it gets a fresh one.
func TestDigest(t *testing.T) {
	d, _ := newBook(t)
	ctx := t.Context()
	for _, tc := range []struct{ q, want string }{
		{"SELECT test_join(x) FROM (SELECT 'b' AS x UNION ALL SELECT NULL UNION ALL SELECT x'61' ORDER BY 1)", "-,b,a"}, // NULL, text, blob
		{"SELECT test_join(x) FROM (SELECT 'one' AS x WHERE 0)", ""},
		{"SELECT group_concat(j, '|') FROM (SELECT test_join(x) AS j FROM (SELECT 1 AS g, 'p' AS x UNION ALL SELECT 1, 'q' UNION ALL SELECT 2, 'r') GROUP BY g)", "p,q|r"},
	} {
		var got string
		if err := d.sql.QueryRowContext(ctx, tc.q).Scan(&got); err != nil || got != tc.want {
			t.Errorf("%s = %q, %v; want %q", tc.q, got, err, tc.want)
		}
	}
	var got string
	err := d.sql.QueryRowContext(ctx, `SELECT group_concat(j, '|') FROM (SELECT test_join(x) OVER (ROWS 1 PRECEDING) AS j
		FROM (SELECT 'a' AS x UNION ALL SELECT 'b' UNION ALL SELECT 'c'))`).Scan(&got)
	if err == nil {
		t.Errorf("as a sliding window: %q, want an error", got)
	}
}
