package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tailscope/tailscope/server/internal/browsertest"
)

// serverName is the name under which this test binary is the tailscope command itself. Tests that
// need the server as a process of its own (kill, fault) run a link of that name to the test binary
// (tailscopeBinary) instead of building the command: a go build and link of the server cost about
// 5 CPU-seconds, and the test binary holds the same code.
const serverName = "tailscope"

// TestMain runs the package's browser tests in one shared Chromium (browsertest.Main): each test
// still opens its own tab on its own server. Started as serverName, it is the command.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == serverName {
		main()
		os.Exit(0)
	}
	os.Exit(browsertest.Main(m))
}
