package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
)

// Memory is a Store that keeps everything in memory: for tests, and for servers that
// do not need their shares to outlive them. The zero Memory is ready to use.
type Memory struct {
	mu     sync.Mutex
	shares map[string]Share
	runs   map[string]Run
}

var _ Store = (*Memory)(nil)

// PutShare implements Store.
func (m *Memory) PutShare(ctx context.Context, s Share) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.shares == nil {
		m.shares = map[string]Share{}
	}
	if _, ok := m.shares[s.ID]; ok {
		return fmt.Errorf("store: share %s: %w", s.ID, ErrExists)
	}
	m.shares[s.ID] = cloneShare(s)
	return nil
}

// GetShare implements Store.
func (m *Memory) GetShare(ctx context.Context, id string) (Share, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.shares[id]
	if !ok {
		return Share{}, fmt.Errorf("store: share %q: %w", id, ErrNotFound)
	}
	return cloneShare(s), nil
}

// ShareExists implements Store.
func (m *Memory) ShareExists(ctx context.Context, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.shares[id]
	return ok, nil
}

// PutRun implements Store.
func (m *Memory) PutRun(ctx context.Context, r Run) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.runs == nil {
		m.runs = map[string]Run{}
	}
	m.runs[r.ID] = cloneRun(r)
	return nil
}

// GetRun implements Store.
func (m *Memory) GetRun(ctx context.Context, id string) (Run, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.runs[id]
	if !ok {
		return Run{}, fmt.Errorf("store: run %q: %w", id, ErrNotFound)
	}
	return cloneRun(r), nil
}

// UnfinishedRuns implements Store.
func (m *Memory) UnfinishedRuns(ctx context.Context) ([]Run, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Run
	for _, r := range m.runs {
		if !r.State.Terminal() {
			out = append(out, cloneRun(r))
		}
	}
	SortRuns(out)
	return out, nil
}

// Close implements Store; a closed Memory still works.
func (m *Memory) Close() error { return nil }

// SortRuns sorts runs oldest first, by creation time and then id.
func SortRuns(runs []Run) {
	slices.SortFunc(runs, func(a, b Run) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

func cloneShare(s Share) Share {
	s.Spec = slices.Clone(s.Spec)
	s.Result = slices.Clone(s.Result)
	return s
}

func cloneRun(r Run) Run {
	r.Spec = slices.Clone(r.Spec)
	r.Partial = slices.Clone(r.Partial)
	r.Result = slices.Clone(r.Result)
	return r
}
