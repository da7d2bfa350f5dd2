//go:build js && wasm

package landscapeview

import (
	"fmt"
	"syscall/js"
)

// download offers ex to the person as a file: a Blob URL clicked through a temporary link.
func download(ex Export) (err error) {
	defer func() {
		if r := recover(); r != nil { // a JS exception surfaces as a panic of syscall/js
			err = fmt.Errorf("landscapeview: downloading %s: %v", ex.Name, r)
		}
	}()
	doc := js.Global().Get("document")
	parts := js.Global().Get("Array").New(ex.Text)
	blob := js.Global().Get("Blob").New(parts, map[string]any{"type": ex.MIME})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	a := doc.Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", ex.Name)
	a.Get("style").Set("display", "none")
	doc.Get("body").Call("appendChild", a)
	a.Call("click")
	a.Call("remove")
	// Revoke later: the download starts asynchronously.
	var release js.Func
	release = js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		release.Release()
		return nil
	})
	js.Global().Call("setTimeout", release, 10000)
	return nil
}
