//go:build js && wasm && !purego

package estimator

import (
	"runtime"
	"syscall/js"
	"unsafe"
)

// wasm/assets/kernels.js instantiates the SIMD kernels on this Go instance's own memory before
// the program starts and publishes globalThis.tailscopeKernels: Go passes the byte address of
// its slice, nothing is copied.
func init() {
	k := js.Global().Get("tailscopeKernels")
	if k.Type() != js.TypeObject {
		return
	}
	f := k.Get("logabssum")
	if f.Type() != js.TypeFunction {
		return
	}
	logAbsSumFast = func(x []float64) float64 {
		s := f.Invoke(uintptr(unsafe.Pointer(&x[0])), len(x)).Float()
		runtime.KeepAlive(x)
		return s
	}
}
