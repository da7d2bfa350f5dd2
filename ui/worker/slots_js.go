//go:build js && wasm

package worker

import "syscall/js"

// Cores is the browser's navigator.hardwareConcurrency (logical cores), or 0 where it does not
// say: the one reading of the page's cores behind Slots and the Network view's measurement.
func Cores() int {
	if hc := js.Global().Get("navigator").Get("hardwareConcurrency"); hc.Type() == js.TypeNumber {
		return hc.Int()
	}
	return 0
}

// Slots is how many jobs a page should run at once: Cores, kept within 2 … 4 (a worker per
// core, without taking every core of a big machine from the page; 2 where the browser does not
// say). Workers beyond the pool's maxIdle are started afresh per run.
func Slots() int { return min(max(Cores(), 2), 4) }
