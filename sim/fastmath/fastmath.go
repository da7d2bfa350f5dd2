// Package fastmath holds fast versions of the transcendental loops that Tailscope's hot paths
// run in the browser, where Go's js/wasm code is several times slower than V8's own Math
// functions: SymStable, a sampler of symmetric α-stable laws. (The other one, the estimator's
// log-mean, is estimator.LogAbsSum.) In the browser they run in the WebAssembly SIMD module of
// wasm/assets/kernels.js; elsewhere (and when that module is absent) they are plain Go loops over
// the math package.
package fastmath

// Impl names the implementation of SymStable.Fill: "go" or "wasm-simd128".
func Impl() string {
	if sasFast != nil {
		return "wasm-simd128"
	}
	return "go"
}
