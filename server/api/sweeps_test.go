package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/engine"
	"github.com/tailscope/tailscope/server/store"
	simrun "github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/sweep"
)

// sweepServer is the API on the JetStream engine (embedded NATS) with one local worker.
func sweepServer(t *testing.T) *httptest.Server {
	t.Helper()
	emb, err := engine.StartEmbedded(t.TempDir(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	nc, err := emb.Connect("test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	st := new(store.Memory)
	e, err := engine.New(context.Background(), engine.Config{Store: st, Conn: nc, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&engine.Worker{Conn: nc, Backend: simrun.CPU{Workers: 1}, Slots: 2, Logf: t.Logf}).Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
	srv, err := api.New(api.Config{Store: st, Runs: e, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func call(t *testing.T, method, url, body string) (int, []byte, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func TestSweepRoutes(t *testing.T) {
	ts := sweepServer(t)
	t.Run("presets", func(t *testing.T) {
		code, body, _ := call(t, "GET", ts.URL+"/api/sweeps/presets", "")
		var presets []struct {
			Name, Refused, Link string
			Runs                int
			Estimate            []sweep.Cost
		}
		if code != http.StatusOK || json.Unmarshal(body, &presets) != nil || len(presets) != 3 {
			t.Fatalf("%d %s", code, body)
		}
		paper, cpu, batch := presets[0], presets[1], presets[2]
		if paper.Name != "paper" || paper.Runs%486 != 0 || !strings.Contains(paper.Refused, "runs are refused") || paper.Estimate[0].Seconds < 86400 {
			t.Errorf("paper preset: %+v", paper)
		}
		if cpu.Name != "cpu" || cpu.Runs != 30 || cpu.Refused != "" || !strings.Contains(cpu.Link, "width=16,32,64,128,256") {
			t.Errorf("cpu preset: %+v", cpu)
		}
		if batch.Name != "batch" || batch.Runs != 10 || batch.Refused != "" || !strings.Contains(batch.Link, "batch=10,25,50,100,250") || !strings.Contains(batch.Link, "testNoise=1") {
			t.Errorf("batch preset: %+v", batch)
		}
	})
	const good = `{"base":{"kind":"stable","params":{"n":200}},"grid":{"alpha":[1.2,1.6,2]},"seeds":[1,2]}`
	t.Run("estimate", func(t *testing.T) {
		code, body, _ := call(t, "POST", ts.URL+"/api/sweeps/estimate", good)
		var est struct {
			Runs     int
			Estimate []sweep.Cost
		}
		if code != http.StatusOK || json.Unmarshal(body, &est) != nil || est.Runs != 6 || est.Estimate[0].Backend != "cpu" {
			t.Fatalf("%d %s", code, body)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct {
			name, method, path, body string
			status                   int
			field                    string
		}{
			{"out of range", "POST", "/api/sweeps", `{"base":{"kind":"stable"},"grid":{"alpha":[0.1]},"seeds":[1]}`, 400, "alpha"},
			{"unknown field", "POST", "/api/sweeps", `{"base":{"kind":"stable"},"seeds":[1],"x":1}`, 400, "sweep"},
			{"not JSON", "POST", "/api/sweeps", `kind=stable`, 400, "sweep"},
			{"unknown sweep", "GET", "/api/sweeps/AAAAAAAAAAAAAAAA", "", 404, "id"},
			{"malformed id", "GET", "/api/sweeps/x.y", "", 404, "id"},
			{"bad results flag", "GET", "/api/sweeps/AAAAAAAAAAAAAAAA?results=maybe", "", 400, "results"},
		} {
			t.Run(c.name, func(t *testing.T) {
				code, body, _ := call(t, c.method, ts.URL+c.path, c.body)
				var e struct{ Error, Field string }
				json.Unmarshal(body, &e)
				if code != c.status || e.Field != c.field {
					t.Fatalf("%d %s, want %d naming %q", code, body, c.status, c.field)
				}
			})
		}
	})
	t.Run("run to the end", func(t *testing.T) {
		code, body, hdr := call(t, "POST", ts.URL+"/api/sweeps", good)
		var created struct {
			ID, CancelToken string
			Runs            int
		}
		if code != http.StatusAccepted || json.Unmarshal(body, &created) != nil || created.Runs != 6 || hdr.Get("Location") != "/api/sweeps/"+created.ID {
			t.Fatalf("%d %s", code, body)
		}
		// The event stream: "runs" events until an "end" event.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/sweeps/"+created.ID+"/events", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var event string
		seen := map[int]string{}
		ended := false
		for sc.Scan() {
			line := sc.Text()
			if name, ok := strings.CutPrefix(line, "event: "); ok {
				event = name
			}
			data, ok := strings.CutPrefix(line, "data: ")
			if !ok {
				continue
			}
			switch event {
			case "runs":
				var batch []sweep.RunStatus
				if err := json.Unmarshal([]byte(data), &batch); err != nil {
					t.Fatal(err)
				}
				for _, r := range batch {
					seen[r.Index] = r.State
				}
			case "end":
				var st sweep.Status
				if err := json.Unmarshal([]byte(data), &st); err != nil || !st.Finished || st.Counts["done"] != 6 {
					t.Fatalf("end event %s: %v", data, err)
				}
				ended = true
			}
		}
		if !ended || len(seen) != 6 {
			t.Fatalf("ended %v, runs seen %v", ended, seen)
		}
		code, body, _ = call(t, "GET", ts.URL+"/api/sweeps/"+created.ID+"?results=1", "")
		var st sweep.Status
		if code != http.StatusOK || json.Unmarshal(body, &st) != nil {
			t.Fatalf("%d %s", code, body)
		}
		for i, r := range st.Runs {
			if r.State != "done" || len(r.Result) == 0 || r.Label != st.Sweep.Label(i) {
				t.Errorf("run %d: %s, %d bytes of result", i, r.State, len(r.Result))
			}
		}
		// Only the creator's token cancels; cancelling a finished sweep changes nothing.
		code, body, _ = call(t, "DELETE", ts.URL+"/api/sweeps/"+created.ID, "")
		if code != http.StatusForbidden {
			t.Errorf("DELETE without the token: %d %s", code, body)
		}
		req, _ = http.NewRequest("DELETE", ts.URL+"/api/sweeps/"+created.ID, nil)
		req.Header.Set("Authorization", "Bearer "+created.CancelToken)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || created.CancelToken == "" || !strings.Contains(string(body), `"done":6`) {
			t.Errorf("DELETE with the token: %d %s", resp.StatusCode, body)
		}
	})
}

func TestSweepTable(t *testing.T) {
	ts := sweepServer(t)
	const mlp = `{"base":{"kind":"mlp","params":{"dataset":"blobs","n":200,"testN":100,"iters":20,"evalEvery":10,"batch":20}},"grid":{"width":[8,16]},"seeds":[1,2]}`
	code, body, _ := call(t, "POST", ts.URL+"/api/sweeps", mlp)
	var created struct{ ID string }
	if code != http.StatusAccepted || json.Unmarshal(body, &created) != nil {
		t.Fatalf("%d %s", code, body)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		var st sweep.Status
		_, body, _ := call(t, "GET", ts.URL+"/api/sweeps/"+created.ID, "")
		if json.Unmarshal(body, &st) == nil && st.Finished {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sweep did not finish: %s", body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	code, body, _ = call(t, "GET", ts.URL+"/api/sweeps/"+created.ID+"/table", "")
	var tab sweep.Table
	if code != http.StatusOK || json.Unmarshal(body, &tab) != nil || len(tab.Rows) != 2 || tab.Params[0] != "width" {
		t.Fatalf("%d %s", code, body)
	}
	for i, r := range tab.Rows {
		a := r.Metrics["alpha"]
		if a.N != 2 || !(a.Mean > 0 && a.Mean <= 2) || r.Metrics["test_acc"].N != 2 {
			t.Errorf("row %d (width %s): %+v", i, r.Values[0], r.Metrics)
		}
	}
	code, body, hdr := call(t, "GET", ts.URL+"/api/sweeps/"+created.ID+"/table?format=csv", "")
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || len(lines) != 3 ||
		lines[0] != "width,alpha_mean,alpha_sd,alpha_n,train_acc_mean,train_acc_sd,train_acc_n,test_acc_mean,test_acc_sd,test_acc_n"+
			// the per-coordinate view of the training noise, which every mlp run measures
			",coord_alpha_median_mean,coord_alpha_median_sd,coord_alpha_median_n,coord_rejected_mean,coord_rejected_sd,coord_rejected_n,coord_std_alpha_mean,coord_std_alpha_sd,coord_std_alpha_n" ||
		!strings.HasPrefix(lines[1], "8,") || !strings.HasSuffix(lines[2], ",2") {
		t.Errorf("CSV: %d %s", code, body)
	}
	code, body, _ = call(t, "GET", ts.URL+"/api/sweeps/"+created.ID+"/table?format=svg", "")
	if code != http.StatusBadRequest || !strings.Contains(string(body), `"field":"format"`) {
		t.Errorf("format=svg: %d %s", code, body)
	}
}

func TestNoSweepService(t *testing.T) {
	srv, err := api.New(api.Config{Store: new(store.Memory)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	code, _, _ := call(t, "POST", ts.URL+"/api/sweeps", `{"base":{"kind":"stable"},"seeds":[1]}`)
	if code != http.StatusNotImplemented {
		t.Errorf("POST /api/sweeps without a run service: %d, want 501", code)
	}
}
