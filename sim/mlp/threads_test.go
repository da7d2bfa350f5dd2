package mlp

import (
	"context"
	"math"
	"testing"

	"github.com/tailscope/tailscope/sim/kernel"
)

// TestRunThreads: a run on two goroutines (its measurements' batches split, its steps'
// products split by the kernels) gives the one-goroutine run's numbers to float rounding in
// the measurement's sums only, and the same numbers on every run.
func TestRunThreads(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  map[string]string
	}{
		{"ce", map[string]string{"width": "300", "iters": "12", "evalEvery": "6"}},
		{"hinge shuffle", map[string]string{"width": "300", "iters": "12", "evalEvery": "6", "loss": "hinge", "order": "shuffle"}},
		{"momentum", map[string]string{"width": "300", "iters": "12", "evalEvery": "6", "momentum": "0.9"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := small(t, "blobs", 7, tc.set)
			train, test, err := LoadData(s)
			if err != nil {
				t.Fatal(err)
			}
			want, err := RunThreads(context.Background(), s, train, test, nil, 1)
			if err != nil {
				t.Fatal(err)
			}
			var runs []*Result
			defer kernel.SetThreads(kernel.SetThreads(2))
			for range 2 {
				got, err := RunThreads(context.Background(), s, train, test, nil, 2)
				if err != nil {
					t.Fatal(err)
				}
				runs = append(runs, got)
			}
			if len(runs[0].Evaluations) != len(want.Evaluations) {
				t.Fatalf("%d evaluations, want %d", len(runs[0].Evaluations), len(want.Evaluations))
			}
			near := func(what string, a, b, tol float64) {
				t.Helper()
				if math.Abs(a-b) > tol*math.Max(math.Abs(b), 1e-3) {
					t.Errorf("%s = %v, want %v", what, a, b)
				}
			}
			for i, e := range runs[0].Evaluations {
				w := want.Evaluations[i]
				// the steps are the same bit for bit: only the measurement's sums differ
				near("train loss", e.TrainLoss, w.TrainLoss, 1e-12)
				near("test loss", e.TestLoss, w.TestLoss, 1e-12)
				near("α̂", e.Alpha, w.Alpha, 1e-10)
				if r := runs[1].Evaluations[i]; r.Alpha != e.Alpha || r.TrainLoss != e.TrainLoss {
					t.Errorf("evaluation %d: two runs on 2 goroutines differ: α̂ %v and %v", i, e.Alpha, r.Alpha)
				}
			}
		})
	}
}
