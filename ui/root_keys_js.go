//go:build js && wasm

package ui

import (
	"syscall/js"
)

// ListenKeys sends the page's key presses to c.Key, under c.Env's render lock: one handler for
// the whole page, so that the keys work wherever the focus is, except while a person types in a
// field or works a control that uses the key itself (a slider's arrows, a button's Space).
// A key c handles does not also do the browser's default (Space would scroll the page).
func (c *Root) ListenKeys() {
	doc := js.Global().Get("document")
	onKey := js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		if e.Get("ctrlKey").Bool() || e.Get("metaKey").Bool() || e.Get("altKey").Bool() || e.Get("isComposing").Bool() {
			return nil
		}
		key := e.Get("key").String()
		if ownsKey(e.Get("target"), key) {
			return nil
		}
		env := c.Env
		if env != nil {
			env.Lock()
		}
		handled := c.Key(key)
		if env != nil {
			if handled {
				env.UnlockRender()
			} else {
				env.UnlockOnly()
			}
		}
		if handled {
			e.Call("preventDefault")
		}
		return nil
	})
	doc.Call("addEventListener", "keydown", onKey) // lives as long as the page
}

// ownsKey reports whether the element el that has the focus uses key itself: any key in a text
// field or a list box, the arrows on a slider, Space and Enter on a button or a link.
func ownsKey(el js.Value, key string) bool {
	if el.IsUndefined() || el.IsNull() || el.Get("tagName").IsUndefined() {
		return false
	}
	if el.Get("isContentEditable").Truthy() {
		return true
	}
	switch el.Get("tagName").String() {
	case "TEXTAREA", "SELECT":
		return true
	case "INPUT":
		switch el.Get("type").String() {
		case "range":
			return key != "r" && key != "R" && key != "f" && key != "F" && key != "p" && key != "P" && key != "?" && key != "Escape" && key != "c" && key != "C"
		case "checkbox", "radio", "button", "submit", "reset", "file":
			return key == " " || key == "Enter"
		}
		return true
	case "BUTTON", "A", "SUMMARY":
		return key == " " || key == "Enter"
	}
	return false
}

// setFullscreen asks the browser to show the page fullscreen (on) or leave fullscreen; a
// browser that refuses (no user gesture, an iframe) leaves the page as it is, and so does a
// js/wasm host with no document (node, where the package's tests run).
func setFullscreen(on bool) {
	doc := js.Global().Get("document")
	if doc.IsUndefined() || doc.IsNull() {
		return
	}
	full := !doc.Get("fullscreenElement").IsNull() && !doc.Get("fullscreenElement").IsUndefined()
	if on == full {
		return
	}
	var p js.Value
	if on {
		el := doc.Get("documentElement")
		if el.Get("requestFullscreen").IsUndefined() {
			return
		}
		p = el.Call("requestFullscreen")
	} else {
		if doc.Get("exitFullscreen").IsUndefined() {
			return
		}
		p = doc.Call("exitFullscreen")
	}
	if p.Truthy() && !p.Get("catch").IsUndefined() {
		p.Call("catch", ignoreRejection)
	}
}

// ignoreRejection swallows a refused fullscreen request (the page stays as it is).
var ignoreRejection = js.FuncOf(func(js.Value, []js.Value) any { return nil })

// toggleFullscreen turns fullscreen on when it is off, and off when it is on.
func toggleFullscreen() {
	doc := js.Global().Get("document")
	if doc.IsUndefined() || doc.IsNull() {
		return // no document: node, where the package's tests run
	}
	fe := doc.Get("fullscreenElement")
	setFullscreen(fe.IsNull() || fe.IsUndefined())
}
