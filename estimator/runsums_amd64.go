//go:build !purego

package estimator

import "golang.org/x/sys/cpu"

//go:noescape
func runSumsAVX2(x *float64, n int, st *laneState)

// laneAVX2 says whether runLanes uses the AVX2 kernel (tests switch it off to compare).
var laneAVX2 = cpu.X86.HasAVX2

// runLanes adds up to 1024 values to st: with AVX2, the multiples of 4 in runsums_amd64.s,
// which does runLanesGo's operations in the same order, so that both agree bit for bit.
func runLanes(xs []float64, st *laneState) {
	if !laneAVX2 {
		runLanesGo(xs, st)
		return
	}
	n4 := len(xs) &^ 3
	if n4 > 0 {
		runSumsAVX2(&xs[0], n4, st)
	}
	for i, l := n4, 0; i < len(xs); i, l = i+1, l+1 {
		laneAdd(st, l, xs[i])
	}
}
