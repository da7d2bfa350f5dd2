package estimator

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// SymStable is the symmetric α-stable law SαS(σ), 0 < α ≤ 2, σ > 0, with
// characteristic function E exp(iθX) = exp(−σ^α|θ|^α). α = 2 is N(0, 2σ²),
// α = 1 is Cauchy with scale σ. Src is the source of randomness for Rand
// (nil means the global math/rand/v2 source, as in gonum).
type SymStable struct {
	Alpha, Sigma float64
	Src          rand.Source
}

// Rand returns a random sample, drawn with gonum's distuv.AlphaStable
// (Chambers–Mallows–Stuck). gonum's scale C is our σ: with Beta = 0 its
// formula reduces to the one in shared/science.md §2 times C, and its
// Variance at α = 2 is 2C² (checked in the tests).
func (d SymStable) Rand() float64 {
	return distuv.AlphaStable{Alpha: d.Alpha, Beta: 0, C: d.Sigma, Mu: 0, Src: d.Src}.Rand()
}

// Fill fills x with independent samples.
func (d SymStable) Fill(x []float64) {
	g := distuv.AlphaStable{Alpha: d.Alpha, Beta: 0, C: d.Sigma, Mu: 0, Src: d.Src}
	for i := range x {
		x[i] = g.Rand()
	}
}

// Sample returns n independent samples drawn from SαS(sigma) with a PCG
// source seeded with seed: the same arguments always give the same values.
func Sample(alpha, sigma float64, n int, seed uint64) []float64 {
	x := make([]float64, n)
	SymStable{Alpha: alpha, Sigma: sigma, Src: rand.NewPCG(seed, 0x7a11)}.Fill(x)
	return x
}

var _ = math.Pi
