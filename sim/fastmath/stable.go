package fastmath

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Counter is a counter-based rand.Source: its output number k is SplitMix64's output for
// counter k under Key (SplitMix64 below), and Pos is the number of the next output. Any
// stretch of the stream can be had without drawing what comes before it, which is what lets
// SymStable.Fill hand whole chunks to the WebAssembly SIMD kernel.
type Counter struct {
	Key, Pos uint64
}

// NewCounter returns the stream of seed from its start.
func NewCounter(seed uint64) *Counter { return &Counter{Key: seed} }

// Uint64 returns the next output.
func (c *Counter) Uint64() uint64 {
	z := SplitMix64(c.Key, c.Pos)
	c.Pos++
	return z
}

// SplitMix64 returns output number c of SplitMix64 seeded with key (Steele, Lea & Flood 2014):
// the finaliser of key + (c+1)·γ, γ = 0x9e3779b97f4a7c15.
func SplitMix64(key, c uint64) uint64 {
	z := key + (c+1)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// SymStable draws samples of the symmetric α-stable law SαS(σ) (characteristic function
// exp(−σ^α|θ|^α), 0 < α ≤ 2, σ > 0) by Chambers–Mallows–Stuck (docs/science.md#stable-laws),
// written in log form:
//
//	X = σ·sin(αV)·exp(−(1/α)·log cos V + ((1−α)/α)·log(cos((1−α)V)/W)),
//
// V = π(U1 − ½), W = −log U2, each uniform made of 52 bits of one output of Src, in (0, 1).
// Like gonum's distuv types it draws from an explicit Src. With a *Counter at an even
// position (sample i from outputs 2i and 2i+1), Fill computes the samples from the counters
// directly: in the browser in the WebAssembly SIMD module of wasm/assets/kernels.js, whose
// own sin/log/exp agree with the math package's to ~1e-15 relative; elsewhere with the math
// package. Any other source gives the same numbers for the same outputs, one pair at a time.
// Samples with |X/σ| beyond e^709 are +Inf or −Inf.
type SymStable struct {
	Alpha, Sigma float64
	Src          rand.Source
}

// sasFast, when not nil, fills x with samples start… of the counter stream of seed (set by
// the js/wasm init).
var sasFast func(x []float64, alpha, sigma float64, seed, start uint64)

// Fill sets x to the next len(x) samples. It returns an error naming the parameter when Alpha
// is not in (0, 2], Sigma is not positive and finite or Src is nil.
func (d SymStable) Fill(x []float64) error {
	if !(d.Alpha > 0 && d.Alpha <= 2) {
		return fmt.Errorf("fastmath: SymStable alpha = %v, want 0 < alpha ≤ 2", d.Alpha)
	}
	if !(d.Sigma > 0 && d.Sigma <= math.MaxFloat64) {
		return fmt.Errorf("fastmath: SymStable sigma = %v, want a positive finite scale", d.Sigma)
	}
	if d.Src == nil {
		return fmt.Errorf("fastmath: SymStable has no Src")
	}
	c, ok := d.Src.(*Counter)
	switch {
	case ok && c.Pos%2 == 0 && sasFast != nil && len(x) >= 8:
		sasFast(x, d.Alpha, d.Sigma, c.Key, c.Pos/2)
		c.Pos += 2 * uint64(len(x))
	case ok && c.Pos%2 == 0:
		d.fillCounter(x, c.Key, c.Pos/2)
		c.Pos += 2 * uint64(len(x))
	default:
		for j := range x {
			x[j] = d.fromBits(d.Src.Uint64(), d.Src.Uint64())
		}
	}
	return nil
}

// Rand returns the next sample (Alpha and Sigma must be in range).
func (d SymStable) Rand() float64 { return d.fromBits(d.Src.Uint64(), d.Src.Uint64()) }

// open01 maps the top 52 bits of z to k·2^-52 + 2^-53 in (0, 1).
func open01(z uint64) float64 {
	return math.Float64frombits(z>>12|0x3ff0000000000000) - 1 + 0x1p-53
}

// fromBits is the sample of the two outputs z1 (for V) and z2 (for W).
func (d SymStable) fromBits(z1, z2 uint64) float64 {
	a := d.Alpha
	v := (open01(z1) - 0.5) * math.Pi
	w := -math.Log(open01(z2))
	ex := -1/a*math.Log(math.Cos(v)) + (1-a)/a*math.Log(math.Cos((1-a)*v)/w)
	return d.Sigma * math.Sin(a*v) * math.Exp(ex)
}

// fillCounter sets x[j] to sample start+j of the counter stream of key, in plain Go.
func (d SymStable) fillCounter(x []float64, key, start uint64) {
	for j := range x {
		i := start + uint64(j)
		x[j] = d.fromBits(SplitMix64(key, 2*i), SplitMix64(key, 2*i+1))
	}
}
