//go:build !(js && wasm)

package worker

import (
	"context"

	"github.com/tailscope/tailscope/sim/spec"
)

// Run runs job on input and returns its output. Outside a browser it runs in the calling goroutine.
func Run(ctx context.Context, job string, input []byte, report spec.Reporter) ([]byte, error) {
	return runHere(ctx, job, input, report)
}

// IsWorker reports whether this instance of the program is a Web Worker; never, outside a browser.
func IsWorker() bool { return false }

// Serve is the main loop of a worker; outside a browser there is none, and it returns at once.
func Serve() {}
