package mlp

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/nn"
	"github.com/tailscope/tailscope/sim/spec"
)

// small returns a fast spec on a synthetic set.
func small(t testing.TB, dataset string, seed uint64, set map[string]string) spec.Spec {
	t.Helper()
	s := spec.MustNew("mlp", seed)
	for k, v := range map[string]string{"dataset": dataset, "n": "600", "testN": "300", "width": "16",
		"batch": "50", "iters": "25", "evalEvery": "10", "lr": "0.1"} {
		if err := s.SetText(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range set {
		if err := s.SetText(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDeterministic(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  map[string]string
	}{
		{"fixed", nil},
		{"shuffle hinge", map[string]string{"order": "shuffle", "loss": "hinge", "dataset": "spirals"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := small(t, "blobs", 3, tc.set)
			a, err := Run(context.Background(), s, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := Run(context.Background(), s, nil)
			ja, err := json.Marshal(a)
			if err != nil {
				t.Fatalf("result does not encode as JSON: %v", err)
			}
			jb, _ := json.Marshal(b)
			if string(ja) != string(jb) {
				t.Errorf("same spec and seed gave different results")
			}
			c, _ := Run(context.Background(), small(t, "blobs", 4, tc.set), nil)
			if c.Evaluations[1].Alpha == a.Evaluations[1].Alpha {
				t.Errorf("seeds 3 and 4 gave the same α̂")
			}
			// Evaluations at 0, every 10 and at the end (25).
			var iters []int
			for _, e := range a.Evaluations {
				iters = append(iters, e.Iter)
			}
			if want := []int{0, 10, 20, 25}; !equalInts(iters, want) {
				t.Errorf("evaluations at %v, want %v", iters, want)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFixedOrder replays the paper's data order by hand: iteration k trains on batch k mod P,
// with the network drawn from the seed, and must give bit-identical weights.
func TestFixedOrder(t *testing.T) {
	s := small(t, "blobs", 5, map[string]string{"iters": "30", "schedule": "step", "stepEvery": "8", "gamma": "0.5"})
	train, test, err := LoadData(s)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(s, train, test)
	if err != nil {
		t.Fatal(err)
	}
	for !tr.Done() {
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	net, _ := nn.New(nn.Shape(2, 16, 3, 3), 5)
	ws := net.NewWorkspace(50)
	g := make([]float32, net.NumParams())
	for k := 0; k < 30; k++ {
		j := k % 12
		ws.Gradient(net, nn.CrossEntropy, train.X[j*100:(j+1)*100], train.Y[j*50:(j+1)*50], g)
		net.SGD(g, float32(0.1*math.Pow(0.5, float64(k/8))))
	}
	for i, w := range net.Params {
		if tr.Net().Params[i] != w {
			t.Fatalf("weight %d: trainer %v, hand-made loop %v", i, tr.Net().Params[i], w)
		}
	}
	// lr after 30 steps with γ = 0.5 every 8: 0.1·0.5³.
	if got, want := tr.LR(), 0.1*0.125; math.Abs(got-want) > 1e-15 {
		t.Errorf("LR() after 30 steps = %v, want %v", got, want)
	}
}

func TestLearns(t *testing.T) {
	// Three Gaussian blobs of std 1 at distance 2.5·√3 ≈ 4.3 from each other: the Bayes
	// classifier errs on about 2% of points; 300 SGD steps get well above 85%.
	s := small(t, "blobs", 1, map[string]string{"iters": "300", "evalEvery": "300", "width": "32"})
	res, err := Run(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := res.Evaluations[len(res.Evaluations)-1]
	if last.TestAcc < 0.85 || last.TrainLoss >= res.Evaluations[0].TrainLoss {
		t.Errorf("after 300 steps: test accuracy %.3f (want ≥ 0.85), train loss %.3f (at start %.3f)",
			last.TestAcc, last.TrainLoss, res.Evaluations[0].TrainLoss)
	}
	if len(last.LayerAlpha) != 3 || !(last.Alpha > 0) || last.Lo > last.Alpha || last.Hi < last.Alpha {
		t.Errorf("evaluation: α̂ %v [%v, %v], layers %v", last.Alpha, last.Lo, last.Hi, last.LayerAlpha)
	}
}

func TestCancelAndProgress(t *testing.T) {
	s := small(t, "blobs", 1, map[string]string{"iters": "100000", "evalEvery": "100000"})
	ctx, cancel := context.WithCancel(context.Background())
	var reports []spec.Progress
	res, err := Run(ctx, s, func(p spec.Progress) {
		reports = append(reports, p)
		cancel()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if len(reports) == 0 || len(res.Evaluations) != 1 || reports[0].Fraction <= 0 || reports[0].Fraction >= 0.01 {
		t.Errorf("reports %+v, %d evaluations; want a first report after the first evaluation", reports, len(res.Evaluations))
	}
}

func TestTrainerErrors(t *testing.T) {
	s := small(t, "blobs", 1, nil)
	train, test, _ := LoadData(s)
	short, _ := train.Slice(0, 500)
	if _, err := NewTrainer(s, short, test); err == nil || !strings.Contains(err.Error(), "n = 600") {
		t.Errorf("training set of the wrong size: got %v", err)
	}
	other, _ := data.Spirals(600, 1, 0)
	if _, err := NewTrainer(s, other, test); err == nil {
		t.Errorf("training and test sets with different classes: no error")
	}
	if _, err := NewTrainer(spec.MustNew("stable", 1), train, test); err == nil {
		t.Errorf("spec of another kind: no error")
	}
	// A learning rate of 10 on the hinge loss blows the weights up within a few steps.
	d := small(t, "blobs", 1, map[string]string{"lr": "10", "loss": "ce", "iters": "2000", "evalEvery": "2000", "depth": "6", "width": "64"})
	if _, err := Run(context.Background(), d, nil); err == nil || !strings.Contains(err.Error(), "diverged") {
		t.Errorf("lr = 10: got %v, want a divergence error", err)
	}
}

func TestMNISTSubsets(t *testing.T) {
	s := spec.MustNew("mlp", 1)
	s.SetText("n", "1000")
	s.SetText("testN", "500")
	s.SetChoice("subset", "balanced")
	train, test, err := LoadData(s)
	if errors.Is(err, data.ErrNoMNIST) {
		t.Skipf("MNIST not reachable here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	var counts [10]int
	for _, y := range train.Y {
		counts[y]++
	}
	if train.Len() != 1000 || test.Len() != 500 || counts != [10]int{100, 100, 100, 100, 100, 100, 100, 100, 100, 100} {
		t.Errorf("balanced subset: %d train (classes %v), %d test", train.Len(), counts, test.Len())
	}
}

// TestLoopSlices: however the loop is sliced (a few steps per Wait, or by time), the
// measurements are those of Run, and the progress ends at 1.
func TestLoopSlices(t *testing.T) {
	s := small(t, "blobs", 2, nil)
	want, err := Run(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := LoadData(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		limit int
		slice time.Duration
	}{
		{"three steps a wait", 3, time.Hour},
		{"no limit, long slices", -1, time.Hour},
		{"one step a slice", -1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := NewTrainer(s, train, test)
			if err != nil {
				t.Fatal(err)
			}
			var got []Evaluation
			steps := 0
			err = Loop{
				Slice: tc.slice,
				Wait:  func(context.Context, bool) (int, error) { return tc.limit, nil },
				Stepped: func(l []float32) error {
					if tc.limit > 0 && len(l) > tc.limit {
						t.Errorf("a slice of %d steps; the limit is %d", len(l), tc.limit)
					}
					steps += len(l)
					return nil
				},
				Measured: func(ev Evaluation) error { got = append(got, ev); return nil },
			}.Run(context.Background(), tr)
			if err != nil {
				t.Fatal(err)
			}
			if steps != 25 || len(got) != len(want.Evaluations) || tr.Fraction(0) != 1 {
				t.Fatalf("%d steps, %d measurements, progress %v; want 25, %d, 1", steps, len(got), tr.Fraction(0), len(want.Evaluations))
			}
			for i, e := range got {
				if w := want.Evaluations[i]; e.Iter != w.Iter || e.Alpha != w.Alpha || e.TestLoss != w.TestLoss {
					t.Errorf("measurement %d: iter %d α̂ %v test loss %v; Run: %d %v %v", i, e.Iter, e.Alpha, e.TestLoss, w.Iter, w.Alpha, w.TestLoss)
				}
			}
		})
	}
}
