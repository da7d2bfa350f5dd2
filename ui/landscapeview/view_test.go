package landscapeview

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/appstate"
)

// newView returns a View on the state of fragment, computed once as the first render does.
// Without an event environment the view runs its loop synchronously, so Play and Step return
// when the run (or step) is over.
func newView(t *testing.T, fragment string) (*View, *appstate.State, *string) {
	t.Helper()
	st := appstate.Parse(fragment)
	url := new(string)
	st.OnChange = func(s *appstate.State) { *url = s.Fragment() }
	v := &View{State: st}
	v.Compute(nil)
	return v, st, url
}

func TestViewPlayStepReset(t *testing.T) {
	v, _, _ := newView(t, "#landscape?kind=wells&seed=5&walkers=100&steps=4000")
	if v.Phase() != Ready || v.Sim() == nil || v.Sim().Step() != 0 {
		t.Fatalf("new view: phase %v, sim %v; want ready at step 0", v.Phase(), v.Sim())
	}
	v.Step()
	if v.Phase() != Paused || v.Sim().Step() != 40 {
		t.Errorf("after Step: phase %v at step %d; want paused at 40 (1/%d of 4000)", v.Phase(), v.Sim().Step(), StepFraction)
	}
	v.Play()
	if v.Phase() != Done || v.Sim().Step() != 4000 {
		t.Errorf("after Play: phase %v at step %d; want done at 4000", v.Phase(), v.Sim().Step())
	}
	done := v.Sim().Summary()
	v.Reset()
	if v.Phase() != Ready || v.Sim().Step() != 0 {
		t.Errorf("after Reset: phase %v at step %d; want ready at 0", v.Phase(), v.Sim().Step())
	}
	v.Play()
	if got := v.Sim().Summary(); got != done {
		t.Errorf("second run of the same spec: %s\nfirst: %s", got, done)
	}
	if !strings.Contains(v.ProgressText(), "done") {
		t.Errorf("progress text at the end = %q", v.ProgressText())
	}
}

func TestViewControlsWriteTheLink(t *testing.T) {
	v, st, url := newView(t, "#landscape?kind=wells&seed=5&walkers=100&steps=4000")
	v.SetValue("wr", 3)
	if got := spec.Must(st.Specs["landscape"].Wells()).WR; got != 3 {
		t.Errorf("after moving wr to 3 the state holds wr=%v", got)
	}
	if !strings.Contains(*url, "wr=3") || !strings.HasPrefix(*url, "#landscape?") {
		t.Errorf("the link after moving wr: %q, want it to carry wr=3", *url)
	}
	if v.Sim() == nil || spec.Must(v.Sim().Spec.Wells()).WR != 3 || v.Err() != "" {
		t.Errorf("the run was not rebuilt with wr=3 (err %q)", v.Err())
	}
	// A combination the kind refuses: the view says which field and offers no run.
	v.SetControl("eta", "1000")
	if v.Phase() != Invalid || v.Sim() != nil || !strings.HasPrefix(v.Err(), "eta:") {
		t.Errorf("η = 1: phase %v, error %q; want invalid with an eta error", v.Phase(), v.Err())
	}
	v.SetControl("eta", "90") // 10^-3: a decade of 90 stops from 10^-4
	if v.Phase() != Ready || v.Err() != "" {
		t.Errorf("η back to 1e-3: phase %v, error %q", v.Phase(), v.Err())
	}
	v.SetControl("alpha", "abc")
	if !strings.HasPrefix(v.Err(), "alpha:") || v.Sim() == nil {
		t.Errorf("alpha=abc: error %q; want an alpha error and the run kept", v.Err())
	}
	v.SetSeed("77")
	if v.Sim() == nil || v.Sim().Spec.Seed != 77 || !strings.Contains(*url, "seed=77") {
		t.Errorf("seed 77: run seed %v, link %q", v.Sim().Spec.Seed, *url)
	}
	for _, bad := range []string{"-1", "x", "9007199254740992"} { // the last is 2^53
		v.SetSeed(bad)
		if !strings.HasPrefix(v.Err(), "seed:") || v.Sim().Spec.Seed != 77 {
			t.Errorf("seed %q: error %q, run seed %d; want a seed error and the seed kept", bad, v.Err(), v.Sim().Spec.Seed)
		}
	}
	v.SetControl("nope", "1")
	if !strings.HasPrefix(v.Err(), "nope:") {
		t.Errorf("unknown control: error %q", v.Err())
	}
}

func TestViewCapsWalkersAndFollowsTheLink(t *testing.T) {
	v, st, _ := newView(t, "#landscape?kind=exit&walkers=4000000&steps=10")
	if v.Sim() == nil || v.Sim().Walkers != MaxBrowserWalkers || len(v.Notes()) != 1 || !strings.HasPrefix(v.Notes()[0], "walkers:") {
		t.Fatalf("4M walkers: sim %v, notes %q; want %d walkers and a note", v.Sim() != nil, v.Notes(), MaxBrowserWalkers)
	}
	if spec.Must(st.Specs["landscape"].Exit()).Walkers != MaxBrowserWalkers {
		t.Errorf("the link still asks for %d walkers", spec.Must(st.Specs["landscape"].Exit()).Walkers)
	}
	// A new link (hash change) replaces the state's spec: the next render rebuilds the run.
	next := appstate.Parse("#landscape?kind=wells&seed=9&walkers=20&steps=100")
	st.Specs["landscape"] = next.Specs["landscape"]
	v.Compute(nil)
	if v.Sim() == nil || v.Sim().Kind != "wells" || v.Sim().Spec.Seed != 9 || v.Sim().Walkers != 20 {
		t.Errorf("after a new link the run is %+v", v.Sim().Spec)
	}
}

// FuzzFragment: whatever a link holds, the view builds a run or says why, within the
// browser's caps, without panicking.
func FuzzFragment(f *testing.F) {
	f.Add("#landscape?kind=wells&seed=3&alpha=1.2")
	f.Add("#landscape?kind=exit&walkers=99999999&steps=1e9")
	f.Add("#landscape?kind=wells&eta=1&wl=0.05&hl=20")
	f.Add("#landscape?kind=stable")
	f.Add("#landscape?%zz")
	f.Fuzz(func(t *testing.T, fragment string) {
		st := appstate.Parse(fragment)
		v := &View{State: st}
		v.Compute(nil)
		if s := v.Sim(); s != nil {
			if s.Walkers > MaxBrowserWalkers {
				t.Fatalf("%q: %d walkers", fragment, s.Walkers)
			}
			if _, err := s.Advance(1); err != nil {
				t.Fatalf("%q: %v", fragment, err)
			}
		} else if v.Err() == "" {
			t.Fatalf("%q: no run and no error", fragment)
		}
	})
}

// fakeEnv is an event environment without a page: a mutex, and a count of the redraws asked.
type fakeEnv struct {
	mu      sync.Mutex
	renders atomic.Int64
}

func (e *fakeEnv) Lock()         { e.mu.Lock() }
func (e *fakeEnv) UnlockOnly()   { e.mu.Unlock() }
func (e *fakeEnv) UnlockRender() { e.mu.Unlock(); e.renders.Add(1) }
func (e *fakeEnv) RLock()        { e.mu.Lock() }
func (e *fakeEnv) RUnlock()      { e.mu.Unlock() }

// TestViewBackgroundLoop runs the animation loop as the page does (a goroutine taking the
// environment's lock for each slice), pauses it, steps, and plays it to the end.
func TestViewBackgroundLoop(t *testing.T) {
	env := &fakeEnv{}
	st := appstate.Parse("#landscape?kind=wells&seed=5&walkers=50&steps=3000")
	v := &View{State: st, Env: env}
	locked := func(f func()) { env.Lock(); defer env.UnlockOnly(); f() }
	wait := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			var ok bool
			locked(func() { ok = cond() })
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s (phase %v, step %d)", what, v.Phase(), v.Sim().Step())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	locked(func() { v.Compute(nil); v.Play() })
	wait("some steps", func() bool { return v.Sim().Step() > 0 })
	var held int64
	locked(func() { v.Pause(); held = v.Sim().Step() })
	time.Sleep(100 * time.Millisecond)
	locked(func() {
		if v.Phase() != Paused || v.Sim().Step() != held {
			t.Errorf("paused at step %d; 100 ms later phase %v, step %d", held, v.Phase(), v.Sim().Step())
		}
		v.Step()
	})
	wait("the step", func() bool { return v.Phase() == Paused && v.Sim().Step() == min(3000, held+30) })
	locked(func() { v.Play() })
	wait("the end", func() bool { return v.Phase() == Done })
	locked(func() {
		if v.Sim().Step() != 3000 {
			t.Errorf("done at step %d, want 3000", v.Sim().Step())
		}
	})
	if env.renders.Load() == 0 {
		t.Error("the loop never asked for a redraw")
	}
}
