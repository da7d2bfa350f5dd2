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

// lawName describes the law of a "stable" spec in words.
func lawName(s spec.Spec) string {
	switch s.Choice("dist") {
	case "sas":
		return fmt.Sprintf("SαS with α = %.2f, σ = 1", s.Float("alpha"))
	case "student":
		return fmt.Sprintf("Student-t with ν = %.3g", s.Float("nu"))
	case "mixture":
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
	switch s.Choice("dist") {
	case "sas":
		return s.Float("alpha"), false
	case "student":
		return math.Min(s.Float("nu"), 2), s.Float("nu") > 2
	case "mixture":
		return 2, true
	}
	return 2, false
}

// lawAbsSurvival is P(|X| > t), t ≥ 0, for the law of s: the curve the survival plot compares
// the data with.
func lawAbsSurvival(s spec.Spec, t float64) float64 {
	t = math.Abs(t)
	switch s.Choice("dist") {
	case "sas":
		return 2 * estimator.SymStable{Alpha: s.Float("alpha"), Sigma: 1}.Survival(t)
	case "student":
		return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: s.Float("nu")}.Survival(t)
	case "mixture":
		return (1-mixWide)*math.Erfc(t/math.Sqrt2) + mixWide*math.Erfc(t/(mixScale*math.Sqrt2))
	}
	return math.Erfc(t / math.Sqrt2)
}
