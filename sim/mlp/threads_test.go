package mlp

import (
	"context"
	"math"
	"testing"
)

// TestRunThreads: a run on two goroutines (its steps' batches and its measurements' batches
// split) gives the one-goroutine run's numbers to float rounding, and the same numbers on
// every run.
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
			tr, err := NewTrainer(s, train, test)
			if err != nil {
				t.Fatal(err)
			}
			if tr.SetThreads(2); tr.ws.Threads() != 2 {
				t.Fatalf("the step's workspace has %d threads, want 2", tr.ws.Threads())
			}
			want, err := RunThreads(context.Background(), s, train, test, nil, 1)
			if err != nil {
				t.Fatal(err)
			}
			var runs []*Result
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
				if i == 0 { // before any step: only the measurement's sums differ
					near("α̂ at iteration 0", e.Alpha, w.Alpha, 1e-12)
				}
				near("train loss", e.TrainLoss, w.TrainLoss, 1e-4)
				near("test loss", e.TestLoss, w.TestLoss, 1e-4)
				near("α̂", e.Alpha, w.Alpha, 1e-2)
				if r := runs[1].Evaluations[i]; r.Alpha != e.Alpha || r.TrainLoss != e.TrainLoss {
					t.Errorf("evaluation %d: two runs on 2 goroutines differ: α̂ %v and %v", i, e.Alpha, r.Alpha)
				}
			}
		})
	}
}
