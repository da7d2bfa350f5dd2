package networkview

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/vugu/vugu"
)

// smallSpec is a run of a few hundred milliseconds: 300 blobs, a 2-16-3 network.
func smallSpec(t testing.TB) spec.Spec {
	t.Helper()
	sp := spec.MustNew("mlp", 7)
	for name, v := range map[string]float64{"n": 300, "testN": 100, "width": 16, "depth": 2, "batch": 30, "iters": 40, "evalEvery": 10} {
		if err := sp.Set(name, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := sp.SetChoice("dataset", "blobs"); err != nil {
		t.Fatal(err)
	}
	return sp
}

func newTestSession(t *testing.T, sp spec.Spec) (*Session, vugu.EventEnv) {
	env := vugu.NewEventEnvImpl(&sync.RWMutex{}, make(chan bool, 1))
	s := NewSession(env, nil, sp)
	env.Lock()
	s.Reset(sp)
	env.UnlockOnly()
	t.Cleanup(func() { env.Lock(); s.Stop(); env.UnlockOnly() })
	return s, env
}

// waitFor polls cond under the lock for up to 20 s.
func waitFor(t *testing.T, env vugu.EventEnv, s *Session, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		env.Lock()
		ok := cond()
		state, iter, phase := s.State, s.Iter, s.Phase
		env.UnlockOnly()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: state %v, iteration %d, %q", what, state, iter, phase)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func idle(s *Session) func() bool {
	return func() bool { return !s.Busy() && s.State != Running && s.State != Loading }
}

// TestSessionMatchesRun: playing to the end gives exactly the measurements of mlp.Run on
// the same spec (same seed, same data order, same measurement seeds).
func TestSessionMatchesRun(t *testing.T) {
	sp := smallSpec(t)
	want, err := mlp.Run(context.Background(), sp, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, env := newTestSession(t, sp)
	env.Lock()
	s.Start()
	env.UnlockOnly()
	waitFor(t, env, s, "the end of the run", func() bool { return s.State == Finished || s.State == Failed })
	env.Lock()
	defer env.UnlockOnly()
	if s.Err != nil {
		t.Fatal(s.Err)
	}
	if s.Iter != 40 || len(s.Loss) != 40 {
		t.Errorf("after the run: iteration %d, %d losses; want 40, 40", s.Iter, len(s.Loss))
	}
	if len(s.Evals) != len(want.Evaluations) {
		t.Fatalf("%d measurements; mlp.Run made %d", len(s.Evals), len(want.Evaluations))
	}
	for i, e := range s.Evals {
		w := want.Evaluations[i]
		if e.Iter != w.Iter || e.Alpha != w.Alpha || e.TestLoss != w.TestLoss || e.TrainAcc != w.TrainAcc {
			t.Errorf("measurement %d: iter %d α̂ %v test loss %v train acc %v; mlp.Run: iter %d α̂ %v test loss %v train acc %v",
				i, e.Iter, e.Alpha, e.TestLoss, e.TrainAcc, w.Iter, w.Alpha, w.TestLoss, w.TrainAcc)
		}
	}
	if h := s.Histogram(); h == nil || h.Iter != 40 {
		t.Errorf("histogram %+v; want one of iteration 40", h)
	}
	if s.Frac != 1 {
		t.Errorf("progress at the end = %v; want 1", s.Frac)
	}
}

// TestSessionStepPauseReset checks the exact iteration accounting of Step, Pause and Reset.
func TestSessionStepPauseReset(t *testing.T) {
	sp := smallSpec(t)
	s, env := newTestSession(t, sp)
	waitFor(t, env, s, "the data", func() bool { return s.State == Ready })

	step := func(k, wantIter, wantEvals int) {
		t.Helper()
		env.Lock()
		for range k {
			s.StepOnce()
		}
		env.UnlockOnly()
		waitFor(t, env, s, "the steps", idle(s))
		time.Sleep(20 * time.Millisecond) // nothing more may happen
		env.Lock()
		defer env.UnlockOnly()
		if s.Iter != wantIter || len(s.Evals) != wantEvals || len(s.Loss) != wantIter {
			t.Errorf("after %d step(s): iteration %d, %d measurements, %d losses; want %d, %d, %d",
				k, s.Iter, len(s.Evals), len(s.Loss), wantIter, wantEvals, wantIter)
		}
	}
	step(1, 1, 1) // the measurement at 0, then one step
	step(1, 2, 1)
	step(8, 10, 2) // reaching 10 measures there
	step(1, 11, 2)

	// Play, pause: it stops where it is, and stays there.
	env.Lock()
	s.Start()
	env.UnlockOnly()
	waitFor(t, env, s, "a few steps", func() bool { return s.Iter > 11 })
	env.Lock()
	s.Pause()
	env.UnlockOnly()
	waitFor(t, env, s, "the pause", idle(s))
	env.Lock()
	at := s.Iter
	env.UnlockOnly()
	time.Sleep(30 * time.Millisecond)
	env.Lock()
	if s.Iter != at {
		t.Errorf("paused at %d, then at %d", at, s.Iter)
	}
	env.UnlockOnly()
	if at < 40 {
		step(1, at+1, 1+(at+1)/10)
	}

	// Reset: back to iteration 0, nothing measured; stepping starts over identically.
	env.Lock()
	first := s.Evals[1].Alpha
	s.Reset(sp)
	if s.Iter != 0 || len(s.Evals) != 0 || len(s.Loss) != 0 || s.Hist != nil {
		t.Errorf("after reset: iteration %d, %d measurements, %d losses, hist %v", s.Iter, len(s.Evals), len(s.Loss), s.Hist != nil)
	}
	env.UnlockOnly()
	waitFor(t, env, s, "the data after reset", func() bool { return s.State == Ready })
	step(10, 10, 2)
	env.Lock()
	if got := s.Evals[1].Alpha; got != first {
		t.Errorf("α̂ at iteration 10 after reset = %v; before %v", got, first)
	}
	env.UnlockOnly()
}

// TestSessionInvalidSpec: a spec the kind refuses fails with its field named.
func TestSessionInvalidSpec(t *testing.T) {
	sp := smallSpec(t)
	sp.Params["batch"] = spec.Value{Num: 200} // more than n/2 = 150
	s, env := newTestSession(t, sp)
	env.Lock()
	defer env.UnlockOnly()
	if s.State != Failed || s.Err == nil {
		t.Fatalf("state %v, err %v; want failed", s.State, s.Err)
	}
	var fe *spec.FieldError
	if !asFieldError(s.Err, &fe) || fe.Field != "batch" {
		t.Errorf("error %v; want a field error on batch", s.Err)
	}
	s.Start() // refused: nothing to run
	if s.Play {
		t.Errorf("Start on a failed session set Play")
	}
}

func asFieldError(err error, fe **spec.FieldError) bool { return errors.As(err, fe) }
