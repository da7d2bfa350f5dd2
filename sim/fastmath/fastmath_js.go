//go:build js && wasm && !purego

package fastmath

import (
	"runtime"
	"syscall/js"
	"unsafe"
)

// wasm/assets/kernels.js publishes globalThis.tailscopeKernels.sas, bound to this instance's
// memory: Go passes the byte address of its slice, nothing is copied.

var wasmSAS js.Value

func init() {
	k := js.Global().Get("tailscopeKernels")
	if k.Type() != js.TypeObject {
		return
	}
	if f := k.Get("sas"); f.Type() == js.TypeFunction {
		wasmSAS = f
		sasFast = sasWasm
	}
}

func sasWasm(x []float64, alpha, sigma float64, seed, start uint64) {
	wasmSAS.Invoke(uintptr(unsafe.Pointer(&x[0])), len(x), alpha, sigma,
		uint32(seed), uint32(seed>>32), uint32(start), uint32(start>>32))
	runtime.KeepAlive(x)
}
