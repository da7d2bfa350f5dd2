//go:build js && wasm

package landscapeview

import (
	"sync"
	"syscall/js"
)

// yield hands the page's one thread back to the browser for one turn of its event loop, as
// networkview's does: a message posted to itself on a MessageChannel (a macrotask, not clamped
// to 4 ms as setTimeout is), which the browser delivers after the input and paint pending. The
// sweep, which draws nothing between its slices, uses it instead of waiting for a frame.
func yield() {
	yieldOnce.Do(func() {
		yieldCh = make(chan struct{}, 1)
		mc := js.Global().Get("MessageChannel").New()
		onMessage := js.FuncOf(func(js.Value, []js.Value) any {
			select {
			case yieldCh <- struct{}{}:
			default:
			}
			return nil
		})
		mc.Get("port1").Set("onmessage", onMessage) // kept for the page's life
		yieldPort = mc.Get("port2")
	})
	yieldPort.Call("postMessage", js.Null())
	<-yieldCh
}

var (
	yieldOnce sync.Once
	yieldCh   chan struct{}
	yieldPort js.Value
)
