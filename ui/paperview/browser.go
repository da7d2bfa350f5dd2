package paperview

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/sweep"
	"github.com/tailscope/tailscope/ui/worker"
)

// A sweep in this browser: its runs go to Web Workers (ui/worker) as the job RunJob, a few at
// once, and the page summarises the results it gets back with sim/sweep's own Summarize, so the
// charts are the ones a server's sweep draws. The page reads the sweep from its query form (every
// preset's Link, the link's sweep) with sim/sweep's ParseQuery, which leaves the JSON form's
// parser out of main.wasm, and checks it first (CheckPage): only small sweeps on the synthetic
// datasets, which need no file from the server.

// RunJob is the worker job that runs one mlp run of a sweep: its input is the run's spec as JSON,
// its output the result's JSON exactly as the server records a run's result.
const RunJob = "paper-run"

func init() { worker.Handle(RunJob, runJob) }

func runJob(ctx context.Context, input []byte, report spec.Reporter) ([]byte, error) {
	s, err := spec.Parse(input)
	if err != nil {
		return nil, err
	}
	if err := pageSpec(s); err != nil {
		return nil, err
	}
	train, test, err := mlp.LoadData(s) // synthetic only (pageSpec): no file read
	if err != nil {
		return nil, err
	}
	res, err := mlp.RunOn(ctx, s, train, test, report)
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

// pageSpec refuses a run this page cannot make on its own.
func pageSpec(s spec.Spec) error {
	if s.Kind != "mlp" {
		return fmt.Errorf("a sweep in this browser runs mlp runs, not %s runs", s.Kind)
	}
	if d := s.Text("dataset"); d != string(spec.DatasetBlobs) && d != string(spec.DatasetSpirals) {
		return fmt.Errorf("its dataset, %s, is read from the server's files; a sweep in this browser trains on the synthetic datasets (blobs, spirals)", d)
	}
	return nil
}

// The most a sweep in this browser may ask: its runs, and their estimated time on one CPU
// worker (sweep.CPU's reference speeds).
const (
	PageMaxRuns    = 32
	PageMaxSeconds = 300
)

// CheckPage reads a sweep from its query form and refuses it, with its numbers, where a page
// should not run it: too many runs, too long, or on data the server holds.
func CheckPage(query string) (sweep.Sweep, error) {
	q, err := url.ParseQuery(query)
	if err != nil {
		return sweep.Sweep{}, err
	}
	sw, err := sweep.ParseQuery(q)
	if err != nil {
		return sw, err
	}
	for i := range sw.Count() {
		if err := pageSpec(sw.Run(i)); err != nil {
			return sw, err
		}
	}
	if c := sweep.CPU.Cost(sw); c.Runs > PageMaxRuns || c.Seconds > PageMaxSeconds {
		return sw, fmt.Errorf("it has %d runs, about %s on one worker; a sweep in this browser may have at most %d runs and %s",
			c.Runs, Human(c.Seconds), PageMaxRuns, Human(PageMaxSeconds))
	}
	return sw, nil
}

// PageQuery is the preset sized for a page, in sim/sweep's query form: blobs, widths 8 … 64,
// depths 2 and 3, 2 seeds, 300 steps of b = 50 on 1000 points, the noise measured every 150.
const PageQuery = "kind=mlp&dataset=blobs&n=1000&testN=200&batch=50&iters=300&evalEvery=150&width=8,16,32,64&depth=2,3&seeds=1,2"

// pagePreset is PageQuery as a preset of the view, listed before the server's (it needs none).
func pagePreset() Preset {
	sw, err := CheckPage(PageQuery)
	if err != nil {
		panic("paperview: the page's preset: " + err.Error())
	}
	q, _ := url.ParseQuery(PageQuery)
	body, err := LinkSweep(q)
	if err != nil {
		panic("paperview: the page's preset: " + err.Error())
	}
	p := Preset{Name: "page", Label: "A grid for this browser", Sweep: body, Link: PageQuery, Runs: sw.Count(),
		Help: "Blobs (3 Gaussian blobs in the plane, 1000 points), width 8 … 64 × depth 2, 3 × 2 seeds, 300 steps of b = 50, the noise measured every 150: small enough to run in this page's Web Workers, no server needed."}
	for _, c := range sw.Estimate() {
		p.Estimate = append(p.Estimate, Cost{Backend: c.Backend, Runs: c.Runs, Seconds: c.Seconds, Longest: c.Longest})
	}
	return p
}

// local is a sweep running in this page: its runs and their results, as a server keeps them.
// The sweep itself stays inside summarize's closure: a field of type sweep.Sweep would make the
// linker keep its JSON methods, and with them the JSON form's parser, for the View's reflection.
type local struct {
	runs      []sweep.RunStatus
	summarize func([]sweep.RunStatus) sweep.Table
	body      json.RawMessage // the sweep's JSON form
}

func newLocal(sw sweep.Sweep, body json.RawMessage) *local {
	l := &local{runs: make([]sweep.RunStatus, sw.Count()), body: body,
		summarize: func(runs []sweep.RunStatus) sweep.Table { return sweep.Summarize(sweep.Status{Sweep: sw, Runs: runs}) }}
	for i := range l.runs {
		l.runs[i] = sweep.RunStatus{Index: i, State: "queued"}
	}
	return l
}

// view returns the status and table the view shows, in the form of the server's answers.
func (l *local) view() (*Status, *Table) { return l.status(), l.table() }

// status is the sweep's status alone: what a run's start changes (the table, which summarises
// every finished run's result, changes only when a run finishes).
func (l *local) status() *Status {
	st := &Status{Sweep: l.body, Counts: map[string]int{}, Finished: true}
	for _, r := range l.runs {
		st.Counts[r.State]++
		st.Finished = st.Finished && (r.State == "done" || r.State == "failed" || r.State == "cancelled")
		st.Runs = append(st.Runs, struct {
			State string `json:"state"`
			Error string `json:"error,omitempty"`
		}{r.State, r.Error})
	}
	return st
}

// table summarises the finished runs' results.
func (l *local) table() *Table {
	t := l.summarize(l.runs)
	tab := &Table{Params: t.Params, Metrics: t.Metrics, Rows: make([]Row, len(t.Rows))}
	for i, r := range t.Rows {
		tab.Rows[i] = Row{Values: r.Values, Metrics: map[string]Stat{}}
		for k, m := range r.Metrics {
			tab.Rows[i].Metrics[k] = Stat(m)
		}
	}
	return tab
}
