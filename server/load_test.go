package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/jobs"
	"github.com/tailscope/tailscope/server/store/boltstore"
	simrun "github.com/tailscope/tailscope/sim/run"
)

// TestLoad is a bounded load test on loopback: many concurrent clients read and write
// shares against the bbolt store (every write fsynced before its 201) while a few real
// runs execute. It checks every answer and logs throughput and latency percentiles
// (run with -v to see them; server/README.md quotes them). Skipped with -short.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped with -short")
	}
	const (
		clients    = 32
		totalOps   = 6000
		writeShare = 0.2 // fraction of operations that create a share
		seedShares = 200
		runs       = 3
	)
	st, err := boltstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mgr, err := jobs.New(context.Background(), jobs.Config{Backend: simrun.CPU{}, Store: st, Workers: 2, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer mgr.Shutdown(context.Background())
	srv, err := api.New(api.Config{Store: st, Runs: mgr, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv)
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	defer ts.Close()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}

	post := func(path, body string) (int, []byte) {
		resp, err := client.Post(ts.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Error(err)
			return 0, nil
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	var (
		idsMu sync.RWMutex
		ids   []string
	)
	share := func(seed int) (string, bool) {
		code, body := post("/api/shares", fmt.Sprintf(`{"spec":{"kind":"stable","seed":%d,"params":{"alpha":1.7}},"result":{"alpha":[1.69,1.71],"n":10000}}`, seed))
		var v struct{ ID string }
		if code != http.StatusCreated || json.Unmarshal(body, &v) != nil {
			t.Errorf("POST /api/shares: %d %s", code, body)
			return "", false
		}
		return v.ID, true
	}
	for i := range seedShares {
		if id, ok := share(i); ok {
			ids = append(ids, id)
		}
	}
	runIDs := make([]string, 0, runs)
	for i := range runs {
		code, body := post("/api/runs", fmt.Sprintf(`{"kind":"mlp","seed":%d,"params":{"dataset":"spirals","n":1000,"testN":200,"width":32,"iters":300,"evalEvery":100,"batch":50}}`, i))
		var v struct{ ID string }
		if code != http.StatusAccepted || json.Unmarshal(body, &v) != nil {
			t.Fatalf("POST /api/runs: %d %s", code, body)
		}
		runIDs = append(runIDs, v.ID)
	}

	var (
		next              atomic.Int64
		latMu             sync.Mutex
		readLat, writeLat []time.Duration
		wg                sync.WaitGroup
	)
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 1))
			var reads, writes []time.Duration
			for next.Add(1) <= totalOps {
				t0 := time.Now()
				if rng.Float64() < writeShare {
					id, ok := share(1_000_000 + c)
					writes = append(writes, time.Since(t0))
					if ok {
						idsMu.Lock()
						ids = append(ids, id)
						idsMu.Unlock()
					}
					continue
				}
				idsMu.RLock()
				id := ids[rng.IntN(len(ids))]
				idsMu.RUnlock()
				resp, err := client.Get(ts.URL + "/api/shares/" + id)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				reads = append(reads, time.Since(t0))
				if resp.StatusCode != http.StatusOK {
					t.Errorf("GET /api/shares/%s: %d", id, resp.StatusCode)
				}
			}
			latMu.Lock()
			readLat = append(readLat, reads...)
			writeLat = append(writeLat, writes...)
			latMu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	// The runs finish, with results, despite the load.
	runStart := time.Now()
	for _, id := range runIDs {
		for {
			r, err := mgr.Get(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if r.State.Terminal() {
				if r.State != "done" {
					t.Errorf("run %s: %s %s", id, r.State, r.Error)
				}
				break
			}
			if time.Since(runStart) > 2*time.Minute {
				t.Fatalf("run %s still %s 2 minutes after the load", id, r.State)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	ops := len(readLat) + len(writeLat)
	t.Logf("load: %d clients, %d operations (%d share reads, %d share writes) in %v: %.0f ops/s",
		clients, ops, len(readLat), len(writeLat), elapsed.Round(time.Millisecond), float64(ops)/elapsed.Seconds())
	t.Logf("share reads:  p50 %v  p99 %v", pct(readLat, 0.50), pct(readLat, 0.99))
	t.Logf("share writes: p50 %v  p99 %v (each fsynced before its 201; concurrent writes share a commit)", pct(writeLat, 0.50), pct(writeLat, 0.99))
	t.Logf("%d mlp runs (spirals, 300 steps) done %v after the load ended", runs, time.Since(runStart).Round(time.Millisecond))
}

// pct returns the q-quantile of d (nearest rank).
func pct(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)].Round(10 * time.Microsecond)
}
