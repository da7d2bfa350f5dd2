//go:build !js

package paperview

import (
	"testing"

	"github.com/tailscope/tailscope/ui/internal/vugugentest"
)

// TestGeneratedUpToDate fails when the committed Vugu code is stale.
func TestGeneratedUpToDate(t *testing.T) { vugugentest.Check(t, "ui/paperview") }
