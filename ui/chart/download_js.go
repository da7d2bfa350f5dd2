//go:build js && wasm

package chart

import (
	"fmt"
	"syscall/js"
)

// Download offers data to the person as a file named name: a Blob, an object URL and a click on
// a temporary <a download> link. The URL is revoked after the click.
func Download(name, mime string, data []byte) (err error) {
	defer func() {
		if r := recover(); r != nil { // a js.Error from a missing API
			err = fmt.Errorf("chart: download of %s failed: %v", name, r)
		}
	}()
	if js.Global().Get("document").IsUndefined() { // node
		return fmt.Errorf("chart: cannot download %s (%d bytes of %s): no document", name, len(data), mime)
	}
	u8 := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(u8, data)
	blob := js.Global().Get("Blob").New([]any{u8}, map[string]any{"type": mime})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	doc := js.Global().Get("document")
	a := doc.Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	a.Get("style").Set("display", "none")
	doc.Get("body").Call("appendChild", a)
	a.Call("click")
	a.Call("remove")
	// Revoke later: some browsers start the download after the click handler returns.
	js.Global().Call("setTimeout", js.FuncOf(func(this js.Value, args []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		return nil
	}), 10000)
	// Read by the browser tests: the last file offered.
	js.Global().Set("tailscopeLastDownload", map[string]any{"name": name, "type": mime, "size": len(data)})
	return nil
}
