//go:build !(js && wasm)

package landscapeview

import "fmt"

// download needs a browser; natively it reports that.
func download(ex Export) error {
	return fmt.Errorf("landscapeview: cannot download %s outside a browser", ex.Name)
}
