// Package stable runs the "stable" kind: it draws a sample from the law a spec names (a
// symmetric α-stable law, or a finite-variance law that shows the estimators' known weak
// spot) and estimates its tail index with every method of the estimator package.
//
// The browser's Estimator view and the server draw the same numbers for the same spec: a
// Sampler fed in chunks gives the same sequence as one call for the whole sample.
package stable

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/fastmath"
	"github.com/tailscope/tailscope/sim/spec"
)

// stream separates this package's random numbers from other users of the same seed.
const stream = 0x57AB1E

// Mixture weights and scales of the "mixture" law: 0.9·N(0, 1) + 0.1·N(0, 10²), a
// finite-variance law with heavy-looking tails.
const (
	mixtureWeight = 0.1
	mixtureScale  = 10
)

// Sampler draws the values of a "stable" spec in order.
type Sampler struct {
	dist spec.Dist
	rng  *rand.Rand
	sas  fastmath.SymStable // from a counter stream: value i depends on the seed and i only
	t    distuv.StudentsT
}

// NewSampler returns the sampler of s, which must be a valid spec of kind "stable".
func NewSampler(s spec.Spec) (*Sampler, error) {
	if s.Kind != "stable" {
		return nil, fmt.Errorf("stable: spec of kind %q, want stable", s.Kind)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	p, err := s.Stable()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(s.Seed, stream))
	return &Sampler{
		dist: p.Dist,
		rng:  rng,
		sas:  fastmath.SymStable{Alpha: p.Alpha, Sigma: 1, Src: fastmath.NewCounter(s.Seed)},
		t:    distuv.StudentsT{Mu: 0, Sigma: 1, Nu: p.Nu, Src: rng},
	}, nil
}

// Fill draws len(x) values into x.
func (sm *Sampler) Fill(x []float64) {
	switch sm.dist {
	case spec.DistSaS:
		// Chambers–Mallows–Stuck, in the browser through the WebAssembly SIMD kernel; the
		// spec was validated, so the parameters are in range and Fill cannot fail.
		sm.sas.Fill(x)
	case spec.DistStudent:
		for i := range x {
			x[i] = sm.t.Rand()
		}
	case spec.DistMixture:
		for i := range x {
			v := sm.rng.NormFloat64()
			if sm.rng.Float64() < mixtureWeight {
				v *= mixtureScale
			}
			x[i] = v
		}
	default: // spec.DistGauss
		for i := range x {
			x[i] = sm.rng.NormFloat64()
		}
	}
}

// TrueAlpha is the tail index of the law sampled: α for "sas", ν for "student" (its
// tails decay like t^−ν; the estimators' SαS model caps α at 2), and 2 for the laws with
// Gaussian tails. FiniteVariance says whether the law has a finite variance, in which
// case the generalised CLT gives α = 2 for its sums however heavy its tails look.
// A spec of another kind is treated as the Gaussian law.
func TrueAlpha(s spec.Spec) (alpha float64, finiteVariance bool) {
	p, _ := s.Stable()
	switch p.Dist {
	case spec.DistSaS:
		return p.Alpha, p.Alpha == 2
	case spec.DistStudent:
		return p.Nu, p.Nu > 2
	}
	return 2, true
}

// Density returns the density of the law sampled at x, for plots. A spec of another kind is
// treated as the Gaussian law.
func Density(s spec.Spec, x float64) float64 {
	p, _ := s.Stable()
	switch p.Dist {
	case spec.DistSaS:
		return estimator.SymStable{Alpha: p.Alpha, Sigma: 1}.Prob(x)
	case spec.DistStudent:
		return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: p.Nu}.Prob(x)
	case spec.DistMixture:
		return (1-mixtureWeight)*distuv.UnitNormal.Prob(x) +
			mixtureWeight*distuv.Normal{Mu: 0, Sigma: mixtureScale}.Prob(x)
	}
	return distuv.UnitNormal.Prob(x)
}

// Result is what a "stable" run returns.
type Result struct {
	Spec           spec.Spec        `json:"spec"`
	TrueAlpha      float64          `json:"trueAlpha"`
	FiniteVariance bool             `json:"finiteVariance"`
	Report         estimator.Report `json:"report"`
}

// chunk is how many values are drawn between checks of the context.
const chunk = 1 << 14

// Draw returns the whole sample of s, checking ctx between chunks.
func Draw(ctx context.Context, s spec.Spec, progress spec.Reporter) ([]float64, error) {
	sm, err := NewSampler(s)
	if err != nil {
		return nil, err
	}
	p, _ := s.Stable() // NewSampler checked the kind
	x := make([]float64, p.N)
	for i := 0; i < len(x); i += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sm.Fill(x[i:min(i+chunk, len(x))])
		progress.Report(spec.Progress{Fraction: 0.5 * float64(i) / float64(len(x)), Message: "drawing the sample"})
	}
	return x, nil
}

// Run draws the sample of s and analyses it with every estimator.
func Run(ctx context.Context, s spec.Spec, progress spec.Reporter) (*Result, error) {
	x, err := Draw(ctx, s, progress)
	if err != nil {
		return nil, err
	}
	progress.Report(spec.Progress{Fraction: 0.5, Message: "estimating α"})
	p, _ := s.Stable() // Draw checked the kind
	rep, err := estimator.Analyze(x, estimator.Options{K1: p.K1, Seed: s.Seed})
	if err != nil {
		return nil, fmt.Errorf("stable: %w", err)
	}
	a, fv := TrueAlpha(s)
	progress.Report(spec.Progress{Fraction: 1, Message: "done"})
	return &Result{Spec: s, TrueAlpha: a, FiniteVariance: fv, Report: rep}, nil
}
