package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/jobs"
	"github.com/tailscope/tailscope/server/store"
	simrun "github.com/tailscope/tailscope/sim/run"
)

// TestRealRun runs an "mlp" spec end to end on the CPU backend: POST, then the event
// stream to its end. The result has one evaluation at iteration 0, one every evalEvery
// steps and one at the end, with α̂ in the estimator's range (0, 2]; and since the same
// spec and seed give the same result, a second run of it returns identical JSON.
func TestRealRun(t *testing.T) {
	st := new(store.Memory)
	m, err := jobs.New(context.Background(), jobs.Config{Backend: simrun.CPU{}, Store: st, Workers: 2, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown(context.Background())
	srv, err := api.New(api.Config{Store: st, Runs: m, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	const specJSON = `{"kind":"mlp","seed":11,"params":{"dataset":"blobs","n":600,"testN":150,"width":16,"iters":60,"evalEvery":20,"batch":30}}`
	run := func() (events []string, result json.RawMessage) {
		resp, err := http.Post(ts.URL+"/api/runs", "application/json", strings.NewReader(specJSON))
		if err != nil {
			t.Fatal(err)
		}
		var created struct{ ID string }
		json.NewDecoder(resp.Body).Decode(&created)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("POST /api/runs: %d", resp.StatusCode)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/runs/"+created.ID+"/events", nil)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 16<<20)
		var last string
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events = append(events, name)
			}
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				last = d
			}
		}
		var end struct {
			State  string
			Error  string
			Result json.RawMessage
		}
		if err := json.Unmarshal([]byte(last), &end); err != nil || end.State != "done" {
			t.Fatalf("end event: state %q error %q (%v)", end.State, end.Error, err)
		}
		return events, end.Result
	}
	events, result := run()
	if len(events) < 2 || events[len(events)-1] != "end" {
		t.Errorf("events = %v, want progress events, then end", events)
	}
	var res struct {
		Evaluations []struct {
			Iter  int
			Alpha float64
		}
	}
	if err := json.Unmarshal(result, &res); err != nil {
		t.Fatal(err)
	}
	var iters []int
	for _, e := range res.Evaluations {
		iters = append(iters, e.Iter)
		if !(e.Alpha > 0 && e.Alpha <= 2) {
			t.Errorf("evaluation at iteration %d: α̂ = %v, want it in (0, 2]", e.Iter, e.Alpha)
		}
	}
	if want := []int{0, 20, 40, 60}; !slices.Equal(iters, want) {
		t.Errorf("evaluations at iterations %v, want %v", iters, want)
	}
	if _, again := run(); string(again) != string(result) {
		t.Errorf("a second run of the same spec and seed gave a different result (%d vs %d bytes)", len(again), len(result))
	}
}
