package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestGradientThreads checks a gradient split between goroutines (SetThreads) against the
// one-goroutine gradient: equal to float32 rounding where the batch is split, bit for bit where
// it is too small to be, with the same loss statistics.
func TestGradientThreads(t *testing.T) {
	for _, tc := range []struct {
		sizes   []int
		b       int
		threads int
		loss    Loss
		split   bool
	}{
		{[]int{20, 300, 300, 4}, 64, 2, CrossEntropy, true},
		{[]int{20, 300, 300, 4}, 64, 2, Hinge, true},
		{[]int{20, 300, 300, 4}, 37, 3, CrossEntropy, true},
		{[]int{30, 200, 150, 120, 7}, 100, 4, Hinge, true},
		{[]int{20, 300, 300, 4}, 5, 2, CrossEntropy, false}, // too few examples to be worth it
		{[]int{8, 16, 3}, 100, 2, CrossEntropy, false},      // too little work
	} {
		t.Run(fmt.Sprintf("%v/b%d/%d threads/%v", tc.sizes, tc.b, tc.threads, tc.loss), func(t *testing.T) {
			net, err := New(tc.sizes, 3)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(4, 5))
			x := make([]float32, tc.b*tc.sizes[0])
			for i := range x {
				x[i] = float32(r.NormFloat64())
			}
			y := make([]uint8, tc.b)
			for i := range y {
				y[i] = uint8(r.IntN(tc.sizes[len(tc.sizes)-1]))
			}
			one := net.NewWorkspace(tc.b)
			want := make([]float32, net.NumParams())
			wantSt, err := one.Gradient(net, tc.loss, x, y, want)
			if err != nil {
				t.Fatal(err)
			}
			ws := net.NewWorkspace(tc.b)
			if prev := ws.SetThreads(tc.threads); prev != 1 || ws.Threads() != tc.threads {
				t.Fatalf("SetThreads(%d): previous %d, now %d", tc.threads, prev, ws.Threads())
			}
			if split := ws.split.worth(tc.b); split != tc.split {
				t.Fatalf("batch split: %v, want %v", split, tc.split)
			}
			got := make([]float32, net.NumParams())
			for round := range 2 { // the second reuses the workspaces
				st, err := ws.Gradient(net, tc.loss, x, y, got)
				if err != nil {
					t.Fatal(err)
				}
				if st.N != wantSt.N || st.Correct != wantSt.Correct || math.Abs(st.Loss-wantSt.Loss) > 1e-12*math.Abs(wantSt.Loss) {
					t.Errorf("round %d: stats %+v, want %+v", round, st, wantSt)
				}
				for l := range net.Layers() {
					lo, hi := net.Offset(l), net.Offset(l+1)
					scale := 0.0
					for _, v := range want[lo:hi] {
						scale = max(scale, math.Abs(float64(v)))
					}
					worst := 0.0
					for i := lo; i < hi; i++ {
						d := math.Abs(float64(got[i]) - float64(want[i]))
						if !tc.split && d != 0 {
							t.Fatalf("round %d: unsplit gradient differs at %d: %v, want %v", round, i, got[i], want[i])
						}
						worst = max(worst, d)
					}
					if worst > 1e-5*scale {
						t.Errorf("round %d: layer %d: gradient off by up to %.3g (largest |g| %.3g)", round, l, worst, scale)
					}
				}
			}
			// Step: the gradient and the SGD update, against Gradient and SGD on one goroutine
			const lr = 0.5
			want1, got1 := net.Clone(), net.Clone()
			if _, err := want1.NewWorkspace(tc.b).Step(want1, tc.loss, x, y, want, lr); err != nil {
				t.Fatal(err)
			}
			ws1 := got1.NewWorkspace(tc.b)
			ws1.SetThreads(tc.threads)
			if _, err := ws1.Step(got1, tc.loss, x, y, got, lr); err != nil {
				t.Fatal(err)
			}
			for i, w := range want1.Params {
				moved := math.Abs(float64(w - net.Params[i]))
				if d := math.Abs(float64(got1.Params[i] - w)); d > 1e-6*math.Abs(float64(w))+1e-4*moved || (!tc.split && d != 0) {
					t.Fatalf("Step: weight %d = %v, want %v (from %v)", i, got1.Params[i], w, net.Params[i])
				}
			}
			if ws.SetThreads(1); ws.Threads() != 1 {
				t.Fatalf("SetThreads(1): %d threads", ws.Threads())
			}
			if _, err := ws.Gradient(net, tc.loss, x, y, got); err != nil {
				t.Fatal(err)
			}
			if _, err := net.NewWorkspace(tc.b).Gradient(net, tc.loss, x, y, want); err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("back on one thread: gradient %d = %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}

// TestStepNotFinite: a step whose loss is not finite leaves the weights as they were, split or
// not.
func TestStepNotFinite(t *testing.T) {
	for _, threads := range []int{1, 2} {
		net, _ := New([]int{20, 300, 300, 4}, 3)
		net.Params[0] = float32(math.Inf(1))
		x := make([]float32, 64*20)
		for i := range x {
			x[i] = 1
		}
		y := make([]uint8, 64)
		before := append([]float32(nil), net.Params...)
		ws := net.NewWorkspace(64)
		ws.SetThreads(threads)
		st, err := ws.Step(net, CrossEntropy, x, y, make([]float32, net.NumParams()), 0.1)
		if err != nil || finite(st.Loss) {
			t.Fatalf("%d threads: loss %v, error %v; want a loss that is not finite", threads, st.Loss, err)
		}
		for i := range before {
			if math.Float32bits(net.Params[i]) != math.Float32bits(before[i]) {
				t.Fatalf("%d threads: weight %d changed from %v to %v", threads, i, before[i], net.Params[i])
			}
		}
	}
}
