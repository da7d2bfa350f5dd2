//go:build !(js && wasm)

package worker

// Slots is how many jobs to run at once: 2 outside a browser, where Run runs them in the
// calling goroutines.
func Slots() int { return 2 }
