//go:build js && wasm && !purego

package kernel

import (
	"runtime"
	"syscall/js"
	"unsafe"
)

// The browser path: wasm/assets/kernels.js instantiates wasm/assets/kernels.wasm (WebAssembly SIMD, source
// wasm/assets/kernels.wat) on this instance's memory before the Go program starts and publishes its
// gemm as globalThis.tailscopeKernels.gemm. Go passes the byte addresses of its slices; Go's
// collector does not move objects, and runtime.KeepAlive holds them for the call.

var wasmGemm, wasmAxpy js.Value

func init() {
	k := js.Global().Get("tailscopeKernels")
	if k.Type() != js.TypeObject {
		return
	}
	if g := k.Get("gemm"); g.Type() == js.TypeFunction {
		wasmGemm = g
		available = append(available, impl{name: "wasm-simd128", gemm: gemmWasm})
		setImpl(available[0])
	}
	if f := k.Get("axpy"); f.Type() == js.TypeFunction {
		wasmAxpy = f
		fastAxpy = axpyWasm
	}
}

func axpyWasm(y, x []float32, alpha float32) {
	wasmAxpy.Invoke(uintptr(unsafe.Pointer(&y[0])), uintptr(unsafe.Pointer(&x[0])), len(y), alpha)
	runtime.KeepAlive(y)
	runtime.KeepAlive(x)
}

func gemmWasm(c, a []float32, ars, aps int, b []float32, m, k, n int) {
	wasmGemm.Invoke(
		uintptr(unsafe.Pointer(&c[0])), uintptr(unsafe.Pointer(&a[0])), ars, aps,
		uintptr(unsafe.Pointer(&b[0])), m, k, n)
	runtime.KeepAlive(c)
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
}
