//go:build js && wasm

package ui

import (
	sjs "syscall/js"

	"github.com/vugu/vugu"
)

// selectAll selects the text of the focused input, so the link is ready to copy by hand.
func selectAll(e vugu.DOMEvent) { sjs.Value(e.JSEventTarget()).Call("select") }
