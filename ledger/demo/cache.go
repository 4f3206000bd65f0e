package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"shopbooks/ledger"
	"shopbooks/store"
)

// The benchmarks' book is generated once and kept in the temporary folder across runs
// ($TMPDIR/shopbooks-bench-<seed>-<size>.book, the generator's Version in the size), so
// that `make bench` pays for it once; several test processes asking at the same time
// wait for the one that builds it.

// BenchOptions are the benchmarks' book: the issues' 3 years at full volume, seed 1,
// from 2023-01. SHOPBOOKS_BENCH_YEARS and SHOPBOOKS_BENCH_SCALE make it smaller (a
// quick run) or larger.
func BenchOptions() Options {
	o := Options{Years: 3, Seed: 1, Start: "2023-01", Scale: 1}
	if y, err := strconv.Atoi(os.Getenv("SHOPBOOKS_BENCH_YEARS")); err == nil && y > 0 {
		o.Years = y
	}
	if s, err := strconv.ParseFloat(os.Getenv("SHOPBOOKS_BENCH_SCALE"), 64); err == nil && s > 0 {
		o.Scale = s
	}
	return o.withDefaults()
}

// CachePath is where CachedBook keeps the book of opt.
func CachePath(opt Options) string {
	opt = opt.withDefaults()
	size := fmt.Sprintf("%s-%dm-%gx-%di-%dc-%ds-v%d", opt.Start, opt.Months, opt.Scale, opt.Items, opt.Customers, opt.Suppliers, Version)
	return filepath.Join(os.TempDir(), fmt.Sprintf("shopbooks-bench-%d-%s.book", opt.Seed, size))
}

var cacheMu sync.Mutex

// CachedBook returns the path of opt's generated book at this program's schema,
// generating it first when it is not in the cache; a book the cache holds at an older
// schema is upgraded once into a copy of its own (migrated). The book must not be
// written to: copy it (CopyBook) to change it.
func CachedBook(ctx context.Context, opt Options, log *slog.Logger) (string, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	path, err := cachedBook(ctx, opt, log)
	if err != nil {
		return "", err
	}
	return migrated(ctx, path, log)
}

// migrated returns path when its book is at this program's schema, else the path of its
// upgraded copy (<path without .book>-s<schema digest>.book), made first when missing:
// the benchmarks measure a book as this program keeps it, not its upgrade (every copy
// of an older book would be upgraded when opened).
func migrated(ctx context.Context, path string, log *slog.Logger) (string, error) {
	raw, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?mode=ro")
	if err != nil {
		return "", err
	}
	var version int
	err = raw.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version)
	raw.Close()
	if err != nil {
		return "", fmt.Errorf("read the cached book %s: %w", path, err)
	}
	if version == store.Version() {
		return path, nil
	}
	dst := strings.TrimSuffix(path, ".book") + "-s" + store.SchemaDigest() + ".book"
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	}
	log.Info("upgrading the cached book", "from", path, "to", dst)
	dir, err := os.MkdirTemp(filepath.Dir(path), "shopbooks-upgrade-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	tmp, err := CopyBook(path, dir)
	if err != nil {
		return "", err
	}
	b, err := ledger.Open(ctx, tmp, log)
	if err != nil {
		return "", fmt.Errorf("upgrade the cached book: %w", err)
	}
	if err := b.Close(); err != nil {
		return "", err
	}
	if _, err := os.Stat(tmp + "-wal"); err == nil { // the last close checkpoints the -wal away
		return "", fmt.Errorf("upgrade the cached book: %s-wal left behind", tmp)
	}
	return dst, os.Rename(tmp, dst)
}

// cachedBook is CachedBook's book as generated, at the schema of the program that
// generated it.
func cachedBook(ctx context.Context, opt Options, log *slog.Logger) (string, error) {
	path := CachePath(opt)
	lock := path + ".lock"
	for {
		if _, err := os.Stat(path); err == nil {
			return path, nil
		}
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			f.Close()
			break
		}
		if !errors.Is(err, os.ErrExist) {
			return "", err
		}
		// Another process builds it: wait, unless its lock went stale (it touches the
		// lock at every month).
		if st, err := os.Stat(lock); err == nil && time.Since(st.ModTime()) > 10*time.Minute {
			os.Remove(lock)
			continue
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(time.Second):
		}
	}
	defer os.Remove(lock)
	tmp := fmt.Sprintf("%s.tmp%d", path, os.Getpid())
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	progress := opt.Progress
	opt.Progress = func(step string, done, total int) {
		now := time.Now()
		os.Chtimes(lock, now, now)
		if progress != nil {
			progress(step, done, total)
		}
	}
	if err := Generate(ctx, tmp, opt, log); err != nil {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		return "", fmt.Errorf("generate the benchmark book: %w", err)
	}
	return path, os.Rename(tmp, path)
}

// CopyBook copies a closed book file into dir and returns the copy's path.
func CopyBook(src, dir string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	dst := filepath.Join(dir, filepath.Base(src))
	out, err := os.Create(dst)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return "", err
	}
	return dst, out.Close()
}
