package landscape

// Exit-time theory.
//
// The dynamics (docs/science.md#levy-sde) are the Euler scheme w ← w − η∇f(w) + ε·η^{1/α}·S, S ~ SαS(1),
// i.e. E exp(iθS) = exp(−|θ|^α): the discretisation of dw = −∇f(w) dt + ε dL_t where L is the
// symmetric α-stable Lévy process with E exp(iθL_t) = exp(−t|θ|^α).
//
// Lévy noise (α < 2). For α < 2, L is a pure-jump process with Lévy measure
//
//	ν(dy) = c_α |y|^{−1−α} dy,  c_α = Γ(1+α)·sin(πα/2)/π,
//
// (the constant follows from ∫(1 − cos θy) c_α|y|^{−1−α} dy = |θ|^α). The rate of jumps of εL
// longer than r to one side is ν((r/ε, ∞)) = K_α·ε^α·r^{−α} with K_α = c_α/α = Γ(α)·sin(πα/2)/π.
// For small ε the drift holds the walker at the bottom x* of a basin (x* − b, x* + a), small jumps
// cannot carry it out against the drift, and it leaves with the first single jump longer than a
// to the right or b to the left (Imkeller & Pavlyukevich 2006). That event has rate
// λ = K_α ε^α (a^{−α} + b^{−α}), so the exit time is asymptotically exponential with mean
//
//	E τ ≈ 1/λ = π / (Γ(α) sin(πα/2)) · ε^{−α} · (a^{−α} + b^{−α})^{−1},
//
// independent of the height: LevyMeanExit. For the record, K_α = 0.2780, 0.1995, 0.0916 at
// α = 1.2, 1.5, 1.8 and → 0 as α → 2, where the jumps disappear.
//
// Without drift (H = 0) the exit from (−b, a) started at 0 is known exactly (Getoor 1961):
// E τ = (ab)^{α/2} / (ε^α Γ(1+α)), which is 1/Γ(1+α) for (−1, 1) and ε = 1: StableMeanExit.
//
// Gaussian noise (α = 2). SαS(1) at α = 2 is N(0, 2), so the scheme discretises
// dw = −f'(w) dt + ε·√2·dB with B a standard Brownian motion: a diffusion with coefficient D = ε².
// The mean exit time T(x) from (lo, hi) solves D·T'' − f'·T' = −1 with T = 0 at the absorbing ends
// (or T' = 0 at a reflecting end); DiffusionMeanExit solves it by quadrature, exactly up to the
// grid. For the Well profile, Laplace's method on that solution gives Kramers' law
//
//	E τ ≈ π·A·B / (12·H) · exp(H/ε²),
//
// KramersMeanExit (the prefactor comes from the curvature 6H/A², 6H/B² at the bottom and −6H/A²,
// −6H/B² just inside each boundary). The textbook form exp(2ΔH/σ²) is for noise σ·dB (diffusion
// coefficient σ²/2). With the scheme above, whose α = 2 noise has variance 2ε²η per step, σ = ε√2
// and the same law reads exp(ΔH/ε²) (docs/science.md#exit-times). The code follows the scheme,
// so its Kramers exponent is ΔH/ε².

import (
	"fmt"
	"math"
)

// LevyTailConstant returns K_α = Γ(α)·sin(πα/2)/π, the one-sided tail mass coefficient of the
// Lévy measure of the SαS(1) process: ν((r, ∞)) = K_α·r^{−α}. It is 0 at α = 2.
func LevyTailConstant(alpha float64) float64 {
	if alpha >= 2 {
		return 0
	}
	return math.Gamma(alpha) * math.Sin(math.Pi*alpha/2) / math.Pi
}

// LevyMeanExit returns the small-ε asymptotic mean exit time of the Lévy-driven process from a
// basin that reaches a to the right and b to the left of its minimum:
// 1 / (K_α ε^α (a^{−α} + b^{−α})). A width may be +Inf (a side with no exit). It is +Inf at α = 2.
func LevyMeanExit(alpha, eps, a, b float64) float64 {
	k := LevyTailConstant(alpha)
	if k == 0 {
		return math.Inf(1)
	}
	return 1 / (k * math.Pow(eps, alpha) * (math.Pow(a, -alpha) + math.Pow(b, -alpha)))
}

// StableMeanExit returns the exact mean exit time of ε·L (no drift) started at 0 from (−b, a):
// (ab)^{α/2} / (ε^α Γ(1+α)). At α = 2 it is ab/(2ε²), the Brownian value for D = ε².
func StableMeanExit(alpha, eps, a, b float64) float64 {
	return math.Pow(a*b, alpha/2) / (math.Pow(eps, alpha) * math.Gamma(1+alpha))
}

// KramersMeanExit returns the small-ε (ε² ≪ H) asymptotic mean exit time of the Gaussian
// (α = 2) dynamics from the Well started at its bottom: π·A·B/(12H)·exp(H/ε²).
func KramersMeanExit(w Well, eps float64) float64 {
	return math.Pi * w.A * w.B / (12 * w.H) * math.Exp(w.H/(eps*eps))
}

// DiffusionMeanExit returns the mean exit time from (lo, hi), started at x0, of the diffusion
// dx = −f'(x) dt + √(2D) dB, exact up to the quadrature (trapezoid rule on n intervals on each
// side of x0; relative error O(n^{−2})). The end hi is absorbing; lo is absorbing unless
// reflectLo is set. With ψ = exp(f/D), φ = exp(−f/D), I(y) = ∫_lo^y φ:
//
//	absorbing lo: T(x0) = (1/D)·[ J(hi)·Ψ(x0)/Ψ(hi) − J(x0) ],  Ψ(x) = ∫_lo^x ψ,  J(x) = ∫_lo^x ψ·I
//	reflecting lo: T(x0) = (1/D)·∫_x0^hi ψ(y) I(y) dy.
//
// The result overflows to +Inf when (max f − min f)/D exceeds about 700.
func DiffusionMeanExit(f func(float64) float64, lo, hi, x0, D float64, reflectLo bool, n int) (float64, error) {
	if !(lo < x0 && x0 < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return 0, fmt.Errorf("landscape: need finite lo < x0 < hi, got %v, %v, %v", lo, x0, hi)
	}
	if !(D > 0) {
		return 0, fmt.Errorf("landscape: diffusion coefficient must be positive, got %v", D)
	}
	if n < 10 {
		n = 10
	}
	// Grid with x0 as a node.
	m := 2*n + 1
	xs := make([]float64, m)
	for i := 0; i <= n; i++ {
		xs[i] = lo + (x0-lo)*float64(i)/float64(n)
		xs[n+i] = x0 + (hi-x0)*float64(i)/float64(n)
	}
	fs := make([]float64, m)
	fmin, fmax := math.Inf(1), math.Inf(-1)
	for i, x := range xs {
		fs[i] = f(x)
		fmin, fmax = min(fmin, fs[i]), max(fmax, fs[i])
	}
	// Scaled ψ and φ: ψs = exp((f − fmax)/D), φs = exp(−(f − fmin)/D); T = e^{(fmax−fmin)/D}·(scaled).
	psi := make([]float64, m)
	phi := make([]float64, m)
	for i := range xs {
		psi[i] = math.Exp((fs[i] - fmax) / D)
		phi[i] = math.Exp(-(fs[i] - fmin) / D)
	}
	I := make([]float64, m) // ∫_lo^x φs
	for i := 1; i < m; i++ {
		I[i] = I[i-1] + 0.5*(xs[i]-xs[i-1])*(phi[i]+phi[i-1])
	}
	Psi := make([]float64, m) // ∫_lo^x ψs
	J := make([]float64, m)   // ∫_lo^x ψs·I
	for i := 1; i < m; i++ {
		h := xs[i] - xs[i-1]
		Psi[i] = Psi[i-1] + 0.5*h*(psi[i]+psi[i-1])
		J[i] = J[i-1] + 0.5*h*(psi[i]*I[i]+psi[i-1]*I[i-1])
	}
	var scaled float64
	if reflectLo {
		scaled = J[m-1] - J[n]
	} else {
		scaled = J[m-1]*Psi[n]/Psi[m-1] - J[n]
	}
	return scaled / D * math.Exp((fmax-fmin)/D), nil
}

// WellGaussianMeanExit is the exact (quadrature) mean exit time of the Gaussian dynamics with
// noise ε from the Well, started at its bottom.
func WellGaussianMeanExit(w Well, eps float64) (float64, error) {
	return DiffusionMeanExit(w.Value1, -w.B, w.A, 0, eps*eps, false, 20000)
}

// LevyWellFractions returns the small-ε long-run fractions of time the Lévy-driven dynamics spend
// in the left and right wells of d. Each well is left by the first jump that crosses the barrier:
// rate K_α ε^α W^{−α} (jumps away from the barrier land on the outer wall and flow back). A
// two-state Markov chain with these rates spends the fraction WL^α/(WL^α + WR^α) on the left:
// it depends on the widths only, not on the depths.
func LevyWellFractions(alpha float64, d DoubleWell) (left, right float64) {
	l, r := math.Pow(d.WL, alpha), math.Pow(d.WR, alpha)
	return l / (l + r), r / (l + r)
}

// LevyWellResidence returns the small-ε mean time the Lévy dynamics stay in each well before
// crossing the barrier: W^α / (K_α ε^α).
func LevyWellResidence(alpha, eps float64, d DoubleWell) (left, right float64) {
	return LevyMeanExit(alpha, eps, d.WL, math.Inf(1)), LevyMeanExit(alpha, eps, d.WR, math.Inf(1))
}

// GibbsWellFractions returns the stationary fractions of time of the Gaussian (α = 2) dynamics
// with noise ε in each well of d: the Gibbs measure exp(−f/ε²) of x < 0 and x > 0, by quadrature.
// For small ε it is dominated by the deeper well: the ratio left/right ≈
// exp((HL − HR)/ε²)·(WL/WR)·√(HR/HL). Reaching it takes many barrier crossings, so a finite run
// started in one well may be far from it.
func GibbsWellFractions(eps float64, d DoubleWell) (left, right float64) {
	D := eps * eps
	// Integrate out to where f is 40·D above the bottom on each outer wall.
	reachL := d.WL * (1 + math.Sqrt(40*D/(3*d.HL)))
	reachR := d.WR * (1 + math.Sqrt(40*D/(3*d.HR)))
	fmin := min(-d.HL, -d.HR)
	integral := func(a, b float64) float64 {
		const n = 20000
		h := (b - a) / n
		s := 0.0
		for i := 0; i <= n; i++ {
			w := 1.0
			if i == 0 || i == n {
				w = 0.5
			}
			s += w * math.Exp(-(d.Value1(a+float64(i)*h)-fmin)/D)
		}
		return s * h
	}
	l, r := integral(-reachL, 0), integral(0, reachR)
	return l / (l + r), r / (l + r)
}

// WellResidenceGaussian returns the exact (quadrature) mean time the Gaussian dynamics take
// from the bottom of each well of d to the barrier top (the outer wall reflects).
func WellResidenceGaussian(eps float64, d DoubleWell) (left, right float64, err error) {
	D := eps * eps
	reachL := d.WL * (1 + math.Sqrt(40*D/(3*d.HL)))
	reachR := d.WR * (1 + math.Sqrt(40*D/(3*d.HR)))
	left, err = DiffusionMeanExit(d.Value1, -reachL, 0, -d.WL, D, true, 20000)
	if err != nil {
		return 0, 0, err
	}
	mirror := func(x float64) float64 { return d.Value1(-x) }
	right, err = DiffusionMeanExit(mirror, -reachR, 0, -d.WR, D, true, 20000)
	return left, right, err
}
