package ledger

import (
	"testing"
)

// An export is recorded in the audit trail (DOMAIN.md §9) with what it covers, does not
// count as a change a backup must catch, and a clerk may export stock but not the
// ledger: refused with nothing recorded.
func TestExportRecorded(t *testing.T) {
	b, admin := openTestBook(t)
	ctx := t.Context()
	if _, err := b.AddUser(ctx, admin, "li", RoleClerk, "pw-li-123"); err != nil {
		t.Fatal(err)
	}
	clerk, err := b.Login(ctx, "li", "pw-li-123")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := b.Backup(ctx, admin, dir, ""); err != nil {
		t.Fatal(err)
	}
	if err := b.Export(ctx, admin, ExportVouchers, "2025-01 kingdee"); err != nil {
		t.Fatal(err)
	}
	if err := b.Export(ctx, clerk, ExportStockLedger, "2025-01…2025-03"); err != nil {
		t.Errorf("a clerk's stock ledger export: %v", err)
	}
	head, _, err := b.ChainHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Export(ctx, clerk, ExportVouchers, "2025-01"); CodeOf(err) != CodeForbidden {
		t.Errorf("a clerk's voucher export: %v, want %s", err, CodeForbidden)
	}
	trail, err := b.AuditTrail(ctx, admin, head-1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 2 || trail[0].Action != "book.export" || trail[0].Reason != "vouchers 2025-01 kingdee" ||
		trail[1].User != "li" || trail[1].Reason != "stock_ledger 2025-01…2025-03" {
		t.Errorf("trail after the exports: %+v", trail)
	}
	if changed, err := b.ChangedSinceBackup(ctx); err != nil || changed {
		t.Errorf("exports count as a change since the backup: %v %v", changed, err)
	}
	checkChain(t, b)
}
