//go:build js && wasm

package ui

import (
	"errors"
	"syscall/js"

	"github.com/vugu/vugu"
)

// copyText writes text to the clipboard (navigator.clipboard.writeText) and calls done with the
// outcome when the browser answers, under env's render lock (when env is set). It is called from
// an event handler, under that lock.
func copyText(env vugu.EventEnv, text string, done func(error)) {
	nav := js.Global().Get("navigator")
	if nav.IsUndefined() || nav.IsNull() { // node
		done(errors.New("no navigator"))
		return
	}
	clip := nav.Get("clipboard")
	if clip.IsUndefined() || clip.IsNull() || clip.Get("writeText").IsUndefined() {
		done(errors.New("no clipboard API"))
		return
	}
	var then, fail js.Func
	finish := func(err error) {
		then.Release()
		fail.Release()
		if env == nil {
			done(err)
			return
		}
		go func() { // promise callbacks run outside the render lock
			env.Lock()
			done(err)
			env.UnlockRender()
		}()
	}
	then = js.FuncOf(func(js.Value, []js.Value) any { finish(nil); return nil })
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		finish(errors.New(args[0].Call("toString").String()))
		return nil
	})
	clip.Call("writeText", text).Call("then", then).Call("catch", fail)
}
