package paperview

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/sweep"
	"github.com/tailscope/tailscope/ui/worker"
)

// TestRunJobIsTheServersRun: the worker job's output is, byte for byte, the JSON of the result
// the server's CPU backend records for the same spec and seed.
func TestRunJobIsTheServersRun(t *testing.T) {
	for _, q := range []string{
		"kind=mlp&dataset=blobs&n=200&testN=100&iters=40&evalEvery=20&batch=20&width=8&depth=2&seed=1",
		"kind=mlp&dataset=spirals&n=200&testN=100&iters=30&evalEvery=15&batch=25&width=16&depth=3&loss=hinge&seed=7",
	} {
		t.Run(q, func(t *testing.T) {
			v, _ := url.ParseQuery(q)
			s, err := spec.ParseQuery(v)
			if err != nil {
				t.Fatal(err)
			}
			in, _ := json.Marshal(s)
			var reports int
			got, err := worker.Run(context.Background(), RunJob, in, func(spec.Progress) { reports++ })
			if err != nil {
				t.Fatal(err)
			}
			res, err := run.CPU{}.Run(context.Background(), s, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(res)
			if !bytes.Equal(got, want) {
				t.Errorf("the job's result differs from the server's run:\n got %.300s\nwant %.300s", got, want)
			}
			var r struct {
				Evaluations []struct{ Iter int } `json:"evaluations"`
			}
			if err := json.Unmarshal(got, &r); err != nil || len(r.Evaluations) != 3 {
				t.Errorf("the result has %d evaluations (%v), want 3 (iteration 0, the middle, the end)", len(r.Evaluations), err)
			}
			if reports == 0 {
				t.Error("the job reported no progress")
			}
		})
	}
}

func TestCheckPage(t *testing.T) {
	cpu, _ := sweep.LookupPreset("cpu")
	for _, c := range []struct {
		name, query string
		want        string // in the error; "" for a sweep the page takes
		runs        int
	}{
		{"the page's preset", PageQuery, "", 16},
		{"a tiny link", "kind=mlp&dataset=spirals&n=200&testN=100&iters=40&evalEvery=20&batch=20&width=8,16&depth=2,3&seeds=1", "", 4},
		{"mnist needs the server", cpu.Sweep().Encode(), "its dataset, mnist, is read from the server's files", 0},
		{"a grid over the dataset", "kind=mlp&dataset=blobs,mnist&n=200&testN=100&iters=20&evalEvery=10", "its dataset, mnist, is read from the server's files", 0},
		{"too many runs", "kind=mlp&dataset=blobs&n=200&testN=100&iters=20&evalEvery=10&width=4,8,16,32,64,128,256,512,1024&depth=2,3&seeds=1,2",
			"it has 36 runs, about 18 s on one worker; a sweep in this browser may have at most 32 runs and 5 min", 0},
		{"too long", "kind=mlp&dataset=spirals&n=10000&testN=100&iters=20000&evalEvery=20000&width=256,512",
			"it has 2 runs, about 17 min on one worker; a sweep in this browser may have at most 32 runs and 5 min", 0},
		{"not an mlp", "kind=stable&alpha=1.5,1.8", "a sweep in this browser runs mlp runs, not stable runs", 0},
		{"not a sweep", "kind=mlp&seeds=x", "seeds", 0},
		{"not a query", "%zz", "invalid URL escape", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			sw, err := CheckPage(c.query)
			if c.want == "" {
				if err != nil || sw.Count() != c.runs {
					t.Fatalf("refused (%v) or %d runs, want %d taken", err, sw.Count(), c.runs)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestPagePreset: the page's preset is the same sweep in its JSON form (for the server's Start)
// as in its query form (for the page), with the server's estimate.
func TestPagePreset(t *testing.T) {
	p := pagePreset()
	fromJSON, err := sweep.Parse(p.Sweep)
	if err != nil {
		t.Fatal(err)
	}
	fromQuery, err := CheckPage(p.Link)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := fromJSON.Encode(), fromQuery.Encode(); a != b || p.Runs != 16 || fromJSON.Count() != 16 {
		t.Errorf("the JSON form is %s, the query form %s, %d runs; want one sweep of 16 runs", a, b, p.Runs)
	}
	want := fromJSON.Estimate()
	if len(p.Estimate) != len(want) || p.Estimate[0].Seconds != want[0].Seconds || p.Estimate[0].Seconds > PageMaxSeconds {
		t.Errorf("estimate %+v, want %+v (under %d s)", p.Estimate, want, PageMaxSeconds)
	}
}

// TestLocalView: a sweep in the page is summarised by sim/sweep's Summarize, and the view's
// status and table say what the server's answers would.
func TestLocalView(t *testing.T) {
	sw, err := CheckPage("kind=mlp&dataset=blobs&n=200&testN=100&iters=20&evalEvery=10&batch=20&width=8,16&seeds=1,2")
	if err != nil {
		t.Fatal(err)
	}
	l := newLocal(sw, nil)
	st := sweep.Status{Sweep: sw, Runs: l.runs}
	for _, i := range []int{0, 1} { // both seeds of width 8
		in, _ := json.Marshal(sw.Run(i))
		out, err := runJob(context.Background(), in, nil)
		if err != nil {
			t.Fatal(err)
		}
		l.runs[i].State, l.runs[i].Result = "done", out
	}
	l.runs[2].State = "running"
	status, tab := l.view()
	if got, want := status.ProgressText(), "2 of 4 runs done, 1 running, 1 queued."; got != want {
		t.Errorf("progress %q, want %q", got, want)
	}
	want := sweep.Summarize(st)
	a := want.Rows[0].Metrics["alpha"]
	if got := tab.Rows[0].Metrics["alpha"]; got.N != 2 || got.Mean != a.Mean || got.SD != a.SD || a.Mean <= 0 {
		t.Errorf("width 8: α̂ %+v, want %+v (over 2 seeds)", got, a)
	}
	if _, ok := tab.Rows[1].Metrics["alpha"]; ok {
		t.Error("width 16, with no run done, has an α̂")
	}
	if n := len(tab.Charts()); n == 0 {
		t.Error("no chart")
	}
	l.runs[2].State, l.runs[3].State = "cancelled", "failed"
	if status, _ := l.view(); !status.Finished || status.ProgressText() != "2 of 4 runs done, 0 running, 0 queued, 1 failed, 1 cancelled — finished." {
		t.Errorf("after the rest stopped: %q, finished %v", status.ProgressText(), status.Finished)
	}
}

// FuzzCheckPage: any link's query is refused with an error or gives a sweep a page may run:
// mlp runs on a synthetic dataset, at most PageMaxRuns of them within PageMaxSeconds.
func FuzzCheckPage(f *testing.F) {
	f.Add(PageQuery)
	f.Add("kind=mlp&dataset=spirals&width=8,16&depth=2,3&seeds=1,2,3")
	f.Add("kind=mlp&dataset=blobs,mnist&iters=10")
	f.Add("kind=stable&alpha=1.5,1.8")
	f.Add("%zz&kind=mlp")
	f.Fuzz(func(t *testing.T, query string) {
		sw, err := CheckPage(query)
		if err != nil {
			return
		}
		c := sweep.CPU.Cost(sw)
		if c.Runs > PageMaxRuns || c.Seconds > PageMaxSeconds {
			t.Fatalf("%q: taken with %d runs, %.0f s", query, c.Runs, c.Seconds)
		}
		for i := range sw.Count() {
			if err := pageSpec(sw.Run(i)); err != nil {
				t.Fatalf("%q: taken, but run %d: %v", query, i, err)
			}
		}
	})
}
