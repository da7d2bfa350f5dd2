package mlp

import (
	"github.com/tailscope/tailscope/sim/nn"
	"github.com/tailscope/tailscope/sim/noise"
)

// double is a Trainer's float64 network (precision float64): its gradient, its step and its
// outputs. An interface, so that the browser's build, which has no implementation, links none.
type double interface {
	// gradient computes the gradient of the batch, kept for step.
	gradient(x []float32, y []uint8) (nn.Stats, error)
	// step takes the SGD step of the last gradient with learning rate lr, momentum mu and
	// weight decay wd.
	step(lr, mu, wd float64)
	// forward returns the loss statistics of up to TestChunk examples.
	forward(x []float32, y []uint8) (nn.Stats, error)
	// noiseModel is the network as sim/noise measures it.
	noiseModel() noise.Model
}
