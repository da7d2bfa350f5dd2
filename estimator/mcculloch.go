package estimator

import (
	"fmt"
	"math"
	"slices"
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
// fitted SαS density, and se(α̂) = se(ν̂)/|dν/dα|. The density at the
// fitted quantiles comes from a table on the same α grid (mccDensities,
// within 2e-8 relative of SymStable), so an estimate costs one pass of
// selection for the sample quantiles and no numerical integration.
type McCulloch struct {
	// KeepZeros keeps exact zeros; by default they are left out (a point
	// mass at 0 collapses the interquartile range).
	KeepZeros bool
}

// mccTable holds ν(α) and q_.75(α) on the grid α = mccMin + i·mccStep;
// mcctable.go also holds, on the same grid, the log densities of SαS(1) at
// its quantiles .95 and .75 (mccLogF95, mccLogF75) that the delta method
// needs, read through mccDensities.
// The values are precomputed in mcctable.go (computing them takes about a
// second natively, several in a browser); TestMcCullochTableFile checks
// them against SymStable's quantiles and regenerates the file when
// TAILSCOPE_UPDATE=1.
var mccTable = struct {
	alpha, logNu, q75 []float64
}{alpha: mccGridAlpha(), logNu: mccLogNu[:], q75: mccQ75[:]}

const (
	mccMin  = 0.4
	mccStep = 0.01
	mccLen  = 161 // grid points from mccMin to 2
)

func mccGridAlpha() []float64 {
	a := make([]float64, mccLen)
	for i := range a {
		a[i] = mccMin + float64(i)*mccStep
	}
	a[mccLen-1] = 2
	return a
}

// mccCompute computes the table from the quantiles and the density.
func mccCompute() (logNu, q75, logF95, logF75 [mccLen]float64) {
	for i, a := range mccGridAlpha() {
		q95 := stdUpperQuantile(a, 0.05)
		q75[i] = stdUpperQuantile(a, 0.25)
		logNu[i] = math.Log(q95 / q75[i])
		logF95[i] = math.Log(stdPDF(a, q95))
		logF75[i] = math.Log(stdPDF(a, q75[i]))
	}
	return logNu, q75, logF95, logF75
}

// mccDensities returns the densities of SαS(1) at its quantiles of order
// .95 and .75, for α in [mccMin, 2], by 6-point Lagrange interpolation of
// their logarithms on the grid (nodes i−2..i+3 around α, shifted inwards
// at the ends). The interpolation error is at most 2e-8 relative: the
// 6th differences Δ⁶ of the tabulated logarithms are at most 6.2e-7 (at
// α = 0.4, for q_.95; below 1.6e-8 above α = 0.9), and the error of the
// rule is at most |∏_{k<6}(t−k)|/6! · |Δ⁶|, that is 0.0049·|Δ⁶| in the
// central interval t in [2, 3] and 0.0235·|Δ⁶| in the end ones. For the
// interval this is a relative error below 2e-8 in se(α̂).
// TestMcCullochDensities checks it against SymStable at every midpoint
// and quarter point of the grid.
func mccDensities(alpha float64) (f95, f75 float64) {
	h := (alpha - mccMin) / mccStep
	j := min(max(int(h)-2, 0), mccLen-6) // first node
	t := h - float64(j)                  // α in node units from node j
	var l95, l75 float64
	for k := range 6 {
		w := 1.0
		for m := range 6 {
			if m != k {
				w *= (t - float64(m)) / float64(k-m)
			}
		}
		l95 += w * mccLogF95[j+k]
		l75 += w * mccLogF75[j+k]
	}
	return math.Exp(l95), math.Exp(l75)
}

// mccAlpha inverts ν(α) (decreasing in α) at log ν = l, and returns α,
// q_.75(α) and dν/dα there.
func mccAlpha(l float64) (alpha, q75, dnu float64) {
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

// Estimate returns α̂ and σ̂ for x (its non-zero values unless KeepZeros).
func (m McCulloch) Estimate(x []float64) (Estimate, error) {
	zeros, err := checkFinite(x)
	if err != nil {
		return Estimate{Method: "mcculloch"}, err
	}
	if !m.KeepZeros {
		x = nonZero(x, zeros)
	}
	if err := mccCheckN(len(x)); err != nil {
		return Estimate{Method: "mcculloch", N: len(x)}, err
	}
	return mcculloch(quantiles(slices.Clone(x), mccPs), len(x))
}

// mccPs are the orders of the sample quantiles McCulloch's method and
// Koutrouvelis' standardisation use.
var mccPs = []float64{0.05, 0.25, 0.5, 0.75, 0.95}

func mccCheckN(n int) error {
	if n < 20 {
		return fmt.Errorf("estimator: mcculloch: %d values, want ≥ 20 to form the 5%% and 95%% quantiles", n)
	}
	return nil
}

// mcculloch runs the method on the sample quantiles q of orders mccPs of
// n values, with its interval.
func mcculloch(q []float64, n int) (Estimate, error) {
	e, err := mccPoint(q, n)
	if err != nil {
		return e, err
	}
	ps := [4]float64{0.05, 0.25, 0.75, 0.95}
	q4 := [4]float64{q[0], q[1], q[3], q[4]}
	d := q4[2] - q4[1]
	nu := (q4[3] - q4[0]) / d
	_, _, dnu := mccAlpha(math.Log(nu))
	alpha := e.Alpha
	// Delta method, with f the density of the fitted SαS(σ̂) at its
	// quantiles ps (symmetric: f(x_.05) = f(x_.95), f(x_.25) = f(x_.75)).
	f95, f75 := mccDensities(alpha)
	f := [4]float64{f95 / e.Sigma, f75 / e.Sigma, f75 / e.Sigma, f95 / e.Sigma}
	g := [4]float64{-1 / d, nu / d, -nu / d, 1 / d}
	v := 0.0
	for i := range 4 {
		for j := range 4 {
			pi, pj := ps[min(i, j)], ps[max(i, j)]
			v += g[i] * g[j] * pi * (1 - pj) / (float64(n) * f[i] * f[j])
		}
	}
	se := math.Sqrt(v) / math.Abs(dnu)
	e.Lo = max(alpha-Z975*se, 0)
	e.Hi = min(alpha+Z975*se, 2)
	if e.Lo > e.Hi { // α̂ = 2 with a wide interval
		e.Lo = e.Hi
	}
	return e, nil
}

// mccPoint computes α̂ and σ̂ from the sample quantiles q of orders mccPs.
func mccPoint(q []float64, n int) (Estimate, error) {
	e := Estimate{Method: "mcculloch", N: n}
	if err := mccCheckN(n); err != nil {
		return e, err
	}
	d := q[3] - q[1]
	if !(d > 0) {
		return e, fmt.Errorf("estimator: mcculloch: the interquartile range is 0 (at least half the values are equal)")
	}
	nu := (q[4] - q[0]) / d
	alpha, q75, _ := mccAlpha(math.Log(nu))
	if lo := mccTable.logNu[0]; math.Log(nu) > lo {
		e.Warnings = append(e.Warnings, fmt.Sprintf("ν̂ = %.3g is beyond ν(%.1f): α̂ is clamped at %.1f", nu, mccMin, mccMin))
	}
	e.Alpha = alpha
	e.Sigma = d / (2 * q75)
	return e, nil
}
