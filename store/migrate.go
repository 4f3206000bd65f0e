package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
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

// SchemaDigest names this program's schema: the first 8 bytes of the SHA-256 of its
// migrations, in hex. Two programs with the same Version but different migrations (two
// branches) have different digests; the benchmarks' cached books carry it.
func SchemaDigest() string {
	h := sha256.New()
	for _, m := range schemaMigrations {
		fmt.Fprintf(h, "%d %s %d\n%s\n", m.version, m.name, len(m.sql), m.sql)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

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
			if _, err := tx.Tx.ExecContext(ctx, m.sql); err != nil { // a script: not through the statement cache
				return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
			}
			_, err := tx.Tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version=%d", m.version))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// SchemaDiff compares the book's schema (every table, index and trigger in
// sqlite_master, with its SQL) with the one this program's migrations make, and names
// the first difference: a dropped trigger, an altered table, an object added behind the
// program's back. "" when they agree. A book of an older version is compared with the
// migrations up to its own.
func (d *DB) SchemaDiff(ctx context.Context) (kind, name, how string, err error) {
	var version int
	if err := d.sql.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return "", "", "", classify(err)
	}
	if version > len(schemaMigrations) {
		version = len(schemaMigrations)
	}
	ref, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		return "", "", "", err
	}
	defer ref.Close()
	ref.SetMaxOpenConns(1) // one connection: one in-memory database
	for _, m := range schemaMigrations[:version] {
		if _, err := ref.ExecContext(ctx, m.sql); err != nil {
			return "", "", "", fmt.Errorf("reference schema %04d_%s: %w", m.version, m.name, err)
		}
	}
	want, err := schemaObjects(ctx, ref)
	if err != nil {
		return "", "", "", err
	}
	got, err := schemaObjects(ctx, d.sql)
	if err != nil {
		return "", "", "", classify(err)
	}
	names := make([]string, 0, len(want))
	for k := range want {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		kind, name, _ := strings.Cut(k, " ")
		g, ok := got[k]
		switch {
		case !ok:
			return kind, name, "missing", nil
		case g != want[k]:
			return kind, name, "changed", nil
		}
	}
	names = names[:0]
	for k := range got {
		if _, ok := want[k]; !ok {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	if len(names) > 0 {
		kind, name, _ := strings.Cut(names[0], " ")
		return kind, name, "unexpected", nil
	}
	return "", "", "", nil
}

func schemaObjects(ctx context.Context, db *sql.DB) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT type, name, ifnull(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var typ, name, text string
		if err := rows.Scan(&typ, &name, &text); err != nil {
			return nil, err
		}
		out[typ+" "+name] = text
	}
	return out, rows.Err()
}
