package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/tailscope/tailscope/server/internal/runexec/runexectest"
	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/sweep"
)

// timedBackend stands in for a runner whose duration the test controls: a "stable" spec runs
// for n milliseconds, reporting progress, and returns its seed and n; other specs run on the CPU.
type timedBackend struct {
	calls atomic.Int64
	panic bool
}

func (b *timedBackend) Run(ctx context.Context, s spec.Spec, progress spec.Reporter) (any, error) {
	b.calls.Add(1)
	if s.Kind != "stable" {
		return run.CPU{Workers: 1}.Run(ctx, s, progress)
	}
	if b.panic {
		panic("a runner bug")
	}
	d := time.Duration(int(s.Get("n").Num)) * time.Millisecond
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		progress.Report(spec.Progress{Fraction: 1 - time.Until(end).Seconds()/d.Seconds(), Message: "working"})
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-time.After(min(time.Until(end), 20*time.Millisecond)):
		}
	}
	return map[string]any{"seed": s.Seed, "n": int(s.Get("n").Num)}, nil
}

func timed(t *testing.T, millis int, seed uint64) spec.Spec {
	t.Helper()
	s := spec.MustNew("stable", seed)
	if err := s.Set("n", float64(millis)); err != nil {
		t.Fatal(err)
	}
	return s
}

// fixture is one test's NATS server and store. Every test has its own, so the tests run in
// parallel (t.Parallel): most of their time is spent waiting on timers (ack waits, retries,
// heartbeats, a stopping worker's last pull), little of it on the CPU.
type fixture struct {
	emb   *Embedded
	store store.Store
	setup Setup
}

func newFixture(t testing.TB, setup Setup) *fixture {
	t.Helper()
	emb, err := StartEmbedded(t.TempDir(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	return &fixture{emb: emb, store: new(store.Memory), setup: setup}
}

func (f *fixture) conn(t testing.TB) *nats.Conn {
	t.Helper()
	nc, err := f.emb.Connect(t.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

func (f *fixture) engine(t testing.TB) *Engine {
	t.Helper()
	e, err := New(context.Background(), Config{Store: f.store, Conn: f.conn(t), Setup: f.setup, SaveEvery: 50 * time.Millisecond, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// worker starts a worker with slots; the returned function stops it and waits.
func (f *fixture) worker(t testing.TB, b run.Backend, slots int, name string) (*Worker, func()) {
	t.Helper()
	w, cancel, done := startWorker(t, f.conn(t), b, slots, name)
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	return w, stop
}

// startWorker runs a worker on nc until cancel is called; done is closed when it has stopped.
func startWorker(t testing.TB, nc *nats.Conn, b run.Backend, slots int, name string) (w *Worker, cancel context.CancelFunc, done <-chan struct{}) {
	w = &Worker{Conn: nc, Backend: b, Slots: slots, Name: name, ProgressEvery: 10 * time.Millisecond, Logf: t.Logf}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		if err := w.Run(ctx); err != nil {
			t.Errorf("worker %s: %v", name, err)
		}
	}()
	return w, cancel, stopped
}

// waitUntil polls cond every 10 ms until it holds, and fails t (saying what it waited for) if it
// does not within 10 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
	}
}

func waitFinal(t *testing.T, e *Engine, id string, within time.Duration) store.Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	ch, err := e.Watch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var last store.Run
	for r := range ch {
		last = r
	}
	if !last.State.Terminal() {
		t.Fatalf("run %s still %s after %v (%s)", id, last.State, within, last.Message)
	}
	return last
}

func TestRunsAreRecordedOnceWithTheirResults(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Setup{})
	e := f.engine(t)
	f.worker(t, &timedBackend{}, 2, "w1")
	f.worker(t, &timedBackend{}, 2, "w2")
	// Real runs of the CPU backend, compared with the same specs run directly.
	var specs []spec.Spec
	for seed := range uint64(6) {
		s := spec.MustNew("mlp", seed)
		for name, v := range map[string]float64{"n": 200, "testN": 100, "width": 8, "iters": 20, "evalEvery": 10, "batch": 20} {
			if err := s.Set(name, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetChoice("dataset", "blobs"); err != nil {
			t.Fatal(err)
		}
		specs = append(specs, s)
	}
	ids := make([]string, len(specs))
	for i, s := range specs {
		r, err := e.Submit(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = r.ID
	}
	for i, id := range ids {
		r := waitFinal(t, e, id, 30*time.Second)
		if r.State != store.Done {
			t.Fatalf("run %d: %s %s", i, r.State, r.Error)
		}
		want, err := run.CPU{Workers: 1}.Run(context.Background(), specs[i], nil)
		if err != nil {
			t.Fatal(err)
		}
		wantJSON, _ := json.Marshal(want)
		if string(r.Result) != string(wantJSON) {
			t.Errorf("run %d: the engine's result differs from a direct run (%d and %d bytes)", i, len(r.Result), len(wantJSON))
		}
		stored, err := f.store.GetRun(context.Background(), id)
		if err != nil || stored.State != store.Done || string(stored.Result) != string(wantJSON) {
			t.Errorf("run %d: the store holds %s, %v", i, stored.State, err)
		}
	}
	st := e.Stats()
	if st.Recorded != int64(len(specs)) || st.Duplicates != 0 || st.Unfinished != 0 {
		t.Errorf("stats %+v, want %d recorded, no duplicates, none unfinished", st, len(specs))
	}
	// The results were moved into the store: the object store keeps nothing. The engine
	// deletes a result just after recording its run, so the last one may still be there for
	// a moment after the run reads Done. Each List has a deadline of its own: List waits for its
	// watcher's end-of-initial-values marker, which a delete racing with the watcher's start can
	// keep from coming (a List without one hung this test for over 6 minutes once, nats.go v1.56).
	var objs []*jetstream.ObjectInfo
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		var err error
		objs, err = e.res.results.List(ctx)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && time.Now().Before(deadline) {
			continue
		}
		if err != nil && err != jetstream.ErrNoObjectsFound {
			t.Fatalf("listing the results' object store: %v", err)
		}
		if len(objs) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(objs) != 0 {
		t.Errorf("%d results left in the object store", len(objs))
	}
}

func TestHeartbeatsKeepLongRunsFromRedelivery(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Setup{AckWait: 300 * time.Millisecond})
	e := f.engine(t)
	b := &timedBackend{}
	f.worker(t, b, 1, "w1")
	f.worker(t, b, 1, "w2")
	r, err := e.Submit(context.Background(), timed(t, 1500, 1)) // 5 ack waits
	if err != nil {
		t.Fatal(err)
	}
	if got := waitFinal(t, e, r.ID, 20*time.Second); got.State != store.Done {
		t.Fatalf("%s: %s", got.State, got.Error)
	}
	if n := b.calls.Load(); n != 1 || e.Stats().Redelivered != 0 {
		t.Errorf("the run was executed %d times, redelivered %d times; want once, never", n, e.Stats().Redelivered)
	}
}

// TestWatchEndsWithItsContext: a watcher whose context ends before the run does (here a run no
// worker takes) gets its channel closed, so that a reader ranging over it stops.
func TestWatchEndsWithItsContext(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Setup{})
	e := f.engine(t)
	r, err := e.Submit(context.Background(), timed(t, 100, 1))
	if err != nil {
		t.Fatal(err)
	}
	if last := runexectest.LastBeforeContextEnds(t, e, r.ID); last.ID != r.ID || last.State != store.Queued {
		t.Errorf("last record before the close: %s %q, want run %s queued", last.ID, last.State, r.ID)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	t.Run("running", func(t *testing.T) {
		f := newFixture(t, Setup{})
		e := f.engine(t)
		w, _ := f.worker(t, &timedBackend{}, 1, "w1")
		r, err := e.Submit(context.Background(), timed(t, 60_000, 1))
		if err != nil {
			t.Fatal(err)
		}
		waitState(t, e, r.ID, store.Running)
		start := time.Now()
		got, err := e.Cancel(context.Background(), r.ID)
		if err != nil || got.State != store.Cancelled {
			t.Fatalf("Cancel = %s, %v", got.State, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("cancelling took %v", d)
		}
		if n := executedSoon(w, 1); !strings.Contains(got.Message, "while running") || n != 1 {
			t.Errorf("message %q, executed %d", got.Message, n)
		}
	})
	t.Run("queued", func(t *testing.T) {
		f := newFixture(t, Setup{})
		e := f.engine(t)
		r, err := e.Submit(context.Background(), timed(t, 100, 1))
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.Cancel(context.Background(), r.ID)
		if err != nil || got.State != store.Cancelled {
			t.Fatalf("Cancel = %s, %v", got.State, err)
		}
		b := &timedBackend{}
		f.worker(t, b, 1, "late")
		// The worker takes the message and drops it: the stream empties, nothing runs.
		waitStreamEmpty(t, e)
		if b.calls.Load() != 0 {
			t.Errorf("a cancelled run was executed")
		}
	})
}

func waitState(t *testing.T, e *Engine, id string, want store.State) {
	t.Helper()
	waitUntil(t, fmt.Sprintf("run %s to become %s", id, want), func() bool {
		r, _ := e.Get(context.Background(), id)
		return r.State == want
	})
}

func waitStreamEmpty(t *testing.T, e *Engine) {
	t.Helper()
	s, err := e.res.js.Stream(context.Background(), WorkStream)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the work stream to empty", func() bool {
		info, err := s.Info(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return info.State.Msgs == 0
	})
}

func TestFailures(t *testing.T) {
	t.Parallel()
	t.Run("a panicking runner fails its run once", func(t *testing.T) {
		f := newFixture(t, Setup{})
		e := f.engine(t)
		b := &timedBackend{panic: true}
		f.worker(t, b, 1, "w1")
		r, err := e.Submit(context.Background(), timed(t, 100, 1))
		if err != nil {
			t.Fatal(err)
		}
		got := waitFinal(t, e, r.ID, 10*time.Second)
		if got.State != store.Failed || !strings.Contains(got.Error, "internal error in the stable runner: a runner bug") || b.calls.Load() != 1 {
			t.Fatalf("%s %q after %d calls", got.State, got.Error, b.calls.Load())
		}
	})
	t.Run("a run whose workers die is failed after MaxAttempt deliveries", func(t *testing.T) {
		f := newFixture(t, Setup{AckWait: 200 * time.Millisecond, MaxAttempt: 2})
		e := f.engine(t)
		r, err := e.Submit(context.Background(), timed(t, 100, 1))
		if err != nil {
			t.Fatal(err)
		}
		// A worker that takes the run and dies (never acks), twice.
		cons, err := e.res.js.Consumer(context.Background(), WorkStream, workersPrefix+DefaultBackend)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			m, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
			if err != nil {
				t.Fatalf("delivery %d: %v", i+1, err)
			}
			if md, _ := m.Metadata(); md.NumDelivered != uint64(i+1) {
				t.Fatalf("delivery %d numbered %d", i+1, md.NumDelivered)
			}
		}
		b := &timedBackend{}
		f.worker(t, b, 1, "w3")
		got := waitFinal(t, e, r.ID, 10*time.Second)
		if got.State != store.Failed || !strings.Contains(got.Error, "delivered 2 times") || b.calls.Load() != 0 {
			t.Fatalf("%s %q, executed %d times", got.State, got.Error, b.calls.Load())
		}
		waitStreamEmpty(t, e)
	})
}

// TestLateResult is a done event read before its result can be: on a cluster the object store
// answers from any replica, and one that lags has not got the result yet. The run must wait for
// it, not fail.
func TestLateResult(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Setup{})
	e := f.engine(t)
	ctx := context.Background()
	r, err := e.Submit(ctx, timed(t, 100, 1))
	if err != nil {
		t.Fatal(err)
	}
	// A worker that takes the run and reports it done, its result not yet readable.
	cons, err := e.res.js.Consumer(ctx, WorkStream, workersPrefix+DefaultBackend)
	if err != nil {
		t.Fatal(err)
	}
	m, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(event{ID: r.ID, Type: evDone, Attempt: 1, Worker: "lagging"})
	if _, err := e.res.js.Publish(ctx, eventPrefix+r.ID, data); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2*resultRetryDelay + resultRetryDelay/2)
	if got, _ := e.Get(ctx, r.ID); got.State.Terminal() {
		t.Fatalf("recorded %s (%q) before its result could be read", got.State, got.Error)
	}
	if _, err := e.res.results.PutBytes(ctx, r.ID, []byte(`{"late":true}`)); err != nil {
		t.Fatal(err)
	}
	m.Ack()
	got := waitFinal(t, e, r.ID, 10*time.Second)
	if got.State != store.Done || string(got.Result) != `{"late":true}` {
		t.Fatalf("%s %q, result %s: want done with the late result", got.State, got.Error, got.Result)
	}
}

func TestRestartQueuesNothingTwice(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Setup{})
	e1 := f.engine(t)
	var ids []string
	for seed := range uint64(10) {
		r, err := e1.Submit(context.Background(), timed(t, 100, seed))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	e1.Close()
	e2 := f.engine(t) // queues the 10 unfinished runs again
	s, _ := e2.res.js.Stream(context.Background(), WorkStream)
	info, _ := s.Info(context.Background())
	if info.State.Msgs != 10 {
		t.Fatalf("the work stream holds %d messages after a restart, want 10", info.State.Msgs)
	}
	b := &timedBackend{}
	f.worker(t, b, 2, "w")
	for _, id := range ids {
		if r := waitFinal(t, e2, id, 20*time.Second); r.State != store.Done {
			t.Fatalf("%s %s", r.State, r.Error)
		}
	}
	if b.calls.Load() != 10 {
		t.Errorf("%d executions for 10 runs", b.calls.Load())
	}
}

func TestSweep(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Setup{})
	e := f.engine(t)
	f.worker(t, &timedBackend{}, 3, "w")
	sw, err := sweep.ParseArg("kind=stable&n=100,200,300&seeds=1,2")
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.SubmitSweep(context.Background(), sw)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Runs) != 6 {
		t.Fatalf("%d runs", len(st.Runs))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ch, err := e.WatchSweep(ctx, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	final := map[int]string{}
	for batch := range ch {
		for _, r := range batch {
			final[r.Index] = r.State
		}
	}
	for i := range 6 {
		if final[i] != "done" {
			t.Errorf("the watch saw run %d end %q", i, final[i])
		}
	}
	got, err := e.GetSweep(context.Background(), st.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Finished || got.Counts["done"] != 6 {
		t.Fatalf("counts %v", got.Counts)
	}
	for i, r := range got.Runs {
		want := fmt.Sprintf(`{"n":%d,"seed":%d}`, 100*(i/2+1), i%2+1)
		if string(r.Result) != want || r.Label != sw.Label(i) {
			t.Errorf("run %d (%s): result %s, want %s", i, r.Label, r.Result, want)
		}
	}
	if _, err := e.GetSweep(context.Background(), "AAAAAAAAAAAAAAAA", false); err == nil {
		t.Error("an unknown sweep was found")
	}
	// Budgets refuse with the numbers.
	e.SetSweepBudget(sweep.Budget{MaxRuns: 5})
	if _, err := e.SubmitSweep(context.Background(), sw); err == nil || !strings.Contains(err.Error(), "6 runs, more than the 5") {
		t.Errorf("over budget: %v", err)
	}
}

func TestCancelSweep(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Setup{})
	e := f.engine(t)
	w, _ := f.worker(t, &timedBackend{}, 1, "w")
	sw, err := sweep.ParseArg("kind=stable&n=60000&seeds=1,2,3,4")
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.SubmitSweep(context.Background(), sw)
	if err != nil {
		t.Fatal(err)
	}
	// The runs are published concurrently: any of them may be the one that starts.
	waitUntil(t, "a run of the sweep to start", func() bool {
		got, err := e.GetSweep(context.Background(), st.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		return got.Counts["running"] == 1
	})
	if _, err := e.CancelSweep(context.Background(), st.ID); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, r := range st.Runs {
		wg.Go(func() {
			if got := waitFinal(t, e, r.ID, 10*time.Second); got.State != store.Cancelled {
				t.Errorf("run %d: %s", r.Index, got.State)
			}
		})
	}
	wg.Wait()
	// Wait for the running run to be counted, then give a wrongly started queued run time to
	// be counted too.
	executedSoon(w, 1)
	time.Sleep(200 * time.Millisecond)
	if n := w.Executed.Load(); n != 1 {
		t.Errorf("%d runs were executed; only the first had started", n)
	}
}

// executedSoon returns w.Executed once it reaches want, or after 10 s. A worker counts a run
// after it has reported it, so the count may lag the state the engine records from that
// report (a cancelled run reads Cancelled at once).
func executedSoon(w *Worker, want int64) int64 {
	for deadline := time.Now().Add(10 * time.Second); w.Executed.Load() < want && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	return w.Executed.Load()
}

// TestAStoppingWorkerHandsBackWhatItsLastPullBrings: a run queued while a worker is stopping,
// delivered to that worker's last pull request, goes to another worker at once (attempt 2),
// not after the ack wait (30 s here). The worker keeps its pull until the NATS server expires
// it: a pull the client withdraws can still receive a run at the server for an instant (the
// withdrawal not yet processed under load), and that run was lost until the ack wait passed.
func TestAStoppingWorkerHandsBackWhatItsLastPullBrings(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Setup{AckWait: 30 * time.Second})
	e := f.engine(t)
	b := &timedBackend{}
	// Over TCP, as the worker command connects.
	nc, err := Dial(f.emb.URL, "first", Credentials{Token: f.emb.Token})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	first, cancel, done := startWorker(t, nc, b, 1, "first")
	cons, err := e.res.js.Consumer(context.Background(), WorkStream, workersPrefix+DefaultBackend)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the first worker's pull request at the server", func() bool {
		ci, err := cons.Info(context.Background())
		return err == nil && ci.NumWaiting > 0
	})
	cancel()
	// Its pull is the only one at the server: the run is delivered to it.
	start := time.Now()
	r, err := e.Submit(context.Background(), timed(t, 100, 1))
	if err != nil {
		t.Fatal(err)
	}
	<-done
	f.worker(t, b, 1, "second")
	got := waitFinal(t, e, r.ID, 10*time.Second)
	t.Logf("%s %v after it was queued: %s", got.State, time.Since(start).Round(time.Millisecond), got.Message)
	if got.State != store.Done {
		t.Fatalf("%s: %s", got.State, got.Error)
	}
	if n := first.Executed.Load(); n != 0 {
		t.Errorf("the stopping worker executed %d runs", n)
	}
	if n := e.Stats().Redelivered; n != 1 {
		t.Errorf("redelivered %d times, want once (handed back by the stopping worker)", n)
	}
}

// stallingKV is a sweeps bucket whose key listing stops after `after` keys without ending, as
// nats.go's lister does when the end-of-initial-values marker does not come (seen with its object
// store's List), until the listing's context ends.
type stallingKV struct {
	jetstream.KeyValue
	after int
}

type keyLister struct {
	keys chan string
	jetstream.KeyLister
}

func (kl keyLister) Keys() <-chan string { return kl.keys }

func (s stallingKV) ListKeys(ctx context.Context, opts ...jetstream.WatchOpt) (jetstream.KeyLister, error) {
	kl, err := s.KeyValue.ListKeys(ctx, opts...)
	if err != nil {
		return nil, err
	}
	out := make(chan string)
	go func() {
		defer close(out)
		n := 0
		for k := range kl.Keys() {
			if n == s.after {
				<-ctx.Done()
				return
			}
			out <- k
			n++
		}
	}()
	return keyLister{out, kl}, nil
}

// TestLoadSweepsDoesNotTrustACutListing: a listing of the sweeps that ends with its context
// (here one that stalls after 10 of 30 keys) is an error, not a shorter list: a sweep left out
// loses its runs' ties and its resumption.
func TestLoadSweepsDoesNotTrustACutListing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Setup{})
	full := f.engine(t)
	for i := range 30 {
		if _, err := full.res.sweeps.Put(context.Background(), fmt.Sprintf("sw%04d", i), []byte("{}")); err != nil {
			t.Fatal(err)
		}
	}
	e := &Engine{res: &resources{sweeps: stallingKV{full.res.sweeps, 10}}, live: map[string]*live{}, sweeps: map[string]*sweepLive{}, logf: func(string, ...any) {}}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := e.loadSweeps(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "did not finish") {
		t.Errorf("loadSweeps on a listing that stalls until its context ends: %v; want an error saying the listing did not finish", err)
	}
}
