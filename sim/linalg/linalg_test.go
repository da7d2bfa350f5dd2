package linalg

import (
	"math"
	"testing"
)

// naive returns op(a)·op(b) for a stored ar×ac and b br×bc, row-major, in float64.
func naive(a, b []float64, m, k, n int, ta, tb bool) []float64 {
	c := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				av, bv := a[i*k+p], b[p*n+j]
				if ta {
					av = a[p*m+i]
				}
				if tb {
					bv = b[j*k+p]
				}
				s += av * bv
			}
			c[i*n+j] = s
		}
	}
	return c
}

// TestProducts: both precisions' products, Relu, ReluMask and Axpy against plain loops on
// small integer-valued matrices (exact in both types), in every shape the layers use.
func TestProducts(t *testing.T) {
	const m, k, n = 3, 4, 5
	a, b := make([]float64, m*k), make([]float64, k*n)
	for i := range a {
		a[i] = float64(i%7) - 3
	}
	for i := range b {
		b[i] = float64(i%5) - 2
	}
	for _, tc := range []struct {
		name   string
		ta, tb bool
	}{{"ab", false, false}, {"aTb", true, false}, {"abT", false, true}} {
		want := naive(a, b, m, k, n, tc.ta, tc.tb)
		t.Run(tc.name+"/float32", func(t *testing.T) { checkProduct[float32](t, a, b, want, tc.ta, tc.tb) })
		if Has64() {
			t.Run(tc.name+"/float64", func(t *testing.T) { checkProduct[float64](t, a, b, want, tc.ta, tc.tb) })
		}
	}
	for _, name := range []string{"float32", "float64"} {
		t.Run("elementwise/"+name, func(t *testing.T) {
			if name == "float32" {
				checkElementwise[float32](t)
			} else if Has64() {
				checkElementwise[float64](t)
			}
		})
	}
}

func checkProduct[T Float](t *testing.T, a64, b64, want []float64, ta, tb bool) {
	const m, k, n = 3, 4, 5
	ops := For[T]()
	a, b := make([]T, len(a64)), make([]T, len(b64))
	for i, v := range a64 {
		a[i] = T(v)
	}
	for i, v := range b64 {
		b[i] = T(v)
	}
	c := make([]T, m*n)
	switch {
	case ta:
		ops.MatMulTransA(c, a, b, m, k, n)
	case tb:
		ops.MatMulTransB(c, a, b, m, k, n)
		c2 := make([]T, m*n)
		ops.MatMulTransBScratch(c2, a, b, m, k, n, make([]T, ops.TransBScratch(m, k, n)))
		for i := range c2 {
			if c2[i] != c[i] {
				t.Fatalf("scratch product [%d] = %v, without %v", i, c2[i], c[i])
			}
		}
	default:
		ops.MatMul(c, a, b, m, k, n)
	}
	for i, w := range want {
		if float64(c[i]) != w {
			t.Fatalf("c[%d] = %v, want %v", i, c[i], w)
		}
	}
}

func checkElementwise[T Float](t *testing.T) {
	ops := For[T]()
	x := []T{-2, 0, 3, T(math.Copysign(0, -1)), 0.5}
	ops.Relu(x)
	for i, w := range []T{0, 0, 3, 0, 0.5} {
		if x[i] != w || math.Signbit(float64(x[i])) {
			t.Fatalf("Relu: x[%d] = %v, want +%v", i, x[i], w)
		}
	}
	d := []T{1, 2, 3, 4, 5}
	ops.ReluMask(d, []T{1, 0, -1, 2, 0.1})
	for i, w := range []T{1, 0, 0, 4, 5} {
		if d[i] != w {
			t.Fatalf("ReluMask: d[%d] = %v, want %v", i, d[i], w)
		}
	}
	y := []T{1, 2, 3}
	Axpy(y, []T{1, -1, 2}, -0.5)
	for i, w := range []T{0.5, 2.5, 2} {
		if y[i] != w {
			t.Fatalf("Axpy: y[%d] = %v, want %v", i, y[i], w)
		}
	}
	if got := Input([]float32{0.1, 2}, new([]T)); float64(got[0]) != float64(float32(0.1)) || got[1] != 2 {
		t.Fatalf("Input = %v", got)
	}
}
