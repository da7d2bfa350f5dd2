//go:build !(js && wasm)

package ui

// ListenKeys sends the page's key presses to c.Key; only in a browser.
func (c *Root) ListenKeys() {}

// setFullscreen shows the page fullscreen or not; only in a browser.
func setFullscreen(bool) {}

// toggleFullscreen turns fullscreen on or off; only in a browser.
func toggleFullscreen() {}
