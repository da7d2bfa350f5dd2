package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/tailscope/tailscope/server/internal/runexec"
	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/sweep"
)

// Config configures an Engine. Store and Conn are required.
type Config struct {
	Store store.Store
	Conn  *nats.Conn
	Setup Setup

	Backend   string        // the backend runs are published for; "": DefaultBackend
	MaxQueued int           // unfinished runs before Submit refuses; 0: 10000
	SaveEvery time.Duration // progress is written to the store at most this often; 0: 2 s
	// RetryAfter is the wait suggested when the queue is full; 0: 10 s.
	RetryAfter time.Duration
	// LogRuns logs one line per run recorded final ("engine: run ID done, attempt N on W"),
	// for audits and the fault tests; discarded duplicate results are logged either way.
	LogRuns bool

	Logf func(format string, args ...any) // nil: log.Printf
}

// QueueFullError is returned by Submit when too many runs are unfinished.
type QueueFullError struct {
	Queued, Max int
	Retry       time.Duration
}

func (e *QueueFullError) Error() string {
	return fmt.Sprintf("engine: %d runs are unfinished, and %d more would pass the %d this server holds; try again in %v", e.Queued, e.Max-e.Queued, e.Max, e.Retry)
}

// RetryAfter is the wait the client should respect before submitting again.
func (e *QueueFullError) RetryAfter() time.Duration { return e.Retry }

// unavailableError marks a failure of the NATS connection or a stop of the engine (HTTP 503).
type unavailableError struct{ err error }

func (e unavailableError) Error() string     { return e.err.Error() }
func (e unavailableError) Unwrap() error     { return e.err }
func (e unavailableError) Unavailable() bool { return true }

// ErrClosed is returned by Submit once Close has begun.
var ErrClosed error = unavailableError{errors.New("engine: the server is shutting down and accepts no new runs")}

// Stats counts what the engine recorded since it started.
type Stats struct {
	Unfinished  int   // runs queued or running
	Recorded    int64 // runs that reached a final state
	Redelivered int64 // deliveries after the first (a worker lost, a server restarted)
	Duplicates  int64 // final events for runs already final, discarded (results recorded once)
}

// Engine records and queues runs on JetStream; workers execute them. It implements the run
// service of server/api (Submit, Get, Cancel, Watch) and the sweeps.
type Engine struct {
	cfg  Config
	logf func(string, ...any)
	res  *resources

	mu     sync.Mutex
	live   map[string]*live      // unfinished runs
	sweeps map[string]*sweepLive // sweeps with unfinished runs, or watched
	closed bool
	budget sweep.Budget

	recorded, redelivered, duplicates atomic.Int64

	consume  jetstream.ConsumeContext
	progress *nats.Subscription
	shards   []chan jetstream.Msg
	shardsWG sync.WaitGroup
}

// live is an unfinished run this process knows.
type live struct {
	saveMu sync.Mutex // serialises store writes of this run, so the last one wins

	mu       sync.Mutex
	rec      store.Run
	subs     map[chan store.Run]struct{}
	done     chan struct{}
	lastSave time.Time
	sweep    *sweepLive
	index    int
}

// New sets up JetStream, takes over the unfinished runs of the store, starts recording events
// and queues again the runs that need it. Runs need workers: see Worker.
func New(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Store == nil || cfg.Conn == nil {
		return nil, errors.New("engine: Config needs a Store and a Conn")
	}
	if cfg.Backend == "" {
		cfg.Backend = DefaultBackend
	}
	if cfg.MaxQueued <= 0 {
		cfg.MaxQueued = 10000
	}
	if cfg.SaveEvery <= 0 {
		cfg.SaveEvery = 2 * time.Second
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = 10 * time.Second
	}
	e := &Engine{cfg: cfg, logf: cfg.Logf, live: map[string]*live{}, sweeps: map[string]*sweepLive{}}
	if e.logf == nil {
		e.logf = log.Printf
	}
	res, err := cfg.Setup.apply(ctx, cfg.Conn)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	e.res = res
	runs, err := cfg.Store.UnfinishedRuns(ctx)
	if err != nil {
		return nil, fmt.Errorf("engine: reading unfinished runs: %w", err)
	}
	for _, r := range runs {
		e.live[r.ID] = newLive(r)
	}
	if err := e.loadSweeps(ctx); err != nil {
		return nil, err
	}
	// Record what happened while this server was away before queuing anything again.
	if err := e.startRecording(ctx); err != nil {
		return nil, err
	}
	e.catchUp(ctx, 10*time.Second)
	if err := e.requeue(ctx); err != nil {
		e.Close()
		return nil, err
	}
	if err := e.resumeSweeps(ctx); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

func newLive(r store.Run) *live {
	return &live{rec: r, subs: map[chan store.Run]struct{}{}, done: make(chan struct{}), index: -1}
}

// startRecording subscribes to progress reports and consumes the event stream.
func (e *Engine) startRecording(ctx context.Context) error {
	sub, err := e.cfg.Conn.Subscribe(progressPfx+"*", e.onProgress)
	if err != nil {
		return fmt.Errorf("engine: subscribing to progress: %w", err)
	}
	e.progress = sub
	cons, err := e.res.js.Consumer(ctx, EventStream, recorderName)
	if err != nil {
		return fmt.Errorf("engine: the recorder consumer: %w", err)
	}
	// Events of one run are applied in order by one goroutine; runs are spread over several,
	// so that the store groups their writes into fewer transactions.
	e.shards = make([]chan jetstream.Msg, 8)
	for i := range e.shards {
		e.shards[i] = make(chan jetstream.Msg, 64)
		e.shardsWG.Add(1)
		go func(ch chan jetstream.Msg) {
			defer e.shardsWG.Done()
			for m := range ch {
				e.record(m)
			}
		}(e.shards[i])
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		h := fnv.New32a()
		h.Write([]byte(m.Subject()))
		e.shards[h.Sum32()%uint32(len(e.shards))] <- m
	}, jetstream.PullMaxMessages(256), jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		if !errors.Is(err, nats.ErrConnectionClosed) {
			e.logf("engine: recording events: %v", err)
		}
	}))
	if err != nil {
		return fmt.Errorf("engine: consuming events: %w", err)
	}
	e.consume = cc
	return nil
}

// catchUp waits (at most max) until the events published while the server was away are applied.
func (e *Engine) catchUp(ctx context.Context, max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		cons, err := e.res.js.Consumer(ctx, EventStream, recorderName)
		if err != nil {
			return
		}
		info, err := cons.Info(ctx)
		if err != nil || info.NumPending == 0 && info.NumAckPending == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// requeue publishes every unfinished run again; the stream drops those it still holds.
func (e *Engine) requeue(ctx context.Context) error {
	e.mu.Lock()
	var recs []store.Run
	for _, l := range e.live {
		l.mu.Lock()
		recs = append(recs, l.rec)
		l.mu.Unlock()
	}
	e.mu.Unlock()
	for _, r := range recs {
		if err := e.publishWork(ctx, r.ID, r.Spec); err != nil {
			return err
		}
	}
	if len(recs) > 0 {
		e.logf("engine: %d unfinished runs queued again (those still queued are not duplicated)", len(recs))
	}
	return nil
}

func (e *Engine) publishWork(ctx context.Context, id string, specJSON json.RawMessage) error {
	data, _ := json.Marshal(workMsg{ID: id, Spec: specJSON})
	if _, err := e.res.js.Publish(ctx, workPrefix+e.cfg.Backend, data, jetstream.WithMsgID(id)); err != nil {
		return unavailableError{fmt.Errorf("engine: queuing run %s: %w", id, err)}
	}
	return nil
}

// Submit validates s, records it as queued (durably) and publishes it to the work stream.
func (e *Engine) Submit(ctx context.Context, s spec.Spec) (store.Run, error) {
	if err := s.Validate(); err != nil {
		return store.Run{}, err
	}
	if err := e.admit(1); err != nil {
		return store.Run{}, err
	}
	return e.submit(ctx, store.NewID(), s, nil, -1)
}

// admit refuses n more runs when the unfinished ones would pass MaxQueued.
func (e *Engine) admit(n int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if len(e.live)+n > e.cfg.MaxQueued {
		return &QueueFullError{Queued: len(e.live), Max: e.cfg.MaxQueued, Retry: e.cfg.RetryAfter}
	}
	return nil
}

func (e *Engine) submit(ctx context.Context, id string, s spec.Spec, sw *sweepLive, index int) (store.Run, error) {
	js, err := json.Marshal(s)
	if err != nil {
		return store.Run{}, fmt.Errorf("engine: encode spec: %w", err)
	}
	now := time.Now().UTC()
	r := store.Run{ID: id, Spec: js, State: store.Queued, Created: now, Updated: now}
	if err := e.cfg.Store.PutRun(ctx, r); err != nil {
		return store.Run{}, fmt.Errorf("engine: record run: %w", err)
	}
	l := newLive(r)
	l.sweep, l.index = sw, index
	e.mu.Lock()
	e.live[id] = l
	e.mu.Unlock()
	if err := e.publishWork(ctx, id, js); err != nil {
		// Recorded but not queued: the next start of the server queues it.
		return store.Run{}, err
	}
	return r, nil
}

// Get returns the run's current record.
func (e *Engine) Get(ctx context.Context, id string) (store.Run, error) {
	e.mu.Lock()
	l := e.live[id]
	e.mu.Unlock()
	if l != nil {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.rec, nil
	}
	return e.cfg.Store.GetRun(ctx, id)
}

// Cancel stops a queued or running run. A queued run is cancelled at once; a running one is
// told to stop (through the stop bucket, which its worker watches) and Cancel waits until its
// worker has reported it stopped, or 5 s (or until ctx is done), after which it is recorded
// cancelled all the same. Cancelling a finished run changes nothing.
func (e *Engine) Cancel(ctx context.Context, id string) (store.Run, error) {
	e.mu.Lock()
	l := e.live[id]
	e.mu.Unlock()
	if l == nil {
		return e.cfg.Store.GetRun(ctx, id)
	}
	if _, err := e.res.stops.Put(ctx, id, []byte(evCancelled)); err != nil {
		return store.Run{}, unavailableError{fmt.Errorf("engine: cancelling run %s: %w", id, err)}
	}
	l.mu.Lock()
	queued := l.rec.State == store.Queued
	l.mu.Unlock()
	if queued {
		// A worker that takes the message finds the stop and drops it; one that had just
		// started reports it cancelled, which changes nothing then.
		if e.finish(ctx, l, func(r *store.Run) { r.State, r.Message = store.Cancelled, "cancelled before it started" }) == finishFailed {
			return store.Run{}, fmt.Errorf("engine: recording the cancellation of run %s failed", id)
		}
	} else {
		wait, stop := context.WithTimeout(ctx, 5*time.Second)
		defer stop()
		select {
		case <-l.done:
		case <-wait.Done():
			// No worker confirmed: the run's worker may be gone (its delivery waits out the ack
			// wait). The stop bucket keeps every worker from running it, so it is cancelled now.
			e.finish(context.WithoutCancel(ctx), l, func(r *store.Run) {
				r.State, r.Message = store.Cancelled, "cancelled; its worker did not confirm within 5 s"
			})
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rec, nil
}

// Watch returns a channel that receives the run's record now and after each change (a newer
// record replacing an unread one), closed once the run is finished or ctx is done.
func (e *Engine) Watch(ctx context.Context, id string) (<-chan store.Run, error) {
	e.mu.Lock()
	l := e.live[id]
	e.mu.Unlock()
	ch := make(chan store.Run, 1)
	if l == nil {
		r, err := e.cfg.Store.GetRun(ctx, id)
		if err != nil {
			return nil, err
		}
		ch <- r
		close(ch)
		return ch, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ch <- l.rec
	if l.rec.State.Terminal() {
		close(ch)
		return ch, nil
	}
	l.subs[ch] = struct{}{}
	runexec.Unwatch(ctx, &l.mu, l.subs, ch)
	return ch, nil
}

// Stats returns the engine's counters.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	n := len(e.live)
	e.mu.Unlock()
	return Stats{Unfinished: n, Recorded: e.recorded.Load(), Redelivered: e.redelivered.Load(), Duplicates: e.duplicates.Load()}
}

// Close stops taking runs and recording events; events not yet applied stay in the stream for
// the next start. Workers are stopped by their owners.
func (e *Engine) Close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	e.mu.Unlock()
	if e.progress != nil {
		e.progress.Unsubscribe()
	}
	if e.consume != nil {
		e.consume.Drain()
		<-e.consume.Closed()
	}
	for _, ch := range e.shards {
		close(ch)
	}
	e.shardsWG.Wait()
}

// onProgress applies a progress report to a running run.
func (e *Engine) onProgress(m *nats.Msg) {
	var p progressMsg
	if json.Unmarshal(m.Data, &p) != nil {
		return
	}
	e.mu.Lock()
	l := e.live[p.ID]
	e.mu.Unlock()
	if l == nil {
		return
	}
	l.mu.Lock()
	if l.rec.State != store.Running {
		l.mu.Unlock()
		return
	}
	if !math.IsNaN(p.Fraction) {
		l.rec.Progress = min(max(p.Fraction, 0), 1)
	}
	l.rec.Message = runexec.Clip(p.Message, runexec.MaxMessage)
	if p.Partial != nil {
		l.rec.Partial = p.Partial
	}
	now := time.Now()
	l.rec.Updated = now.UTC()
	saveNow := now.Sub(l.lastSave) >= e.cfg.SaveEvery
	if saveNow {
		l.lastSave = now // one save at a time, whatever the rate of reports
	}
	l.mu.Unlock()
	if saveNow {
		go e.save(context.Background(), l)
	}
	e.notify(l)
}

// record applies one event to the store, then acks it: each event is applied at least once,
// and a run's final state is written once, whatever the number of deliveries.
func (e *Engine) record(m jetstream.Msg) {
	var ev event
	if err := json.Unmarshal(m.Data(), &ev); err != nil || ev.ID == "" {
		e.logf("engine: dropping an unreadable event on %s: %v", m.Subject(), err)
		m.Term()
		return
	}
	ctx := context.Background()
	e.mu.Lock()
	l := e.live[ev.ID]
	e.mu.Unlock()
	if l == nil {
		// Already final, or unknown to this server.
		if ev.Type != evStarted {
			if r, err := e.cfg.Store.GetRun(ctx, ev.ID); err == nil && r.State.Terminal() {
				if ev.Type == evDone {
					e.duplicates.Add(1)
					e.logf("engine: run %s: a second result (attempt %d on %s) discarded; the run was recorded %s", ev.ID, ev.Attempt, ev.Worker, r.State)
				}
				e.res.stops.Put(ctx, ev.ID, []byte(r.State))
			}
			if ev.Type == evDone {
				e.res.results.Delete(ctx, ev.ID)
			}
		}
		m.Ack()
		return
	}
	out := finishNone
	switch ev.Type {
	case evStarted:
		if ev.Attempt > 1 {
			e.redelivered.Add(1)
		}
		l.mu.Lock()
		if l.rec.State.Terminal() {
			l.mu.Unlock()
			break
		}
		l.rec.State, l.rec.Progress, l.rec.Partial = store.Running, 0, nil
		l.rec.Message = "running on " + ev.Worker
		if ev.Message != "" {
			l.rec.Message += ", " + ev.Message
		}
		l.rec.Updated = time.Now().UTC()
		l.mu.Unlock()
		if err := e.save(ctx, l); err != nil {
			m.Nak()
			return
		}
		e.notify(l)
	case evDone:
		data, err := e.res.results.GetBytes(ctx, ev.ID)
		if err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
			e.logf("engine: run %s: reading its result: %v", ev.ID, err)
			m.NakWithDelay(time.Second)
			return
		}
		if err != nil && resultMayBeLate(m) {
			// The worker stored the result before it sent this event, so "not found" is most
			// likely a stale read: the object store answers gets from any replica (direct
			// get), and on a cluster a replica that lags (a node lost, a loaded machine) does
			// not have the result yet. Ask again later rather than fail a run that worked.
			m.NakWithDelay(resultRetryDelay)
			return
		}
		out = e.finish(ctx, l, func(r *store.Run) {
			if err != nil {
				r.State, r.Error = store.Failed, "the worker "+ev.Worker+" reported a result that is no longer in the object store"
				return
			}
			r.State, r.Progress, r.Result, r.Partial, r.Message = store.Done, 1, json.RawMessage(data), nil, ""
		})
		if out != finishFailed {
			e.res.results.Delete(ctx, ev.ID)
		}
	case evFailed:
		out = e.finish(ctx, l, func(r *store.Run) { r.State, r.Error = store.Failed, ev.Error })
	case evCancelled:
		out = e.finish(ctx, l, func(r *store.Run) { r.State, r.Message = store.Cancelled, ev.Message })
	default:
		e.logf("engine: run %s: unknown event %q", ev.ID, ev.Type)
	}
	switch out {
	case finishFailed:
		m.NakWithDelay(time.Second)
		return
	case finishApplied:
		if e.cfg.LogRuns {
			e.logf("engine: run %s %s, attempt %d on %s", ev.ID, ev.Type, ev.Attempt, ev.Worker)
		}
	case finishAlready:
		if ev.Type == evDone {
			e.duplicates.Add(1)
			e.logf("engine: run %s: a second result (attempt %d on %s) discarded", ev.ID, ev.Attempt, ev.Worker)
		}
	}
	m.Ack()
}

// A done event whose result is not found is delivered again after resultRetryDelay, until it
// has been delivered resultDeliveries times (about half a minute): only then is the result
// taken as lost and the run failed.
const (
	resultRetryDelay = time.Second
	resultDeliveries = 30
)

// resultMayBeLate says whether the result of event m may still appear in the object store.
func resultMayBeLate(m jetstream.Msg) bool {
	md, err := m.Metadata()
	return err == nil && md.NumDelivered < resultDeliveries
}

// Outcomes of finish.
type finishOutcome int

const (
	finishNone    finishOutcome = iota // not a final event
	finishFailed                       // the store write failed: try again
	finishApplied                      // the run is recorded final by this call
	finishAlready                      // the run was already final: nothing changed
)

// finish moves l to a final state (set applies it), writes it to the store, marks the run in
// the stop bucket, and releases its watchers.
func (e *Engine) finish(ctx context.Context, l *live, set func(*store.Run)) finishOutcome {
	// One final write per run: the check and the write happen under the run's save lock, and
	// the final record becomes visible (Get, Watch) only once it is durable.
	l.saveMu.Lock()
	defer l.saveMu.Unlock()
	l.mu.Lock()
	if l.rec.State.Terminal() {
		l.mu.Unlock()
		return finishAlready
	}
	r := l.rec
	l.mu.Unlock()
	set(&r)
	r.Updated = time.Now().UTC()
	if err := e.cfg.Store.PutRun(ctx, r); err != nil {
		e.logf("engine: saving run %s: %v", r.ID, err)
		return finishFailed // tried again with the next delivery
	}
	e.recorded.Add(1)
	if _, err := e.res.stops.Put(ctx, r.ID, []byte(r.State)); err != nil {
		e.logf("engine: run %s: marking it %s in %s: %v", r.ID, r.State, StopBucket, err)
	}
	e.mu.Lock()
	delete(e.live, r.ID)
	e.mu.Unlock()
	l.mu.Lock()
	l.rec = r
	for ch := range l.subs {
		runexec.Offer(ch, r)
		close(ch)
	}
	clear(l.subs)
	close(l.done)
	sw := l.sweep
	l.mu.Unlock()
	if sw != nil {
		sw.update(l.index, r)
	}
	return finishApplied
}

// save writes l's current record to the store.
func (e *Engine) save(ctx context.Context, l *live) error {
	l.saveMu.Lock()
	defer l.saveMu.Unlock()
	l.mu.Lock()
	r := l.rec
	l.lastSave = time.Now()
	l.mu.Unlock()
	if err := e.cfg.Store.PutRun(ctx, r); err != nil {
		e.logf("engine: saving run %s: %v", r.ID, err)
		return err
	}
	return nil
}

// notify sends l's record to its watchers and its sweep's.
func (e *Engine) notify(l *live) {
	l.mu.Lock()
	r := l.rec
	for ch := range l.subs {
		runexec.Offer(ch, r)
	}
	sw, i := l.sweep, l.index
	l.mu.Unlock()
	if sw != nil {
		sw.update(i, r)
	}
}
