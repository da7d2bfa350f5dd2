//go:build js && wasm

package tourview

import (
	"syscall/js"

	"github.com/vugu/vugu"
)

// listenKeys calls key with the key of every keydown on the document that is not typed into a
// form control (a slider's own arrows move the slider, not the tour), under env's render lock;
// a key it handled is not passed on. It returns the function that stops listening.
func listenKeys(env vugu.EventEnv, key func(string) bool) func() {
	doc := js.Global().Get("document")
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		if e.Get("altKey").Bool() || e.Get("ctrlKey").Bool() || e.Get("metaKey").Bool() {
			return nil
		}
		if t := e.Get("target"); t.Truthy() && t.Get("closest").Truthy() &&
			t.Call("closest", "input, select, textarea, [contenteditable]").Truthy() {
			return nil
		}
		k := e.Get("key").String()
		if k != "ArrowLeft" && k != "ArrowRight" {
			return nil
		}
		env.Lock()
		handled := key(k)
		env.UnlockRender()
		if handled {
			e.Call("preventDefault")
		}
		return nil
	})
	doc.Call("addEventListener", "keydown", fn)
	return func() {
		doc.Call("removeEventListener", "keydown", fn)
		fn.Release()
	}
}
