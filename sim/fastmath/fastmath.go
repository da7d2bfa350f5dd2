// Package fastmath holds fast versions of the few transcendental loops that Tailscope's hot
// paths run in the browser, where Go's js/wasm code is several times slower than V8's own
// Math functions. LogAbsSum is the estimator's log-mean; in the browser it runs in the
// WebAssembly SIMD module of wasm/kernels.js, elsewhere (and when that module is absent) it is
// a plain Go loop over math.Log.
package fastmath

import "math"

// logAbsSumFast, when not nil, computes LogAbsSum of a non-empty slice (set by the js/wasm init).
var logAbsSumFast func(x []float64) float64

// Impl names the implementation of LogAbsSum: "go" or "wasm-simd128".
func Impl() string {
	if logAbsSumFast != nil {
		return "wasm-simd128"
	}
	return "go"
}

// LogAbsSum returns Σ_i log|x_i|: −Inf if some x_i is 0 (and none is NaN or ±Inf), NaN if some
// x_i is NaN or the sum meets both −Inf and +Inf. Each term equals math.Log(math.Abs(x_i))
// (the wasm kernel uses Go's own algorithm), but the fast path adds the terms in four
// interleaved partial sums, so the total may differ from the sequential sum by rounding
// (relative 1e-15·√n typically).
func LogAbsSum(x []float64) float64 {
	if logAbsSumFast != nil && len(x) >= 16 {
		return logAbsSumFast(x)
	}
	return logAbsSumGo(x)
}

func logAbsSumGo(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += math.Log(math.Abs(v))
	}
	return s
}
