package boltstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/server/store/boltstore"
)

// fill writes n shares with results of about size bytes and returns their ids.
func fill(t *testing.T, s *boltstore.Store, n, size int) []string {
	t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup // concurrent writes share commits and fsyncs
	for i := range ids {
		ids[i] = store.NewID()
		res := fmt.Sprintf(`{"i":%d,"pad":"%s"}`, i, strings.Repeat("x", size))
		wg.Go(func() {
			if err := s.PutShare(context.Background(), store.Share{ID: ids[i], Spec: json.RawMessage(`{"kind":"stable"}`), Result: json.RawMessage(res), Created: time.Now().UTC()}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	return ids
}

// TestDamaged damages a database file the ways disks and operators do and checks that
// opening it (as the server does) and checking it both give a *DamagedError that names
// the file and the way out, rather than a crash (a memory fault would end this test
// process) or an empty database.
func TestDamaged(t *testing.T) {
	damage := []struct {
		name    string
		damage  func(t *testing.T, path string)
		problem string // in the error
	}{
		{"zero length", func(t *testing.T, path string) {
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
		}, "empty"},
		{"truncated to half", func(t *testing.T, path string) {
			// Half of what the database uses, not of the file: bbolt grows the file by
			// doubling it, so about one fill in 60 leaves a 2 MiB file whose data all lies in
			// its first half, and cutting that half away damages nothing.
			if err := os.Truncate(path, usedBytes(t, path)/2); err != nil {
				t.Fatal(err)
			}
		}, "truncated"},
		{"truncated inside the headers", func(t *testing.T, path string) {
			if err := os.Truncate(path, 100); err != nil {
				t.Fatal(err)
			}
		}, "header"},
		{"headers scribbled", func(t *testing.T, path string) { scribble(t, path, 0, 2) }, "header"},
		{"every page after the headers scribbled", func(t *testing.T, path string) { scribble(t, path, 2, -1) }, "damaged"},
		{"the middle pages scribbled", func(t *testing.T, path string) {
			fi, _ := os.Stat(path)
			pages := int(fi.Size() / 4096)
			scribble(t, path, pages/4, pages/2)
		}, "damaged"},
	}
	for _, tc := range damage {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := boltstore.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			fill(t, s, 200, 3000)
			s.Close()
			path := filepath.Join(dir, boltstore.FileName)
			tc.damage(t, path)
			before, _ := os.Stat(path)

			s, err = boltstore.Open(dir)
			if err == nil {
				s.Close()
				t.Fatalf("Open of a damaged database succeeded; want a *DamagedError")
			}
			var de *boltstore.DamagedError
			if !errors.As(err, &de) {
				t.Fatalf("Open: %v (%T); want a *DamagedError", err, err)
			}
			msg := err.Error()
			for _, want := range []string{path, tc.problem, "tailscope db backup", "move the damaged file aside"} {
				if !strings.Contains(msg, want) {
					t.Errorf("Open: %q does not mention %q", msg, want)
				}
			}
			if _, err := boltstore.Check(dir); !errors.As(err, &de) {
				t.Errorf("Check: %v; want a *DamagedError", err)
			}
			after, _ := os.Stat(path)
			if after.Size() != before.Size() {
				t.Errorf("the damaged file went from %d to %d bytes; it must be left as it was", before.Size(), after.Size())
			}
		})
	}
}

// usedBytes returns how much of the database file at path its pages use (bbolt's high-water
// mark), which may be less than the file's size.
func usedBytes(t *testing.T, path string) int64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin(false)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	return tx.Size()
}

// scribble overwrites pages [from, to) of 4 KiB (to < 0: to the end) with random bytes.
func scribble(t *testing.T, path string, from, to int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	if to < 0 {
		to = int(fi.Size() / 4096)
	}
	r := rand.New(rand.NewPCG(1, 2))
	page := make([]byte, 4096)
	for p := from; p < to; p++ {
		for i := range page {
			page[i] = byte(r.Uint32())
		}
		if _, err := f.WriteAt(page, int64(p)*4096); err != nil {
			t.Fatal(err)
		}
	}
}

// TestQuota fills a store with a small quota and checks that the share over it is
// refused with a *store.FullError, that what was kept is still there, and that a run
// already recorded can still be updated (so that runs in progress finish).
func TestQuota(t *testing.T) {
	ctx := context.Background()
	s, err := boltstore.OpenWith(t.TempDir(), boltstore.Options{MaxBytes: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	run := store.Run{ID: store.NewID(), Spec: json.RawMessage(`{"kind":"stable"}`), State: store.Running}
	if err := s.PutRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	var kept []string
	var full *store.FullError
	for i := range 200 {
		id := store.NewID()
		err := s.PutShare(ctx, store.Share{ID: id, Spec: json.RawMessage(`{"kind":"stable"}`), Result: json.RawMessage(`"` + strings.Repeat("y", 4000) + `"`)})
		if errors.As(err, &full) {
			break
		}
		if err != nil {
			t.Fatalf("share %d: %v", i, err)
		}
		kept = append(kept, id)
	}
	if full == nil {
		t.Fatalf("200 shares of 4 kB fit in a quota of 256 KiB; want a *store.FullError")
	}
	if len(kept) < 30 || full.Max != 256<<10 || full.Used > full.Max {
		t.Errorf("quota refused after %d shares with %+v; want about 50 shares kept, used ≤ max = 256 KiB", len(kept), full)
	}
	for _, id := range kept {
		if ok, err := s.ShareExists(ctx, id); !ok || err != nil {
			t.Fatalf("share %s kept before the quota: exists = %v, %v", id, ok, err)
		}
	}
	run.State, run.Progress, run.Result = store.Done, 1, json.RawMessage(`{"x":1}`)
	if err := s.PutRun(ctx, run); err != nil {
		t.Errorf("finishing a recorded run over the quota: %v; want it accepted", err)
	}
	big := json.RawMessage(`"` + strings.Repeat("q", 8000) + `"`)
	if err := s.PutRun(ctx, store.Run{ID: store.NewID(), Spec: json.RawMessage(`{}`), State: store.Queued, Partial: big}); !errors.As(err, &full) {
		t.Errorf("a new run over the quota: %v; want a *store.FullError", err)
	}
}

// TestMaintenance backs up, checks and compacts a database whose records were rewritten
// many times, and reads every record back from the backup and the compacted file.
func TestMaintenance(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := boltstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ids := fill(t, s, 100, 2000)
	run := store.Run{ID: store.NewID(), Spec: json.RawMessage(`{"kind":"stable"}`), State: store.Running}
	// A large partial result replaced by a small one leaves free pages behind.
	run.Partial = json.RawMessage(`"` + strings.Repeat("p", 4<<20) + `"`)
	if err := s.PutRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	run.Partial, run.Progress = nil, 0.5
	if err := s.PutRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	live := filepath.Join(t.TempDir(), "live.db")
	if _, err := s.Backup(ctx, live); err != nil {
		t.Fatalf("Backup of the open store: %v", err)
	}
	s.Close()

	backupDir := t.TempDir()
	n, err := boltstore.Backup(dir, filepath.Join(backupDir, boltstore.FileName))
	if err != nil || n == 0 {
		t.Fatalf("Backup = %d, %v", n, err)
	}
	if _, err := boltstore.Backup(dir, filepath.Join(backupDir, boltstore.FileName)); err == nil {
		t.Errorf("Backup over an existing file succeeded; want an error")
	}
	rep, err := boltstore.Check(dir)
	if err != nil || !rep.Complete || rep.Records < 100 {
		t.Fatalf("Check = %+v, %v; want complete, ≥ 100 records", rep, err)
	}
	before, after, err := boltstore.Compact(dir)
	if err != nil {
		t.Fatal(err)
	}
	if after >= before {
		t.Errorf("Compact: %d → %d bytes; want smaller", before, after)
	}
	t.Logf("compact: %d → %d bytes", before, after)
	for name, d := range map[string]string{"compacted": dir, "backup": backupDir, "live backup": filepath.Dir(live)} {
		t.Run(name, func(t *testing.T) {
			if name == "live backup" {
				if err := os.Rename(live, filepath.Join(d, boltstore.FileName)); err != nil {
					t.Fatal(err)
				}
			}
			s, err := boltstore.Open(d)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for _, id := range ids {
				if ok, err := s.ShareExists(ctx, id); !ok || err != nil {
					t.Fatalf("share %s: exists = %v, %v", id, ok, err)
				}
			}
			if r, err := s.GetRun(ctx, run.ID); err != nil || r.Progress != run.Progress {
				t.Errorf("run: %+v, %v", r, err)
			}
		})
	}
}

// TestEncodeShare checks the hand-made encoding of a share against json.Marshal's.
func TestEncodeShare(t *testing.T) {
	created := time.Date(2026, 12, 6, 1, 2, 3, 456, time.UTC)
	for _, tc := range []struct {
		name string
		sh   store.Share
	}{
		{"with result", store.Share{ID: "abc_-DEF12345678", Spec: json.RawMessage(`{"kind":"stable"}`), Result: json.RawMessage(`{"a":[1,2]}`), Created: created}},
		{"no result", store.Share{ID: "abc_-DEF12345678", Spec: json.RawMessage(`{"kind":"stable"}`), Created: created}},
		{"no spec", store.Share{ID: "x", Created: created}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(tc.sh)
			if err != nil {
				t.Fatal(err)
			}
			got, err := boltstore.EncodeShare(tc.sh)
			if err != nil || string(got) != string(want) {
				t.Errorf("encodeShare = %s, %v; want %s", got, err, want)
			}
		})
	}
	if _, err := boltstore.EncodeShare(store.Share{ID: "x", Spec: json.RawMessage(`{`)}); err == nil {
		t.Errorf("encodeShare of invalid JSON succeeded")
	}
}
