package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/api"
	"github.com/tailscope/tailscope/server/engine"
	"github.com/tailscope/tailscope/server/store"
	simrun "github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/sweep"
)

// sweepServer is the API on the JetStream engine (embedded NATS) with one local worker.
func sweepServer(t *testing.T) *httptest.Server {
	t.Helper()
	return sweepServerWith(t, api.Config{}, 2, sweep.Budget{})
}

// sweepServerWith is the API with cfg on the JetStream engine with a local worker of slots
// slots (0: no worker, so that runs stay queued).
// The engine bounds sweeps by budget, as the server's -sweep-budget does.
func sweepServerWith(t *testing.T, cfg api.Config, slots int, budget sweep.Budget) *httptest.Server {
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
	e.SetSweepBudget(budget)
	if slots > 0 {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			(&engine.Worker{Conn: nc, Backend: simrun.CPU{Workers: 1}, Slots: slots, Logf: t.Logf}).Run(ctx)
		}()
		t.Cleanup(func() { cancel(); <-done })
	}
	cfg.Store, cfg.Runs, cfg.Logf = st, e, t.Logf
	srv, err := api.New(cfg)
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

// TestSweepAdmissionPerClient: a sweep of N runs counts as its N runs, by their estimated time,
// against the client's share (-runs-per-client runs of at most -run-timeout each), beside its
// single runs; over it, a refusal with the numbers. No worker runs, so runs stay queued.
func TestSweepAdmissionPerClient(t *testing.T) {
	// At this speed a stable run of n = 1000 samples is estimated at 1000 s; the client's share
	// is 2 × 1 h = 7200 s.
	cfg := api.Config{RunTimeout: time.Hour, MaxRunsPerClient: 2, RunSpeed: 1000.0 / spec.ReferenceSpeeds[spec.Samples] / 1000,
		ClientIP: api.HeaderClientIP("X-Test-Client")}
	ts := sweepServerWith(t, cfg, 0, sweep.Budget{})
	sweepOf := func(runs int) string {
		seeds := make([]string, runs)
		for i := range seeds {
			seeds[i] = strconv.Itoa(i + 1)
		}
		return `{"base":{"kind":"stable","params":{"n":1000}},"seeds":[` + strings.Join(seeds, ",") + `]}`
	}
	post := func(t *testing.T, path, body, client string) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Test-Client", client)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	var first struct{ ID, CancelToken string }
	steps := []struct {
		name, path, body, client string
		status                   int
		want                     []string
	}{
		{"a sweep of 3 runs (50 min)", "/api/sweeps", sweepOf(3), "192.0.2.1", 202, nil},
		{"a sweep of 5 more (83 min) passes the 2 h share", "/api/sweeps", sweepOf(5), "192.0.2.1", 429,
			[]string{"you have 3 runs queued or running (about 50 min", "5 more of about 83 min", "2.0 h", "-runs-per-client 2 × -run-timeout 1h0m0s"}},
		{"a sweep over the share by itself", "/api/sweeps", sweepOf(8), "192.0.2.1", 400,
			[]string{`"field":"grid"`, "8 runs would take about 2.2 h", "more than the 2.0 h", "a server started with -runs-per-client 0 takes it"}},
		{"a single run fits beside the sweep", "/api/runs", `{"kind":"stable","params":{"n":1000}}`, "192.0.2.1", 202, nil},
		{"a sweep of 4 (67 min) beside 4 runs (67 min) does not", "/api/sweeps", sweepOf(4), "192.0.2.1", 429,
			[]string{"you have 4 runs queued or running (about 67 min", "4 more of about 67 min"}},
		{"another client's sweep", "/api/sweeps", sweepOf(5), "192.0.2.2", 202, nil},
	}
	for i, tt := range steps {
		t.Run(tt.name, func(t *testing.T) {
			code, body, hdr := post(t, tt.path, tt.body, tt.client)
			if code != tt.status {
				t.Fatalf("%d %s, want %d", code, body, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s\ndoes not say %q", body, w)
				}
			}
			if code == 429 && hdr.Get("Retry-After") == "" {
				t.Error("a 429 without Retry-After")
			}
			if i == 0 {
				json.Unmarshal([]byte(body), &first)
			}
		})
	}
	t.Run("after cancelling the first sweep, the sweep of 4 fits", func(t *testing.T) {
		req, _ := http.NewRequest("DELETE", ts.URL+"/api/sweeps/"+first.ID, nil)
		req.Header.Set("Authorization", "Bearer "+first.CancelToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("cancel: %v %v", resp.StatusCode, err)
		}
		resp.Body.Close()
		if code, body, _ := post(t, "/api/sweeps", sweepOf(4), "192.0.2.1"); code != 202 {
			t.Fatalf("%d %s", code, body)
		}
	})
	t.Run("without a run time limit, runs are counted", func(t *testing.T) {
		ts := sweepServerWith(t, api.Config{MaxRunsPerClient: 4}, 0, sweep.Budget{})
		for _, step := range []struct {
			runs, status int
			want         string
		}{
			{3, 202, ""},
			{2, 429, "you have 3 runs queued or running, sweeps included, and this sweep adds 2: more than the 4"},
			{5, 400, "the sweep has 5 runs, more than the 4 runs one client may have"},
			{1, 202, ""},
		} {
			code, body, _ := call(t, "POST", ts.URL+"/api/sweeps", sweepOf(step.runs))
			if code != step.status || !strings.Contains(string(body), step.want) {
				t.Errorf("a sweep of %d runs: %d %s, want %d saying %q", step.runs, code, body, step.status, step.want)
			}
		}
	})
}

// TestPaperGridEstimate: the paper's grid is estimated (its 972 runs, its time per backend)
// even though this server refuses it, and every limit it passes is named with the flag that
// lifts it; a server started with those flags refuses it only for the runs its kind refuses.
func TestPaperGridEstimate(t *testing.T) {
	paper, ok := sweep.LookupPreset("paper")
	if !ok {
		t.Fatal("no paper preset")
	}
	body, _ := json.Marshal(paper.Sweep())
	type answer struct {
		Runs     int
		Estimate []sweep.Cost
		Refused  string
		Refusals []struct {
			Field, Limit, Flag, Message string
			Runs                        int
		}
	}
	flagsOf := func(a answer) []string {
		var flags []string
		for _, r := range a.Refusals {
			flags = append(flags, r.Flag)
		}
		return flags
	}
	// The defaults of go run ./server: -run-timeout 1h, -runs-per-client 3, -sweep-budget 720h.
	defaults := sweepServerWith(t, api.Config{RunTimeout: time.Hour, MaxRunsPerClient: 3}, 0, sweep.Budget{MaxSeconds: (720 * time.Hour).Seconds()})
	lifted := sweepServerWith(t, api.Config{RunTimeout: 200 * time.Hour}, 0, sweep.Budget{})
	for _, tt := range []struct {
		name  string
		url   string
		flags []string
	}{
		{"default flags", defaults.URL, []string{"-max-run-memory", "-max-run-work", "-run-timeout", "-sweep-budget", "-runs-per-client"}},
		{"-run-timeout 200h -sweep-budget 0 -runs-per-client 0", lifted.URL, []string{"-max-run-memory", "-max-run-work"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, resp, _ := call(t, "POST", tt.url+"/api/sweeps/estimate", string(body))
			var a answer
			if code != http.StatusOK || json.Unmarshal(resp, &a) != nil {
				t.Fatalf("%d %s", code, resp)
			}
			if a.Runs != 972 || len(a.Estimate) == 0 || a.Estimate[0].Backend != "cpu" || a.Estimate[0].Runs != 972 || a.Estimate[0].Seconds < 100*86400 || a.Estimate[0].Longest < 3600 {
				t.Errorf("the estimate: %d runs, %+v; want 972 runs, over 100 days on one cpu worker", a.Runs, a.Estimate)
			}
			if got := flagsOf(a); strings.Join(got, " ") != strings.Join(tt.flags, " ") {
				t.Fatalf("refused by flags %q, want %q:\n%s", got, tt.flags, a.Refused)
			}
			// The CIFAR-10 runs of width 1024 and depth 5 or more need more than 1 GiB (36 runs);
			// the wide and deep ones, more than 2e13 multiply-adds (240 runs).
			if mem, work := a.Refusals[0], a.Refusals[1]; mem.Runs != 36 || mem.Field != "n" || work.Runs != 240 || work.Field != "iters" {
				t.Errorf("the kind's refusals: %+v", a.Refusals[:2])
			}
			for _, r := range a.Refusals {
				if !strings.Contains(r.Message, "a server started with "+r.Flag) {
					t.Errorf("refusal %q does not say the flag that lifts it", r.Message)
				}
			}
			t.Logf("%s", a.Refused)
		})
	}
	t.Run("the preset list says the same", func(t *testing.T) {
		code, resp, _ := call(t, "GET", defaults.URL+"/api/sweeps/presets", "")
		var ps []answer
		if code != http.StatusOK || json.Unmarshal(resp, &ps) != nil || len(ps) < 2 {
			t.Fatalf("%d %.200s", code, resp)
		}
		if got := flagsOf(ps[0]); len(got) != 5 {
			t.Errorf("paper refused by %q", got)
		}
		for _, p := range ps[1:] { // the CPU-sized presets fit the defaults
			if p.Refused != "" {
				t.Errorf("preset of %d runs refused: %s", p.Runs, p.Refused)
			}
		}
	})
	t.Run("with -max-run-work too, the server takes it", func(t *testing.T) {
		_, resp, _ := call(t, "POST", lifted.URL+"/api/sweeps/estimate", string(body))
		var a answer
		json.Unmarshal(resp, &a)
		m := regexp.MustCompile(`-max-run-memory (\d+)MiB takes them.* -max-run-work (\S+) takes them`).FindStringSubmatch(a.Refused)
		if m == nil {
			t.Fatalf("no values for -max-run-memory and -max-run-work in %q", a.Refused)
		}
		mib, err1 := strconv.ParseInt(m[1], 10, 64)
		work, err2 := strconv.ParseFloat(m[2], 64)
		if err1 != nil || err2 != nil || mib <= spec.MLPMaxBytes>>20 || work < spec.MLPMaxWork {
			t.Fatalf("-max-run-memory %sMiB -max-run-work %s", m[1], m[2])
		}
		// What -max-run-memory and -max-run-work do at the server's start.
		spec.SetMLPMemoryLimit(mib << 20)
		spec.SetMLPWorkLimit(work)
		t.Cleanup(func() { spec.SetMLPWorkLimit(0); spec.SetMLPMemoryLimit(0) })
		code, resp, _ := call(t, "POST", lifted.URL+"/api/sweeps/estimate", string(body))
		var again answer
		if json.Unmarshal(resp, &again) != nil || code != 200 || len(again.Refusals) != 0 || again.Runs != 972 {
			t.Fatalf("with -max-run-work %g: %d %s", work, code, resp)
		}
		code, resp, _ = call(t, "POST", lifted.URL+"/api/sweeps", string(body))
		var created struct{ Runs int }
		if code != http.StatusAccepted || json.Unmarshal(resp, &created) != nil || created.Runs != 972 {
			t.Fatalf("submitting it with -max-run-work %g: %d %.300s", work, code, resp)
		}
	})
}

// TestSweepOverTheRunTimeLimit: a sweep with runs longer than -run-timeout is refused naming the
// limit and the flag, with the value that takes it; a server started with it takes the sweep.
func TestSweepOverTheRunTimeLimit(t *testing.T) {
	// At this speed a stable run of n = 1000 samples is estimated at 1.5 h.
	speed := 1000.0 / spec.ReferenceSpeeds[spec.Samples] / 5400
	const sw = `{"base":{"kind":"stable","params":{"n":1000}},"grid":{"alpha":[1.2,1.5]},"seeds":[1,2]}`
	strict := sweepServerWith(t, api.Config{RunTimeout: time.Hour, RunSpeed: speed}, 0, sweep.Budget{})
	code, body, _ := call(t, "POST", strict.URL+"/api/sweeps", sw)
	if code != 400 || !strings.Contains(string(body), "4 of 4 runs would take longer than the 1h0m0s a run may take on this server (the longest about 1.5 h); a server started with -run-timeout 2h0m0s takes them") ||
		!strings.Contains(string(body), `"field":"n"`) {
		t.Fatalf("%d %s", code, body)
	}
	lifted := sweepServerWith(t, api.Config{RunTimeout: 2 * time.Hour, RunSpeed: speed}, 0, sweep.Budget{})
	if code, body, _ := call(t, "POST", lifted.URL+"/api/sweeps", sw); code != 202 {
		t.Fatalf("with -run-timeout 2h: %d %s", code, body)
	}
}
