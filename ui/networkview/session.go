package networkview

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/vugu/vugu"
)

// Timing of the training loop.
const (
	// Slice is the work done between two yields to the browser: short enough that a click
	// or a slider answers at once, long enough that the yields cost little.
	Slice = 10 * time.Millisecond
	// Yield is how long the loop sleeps after each slice natively; under js/wasm it
	// waits for one turn of the browser's event loop instead (see yield).
	Yield = time.Millisecond
	// RenderEvery bounds how often the loop asks for a re-render while it runs.
	RenderEvery = 200 * time.Millisecond
)

// Loader returns the training and test sets of an "mlp" spec, cut to its n and testN.
type Loader func(ctx context.Context, s spec.Spec) (train, test *data.Set, err error)

// LocalData loads a spec's data in this process: the synthetic sets are drawn from the
// seed, MNIST is read from GoMNIST's files (natively only; the browser uses HTTPData).
func LocalData(_ context.Context, s spec.Spec) (*data.Set, *data.Set, error) {
	return mlp.LoadData(s)
}

// Session is one training run driven from the page: a state machine over mlp.Trainer with
// play, pause, step and reset, computing in slices of Slice on a goroutine of its own.
//
// Every exported field and method is guarded by Env: the Vugu event environment in the
// browser (event handlers already hold it; the loop takes Lock and releases it with
// UnlockRender or UnlockOnly). The trainer itself is touched only by the loop goroutine,
// outside the lock, and its results are copied into the fields under the lock.
type Session struct {
	Env  vugu.EventEnv
	Load Loader // nil: LocalData
	// Workers is how many Web Workers a measurement is spread over (WorkerMeasurer); 0 or 1:
	// it runs on the page's thread, yielding between batches.
	Workers int

	Spec  spec.Spec
	Iter  int              // SGD steps taken
	Evals []mlp.Evaluation // measurements so far, in iteration order
	Loss  []float32        // minibatch loss of every step taken (before the step)
	Hist  *NoiseHistogram  // of the latest measurement that kept a noise sample
	Err   error            // why the run stopped, if it failed
	State State            // what the loop is doing
	Phase string           // a short text of what is happening, for the progress line
	Frac  float64          // fraction of the whole run done, in [0, 1]
	Evalf float64          // fraction of the measurement in progress done
	Steps int              // steps still to take before pausing (the Step button)
	Play  bool             // keep training until paused or done
	Run   *mlp.Result      // set when the charts show a result from the server (Remote)
	From  string           // where the shown result comes from: "" (this page) or a text

	gen        int // bumped by Reset: a loop of an older generation stops
	cancel     context.CancelFunc
	wake       chan struct{}
	started    bool // play or step was pressed since the reset: measurements run when due
	lastRender time.Time

	sample      []float64 // noise sample of the latest measurement
	sampleIter  int
	sampleAlpha float64
	histAt      time.Time // when Hist was last computed
	histIter    int       // the sample iteration Hist (possibly nil) was computed from
}

// HistEvery bounds how often the noise histogram is recomputed while training runs: its
// fitted SαS density costs about 100 ms in a browser.
const HistEvery = time.Second

// Histogram returns the noise histogram of a recent measurement: the loop recomputes it
// after a measurement at most every HistEvery while it trains, and always before it stops.
func (s *Session) Histogram() *NoiseHistogram { return s.Hist }

// refreshHist recomputes the histogram from the latest sample, outside the lock, yielding
// as it goes. It reports false when the session moved to another generation.
func (s *Session) refreshHist(gen int) bool {
	s.Env.Lock()
	sample, iter, alpha := s.sample, s.sampleIter, s.sampleAlpha
	s.Env.UnlockOnly()
	h := newNoiseHistogram(sample, iter, alpha, yield)
	s.Env.Lock()
	if s.gen != gen {
		s.Env.UnlockOnly()
		return false
	}
	if s.sampleIter == iter {
		s.Hist, s.histIter, s.histAt = h, iter, time.Now()
	}
	s.unlock(true)
	return true
}

// State is the state of a Session.
type State int

// The states of a Session.
const (
	Loading  State = iota // fetching or generating the data
	Ready                 // data and network ready; not training
	Running               // training or measuring
	Finished              // every iteration taken and measured
	Failed                // stopped by an error (Err)
	Remote                // showing a server result; nothing runs here
)

func (s State) String() string {
	switch s {
	case Loading:
		return "loading"
	case Ready:
		return "ready"
	case Running:
		return "running"
	case Finished:
		return "finished"
	case Failed:
		return "failed"
	case Remote:
		return "remote"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// NewSession returns a session for sp; call Reset (under the lock) to start loading.
func NewSession(env vugu.EventEnv, load Loader, sp spec.Spec) *Session {
	return &Session{Env: env, Load: load, Spec: sp.Clone(), State: Loading}
}

// Reset forgets the run and starts a new one for sp (loading its data in the background);
// nothing trains until Start or StepOnce. Call it with the lock held.
func (s *Session) Reset(sp spec.Spec) {
	if s.cancel != nil {
		s.cancel()
	}
	s.gen++
	s.Spec = sp.Clone()
	s.Iter, s.Evals, s.Loss, s.Hist, s.Err, s.sample = 0, nil, nil, nil, nil, nil
	s.histIter = -1
	s.State, s.Phase, s.Frac, s.Evalf = Loading, "preparing the data", 0, 0
	s.Steps, s.Play, s.started, s.Run, s.From = 0, false, false, nil, ""
	if err := sp.Validate(); err != nil {
		s.fail(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wake = make(chan struct{}, 1)
	go s.loop(ctx, s.gen, s.Spec.Clone(), s.wake)
}

// Stop cancels the run's goroutine, as Reset does, without starting another.
func (s *Session) Stop() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.gen++
	s.Play, s.Steps = false, 0
}

// Start trains until Pause or the last iteration. Call it with the lock held.
func (s *Session) Start() {
	if s.State == Finished || s.State == Failed || s.State == Remote {
		return
	}
	s.Play, s.Steps, s.started = true, 0, true
	s.poke()
}

// Pause stops training after the step (or the measurement) in progress.
func (s *Session) Pause() {
	s.Play, s.Steps = false, 0
}

// StepOnce takes exactly one more SGD step (after the measurement due before it, if any)
// and pauses. Call it with the lock held.
func (s *Session) StepOnce() {
	if s.State == Finished || s.State == Failed || s.State == Remote {
		return
	}
	s.Play, s.started = false, true
	s.Steps++
	s.poke()
}

// Busy reports whether the loop has work to do.
func (s *Session) Busy() bool { return s.Play || s.Steps > 0 }

func (s *Session) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Session) fail(err error) {
	s.Err, s.State, s.Play, s.Steps = err, Failed, false, 0
	s.Phase = "stopped: " + err.Error()
}

// unlock releases the lock, asking for a render when forced or when RenderEvery passed.
func (s *Session) unlock(force bool) {
	if force || time.Since(s.lastRender) >= RenderEvery {
		s.lastRender = time.Now()
		s.Env.UnlockRender()
		return
	}
	s.Env.UnlockOnly()
}

// inWorkers says, for the progress line, where a measurement runs.
func inWorkers(n int) string {
	if n > 1 {
		return fmt.Sprintf(" in %d Web Workers", n)
	}
	return ""
}

// errStale stops the loop of a generation that Reset or Stop ended.
var errStale = errors.New("networkview: the run was reset")

// loop is the session's goroutine for generation gen: it loads the data, then runs
// mlp.Loop with callbacks that wait for play or step, copy the results into the fields
// under the lock and yield to the page after every slice.
func (s *Session) loop(ctx context.Context, gen int, sp spec.Spec, wake chan struct{}) {
	load := s.Load
	if load == nil {
		load = LocalData
	}
	train, test, err := load(ctx, sp)
	var tr *mlp.Trainer
	if err != nil {
		err = fmt.Errorf("loading the data: %w", err)
	} else {
		tr, err = mlp.NewTrainer(sp, train, test) // refuses precision=float64 here in one line
	}
	workers := s.Workers
	if err == nil && workers > 1 {
		tr.UseMeasurer(WorkerMeasurer(sp, workers))
	}
	s.Env.Lock()
	if s.gen != gen {
		s.Env.UnlockOnly()
		return
	}
	if err != nil {
		s.fail(err)
		s.unlock(true)
		return
	}
	s.State, s.Phase = Ready, fmt.Sprintf("ready: %d training and %d test examples, %d weights", train.Len(), test.Len(), tr.NumParams())
	s.unlock(true)

	iters := tr.Params().Steps()
	var (
		measuring bool      // the loop's last wait was for a measurement
		stepping  bool      // the slice in progress takes at most Steps steps (the Step button)
		lastYield time.Time // during a measurement
	)
	err = mlp.Loop{
		Slice: Slice,
		Wait: func(ctx context.Context, due bool) (int, error) {
			measuring = due
			budget, err := s.await(ctx, gen, tr, due, wake)
			if err == nil {
				stepping = budget >= 0
				lastYield = time.Now()
			}
			return budget, err
		},
		Measuring: func(f float64) {
			if time.Since(lastYield) < Slice {
				return
			}
			s.Env.Lock()
			if s.gen == gen {
				s.Evalf, s.Frac = f, tr.Fraction(f)
			}
			s.unlock(false)
			yield()
			lastYield = time.Now()
		},
		Measured: func(ev mlp.Evaluation) error {
			s.Env.Lock()
			if s.gen != gen {
				s.Env.UnlockOnly()
				return errStale
			}
			s.Evals = append(s.Evals, ev)
			if ev.Noise != nil && len(ev.Noise.Sample) > 0 {
				s.sample, s.sampleIter, s.sampleAlpha = ev.Noise.Sample, ev.Iter, ev.Alpha
			}
			s.Evalf, s.Frac = 0, tr.Fraction(0)
			s.Phase = fmt.Sprintf("iteration %d: α̂ = %.3f", ev.Iter, ev.Alpha)
			stale := s.sample != nil && time.Since(s.histAt) >= HistEvery
			s.unlock(!s.Play)
			yield()
			if stale && !s.refreshHist(gen) {
				return errStale
			}
			return nil
		},
		Stepped: func(losses []float32) error {
			s.Env.Lock()
			if s.gen != gen {
				s.Env.UnlockOnly()
				return errStale
			}
			s.Loss = append(s.Loss, losses...)
			s.Iter = tr.Iter()
			if stepping {
				s.Steps = max(0, s.Steps-len(losses))
			}
			s.Frac = tr.Fraction(0)
			s.Phase = fmt.Sprintf("training: iteration %d of %d", tr.Iter(), iters)
			s.unlock(stepping)
			yield()
			return nil
		},
	}.Run(ctx, tr)

	s.Env.Lock()
	if s.gen != gen {
		s.Env.UnlockOnly()
		return
	}
	if err != nil {
		if measuring {
			err = fmt.Errorf("measuring the noise at iteration %d: %w", tr.Iter(), err)
		}
		s.fail(err)
		s.unlock(true)
		return
	}
	s.Play, s.Steps = false, 0 // every iteration is taken and measured
	refresh := s.sample != nil && s.histIter != s.sampleIter
	s.Env.UnlockOnly()
	if refresh && !s.refreshHist(gen) {
		return
	}
	s.Env.Lock()
	if s.gen == gen {
		s.Play, s.Steps = false, 0
		s.State, s.Phase = Finished, fmt.Sprintf("finished: %d iterations", tr.Iter())
	}
	s.unlock(true)
}

// await blocks until the page asks for work: a due measurement once play or step was
// pressed, or steps. Meanwhile it refreshes a stale histogram and marks the run paused. It
// returns how many steps the next slice may take (< 0: until paused), and errStale or
// ctx.Err() when the generation ended.
func (s *Session) await(ctx context.Context, gen int, tr *mlp.Trainer, due bool, wake chan struct{}) (int, error) {
	for {
		s.Env.Lock()
		if s.gen != gen {
			s.Env.UnlockOnly()
			return 0, errStale
		}
		due := due && s.started
		if s.Busy() || due {
			s.State = Running
			budget := -1
			if !s.Play {
				budget = s.Steps
			}
			if due {
				s.Phase, s.Evalf = fmt.Sprintf("measuring the gradient noise at iteration %d (%d batches%s)", tr.Iter(), tr.EvalBatches(), inWorkers(s.Workers)), 0
			}
			s.unlock(false)
			return budget, nil
		}
		if s.sample != nil && s.histIter != s.sampleIter {
			s.Env.UnlockOnly()
			if !s.refreshHist(gen) {
				return 0, errStale
			}
			continue
		}
		if s.State == Running {
			s.State = Ready
			s.Phase = fmt.Sprintf("paused at iteration %d", tr.Iter())
		}
		s.unlock(true)
		select {
		case <-wake:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// ShowResult stops any local run and shows a result computed elsewhere (the server, a
// stored share): its measurements fill the same charts. Call it with the lock held.
func (s *Session) ShowResult(res *mlp.Result, from string) {
	s.Stop()
	s.Spec = res.Spec.Clone()
	s.Run, s.From = res, from
	s.Evals = res.Evaluations
	s.Loss, s.Hist, s.Err, s.sample = nil, nil, nil, nil
	s.Iter = 0
	if n := len(res.Evaluations); n > 0 {
		s.Iter = res.Evaluations[n-1].Iter
	}
	s.State, s.Frac, s.Evalf = Remote, 1, 0
	s.Phase = fmt.Sprintf("showing %s: %d measurements up to iteration %d", from, len(res.Evaluations), s.Iter)
}

// ShowPartial shows the measurements of a run still in progress elsewhere.
func (s *Session) ShowPartial(sp spec.Spec, evals []mlp.Evaluation, frac float64, from, msg string) {
	s.Stop()
	s.Spec = sp.Clone()
	s.Run, s.From = nil, from
	s.Evals = evals
	s.Loss, s.Hist, s.Err, s.sample = nil, nil, nil, nil
	s.Iter = 0
	if n := len(evals); n > 0 {
		s.Iter = evals[n-1].Iter
	}
	s.State, s.Frac = Remote, frac
	s.Phase = from + ": " + msg
}
