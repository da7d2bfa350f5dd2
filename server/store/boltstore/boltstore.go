// Package boltstore is the embedded, durable implementation of store.Store, on bbolt
// (go.etcd.io/bbolt): a single-file B+tree database in pure Go, with no server to install.
//
// Every Put is one bbolt read-write transaction, which bbolt commits with an fsync before
// it returns: a Put that returned nil survives a crash or a SIGKILL of the process.
// Concurrent share writes are grouped by bbolt's Batch into one transaction and one fsync,
// which keeps many small writes fast without weakening that promise.
package boltstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/tailscope/tailscope/server/store"
)

// FileName is the database file inside the data directory.
const FileName = "tailscope.db"

var (
	bucketShares     = []byte("shares")
	bucketRuns       = []byte("runs")
	bucketUnfinished = []byte("runs-unfinished") // id → nothing: runs not in a terminal state
	bucketKeys       = []byte("keys")            // name → a secret of the server
)

// Store is a store.Store in a bbolt file.
type Store struct {
	db       *bolt.DB
	maxBytes int64
}

var _ store.Store = (*Store)(nil)

// Options configures OpenWith. The zero Options is Open's.
type Options struct {
	// MaxBytes is the quota: a new share or run that would take the database past it is
	// refused with a *store.FullError; 0: no quota.
	MaxBytes int64
	// CheckTimeout bounds the consistency check on open (every record is read once, then
	// bbolt's Tx.Check); a larger database is checked for this long and then served, its
	// size and headers having been checked in full. 0: 10 s.
	CheckTimeout time.Duration
	// Logf receives a line when the check on open stopped at its time bound; nil: silent.
	Logf func(format string, args ...any)
}

// Open opens (creating it if needed) the database in directory dir, with no quota.
func Open(dir string) (*Store, error) { return OpenWith(dir, Options{}) }

// OpenWith opens (creating it if needed) the database in directory dir. It fails after a
// few seconds, rather than wait, when another process holds the database, and it refuses
// a damaged database (a *DamagedError naming the file and what to do) before reading
// anything from it that could fault: a zero-length file, a file shorter than its header
// says, headers that do not check out, records that cannot be read.
func OpenWith(dir string, opts Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("boltstore: data directory: %w", err)
	}
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = 10 * time.Second
	}
	path := filepath.Join(dir, FileName)
	if err := checkFile(path); err != nil {
		return nil, err
	}
	db, err := openDB(path, false)
	if err != nil {
		return nil, err
	}
	rep, err := verify(db, path, opts.CheckTimeout)
	if err != nil {
		db.Close()
		return nil, err
	}
	if !rep.Complete && opts.Logf != nil {
		opts.Logf("boltstore: %s: checked %d records in %v, then started serving (the headers and the file size were checked in full; run the db check subcommand for a full check)", path, rep.Records, opts.CheckTimeout)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketShares, bucketRuns, bucketUnfinished, bucketKeys} {
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
	return &Store{db: db, maxBytes: opts.MaxBytes}, nil
}

// openDB opens the bbolt file at path, turning a panic of bbolt on a damaged file into a
// *DamagedError.
func openDB(path string, readOnly bool) (db *bolt.DB, err error) {
	var file *os.File
	openFile := func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	err = guard(path, func() error {
		var err error
		db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: 3 * time.Second, ReadOnly: readOnly, OpenFile: openFile})
		return err
	})
	if err == nil {
		return db, nil
	}
	var de *DamagedError
	switch {
	case errors.As(err, &de):
		if file != nil {
			unlock(file) // bbolt panicked holding it and its lock
			file.Close()
		}
		return nil, err
	case errors.Is(err, bolt.ErrTimeout):
		return nil, fmt.Errorf("boltstore: %s is in use by another process (is a server running on the same -data?)", path)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, &DamagedError{Path: path, Problem: err.Error()}
	}
	return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
}

// Usage returns the bytes the database holds (its pages in use) and its quota (0: none).
func (s *Store) Usage() (used, max int64, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		used = usedBytes(s.db, tx)
		return nil
	})
	return used, s.maxBytes, err
}

// usedBytes is the size of db's pages in use as of tx: the file's high-water mark less its
// free pages.
func usedBytes(db *bolt.DB, tx *bolt.Tx) int64 {
	st := db.Stats()
	return tx.Size() - int64(st.FreePageN+st.PendingPageN)*int64(db.Info().PageSize)
}

// checkQuota refuses a write of n more bytes that would pass the quota.
func (s *Store) checkQuota(tx *bolt.Tx, n int) error {
	if s.maxBytes <= 0 {
		return nil
	}
	if used := usedBytes(s.db, tx); used+int64(n) > s.maxBytes {
		return &store.FullError{Used: used, Max: s.maxBytes}
	}
	return nil
}

// Key returns the secret called name, 32 random bytes made on first use and kept in the
// database (e.g. the key that signs the cancel tokens of runs, so that they outlive a restart).
func (s *Store) Key(name string) ([]byte, error) {
	var key []byte
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketKeys)
		if v := b.Get([]byte(name)); len(v) == 32 {
			key = bytes.Clone(v)
			return nil
		}
		key = make([]byte, 32)
		rand.Read(key)
		return b.Put([]byte(name), key)
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: key %s: %w", name, err)
	}
	return key, nil
}

// PutShare implements store.Store.
func (s *Store) PutShare(ctx context.Context, sh store.Share) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v, err := encodeShare(sh)
	if err != nil {
		return fmt.Errorf("boltstore: encode share %s: %w", sh.ID, err)
	}
	// Batch may call the function more than once; it is idempotent.
	err = s.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketShares)
		if b.Get([]byte(sh.ID)) != nil {
			return fmt.Errorf("boltstore: share %s: %w", sh.ID, store.ErrExists)
		}
		if err := s.checkQuota(tx, len(sh.ID)+len(v)); err != nil {
			return err
		}
		return b.Put([]byte(sh.ID), v)
	})
	var full *store.FullError
	if err != nil && !errors.Is(err, store.ErrExists) && !errors.As(err, &full) {
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

// encodeShare is json.Marshal(sh) in one allocation of the exact size: json.Marshal would
// copy a large result several times over (validating, compacting, growing its buffer).
func encodeShare(sh store.Share) ([]byte, error) {
	for name, raw := range map[string]json.RawMessage{"spec": sh.Spec, "result": sh.Result} {
		if len(raw) > 0 && !json.Valid(raw) {
			return nil, fmt.Errorf("%s is not valid JSON", name)
		}
	}
	id, err := json.Marshal(sh.ID)
	if err != nil {
		return nil, err
	}
	created, err := sh.Created.MarshalJSON()
	if err != nil {
		return nil, err
	}
	spec := sh.Spec
	if len(spec) == 0 {
		spec = json.RawMessage("null")
	}
	b := make([]byte, 0, 40+len(id)+len(spec)+len(sh.Result)+len(created))
	b = append(append(append(b, `{"id":`...), id...), `,"spec":`...)
	b = append(b, spec...)
	if len(sh.Result) > 0 {
		b = append(append(b, `,"result":`...), sh.Result...)
	}
	b = append(append(append(b, `,"created":`...), created...), '}')
	return b, nil
}

// ShareExists implements store.Store: it looks the key up and decodes nothing.
func (s *Store) ShareExists(ctx context.Context, id string) (bool, error) {
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		ok = tx.Bucket(bucketShares).Get([]byte(id)) != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("boltstore: share %q: %w", id, err)
	}
	return ok, nil
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
		runs := tx.Bucket(bucketRuns)
		if runs.Get([]byte(r.ID)) == nil { // a new run; updates of recorded runs pass the quota
			if err := s.checkQuota(tx, len(r.ID)+len(v)); err != nil {
				return err
			}
		}
		if err := runs.Put([]byte(r.ID), v); err != nil {
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
