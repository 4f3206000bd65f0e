package ledger

import (
	"context"

	"shopbooks/store"
)

// ExportKind is what an export writes. It decides the permission the export needs
// (DOMAIN.md §9, Export to Excel: admin, accountant and viewer everything; a clerk
// documents and stock only).
type ExportKind string

const (
	ExportStatements  ExportKind = "statements"   // a statement, or the hand-off workbook
	ExportVouchers    ExportKind = "vouchers"     // vouchers for the accountant's own software
	ExportJournal     ExportKind = "journal"      // every posting as a journal
	ExportStockLedger ExportKind = "stock_ledger" // the stock ledger
	ExportDocuments   ExportKind = "documents"    // the documents' lines
	ExportItems       ExportKind = "items"        // the items list
	ExportPartners    ExportKind = "partners"     // the partners list
)

// permOf is the permission an export of kind needs.
func (k ExportKind) permOf() Perm {
	switch k {
	case ExportStockLedger, ExportDocuments, ExportItems, ExportPartners:
		return PermExportStock
	}
	return PermExport
}

// Export allows an export and records it: by may export kind, and the audit trail gets
// a "book.export" record naming the kind and what it covers (what: a period, a range,
// a file name). The CLI and the window call it before they write the file; a refusal
// (CodeForbidden) writes nothing.
func (b *Book) Export(ctx context.Context, by *User, kind ExportKind, what string) error {
	reason := string(kind)
	if what != "" {
		reason += " " + what
	}
	return b.write(ctx, by, kind.permOf(), func(tx *store.Tx) error {
		return logEvent(ctx, tx, by.Name, "book.export", entBook, 1, reason)
	})
}
