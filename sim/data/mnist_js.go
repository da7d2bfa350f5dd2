//go:build js || wasip1

package data

import "fmt"

// readMNIST finds no MNIST files in the browser, which has no disk: the page fetches its sets
// from the server (ReadBinary). Leaving the file reader out keeps compress/gzip and
// runtime/debug (a build's module list, for the module cache's path) out of main.wasm.
func readMNIST(bool) (pixels, labels []uint8, err error) {
	return nil, nil, fmt.Errorf("data: this build has no files to read MNIST from (a page fetches it from the server): %w", ErrNoMNIST)
}
