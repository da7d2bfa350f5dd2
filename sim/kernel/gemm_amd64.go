//go:build !purego

package kernel

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

// packedImpl returns the kernel that runs every product through gemmPacked with mk.
func packedImpl(name string, mk microKernel) impl {
	return impl{
		name: name,
		gemm: func(c, a []float32, ars, aps int, b []float32, m, k, n int) {
			gemmPacked(mk, c, n, a, ars, aps, b, n, 1, m, k, n)
		},
		transB: func(c, a, b []float32, m, k, n int) {
			gemmPacked(mk, c, n, a, k, 1, b, 1, k, m, k, n)
		},
	}
}

func init() {
	if hasAVX512() {
		available = append(available, packedImpl("avx512", micro6x32))
	}
	if hasAVX2FMA() {
		available = append(available, packedImpl("avx2-fma", micro6x16))
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

// parMinAxpy is the length from which an Axpy is split between the threads set by
// SetThreads: the update of a layer of 128×128 weights and more, a few µs on one core,
// against about 1 µs to hand half of it to a spinning team goroutine.
const parMinAxpy = 1 << 14

func axpyAMD64(y, x []float32, alpha float32) {
	if t := Threads(); t > 1 && len(y) >= parMinAxpy {
		// Each goroutine updates a range of y; a value's update does not depend on the
		// split, so the result is the one-thread result bit for bit.
		var buf [stackParts]part
		tasks := partsFor(&buf, t)
		for w := range tasks {
			i0, i1 := len(y)*w/t&^15, len(y)*(w+1)/t&^15
			if w == t-1 {
				i1 = len(y)
			}
			tasks[w].axpy = axpyTask{y[i0:i1], x[i0:i1], alpha}
		}
		pool.run(tasks)
		return
	}
	axpySerial(y, x, alpha)
}

// axpySerial is axpyAMD64 on the calling goroutine.
func axpySerial(y, x []float32, alpha float32) {
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
