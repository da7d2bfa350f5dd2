package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tailscope/tailscope/server/internal/runexec/runexectest"
	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
)

// backend is a test double of run.Backend: it calls fn.
type backend struct {
	fn func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error)
}

func (b backend) Run(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
	return b.fn(ctx, s, p)
}

// echo reports three progress steps and returns the seed: a run whose result is known.
var echo = backend{func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
	for i := 1; i <= 3; i++ {
		p.Report(spec.Progress{Fraction: float64(i) / 4, Message: "step", Partial: []int{i}})
	}
	return map[string]uint64{"seed": s.Seed}, nil
}}

// block waits for ctx or for release to be closed.
func block(release chan struct{}) backend {
	return backend{func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
		p.Report(spec.Progress{Fraction: 0.5})
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-release:
			return "released", nil
		}
	}}
}

func newManager(t *testing.T, cfg Config) *Manager {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = new(store.Memory)
	}
	cfg.Logf = t.Logf
	m, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		m.Shutdown(ctx)
	})
	return m
}

// wait watches run id until it is finished and returns its last record.
func wait(t *testing.T, m *Manager, id string) store.Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ch, err := m.Watch(ctx, id)
	if err != nil {
		t.Fatalf("Watch(%s): %v", id, err)
	}
	var last store.Run
	for r := range ch {
		last = r
	}
	if ctx.Err() != nil {
		t.Fatalf("run %s did not finish within 10 s; last record %+v", id, last)
	}
	return last
}

func TestRunDone(t *testing.T) {
	st := new(store.Memory)
	m := newManager(t, Config{Backend: echo, Store: st, Workers: 2})
	ctx := context.Background()
	r, err := m.Submit(ctx, spec.MustNew("stable", 42))
	if err != nil {
		t.Fatal(err)
	}
	if r.State != store.Queued || !store.ValidID(r.ID) {
		t.Errorf("Submit = state %q id %q, want queued with a valid id", r.State, r.ID)
	}
	got := wait(t, m, r.ID)
	if got.State != store.Done || got.Progress != 1 || string(got.Result) != `{"seed":42}` {
		t.Errorf("finished run = state %q progress %v result %s, want done 1 {\"seed\":42}", got.State, got.Progress, got.Result)
	}
	saved, err := st.GetRun(ctx, r.ID)
	if err != nil || saved.State != store.Done || string(saved.Result) != `{"seed":42}` {
		t.Errorf("stored run = %+v, %v; want done with result {\"seed\":42}", saved, err)
	}
	if g, err := m.Get(ctx, r.ID); err != nil || g.State != store.Done {
		t.Errorf("Get after the run = %q, %v; want done", g.State, err)
	}
}

// TestWatchSeesProgress checks that a watcher sees a running run's progress and
// partial result, and then its end.
func TestWatchSeesProgress(t *testing.T) {
	step := make(chan struct{})
	b := backend{func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
		p.Report(spec.Progress{Fraction: 0.25, Message: "a quarter", Partial: []float64{1.5}})
		<-step
		return 7, nil
	}}
	m := newManager(t, Config{Backend: b, Workers: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := m.Submit(ctx, spec.MustNew("stable", 1))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := m.Watch(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	sawQuarter := false
	for rec := range ch {
		if rec.State == store.Running && rec.Progress == 0.25 {
			if rec.Message != "a quarter" || string(rec.Partial) != "[1.5]" {
				t.Errorf("progress record: message %q partial %s, want \"a quarter\" [1.5]", rec.Message, rec.Partial)
			}
			if !sawQuarter {
				close(step)
			}
			sawQuarter = true
		}
		if rec.State.Terminal() {
			if rec.State != store.Done || string(rec.Result) != "7" {
				t.Errorf("last record: %q %s, want done 7", rec.State, rec.Result)
			}
		}
	}
	if !sawQuarter {
		t.Error("the watcher never saw progress 0.25")
		close(step)
	}
}

// TestWatchEndsWithItsContext checks that a watcher whose context ends before the run does gets
// its channel closed: a reader ranging over it stops instead of waiting for the run forever.
func TestWatchEndsWithItsContext(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	m := newManager(t, Config{Backend: block(release), Workers: 1})
	r, err := m.Submit(context.Background(), spec.MustNew("stable", 1))
	if err != nil {
		t.Fatal(err)
	}
	if last := runexectest.LastBeforeContextEnds(t, m, r.ID); last.ID != r.ID || last.State.Terminal() {
		t.Errorf("last record before the close: %s %q, want run %s not finished", last.ID, last.State, r.ID)
	}
}

func TestQueueFull(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	m := newManager(t, Config{Backend: block(release), Workers: 1, QueueSize: 2, RetryAfter: 3 * time.Second})
	ctx := context.Background()
	first, err := m.Submit(ctx, spec.MustNew("stable", 1))
	if err != nil {
		t.Fatal(err)
	}
	// Wait until the worker has taken the first run, so that the queue is empty.
	waitState(t, m, first.ID, store.Running)
	for i := range 2 {
		if _, err := m.Submit(ctx, spec.MustNew("stable", uint64(i))); err != nil {
			t.Fatalf("Submit #%d into a queue of 2: %v", i+2, err)
		}
	}
	_, err = m.Submit(ctx, spec.MustNew("stable", 9))
	var full *QueueFullError
	if !errors.As(err, &full) || full.RetryAfter() != 3*time.Second {
		t.Fatalf("Submit into a full queue: err = %v, want *QueueFullError with RetryAfter 3s", err)
	}
	if s := m.Stats(); s.Queued != 2 || s.Running != 1 {
		t.Errorf("Stats = %+v, want 2 queued and 1 running", s)
	}
}

func waitState(t *testing.T, m *Manager, id string, want store.State) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := m.Get(context.Background(), id)
		if err == nil && r.State == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s: state %q (err %v) after 10 s, want %q", id, r.State, err, want)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestCancel(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	st := new(store.Memory)
	m := newManager(t, Config{Backend: block(release), Store: st, Workers: 1})
	ctx := context.Background()
	running, _ := m.Submit(ctx, spec.MustNew("stable", 1))
	waitState(t, m, running.ID, store.Running)
	queued, _ := m.Submit(ctx, spec.MustNew("stable", 2))

	tests := []struct {
		name, id string
		msg      string
	}{
		{"queued", queued.ID, "cancelled before it started"},
		{"running", running.ID, "cancelled while running"},
		{"again", running.ID, "cancelled while running"}, // cancelling a finished run changes nothing
	}
	for _, tt := range tests {
		got, err := m.Cancel(ctx, tt.id)
		if err != nil || got.State != store.Cancelled || got.Message != tt.msg {
			t.Errorf("%s: Cancel = %q %q, %v; want cancelled %q", tt.name, got.State, got.Message, err, tt.msg)
		}
		if saved, _ := st.GetRun(ctx, tt.id); saved.State != store.Cancelled {
			t.Errorf("%s: stored state %q, want cancelled", tt.name, saved.State)
		}
	}
	if _, err := m.Cancel(ctx, store.NewID()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Cancel of an unknown id: err = %v, want ErrNotFound", err)
	}
	if s := m.Stats(); s.Queued != 0 || s.Running != 0 {
		t.Errorf("Stats after cancelling everything = %+v, want nothing queued or running", s)
	}
}

// TestLimits checks the ways a run fails: time limit, panic, oversized result, error.
func TestLimits(t *testing.T) {
	tests := []struct {
		name    string
		fn      func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error)
		wantErr string
	}{
		{"time limit", func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
			p(spec.Progress{Fraction: 0.1, Message: "started"})
			<-ctx.Done()
			return nil, ctx.Err()
		}, "time limit of 50ms"},
		{"panic", func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
			var m map[string]int
			m["x"] = 1
			return nil, nil
		}, "internal error in the stable runner"},
		{"big result", func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
			return strings.Repeat("x", 2000), nil
		}, "more than the 1000 allowed"},
		{"not JSON", func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
			return func() {}, nil
		}, "could not be encoded as JSON"},
		{"error", func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
			return nil, errors.New("the landscape has no minimum")
		}, "the landscape has no minimum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newManager(t, Config{Backend: backend{tt.fn}, Workers: 1, MaxRunTime: 50 * time.Millisecond, MaxResultBytes: 1000})
			r, err := m.Submit(context.Background(), spec.MustNew("stable", 1))
			if err != nil {
				t.Fatal(err)
			}
			got := wait(t, m, r.ID)
			if got.State != store.Failed || !strings.Contains(got.Error, tt.wantErr) || got.Result != nil {
				t.Errorf("run = state %q error %q result %s; want failed, error containing %q, no result", got.State, got.Error, got.Result, tt.wantErr)
			}
			if got.Message == "started" || got.Message == "" {
				t.Errorf("a failed run's message is %q; want one that says it stopped", got.Message)
			}
		})
	}
}

func TestSubmitInvalid(t *testing.T) {
	m := newManager(t, Config{Backend: echo, Workers: 1})
	s := spec.MustNew("stable", 1)
	s.Params["k1"] = spec.Value{Num: 6000} // more than n/2 = 5000
	_, err := m.Submit(context.Background(), s)
	var fe *spec.FieldError
	if !errors.As(err, &fe) || fe.Field != "k1" {
		t.Errorf("Submit(k1 = 6000, n = 10000): err = %v, want a FieldError on k1", err)
	}
}

// TestRecover checks what a new Manager does with the runs a dead process left.
func TestRecover(t *testing.T) {
	ctx := context.Background()
	st := new(store.Memory)
	specJSON, _ := json.Marshal(spec.MustNew("stable", 5))
	t0 := time.Now().UTC()
	put := func(state store.State, restarts int, sp string) string {
		r := store.Run{ID: store.NewID(), Spec: json.RawMessage(sp), State: state, Progress: 0.5, Restarts: restarts, Created: t0}
		if err := st.PutRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	queued := put(store.Queued, 0, string(specJSON))
	crashed := put(store.Running, 0, string(specJSON))
	crashLoop := put(store.Running, DefaultMaxRestarts, string(specJSON))
	badSpec := put(store.Queued, 0, `{"kind":"gone"}`)
	var started atomic.Int32
	b := backend{func(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
		started.Add(1)
		return s.Seed, nil
	}}
	m := newManager(t, Config{Backend: b, Store: st, Workers: 1})
	tests := []struct {
		name, id string
		state    store.State
		result   string
		restarts int
		errText  string
	}{
		{"queued", queued, store.Done, "5", 0, ""},
		{"crashed while running", crashed, store.Done, "5", 1, ""},
		{"crashed too often", crashLoop, store.Failed, "", DefaultMaxRestarts, "stopped during this run 3 times"},
		{"unreadable spec", badSpec, store.Failed, "", 0, "can no longer read this run's spec"},
	}
	for _, tt := range tests {
		got := wait(t, m, tt.id)
		if got.State != tt.state || string(got.Result) != tt.result || got.Restarts != tt.restarts || !strings.Contains(got.Error, tt.errText) {
			t.Errorf("%s: run = state %q result %s restarts %d error %q; want %q %s %d error containing %q",
				tt.name, got.State, got.Result, got.Restarts, got.Error, tt.state, tt.result, tt.restarts, tt.errText)
		}
	}
	if n := started.Load(); n != 2 {
		t.Errorf("the backend started %d runs, want 2 (the queued and the crashed one)", n)
	}
}

// TestShutdownResumes checks that a run still working when the grace period of a
// shutdown ends is stored as queued, with its progress, and completed by the next Manager.
func TestShutdownResumes(t *testing.T) {
	ctx := context.Background()
	st := new(store.Memory)
	release := make(chan struct{})
	m, err := New(ctx, Config{Backend: block(release), Store: st, Workers: 1, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := m.Submit(ctx, spec.MustNew("stable", 1))
	waitState(t, m, r.ID, store.Running)
	queued, _ := m.Submit(ctx, spec.MustNew("stable", 2))
	grace, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := m.Shutdown(grace); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with a run still working: err = %v, want DeadlineExceeded", err)
	}
	if _, err := m.Submit(ctx, spec.MustNew("stable", 3)); !errors.Is(err, ErrClosed) {
		t.Errorf("Submit after Shutdown: err = %v, want ErrClosed", err)
	}
	for _, id := range []string{r.ID, queued.ID} {
		saved, _ := st.GetRun(ctx, id)
		if saved.State != store.Queued {
			t.Errorf("run %s after shutdown: stored state %q, want queued", id, saved.State)
		}
	}
	if saved, _ := st.GetRun(ctx, r.ID); saved.Progress != 0.5 || !strings.Contains(saved.Message, "interrupted by a server shutdown") {
		t.Errorf("interrupted run: stored progress %v message %q, want 0.5 and a message saying it was interrupted", saved.Progress, saved.Message)
	}
	close(release) // the next process's backend finishes at once
	m2 := newManager(t, Config{Backend: block(release), Store: st, Workers: 1})
	for _, id := range []string{r.ID, queued.ID} {
		if got := wait(t, m2, id); got.State != store.Done || string(got.Result) != `"released"` {
			t.Errorf("run %s after restart: %q %s, want done \"released\"", id, got.State, got.Result)
		}
	}
}

// TestQueueBoundConcurrent submits from many goroutines at once into a queue of 5 whose
// only worker is busy: exactly 5 are accepted and the rest refused, whatever the timing.
func TestQueueBoundConcurrent(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	m := newManager(t, Config{Backend: block(release), Workers: 1, QueueSize: 5})
	ctx := context.Background()
	first, _ := m.Submit(ctx, spec.MustNew("stable", 0))
	waitState(t, m, first.ID, store.Running)
	var accepted, refused atomic.Int32
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			_, err := m.Submit(ctx, spec.MustNew("stable", uint64(i+1)))
			var full *QueueFullError
			switch {
			case err == nil:
				accepted.Add(1)
			case errors.As(err, &full):
				refused.Add(1)
			default:
				t.Errorf("Submit: %v", err)
			}
		})
	}
	wg.Wait()
	if a, r := accepted.Load(), refused.Load(); a != 5 || r != 35 {
		t.Errorf("40 concurrent Submits into a queue of 5: %d accepted, %d refused; want 5 and 35", a, r)
	}
}

// named is a backend that says which device runs a spec.
type named struct{ backend }

func (named) Name(s spec.Spec) string { return "cuda: Test GPU (" + s.Kind + ")" }

// TestRunRan: a finished run's record says which backend and device ran it and how long.
func TestRunRan(t *testing.T) {
	tests := []struct {
		name   string
		b      run.Backend
		prefix string
	}{
		{"named backend", named{echo}, "cuda: Test GPU (stable), "},
		{"unnamed backend", echo, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := new(store.Memory)
			m := newManager(t, Config{Backend: tt.b, Store: st, Workers: 1})
			r, err := m.Submit(context.Background(), spec.MustNew("stable", 42))
			if err != nil {
				t.Fatal(err)
			}
			got := wait(t, m, r.ID)
			if tt.prefix == "" {
				if got.Ran != "" {
					t.Fatalf("Ran = %q for a backend without a name", got.Ran)
				}
				return
			}
			if !strings.HasPrefix(got.Ran, tt.prefix) || !strings.HasSuffix(got.Ran, " s") {
				t.Fatalf("Ran = %q, want %q then seconds", got.Ran, tt.prefix)
			}
			saved, _ := st.GetRun(context.Background(), r.ID)
			if saved.Ran != got.Ran {
				t.Fatalf("stored Ran %q, record %q", saved.Ran, got.Ran)
			}
		})
	}
}
