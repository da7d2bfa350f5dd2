package estimator

import (
	"fmt"
	"math"
	"slices"
	"sync"
)

// McCulloch is McCulloch's (1986) quantile estimator, "Simple consistent
// estimators of stable distribution parameters", Commun. Statist. –
// Simulation 15(4), in its symmetric case (β = 0). From the sample quantiles
// x_p,
//
//	ν̂ = (x_.95 − x_.05) / (x_.75 − x_.25),
//
// α̂ solves ν(α) = ν̂, where ν(α) = q_.95(α)/q_.75(α) for SαS(1), and
// σ̂ = (x_.75 − x_.25) / (2 q_.75(α̂)). McCulloch tabulated ν(α) to three
// digits; here it is computed from SymStable.Quantile on a grid of α in
// [0.4, 2] with step 0.01 and interpolated linearly in log ν, which is
// more accurate than the published table. ν̂ below ν(2) ≈ 2.439 gives
// α̂ = 2 (the method cannot say more than "Gaussian"); ν̂ above ν(0.4)
// gives α̂ = 0.4 with a warning.
//
// Sample quantiles use McCulloch's convention: the i-th smallest of n
// values is the quantile of order (2i − 1)/(2n), with linear interpolation.
//
// The 95% interval is the delta method: the sample quantiles are jointly
// normal with Cov(x_p, x_r) = p(1−r)/(n f(x_p) f(x_r)) for p ≤ r, f the
// fitted SαS density, and se(α̂) = se(ν̂)/|dν/dα|.
type McCulloch struct{}

// mccTable holds ν(α) and q_.75(α) on the grid.
var mccTable struct {
	once  sync.Once
	alpha []float64
	logNu []float64
	q75   []float64
}

const (
	mccMin  = 0.4
	mccStep = 0.01
)

func mccInit() {
	mccTable.once.Do(func() {
		n := int(math.Round((2-mccMin)/mccStep)) + 1
		for i := 0; i < n; i++ {
			a := mccMin + float64(i)*mccStep
			if i == n-1 {
				a = 2
			}
			q95 := stdUpperQuantile(a, 0.05)
			q75 := stdUpperQuantile(a, 0.25)
			mccTable.alpha = append(mccTable.alpha, a)
			mccTable.logNu = append(mccTable.logNu, math.Log(q95/q75))
			mccTable.q75 = append(mccTable.q75, q75)
		}
	})
}

// mccAlpha inverts ν(α) (decreasing in α) at log ν = l, and returns α,
// q_.75(α) and dν/dα there.
func mccAlpha(l float64) (alpha, q75, dnu float64) {
	mccInit()
	t := &mccTable
	n := len(t.alpha)
	// logNu decreases with α; find i with logNu[i] ≥ l ≥ logNu[i+1].
	i, _ := slices.BinarySearchFunc(t.logNu, l, func(e, l float64) int {
		switch {
		case e > l:
			return -1
		case e < l:
			return 1
		}
		return 0
	})
	i = min(max(i-1, 0), n-2)
	f := (t.logNu[i] - l) / (t.logNu[i] - t.logNu[i+1])
	f = min(max(f, 0), 1)
	alpha = t.alpha[i] + f*(t.alpha[i+1]-t.alpha[i])
	q75 = t.q75[i] + f*(t.q75[i+1]-t.q75[i])
	nu := math.Exp(l)
	dnu = nu * (t.logNu[i+1] - t.logNu[i]) / (t.alpha[i+1] - t.alpha[i])
	return alpha, q75, dnu
}

// sampleQuantile returns the p-quantile of sorted s in McCulloch's
// convention: s[i] (0-based) has order (i + 1/2)/n.
func sampleQuantile(s []float64, p float64) float64 {
	n := len(s)
	h := p*float64(n) - 0.5
	if h <= 0 {
		return s[0]
	}
	if h >= float64(n-1) {
		return s[n-1]
	}
	i := int(h)
	return s[i] + (h-float64(i))*(s[i+1]-s[i])
}

// Estimate returns α̂ and σ̂ for x (zeros included: the method is about
// the whole distribution, not logarithms).
func (McCulloch) Estimate(x []float64) (Estimate, error) {
	if _, err := checkFinite(x); err != nil {
		return Estimate{Method: "mcculloch"}, err
	}
	s := slices.Clone(x)
	slices.Sort(s)
	return mcculloch(s)
}

// mcculloch runs the method on sorted values.
func mcculloch(s []float64) (Estimate, error) {
	e := Estimate{Method: "mcculloch", N: len(s)}
	if len(s) < 20 {
		return e, fmt.Errorf("estimator: mcculloch: %d values, want ≥ 20 to form the 5%% and 95%% quantiles", len(s))
	}
	ps := [4]float64{0.05, 0.25, 0.75, 0.95}
	var q [4]float64
	for i, p := range ps {
		q[i] = sampleQuantile(s, p)
	}
	d := q[2] - q[1]
	if !(d > 0) {
		return e, fmt.Errorf("estimator: mcculloch: the interquartile range is 0 (at least half the values are equal)")
	}
	nu := (q[3] - q[0]) / d
	alpha, q75, dnu := mccAlpha(math.Log(nu))
	mccInit()
	if lo := mccTable.logNu[0]; math.Log(nu) > lo {
		e.Warnings = append(e.Warnings, fmt.Sprintf("ν̂ = %.3g is beyond ν(%.1f): α̂ is clamped at %.1f", nu, mccMin, mccMin))
	}
	e.Alpha = alpha
	e.Sigma = d / (2 * q75)
	// Delta method.
	fit := SymStable{Alpha: alpha, Sigma: e.Sigma}
	var f [4]float64
	for i, p := range ps {
		f[i] = fit.Prob(fit.Quantile(p))
	}
	g := [4]float64{-1 / d, nu / d, -nu / d, 1 / d}
	n := float64(len(s))
	v := 0.0
	for i := range 4 {
		for j := range 4 {
			pi, pj := ps[min(i, j)], ps[max(i, j)]
			v += g[i] * g[j] * pi * (1 - pj) / (n * f[i] * f[j])
		}
	}
	se := math.Sqrt(v) / math.Abs(dnu)
	e.Lo = max(alpha-z975*se, 0)
	e.Hi = min(alpha+z975*se, 2)
	if e.Lo > e.Hi { // α̂ = 2 with a wide interval
		e.Lo = e.Hi
	}
	return e, nil
}
