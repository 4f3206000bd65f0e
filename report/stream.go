package report

import "context"

// rowSource hands each row of an export to row, in order, and stops at row's first
// error: the cells of a row are strings, numbers, nil for an empty cell, and the
// export's own values (amount, ledgerCell, excelize.Cell).
type rowSource func(row func([]any) error) error

// pipeBatch is how many rows the reading hands the writing at a time.
const pipeBatch = 1024

// pipelinedRows is a rowSource that runs read (the book read and its rows built) on a
// goroutine of its own and hands the rows over in batches through a small channel: the
// book is read while the rows before are written (the workbook's work, on the other
// core), and memory holds a few batches, not the whole range. An error on either side
// stops both; the writing's comes first.
func pipelinedRows(ctx context.Context, read func(ctx context.Context, row func([]any) error) error) rowSource {
	return func(row func([]any) error) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ch := make(chan [][]any, 4)
		rerr := make(chan error, 1)
		go func() {
			defer close(ch)
			batch := make([][]any, 0, pipeBatch)
			send := func() error {
				select {
				case ch <- batch:
					batch = make([][]any, 0, pipeBatch)
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			err := read(ctx, func(r []any) error {
				batch = append(batch, r)
				if len(batch) == pipeBatch {
					return send()
				}
				return nil
			})
			if err == nil && len(batch) > 0 {
				err = send()
			}
			rerr <- err
		}()
		var werr error
		for batch := range ch {
			for _, r := range batch {
				if werr != nil {
					break
				}
				if werr = row(r); werr != nil {
					cancel() // the reading stops at its next batch
				}
			}
		}
		if err := <-rerr; werr == nil {
			return err
		}
		return werr
	}
}
