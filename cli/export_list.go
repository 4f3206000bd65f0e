package cli

import (
	"bytes"
	"io"
	"path/filepath"

	"shopbooks/ledger"
)

// exportList writes a listing as a workbook at path, once the book allowed the export
// and recorded it (ledger.Book.Export).
func (c *call) exportList(kind ledger.ExportKind, path string, write func(io.Writer) error) error {
	if err := c.book.Export(c.ctx, c.user, kind, filepath.Base(path)); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	return c.writeExport(path, b.Bytes())
}
