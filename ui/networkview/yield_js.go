//go:build js && wasm

package networkview

import "github.com/tailscope/tailscope/ui/internal/browseryield"

// yield hands the page's one thread back to the browser for one turn of its event loop.
func yield() { browseryield.Yield() }
