package nn

import (
	"fmt"
	"math"
	"testing"

	"github.com/tailscope/tailscope/sim/kernel"
)

// TestStepThreadsSameBits: steps whose products and updates are split between goroutines
// (kernel.SetThreads) leave the weights bit for bit where one goroutine leaves them, so a
// run's numbers do not depend on the cores it had.
func TestStepThreadsSameBits(t *testing.T) {
	for _, tc := range []struct {
		sizes []int
		batch int
		loss  Loss
	}{
		{[]int{784, 256, 256, 10}, 100, CrossEntropy},
		{[]int{784, 300, 10}, 64, Hinge},
		{[]int{50, 1000, 7}, 33, CrossEntropy},
	} {
		t.Run(fmt.Sprintf("%v b%d %v", tc.sizes, tc.batch, tc.loss), func(t *testing.T) {
			params := func(threads int) ([]float32, Stats) {
				defer kernel.SetThreads(kernel.SetThreads(threads))
				net, x, y := benchProblem(tc.sizes, tc.batch, 3)
				ws := net.NewWorkspace(tc.batch)
				g := make([]float32, net.NumParams())
				var st Stats
				for range 3 {
					var err error
					if st, err = ws.Step(net, tc.loss, x, y, g, 0.05); err != nil {
						t.Fatal(err)
					}
				}
				return net.Params, st
			}
			one, st1 := params(1)
			for _, threads := range []int{2, 3} {
				split, st := params(threads)
				if st != st1 {
					t.Errorf("%d threads: last step's stats %+v, one thread %+v", threads, st, st1)
				}
				for i := range one {
					if math.Float32bits(one[i]) != math.Float32bits(split[i]) {
						t.Fatalf("%d threads: weight %d = %v after 3 steps, one thread %v", threads, i, split[i], one[i])
					}
				}
			}
		})
	}
}
