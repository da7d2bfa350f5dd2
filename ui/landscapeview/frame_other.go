//go:build !(js && wasm)

package landscapeview

import "time"

// nextFrame waits about one animation frame (natively there is no browser to hand over to).
func nextFrame() { time.Sleep(16 * time.Millisecond) }
