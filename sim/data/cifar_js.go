//go:build js || wasip1

package data

import "fmt"

// readFiles finds no CIFAR files in the browser, which has no disk: the page fetches its sets
// from the server (ReadBinary). Leaving the file reader out keeps main.wasm smaller.
func (c CIFAR) readFiles(string, bool) (pixels, labels []uint8, err error) {
	return nil, nil, fmt.Errorf("data: %s: this build has no files to read it from (a page fetches it from the server): %w", c.Label, ErrMissing)
}
