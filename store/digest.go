package store

import (
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
)

// Digest is an aggregate SQL function written in Go, for a check that reads a table
// only to digest it (a hash chain, a seal). SQLite hands it each row where it reads the
// row; fetched through the driver instead, each column of each row takes the
// connection's lock twice and a copy.
type Digest interface {
	// Step takes one row. Strings and byte slices in args are SQLite's own memory, valid
	// only until Step returns: a digest keeps a copy of what it needs after that.
	Step(args []driver.Value) error
	// Result is the function's value once every row is stepped: nil, an int64, a string
	// or a []byte.
	Result() (driver.Value, error)
}

// RegisterDigest makes name(…) an aggregate SQL function, with any number of arguments,
// of every connection opened after it: call it from an init function. Each use of the
// function in a query gets a Digest of its own from make.
func RegisterDigest(name string, make func() Digest) error {
	return sqlite.RegisterFunction(name, &sqlite.FunctionImpl{NArgs: -1, Deterministic: true, VolatileArgs: true,
		MakeAggregate: func(sqlite.FunctionContext) (sqlite.AggregateFunction, error) { return digestFunc{make()}, nil }})
}

// digestFunc is a Digest as the driver calls it.
type digestFunc struct{ d Digest }

func (f digestFunc) Step(_ *sqlite.FunctionContext, args []driver.Value) error { return f.d.Step(args) }

func (f digestFunc) WindowInverse(*sqlite.FunctionContext, []driver.Value) error {
	return errors.New("a digest is not a window function")
}

func (f digestFunc) WindowValue(*sqlite.FunctionContext) (driver.Value, error) { return f.d.Result() }

func (f digestFunc) Final(*sqlite.FunctionContext) {}
