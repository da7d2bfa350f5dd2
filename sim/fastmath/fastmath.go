// Package fastmath holds fast versions of the few transcendental loops that Tailscope's hot
// paths run in the browser, where Go's js/wasm code is several times slower than V8's own
// Math functions: LogAbsSum, the estimator's log-mean, and SymStable, a sampler of symmetric
// α-stable laws. In the browser they run in the WebAssembly SIMD module of wasm/assets/kernels.js;
// elsewhere (and when that module is absent) they are plain Go loops over the math package.
package fastmath

import "math"

// logAbsSumFast, when not nil, computes LogAbsSum of a non-empty slice (set by the js/wasm init).
var logAbsSumFast func(x []float64) float64

// Impl names the implementation of LogAbsSum and SymStable.Fill: "go" or "wasm-simd128".
func Impl() string {
	if logAbsSumFast != nil {
		return "wasm-simd128"
	}
	return "go"
}

// LogAbsSum returns Σ_i log|x_i|: −Inf if some x_i is 0 (and none is NaN or ±Inf), NaN if some
// x_i is NaN or the sum meets both −Inf and +Inf. The wasm kernel computes it as
// (Σ k_i)·ln 2 + log Π m_i with |x_i| = m_i·2^k_i, m_i in [√2/2, √2) (products renormalised
// every step, one log per lane at the end), so its error is about 1e-16 absolute per term rather
// than relative to each term, which matters only for terms near log 1 = 0; data with zeros,
// subnormals, Inf or NaN take its exact path (each term as Go's math.Log). The Go path is the
// sequential sum of math.Log(math.Abs(x_i)).
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
