package main

import (
	"fmt"
	"os"

	"github.com/tailscope/tailscope/sim/cuda"
	simrun "github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
)

// The backend chosen at start (-backend, -tf32) and its one-line description.
var (
	chosenBackend simrun.Backend
	backendLine   string
)

// selectBackend chooses the backend for -backend mode and says which in one line on stderr.
func selectBackend(mode string, tf32 bool, workers int) error {
	b, line, err := cuda.Select(mode, tf32, simrun.CPU{Workers: workers}, cuda.DefaultLibraries())
	if err != nil {
		return err
	}
	chosenBackend, backendLine = b, line
	fmt.Fprintln(os.Stderr, "tailscope: "+line)
	return nil
}

// backendFor returns the chosen backend, or the CPU where none was chosen (tests calling run).
func backendFor(workers int) simrun.Backend {
	if chosenBackend != nil {
		return chosenBackend
	}
	backendLine = "backend: " + simrun.CPU{Workers: workers}.Name(spec.Spec{})
	return simrun.CPU{Workers: workers}
}
