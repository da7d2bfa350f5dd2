//go:build !js

package noise

import "github.com/tailscope/tailscope/sim/nn"

// float64Built says that this build measures float64 gradients (Model.NewGradient64); the
// browser's build, which trains in float32 only, leaves that code out (float64_js.go).
const float64Built = true

// FC64 returns the Model of a float64 fully connected network with loss: its gradients are
// measured in float64, as the reference code's --double measures them.
func FC64(net *nn.Net64, loss nn.Loss) Model {
	return Model{Params: net.NumParams(), Dim: net.Sizes[0], Offsets: layerOffsets(net.Layers(), net.Offset),
		NewGradient64: func(batch int) func([]float32, []uint8, []float64) (nn.Stats, error) {
			ws := net.NewWorkspace(batch)
			return func(x []float32, y []uint8, grad []float64) (nn.Stats, error) {
				return ws.Gradient(net, loss, x, y, grad)
			}
		}}
}
