package iterates

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"

	"github.com/tailscope/tailscope/estimator"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat/distuv"
)

// Theory of Gürbüzbalaban, Şimşekli & Zhu (2021) for SGD on linear regression with data
// a ~ N(0, σ²I_d) (docs/science.md#heavy-tailed-iterates). The deviation e_k = x_k − x* obeys
//
//	e_{k+1} = M_k e_k + q_k,   M_k = I − (η/b) Σ_{i∈Ω_k} a_i a_iᵀ,   q_k = (η/b) Σ_{i∈Ω_k} a_i ε_i,
//
// and its stationary law has tails P(‖e‖ > t) ~ c·t^{−s}, where s is the positive root of
//
//	h(s) = lim_k (1/k) log E‖M_k ⋯ M_1‖^s.
//
// For isotropic Gaussian data the law of M u is the same for every unit vector u up to a
// rotation, so ‖M_k ⋯ M_1 e_1‖ is a product of k independent copies of ‖M e_1‖ and
// h(s) = log E‖M e_1‖^s exactly. Writing c = ησ²/b, X = Σ_i (a_i1/σ)² ~ χ²_b and W ~ χ²_{d−1}
// independent of X,
//
//	‖M e_1‖² = (1 − cX)² + c²·X·W,
//
// so h depends on η, b and σ only through c. Theory estimates h by Monte Carlo over these two
// variables (the paper's approach, with the reduction to two scalars), and checks nothing else.

// HPoint is h at one s, for plots.
type HPoint struct {
	S float64 `json:"s"`
	H float64 `json:"h"`
}

// TheoryResult is the theory's prediction for one (η, b, d, σ).
type TheoryResult struct {
	// C is ησ²/b, the one number besides b and d that h depends on.
	C float64 `json:"c"`
	// Rho is h'(0) = E log‖M e_1‖, the top Lyapunov exponent: the chains settle into a
	// stationary law when it is negative and diverge when it is positive.
	Rho float64 `json:"rho"`
	// Stationary says Rho < 0.
	Stationary bool `json:"stationary"`
	// TailIndex is the positive root s of the Monte-Carlo ĥ (0 when not stationary), with a
	// 95% interval for the Monte-Carlo error (delta method). When the root lies beyond
	// MaxTailIndex, TailIndex is MaxTailIndex and Beyond is set.
	TailIndex float64 `json:"tailIndex"`
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	Beyond    bool    `json:"beyond,omitempty"`
	// CriticalC is the c at which s = 2 (the variance becomes infinite): 2/(b+d+1), exactly.
	// CriticalEtaOverB = CriticalC/σ² and CriticalEta = b·CriticalEtaOverB.
	CriticalC        float64 `json:"criticalC"`
	CriticalEtaOverB float64 `json:"criticalEtaOverB"`
	CriticalEta      float64 `json:"criticalEta"`
	// H samples ĥ on a grid of s from 0 past the root, for the plot.
	H []HPoint `json:"h"`
	// Draws is the number of Monte-Carlo draws.
	Draws int `json:"draws"`
}

// MaxTailIndex is the largest tail index the theory reports: beyond it ĥ is dominated by a few
// draws and the iterates look Gaussian anyway.
const MaxTailIndex = 20

// CriticalC is the value of c = ησ²/b at which the stationary variance becomes infinite, h(2) = 0:
// E‖M e_1‖² = 1 − 2cb + c²·b(b+d+1) = 1 gives c = 2/(b+d+1).
func CriticalC(b, d int) float64 { return 2 / float64(b+d+1) }

// H2 is h(2) = log E‖M e_1‖², in closed form.
func H2(c float64, b, d int) float64 {
	fb := float64(b)
	return math.Log(1 - 2*c*fb + c*c*fb*(fb+float64(d)+1))
}

// LogNorms draws n values of log‖M e_1‖ for c = ησ²/b, b and d, from src.
func LogNorms(ctx context.Context, c float64, b, d, n int, src rand.Source) ([]float64, error) {
	x := distuv.ChiSquared{K: float64(b), Src: src}
	var w distuv.ChiSquared
	if d > 1 {
		w = distuv.ChiSquared{K: float64(d - 1), Src: src}
	}
	z := make([]float64, n)
	for i := range z {
		if i%(1<<14) == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		xi := x.Rand()
		v := (1 - c*xi) * (1 - c*xi)
		if d > 1 {
			v += c * c * xi * w.Rand()
		}
		z[i] = 0.5 * math.Log(v)
	}
	return z, nil
}

// HAt is ĥ(s) = log((1/n) Σ_j exp(s·z_j)) for z = LogNorms(…): the Monte-Carlo estimate of h,
// convex in s with ĥ(0) = 0 like h itself.
func HAt(z []float64, s float64) float64 {
	h, _, _ := hStats(z, s)
	return h
}

// Theory computes the prediction from the draws z = LogNorms(c, b, d, …).
func Theory(z []float64, c float64, b, d int) (TheoryResult, error) {
	if len(z) < 2 {
		return TheoryResult{}, errors.New("iterates: theory needs at least two Monte-Carlo draws")
	}
	r := TheoryResult{C: c, Draws: len(z), CriticalC: CriticalC(b, d)}
	r.Rho = floats.Sum(z) / float64(len(z))
	r.Stationary = r.Rho < 0
	hi := MaxTailIndex
	if r.Stationary {
		s, lo, up, beyond := root(z)
		r.TailIndex, r.Lo, r.Hi, r.Beyond = s, lo, up, beyond
		hi = int(math.Ceil(min(1.5*s+0.5, MaxTailIndex)))
	} else {
		hi = 4
	}
	const points = 80
	for i := range points + 1 {
		s := float64(hi) * float64(i) / points
		r.H = append(r.H, HPoint{S: s, H: HAt(z, s)})
	}
	return r, nil
}

// root finds the positive root of ĥ and its Monte-Carlo interval. ĥ is convex with ĥ(0) = 0 and
// ĥ'(0) < 0, so Newton's method started at MaxTailIndex, where ĥ > 0, goes down to the root
// without passing it: each tangent lies below ĥ, so its zero lies between the root and the
// point. It takes about ten evaluations of ĥ where bisection took 60, each a pass of exp
// over the 10⁵ draws (the theory was 70 % of the default run's time). The interval: ĥ(s) has
// standard error sd(e^{sz})/(√n·mean(e^{sz})), and a shift δh moves the root by δh/ĥ'(s).
func root(z []float64) (s, lo, hi float64, beyond bool) {
	s = float64(MaxTailIndex)
	h, slope, seH := hStats(z, s)
	if h <= 0 {
		return MaxTailIndex, MaxTailIndex, MaxTailIndex, true
	}
	for range 100 {
		if !(slope > 0) {
			break
		}
		next := s - h/slope
		if !(next < s) || next <= 0 {
			break // at the root to rounding
		}
		step := s - next
		s = next
		h, slope, seH = hStats(z, s)
		if h <= 0 || step <= 1e-15*s {
			break // on the root, or past it by rounding only (the tangents stay right of it)
		}
	}
	if slope <= 0 {
		return s, 0, MaxTailIndex, false
	}
	d := estimator.Z975 * seH / slope
	return s, max(s-d, 0), s + d, false
}

// hStats returns ĥ(s), its slope ĥ'(s) (the mean of z weighted by e^{sz}) and its standard
// error, from the weights e^{sz} shifted by their largest exponent.
func hStats(z []float64, s float64) (h, slope, se float64) {
	m := math.Inf(-1)
	for _, v := range z {
		m = max(m, s*v)
	}
	var sw, sw2, swz float64
	for _, v := range z {
		w := math.Exp(s*v - m)
		sw += w
		sw2 += w * w
		swz += w * v
	}
	n := float64(len(z))
	mean := sw / n
	sd := math.Sqrt(max(sw2/n-mean*mean, 0))
	return m + math.Log(mean), swz / sw, sd / (math.Sqrt(n) * mean)
}
