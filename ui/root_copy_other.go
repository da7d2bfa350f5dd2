//go:build !(js && wasm)

package ui

import (
	"errors"

	"github.com/vugu/vugu"
)

// copyText reports that there is no clipboard outside a browser.
func copyText(env vugu.EventEnv, text string, done func(error)) {
	done(errors.New("no clipboard outside a browser"))
}
