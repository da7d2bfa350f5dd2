package levy

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Sampler draws symmetric α-stable variates of scale 1 from Src, in the style of gonum's distuv
// types (Alpha must be in (0, 2]): E exp(iθS) = exp(−|θ|^α), the SαS(1) of
// docs/science.md#stable-laws. It is the symmetric Chambers–Mallows–Stuck formula
//
//	S = sin(αV)/cos(V)^{1/α} · (cos(V − αV)/W)^{(1−α)/α},  V ~ U(−π/2, π/2), W ~ Exp(1),
//
// evaluated with branch-free polynomial sine, log and exp (fastmath.go: the logs to ~1e−16
// absolute, sine and exp to a few ulp, so the draw is accurate to ~1e−15 relative):
// three sines (each angle reduced to [0, π/2] exactly, so cos V keeps its relative accuracy near
// V = ±π/2, where the tail comes from), three logs (one makes W = −log U) and one exp.
// α = 2 is √2·N(0, 1) by the ziggurat. Each draw takes two outputs of Src (α = 2: what
// rand.Rand.NormFloat64 takes). It draws the same law as gonum's
// distuv.AlphaStable{Alpha: α, Beta: 0, C: 1} (tested by a two-sample Kolmogorov–Smirnov test)
// several times faster (see BenchmarkSampler): gonum's Rand builds a rand.Rand per draw and calls
// math.Pow twice. The dynamics use this sampler because gonum's alone would cost more than the
// 50 ns a step may take at 20 M steps/s.
//
// Scale convention: for β = 0, gonum's AlphaStable.Rand is this same formula times C, so
// AlphaStable{Alpha: α, C: σ} is SαS(σ) of docs/science.md#stable-laws (E exp(iθX) = exp(−σ^α|θ|^α)); at α = 2 it
// is N(0, 2σ²), as its Variance method says (2C²). TestSamplerMatchesGonum checks both C = 1
// and C = 2.5 against σ times this sampler.
type Sampler struct {
	Alpha float64
	Src   rand.Source
}

// Rand draws one SαS(1) variate.
func (s Sampler) Rand() float64 {
	if s.Alpha == 2 {
		return math.Sqrt2 * rand.New(s.Src).NormFloat64()
	}
	return cms{alpha: s.Alpha, invAlpha: 1 / s.Alpha, expo: (1 - s.Alpha) / s.Alpha}.fromBits(s.Src.Uint64(), s.Src.Uint64())
}

// cms is the Chambers–Mallows–Stuck formula for one α, its constants worked out once.
type cms struct {
	alpha    float64
	invAlpha float64 // 1/α
	expo     float64 // (1 − α)/α
}

// newCMS returns the formula of tail index α ∈ (0, 2].
func newCMS(alpha float64) (cms, error) {
	if !(alpha > 0 && alpha <= 2) {
		return cms{}, fmt.Errorf("levy: tail index α must be in (0, 2], got %v", alpha)
	}
	return cms{alpha: alpha, invAlpha: 1 / alpha, expo: (1 - alpha) / alpha}, nil
}

// fromBits is the Chambers–Mallows–Stuck draw (α < 2) from two uniform 64-bit words.
func (s cms) fromBits(b1, b2 uint64) float64 {
	// Uniforms in (0, 1), never 0 or 1: (k + ½)·2^−53.
	h := (float64(b1>>11)+0.5)*0x1p-53 - 0.5 // V = πh, h ∈ (−½, ½), exact
	w := -fastLog((float64(b2>>11) + 0.5) * 0x1p-53)
	ah := math.Abs(h)
	cv := sinPoly(math.Pi * (0.5 - ah)) // cos V, accurate near V = ±π/2
	z := math.Abs(s.alpha * h)
	sa := math.Copysign(sinPoly(math.Pi*min(z, 1-z)), h)    // sin(αV), |αV| < π
	c2 := sinPoly(math.Pi * (0.5 - math.Abs(1-s.alpha)*ah)) // cos((1 − α)V) > 0
	return sa * fastExp(s.expo*fastLog(c2/w)-s.invAlpha*fastLog(cv))
}
