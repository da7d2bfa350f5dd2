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
// contiguous groups, α̂ is computed on each, and
// se(α̂) ≈ sd(group α̂)/√G (fewer groups below 2000 values).
type Koutrouvelis struct{}

// Estimate returns α̂ and σ̂ for x.
func (Koutrouvelis) Estimate(x []float64) (Estimate, error) {
	const method = "koutrouvelis"
	if _, err := checkFinite(x); err != nil {
		return Estimate{Method: method}, err
	}
	e := Estimate{Method: method, N: len(x)}
	if len(x) < 100 {
		return e, fmt.Errorf("estimator: %s: %d values, want ≥ 100", method, len(x))
	}
	a, s, err := koutrouvelis(x)
	if err != nil {
		return e, err
	}
	e.Alpha, e.Sigma = a, s
	g := min(20, len(x)/100)
	per := len(x) / g
	var sum, sum2 float64
	ok := 0
	for i := 0; i < g; i++ {
		ag, _, err := koutrouvelis(x[i*per : (i+1)*per])
		if err != nil {
			continue
		}
		sum += ag
		sum2 += ag * ag
		ok++
	}
	if ok < 3 {
		e.Lo, e.Hi = 0, 2
		e.Warnings = append(e.Warnings, "too few values for an interval")
		return e, nil
	}
	m := sum / float64(ok)
	sd := math.Sqrt(max(sum2/float64(ok)-m*m, 0) * float64(ok) / float64(ok-1))
	se := sd / math.Sqrt(float64(ok))
	e.Lo = max(a-z975*se, 0)
	e.Hi = min(a+z975*se, 2)
	return e, nil
}

func koutrouvelis(x []float64) (alpha, sigma float64, err error) {
	s := slices.Clone(x)
	slices.Sort(s)
	mc, err := mcculloch(s)
	if err != nil {
		return 0, 0, fmt.Errorf("estimator: koutrouvelis: initial scale: %w", err)
	}
	mu := sampleQuantile(s, 0.5)
	sigma = mc.Sigma
	for range 2 {
		alpha, sigma, err = ecfRegression(x, mu, sigma)
		if err != nil {
			return 0, 0, err
		}
	}
	return alpha, sigma, nil
}

// ecfRegression standardises x by (mu, s0) and regresses.
func ecfRegression(x []float64, mu, s0 float64) (alpha, sigma float64, err error) {
	const nt = 10
	var re, im [nt]float64
	for _, v := range x {
		z := (v - mu) / s0
		for k := range nt {
			sn, cs := math.Sincos(0.1 * float64(k+1) * z)
			re[k] += cs
			im[k] += sn
		}
	}
	n := float64(len(x))
	var sw, sy, sww, swy float64
	m := 0
	for k := range nt {
		a2 := (re[k]*re[k] + im[k]*im[k]) / (n * n)
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
		return 0, 0, fmt.Errorf("estimator: koutrouvelis: the empirical characteristic function is degenerate at %d of %d points", nt-m, nt)
	}
	mf := float64(m)
	alpha = (mf*swy - sw*sy) / (mf*sww - sw*sw)
	b := (sy - alpha*sw) / mf
	alpha = min(alpha, 2)
	if !(alpha > 0) {
		return 0, 0, fmt.Errorf("estimator: koutrouvelis: non-positive slope %.3g", alpha)
	}
	sigma = s0 * math.Pow(math.Exp(b)/2, 1/alpha)
	return alpha, sigma, nil
}
