//go:build js && wasm && !purego

package fastmath

import (
	"runtime"
	"syscall/js"
	"unsafe"
)

// wasm/kernels.js publishes globalThis.tailscopeKernels.logabssum, bound to this instance's
// memory: Go passes the byte address of its slice, nothing is copied.

var wasmLogAbsSum js.Value

func init() {
	k := js.Global().Get("tailscopeKernels")
	if k.Type() != js.TypeObject {
		return
	}
	if f := k.Get("logabssum"); f.Type() == js.TypeFunction {
		wasmLogAbsSum = f
		logAbsSumFast = logAbsSumWasm
	}
}

func logAbsSumWasm(x []float64) float64 {
	s := wasmLogAbsSum.Invoke(uintptr(unsafe.Pointer(&x[0])), len(x)).Float()
	runtime.KeepAlive(x)
	return s
}
