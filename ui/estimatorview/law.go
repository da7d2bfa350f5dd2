package estimatorview

import (
	"fmt"
	"math"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/spec"
	"gonum.org/v1/gonum/stat/distuv"
)

// The Gaussian mixture of dist=mixture (sim/stable): N(0, 1) with weight 1−mixWide, N(0, mixScale²)
// with weight mixWide. A test checks these against sim/stable.Density.
const (
	mixWide  = 0.1
	mixScale = 10.0
)

// lawName describes the law of a "stable" spec in words. The helpers below treat a spec of
// another kind as the Gaussian law.
func lawName(s spec.Spec) string {
	p, _ := s.Stable()
	switch p.Dist {
	case spec.DistSaS:
		return fmt.Sprintf("SαS with α = %.2f, σ = 1", p.Alpha)
	case spec.DistStudent:
		return fmt.Sprintf("Student-t with ν = %.3g", p.Nu)
	case spec.DistMixture:
		return fmt.Sprintf("Gaussian mixture %.0f%% N(0, 1) + %.0f%% N(0, %g²)", 100*(1-mixWide), 100*mixWide, mixScale)
	}
	return "Gaussian N(0, 1)"
}

// tailIndex is what a perfect estimator of the α-stable tail index reports for the law of s: α
// for SαS; ν for a Student-t with ν < 2 (tails like t^−ν, attracted to a ν-stable law); 2 for the
// laws of finite variance, whose sums become Gaussian (and for ν = 2, attracted to the Gaussian
// too). nonGaussFinite marks the finite-variance laws that are not Gaussian: where the
// Mohammadi estimator can mislead (docs/science.md#estimators).
func tailIndex(s spec.Spec) (alpha float64, nonGaussFinite bool) {
	p, _ := s.Stable()
	switch p.Dist {
	case spec.DistSaS:
		return p.Alpha, false
	case spec.DistStudent:
		return math.Min(p.Nu, 2), p.Nu > 2
	case spec.DistMixture:
		return 2, true
	}
	return 2, false
}

// lawAbsSurvival is P(|X| > t), t ≥ 0, for the law of s: the curve the survival plot compares
// the data with.
func lawAbsSurvival(s spec.Spec, t float64) float64 {
	t = math.Abs(t)
	p, _ := s.Stable()
	switch p.Dist {
	case spec.DistSaS:
		return 2 * estimator.SymStable{Alpha: p.Alpha, Sigma: 1}.Survival(t)
	case spec.DistStudent:
		return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: p.Nu}.Survival(t)
	case spec.DistMixture:
		return (1-mixWide)*math.Erfc(t/math.Sqrt2) + mixWide*math.Erfc(t/(mixScale*math.Sqrt2))
	}
	return math.Erfc(t / math.Sqrt2)
}
