package cli

import (
	"io"
	"path/filepath"

	"shopbooks/ledger"
)

// exportList writes a listing as a workbook at path (as every export: whole, or no file),
// once the book allowed the export and recorded it (ledger.Book.Export).
func (c *call) exportList(kind ledger.ExportKind, path string, write func(io.Writer) error) error {
	if err := c.book.Export(c.ctx, c.user, kind, filepath.Base(path)); err != nil {
		return err
	}
	return c.writeExportWith(path, write)
}
