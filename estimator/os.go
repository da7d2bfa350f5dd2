package estimator

import (
	"fmt"
	"math"
	"slices"
)

// MohammadiOS is the order-statistics variant of Mohammadi, Mohammadpour &
// Ogata (2015) (their Corollary 2.2, as we read it). The blocks are those of
// [Mohammadi]; since |Y| has the law of K1^{1/α}|X|, every quantile of
// log|Y| exceeds the same quantile of log|X| by (log K1)/α, and with sample
// medians
//
//	1/α̂ = (1/log K1) · [ med_i log|Y_i| − med_i log|X_i| ].
//
// Medians make it robust to a few wild values, at some cost in variance.
// Zeros, K1 and the dropped tail are handled as in [Mohammadi].
//
// The 95% interval treats the two medians as independent, each with
// variance 1/(4 n f(m)²), the sparsity 1/f(m) estimated by the
// Siddiqui–Bloch–Gastwirth difference quotient (Q(½+h) − Q(½−h))/(2h),
// h = min(0.25, n^{−1/3}).
type MohammadiOS struct {
	K1        int
	KeepZeros bool
}

// Estimate returns the estimate for the scalar samples x, pooled.
func (m MohammadiOS) Estimate(x []float64) (Estimate, error) {
	const method = "mohammadi-os"
	zeros, err := checkFinite(x)
	if err != nil {
		return Estimate{Method: method}, err
	}
	if m.K1 < 0 {
		return Estimate{Method: method}, fmt.Errorf("estimator: %s: K1 = %d, want > 1 or 0 for the default", method, m.K1)
	}
	v := x
	if !m.KeepZeros {
		v = nonZero(x, zeros)
	}
	n := len(v)
	k1, warns := chooseK1(m.K1, n)
	e := Estimate{Method: method}
	if k1 < 2 {
		return e, fmt.Errorf("estimator: %s: block size K1 = %d, want ≥ 2 (too few samples: N=%d)", method, k1, n)
	}
	k2 := n / k1
	if k2 < 2 {
		return e, fmt.Errorf("estimator: %s: %d complete blocks of K1=%d values, want ≥ 2 (too few samples: N=%d)", method, k2, k1, n)
	}
	eps := 0.0
	if m.KeepZeros {
		eps = refEps
	}
	lx := make([]float64, k1*k2)
	ly := make([]float64, 0, k2)
	for i := 0; i < k2; i++ {
		y := 0.0
		for j := i * k1; j < (i+1)*k1; j++ {
			lx[j] = logAbs(math.Abs(v[j]) + eps)
			y += v[j]
		}
		if y != 0 || m.KeepZeros {
			ly = append(ly, logAbs(math.Abs(y)+eps))
		}
	}
	e.N = k1 * k2
	e.Warnings = warns
	if r := n - e.N; r > 0 {
		e.Warnings = append(e.Warnings, fmt.Sprintf("dropped the last %d values: N=%d is not a multiple of K1=%d", r, n, k1))
	}
	if z := k2 - len(ly); z > 0 {
		e.Warnings = append(e.Warnings, fmt.Sprintf("left out %d block sums that were exactly 0 from the block median", z))
	}
	slices.Sort(lx)
	slices.Sort(ly)
	mx, vx := medianAndVar(lx)
	my, vy := medianAndVar(ly)
	lk := math.Log(float64(k1))
	d := (my - mx) / lk
	if !(d > 0) {
		return e, fmt.Errorf("estimator: %s: undefined: the median log of block sums is not above the median log of samples", method)
	}
	e.Alpha, e.Lo, e.Hi = invCI(d, math.Sqrt(vx+vy)/lk)
	if zeros > 0 && !m.KeepZeros {
		e.Warnings = append(e.Warnings, fmt.Sprintf("skipped %d exact zeros (%.1f%% of the values)", zeros, 100*float64(zeros)/float64(len(x))))
	}
	return e, nil
}

// medianAndVar returns the sample median of sorted s and the estimated
// variance of it.
func medianAndVar(s []float64) (med, v float64) {
	n := float64(len(s))
	med = sampleQuantile(s, 0.5)
	h := min(0.25, math.Pow(n, -1.0/3))
	sp := (sampleQuantile(s, 0.5+h) - sampleQuantile(s, 0.5-h)) / (2 * h)
	return med, sp * sp / (4 * n)
}
