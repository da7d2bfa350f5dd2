//go:build !(js && wasm)

package ui

import "github.com/vugu/vugu"

// selectAll selects the text of the focused input; only in a browser.
func selectAll(e vugu.DOMEvent) {}
