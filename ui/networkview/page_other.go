//go:build !(js && wasm)

package networkview

import "github.com/tailscope/tailscope/ui/appstate"

// pageState is a fresh state outside a browser.
func pageState() *appstate.State { return appstate.New() }

// pageOrigin is "" outside a browser: a Client then needs its Base set.
func pageOrigin() string { return "" }

// sharePathID is "" outside a browser.
func sharePathID() string { return "" }

// evalWorkers is 1 outside a browser: measurements run in the calling goroutine.
func evalWorkers() int { return 1 }
