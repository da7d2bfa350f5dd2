package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naive computes Σ_p A[i,p]·B[p,j] in float64 from accessor functions.
func naive(m, k, n int, a, b func(i, j int) float32) []float64 {
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += float64(a(i, p)) * float64(b(p, j))
			}
			out[i*n+j] = s
		}
	}
	return out
}

func randSlice(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
		if r.IntN(4) == 0 {
			x[i] = 0 // exercise the zero-skipping path
		}
	}
	return x
}

func TestProductsAgainstFloat64(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][3]int{{1, 1, 1}, {3, 5, 7}, {17, 33, 9}, {100, 784, 128}} {
		m, k, n := sz[0], sz[1], sz[2]
		a := randSlice(r, m*k)
		b := randSlice(r, k*n)
		at := randSlice(r, k*m)
		bt := randSlice(r, n*k)
		cases := []struct {
			name string
			f    func(c []float32)
			want []float64
		}{
			{"MatMul", func(c []float32) { MatMul(c, a, b, m, k, n) },
				naive(m, k, n, func(i, p int) float32 { return a[i*k+p] }, func(p, j int) float32 { return b[p*n+j] })},
			{"MatMulTransA", func(c []float32) { MatMulTransA(c, at, b, m, k, n) },
				naive(m, k, n, func(i, p int) float32 { return at[p*m+i] }, func(p, j int) float32 { return b[p*n+j] })},
			{"MatMulTransB", func(c []float32) { MatMulTransB(c, a, bt, m, k, n) },
				naive(m, k, n, func(i, p int) float32 { return a[i*k+p] }, func(p, j int) float32 { return bt[j*k+p] })},
		}
		for _, tc := range cases {
			c := make([]float32, m*n)
			for i := range c {
				c[i] = 99 // must be overwritten
			}
			tc.f(c)
			// float32 accumulation of k products of N(0,1) values: error ~ k·2^-24·|terms|.
			tol := 1e-5 * float64(k)
			for i := range c {
				if d := math.Abs(float64(c[i]) - tc.want[i]); d > tol {
					t.Fatalf("%s %dx%dx%d: c[%d] = %v, want %v (|diff| %g > %g)", tc.name, m, k, n, i, c[i], tc.want[i], d, tol)
				}
			}
		}
	}
}
