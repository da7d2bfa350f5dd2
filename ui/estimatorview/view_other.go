//go:build !(js && wasm)

package estimatorview

import "github.com/vugu/vugu"

// OnFile handles the file input's change; files exist only in a browser.
func (c *View) OnFile(e vugu.DOMEvent) {}

// OnDragOver lets the drop zone accept files; only in a browser.
func (c *View) OnDragOver(e vugu.DOMEvent) {}

// OnDrop reads a dropped file; only in a browser.
func (c *View) OnDrop(e vugu.DOMEvent) {}
