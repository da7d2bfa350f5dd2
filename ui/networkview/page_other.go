//go:build !(js && wasm)

package networkview

// pageOrigin is "" outside a browser: a Client then needs its Base set.
func pageOrigin() string { return "" }

// sharePathID is "" outside a browser.
func sharePathID() string { return "" }
