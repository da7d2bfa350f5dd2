// Package stable runs the "stable" experiment kind (sim/spec/stable.go): draw a sample from the law
// a spec names — a symmetric α-stable law, a Student-t, a two-scale Gaussian mixture or a Gaussian —
// and estimate its tail index α with every method of the estimator package.
//
// The finite-variance laws are there to show the known weak spot of the Mohammadi estimator
// (science.md §3): on them it can return α̂ < 2 although their tail index, in the α-stable sense,
// is 2. Law.TailIndex says what a perfect estimator would report.
package stable

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/spec"
	"gonum.org/v1/gonum/stat/distuv"
)

// Kind is the name of the experiment kind this package runs.
const Kind = "stable"

// The Gaussian mixture of dist=mixture: N(0, 1) with weight MixWeight, N(0, MixScale²) otherwise.
const (
	MixWeight = 0.9
	MixScale  = 10.0
)

// stream is the PCG stream of every sample, so that a seed means the same thing everywhere
// (it is the stream estimator.Sample uses).
const stream = 0x7a11

// Law is the law a "stable" spec samples from.
type Law struct {
	Dist  string  // "sas", "student", "mixture" or "gauss"
	Alpha float64 // α of the SαS(1) law (dist sas)
	Nu    float64 // degrees of freedom (dist student)
}

// LawOf returns the law of s, which must be a valid "stable" spec.
func LawOf(s spec.Spec) (Law, error) {
	if s.Kind != Kind {
		return Law{}, fmt.Errorf("stable: spec of kind %q, want %q", s.Kind, Kind)
	}
	if err := s.Validate(); err != nil {
		return Law{}, err
	}
	return Law{Dist: s.Choice("dist"), Alpha: s.Float("alpha"), Nu: s.Float("nu")}, nil
}

// Name describes the law in words, e.g. "SαS(1) with α = 1.50".
func (l Law) Name() string {
	switch l.Dist {
	case "sas":
		return fmt.Sprintf("SαS with α = %.2f, σ = 1", l.Alpha)
	case "student":
		return fmt.Sprintf("Student-t with ν = %.3g", l.Nu)
	case "mixture":
		return fmt.Sprintf("Gaussian mixture %.0f%% N(0, 1) + %.0f%% N(0, %g²)", 100*MixWeight, 100*(1-MixWeight), MixScale)
	case "gauss":
		return "Gaussian N(0, 1)"
	}
	return "unknown law " + l.Dist
}

// TailIndex is the α a perfect tail-index estimator reports for the law: α for SαS; ν for a
// Student-t with ν < 2 (its tails decay like t^−ν and it lies in the domain of attraction of an
// ν-stable law); 2 for every law of finite variance (Student-t with ν > 2, the mixture, the
// Gaussian), whose sums converge to a Gaussian. For ν = 2 exactly the variance is infinite but
// the sums are still attracted to the Gaussian, so it is 2 too.
func (l Law) TailIndex() float64 {
	switch l.Dist {
	case "sas":
		return l.Alpha
	case "student":
		return math.Min(l.Nu, 2)
	}
	return 2
}

// FiniteVariance reports whether the law has a finite variance while not being Gaussian: the case
// where the Mohammadi estimator is known to mislead (α̂ < 2 on data whose sums are Gaussian).
func (l Law) FiniteVariance() bool {
	return l.Dist == "mixture" || (l.Dist == "student" && l.Nu > 2)
}

// Prob is the law's density at x.
func (l Law) Prob(x float64) float64 {
	switch l.Dist {
	case "sas":
		return estimator.SymStable{Alpha: l.Alpha, Sigma: 1}.Prob(x)
	case "student":
		return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: l.Nu}.Prob(x)
	case "mixture":
		return MixWeight*normPDF(x) + (1-MixWeight)*normPDF(x/MixScale)/MixScale
	case "gauss":
		return normPDF(x)
	}
	return math.NaN()
}

// AbsSurvival is P(|X| > t) for t ≥ 0: the survival function of |X|, whose log-log slope tends to
// −TailIndex for the heavy-tailed laws.
func (l Law) AbsSurvival(t float64) float64 {
	t = math.Abs(t)
	switch l.Dist {
	case "sas":
		return 2 * estimator.SymStable{Alpha: l.Alpha, Sigma: 1}.Survival(t)
	case "student":
		return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: l.Nu}.Survival(t)
	case "mixture":
		return MixWeight*math.Erfc(t/math.Sqrt2) + (1-MixWeight)*math.Erfc(t/(MixScale*math.Sqrt2))
	case "gauss":
		return math.Erfc(t / math.Sqrt2)
	}
	return math.NaN()
}

func normPDF(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }

// chunk is how many values Draw makes between looks at ctx.
const chunk = 1 << 15

// Draw returns n values of the law of s, drawn from a PCG source seeded with s.Seed: the same
// spec always gives the same values. It checks ctx between chunks and reports the fraction drawn.
func Draw(ctx context.Context, s spec.Spec, report spec.Reporter) ([]float64, error) {
	l, err := LawOf(s)
	if err != nil {
		return nil, err
	}
	n := s.Int("n")
	src := rand.NewPCG(s.Seed, stream)
	var fill func([]float64)
	switch l.Dist {
	case "sas":
		fill = estimator.SymStable{Alpha: l.Alpha, Sigma: 1, Src: src}.Fill
	case "student":
		t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: l.Nu, Src: src}
		fill = func(x []float64) {
			for i := range x {
				x[i] = t.Rand()
			}
		}
	case "mixture":
		r := rand.New(src)
		fill = func(x []float64) {
			for i := range x {
				z := r.NormFloat64()
				if r.Float64() >= MixWeight {
					z *= MixScale
				}
				x[i] = z
			}
		}
	default: // gauss
		r := rand.New(src)
		fill = func(x []float64) {
			for i := range x {
				x[i] = r.NormFloat64()
			}
		}
	}
	x := make([]float64, n)
	for i := 0; i < n; i += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fill(x[i:min(i+chunk, n)])
		report.Report(spec.Progress{Fraction: float64(min(i+chunk, n)) / float64(n), Message: fmt.Sprintf("drew %d of %d values", min(i+chunk, n), n)})
	}
	return x, nil
}

// Result is what a "stable" run returns.
type Result struct {
	Law       string           `json:"law"`        // Law.Name
	TailIndex float64          `json:"tail_index"` // Law.TailIndex: what a perfect estimator reports
	Report    estimator.Report `json:"report"`     // every estimate, the K1 drift, the warnings
}

// Run draws the sample of s and analyses it. Drawing is 30 % of the reported progress, the
// analysis (which cannot be interrupted) the rest.
func Run(ctx context.Context, s spec.Spec, report spec.Reporter) (Result, error) {
	l, err := LawOf(s)
	if err != nil {
		return Result{}, err
	}
	x, err := Draw(ctx, s, func(p spec.Progress) {
		report.Report(spec.Progress{Fraction: 0.3 * p.Fraction, Message: p.Message})
	})
	if err != nil {
		return Result{}, err
	}
	report.Report(spec.Progress{Fraction: 0.3, Message: "estimating α"})
	rep, err := Analyze(x, s)
	if err != nil {
		return Result{}, err
	}
	report.Report(spec.Progress{Fraction: 1, Message: "done"})
	return Result{Law: l.Name(), TailIndex: l.TailIndex(), Report: rep}, nil
}

// Analyze runs every estimator on x with the block size K1 of s (0: the paper's choice).
func Analyze(x []float64, s spec.Spec) (estimator.Report, error) {
	return estimator.Analyze(x, estimator.Options{K1: s.Int("k1")})
}
