//go:build !js && !wasip1

package cuda

import (
	"testing"

	"github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
)

// TestFloat64OnCPU: the GPU path is float32, so a precision=float64 run is named (and run)
// as the CPU's; a float32 one is the GPU's. No device is needed to name them.
func TestFloat64OnCPU(t *testing.T) {
	b := Backend{CPU: run.CPU{}, GPU: &GPU{Device: Device{Name: "Test GPU"}}}
	for _, tc := range []struct {
		precision, want string
	}{
		{"float32", "cuda: Test GPU"},
		{"float64", run.CPU{}.Name(spec.MustNew("mlp", 1))},
	} {
		t.Run(tc.precision, func(t *testing.T) {
			s := spec.MustNew("mlp", 1)
			if err := s.SetText("precision", tc.precision); err != nil {
				t.Fatal(err)
			}
			if got := b.Name(s); got != tc.want {
				t.Errorf("Name = %q, want %q", got, tc.want)
			}
		})
	}
}
