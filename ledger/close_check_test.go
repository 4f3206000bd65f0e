package ledger

import (
	"errors"
	"fmt"
	"testing"
)

// TestClosePostCheckStock: a posting to 1405 that no document made (written behind the
// app's back) fails the close's stock check, naming the item: in the first month, checked
// against the opening stock, and in a month after a close, against the close before.
func TestClosePostCheckStock(t *testing.T) {
	tamper := func(b *Book, p Period) {
		t.Helper()
		db := rawDB(t, b.Path())
		rawExec(t, db, fmt.Sprintf(`INSERT INTO vouchers(period, no, date, source, summary, status, maker, made_at, auditor, audited_at)
			SELECT '%[1]s', ifnull(max(no), 0) + 1, '%[1]s-20', 'manual', '盘盈', 'audited', 'admin', '2025-01-01T00:00:00Z',
				'admin', '2025-01-01T00:00:00Z' FROM vouchers WHERE period = '%[1]s'`, p),
			fmt.Sprintf(`INSERT INTO voucher_lines(voucher_id, line_no, period, summary, account, item_id, side, amount)
				SELECT max(id), 1, '%[1]s', '盘盈', '1405', (SELECT id FROM items WHERE code = 'A'), 'D', 100 FROM vouchers`, p),
			fmt.Sprintf(`INSERT INTO voucher_lines(voucher_id, line_no, period, summary, account, side, amount)
				SELECT max(id), 2, '%[1]s', '盘盈', '1001', 'C', 100 FROM vouchers`, p))
	}
	refused := func(b *Book, u *User, p Period) {
		t.Helper()
		_, err := b.ClosePeriod(t.Context(), u, p, CloseOptions{})
		if e, ok := errors.AsType[*Error](err); !ok || e.Code != CodePostCheck || e.Args["check"] != "stock_1405" || e.Args["detail"] != "A" {
			t.Errorf("close of %s with 1.00 more on item A in 1405: %v", p, err)
		}
	}
	t.Run("first month", func(t *testing.T) {
		g := loadGoldenMonth(t)
		b, u := monthBook(t, g)
		enterMonth(t, b, u, g)
		tamper(b, "2025-01")
		refused(b, u, "2025-01")
	})
	t.Run("after a close", func(t *testing.T) {
		b, u, _ := closedMonth(t)
		tamper(b, "2025-02")
		refused(b, u, "2025-02")
	})
}
