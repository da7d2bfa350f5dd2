// Package jobs runs specs for the server: a bounded queue in front of a pool of workers
// that call a run.Backend, with per-run limits on time and result size, cancellation,
// progress fan-out to any number of watchers (for server-sent events), durable run
// records in a store.Store, and recovery of the runs a previous process left unfinished.
//
// Runners have no checkpoints, so a run interrupted by a stop of the server is started
// again from the beginning when the server comes back; because the same spec and seed
// give the same result, the resumed run ends where the first would have.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/tailscope/tailscope/server/internal/runexec"
	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
)

// Config configures a Manager. Backend and Store are required; zero limits take the defaults.
type Config struct {
	Backend run.Backend
	Store   store.Store

	Workers        int           // runs executed at once; 0: runtime.GOMAXPROCS(0)
	QueueSize      int           // runs waiting for a worker before Submit refuses; 0: 64
	MaxRunTime     time.Duration // a run still working after this long fails; 0: 10 minutes
	MaxResultBytes int           // a larger JSON result (or partial result) is refused; 0: 8 MiB
	MaxRestarts    int           // a run found interrupted by a crash more often fails; 0: 2
	SaveEvery      time.Duration // progress is written to the store at most this often; 0: 2 s
	RetryAfter     time.Duration // the wait suggested when the queue is full; 0: 5 s

	Logf func(format string, args ...any) // nil: log.Printf
}

// Defaults of Config's limits.
const (
	DefaultQueueSize      = 64
	DefaultMaxRunTime     = 10 * time.Minute
	DefaultMaxResultBytes = runexec.DefaultMaxResultBytes
	DefaultMaxRestarts    = 2
	DefaultSaveEvery      = 2 * time.Second
	DefaultRetryAfter     = 5 * time.Second
)

// QueueFullError is returned by Submit when the queue is full.
type QueueFullError struct {
	Size  int           // the queue's capacity
	Retry time.Duration // a suggested wait
}

func (e *QueueFullError) Error() string {
	return fmt.Sprintf("jobs: the queue is full (%d runs waiting); try again in %v", e.Size, e.Retry)
}

// RetryAfter is the wait the client should respect before submitting again.
func (e *QueueFullError) RetryAfter() time.Duration { return e.Retry }

// ErrClosed is returned by Submit once Shutdown has begun.
var ErrClosed error = closedError{}

type closedError struct{}

func (closedError) Error() string { return "jobs: the server is shutting down and accepts no new runs" }

// Unavailable marks the error as a temporary unavailability of the service (HTTP 503).
func (closedError) Unavailable() bool { return true }

// Causes of a run's context being cancelled.
var (
	errCancelled = errors.New("cancelled by request")
	errShutdown  = errors.New("server shutting down")
	errTimeLimit = errors.New("time limit exceeded")
)

// Manager queues and executes runs. Make one with New.
type Manager struct {
	cfg  Config
	logf func(string, ...any)

	base     context.Context // parent of every run's context
	stopRuns context.CancelCauseFunc

	mu       sync.Mutex
	cond     *sync.Cond // signalled when pending grows or stopping is set
	pending  []*job     // queued runs, oldest first
	reserved int        // places in the queue taken by Submits still writing their record
	jobs     map[string]*job
	closed   bool // Submit refuses
	stopping bool // workers take no more runs
	workers  sync.WaitGroup
}

// job is a run the Manager knows: queued or running. Finished runs are only in the store.
type job struct {
	spec spec.Spec

	saveMu sync.Mutex // serialises writes of this run to the store, so the last one wins

	mu       sync.Mutex
	rec      store.Run
	cancel   context.CancelCauseFunc // set while running
	subs     map[chan store.Run]struct{}
	finished bool          // rec will not change any more in this process
	done     chan struct{} // closed when finished
	lastSave time.Time
}

// New returns a Manager that has taken over the unfinished runs in cfg.Store (queued runs
// are queued again; runs that were running when the previous process died are started
// again, or marked failed after MaxRestarts such restarts) and started its workers.
func New(ctx context.Context, cfg Config) (*Manager, error) {
	if cfg.Backend == nil || cfg.Store == nil {
		return nil, errors.New("jobs: Config needs a Backend and a Store")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = DefaultQueueSize
	}
	if cfg.MaxRunTime <= 0 {
		cfg.MaxRunTime = DefaultMaxRunTime
	}
	if cfg.MaxResultBytes <= 0 {
		cfg.MaxResultBytes = DefaultMaxResultBytes
	}
	if cfg.MaxRestarts <= 0 {
		cfg.MaxRestarts = DefaultMaxRestarts
	}
	if cfg.SaveEvery <= 0 {
		cfg.SaveEvery = DefaultSaveEvery
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = DefaultRetryAfter
	}
	m := &Manager{cfg: cfg, logf: cfg.Logf, jobs: map[string]*job{}}
	if m.logf == nil {
		m.logf = log.Printf
	}
	m.cond = sync.NewCond(&m.mu)
	m.base, m.stopRuns = context.WithCancelCause(context.Background())
	if err := m.recover(ctx); err != nil {
		return nil, err
	}
	for range cfg.Workers {
		m.workers.Add(1)
		go m.work()
	}
	return m, nil
}

// recover queues again the runs a previous process left unfinished.
func (m *Manager) recover(ctx context.Context) error {
	runs, err := m.cfg.Store.UnfinishedRuns(ctx)
	if err != nil {
		return fmt.Errorf("jobs: recover unfinished runs: %w", err)
	}
	now := time.Now().UTC()
	for _, r := range runs {
		s, perr := spec.Parse(r.Spec)
		switch {
		case perr != nil:
			r.State, r.Error = store.Failed, "the server restarted and can no longer read this run's spec: "+perr.Error()
		case r.State == store.Running && r.Restarts >= m.cfg.MaxRestarts:
			r.State = store.Failed
			r.Error = fmt.Sprintf("the server stopped during this run %d times; giving up", r.Restarts+1)
		case r.State == store.Running:
			r.Restarts++
			r.State, r.Progress, r.Partial = store.Queued, 0, nil
			r.Message = "the server stopped during this run; it will start again from the beginning"
		default: // queued, e.g. left in the queue by a graceful shutdown
			r.State = store.Queued
		}
		r.Updated = now
		if err := m.cfg.Store.PutRun(ctx, r); err != nil {
			return fmt.Errorf("jobs: recover run %s: %w", r.ID, err)
		}
		if r.State == store.Failed {
			m.logf("jobs: run %s failed on recovery: %s", r.ID, r.Error)
			continue
		}
		j := newJob(s, r)
		m.jobs[r.ID] = j
		m.pending = append(m.pending, j)
	}
	if len(m.pending) > 0 {
		m.logf("jobs: resumed %d unfinished runs", len(m.pending))
	}
	return nil
}

func newJob(s spec.Spec, r store.Run) *job {
	return &job{spec: s, rec: r, subs: map[chan store.Run]struct{}{}, done: make(chan struct{})}
}

// Submit validates s, records it as queued (durably, before it returns) and queues it.
// A full queue gives a *QueueFullError; a manager shutting down, ErrClosed; an invalid
// spec, the *spec.FieldError of Validate.
func (m *Manager) Submit(ctx context.Context, s spec.Spec) (store.Run, error) {
	if err := s.Validate(); err != nil {
		return store.Run{}, err
	}
	js, err := json.Marshal(s)
	if err != nil {
		return store.Run{}, fmt.Errorf("jobs: encode spec: %w", err)
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return store.Run{}, ErrClosed
	}
	if len(m.pending)+m.reserved >= m.cfg.QueueSize {
		m.mu.Unlock()
		return store.Run{}, &QueueFullError{Size: m.cfg.QueueSize, Retry: m.cfg.RetryAfter}
	}
	m.reserved++ // a place in the queue, held while the record is written
	m.mu.Unlock()
	now := time.Now().UTC()
	r := store.Run{ID: store.NewID(), Spec: js, State: store.Queued, Created: now, Updated: now}
	err = m.cfg.Store.PutRun(ctx, r)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reserved--
	if err != nil {
		return store.Run{}, fmt.Errorf("jobs: record run: %w", err)
	}
	j := newJob(s.Clone(), r)
	m.jobs[r.ID] = j
	m.pending = append(m.pending, j)
	m.cond.Signal()
	return r, nil
}

// Get returns the current record of run id, from memory while the run is queued or
// running, from the store after.
func (m *Manager) Get(ctx context.Context, id string) (store.Run, error) {
	m.mu.Lock()
	j := m.jobs[id]
	m.mu.Unlock()
	if j != nil {
		j.mu.Lock()
		defer j.mu.Unlock()
		return j.rec, nil
	}
	return m.cfg.Store.GetRun(ctx, id)
}

// Cancel cancels run id. A queued run is cancelled at once; a running one is asked to stop,
// and Cancel waits until it has (or until ctx is done, or 5 s). Cancelling a finished run
// changes nothing. It returns the run's record.
func (m *Manager) Cancel(ctx context.Context, id string) (store.Run, error) {
	m.mu.Lock()
	j := m.jobs[id]
	if j == nil {
		m.mu.Unlock()
		return m.cfg.Store.GetRun(ctx, id)
	}
	j.mu.Lock()
	switch j.rec.State {
	case store.Queued:
		m.pending = slices.DeleteFunc(m.pending, func(p *job) bool { return p == j })
		j.rec.State, j.rec.Message = store.Cancelled, "cancelled before it started"
		j.rec.Updated = time.Now().UTC()
		j.mu.Unlock()
		m.mu.Unlock()
		err := m.save(context.WithoutCancel(ctx), j)
		m.mu.Lock()
		delete(m.jobs, id)
		m.mu.Unlock()
		m.finish(j)
		if err != nil {
			return store.Run{}, err
		}
	case store.Running:
		j.cancel(errCancelled)
		j.mu.Unlock()
		m.mu.Unlock()
		wait, stop := context.WithTimeout(ctx, 5*time.Second)
		defer stop()
		select {
		case <-j.done:
		case <-wait.Done():
		}
	default:
		j.mu.Unlock()
		m.mu.Unlock()
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.rec, nil
}

// Watch returns a channel that receives the run's record now and after each change,
// and is closed once the run is finished (in this process). A slow reader misses
// intermediate records but always gets the latest one: the channel holds one record
// and a newer one replaces an unread older one. When ctx is done first, watching stops
// and the channel is closed too.
func (m *Manager) Watch(ctx context.Context, id string) (<-chan store.Run, error) {
	m.mu.Lock()
	j := m.jobs[id]
	m.mu.Unlock()
	ch := make(chan store.Run, 1)
	if j == nil {
		r, err := m.cfg.Store.GetRun(ctx, id)
		if err != nil {
			return nil, err
		}
		ch <- r
		close(ch)
		return ch, nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	ch <- j.rec
	if j.finished {
		close(ch)
		return ch, nil
	}
	j.subs[ch] = struct{}{}
	runexec.Unwatch(ctx, &j.mu, j.subs, ch)
	return ch, nil
}

// Shutdown stops taking runs, lets the running ones finish until ctx is done, then
// interrupts them: they go back to the queued state in the store, with their last
// progress, and start again when a new Manager opens the store. Queued runs stay queued
// in the store. It returns ctx's error if it had to interrupt runs.
func (m *Manager) Shutdown(ctx context.Context) error {
	m.mu.Lock()
	m.closed, m.stopping = true, true
	m.cond.Broadcast()
	m.mu.Unlock()
	idle := make(chan struct{})
	go func() { m.workers.Wait(); close(idle) }()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
	}
	m.stopRuns(errShutdown)
	select {
	case <-idle:
	case <-time.After(10 * time.Second):
		m.logf("jobs: some runs did not stop within 10 s of being interrupted")
	}
	return ctx.Err()
}

// Stats describes the queue.
type Stats struct {
	Queued, Running, Workers, QueueSize int
}

// Stats returns the number of queued and running runs.
func (m *Manager) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Stats{Queued: len(m.pending), Running: len(m.jobs) - len(m.pending), Workers: m.cfg.Workers, QueueSize: m.cfg.QueueSize}
}

func (m *Manager) work() {
	defer m.workers.Done()
	for {
		m.mu.Lock()
		for len(m.pending) == 0 && !m.stopping {
			m.cond.Wait()
		}
		if m.stopping {
			m.mu.Unlock()
			return
		}
		j := m.pending[0]
		m.pending = m.pending[1:]
		ctx, cancel := context.WithCancelCause(m.base)
		j.mu.Lock()
		j.cancel = cancel
		j.rec.State, j.rec.Progress, j.rec.Partial, j.rec.Message = store.Running, 0, nil, "started"
		j.rec.Updated = time.Now().UTC()
		j.mu.Unlock()
		m.mu.Unlock()
		m.execute(ctx, j)
		cancel(nil)
	}
}

// execute runs j's spec on the backend and records how it ended.
func (m *Manager) execute(ctx context.Context, j *job) {
	if err := m.save(ctx, j); err != nil {
		m.logf("jobs: run %s: %v", j.rec.ID, err)
	}
	m.notify(j)
	tctx, stop := context.WithTimeoutCause(ctx, m.cfg.MaxRunTime, errTimeLimit)
	start := time.Now()
	result, err := m.call(tctx, j)
	took := time.Since(start)
	stop()

	var enc []byte
	if err == nil {
		enc, err = runexec.Encode(result, m.cfg.MaxResultBytes)
	}
	cause := context.Cause(tctx)
	j.mu.Lock()
	r := &j.rec
	r.Updated = time.Now().UTC()
	switch {
	case err == nil:
		r.State, r.Progress, r.Result, r.Message = store.Done, 1, enc, ""
		if n, ok := m.cfg.Backend.(run.Namer); ok {
			r.Ran = fmt.Sprintf("%s, %.1f s", n.Name(j.spec), took.Seconds())
		}
	case errors.Is(cause, errCancelled):
		r.State, r.Message = store.Cancelled, "cancelled while running"
	case errors.Is(cause, errShutdown):
		r.State = store.Queued
		r.Message = "interrupted by a server shutdown; it will start again from the beginning when the server restarts"
	case errors.Is(cause, errTimeLimit):
		r.State, r.Error = store.Failed, fmt.Sprintf("stopped after the time limit of %v per run; ask for a smaller run", m.cfg.MaxRunTime)
		r.Message = "stopped at the time limit"
	default:
		r.State, r.Error, r.Message = store.Failed, err.Error(), "failed"
	}
	id := j.rec.ID
	j.mu.Unlock()
	// A shutdown cancelled ctx; the final record must be written all the same, and before
	// the run leaves m.jobs, so that Get never reads an older record from the store.
	if err := m.save(context.WithoutCancel(ctx), j); err != nil {
		m.logf("jobs: run %s: %v", id, err)
	}
	m.mu.Lock()
	delete(m.jobs, id)
	m.mu.Unlock()
	m.finish(j)
}

// call runs the backend; a panic becomes the run's error (runexec.Call).
func (m *Manager) call(ctx context.Context, j *job) (result any, err error) {
	return runexec.Call(ctx, m.cfg.Backend, j.spec, func(p spec.Progress) { m.progress(j, p) }, j.rec.ID,
		func(format string, args ...any) { m.logf("jobs: "+format, args...) })
}

// progress records a report of j's runner and passes it on to watchers.
func (m *Manager) progress(j *job, p spec.Progress) {
	var partial []byte
	if p.Partial != nil {
		b, err := json.Marshal(p.Partial)
		if err == nil && len(b) <= m.cfg.MaxResultBytes {
			partial = b
		}
	}
	j.mu.Lock()
	if j.rec.State != store.Running {
		j.mu.Unlock()
		return // a late report from a runner that was told to stop
	}
	if f := p.Fraction; !math.IsNaN(f) {
		j.rec.Progress = min(max(f, 0), 1)
	}
	j.rec.Message = runexec.Clip(p.Message, runexec.MaxMessage)
	if partial != nil {
		j.rec.Partial = partial
	}
	now := time.Now()
	j.rec.Updated = now.UTC()
	saveNow := now.Sub(j.lastSave) >= m.cfg.SaveEvery
	j.mu.Unlock()
	if saveNow {
		if err := m.save(context.Background(), j); err != nil {
			m.logf("jobs: run %s: %v", j.rec.ID, err)
		}
	}
	m.notify(j)
}

// save writes j's current record to the store. Writes are serialised and each writes the
// record as it is when the write starts, so the store ends with the latest record.
func (m *Manager) save(ctx context.Context, j *job) error {
	j.saveMu.Lock()
	defer j.saveMu.Unlock()
	j.mu.Lock()
	r := j.rec
	j.lastSave = time.Now()
	j.mu.Unlock()
	if err := m.cfg.Store.PutRun(ctx, r); err != nil {
		return fmt.Errorf("save run: %w", err)
	}
	return nil
}

// notify sends j's record to every watcher, replacing a record a watcher has not read yet.
func (m *Manager) notify(j *job) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for ch := range j.subs {
		runexec.Offer(ch, j.rec)
	}
}

// finish marks j finished in this process, sends the final record and closes every watcher.
func (m *Manager) finish(j *job) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.finished = true
	for ch := range j.subs {
		runexec.Offer(ch, j.rec)
		close(ch)
	}
	clear(j.subs)
	close(j.done)
}
