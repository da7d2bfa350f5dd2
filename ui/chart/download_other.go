//go:build !(js && wasm)

package chart

import "fmt"

// Download offers data as a file; outside a browser it fails.
func Download(name, mime string, data []byte) error {
	return fmt.Errorf("chart: cannot download %s (%d bytes of %s) outside a browser", name, len(data), mime)
}

// DownloadPNG offers the chart as a PNG; outside a browser it fails.
func DownloadPNG(name, svg string, width, height int, scale float64) error {
	return fmt.Errorf("chart: cannot make %s outside a browser", name)
}
