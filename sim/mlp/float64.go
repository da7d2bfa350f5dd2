//go:build !js

package mlp

import (
	"math/rand/v2"

	"github.com/tailscope/tailscope/sim/convnet"
	"github.com/tailscope/tailscope/sim/nn"
	"github.com/tailscope/tailscope/sim/noise"
)

// Native builds train in float64 on request; the browser's build leaves this file out, and
// with it the float64 networks and gonum's Dgemm (sim/linalg).
func init() { newDouble = newDoubleNet }

// float64Built says that this build trains in float64 (float64_js.go: the browser's does not).
const float64Built = true

// newDoubleNet widens t's float32 network (drawn from the seed) into a float64 one, so that
// a seed starts both precisions from the same weights (the reference code's --double draws
// them in double, from the same law).
func newDoubleNet(t *Trainer) (double, error) {
	chunk := min(TestChunk, t.test.Len())
	if t.conv != nil {
		net, err := convnet.Widen(t.conv)
		if err != nil {
			return nil, err
		}
		ws := net.NewWorkspace(t.batch)
		ws.SetDropout(rand.NewPCG(t.spec.Seed, dropoutStream))
		offs := make([]int, net.NumLayers()+1)
		for l := range offs {
			offs[l] = net.Offset(l)
		}
		model := noise.Model{Params: len(net.Params), Dim: net.InputDim(), Offsets: offs,
			NewGradient64: func(batch int) func([]float32, []uint8, []float64) (nn.Stats, error) {
				w := net.NewWorkspace(batch) // evaluation mode, as the noise is measured
				return func(x []float32, y []uint8, g []float64) (nn.Stats, error) { return w.Gradient(net, t.loss, x, y, g) }
			}}
		return newDoubleOf(net.Params, model,
			func(x []float32, y []uint8, g []float64) (nn.Stats, error) { return ws.Gradient(net, t.loss, x, y, g) },
			lazyForward(func() func(x []float32, y []uint8) (nn.Stats, error) {
				w := net.NewWorkspace(chunk)
				return func(x []float32, y []uint8) (nn.Stats, error) {
					st, _, err := w.Forward(net, t.loss, x, y)
					return st, err
				}
			}),
			net.SGD), nil
	}
	net, err := nn.Widen(t.net)
	if err != nil {
		return nil, err
	}
	ws := net.NewWorkspace(t.batch)
	return newDoubleOf(net.Params, noise.FC64(net, t.loss),
		func(x []float32, y []uint8, g []float64) (nn.Stats, error) { return ws.Gradient(net, t.loss, x, y, g) },
		lazyForward(func() func(x []float32, y []uint8) (nn.Stats, error) {
			w := net.NewWorkspace(chunk)
			return func(x []float32, y []uint8) (nn.Stats, error) {
				st, _, err := w.Forward(net, t.loss, x, y)
				return st, err
			}
		}),
		net.SGD), nil
}

// lazyForward makes the test workspace at the first evaluation only.
func lazyForward(make func() func([]float32, []uint8) (nn.Stats, error)) func([]float32, []uint8) (nn.Stats, error) {
	var f func([]float32, []uint8) (nn.Stats, error)
	return func(x []float32, y []uint8) (nn.Stats, error) {
		if f == nil {
			f = make()
		}
		return f(x, y)
	}
}

// newDoubleOf assembles a double; the noise measurement (sim/noise) takes model's float64
// gradients as they are.
func newDoubleOf(params []float64, model noise.Model,
	train func([]float32, []uint8, []float64) (nn.Stats, error),
	forward func([]float32, []uint8) (nn.Stats, error), sgd func([]float64, float64)) *doubleNet {
	d := &doubleNet{params: params, grad: make([]float64, len(params)), forwardFn: forward, sgd: sgd, model: model}
	d.gradFn = func(x []float32, y []uint8) (nn.Stats, error) { return train(x, y, d.grad) }
	return d
}
