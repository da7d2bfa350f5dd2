package nn

import "math/rand/v2"

// NewBenchStep returns a function that takes one SGD step (lr 0.1) of a network of the given
// sizes on a fixed batch of b examples with N(0, 1) inputs and labels uniform over the
// classes, drawn from seed. It is the workload of the speed benchmarks (BenchmarkStep,
// cmd/nnbench), and of the PyTorch peer in cmd/nnbench/torch_peer.py.
func NewBenchStep(sizes []int, b int, loss Loss, seed uint64) func() Stats {
	net, x, y := benchProblem(sizes, b, seed)
	ws := net.NewWorkspace(b)
	g := make([]float32, net.NumParams())
	return func() Stats {
		st, _ := ws.Step(net, loss, x, y, g, 0.1)
		return st
	}
}

// benchProblem returns NewBenchStep's network and batch.
func benchProblem(sizes []int, b int, seed uint64) (*Net, []float32, []uint8) {
	net, err := New(sizes, seed)
	if err != nil {
		panic(err) // fixed sizes chosen by the benchmarks and tests
	}
	r := rand.New(rand.NewPCG(seed, 77))
	x := make([]float32, b*sizes[0])
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	y := make([]uint8, b)
	for i := range y {
		y[i] = uint8(r.IntN(sizes[len(sizes)-1]))
	}
	return net, x, y
}
