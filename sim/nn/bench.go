package nn

import "math/rand/v2"

// NewBenchStep returns a function that takes one SGD step (lr 0.1) of a network of the given
// sizes on a fixed batch of b examples with N(0, 1) inputs and labels uniform over the
// classes, drawn from seed. It is the workload of the speed benchmarks (BenchmarkStep,
// cmd/nnbench), and of the PyTorch peer in cmd/nnbench/torch_peer.py.
func NewBenchStep(sizes []int, b int, loss Loss, seed uint64) func() Stats {
	return NewBenchStepThreads(sizes, b, loss, seed, 1)
}

// NewBenchStepThreads is NewBenchStep with the gradient split between threads goroutines
// (Workspace.SetThreads).
func NewBenchStepThreads(sizes []int, b int, loss Loss, seed uint64, threads int) func() Stats {
	net, err := New(sizes, seed)
	if err != nil {
		panic(err) // fixed sizes chosen by the benchmarks
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
	ws := net.NewWorkspace(b)
	ws.SetThreads(threads)
	g := make([]float32, net.NumParams())
	return func() Stats {
		st, _ := ws.Step(net, loss, x, y, g, 0.1)
		return st
	}
}
