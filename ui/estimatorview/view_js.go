//go:build js && wasm

package estimatorview

import (
	sjs "syscall/js"

	"github.com/vugu/vugu"
)

// OnFile handles the file input's change: the chosen file is read and analysed.
func (c *View) OnFile(e vugu.DOMEvent) {
	files := sjs.Value(e.JSEventTarget()).Get("files")
	if files.IsUndefined() || files.Get("length").Int() == 0 {
		return
	}
	c.readFile(files.Index(0))
	// Let the same file be picked again after an edit.
	sjs.Value(e.JSEventTarget()).Set("value", "")
}

// OnDragOver lets the drop zone accept files.
func (c *View) OnDragOver(e vugu.DOMEvent) { e.PreventDefault() }

// OnDrop reads the dropped file.
func (c *View) OnDrop(e vugu.DOMEvent) {
	e.PreventDefault()
	dt := sjs.Value(e.JSEvent()).Get("dataTransfer")
	if dt.IsUndefined() || dt.IsNull() {
		return
	}
	files := dt.Get("files")
	if files.Get("length").Int() == 0 {
		return
	}
	c.readFile(files.Index(0))
}

// readFile reads f (a File) in the background; it holds the render lock (event handler).
func (c *View) readFile(f sjs.Value) {
	name := f.Get("name").String()
	size := f.Get("size").Int()
	if size > MaxFileBytes {
		c.file, c.fileErr = nil, fileTooBig(name, size)
		return
	}
	c.fileErr = ""
	env := c.eventEnv()
	done := make(chan struct{})
	var data []byte
	var readErr string
	then := sjs.FuncOf(func(_ sjs.Value, args []sjs.Value) any {
		u8 := sjs.Global().Get("Uint8Array").New(args[0])
		data = make([]byte, u8.Get("length").Int())
		sjs.CopyBytesToGo(data, u8)
		close(done)
		return nil
	})
	fail := sjs.FuncOf(func(_ sjs.Value, args []sjs.Value) any {
		readErr = name + ": cannot read the file: " + args[0].Call("toString").String()
		close(done)
		return nil
	})
	f.Call("arrayBuffer").Call("then", then).Call("catch", fail)
	go func() {
		<-done
		then.Release()
		fail.Release()
		env.Lock()
		defer env.UnlockRender()
		if readErr != "" {
			c.fileErr = readErr
			return
		}
		c.useFile(name, data)
	}()
}
