//go:build !(js && wasm)

package networkview

import "time"

// yield lets other goroutines run between slices of work.
func yield() { time.Sleep(Yield) }
