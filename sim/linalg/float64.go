//go:build !js

package linalg

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// The float64 operations: products by gonum's Dgemm (its pure-Go implementation, blocked
// and parallel over output blocks, each output summed by one goroutine, so results do not
// depend on the number of cores), elementwise steps by plain loops.
func init() {
	ops64 = &Ops[float64]{
		MatMul: func(c, a, b []float64, m, k, n int) {
			gemm(blas.NoTrans, blas.NoTrans, c, a, b, m, k, n, m, k, k, n)
		},
		MatMulTransA: func(c, a, b []float64, m, k, n int) {
			gemm(blas.Trans, blas.NoTrans, c, a, b, m, k, n, k, m, k, n)
		},
		MatMulTransB: func(c, a, b []float64, m, k, n int) {
			gemm(blas.NoTrans, blas.Trans, c, a, b, m, k, n, m, k, n, k)
		},
		MatMulTransBScratch: func(c, a, b []float64, m, k, n int, _ []float64) {
			gemm(blas.NoTrans, blas.Trans, c, a, b, m, k, n, m, k, n, k)
		},
		TransBScratch: func(int, int, int) int { return 0 },
		Relu: func(x []float64) {
			for i, v := range x {
				if !(v > 0) {
					x[i] = 0
				}
			}
		},
		ReluMask: func(d, a []float64) {
			a = a[:len(d)]
			for i := range d {
				if !(a[i] > 0) {
					d[i] = 0
				}
			}
		},
		Axpy: func(y, x []float64, alpha float64) {
			x = x[:len(y)]
			for i, v := range x {
				y[i] += alpha * v
			}
		},
	}
}

// gemm sets c (m×n) to op(a)·op(b), a stored ar×ac and b br×bc row-major.
func gemm(ta, tb blas.Transpose, c, a, b []float64, m, k, n, ar, ac, br, bc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		clear(c[:m*n])
		return
	}
	blas64.Gemm(ta, tb, 1,
		blas64.General{Rows: ar, Cols: ac, Stride: ac, Data: a[:ar*ac]},
		blas64.General{Rows: br, Cols: bc, Stride: bc, Data: b[:br*bc]},
		0, blas64.General{Rows: m, Cols: n, Stride: n, Data: c[:m*n]})
}

// Input returns x as a []T: x itself for float32, else converted into buf (grown as needed,
// returned for reuse). Widening float32 to float64 is exact. (The browser's build has only
// float32: input_js.go.)
//
//go:noinline
func Input[T Float](x []float32, buf *[]T) []T {
	if v, ok := any(x).([]T); ok {
		return v
	}
	if cap(*buf) < len(x) {
		*buf = make([]T, len(x))
	}
	out := (*buf)[:len(x)]
	for i, v := range x {
		out[i] = T(v)
	}
	return out
}
