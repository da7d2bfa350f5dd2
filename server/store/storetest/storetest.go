// Package storetest checks that an implementation of store.Store keeps its promises.
// Each implementation's tests call Run.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/store"
)

// Run checks the Store that open returns (a fresh, empty one on each call).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	t.Run("shares", func(t *testing.T) {
		s := open(t)
		created := time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)
		tests := []store.Share{
			{ID: store.NewID(), Spec: json.RawMessage(`{"kind":"stable","seed":1,"params":{}}`), Created: created},
			{ID: store.NewID(), Spec: json.RawMessage(`{"kind":"stable","seed":2,"params":{}}`), Result: json.RawMessage(`{"alpha":[1.5,1.49]}`), Created: created},
		}
		for _, want := range tests {
			if err := s.PutShare(ctx, want); err != nil {
				t.Fatalf("PutShare(%s): %v", want.ID, err)
			}
		}
		for _, want := range tests {
			got, err := s.GetShare(ctx, want.ID)
			if err != nil {
				t.Fatalf("GetShare(%s): %v", want.ID, err)
			}
			if g, w := fmt.Sprintf("%s %s %s %v", got.ID, got.Spec, got.Result, got.Created), fmt.Sprintf("%s %s %s %v", want.ID, want.Spec, want.Result, want.Created); g != w {
				t.Errorf("GetShare(%s) = %s, want %s", want.ID, g, w)
			}
		}
		if err := s.PutShare(ctx, tests[0]); !errors.Is(err, store.ErrExists) {
			t.Errorf("PutShare of an existing id: err = %v, want ErrExists", err)
		}
		if _, err := s.GetShare(ctx, store.NewID()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetShare of an unknown id: err = %v, want ErrNotFound", err)
		}
		for _, tc := range []struct {
			name string
			id   string
			want bool
		}{
			{"stored", tests[1].ID, true},
			{"unknown", store.NewID(), false},
		} {
			t.Run("exists/"+tc.name, func(t *testing.T) {
				if got, err := s.ShareExists(ctx, tc.id); err != nil || got != tc.want {
					t.Errorf("ShareExists(%s) = %v, %v; want %v", tc.id, got, err, tc.want)
				}
			})
		}
	})
	t.Run("runs", func(t *testing.T) {
		s := open(t)
		t0 := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
		a := store.Run{ID: store.NewID(), Spec: json.RawMessage(`{"kind":"stable"}`), State: store.Queued, Created: t0, Updated: t0}
		b := store.Run{ID: store.NewID(), Spec: json.RawMessage(`{"kind":"stable"}`), State: store.Running, Progress: 0.5, Partial: json.RawMessage(`[1,2]`), Created: t0.Add(time.Second), Updated: t0}
		c := store.Run{ID: store.NewID(), Spec: json.RawMessage(`{"kind":"stable"}`), State: store.Done, Progress: 1, Result: json.RawMessage(`{"x":1}`), Created: t0.Add(-time.Second), Updated: t0}
		for _, r := range []store.Run{b, c, a} {
			if err := s.PutRun(ctx, r); err != nil {
				t.Fatalf("PutRun(%s): %v", r.ID, err)
			}
		}
		got, err := s.GetRun(ctx, b.ID)
		if err != nil || got.State != store.Running || got.Progress != 0.5 || string(got.Partial) != "[1,2]" {
			t.Errorf("GetRun(b) = %+v, %v; want state running, progress 0.5, partial [1,2]", got, err)
		}
		un, err := s.UnfinishedRuns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(un) != 2 || un[0].ID != a.ID || un[1].ID != b.ID {
			t.Errorf("UnfinishedRuns = %v, want [a b] = [%s %s] (oldest first, done run c left out)", ids(un), a.ID, b.ID)
		}
		// Finishing b takes it out of the unfinished runs; a replaced record is the new one.
		b.State, b.Result = store.Failed, nil
		b.Error = "boom"
		if err := s.PutRun(ctx, b); err != nil {
			t.Fatal(err)
		}
		un, _ = s.UnfinishedRuns(ctx)
		if len(un) != 1 || un[0].ID != a.ID {
			t.Errorf("after b failed, UnfinishedRuns = %v, want [%s]", ids(un), a.ID)
		}
		if got, _ := s.GetRun(ctx, b.ID); got.State != store.Failed || got.Error != "boom" {
			t.Errorf("GetRun(b) after update = %+v, want failed with error boom", got)
		}
		if _, err := s.GetRun(ctx, store.NewID()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetRun of an unknown id: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		s := open(t)
		const n = 64
		var wg sync.WaitGroup
		idc := make(chan string, n)
		for i := range n {
			wg.Go(func() {
				id := store.NewID()
				if err := s.PutShare(ctx, store.Share{ID: id, Spec: json.RawMessage(fmt.Sprintf(`{"seed":%d}`, i))}); err != nil {
					t.Errorf("PutShare #%d: %v", i, err)
					return
				}
				idc <- id
			})
		}
		wg.Wait()
		close(idc)
		count := 0
		for id := range idc {
			if _, err := s.GetShare(ctx, id); err != nil {
				t.Errorf("GetShare(%s) after concurrent writes: %v", id, err)
			}
			count++
		}
		if count != n {
			t.Errorf("%d of %d concurrent writes succeeded", count, n)
		}
	})
}

func ids(runs []store.Run) []string {
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = r.ID
	}
	return out
}
