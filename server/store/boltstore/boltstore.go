// Package boltstore is the embedded, durable implementation of store.Store, on bbolt
// (go.etcd.io/bbolt): a single-file B+tree database in pure Go, with no server to install.
//
// Every Put is one bbolt read-write transaction, which bbolt commits with an fsync before
// it returns: a Put that returned nil survives a crash or a SIGKILL of the process.
// Concurrent share writes are grouped by bbolt's Batch into one transaction and one fsync,
// which keeps many small writes fast without weakening that promise.
package boltstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tailscope/tailscope/server/store"
)

// FileName is the database file inside the data directory.
const FileName = "tailscope.db"

var (
	bucketShares     = []byte("shares")
	bucketRuns       = []byte("runs")
	bucketUnfinished = []byte("runs-unfinished") // id → nothing: runs not in a terminal state
)

// Store is a store.Store in a bbolt file.
type Store struct {
	db *bolt.DB
}

var _ store.Store = (*Store)(nil)

// Open opens (creating it if needed) the database in directory dir. It fails after a
// few seconds, rather than wait, when another process holds the database.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("boltstore: data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 3 * time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("boltstore: %s is in use by another process (is another server running on the same -data?)", path)
		}
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketShares, bucketRuns, bucketUnfinished} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("boltstore: create buckets in %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// PutShare implements store.Store.
func (s *Store) PutShare(ctx context.Context, sh store.Share) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v, err := json.Marshal(sh)
	if err != nil {
		return fmt.Errorf("boltstore: encode share %s: %w", sh.ID, err)
	}
	// Batch may call the function more than once; it is idempotent.
	err = s.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketShares)
		if b.Get([]byte(sh.ID)) != nil {
			return fmt.Errorf("boltstore: share %s: %w", sh.ID, store.ErrExists)
		}
		return b.Put([]byte(sh.ID), v)
	})
	if err != nil && !errors.Is(err, store.ErrExists) {
		return fmt.Errorf("boltstore: put share %s: %w", sh.ID, err)
	}
	return err
}

// GetShare implements store.Store.
func (s *Store) GetShare(ctx context.Context, id string) (store.Share, error) {
	var sh store.Share
	err := s.get(bucketShares, id, &sh)
	if err != nil {
		return store.Share{}, fmt.Errorf("boltstore: share %q: %w", id, err)
	}
	return sh, nil
}

// PutRun implements store.Store.
func (s *Store) PutRun(ctx context.Context, r store.Run) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("boltstore: encode run %s: %w", r.ID, err)
	}
	err = s.db.Batch(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketRuns).Put([]byte(r.ID), v); err != nil {
			return err
		}
		u := tx.Bucket(bucketUnfinished)
		if r.State.Terminal() {
			return u.Delete([]byte(r.ID))
		}
		return u.Put([]byte(r.ID), nil)
	})
	if err != nil {
		return fmt.Errorf("boltstore: put run %s: %w", r.ID, err)
	}
	return nil
}

// GetRun implements store.Store.
func (s *Store) GetRun(ctx context.Context, id string) (store.Run, error) {
	var r store.Run
	if err := s.get(bucketRuns, id, &r); err != nil {
		return store.Run{}, fmt.Errorf("boltstore: run %q: %w", id, err)
	}
	return r, nil
}

// UnfinishedRuns implements store.Store.
func (s *Store) UnfinishedRuns(ctx context.Context) ([]store.Run, error) {
	var out []store.Run
	err := s.db.View(func(tx *bolt.Tx) error {
		runs := tx.Bucket(bucketRuns)
		return tx.Bucket(bucketUnfinished).ForEach(func(k, _ []byte) error {
			v := runs.Get(k)
			if v == nil {
				return nil // an index entry without its record cannot happen: both change in one transaction
			}
			var r store.Run
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode run %s: %w", k, err)
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: unfinished runs: %w", err)
	}
	store.SortRuns(out)
	return out, nil
}

// Close implements store.Store.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) get(bucket []byte, id string, dst any) error {
	return s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucket).Get([]byte(id))
		if v == nil {
			return store.ErrNotFound
		}
		// v is only valid inside the transaction; Unmarshal copies what it keeps.
		if err := json.Unmarshal(v, dst); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		return nil
	})
}
