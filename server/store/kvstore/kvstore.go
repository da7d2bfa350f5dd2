// Package kvstore keeps shares in a key–value store such as Cloudflare Workers KV, for the
// Worker build of the server (server/worker). It implements store.Store over a small KV
// interface so that the same code is tested natively against an in-memory KV.
//
// Workers KV holds values of at most 25 MiB under keys of at most 512 bytes, and is
// eventually consistent across locations (a share written in one location may take up to a
// minute to be visible in another; a reader in the writer's location sees it at once). Runs
// are not kept: a Worker has no job pool, and the run routes answer 501 there.
package kvstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/tailscope/tailscope/server/store"
)

// MaxValueBytes is the largest value Workers KV accepts.
const MaxValueBytes = 25 << 20

// KV is a key–value store of byte values.
type KV interface {
	// Get returns the value of key; ok is false when the key does not exist.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// Put sets the value of key.
	Put(ctx context.Context, key string, value []byte) error
}

// Store implements store.Store for shares over a KV.
type Store struct {
	KV KV
}

var _ store.Store = (*Store)(nil)

func shareKey(id string) string { return "share/" + id }

// ErrNoRuns is returned by the run methods: a KV-backed server does not execute runs.
var ErrNoRuns = errNoRuns{}

type errNoRuns struct{}

func (errNoRuns) Error() string {
	return "runs are not kept here: this deployment serves the app and share links; heavy runs execute on the native server (go run ./server)"
}

// Unavailable makes the API answer 503 rather than 500.
func (errNoRuns) Unavailable() bool { return true }

// PutShare saves a new share. The id must be valid (store.ValidID) and not taken.
func (s *Store) PutShare(ctx context.Context, sh store.Share) error {
	if !store.ValidID(sh.ID) {
		return fmt.Errorf("kvstore: invalid share id %q", sh.ID)
	}
	b, err := json.Marshal(sh)
	if err != nil {
		return fmt.Errorf("kvstore: encoding share %s: %w", sh.ID, err)
	}
	if len(b) > MaxValueBytes {
		return fmt.Errorf("kvstore: share %s is %d bytes, more than the %d a KV value holds", sh.ID, len(b), MaxValueBytes)
	}
	// KV has no put-if-absent; ids carry 96 random bits, so this check only guards
	// against a caller reusing an id.
	if _, ok, err := s.KV.Get(ctx, shareKey(sh.ID)); err != nil {
		return fmt.Errorf("kvstore: checking share %s: %w", sh.ID, err)
	} else if ok {
		return fmt.Errorf("kvstore: share %s: %w", sh.ID, store.ErrExists)
	}
	if err := s.KV.Put(ctx, shareKey(sh.ID), b); err != nil {
		return fmt.Errorf("kvstore: saving share %s: %w", sh.ID, err)
	}
	return nil
}

// GetShare returns the share with the given id.
func (s *Store) GetShare(ctx context.Context, id string) (store.Share, error) {
	if !store.ValidID(id) {
		return store.Share{}, fmt.Errorf("kvstore: share %q: %w", id, store.ErrNotFound)
	}
	b, ok, err := s.KV.Get(ctx, shareKey(id))
	if err != nil {
		return store.Share{}, fmt.Errorf("kvstore: reading share %s: %w", id, err)
	}
	if !ok {
		return store.Share{}, fmt.Errorf("kvstore: share %s: %w", id, store.ErrNotFound)
	}
	var sh store.Share
	if err := json.Unmarshal(b, &sh); err != nil {
		return store.Share{}, fmt.Errorf("kvstore: share %s is corrupt: %w", id, err)
	}
	return sh, nil
}

// ShareExists implements store.Store. Workers KV has no existence check, so the value is
// read, but not decoded.
func (s *Store) ShareExists(ctx context.Context, id string) (bool, error) {
	if !store.ValidID(id) {
		return false, nil
	}
	_, ok, err := s.KV.Get(ctx, shareKey(id))
	if err != nil {
		return false, fmt.Errorf("kvstore: reading share %s: %w", id, err)
	}
	return ok, nil
}

// PutRun implements store.Store; it always fails with ErrNoRuns.
func (s *Store) PutRun(context.Context, store.Run) error { return ErrNoRuns }

// GetRun implements store.Store; it always fails with ErrNoRuns.
func (s *Store) GetRun(context.Context, string) (store.Run, error) { return store.Run{}, ErrNoRuns }

// UnfinishedRuns implements store.Store: there are none.
func (s *Store) UnfinishedRuns(context.Context) ([]store.Run, error) { return nil, nil }

// Close implements store.Store.
func (s *Store) Close() error { return nil }

// Memory is an in-memory KV for tests. The zero Memory is ready to use.
type Memory struct {
	mu sync.Mutex
	m  map[string][]byte
}

// Get implements KV.
func (m *Memory) Get(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[key]
	return v, ok, nil
}

// Put implements KV.
func (m *Memory) Put(_ context.Context, key string, value []byte) error {
	if len(value) > MaxValueBytes {
		return errors.New("value too large")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string][]byte{}
	}
	m.m[key] = append([]byte(nil), value...)
	return nil
}
