//go:build js && wasm

package landscapeview

import "syscall/js"

// nextFrame blocks until the browser's next animation frame (a 16 ms timer where there is
// no requestAnimationFrame, as under node). Blocking on the browser (not on
// a Go timer) is what hands it the thread: Go's wasm scheduler returns to JavaScript only when
// no goroutine can run, and a time.Sleep shorter than the render that follows it has already
// expired by then, so a loop that only sleeps can starve the page of input and paint.
func nextFrame() {
	done := make(chan struct{})
	var cb js.Func
	cb = js.FuncOf(func(js.Value, []js.Value) any {
		cb.Release()
		close(done)
		return nil
	})
	if raf := js.Global().Get("requestAnimationFrame"); raf.Type() == js.TypeFunction {
		raf.Invoke(cb)
	} else { // no page (node): a timer also hands the thread back
		js.Global().Call("setTimeout", cb, 16)
	}
	<-done
}
