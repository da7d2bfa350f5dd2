package estimator

import (
	"math"
	"testing"
)

// TestGridFinite: Prob, CDF and Quantile are finite, in range and monotone
// over a grid of α and x, including very small α and far tails.
func TestGridFinite(t *testing.T) {
	alphas := []float64{0.1, 0.25, 0.5, 0.75, 0.98, 0.999, 1.001, 1.02, 1.25, 1.5, 1.75, 1.99, 1.9999}
	if testing.Short() {
		alphas = []float64{0.1, 0.98, 1.5, 1.9999}
	}
	for _, a := range alphas {
		d := SymStable{Alpha: a, Sigma: 1}
		prev := 0.0
		f0 := math.Gamma(1+1/a) / math.Pi // the density's maximum, at 0
		for e := -6.0; e <= 12; e += 0.5 {
			x := math.Pow(10, e)
			p, c := d.Prob(x), d.CDF(x)
			if !(p >= 0 && p <= f0*(1+1e-9)) || !(c >= 0.5 && c <= 1) || c < prev-1e-12 {
				t.Errorf("α=%v x=%g: Prob %v CDF %v (previous CDF %v)", a, x, p, c, prev)
			}
			prev = c
		}
		for _, p := range []float64{1e-6, 0.01, 0.3, 0.7, 0.99} {
			q := d.Quantile(p)
			if math.IsNaN(q) || math.IsInf(q, 0) {
				t.Errorf("α=%v: Quantile(%v) = %v", a, p, q)
			}
		}
	}
}
