package estimator

import (
	"fmt"
	"math"
	"slices"
)

// Hill is Hill's (1975) estimator, "A simple general approach to inference
// about the tail of a distribution", Ann. Statist. 3(5), applied to |x|.
// With |X|_(1) ≥ |X|_(2) ≥ … the order statistics and k the number of upper
// order statistics used,
//
//	1/α̂ = (1/k) Σ_{i=1}^{k} log(|X|_(i) / |X|_(k+1)).
//
// Its 95% interval uses the asymptotic normality √k (1/α̂ − 1/α) → N(0, 1/α²)
// (de Haan & Ferreira 2006, Thm 3.2.5). Hill assumes a Pareto tail above
// |X|_(k+1): on SαS data with α near 2 the Pareto regime starts very far
// out, and Hill overestimates α unless k/N is tiny (see the accuracy table).
type Hill struct {
	// K is the number of upper order statistics; 0 means ⌈√N⌉ for the N
	// non-zero values.
	K int
}

// Estimate returns Hill's α̂ on the non-zero |x|.
func (h Hill) Estimate(x []float64) (Estimate, error) {
	zeros, err := checkFinite(x)
	if err != nil {
		return Estimate{Method: "hill"}, err
	}
	a := make([]float64, 0, len(x)-zeros)
	for _, v := range x {
		if v != 0 {
			a = append(a, math.Abs(v))
		}
	}
	slices.Sort(a)
	return h.sorted(a)
}

// sorted runs the estimator on the non-zero |x| sorted in increasing order.
func (h Hill) sorted(a []float64) (Estimate, error) {
	n := len(a)
	k := h.K
	if k == 0 {
		k = int(math.Ceil(math.Sqrt(float64(n))))
	}
	e := Estimate{Method: "hill", N: n}
	if k < 2 || k >= n {
		return e, fmt.Errorf("estimator: hill: k = %d with %d non-zero values, want 2 ≤ k < N", k, n)
	}
	ref := a[n-1-k]
	s := 0.0
	for _, v := range a[n-k:] {
		s += math.Log(v / ref)
	}
	if !(s > 0) {
		return e, fmt.Errorf("estimator: hill: the top %d values are all equal", k+1)
	}
	m := s / float64(k)
	e.Alpha, e.Lo, e.Hi = invCI(m, m/math.Sqrt(float64(k)))
	e.Warnings = append(e.Warnings, fmt.Sprintf("k = %d upper order statistics (%.2g%% of N)", k, 100*float64(k)/float64(n)))
	return e, nil
}
