package estimator

import (
	"fmt"
	"math"
	"slices"
)

// TailCheck is a goodness-of-fit test of the symmetric α-stable law that
// McCulloch's method fits to the middle of the data (its 5–95% quantiles)
// against the data's tails. Every tail-index estimator reads a sample of
// Student-t, Laplace or Gaussian-mixture values as "α < 2" from its middle;
// such a law then predicts power-law tails that a finite-variance sample does
// not have, and its largest values are far smaller than predicted.
//
// For k = 30, 100, 300, … up to N/30, the statistic is the log of the k-th
// largest |x| over the interquartile range, compared with the same ratio of
// the fitted law (SαS quantiles at 1 − k/(2N) and 3/4):
//
//	D_k = log(|x|_(k) / IQR) − log(Q_α̂(1 − k/(2N)) / (2 Q_α̂(3/4))),
//
// standardised by its standard error under the fitted law, z_k = D_k/se_k,
// from the joint normal law of sample quantiles (the delta method, as for
// McCulloch's interval): the order statistic's own variance, that of the
// interquartile range and of α̂ (through dQ/dα), and their covariances.
// The data fail the check when some |z_k| > TailZ at α̂ and still at the end
// of McCulloch's 95% interval for α that brings the law closest to the data
// (so that α̂'s own uncertainty cannot make a false alarm, also where α̂ is
// clamped at 2 and the delta method cannot see it). estimator/README.md
// gives the rates measured on a table of laws by cmd/tailcheck.
//
// It needs no simulation: a parametric bootstrap of the same statistic would
// cost one SαS sample of N values per replicate (about 0.15 s for N = 1e5
// on this project's loaded machines), the delta method a few quantiles of
// the fitted law.
type TailCheck struct {
	Alpha float64 `json:"alpha"` // the fitted law: McCulloch's α̂
	N     int     `json:"n"`     // values tested
	// Points are the tail counts tested, in increasing k.
	Points []TailPoint `json:"points,omitempty"`
	// Z is the z_k of largest magnitude (0 when the check did not run).
	Z float64 `json:"z"`
	// Verdict is "stable" (every |z_k| ≤ TailZ), "lighter" (Z < −TailZ:
	// the tails are lighter than the fitted law's, as for finite-variance
	// data), "heavier" (Z > TailZ) or "not run".
	Verdict string `json:"verdict"`
	// Sentence says what the check found, in plain words.
	Sentence string `json:"sentence"`
}

// tailWarningPrefix starts every sentence of a failed tail check.
const tailWarningPrefix = "The tails are "

// TailPoint is one tail count of a TailCheck.
type TailPoint struct {
	K        int     `json:"k"`        // the k-th largest |x|
	Observed float64 `json:"observed"` // log(|x|_(k) / IQR)
	Expected float64 `json:"expected"` // the same ratio for the fitted law
	Z        float64 `json:"z"`        // (Observed − Expected) / standard error
}

// TailZ is the |z| above which TailCheck rejects the fitted α-stable law.
// Under that law each z_k is close to N(0, 1); with up to 8 correlated
// points, 4 keeps false alarms well under 5% (see the measured rates in
// estimator/README.md) while finite-variance laws give |z| ≫ 4 at N = 1e5.
const TailZ = 4

// tailKs are the tail counts tested: 30, 100, 300, 1000, … up to n/30.
func tailKs(n int) []int {
	var ks []int
	for e := 10; ; e *= 10 {
		for _, b := range []int{3, 10} {
			if b*e > n/30 {
				return ks
			}
			ks = append(ks, b*e)
		}
	}
}

// CheckTails runs the tail check on the values x (all of them: leave exact
// zeros out before, as Analyze does). It needs FewSamples values or more and
// an interquartile range above 0; otherwise Verdict is "not run" and
// Sentence says why.
func CheckTails(x []float64) TailCheck {
	if _, err := checkFinite(x); err != nil {
		return notRun(len(x), err.Error())
	}
	if len(x) < FewSamples {
		return notRun(len(x), fmt.Sprintf("too few values (%d; want ≥ %d) to test whether the tails are α-stable", len(x), FewSamples))
	}
	return checkTails(x, quantiles(slices.Clone(x), mccPs))
}

func notRun(n int, why string) TailCheck {
	return TailCheck{N: n, Verdict: "not run", Sentence: "Tail check not run: " + why + "."}
}

// checkTails is CheckTails given the quantiles q of x of orders mccPs.
func checkTails(x, q []float64) TailCheck {
	n := len(x)
	fit, err := mcculloch(q, n)
	if err != nil {
		return notRun(n, "no α-stable law could be fitted ("+trimPrefix(err.Error())+")")
	}
	a := fit.Alpha
	tc := TailCheck{Alpha: a, N: n}
	ks := tailKs(n)
	abs := make([]float64, n)
	for i, v := range x {
		abs[i] = math.Abs(v)
	}
	idx := make([]int, len(ks))
	for i, k := range ks {
		idx[len(ks)-1-i] = n - k // increasing positions
	}
	selectMany(abs, idx)

	// The McCulloch part, as in mcculloch(): ν̂ = (x95 − x05)/(x75 − x25).
	ps := [4]float64{0.05, 0.25, 0.75, 0.95}
	d := q[3] - q[1]
	nu := (q[4] - q[0]) / d
	_, _, dnu := mccAlpha(math.Log(nu))
	sigma := fit.Sigma
	f95, f75 := mccDensities(a)
	f := [4]float64{f95 / sigma, f75 / sigma, f75 / sigma, f95 / sigma}
	dNu := [4]float64{-1 / d, nu / d, -nu / d, 1 / d} // ∂ν̂/∂x_p
	dLogIQR := [4]float64{0, -1 / d, 1 / d, 0}
	clamped := a <= mccMin || a >= 2 || dnu == 0

	// logRatio(α, p) = log(Q_α(1 − p/2) / (2 Q_α(3/4))), the statistic's
	// value for SαS(α); its α-derivative by a central difference within
	// (mccMin, 2].
	q75 := map[float64]float64{} // Q_α(3/4) by α, computed once each
	logRatio := func(alpha, p float64) float64 {
		if _, ok := q75[alpha]; !ok {
			q75[alpha] = SymStable{Alpha: alpha, Sigma: 1}.Quantile(0.75)
		}
		return tailLogRatio(alpha, p, q75[alpha])
	}
	const h = 0.005
	lo, hi := max(a-h, mccMin), min(a+h, 2)

	for _, k := range ks {
		p := float64(k) / float64(n)
		t := abs[n-k]
		s1 := SymStable{Alpha: a, Sigma: 1}
		qt := s1.Quantile(1 - p/2)
		if _, ok := q75[a]; !ok {
			q75[a] = s1.Quantile(0.75)
		}
		exp := math.Log(qt / (2 * q75[a]))
		obs := math.Log(t / d)
		c := 0.0 // ∂ logRatio/∂α
		if !clamped && hi > lo {
			c = (logRatio(hi, p) - logRatio(lo, p)) / (hi - lo)
		}
		// Gradient of −log IQR − logRatio(α̂) in the four sample quantiles.
		var g [4]float64
		for j := range 4 {
			g[j] = -dLogIQR[j]
			if !clamped {
				g[j] -= c * dNu[j] / dnu
			}
		}
		v := 0.0
		for j := range 4 {
			for l := range 4 {
				pj, pl := ps[min(j, l)], ps[max(j, l)]
				v += g[j] * g[l] * pj * (1 - pl) / (float64(n) * f[j] * f[l])
			}
		}
		// The order statistic: |X| has density 2f at its (1 − p)-quantile
		// qt = σ Q(1 − p/2), so Var(log |x|_(k)) = p(1 − p)/(n (2 f(qt) qt)²);
		// its covariance with the sample quantile x_r is
		// p (r − 1/2)/(n · 2 f(qt) qt · f(x_r)).
		fq := 2 * s1.Prob(qt) * qt
		v += p * (1 - p) / (float64(n) * fq * fq)
		for j := range 4 {
			v += 2 * g[j] * p * (ps[j] - 0.5) / (float64(n) * fq * f[j])
		}
		z := (obs - exp) / math.Sqrt(v)
		if math.Abs(z) > TailZ {
			// Beyond the threshold at α̂: try the end of McCulloch's 95%
			// interval that brings the law closer to the data (heavier
			// tails for z > 0), where α's own uncertainty is spent, so
			// only the order statistic and the IQR vary. That keeps the
			// check honest where α̂ is clamped at 2 and the delta method
			// cannot see its uncertainty.
			end := fit.Hi
			if z > 0 {
				end = fit.Lo
			}
			vb := p * (1 - p) / (float64(n) * fq * fq)
			for j := range 4 {
				for l := range 4 {
					pj, pl := ps[min(j, l)], ps[max(j, l)]
					vb += dLogIQR[j] * dLogIQR[l] * pj * (1 - pl) / (float64(n) * f[j] * f[l])
				}
				vb -= 2 * dLogIQR[j] * p * (ps[j] - 0.5) / (float64(n) * fq * f[j])
			}
			zb := (obs - logRatio(end, p)) / math.Sqrt(vb)
			switch {
			case zb*z <= 0:
				z = 0 // some α in the interval fits this point
			case math.Abs(zb) < math.Abs(z):
				z = zb
			}
		}
		if !finite(z) {
			return notRun(n, fmt.Sprintf("the fitted law's tail at k = %d could not be computed", k))
		}
		tc.Points = append(tc.Points, TailPoint{K: k, Observed: obs, Expected: exp, Z: z})
		if math.Abs(z) > math.Abs(tc.Z) {
			tc.Z = z
		}
	}
	if len(tc.Points) == 0 {
		return notRun(n, fmt.Sprintf("too few values (%d; want ≥ %d) to test whether the tails are α-stable", n, FewSamples))
	}
	worst := tc.Points[0]
	for _, pt := range tc.Points {
		if math.Abs(pt.Z) > math.Abs(worst.Z) {
			worst = pt
		}
	}
	ratio := math.Exp(worst.Observed - worst.Expected)
	switch {
	case tc.Z < -TailZ:
		tc.Verdict = "lighter"
		tc.Sentence = fmt.Sprintf(tailWarningPrefix+"lighter than those of the α-stable law that fits the middle of the data (α = %.2f): "+
			"the %dth largest |x| is %.2g times what that law predicts (z = %.1f). The data are not α-stable, and α̂ overstates how heavy their tails are: "+
			"finite-variance data (Student-t with ν > 2, Laplace, Gaussian mixtures) look like this.", a, worst.K, ratio, tc.Z)
	case tc.Z > TailZ:
		tc.Verdict = "heavier"
		tc.Sentence = fmt.Sprintf(tailWarningPrefix+"heavier than those of the α-stable law that fits the middle of the data (α = %.2f): "+
			"the %dth largest |x| is %.2g times what that law predicts (z = %.1f). The data are not α-stable: "+
			"Gaussians of different scales mixed together look like this, and have a finite variance.", a, worst.K, ratio, tc.Z)
	default:
		tc.Verdict = "stable"
		tc.Sentence = fmt.Sprintf("The tails agree with the α-stable law that fits the middle of the data (α = %.2f): "+
			"the largest values are where that law puts them (|z| ≤ %.1f at the %d tail counts tested, within %d).", a, math.Abs(tc.Z), len(tc.Points), TailZ)
	}
	return tc
}

// tailLogRatio is log(Q_α(1 − p/2) / (2 Q_α(3/4))) for SαS(α, 1), given
// q75 = Q_α(3/4): the log of the (1 − p)-quantile of |X| over the
// interquartile range, whatever the scale.
func tailLogRatio(alpha, p, q75 float64) float64 {
	return math.Log(SymStable{Alpha: alpha, Sigma: 1}.Quantile(1-p/2) / (2 * q75))
}

func trimPrefix(s string) string {
	for _, p := range []string{"estimator: ", "mcculloch: "} {
		if len(s) >= len(p) && s[:len(p)] == p {
			s = s[len(p):]
		}
	}
	return s
}
