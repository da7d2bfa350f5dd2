package boltstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Check checks the database in directory dir in full, with no time bound: the file's size
// and headers, every record, and bbolt's consistency check (Tx.Check). It opens the file
// read-only and fails clearly while a server holds it. Damage is a *DamagedError.
func Check(dir string) (Report, error) {
	db, path, err := openExisting(dir)
	if err != nil {
		return Report{}, err
	}
	defer db.Close()
	rep, err := verify(db, path, 1<<62)
	if err != nil {
		return rep, err
	}
	db.View(func(tx *bolt.Tx) error {
		rep.Used = usedBytes(db, tx)
		return nil
	})
	return rep, nil
}

// openExisting opens the database in directory dir read-only for the maintenance commands:
// it must exist, and its size and headers are checked before bbolt maps it (checkFile).
func openExisting(dir string) (*bolt.DB, string, error) {
	path := filepath.Join(dir, FileName)
	if _, err := os.Stat(path); err != nil {
		return nil, "", fmt.Errorf("boltstore: %w", err)
	}
	if err := checkFile(path); err != nil {
		return nil, "", err
	}
	db, err := openDB(path, true)
	return db, path, err
}

// Compact rewrites the database in directory dir without its free pages (bbolt never
// shrinks a file by itself): it checks the database, copies every record into a new file
// with bbolt's Compact, fsyncs it and renames it into place. The previous file is kept as
// tailscope.db.before-compact until the next compaction. It returns the sizes before and
// after. The server must be stopped.
func Compact(dir string) (before, after int64, err error) {
	path := filepath.Join(dir, FileName)
	if _, err := Check(dir); err != nil {
		return 0, 0, err
	}
	src, err := openDB(path, true)
	if err != nil {
		return 0, 0, err
	}
	defer src.Close()
	tmp := path + ".compact"
	os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: 3 * time.Second})
	if err != nil {
		return 0, 0, fmt.Errorf("boltstore: compact: create %s: %w", tmp, err)
	}
	if err := bolt.Compact(dst, src, 64<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return 0, 0, fmt.Errorf("boltstore: compact %s: %w", path, err)
	}
	if err := dst.Close(); err != nil { // every commit was fsynced
		os.Remove(tmp)
		return 0, 0, fmt.Errorf("boltstore: compact: close %s: %w", tmp, err)
	}
	src.Close()
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, err
	}
	fo, err := os.Stat(tmp)
	if err != nil {
		return 0, 0, err
	}
	if err := os.Rename(path, path+".before-compact"); err != nil {
		return 0, 0, fmt.Errorf("boltstore: compact: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, 0, fmt.Errorf("boltstore: compact: %w (the database is in %s.before-compact; rename it back)", err, path)
	}
	syncDir(dir)
	return fi.Size(), fo.Size(), nil
}

// Backup writes a consistent copy of the database in directory dir to the file dst
// (created; an existing file is an error), fsynced, with bbolt's Tx.WriteTo. The server
// must be stopped, or use (*Store).Backup from within it.
func Backup(dir, dst string) (int64, error) {
	db, path, err := openExisting(dir)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	return backup(context.Background(), db, path, dst)
}

// Backup writes a consistent copy of the open database to the file dst (created; an
// existing file is an error), fsynced: writes go on meanwhile.
func (s *Store) Backup(ctx context.Context, dst string) (int64, error) {
	return backup(ctx, s.db, s.db.Path(), dst)
}

func backup(ctx context.Context, db *bolt.DB, path, dst string) (int64, error) {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("boltstore: backup: %w", err)
	}
	var n int64
	err = guard(path, func() error {
		return db.View(func(tx *bolt.Tx) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			var err error
			n, err = tx.WriteTo(f)
			return err
		})
	})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return 0, fmt.Errorf("boltstore: backup of %s to %s: %w", path, dst, err)
	}
	syncDir(filepath.Dir(dst))
	return n, nil
}

// syncDir fsyncs a directory so that a rename or a new file in it survives a crash.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
