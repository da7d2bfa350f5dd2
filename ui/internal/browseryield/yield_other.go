//go:build !(js && wasm)

// Package browseryield hands the page's one thread back to the browser between slices of
// work, for the views that compute on the page itself.
package browseryield

import "runtime"

// Yield lets other goroutines run: outside a browser there is no page to hand back to.
func Yield() { runtime.Gosched() }
