package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/tailscope/tailscope/server/store"
	"github.com/tailscope/tailscope/sim/sweep"
)

// sweepRecord is a sweep as kept in the sweep bucket. Its runs' ids are derived from its id.
type sweepRecord struct {
	ID        string          `json:"id"`
	Sweep     json.RawMessage `json:"sweep"`
	Created   time.Time       `json:"created"`
	Submitted bool            `json:"submitted"` // every run is recorded and queued
}

// sweepLive is a sweep this process tracks, for its watchers.
type sweepLive struct {
	id      string
	sw      sweep.Sweep
	created time.Time

	mu       sync.Mutex
	watchers map[*sweepWatcher]struct{}
}

type sweepWatcher struct {
	mu      sync.Mutex
	pending map[int]sweep.RunStatus
	signal  chan struct{}
}

func (s *sweepLive) update(i int, r store.Run) {
	st := runStatus(s.sw, i, r, false)
	s.mu.Lock()
	defer s.mu.Unlock()
	for w := range s.watchers {
		w.mu.Lock()
		w.pending[i] = st
		w.mu.Unlock()
		select {
		case w.signal <- struct{}{}:
		default:
		}
	}
}

func runStatus(sw sweep.Sweep, i int, r store.Run, withResult bool) sweep.RunStatus {
	st := sweep.RunStatus{Index: i, ID: r.ID, Label: sw.Label(i), State: string(r.State), Progress: r.Progress, Message: r.Message, Error: r.Error}
	if withResult && r.State == store.Done {
		st.Result = r.Result
	}
	return st
}

// SetSweepBudget bounds the sweeps SubmitSweep takes; the zero value bounds only their count.
func (e *Engine) SetSweepBudget(b sweep.Budget) { e.mu.Lock(); e.budget = b; e.mu.Unlock() }

// SubmitSweep validates sw against the budget, records it and each of its runs (queued) and
// publishes the runs. A crash in the middle is finished at the next start: run ids are derived
// from the sweep's id, so nothing is queued twice.
func (e *Engine) SubmitSweep(ctx context.Context, sw sweep.Sweep) (sweep.Status, error) {
	if err := sw.Validate(); err != nil {
		return sweep.Status{}, err
	}
	e.mu.Lock()
	budget := e.budget
	e.mu.Unlock()
	if err := budget.Check(sw); err != nil {
		return sweep.Status{}, err
	}
	if err := e.admit(sw.Count()); err != nil {
		return sweep.Status{}, err
	}
	enc, err := json.Marshal(sw)
	if err != nil {
		return sweep.Status{}, err
	}
	rec := sweepRecord{ID: store.NewID(), Sweep: enc, Created: time.Now().UTC()}
	if err := e.putSweep(ctx, rec); err != nil {
		return sweep.Status{}, err
	}
	sl := &sweepLive{id: rec.ID, sw: sw, created: rec.Created, watchers: map[*sweepWatcher]struct{}{}}
	e.mu.Lock()
	e.sweeps[rec.ID] = sl
	e.mu.Unlock()
	if err := e.submitRuns(ctx, sl); err != nil {
		return sweep.Status{}, err
	}
	rec.Submitted = true
	if err := e.putSweep(ctx, rec); err != nil {
		return sweep.Status{}, err
	}
	return e.GetSweep(ctx, rec.ID, false)
}

// submitRuns records and queues the runs of sl not recorded yet, several at once so that the
// store groups their writes.
func (e *Engine) submitRuns(ctx context.Context, sl *sweepLive) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	sem := make(chan struct{}, 16)
	for i := range sl.sw.Count() {
		id := runID(sl.id, i)
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			_, err := e.cfg.Store.GetRun(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				_, err = e.submit(ctx, id, sl.sw.Run(i), sl, i)
			}
			if err != nil {
				mu.Lock()
				first = cmp.Or(first, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return first
}

func (e *Engine) putSweep(ctx context.Context, rec sweepRecord) error {
	b, _ := json.Marshal(rec)
	if _, err := e.res.sweeps.Put(ctx, rec.ID, b); err != nil {
		return unavailableError{fmt.Errorf("engine: recording sweep %s: %w", rec.ID, err)}
	}
	return nil
}

// sweepListTimeout bounds the listing of the sweeps at start: nats.go's key lister waits for
// the end of the bucket's initial values and has no bound of its own (its object store
// counterpart, on the same kind of watcher, once waited for minutes in a test).
const sweepListTimeout = 30 * time.Second

// loadSweeps reads the sweeps and ties the unfinished runs to theirs. A listing cut short (ctx
// done, or no end after sweepListTimeout) is an error, not a shorter list: a sweep left out
// would lose its unfinished runs' ties and its resumed submission.
func (e *Engine) loadSweeps(ctx context.Context) error {
	lctx, cancel := context.WithTimeout(ctx, sweepListTimeout)
	defer cancel()
	lister, err := e.res.sweeps.ListKeys(lctx)
	if err != nil {
		return fmt.Errorf("engine: listing sweeps: %w", err)
	}
	var ids []string
	for id := range lister.Keys() {
		ids = append(ids, id)
	}
	// The lister closes its channel early when its context ends.
	if err := lctx.Err(); err != nil {
		return fmt.Errorf("engine: listing sweeps (bucket %s) did not finish: %w", SweepBucket, err)
	}
	for _, id := range ids {
		rec, err := e.getSweepRecord(ctx, id)
		if err != nil {
			e.logf("engine: sweep %s: %v", id, err)
			continue
		}
		var sw sweep.Sweep
		if err := sw.UnmarshalJSON(rec.Sweep); err != nil {
			e.logf("engine: sweep %s can no longer be read: %v", id, err)
			continue
		}
		sl := &sweepLive{id: id, sw: sw, created: rec.Created, watchers: map[*sweepWatcher]struct{}{}}
		tied := false
		for i := range sw.Count() {
			if l := e.live[runID(id, i)]; l != nil {
				l.sweep, l.index, tied = sl, i, true
			}
		}
		if tied || !rec.Submitted {
			e.sweeps[id] = sl
		}
	}
	return nil
}

// resumeSweeps finishes the submission of sweeps a crash interrupted.
func (e *Engine) resumeSweeps(ctx context.Context) error {
	e.mu.Lock()
	var todo []*sweepLive
	for _, sl := range e.sweeps {
		todo = append(todo, sl)
	}
	e.mu.Unlock()
	for _, sl := range todo {
		rec, err := e.getSweepRecord(ctx, sl.id)
		if err != nil || rec.Submitted {
			continue
		}
		if err := e.submitRuns(ctx, sl); err != nil {
			return fmt.Errorf("engine: resuming the submission of sweep %s: %w", sl.id, err)
		}
		rec.Submitted = true
		if err := e.putSweep(ctx, rec); err != nil {
			return err
		}
		e.logf("engine: sweep %s: submission finished after a restart", sl.id)
	}
	return nil
}

func (e *Engine) getSweepRecord(ctx context.Context, id string) (sweepRecord, error) {
	var rec sweepRecord
	if !store.ValidID(id) {
		return rec, fmt.Errorf("sweep %q: %w", id, store.ErrNotFound)
	}
	entry, err := e.res.sweeps.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return rec, fmt.Errorf("sweep %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return rec, unavailableError{fmt.Errorf("engine: reading sweep %s: %w", id, err)}
	}
	if err := json.Unmarshal(entry.Value(), &rec); err != nil {
		return rec, fmt.Errorf("engine: sweep %s: %w", id, err)
	}
	return rec, nil
}

// GetSweep returns the sweep and each of its runs, with the results of finished runs when
// withResults is set.
func (e *Engine) GetSweep(ctx context.Context, id string, withResults bool) (sweep.Status, error) {
	rec, err := e.getSweepRecord(ctx, id)
	if err != nil {
		return sweep.Status{}, err
	}
	var sw sweep.Sweep
	if err := sw.UnmarshalJSON(rec.Sweep); err != nil {
		return sweep.Status{}, fmt.Errorf("engine: sweep %s can no longer be read: %w", id, err)
	}
	st := sweep.Status{ID: id, Sweep: sw, Created: rec.Created, Estimate: sw.Estimate(), Runs: make([]sweep.RunStatus, sw.Count())}
	for i := range st.Runs {
		r, err := e.Get(ctx, runID(id, i))
		if errors.Is(err, store.ErrNotFound) {
			st.Runs[i] = sweep.RunStatus{Index: i, Label: sw.Label(i), State: string(store.Queued), Message: "being submitted"}
			continue
		}
		if err != nil {
			return sweep.Status{}, err
		}
		st.Runs[i] = runStatus(sw, i, r, withResults)
	}
	st.Tally()
	return st, nil
}

// CancelSweep cancels every unfinished run of the sweep, without waiting for the running ones
// to stop.
func (e *Engine) CancelSweep(ctx context.Context, id string) (sweep.Status, error) {
	st, err := e.GetSweep(ctx, id, false)
	if err != nil {
		return st, err
	}
	// Stop the runs still queued before the running ones: a worker freed by a stopped run
	// takes the next queued one at once, and must find it stopped already.
	waiting := func(r sweep.RunStatus) bool { return r.State == string(store.Queued) }
	started := func(r sweep.RunStatus) bool { return !waiting(r) }
	runs := slices.Concat(slices.DeleteFunc(slices.Clone(st.Runs), started), slices.DeleteFunc(slices.Clone(st.Runs), waiting))
	for _, r := range runs {
		if r.ID == "" || store.State(r.State).Terminal() {
			continue
		}
		if _, err := e.res.stops.Put(ctx, r.ID, []byte(evCancelled)); err != nil {
			return st, unavailableError{fmt.Errorf("engine: cancelling sweep %s: %w", id, err)}
		}
		e.mu.Lock()
		l := e.live[r.ID]
		e.mu.Unlock()
		if l == nil {
			continue
		}
		l.mu.Lock()
		queued := l.rec.State == store.Queued
		l.mu.Unlock()
		if queued {
			e.finish(ctx, l, func(r *store.Run) { r.State, r.Message = store.Cancelled, "cancelled before it started" })
		}
	}
	return e.GetSweep(ctx, id, false)
}

// WatchSweep returns a channel that receives, now and after changes, the runs of the sweep that
// changed since the last receive (the first receive has every run). It is closed once every
// run is finished, or when ctx is done.
func (e *Engine) WatchSweep(ctx context.Context, id string) (<-chan []sweep.RunStatus, error) {
	st, err := e.GetSweep(ctx, id, false)
	if err != nil {
		return nil, err
	}
	out := make(chan []sweep.RunStatus, 1)
	out <- st.Runs
	if st.Finished {
		close(out)
		return out, nil
	}
	e.mu.Lock()
	sl := e.sweeps[id]
	if sl == nil {
		sl = &sweepLive{id: id, sw: st.Sweep, created: st.Created, watchers: map[*sweepWatcher]struct{}{}}
		e.sweeps[id] = sl
	}
	e.mu.Unlock()
	w := &sweepWatcher{pending: map[int]sweep.RunStatus{}, signal: make(chan struct{}, 1)}
	sl.mu.Lock()
	sl.watchers[w] = struct{}{}
	sl.mu.Unlock()
	// States that changed between GetSweep and registering are caught by reading again once.
	w.signal <- struct{}{}
	unfinished := map[int]bool{}
	for _, r := range st.Runs {
		if !store.State(r.State).Terminal() {
			unfinished[r.Index] = true
		}
	}
	go func() {
		defer close(out)
		defer func() {
			sl.mu.Lock()
			delete(sl.watchers, w)
			sl.mu.Unlock()
		}()
		first := true
		for len(unfinished) > 0 {
			select {
			case <-ctx.Done():
				return
			case <-w.signal:
			}
			w.mu.Lock()
			batch := make([]sweep.RunStatus, 0, len(w.pending))
			for _, r := range w.pending {
				batch = append(batch, r)
			}
			clear(w.pending)
			w.mu.Unlock()
			if first {
				first = false
				for i := range unfinished {
					if r, err := e.Get(ctx, runID(id, i)); err == nil && r.State.Terminal() {
						batch = append(batch, runStatus(st.Sweep, i, r, false))
					}
				}
			}
			for _, r := range batch {
				if store.State(r.State).Terminal() {
					delete(unfinished, r.Index)
				}
			}
			if len(batch) == 0 {
				continue
			}
			select {
			case out <- batch:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// SweepBudget is the bound SetSweepBudget set (the server's -sweep-budget), for the API's
// estimates to say whether a sweep is within it before anyone submits it.
func (e *Engine) SweepBudget() sweep.Budget { e.mu.Lock(); defer e.mu.Unlock(); return e.budget }
