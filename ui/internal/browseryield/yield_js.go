//go:build js && wasm

// Package browseryield hands the page's one thread back to the browser between slices of
// work, for the views that compute on the page itself.
package browseryield

import (
	"sync"
	"syscall/js"
)

// Yield hands the page's one thread back to the browser for one turn of its event loop.
//
// A time.Sleep is not enough: Go's scheduler runs an expired timer without returning to
// the browser when other goroutines (the render loop) kept it busy past the timer, so the
// page could starve. Yield posts a message to itself on a MessageChannel and blocks until
// it arrives: with every goroutine blocked, Go returns to the event loop, which handles
// pending input before the message (a macrotask, not clamped to 4 ms as setTimeout is).
func Yield() {
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
