//go:build js && wasm && !purego

package kernel

import (
	"runtime"
	"syscall/js"
	"unsafe"
)

// The browser path: wasm/assets/kernels.js instantiates wasm/assets/kernels.wasm (WebAssembly SIMD, source
// wasm/assets/kernels.wat) on this instance's memory before the Go program starts and publishes its
// gemm and gemmtb as globalThis.tailscopeKernels; where the browser has relaxed SIMD, also
// kernels_relaxed.wasm's (fused multiply-adds, 5×8 register blocks) as tailscopeKernels.relaxed.
// Both are registered, the relaxed one first: Use switches between them, and the tests check each
// against the plain loops. Go passes the byte addresses of its slices; Go's collector does not
// move objects, and runtime.KeepAlive holds them for the call.

var wasmAxpy js.Value

// packBuf is gemmtb's panel of transposed weights (8·k floats). Go's js/wasm runs one goroutine
// at a time and a call into the module does not yield, so one buffer serves every call.
var packBuf []float32

func init() {
	k := js.Global().Get("tailscopeKernels")
	if k.Type() != js.TypeObject {
		return
	}
	if r := k.Get("relaxed"); r.Type() == js.TypeObject {
		if im, ok := wasmImpl("wasm-relaxed-simd", r); ok {
			available = append(available, im)
		}
	}
	if im, ok := wasmImpl("wasm-simd128", k); ok {
		available = append(available, im)
	}
	if len(available) > 0 {
		setImpl(available[0])
	}
	if f := k.Get("axpy"); f.Type() == js.TypeFunction {
		wasmAxpy = f
		fastAxpy = axpyWasm
	}
}

// wasmImpl wraps the gemm and gemmtb functions of one instantiated module (o).
func wasmImpl(name string, o js.Value) (impl, bool) {
	gemm, gemmtb := o.Get("gemm"), o.Get("gemmtb")
	if gemm.Type() != js.TypeFunction || gemmtb.Type() != js.TypeFunction {
		return impl{}, false
	}
	return impl{
		name: name,
		gemm: func(c, a []float32, ars, aps int, b []float32, m, k, n int) {
			gemm.Invoke(
				uintptr(unsafe.Pointer(&c[0])), uintptr(unsafe.Pointer(&a[0])), ars, aps,
				uintptr(unsafe.Pointer(&b[0])), m, k, n)
			runtime.KeepAlive(c)
			runtime.KeepAlive(a)
			runtime.KeepAlive(b)
		},
		transB: func(c, a, b []float32, m, k, n int) {
			if cap(packBuf) < 8*k {
				packBuf = make([]float32, 8*k)
			}
			pack := packBuf[:8*k]
			gemmtb.Invoke(
				uintptr(unsafe.Pointer(&c[0])), uintptr(unsafe.Pointer(&a[0])),
				uintptr(unsafe.Pointer(&b[0])), m, k, n, uintptr(unsafe.Pointer(&pack[0])))
			runtime.KeepAlive(c)
			runtime.KeepAlive(a)
			runtime.KeepAlive(b)
			runtime.KeepAlive(pack)
		},
	}, true
}

func axpyWasm(y, x []float32, alpha float32) {
	wasmAxpy.Invoke(uintptr(unsafe.Pointer(&y[0])), uintptr(unsafe.Pointer(&x[0])), len(y), alpha)
	runtime.KeepAlive(y)
	runtime.KeepAlive(x)
}
