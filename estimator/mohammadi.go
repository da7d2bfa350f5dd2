package estimator

import (
	"errors"
	"fmt"
	"math"
)

// PaperK1 returns the largest divisor of n not above sqrt(n), the block
// size the reference code of Şimşekli et al. (2019) uses. It returns 0 for
// n < 1. For a prime n it returns 1, which the estimator cannot use; see
// Mohammadi.K1 for what happens then.
func PaperK1(n int) int {
	if n < 1 {
		return 0
	}
	r := isqrt(n)
	for d := r; d > 1; d-- {
		if n%d == 0 {
			return d
		}
	}
	return 1
}

// isqrt returns floor(sqrt(n)) for n ≥ 0.
func isqrt(n int) int {
	r := int(math.Sqrt(float64(n)))
	for r*r > n {
		r--
	}
	for (r+1)*(r+1) <= n {
		r++
	}
	return r
}

// chooseK1 returns the block size for n values: k1 if positive, otherwise
// PaperK1(n), falling back to floor(sqrt(n)) when PaperK1 gives 1 (n prime).
func chooseK1(k1, n int) (int, []string) {
	if k1 > 0 {
		return k1, nil
	}
	k := PaperK1(n)
	if k < 2 && n >= 4 {
		k = isqrt(n)
		return k, []string{fmt.Sprintf("N=%d has no divisor in [2, sqrt(N)]; using K1=%d and dropping the last %d values", n, k, n%k)}
	}
	return k, nil
}

// Mohammadi is the estimator of Mohammadi, Mohammadpour & Ogata (2015),
// "On estimating the tail index and the spectral measure of multivariate
// α-stable distributions", Metrika 78, Corollary 2.4, as used by Şimşekli,
// Sagun & Gürbüzbalaban (ICML 2019). With K = K1·K2 samples X_1..X_K and
// the K2 block sums Y_i = Σ_{j=1}^{K1} X_{(i−1)K1+j},
//
//	1/α̂ = (1/log K1) · [ (1/K2) Σ_i log|Y_i| − (1/K) Σ_i log|X_i| ].
//
// It rests on the stability of SαS laws: a sum of K1 i.i.d. SαS(σ) values
// is SαS(K1^{1/α}σ), so E log|Y| − E log|X| = (log K1)/α.
//
// Differences from the reference code, all on purpose:
//   - Exact zeros are removed before blocking unless KeepZeros is set (the
//     reference's log(|x|+eps) turns 50% zeros into α̂ ≈ 0.3). With
//     KeepZeros, every logarithm is log(|·| + eps) with eps = 2^−52, exactly
//     as the reference computes it.
//   - Without KeepZeros, logarithms are log|·|, which keeps the estimate
//     invariant to the scale of the data. A block whose sum is exactly zero
//     (possible with discrete data) is left out entirely, with a warning.
//   - When the number of values N is not a multiple of K1, the last N mod K1
//     values are dropped from both means (so that K = K1·K2 exactly), with a
//     warning.
//
// The confidence interval uses the block statistics
// Z_i = log|Y_i| − (1/K1) Σ_j log|X_{(i−1)K1+j}|, which are i.i.d. across
// blocks and average to (log K1)/α̂: the standard error of their mean gives
// a 95% normal interval for 1/α, inverted to one for α.
type Mohammadi struct {
	// K1 is the block size. 0 means PaperK1(N) for the N values used
	// (non-zero ones unless KeepZeros); when N is prime, floor(sqrt(N)).
	K1 int
	// KeepZeros keeps exact zeros, as the reference code does.
	KeepZeros bool
}

// refEps is the reference code's eps, np.spacing(1) = 2^−52.
const refEps = 0x1p-52

// Estimate returns the tail index of the scalar samples x, pooled.
func (m Mohammadi) Estimate(x []float64) (Estimate, error) {
	zeros, err := checkFinite(x)
	if err != nil {
		return Estimate{Method: "mohammadi"}, err
	}
	if m.K1 < 0 {
		return Estimate{Method: "mohammadi"}, fmt.Errorf("estimator: mohammadi: K1 = %d, want > 1 or 0 for the default", m.K1)
	}
	n := len(x)
	if !m.KeepZeros {
		n -= zeros
	}
	k1, warns := chooseK1(m.K1, n)
	var acc blockAcc
	acc.init(k1)
	eps := 0.0
	if m.KeepZeros {
		eps = refEps
	}
	i := 0
	for _, v := range x {
		if v == 0 && !m.KeepZeros {
			continue
		}
		acc.lx += logAbs(math.Abs(v) + eps)
		acc.y += v
		i++
		if i == k1 {
			acc.block(logAbs(math.Abs(acc.y)+eps), acc.y == 0 && !m.KeepZeros)
			i = 0
		}
	}
	e, err := acc.estimate("mohammadi", n)
	e.Warnings = append(warns, e.Warnings...)
	if zeros > 0 && !m.KeepZeros {
		e.Warnings = append(e.Warnings, fmt.Sprintf("skipped %d exact zeros (%.1f%% of the values)", zeros, 100*float64(zeros)/float64(len(x))))
	}
	return e, err
}

// EstimateVectors returns the tail index of the dim-dimensional vectors
// stored one after the other in x (len(x) must be a multiple of dim), using
// the Euclidean-norm form of Corollary 2.4: |·| is the Euclidean norm and the
// block sums Y_i are vector sums. Vectors that are exactly zero are skipped
// unless KeepZeros.
func (m Mohammadi) EstimateVectors(x []float64, dim int) (Estimate, error) {
	const method = "mohammadi"
	if dim < 1 {
		return Estimate{Method: method}, fmt.Errorf("estimator: mohammadi: vector dimension %d, want ≥ 1", dim)
	}
	if len(x)%dim != 0 {
		return Estimate{Method: method}, fmt.Errorf("estimator: mohammadi: %d values are not a whole number of %d-dimensional vectors", len(x), dim)
	}
	if _, err := checkFinite(x); err != nil {
		return Estimate{Method: method}, err
	}
	if m.K1 < 0 {
		return Estimate{Method: method}, fmt.Errorf("estimator: mohammadi: K1 = %d, want > 1 or 0 for the default", m.K1)
	}
	nv := len(x) / dim
	zeros := 0
	for i := 0; i < nv; i++ {
		if norm(x[i*dim:(i+1)*dim]) == 0 {
			zeros++
		}
	}
	n := nv
	if !m.KeepZeros {
		n -= zeros
	}
	k1, warns := chooseK1(m.K1, n)
	eps := 0.0
	if m.KeepZeros {
		eps = refEps
	}
	var acc blockAcc
	acc.init(k1)
	y := make([]float64, dim)
	j := 0
	for i := 0; i < nv; i++ {
		v := x[i*dim : (i+1)*dim]
		r := norm(v)
		if r == 0 && !m.KeepZeros {
			continue
		}
		acc.lx += logAbs(r + eps)
		for d := range y {
			y[d] += v[d]
		}
		j++
		if j == k1 {
			ry := norm(y)
			acc.block(logAbs(ry+eps), ry == 0 && !m.KeepZeros)
			clear(y)
			j = 0
		}
	}
	e, err := acc.estimate(method, n)
	e.Warnings = append(warns, e.Warnings...)
	if zeros > 0 && !m.KeepZeros {
		e.Warnings = append(e.Warnings, fmt.Sprintf("skipped %d zero vectors (%.1f%% of the vectors)", zeros, 100*float64(zeros)/float64(nv)))
	}
	return e, err
}

// norm returns the Euclidean norm of v without overflow.
func norm(v []float64) float64 {
	if len(v) == 1 {
		return math.Abs(v[0])
	}
	scale, ssq := 0.0, 1.0
	for _, x := range v {
		if x == 0 {
			continue
		}
		a := math.Abs(x)
		if scale < a {
			ssq = 1 + ssq*(scale/a)*(scale/a)
			scale = a
		} else {
			ssq += (a / scale) * (a / scale)
		}
	}
	return scale * math.Sqrt(ssq)
}

// blockAcc accumulates Corollary 2.4 block by block: the running mean and
// variance (Welford) of Z_i = log|Y_i| − (1/K1) Σ_j log|X_ij|, whose mean
// is (1/K2) Σ log|Y_i| − (1/K) Σ log|X_i|.
type blockAcc struct {
	k1       int
	lx, y    float64 // sum of log|X| and of X in the current block
	k2       int     // completed blocks
	mean, m2 float64
	zeroY    int // blocks left out because their sum was exactly 0
}

func (a *blockAcc) init(k1 int) { *a = blockAcc{k1: k1} }

// block closes the current block, whose log|Y| is ly; skip drops it.
func (a *blockAcc) block(ly float64, skip bool) {
	if skip {
		a.zeroY++
	} else {
		z := ly - a.lx/float64(a.k1)
		a.k2++
		d := z - a.mean
		a.mean += d / float64(a.k2)
		a.m2 += d * (z - a.mean)
	}
	a.lx, a.y = 0, 0
}

// estimate turns the accumulated blocks into an Estimate; n is the number
// of values offered (used or dropped).
func (a *blockAcc) estimate(method string, n int) (Estimate, error) {
	e := Estimate{Method: method, N: (a.k2 + a.zeroY) * a.k1}
	if a.k1 < 2 {
		return e, fmt.Errorf("estimator: %s: block size K1 = %d, want ≥ 2 (log K1 must be > 0)", method, a.k1)
	}
	if r := n - e.N; r > 0 {
		e.Warnings = append(e.Warnings, fmt.Sprintf("dropped the last %d values: N=%d is not a multiple of K1=%d", r, n, a.k1))
	}
	if a.zeroY > 0 {
		e.Warnings = append(e.Warnings, fmt.Sprintf("left out %d blocks whose sum was exactly 0", a.zeroY))
		e.N -= a.zeroY * a.k1
	}
	if a.k2 < 2 {
		return e, fmt.Errorf("estimator: %s: %d complete blocks of K1=%d values, want ≥ 2 (too few samples: N=%d)", method, a.k2, a.k1, n)
	}
	if a.mean <= 0 {
		return e, errors.New("estimator: " + method + ": undefined: the mean log of block sums is not above the mean log of samples (data lighter-tailed than any α-stable law, or too few blocks)")
	}
	se := math.Sqrt(a.m2/float64(a.k2-1)) / math.Sqrt(float64(a.k2))
	lk := math.Log(float64(a.k1))
	e.Alpha, e.Lo, e.Hi = invCI(a.mean/lk, se/lk)
	if a.k2 < 30 {
		e.Warnings = append(e.Warnings, fmt.Sprintf("only %d blocks: the estimate and its interval are unreliable", a.k2))
	}
	return e, nil
}
