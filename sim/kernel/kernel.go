// Package kernel holds the dense float32 matrix products that network training spends its time
// in. Matrices are row-major slices. Each function overwrites c (it does not accumulate).
//
// The functions here are the reference: plain loops whose results faster kernels (blocked,
// SIMD, WebAssembly) must reproduce within float32 rounding.
package kernel

import "fmt"

// MatMul sets c (m×n) = a (m×k) · b (k×n).
func MatMul(c, a, b []float32, m, k, n int) {
	checkSizes("MatMul", c, a, b, m*n, m*k, k*n)
	for i := 0; i < m; i++ {
		ci := c[i*n : i*n+n]
		clear(ci)
		for p, aip := range a[i*k : i*k+k] {
			if aip == 0 {
				continue // ReLU activations are often exactly zero
			}
			bp := b[p*n : p*n+n]
			for j := range ci {
				ci[j] += aip * bp[j]
			}
		}
	}
}

// MatMulTransA sets c (m×n) = aᵀ · b where a is k×m and b is k×n.
func MatMulTransA(c, a, b []float32, m, k, n int) {
	checkSizes("MatMulTransA", c, a, b, m*n, k*m, k*n)
	clear(c[:m*n])
	for p := 0; p < k; p++ {
		ap := a[p*m : p*m+m]
		bp := b[p*n : p*n+n]
		for i, api := range ap {
			if api == 0 {
				continue
			}
			ci := c[i*n : i*n+n]
			for j := range ci {
				ci[j] += api * bp[j]
			}
		}
	}
}

// MatMulTransB sets c (m×n) = a · bᵀ where a is m×k and b is n×k.
func MatMulTransB(c, a, b []float32, m, k, n int) {
	checkSizes("MatMulTransB", c, a, b, m*n, m*k, n*k)
	for i := 0; i < m; i++ {
		ai := a[i*k : i*k+k]
		for j := 0; j < n; j++ {
			bj := b[j*k : j*k+k]
			var s float32
			for p := range ai {
				s += ai[p] * bj[p]
			}
			c[i*n+j] = s
		}
	}
}

func checkSizes(name string, c, a, b []float32, nc, na, nb int) {
	if len(c) < nc || len(a) < na || len(b) < nb {
		panic(fmt.Sprintf("kernel.%s: slices of %d, %d, %d elements for sizes needing %d, %d, %d",
			name, len(c), len(a), len(b), nc, na, nb))
	}
}
