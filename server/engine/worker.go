package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/tailscope/tailscope/server/internal/runexec"
	"github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
)

// Worker takes runs of one backend from the work stream and executes them, Slots at a time.
type Worker struct {
	Conn    *nats.Conn
	Backend run.Backend
	// BackendName picks the runs: those published for this backend; "": DefaultBackend.
	BackendName string
	Slots       int    // runs at once; 0: 1
	Name        string // shown in the runs' messages; "": host name and process id

	MaxRunTime     time.Duration // a run working longer fails; 0: 1 h
	MaxResultBytes int           // a larger JSON result fails; 0: 8 MiB
	MaxPartial     int           // a larger partial result is left out of a progress report; 0: 256 KiB
	ProgressEvery  time.Duration // progress is published at most this often; 0: 500 ms

	Logf func(format string, args ...any) // nil: log.Printf

	// Executed counts the runs this worker finished (done, failed or cancelled) and reported.
	Executed atomic.Int64
}

// Errors of a run's context that decide what a worker reports.
var (
	errStopped      = errors.New("the run was cancelled or finished elsewhere")
	errWorkerClosed = errors.New("the worker is stopping")
	errRunTimeLimit = errors.New("time limit exceeded")
)

// Run works until ctx is done; runs still going then are handed back to the stream (Nak), so
// another worker takes them at once. It returns nil after ctx is done (up to half a second
// later: see Serve), or an error if the stream cannot be reached at the start.
func (w *Worker) Run(ctx context.Context) error { return w.Serve(ctx, ctx) }

// Serve takes runs until take is done, and stops the runs still going (handing them back to
// the stream) when stop is done; it returns once no run is left and its last pulls for runs
// have expired, at most pullWait (500 ms) after take is done when no run goes on: a run such a
// pull brings is handed back too (see loop). Close the connection only after Serve returns. A
// graceful shutdown cancels take first and stop after a grace period.
func (w *Worker) Serve(take, stop context.Context) error {
	ctx := stop
	if w.BackendName == "" {
		w.BackendName = DefaultBackend
	}
	if w.Slots <= 0 {
		w.Slots = 1
	}
	if w.Name == "" {
		host, _ := os.Hostname()
		w.Name = host + "/" + strconv.Itoa(os.Getpid())
	}
	if w.MaxRunTime <= 0 {
		w.MaxRunTime = time.Hour
	}
	if w.MaxResultBytes <= 0 {
		w.MaxResultBytes = runexec.DefaultMaxResultBytes
	}
	if w.MaxPartial <= 0 {
		w.MaxPartial = 256 << 10
	}
	if w.ProgressEvery <= 0 {
		w.ProgressEvery = 500 * time.Millisecond
	}
	logf := w.Logf
	if logf == nil {
		logf = log.Printf
	}
	js, err := jetstream.New(w.Conn)
	if err != nil {
		return err
	}
	// The server creates the streams; a worker started first waits for them.
	var cons jetstream.Consumer
	var res *resources
	for {
		cons, err = js.Consumer(ctx, WorkStream, workersPrefix+w.BackendName)
		if err == nil {
			res, err = open(ctx, js, nil)
		}
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		logf("worker %s: waiting for the server to set up JetStream: %v", w.Name, err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return fmt.Errorf("reading the consumer's settings: %w", err)
	}
	ws := &workerState{w: w, js: js, res: res, logf: logf, ackWait: info.Config.AckWait,
		maxAttempt: info.Config.MaxDeliver - 1, running: map[string]context.CancelCauseFunc{}}
	watch, err := res.stops.WatchAll(ctx, jetstream.UpdatesOnly())
	if err != nil {
		return fmt.Errorf("watching %s: %w", StopBucket, err)
	}
	go ws.watchStops(watch)
	var wg sync.WaitGroup
	for range w.Slots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws.loop(take, ctx, cons)
		}()
	}
	wg.Wait()
	watch.Stop()
	return nil
}

// pullWait is how long one pull request for a run waits at the NATS server: also how long a
// worker may take to stop once told to stop taking runs (see loop). An idle slot sends one pull
// request per pullWait, little for a NATS server; a run queued meanwhile is delivered at once.
const pullWait = 500 * time.Millisecond

type workerState struct {
	w          *Worker
	js         jetstream.JetStream
	res        *resources
	logf       func(string, ...any)
	ackWait    time.Duration
	maxAttempt int

	mu      sync.Mutex
	running map[string]context.CancelCauseFunc
}

// watchStops stops a running run as soon as its id appears in the stop bucket.
func (ws *workerState) watchStops(watch jetstream.KeyWatcher) {
	for e := range watch.Updates() {
		if e == nil || e.Operation() != jetstream.KeyValuePut {
			continue
		}
		ws.mu.Lock()
		if cancel := ws.running[e.Key()]; cancel != nil {
			cancel(errStopped)
		}
		ws.mu.Unlock()
	}
}

// loop takes runs one at a time until take ends. Its pull request for the next run is not
// withdrawn when take ends: a pull abandoned by the client stays registered at the NATS server
// until it expires, and a run the server delivers to it then is lost to every worker until the
// ack wait (30 s by default) has passed. So each pull runs to its expiry (pullWait, at most that
// much after take ends, or after stop for Run), and a run it brings after take ended is handed
// back (Nak) at once, for another worker.
func (ws *workerState) loop(take, ctx context.Context, cons jetstream.Consumer) {
	for take.Err() == nil && ctx.Err() == nil {
		msg, err := cons.Next(jetstream.FetchMaxWait(pullWait))
		if err != nil {
			if take.Err() == nil && !errors.Is(err, nats.ErrTimeout) {
				// The connection is down (a server restarting): try again shortly.
				select {
				case <-take.Done():
				case <-time.After(500 * time.Millisecond):
				}
			}
			continue
		}
		if take.Err() != nil || ctx.Err() != nil {
			msg.Nak()
			return
		}
		ws.handle(ctx, msg)
	}
}

// handle executes one delivery of a run.
func (ws *workerState) handle(ctx context.Context, msg jetstream.Msg) {
	md, err := msg.Metadata()
	if err != nil {
		ws.logf("worker %s: a message without metadata: %v", ws.w.Name, err)
		msg.Term()
		return
	}
	attempt := int(md.NumDelivered)
	var wm workMsg
	if err := json.Unmarshal(msg.Data(), &wm); err != nil || wm.ID == "" {
		ws.logf("worker %s: an unreadable work message (stream sequence %d): %v", ws.w.Name, md.Sequence.Stream, err)
		msg.TermWithReason("unreadable")
		return
	}
	ev := event{ID: wm.ID, Attempt: attempt, Worker: ws.w.Name}
	// A run cancelled, or finished by another delivery, is not run again.
	if e, err := ws.res.stops.Get(ctx, wm.ID); err == nil && e != nil {
		msg.Ack()
		return
	}
	if attempt > ws.maxAttempt {
		ev.Type = evFailed
		ev.Error = fmt.Sprintf("the run was delivered %d times and its worker stopped each time without reporting (a crash, or a machine lost); giving up", ws.maxAttempt)
		if ws.publish(ctx, ev) == nil {
			msg.TermWithReason("too many deliveries")
		}
		return
	}
	s, err := spec.Parse(wm.Spec)
	if err != nil {
		ev.Type, ev.Error = evFailed, "this worker cannot read the run's spec: "+err.Error()
		if ws.publish(ctx, ev) == nil {
			msg.Term()
		}
		return
	}
	ev.Type = evStarted
	if attempt > 1 {
		ev.Message = fmt.Sprintf("attempt %d of %d (an earlier worker stopped before finishing it)", attempt, ws.maxAttempt)
	}
	if err := ws.publish(ctx, ev); err != nil {
		msg.Nak()
		return
	}

	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ws.mu.Lock()
	ws.running[wm.ID] = cancel
	ws.mu.Unlock()
	defer func() {
		ws.mu.Lock()
		delete(ws.running, wm.ID)
		ws.mu.Unlock()
	}()
	// Keep the delivery ours while the run works.
	go func() {
		t := time.NewTicker(max(ws.ackWait/3, 50*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-rctx.Done():
				return
			case <-t.C:
				msg.InProgress()
			}
		}
	}()
	// A stop requested before the watch saw this run started.
	if e, err := ws.res.stops.Get(ctx, wm.ID); err == nil && e != nil {
		cancel(errStopped)
	}

	tctx, stop := context.WithTimeoutCause(rctx, ws.w.MaxRunTime, errRunTimeLimit)
	result, err := ws.call(tctx, s, wm.ID)
	stop()
	var enc []byte
	if err == nil {
		enc, err = runexec.Encode(result, ws.w.MaxResultBytes)
	}
	cause := context.Cause(tctx)
	switch {
	case ctx.Err() != nil:
		// This worker is stopping: the run goes back to the stream for another worker.
		msg.Nak()
		return
	case err == nil:
		if _, perr := ws.res.results.PutBytes(ctx, wm.ID, enc); perr != nil {
			ws.logf("worker %s: run %s: storing the result: %v", ws.w.Name, wm.ID, perr)
			msg.Nak()
			return
		}
		ev.Type, ev.Message = evDone, ""
	case errors.Is(cause, errStopped):
		e, gerr := ws.res.stops.Get(ctx, wm.ID)
		if gerr != nil || string(e.Value()) != evCancelled {
			msg.Ack() // finished by another delivery: nothing to report
			return
		}
		ev.Type, ev.Message = evCancelled, "cancelled while running"
	case errors.Is(cause, errRunTimeLimit):
		ev.Type, ev.Error = evFailed, fmt.Sprintf("stopped after the time limit of %v per run; ask for a smaller run", ws.w.MaxRunTime)
	default:
		ev.Type, ev.Error = evFailed, err.Error()
	}
	if err := ws.publish(ctx, ev); err != nil {
		msg.Nak()
		return
	}
	ws.w.Executed.Add(1)
	// The ack may be lost (a server restarting): the run is then delivered again, and the
	// next worker finds it in the stop bucket once the server has recorded it.
	msg.DoubleAck(ctx)
}

// call runs the backend (runexec.Call: a panic becomes the run's error), publishing its
// progress at most every ProgressEvery.
func (ws *workerState) call(ctx context.Context, s spec.Spec, id string) (result any, err error) {
	var last time.Time
	subject := progressPfx + id
	report := func(p spec.Progress) {
		now := time.Now()
		if now.Sub(last) < ws.w.ProgressEvery && p.Fraction < 1 {
			return
		}
		last = now
		m := progressMsg{ID: id, Fraction: p.Fraction, Message: p.Message}
		if p.Partial != nil {
			if b, err := json.Marshal(p.Partial); err == nil && len(b) <= ws.w.MaxPartial {
				m.Partial = b
			}
		}
		if b, err := json.Marshal(m); err == nil {
			ws.w.Conn.Publish(subject, b) // lossy by design: the next report replaces it
		}
	}
	return runexec.Call(ctx, ws.w.Backend, s, report, id, func(format string, args ...any) {
		ws.logf("worker %s: "+format, append([]any{ws.w.Name}, args...)...)
	})
}

// publish sends an event, retrying while the NATS server is unreachable (a restart), until
// ctx is done.
func (ws *workerState) publish(ctx context.Context, ev event) error {
	data, _ := json.Marshal(ev)
	delay := 100 * time.Millisecond
	for {
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_, err := ws.js.Publish(pctx, eventPrefix+ev.ID, data, jetstream.WithMsgID(ev.msgID()))
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}
