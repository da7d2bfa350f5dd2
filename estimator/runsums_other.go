//go:build !amd64 || purego

package estimator

// laneAVX2 is false: there is no assembly kernel here.
var laneAVX2 = false

// runLanes adds up to 1024 values to st (runLanesGo).
func runLanes(xs []float64, st *laneState) { runLanesGo(xs, st) }
