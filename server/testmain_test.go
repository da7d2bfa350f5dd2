package main

import (
	"os"
	"testing"

	"github.com/tailscope/tailscope/server/internal/browsertest"
)

// TestMain runs the package's browser tests in one shared Chromium (browsertest.Main):
// each test still opens its own tab on its own server.
func TestMain(m *testing.M) { os.Exit(browsertest.Main(m)) }
