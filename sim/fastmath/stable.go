package fastmath

import (
	"fmt"
	"math"
)

// SymStable draws samples of the symmetric α-stable law SαS(σ) (characteristic function
// exp(−σ^α|θ|^α), 0 < α ≤ 2, σ > 0) by Chambers–Mallows–Stuck (docs/science.md#stable-laws), written
// in log form:
//
//	X = σ·sin(αV)·exp(−(1/α)·log cos V + ((1−α)/α)·log(cos((1−α)V)/W)),
//
// V = π(U1 − ½), W = −log U2. Its uniforms come from SplitMix64 on counters keyed by Seed
// (U1 of sample i from counter 2i, U2 from 2i+1, 52 bits each, in (0, 1)), so sample i depends
// only on (Seed, i): Fill can produce any stretch of the sequence, in any chunks, and gives the
// same values. In the browser, Fill runs in the WebAssembly SIMD module of wasm/assets/kernels.js,
// whose own sin/log/exp agree with the math package's to ~1e-15 relative; elsewhere it uses the
// math package. Samples with |X/σ| beyond e^709 are +Inf or −Inf there.
type SymStable struct {
	Alpha, Sigma float64
	Seed         uint64
}

// sasFast, when not nil, fills x with samples start… (set by the js/wasm init).
var sasFast func(x []float64, alpha, sigma float64, seed, start uint64)

// Fill sets x[j] to sample number start+j. It returns an error naming the parameter when Alpha
// is not in (0, 2] or Sigma is not positive and finite.
func (d SymStable) Fill(x []float64, start uint64) error {
	if !(d.Alpha > 0 && d.Alpha <= 2) {
		return fmt.Errorf("fastmath: SymStable alpha = %v, want 0 < alpha ≤ 2", d.Alpha)
	}
	if !(d.Sigma > 0 && d.Sigma <= math.MaxFloat64) {
		return fmt.Errorf("fastmath: SymStable sigma = %v, want a positive finite scale", d.Sigma)
	}
	if sasFast != nil && len(x) >= 8 {
		sasFast(x, d.Alpha, d.Sigma, d.Seed, start)
		return nil
	}
	d.fillGo(x, start)
	return nil
}

// splitMix returns SplitMix64's output for counter c under key.
func splitMix(key, c uint64) uint64 {
	z := key + (c+1)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// open01 maps the top 52 bits of z to k·2^-52 + 2^-53 in (0, 1).
func open01(z uint64) float64 {
	return math.Float64frombits(z>>12|0x3ff0000000000000) - 1 + 0x1p-53
}

func (d SymStable) fillGo(x []float64, start uint64) {
	a := d.Alpha
	nia, e := -1/a, (1-a)/a
	for j := range x {
		i := start + uint64(j)
		v := (open01(splitMix(d.Seed, 2*i)) - 0.5) * math.Pi
		w := -math.Log(open01(splitMix(d.Seed, 2*i+1)))
		ex := nia*math.Log(math.Cos(v)) + e*math.Log(math.Cos((1-a)*v)/w)
		x[j] = d.Sigma * math.Sin(a*v) * math.Exp(ex)
	}
}
