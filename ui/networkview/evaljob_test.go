package networkview

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/ui/worker"
	"github.com/vugu/vugu"
)

// TestSessionWorkers plays a run whose measurements are spread over workers (natively the
// worker jobs run in the calling goroutine, through the same requests and bytes) and checks
// every measurement against mlp.Run's one-thread one: α̂, its interval, the per-layer α̂, the
// losses, to 1e-12 relative (the parts' sums are associated differently), with the test set's
// noise measured too.
func TestSessionWorkers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		workers int
		arch    string
	}{
		{"2 workers, depth 3", 2, "fc"},
		{"3 workers, depth 4", 3, "fc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp := smallSpec(t)
			depth := map[int]float64{2: 3, 3: 4}[tc.workers]
			for name, v := range map[string]float64{"depth": depth, "testNoise": 1} {
				if err := sp.Set(name, v); err != nil {
					t.Fatal(err)
				}
			}
			want, err := mlp.Run(context.Background(), sp, nil)
			if err != nil {
				t.Fatal(err)
			}
			env := vugu.NewEventEnvImpl(&sync.RWMutex{}, make(chan bool, 1))
			s := NewSession(env, nil, sp)
			s.Workers = tc.workers
			env.Lock()
			s.Reset(sp)
			s.Start()
			env.UnlockOnly()
			t.Cleanup(func() { env.Lock(); s.Stop(); env.UnlockOnly() })
			sawPhase := false
			waitFor(t, env, s, "the end of the run", func() bool {
				sawPhase = sawPhase || strings.Contains(s.Phase, "Web Workers")
				return s.State == Finished || s.State == Failed
			})
			env.Lock()
			defer env.UnlockOnly()
			if s.Err != nil {
				t.Fatal(s.Err)
			}
			if len(s.Evals) != len(want.Evaluations) {
				t.Fatalf("%d measurements, want %d", len(s.Evals), len(want.Evaluations))
			}
			near := func(what string, a, b float64) {
				if a != b && math.Abs(a-b) > 1e-12*math.Max(math.Abs(a), math.Abs(b)) {
					t.Errorf("%s = %v, want %v", what, a, b)
				}
			}
			for i, ev := range s.Evals {
				w := want.Evaluations[i]
				near("α̂", ev.Alpha, w.Alpha)
				near("α̂ lo", ev.Lo, w.Lo)
				near("α̂ hi", ev.Hi, w.Hi)
				near("test α̂", ev.TestAlpha, w.TestAlpha)
				near("train loss", ev.TrainLoss, w.TrainLoss)
				near("zero fraction", ev.ZeroFrac, w.ZeroFrac)
				near("‖ḡ‖", ev.Noise.GradNorm, w.Noise.GradNorm)
				if ev.TestLoss != w.TestLoss || ev.TrainAcc != w.TrainAcc || ev.Iter != w.Iter || len(ev.LayerAlpha) != len(w.LayerAlpha) {
					t.Errorf("measurement %d: %+v, want %+v", i, ev, w)
					continue
				}
				for l := range ev.LayerAlpha {
					near("layer α̂", ev.LayerAlpha[l], w.LayerAlpha[l])
				}
			}
			if !sawPhase {
				t.Error("the progress line never said the measurement ran in Web Workers")
			}
		})
	}
}

// TestEvalJobErrors: bad requests get errors naming the problem, and pass 2 without weights
// asks for them.
func TestEvalJobErrors(t *testing.T) {
	sp := smallSpec(t)
	for _, tc := range []struct {
		name, input, want string
	}{
		{"not JSON", "{\n", "bad request"},
		{"no such pass", `{"pass":3}`, "bad request (pass 3)"},
		{"payload of the wrong size", `{"pass":1,"weights":3}` + "\n" + "abc", "do not hold the weights"},
		{"no spec", `{"pass":1}`, "loading the data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := worker.Run(context.Background(), EvalJob, []byte(tc.input), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
	js, err := json.Marshal(sp)
	if err != nil {
		t.Fatal(err)
	}
	head := `{"spec":` + string(js) + `,"pass":2,"lo":0,"hi":5,"cfg":{"Batch":30},"key":"never-sent"}` + "\n"
	if _, err := worker.Run(context.Background(), EvalJob, []byte(head), nil); err == nil || !strings.Contains(err.Error(), errNoWeights) {
		t.Errorf("pass 2 with unknown weights: err = %v, want %q", err, errNoWeights)
	}
}
