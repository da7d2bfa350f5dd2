package estimator

import (
	"fmt"
	"math"
	"slices"
)

// Koutrouvelis is the characteristic-function regression of Koutrouvelis
// (1980), "Regression-type estimation of the parameters of stable laws",
// JASA 75(372), in its symmetric form with the fixed grid of Kogon &
// Williams (1998). For SαS(σ), log(−log|φ(t)|²) = log(2σ^α) + α log|t|, so
// with the empirical characteristic function φ̂(t) = (1/n) Σ exp(i t z_j)
// of the standardised data z = (x − median)/σ̂₀,
//
//	y_k = log(−log|φ̂(t_k)|²),  t_k = 0.1, 0.2, …, 1.0,
//
// α̂ is the least-squares slope of y_k on log t_k and σ̂ = σ̂₀ (e^b/2)^{1/α̂}
// with b the intercept. σ̂₀ is McCulloch's σ̂; the regression is repeated
// once with σ̂₀ = σ̂. α̂ is clamped to (0, 2].
//
// The 95% interval is by batch means: the data are cut into G = 20
// contiguous groups (fewer below 2000 values), α̂ is computed on each with
// the same standardisation, and se(α̂) ≈ sd(group α̂)/√G. The group sums
// of the empirical characteristic function add up to the full sample's, so
// this costs no extra pass over the data.
type Koutrouvelis struct {
	// KeepZeros keeps exact zeros; by default they are left out.
	KeepZeros bool
}

// Estimate returns α̂ and σ̂ for x (its non-zero values unless KeepZeros).
func (k Koutrouvelis) Estimate(x []float64) (Estimate, error) {
	const method = "koutrouvelis"
	zeros, err := checkFinite(x)
	if err != nil {
		return Estimate{Method: method}, err
	}
	if !k.KeepZeros {
		x = nonZero(x, zeros)
	}
	e := Estimate{Method: method, N: len(x)}
	if len(x) < 100 {
		return e, fmt.Errorf("estimator: %s: %d values, want ≥ 100", method, len(x))
	}
	return koutrouvelis(x, quantiles(slices.Clone(x), mccPs))
}

// koutrouvelis is Estimate given the sample quantiles q of x of orders
// mccPs.
func koutrouvelis(x, q []float64) (Estimate, error) {
	const method = "koutrouvelis"
	e := Estimate{Method: method, N: len(x)}
	mc, err := mccPoint(q, len(x))
	if err != nil {
		return e, fmt.Errorf("estimator: %s: initial scale: %w", method, err)
	}
	mu := q[2]
	g := min(20, len(x)/100)
	sigma := mc.Sigma
	var groups []float64
	for range 2 {
		var sums [][2][ecfPoints]float64
		sums = ecfSums(x, mu, sigma, g)
		var all [2][ecfPoints]float64
		for _, gs := range sums {
			for k := range ecfPoints {
				all[0][k] += gs[0][k]
				all[1][k] += gs[1][k]
			}
		}
		a, sg, err := ecfRegression(all, len(x))
		if err != nil {
			return e, err
		}
		e.Alpha, e.Sigma = a, sigma*sg
		groups = groups[:0]
		per := len(x) / g
		for _, gs := range sums {
			if a, _, err := ecfRegression(gs, per); err == nil {
				groups = append(groups, a)
			}
		}
		sigma = e.Sigma
	}
	if len(groups) < 3 {
		e.Lo, e.Hi = 0, 2
		e.Warnings = append(e.Warnings, "too few values for an interval")
		return e, nil
	}
	var sum, sum2 float64
	for _, a := range groups {
		sum += a
		sum2 += a * a
	}
	ok := float64(len(groups))
	m := sum / ok
	sd := math.Sqrt(max(sum2/ok-m*m, 0) * ok / (ok - 1))
	se := sd / math.Sqrt(ok)
	e.Lo = max(e.Alpha-Z975*se, 0)
	e.Hi = min(e.Alpha+Z975*se, 2)
	return e, nil
}

// ecfPoints is the number of t_k = 0.1k, k = 1..10.
const ecfPoints = 10

// ecfSums returns, for each of g contiguous groups of len(x)/g values (the
// remainder goes to no group), the sums of cos(t_k z) and sin(t_k z) of the
// standardised z = (x − mu)/s0. cos and sin of k·0.1z come from those of
// 0.1z by the angle-addition recurrence (rounding error ~k·1e-16).
func ecfSums(x []float64, mu, s0 float64, g int) [][2][ecfPoints]float64 {
	per := len(x) / g
	out := make([][2][ecfPoints]float64, g)
	for gi := range out {
		acc := &out[gi]
		for _, v := range x[gi*per : (gi+1)*per] {
			s1, c1 := math.Sincos(0.1 * (v - mu) / s0)
			c, s := c1, s1
			for k := range ecfPoints {
				acc[0][k] += c
				acc[1][k] += s
				c, s = c*c1-s*s1, s*c1+c*s1
			}
		}
	}
	return out
}

// ecfRegression regresses log(−log|φ̂(t_k)|²) on log t_k, given the sums
// of cos and sin over n values; it returns the slope α̂ (clamped to 2) and
// the scale of the standardised data, (e^b/2)^{1/α̂}.
func ecfRegression(sums [2][ecfPoints]float64, n int) (alpha, sigma float64, err error) {
	nf := float64(n)
	var sw, sy, sww, swy float64
	m := 0
	for k := range ecfPoints {
		a2 := (sums[0][k]*sums[0][k] + sums[1][k]*sums[1][k]) / (nf * nf)
		if !(a2 > 0 && a2 < 1) {
			continue
		}
		y := math.Log(-math.Log(a2))
		w := math.Log(0.1 * float64(k+1))
		sw += w
		sy += y
		sww += w * w
		swy += w * y
		m++
	}
	if m < 3 {
		return 0, 0, fmt.Errorf("estimator: koutrouvelis: the empirical characteristic function is degenerate at %d of %d points", ecfPoints-m, ecfPoints)
	}
	mf := float64(m)
	alpha = (mf*swy - sw*sy) / (mf*sww - sw*sw)
	b := (sy - alpha*sw) / mf
	alpha = min(alpha, 2)
	if !(alpha > 0) {
		return 0, 0, fmt.Errorf("estimator: koutrouvelis: non-positive slope %.3g", alpha)
	}
	return alpha, math.Pow(math.Exp(b)/2, 1/alpha), nil
}
