//go:build !(js && wasm)

package worker

import "runtime"

// Cores is the machine's logical cores outside a browser.
func Cores() int { return runtime.NumCPU() }

// Slots is how many jobs to run at once: 2 outside a browser, where Run runs them in the
// calling goroutines.
func Slots() int { return 2 }
