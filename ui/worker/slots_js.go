//go:build js && wasm

package worker

import "syscall/js"

// Slots is how many jobs a page should run at once: navigator.hardwareConcurrency, kept within
// 2 … 4 (a worker per core, without taking every core of a big machine from the page). Workers
// beyond the pool's maxIdle are started afresh per run.
func Slots() int {
	n := 2
	if hc := js.Global().Get("navigator").Get("hardwareConcurrency"); hc.Type() == js.TypeNumber {
		n = hc.Int()
	}
	return min(max(n, 2), 4)
}
