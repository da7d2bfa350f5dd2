package worker

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/tailscope/tailscope/sim/spec"
)

// ProgressDelay is how long a Task runs before its progress shows (ShowProgress): a quick run
// does not flash a progress bar and a Cancel button.
const ProgressDelay = 200 * time.Millisecond

// publishEvery is the least time between two progress updates a Task publishes: each one
// renders the page.
const publishEvery = 250 * time.Millisecond

// Renderer is the lock a Task takes to publish progress and outcomes: a vugu.EventEnv, whose
// UnlockRender also renders the page.
type Renderer interface {
	Lock()
	UnlockRender()
}

// Task is a view's job in a worker, keyed by what it computes (a spec's Key, a file's name and
// size): one run at a time, whose progress, result (an R decoded from the job's JSON output),
// error or cancellation the view shows. A view asks for a key with Wants before it starts one,
// so that it neither computes again what it shows nor restarts what the person cancelled, and
// passes the key it wants now to State, Error and Result, so that an outcome for another key
// (the person moved a slider meanwhile) is not shown as the answer. Use a Task under the view's
// render lock; its zero value is ready to use.
type Task[R any] struct {
	running bool
	runKey  string
	slow    bool // the run has gone on for ProgressDelay
	prog    spec.Progress
	cancel  context.CancelFunc
	res     *R
	resKey  string
	err     string // the last error and the key it is about
	errKey  string
	stopped string // the key of a run the person cancelled: not restarted until Forget
	status  string
}

// Wants reports whether key should be started: nothing runs, and key has no result, no error
// and was not cancelled.
func (t *Task[R]) Wants(key string) bool {
	return !t.running && key != t.resKey && key != t.errKey && key != t.stopped
}

// Fail records err as key's outcome without a run (its input could not be made).
func (t *Task[R]) Fail(key string, err error) { t.err, t.errKey = err.Error(), key }

// Start runs job on input for key in a worker (Run). Its progress, at most every 250 ms, and its
// outcome are published under r's lock, which renders the page; done, if not nil, is called
// under that lock with a new result (a view makes its charts there).
func (t *Task[R]) Start(r Renderer, job, key string, input []byte, done func(*R)) {
	ctx, cancel := context.WithCancel(context.Background())
	t.running, t.runKey, t.cancel, t.slow, t.prog, t.status = true, key, cancel, false, spec.Progress{}, ""
	go func() {
		time.Sleep(ProgressDelay)
		r.Lock()
		if t.running && t.runKey == key {
			t.slow = true
		}
		r.UnlockRender()
	}()
	go func() {
		var last time.Time
		out, err := Run(ctx, job, input, func(p spec.Progress) {
			if time.Since(last) < publishEvery {
				return
			}
			last = time.Now()
			r.Lock()
			if t.runKey == key {
				t.prog = p
			}
			r.UnlockRender()
		})
		res := new(R)
		if err == nil {
			err = json.Unmarshal(out, res)
		}
		r.Lock()
		defer r.UnlockRender()
		cancel()
		t.running = false
		switch {
		case errors.Is(err, context.Canceled):
			t.stopped = key
			t.status = "Cancelled."
			if t.res != nil {
				t.status += " The charts still show the previous result."
			}
		case err != nil:
			t.err, t.errKey = err.Error(), key
		default:
			t.res, t.resKey, t.err, t.errKey = res, key, "", ""
			if done != nil {
				done(res)
			}
		}
	}()
}

// Cancel stops the run in progress, if any; its key is then not started again until Forget.
func (t *Task[R]) Cancel() {
	if t.cancel != nil {
		t.cancel()
	}
}

// Forget forgets a cancellation: the person changed something, so the next key may run.
func (t *Task[R]) Forget() { t.stopped = "" }

// Running reports whether a run is in progress.
func (t *Task[R]) Running() bool { return t.running }

// ShowProgress reports whether the run in progress has gone on for ProgressDelay.
func (t *Task[R]) ShowProgress() bool { return t.running && t.slow }

// ProgressValue is the fraction done, as text for <progress>.
func (t *Task[R]) ProgressValue() string { return strconv.FormatFloat(t.prog.Fraction, 'f', 3, 64) }

// ProgressText is the run's last message, or "Working…".
func (t *Task[R]) ProgressText() string {
	if t.prog.Message == "" {
		return "Working…"
	}
	return t.prog.Message + "…"
}

// State is "running", "error", "cancelled", "done" or "empty" for the key wanted now.
func (t *Task[R]) State(want string) string {
	switch {
	case t.running:
		return "running"
	case t.err != "" && t.errKey == want:
		return "error"
	case t.stopped != "" && t.stopped == want:
		return "cancelled"
	case t.res != nil && t.resKey == want:
		return "done"
	}
	return "empty"
}

// Error is the last error, when it is about the key wanted now.
func (t *Task[R]) Error(want string) string {
	if t.err != "" && t.errKey == want {
		return t.err
	}
	return ""
}

// Result is the last result: nil before the first, and while an error about the key wanted now
// is shown (the previous result would read as the answer to what failed). It may be another
// key's (ResKey); a view dims it while a newer run goes on.
func (t *Task[R]) Result(want string) *R {
	if t.Error(want) != "" {
		return nil
	}
	return t.res
}

// ResKey is the key of the last result.
func (t *Task[R]) ResKey() string { return t.resKey }

// Status is a short message about the last run (after Cancel), or "".
func (t *Task[R]) Status() string { return t.status }
