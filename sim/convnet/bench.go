package convnet

import (
	"math/rand/v2"

	"github.com/tailscope/tailscope/sim/nn"
)

// NewBenchStep returns one SGD step (lr 0.01, cross-entropy, dropout on) of the reference
// code's AlexNet with channel scale ch on a fixed batch of b CIFAR-shaped N(0, 1) inputs with
// labels uniform over 10 classes. It is the workload of peerbench's AlexNet rows, native and
// in the browser, and of the alexnet command of its PyTorch peer (torch_bench.py).
func NewBenchStep(ch, b int) (func() error, error) {
	net, err := AlexNet(CIFARShape, ch, 10, 1)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(4, 5))
	x, y := make([]float32, b*CIFARShape.Size()), make([]uint8, b)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	for i := range y {
		y[i] = uint8(r.IntN(10))
	}
	ws := net.NewWorkspace(b)
	ws.SetDropout(rand.NewPCG(3, 4))
	grad := make([]float32, net.NumParams())
	return func() error {
		if _, err := ws.Gradient(net, nn.CrossEntropy, x, y, grad); err != nil {
			return err
		}
		net.SGD(grad, 0.01)
		return nil
	}, nil
}
