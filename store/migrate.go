package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed schema/*.sql
var schemaFS embed.FS

// migration is one numbered schema file: schema/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

var schemaMigrations = mustLoadMigrations(schemaFS, "schema")

// Version is the schema version this program writes.
func Version() int { return len(schemaMigrations) }

func mustLoadMigrations(fsys fs.FS, dir string) []migration {
	ms, err := loadMigrations(fsys, dir)
	if err != nil {
		panic(err) // the embedded files are part of the program
	}
	return ms
}

func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %04d_%s: numbers must run 1, 2, 3… without gaps", m.version, m.name)
		}
	}
	return ms, nil
}

// migrate applies migrations after version `from`, each in its own transaction together
// with the new user_version.
func (d *DB) migrate(ctx context.Context, ms []migration, from int) error {
	for _, m := range ms[from:] {
		err := d.Write(ctx, func(tx *Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version=%d", m.version))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
