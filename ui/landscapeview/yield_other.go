//go:build !(js && wasm)

package landscapeview

import "runtime"

// yield lets other goroutines run (outside a browser there is no page to hand back to).
func yield() { runtime.Gosched() }
