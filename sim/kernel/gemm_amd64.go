//go:build !purego

package kernel

import "unsafe"

//go:noescape
func gemm4x16(k int, a *float32, ars, aps int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func gemm4x8(k int, a *float32, ars, aps int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func gemm1x16(k int, a *float32, aps int, b *float32, ldb int, c *float32)

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv() (eax uint32)

// hasAVX2FMA reports whether the CPU and the OS support AVX2 and FMA3 (256-bit registers saved
// on context switch).
func hasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xgetbv()&6 != 6 { // XMM and YMM state enabled by the OS
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

func init() {
	if hasAVX2FMA() {
		fastName = "avx2-fma"
		fastGemm = gemmAVX2
	}
}

// gemmAVX2 computes c (m×n, row stride n) = A·B with A(i,p) = a[i·ars + p·aps] and B row-major
// k×n (row stride n), using 4×16 and 4×8 register blocks; edges fall back to plain loops.
// Column blocks are the outer loop so that a 16-column panel of B stays in cache across
// the row blocks.
func gemmAVX2(c, a []float32, ars, aps int, b []float32, m, k, n int) {
	if k == 0 {
		clear(c[:m*n])
		return
	}
	m4 := m &^ 3
	j := 0
	for ; j+16 <= n; j += 16 {
		bj := unsafe.Pointer(&b[j])
		i := 0
		for ; i < m4; i += 4 {
			gemm4x16(k, &a[i*ars], ars, aps, (*float32)(bj), n, &c[i*n+j], n)
		}
		for ; i < m; i++ {
			gemm1x16(k, &a[i*ars], aps, (*float32)(bj), n, &c[i*n+j])
		}
	}
	if j < n && m4 > 0 {
		gemmTailAVX2(c, a, ars, aps, b, m4, k, n, j)
		gemmGo(c, a, ars, aps, b, m4, m, j, n, k, n)
		return
	}
	gemmGo(c, a, ars, aps, b, 0, m, j, n, k, n)
}

// gemmTailAVX2 computes the last n−j0 (< 16) columns of rows 0..m4−1 (m4 a multiple of 4): it
// copies those columns of B into a zero-padded k×8 or k×16 scratch panel, runs the register
// kernel into a padded scratch block of C, and copies the wanted columns back. The copies cost
// O((k+m4)·16), small next to the O(m4·k·16) product they make fast.
func gemmTailAVX2(c, a []float32, ars, aps int, b []float32, m4, k, n, j0 int) {
	w := n - j0
	wp := 8
	if w > 8 {
		wp = 16
	}
	bufp := scratch.Get().(*[]float32)
	if need := (k + m4) * wp; cap(*bufp) < need {
		*bufp = make([]float32, need)
	}
	bp := (*bufp)[:k*wp]
	cp := (*bufp)[k*wp : (k+m4)*wp]
	for p := 0; p < k; p++ {
		row := bp[p*wp : p*wp+wp]
		copy(row, b[p*n+j0:p*n+n])
		clear(row[w:])
	}
	for i := 0; i < m4; i += 4 {
		if wp == 16 {
			gemm4x16(k, &a[i*ars], ars, aps, &bp[0], wp, &cp[i*wp], wp)
		} else {
			gemm4x8(k, &a[i*ars], ars, aps, &bp[0], wp, &cp[i*wp], wp)
		}
	}
	for i := 0; i < m4; i++ {
		copy(c[i*n+j0:i*n+n], cp[i*wp:i*wp+w])
	}
	scratch.Put(bufp)
}
