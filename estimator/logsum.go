package estimator

// logAbsSumFast, when not nil, computes LogAbsSum of a slice of at least fastLogMin values
// (set on js/wasm when the page loaded the SIMD kernels: see logsum_js.go).
var logAbsSumFast func(x []float64) float64

// fastLogMin is the shortest slice worth a call into the SIMD kernel.
const fastLogMin = 16

// LogAbsSum returns Σ_i log|x_i|, the sum behind the log-means of Mohammadi's estimator:
// −Inf if some x_i is 0 (and none is NaN or ±Inf), NaN if some x_i is NaN or the sum meets
// both −Inf and +Inf. In the browser, when the page loaded wasm/assets/kernels.js, it runs in
// that WebAssembly SIMD kernel, which splits each |x_i| into exponent and mantissa and takes one
// log per lane: its error is about 1e-16 absolute per term, and data with zeros, subnormals,
// Inf or NaN take the kernel's exact path. Elsewhere it is the sequential sum of log|x_i|.
func LogAbsSum(x []float64) float64 {
	if logAbsSumFast != nil && len(x) >= fastLogMin {
		return logAbsSumFast(x)
	}
	return logAbsSumLoop(x)
}

// logAbsSumLoop is LogAbsSum's plain path: the sequential sum of log|x_i|.
func logAbsSumLoop(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += logAbs(v)
	}
	return s
}

// LogAbsSumImpl names the implementation LogAbsSum uses: "wasm-simd128" or "go".
func LogAbsSumImpl() string {
	if logAbsSumFast != nil {
		return "wasm-simd128"
	}
	return "go"
}
