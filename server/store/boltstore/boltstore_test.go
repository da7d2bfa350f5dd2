package boltstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/server/store/boltstore"
	"github.com/tailscope/tailscope/server/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := boltstore.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestReopen checks that records survive closing and reopening the database, and that
// a second opener of a database in use gets a clear error instead of waiting forever.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := boltstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sh := store.Share{ID: store.NewID(), Spec: json.RawMessage(`{"kind":"stable","seed":3,"params":{}}`), Created: time.Now().UTC()}
	run := store.Run{ID: store.NewID(), Spec: json.RawMessage(`{"kind":"stable"}`), State: store.Running, Progress: 0.25, Created: time.Now().UTC()}
	if err := s.PutShare(ctx, sh); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	if _, err := boltstore.Open(dir); err == nil {
		t.Errorf("a second Open of %s while it is open succeeded; want an error saying it is in use", dir)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = boltstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.GetShare(ctx, sh.ID)
	if err != nil || string(got.Spec) != string(sh.Spec) {
		t.Errorf("after reopening, GetShare = %s, %v; want spec %s", got.Spec, err, sh.Spec)
	}
	un, err := s.UnfinishedRuns(ctx)
	if err != nil || len(un) != 1 || un[0].ID != run.ID || un[0].Progress != 0.25 {
		t.Errorf("after reopening, UnfinishedRuns = %+v, %v; want the one running run at progress 0.25", un, err)
	}
}

// BenchmarkPutShare writes shares from parallel goroutines: each Put is durable (fsynced)
// when it returns, and concurrent Puts share a commit.
func BenchmarkPutShare(b *testing.B) {
	s, err := boltstore.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	spec := json.RawMessage(`{"kind":"stable","seed":1,"params":{"alpha":1.5}}`)
	b.SetParallelism(8) // 8 writers per core
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.PutShare(context.Background(), store.Share{ID: store.NewID(), Spec: spec}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkGetShare reads shares from parallel goroutines.
func BenchmarkGetShare(b *testing.B) {
	s, err := boltstore.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = store.NewID()
		if err := s.PutShare(ctx, store.Share{ID: ids[i], Spec: json.RawMessage(`{"kind":"stable"}`), Result: json.RawMessage(`{"alpha":[1.5,1.49]}`)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.GetShare(ctx, ids[i%len(ids)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
