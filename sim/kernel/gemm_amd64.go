//go:build !purego

package kernel

import "unsafe"

//go:noescape
func gemm4x16(k int, a *float32, ars, aps int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func gemm4x8(k int, a *float32, ars, aps int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func gemm8x32(k int, a *float32, ars, aps int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func gemm4x32(k int, a *float32, ars, aps int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func gemm8x16(k int, a *float32, ars, aps int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func gemm1x16(k int, a *float32, aps int, b *float32, ldb int, c *float32)

//go:noescape
func reluAVX2(n int, x *float32)

//go:noescape
func reluMaskAVX2(n int, d, a *float32)

//go:noescape
func transpose8x8(src *float32, lds int, dst *float32, ldd int)

//go:noescape
func axpyAVX2(n int, alpha float32, x, y *float32)

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

// hasAVX512 reports whether the CPU and the OS support AVX-512 F (zmm and opmask state saved).
func hasAVX512() bool {
	if !hasAVX2FMA() || xgetbv()&0xe6 != 0xe6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<16) != 0
}

func init() {
	if hasAVX512() {
		available = append(available, impl{"avx512", gemmAVX512, transBPanels(panelAVX512)})
	}
	if hasAVX2FMA() {
		available = append(available, impl{"avx2-fma", gemmAVX2, transBPanels(panelAVX2)})
	}
	if len(available) > 0 {
		setImpl(available[0])
		fastAxpy = axpyAMD64
		fastTranspose = transposeAVX
		fastRelu = reluAMD64
		fastReluMask = reluMaskAMD64
	}
}

// transposeAVX is transpose with 8×8 register transposes for the full tiles, taken in 16×16
// groups so that every 64-byte line read or written is used whole.
func transposeAVX(dst, src []float32, rows, cols int) {
	r8, c8 := rows&^7, cols&^7
	for i0 := 0; i0 < r8; i0 += 16 {
		for j0 := 0; j0 < c8; j0 += 16 {
			for i := i0; i < min(i0+16, r8); i += 8 {
				for j := j0; j < min(j0+16, c8); j += 8 {
					transpose8x8(&src[i*cols+j], cols, &dst[j*rows+i], rows)
				}
			}
		}
	}
	transposeGo(dst, src, rows, cols, 0, r8, c8, cols)
	transposeGo(dst, src, rows, cols, r8, rows, 0, cols)
}

func axpyAMD64(y, x []float32, alpha float32) {
	n16 := len(y) &^ 15
	if n16 > 0 {
		axpyAVX2(n16, alpha, &x[0], &y[0])
	}
	axpyGo(y[n16:], x[n16:len(y)], alpha)
}

func reluAMD64(x []float32) {
	n32 := len(x) &^ 31
	if n32 > 0 {
		reluAVX2(n32, &x[0])
	}
	reluGo(x[n32:])
}

func reluMaskAMD64(d, a []float32) {
	n32 := len(d) &^ 31
	if n32 > 0 {
		reluMaskAVX2(n32, &d[0], &a[0])
	}
	reluMaskGo(d[n32:], a[n32:len(d)])
}

// transBPanels returns a transB (see impl) that multiplies panel by panel with panel.
func transBPanels(panel func(c []float32, ldc int, a []float32, ars, aps int, p []float32, m, k int)) func(c, a, b []float32, m, k, n int, buf []float32) {
	return func(c, a, b []float32, m, k, n int, buf []float32) {
		p := buf[:32*k]
		for j := 0; j < n; j += 32 {
			if j+32 <= n {
				transpose(p, b[j*k:(j+32)*k], 32, k) // rows j…j+31 of b → k×32
				panel(c[j:], n, a, k, 1, p, m, k)
				continue
			}
			// the last w < 32 rows of b: a zero-padded panel, multiplied into an m×32 block of
			// buf whose first w columns are copied out
			w := n - j
			for q := 0; q < k; q++ {
				row := p[q*32 : q*32+32]
				for jj := 0; jj < w; jj++ {
					row[jj] = b[(j+jj)*k+q]
				}
				clear(row[w:])
			}
			cb := buf[32*k : 32*(k+m)]
			panel(cb, 32, a, k, 1, p, m, k)
			for i := 0; i < m; i++ {
				copy(c[i*n+j:i*n+n], cb[i*32:i*32+w])
			}
		}
	}
}

// panelAVX512 sets c[i·ldc + j] (i < m, j < 32) = Σ_q A(i,q)·p[q·32 + j], A(i,q) =
// a[i·ars + q·aps]: one k×32 panel, in 8×32 and 4×32 zmm blocks and single rows.
func panelAVX512(c []float32, ldc int, a []float32, ars, aps int, p []float32, m, k int) {
	i := 0
	for ; i+8 <= m; i += 8 {
		gemm8x32(k, &a[i*ars], ars, aps, &p[0], 32, &c[i*ldc], ldc)
	}
	if i+4 <= m {
		gemm4x32(k, &a[i*ars], ars, aps, &p[0], 32, &c[i*ldc], ldc)
		i += 4
	}
	for ; i < m; i++ {
		gemm1x16(k, &a[i*ars], aps, &p[0], 32, &c[i*ldc])
		gemm1x16(k, &a[i*ars], aps, &p[16], 32, &c[i*ldc+16])
	}
}

// panelAVX2 is panelAVX512 with 4×16 ymm blocks.
func panelAVX2(c []float32, ldc int, a []float32, ars, aps int, p []float32, m, k int) {
	i := 0
	for ; i+4 <= m; i += 4 {
		gemm4x16(k, &a[i*ars], ars, aps, &p[0], 32, &c[i*ldc], ldc)
		gemm4x16(k, &a[i*ars], ars, aps, &p[16], 32, &c[i*ldc+16], ldc)
	}
	for ; i < m; i++ {
		gemm1x16(k, &a[i*ars], aps, &p[0], 32, &c[i*ldc])
		gemm1x16(k, &a[i*ars], aps, &p[16], 32, &c[i*ldc+16])
	}
}

// gemmAVX512 is gemmAVX2 with zmm blocks for the bulk: 8×32 (16 accumulators), then 4×32 for
// four rows left over and 8×16 for a 16-column tail; what remains (up to 3 rows, up to 15
// columns) goes through the AVX2 kernels.
func gemmAVX512(c, a []float32, ars, aps int, b []float32, m, k, n int) {
	if k == 0 {
		clear(c[:m*n])
		return
	}
	m8 := m &^ 7
	j := 0
	for ; j+32 <= n; j += 32 {
		i := 0
		for ; i < m8; i += 8 {
			gemm8x32(k, &a[i*ars], ars, aps, &b[j], n, &c[i*n+j], n)
		}
		if i+4 <= m {
			gemm4x32(k, &a[i*ars], ars, aps, &b[j], n, &c[i*n+j], n)
			i += 4
		}
		gemmAVX2Part(c, a, ars, aps, b, i, m, k, n, j, j+32)
	}
	if j+16 <= n && m8 > 0 {
		for i := 0; i < m8; i += 8 {
			gemm8x16(k, &a[i*ars], ars, aps, &b[j], n, &c[i*n+j], n)
		}
		gemmAVX2Part(c, a, ars, aps, b, m8, m, k, n, j, j+16)
		j += 16
	}
	gemmAVX2Part(c, a, ars, aps, b, 0, m, k, n, j, n)
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
	gemmAVX2Part(c, a, ars, aps, b, 0, m, k, n, 0, n)
}

// gemmAVX2Part computes rows i0..i1−1 and columns j0..j1−1 of C (j1 is n or a multiple of 16
// above j0).
func gemmAVX2Part(c, a []float32, ars, aps int, b []float32, i0, i1, k, n, j0, j1 int) {
	if i0 >= i1 || j0 >= j1 {
		return
	}
	m4 := i0 + (i1-i0)&^3
	j := j0
	for ; j+16 <= j1; j += 16 {
		bj := unsafe.Pointer(&b[j])
		i := i0
		for ; i < m4; i += 4 {
			gemm4x16(k, &a[i*ars], ars, aps, (*float32)(bj), n, &c[i*n+j], n)
		}
		for ; i < i1; i++ {
			gemm1x16(k, &a[i*ars], aps, (*float32)(bj), n, &c[i*n+j])
		}
	}
	if j < j1 && m4 > i0 {
		gemmTailAVX2(c, a, ars, aps, b, i0, m4, k, n, j, j1)
		gemmGo(c, a, ars, aps, b, m4, i1, j, j1, k, n)
		return
	}
	gemmGo(c, a, ars, aps, b, i0, i1, j, j1, k, n)
}

// gemmTailAVX2 computes columns j0..j1−1 (fewer than 16) of rows i0..m4−1 (m4−i0 a multiple of 4): it
// copies those columns of B into a zero-padded k×8 or k×16 scratch panel, runs the register
// kernel into a padded scratch block of C, and copies the wanted columns back. The copies cost
// O((k+m4)·16), small next to the O(m4·k·16) product they make fast.
func gemmTailAVX2(c, a []float32, ars, aps int, b []float32, i0, m4, k, n, j0, j1 int) {
	w := j1 - j0
	rows := m4 - i0
	wp := 8
	if w > 8 {
		wp = 16
	}
	bufp := scratch.Get().(*[]float32)
	if need := (k + rows) * wp; cap(*bufp) < need {
		*bufp = make([]float32, need)
	}
	bp := (*bufp)[:k*wp]
	cp := (*bufp)[k*wp : (k+rows)*wp]
	for p := 0; p < k; p++ {
		row := bp[p*wp : p*wp+wp]
		copy(row, b[p*n+j0:p*n+j1])
		clear(row[w:])
	}
	for r := 0; r < rows; r += 4 {
		if wp == 16 {
			gemm4x16(k, &a[(i0+r)*ars], ars, aps, &bp[0], wp, &cp[r*wp], wp)
		} else {
			gemm4x8(k, &a[(i0+r)*ars], ars, aps, &bp[0], wp, &cp[r*wp], wp)
		}
	}
	for r := 0; r < rows; r++ {
		copy(c[(i0+r)*n+j0:(i0+r)*n+j1], cp[r*wp:r*wp+w])
	}
	scratch.Put(bufp)
}
