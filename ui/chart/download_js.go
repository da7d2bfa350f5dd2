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
	var revoke js.Func
	revoke = js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		revoke.Release()
		return nil
	})
	js.Global().Call("setTimeout", revoke, 10000)
	// Read by the browser tests: the last file offered.
	js.Global().Set("tailscopeLastDownload", map[string]any{"name": name, "type": mime, "size": len(data)})
	return nil
}

// DownloadPNG offers the chart as a PNG image named name: the browser draws the SVG on a canvas at
// scale times its size (2 gives a sharp image on slides) and encodes it. It returns at once; a
// failure shows later in the console.
func DownloadPNG(name, svg string, width, height int, scale float64) error {
	g := js.Global()
	if g.Get("document").IsUndefined() {
		return fmt.Errorf("chart: cannot make %s: no document", name)
	}
	blob := g.Get("Blob").New([]any{svg}, map[string]any{"type": "image/svg+xml"})
	url := g.Get("URL").Call("createObjectURL", blob)
	img := g.Get("Image").New()
	var onload, onerr, onblob js.Func
	release := func() {
		g.Get("URL").Call("revokeObjectURL", url)
		onload.Release()
		onerr.Release()
	}
	onblob = js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer onblob.Release()
		if args[0].IsNull() {
			return nil
		}
		buf := args[0]
		cb := js.FuncOf(func(_ js.Value, a []js.Value) any {
			u8 := g.Get("Uint8Array").New(a[0])
			data := make([]byte, u8.Get("length").Int())
			js.CopyBytesToGo(data, u8)
			Download(name, "image/png", data)
			return nil
		})
		buf.Call("arrayBuffer").Call("then", cb)
		return nil
	})
	onload = js.FuncOf(func(js.Value, []js.Value) any {
		defer release()
		canvas := g.Get("document").Call("createElement", "canvas")
		canvas.Set("width", int(float64(width)*scale))
		canvas.Set("height", int(float64(height)*scale))
		ctx := canvas.Call("getContext", "2d")
		ctx.Call("scale", scale, scale)
		ctx.Call("drawImage", img, 0, 0, width, height)
		canvas.Call("toBlob", onblob, "image/png")
		return nil
	})
	onerr = js.FuncOf(func(js.Value, []js.Value) any {
		defer release()
		onblob.Release()
		g.Get("console").Call("warn", "chart: the browser could not draw "+name)
		return nil
	})
	img.Set("onload", onload)
	img.Set("onerror", onerr)
	img.Set("src", url)
	return nil
}
