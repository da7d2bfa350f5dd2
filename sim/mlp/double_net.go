//go:build !js

package mlp

import (
	"github.com/tailscope/tailscope/sim/nn"
	"github.com/tailscope/tailscope/sim/noise"
)

// doubleNet is double over a Net64 of sim/nn or sim/convnet, its operations closures
// (float64.go builds it).
type doubleNet struct {
	params, grad, velocity []float64
	gradFn                 func(x []float32, y []uint8) (nn.Stats, error) // into grad
	forwardFn              func(x []float32, y []uint8) (nn.Stats, error)
	sgd                    func(dir []float64, lr float64)
	model                  noise.Model
}

func (d *doubleNet) gradient(x []float32, y []uint8) (nn.Stats, error) { return d.gradFn(x, y) }
func (d *doubleNet) forward(x []float32, y []uint8) (nn.Stats, error)  { return d.forwardFn(x, y) }
func (d *doubleNet) noiseModel() noise.Model                           { return d.model }

// step takes the SGD step of the last gradient with learning rate lr, weight decay wd and
// momentum mu, all in float64 as PyTorch's SGD on a double model: d = g + λw; v = d at the
// first step, then v ← μv + d; the step is along v (direction's float32 form).
func (d *doubleNet) step(lr, mu, wd float64) {
	dir := d.grad
	if wd != 0 {
		for i, w := range d.params {
			dir[i] += wd * w
		}
	}
	if mu != 0 {
		if d.velocity == nil {
			d.velocity = append([]float64(nil), dir...)
		} else {
			for i, v := range d.velocity {
				d.velocity[i] = mu*v + dir[i]
			}
		}
		dir = d.velocity
	}
	d.sgd(dir, lr)
}
