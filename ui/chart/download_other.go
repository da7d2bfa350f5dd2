//go:build !(js && wasm)

package chart

import "fmt"

// Download offers data as a file; outside a browser it fails.
func Download(name, mime string, data []byte) error {
	return fmt.Errorf("chart: cannot download %s (%d bytes of %s) outside a browser", name, len(data), mime)
}
