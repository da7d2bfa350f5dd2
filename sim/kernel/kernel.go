// Package kernel holds the dense float32 matrix products that network training spends its time
// in, and the few element-wise loops around them. Matrices are row-major slices. Each product
// overwrites c (it does not accumulate).
//
// MatMul, MatMulTransA, MatMulTransB and MatMulTransBScratch run the fastest kernel available:
// on amd64 with AVX-512 or AVX2 and FMA, packed and cache-blocked products around
// register-blocked assembly micro-kernels (packed_amd64.go, packed_amd64.s), split between
// goroutines with SetThreads; in the
// browser, a WebAssembly SIMD module (wasm/assets/kernels.wat) when the page has loaded it, or
// its relaxed-SIMD twin with fused multiply-adds (kernels_relaxed.wat) where the browser has
// relaxed SIMD; elsewhere the plain loops. The plain loops are kept as MatMulRef, MatMulTransARef and
// MatMulTransBRef: they are the reference that the fast kernels must reproduce within float32
// rounding (the tests check this), and Impl names the kernel in use. Build with the tag purego
// to force the plain loops.
//
// The element-wise helpers of a training step, Axpy (the SGD update), Relu, ReluMask (its
// backward pass) and Transpose, are vectorised on amd64; Relu, ReluMask and Transpose give
// exactly the plain loops' results, Axpy may differ in the last bit (one rounding instead of
// two).
package kernel

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// fastGemm, when not nil, computes c (m×n, row stride n) = A·B where A(i,p) = a[i·ars + p·aps]
// and B is row-major k×n. Set by an init for the platform.
var fastGemm func(c, a []float32, ars, aps int, b []float32, m, k, n int)

// fastName names the kernel behind fastGemm.
var fastName = "go"

// impl is a kernel this platform can run; the tests check each against the reference.
type impl struct {
	name string
	gemm func(c, a []float32, ars, aps int, b []float32, m, k, n int)
	// transB is MatMulTransB's fast path: c (m×n) = a·bᵀ, b n×k, reading b in place or
	// through its own packing buffers (no scratch needed). Every fast kernel has one.
	transB func(c, a, b []float32, m, k, n int)
}

// fastTransB is the transB of the kernel in use.
var fastTransB func(c, a, b []float32, m, k, n int)

// setImpl makes im the kernel in use; the zero impl is the plain loops.
func setImpl(im impl) {
	fastName, fastGemm, fastTransB = im.name, im.gemm, im.transB
	if im.name == "" {
		fastName = "go"
	}
}

// current returns the kernel in use, for setImpl.
func current() impl {
	if fastGemm == nil {
		return impl{}
	}
	return impl{fastName, fastGemm, fastTransB}
}

// available lists the fast kernels this machine supports, best first (set by platform inits).
var available []impl

// Impl names the kernel that MatMul and friends use: "go" (plain loops), "avx512", "avx2-fma",
// "wasm-relaxed-simd" or "wasm-simd128".
func Impl() string { return fastName }

// Impls lists the kernels this machine can run, fastest first, ending with "go" (the plain
// loops).
func Impls() []string {
	var names []string
	for _, im := range available {
		names = append(names, im.name)
	}
	return append(names, "go")
}

// Use selects the kernel by name (one of Impls) for every later product: benchmarks and tests
// use it to compare the fast kernels with the plain loops on the same workload. It must not run
// concurrently with products. By default the fastest kernel is used.
func Use(name string) error {
	if name == "go" {
		setImpl(impl{})
		return nil
	}
	for _, im := range available {
		if im.name == name {
			setImpl(im)
			return nil
		}
	}
	return fmt.Errorf("kernel: no kernel %q on this machine (have %v)", name, Impls())
}

// minFastWork is the number of multiply-adds below which the plain loops are used: a call
// through the fast path costs more than a tiny product.
const minFastWork = 512

// MatMul sets c (m×n) = a (m×k) · b (k×n).
func MatMul(c, a, b []float32, m, k, n int) {
	checkSizes("MatMul", c, a, b, m*n, m*k, k*n)
	if fastGemm != nil && m*k*n >= minFastWork {
		fastGemm(c, a, k, 1, b, m, k, n)
		return
	}
	matMulRef(c, a, b, m, k, n)
}

// MatMulTransA sets c (m×n) = aᵀ · b where a is k×m and b is k×n.
func MatMulTransA(c, a, b []float32, m, k, n int) {
	checkSizes("MatMulTransA", c, a, b, m*n, k*m, k*n)
	if fastGemm != nil && m*k*n >= minFastWork {
		fastGemm(c, a, 1, m, b, m, k, n)
		return
	}
	matMulTransARef(c, a, b, m, k, n)
}

// MatMulTransB sets c (m×n) = a · bᵀ where a is m×k and b is n×k. The fast kernels pack b
// into panels as they multiply (their own buffers).
func MatMulTransB(c, a, b []float32, m, k, n int) {
	checkSizes("MatMulTransB", c, a, b, m*n, m*k, n*k)
	if fastTransB != nil && m*k*n >= minFastWork {
		fastTransB(c, a, b, m, k, n)
		return
	}
	matMulTransBRef(c, a, b, m, k, n)
}

// TransBScratch returns the number of scratch elements MatMulTransBScratch needs for an
// m×k by (n×k)ᵀ product: room for bᵀ whole (k·n), or more (kept so that scratch sized by
// earlier versions stays valid).
func TransBScratch(m, k, n int) int { return max(k*n, 32*(k+m)) }

// MatMulTransBScratch sets c (m×n) = a · bᵀ where a is m×k and b is n×k (a layer's weights
// stored out×in), using scratch (at least TransBScratch(m, k, n) elements, contents ignored)
// and allocating nothing once warm. The fast kernels (amd64, the browser) pack b into panels
// as they multiply (their own buffers; scratch is not used); the plain loops transpose b into
// scratch and run MatMul's loops,
// which skip zero entries of a (ReLU activations, MNIST's blank pixels). It panics if a slice
// or scratch is too short.
func MatMulTransBScratch(c, a, b []float32, m, k, n int, scratch []float32) {
	checkSizes("MatMulTransBScratch", c, a, b, m*n, m*k, n*k)
	if need := TransBScratch(m, k, n); len(scratch) < need {
		panic(fmt.Sprintf("kernel.MatMulTransBScratch: scratch of %d elements, %d×%d by (%d×%d)ᵀ needs %d", len(scratch), m, k, n, k, need))
	}
	if fastTransB != nil && m*k*n >= minFastWork {
		fastTransB(c, a, b, m, k, n)
		return
	}
	bt := scratch[:k*n]
	transpose(bt, b, n, k)
	matMulRef(c, a, bt, m, k, n)
}

var scratch = sync.Pool{New: func() any { return new([]float32) }}

// threads is the number of goroutines a large product is split between (SetThreads).
var threads atomic.Int32

// SetThreads makes the amd64 kernels split each product of 256K multiply-adds and more, and
// each Axpy of 16K values and more, between n goroutines, n ≥ 1 (values below 1 mean 1), and
// returns the previous setting. The default is 1: callers that already run one product per
// core (a server running several specs, sim/noise's workers) keep it. Results do not depend
// on it: every element of C is summed in the same order whatever the split, and each value
// of an Axpy is updated alone. The parts run on long-lived goroutines that spin between
// calls for up to 200 µs (team_amd64.go); calls from several goroutines at once are safe
// (one gets the team, the others run their parts themselves). The plain loops and the
// browser's kernel ignore it.
func SetThreads(n int) int {
	return int(threads.Swap(int32(max(n, 1))))
}

// Threads returns the setting of SetThreads.
func Threads() int { return max(int(threads.Load()), 1) }

// fastTranspose, when not nil, is the platform's transpose.
var fastTranspose func(dst, src []float32, rows, cols int)

// transpose sets dst (cols×rows) = srcᵀ where src is rows×cols.
func transpose(dst, src []float32, rows, cols int) {
	if fastTranspose != nil {
		fastTranspose(dst, src, rows, cols)
		return
	}
	transposeGo(dst, src, rows, cols, 0, rows, 0, cols)
}

// transposeGo transposes rows i0..i1−1 and columns j0..j1−1 of src (rows×cols) into dst, in
// 32×32 tiles.
func transposeGo(dst, src []float32, rows, cols, i0, i1, j0, j1 int) {
	const t = 32
	for ib := i0; ib < i1; ib += t {
		ie := min(ib+t, i1)
		for jb := j0; jb < j1; jb += t {
			je := min(jb+t, j1)
			for i := ib; i < ie; i++ {
				s := src[i*cols : i*cols+cols]
				for j := jb; j < je; j++ {
					dst[j*rows+i] = s[j]
				}
			}
		}
	}
}

// gemmGo computes rows i0..i1-1 and columns j0..j1-1 of c (row stride n) = A·B with the
// strided A of fastGemm: the plain loops for the edges that the fast kernels leave.
func gemmGo(c, a []float32, ars, aps int, b []float32, i0, i1, j0, j1, k, n int) {
	if j0 >= j1 {
		return
	}
	for i := i0; i < i1; i++ {
		ci := c[i*n+j0 : i*n+j1]
		clear(ci)
		for p := 0; p < k; p++ {
			aip := a[i*ars+p*aps]
			if aip == 0 {
				continue
			}
			bp := b[p*n+j0 : p*n+j1]
			for j := range ci {
				ci[j] += aip * bp[j]
			}
		}
	}
}

// fastAxpy, when not nil, is the platform's Axpy (len(x) ≥ len(y) checked by the caller).
var fastAxpy func(y, x []float32, alpha float32)

// Axpy sets y[i] += alpha·x[i] for every i < len(y) (the SGD update w −= lr·g is
// Axpy(w, g, −lr)). It panics if x is shorter than y. The fast paths use a fused multiply-add
// where the plain loop rounds twice, so results may differ in the last bit.
func Axpy(y, x []float32, alpha float32) {
	if len(x) < len(y) {
		panic(fmt.Sprintf("kernel.Axpy: x has %d elements, y %d", len(x), len(y)))
	}
	if fastAxpy != nil && len(y) >= 64 {
		fastAxpy(y, x, alpha)
		return
	}
	axpyGo(y, x[:len(y)], alpha)
}

func axpyGo(y, x []float32, alpha float32) {
	x = x[:len(y)]
	for i := range y {
		y[i] += alpha * x[i]
	}
}

// fastRelu and fastReluMask, when not nil, are the platform's Relu and ReluMask (lengths
// checked by the caller).
var (
	fastRelu     func(x []float32)
	fastReluMask func(d, a []float32)
)

// Relu sets x[i] = max(x[i], 0) in place: x[i] is kept where x[i] > 0 and becomes +0
// elsewhere (−0 and NaN included). Every path computes exactly this.
func Relu(x []float32) {
	if fastRelu != nil && len(x) >= 64 {
		fastRelu(x)
		return
	}
	reluGo(x)
}

func reluGo(x []float32) {
	for i, v := range x {
		if !(v > 0) {
			x[i] = 0
		}
	}
}

// ReluMask sets d[i] = 0 wherever a[i] > 0 fails, for every i < len(d): the backward pass of a
// ReLU whose outputs are a, multiplying the incoming gradient d by 1[a > 0]. It panics if a is
// shorter than d. Every path computes exactly this.
func ReluMask(d, a []float32) {
	if len(a) < len(d) {
		panic(fmt.Sprintf("kernel.ReluMask: a has %d elements, d %d", len(a), len(d)))
	}
	if fastReluMask != nil && len(d) >= 64 {
		fastReluMask(d, a)
		return
	}
	reluMaskGo(d, a[:len(d)])
}

func reluMaskGo(d, a []float32) {
	a = a[:len(d)]
	for i, v := range a {
		if !(v > 0) {
			d[i] = 0
		}
	}
}

// MatMulRef is the reference MatMul: plain loops, skipping zero entries of a.
func MatMulRef(c, a, b []float32, m, k, n int) {
	checkSizes("MatMulRef", c, a, b, m*n, m*k, k*n)
	matMulRef(c, a, b, m, k, n)
}

// MatMulTransARef is the reference MatMulTransA.
func MatMulTransARef(c, a, b []float32, m, k, n int) {
	checkSizes("MatMulTransARef", c, a, b, m*n, k*m, k*n)
	matMulTransARef(c, a, b, m, k, n)
}

// MatMulTransBRef is the reference MatMulTransB.
func MatMulTransBRef(c, a, b []float32, m, k, n int) {
	checkSizes("MatMulTransBRef", c, a, b, m*n, m*k, n*k)
	matMulTransBRef(c, a, b, m, k, n)
}

func matMulRef(c, a, b []float32, m, k, n int) {
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

func matMulTransARef(c, a, b []float32, m, k, n int) {
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

func matMulTransBRef(c, a, b []float32, m, k, n int) {
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
