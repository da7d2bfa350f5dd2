//go:build !(js && wasm)

package tourview

import "github.com/vugu/vugu"

// listenKeys does nothing outside a browser.
func listenKeys(vugu.EventEnv, func(string) bool) func() { return func() {} }
