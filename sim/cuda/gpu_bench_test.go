//go:build !js && !wasip1

package cuda

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/nn"
	"github.com/tailscope/tailscope/sim/noise"
)

// randomSet is n MNIST-shaped examples with uniform features and labels: the timings of
// devicecheck/torch_bench.py use the same shapes.
func randomSet(n int) *data.Set {
	r := rand.New(rand.NewPCG(1, 2))
	s := &data.Set{Name: "random", Dim: 784, Classes: 10, X: make([]float32, n*784), Y: make([]uint8, n)}
	for i := range s.X {
		s.X[i] = r.Float32()
	}
	for i := range s.Y {
		s.Y[i] = uint8(r.IntN(10))
	}
	return s
}

var benchShapes = []struct {
	name  string
	depth int
}{{"784-1024-1024-10", 3}, {"depth10-width1024", 10}}

// BenchmarkGPUStep times one training step (gradient, loss read back, SGD) of the paper's
// fully connected nets; the metric ms/step is what devicecheck's table compares.
func BenchmarkGPUStep(b *testing.B) {
	g := gpu(b)
	set := randomSet(10000)
	for _, sh := range benchShapes {
		for _, batch := range []int{100, 500} {
			b.Run(fmt.Sprintf("%s/b%d", sh.name, batch), func(b *testing.B) {
				bind(b, g) // each benchmark function runs on a goroutine of its own
				net, err := nn.New(nn.Shape(784, 1024, sh.depth, 10), 1)
				if err != nil {
					b.Fatal(err)
				}
				dev, err := g.NewNet(net, nn.CrossEntropy, batch, set)
				if err != nil {
					b.Fatal(err)
				}
				defer dev.Close()
				P := set.Len() / batch
				step := func(k int) {
					k %= P
					if _, err := dev.Gradient(set.X[k*batch*784:(k+1)*batch*784], set.Y[k*batch:(k+1)*batch], nil); err != nil {
						b.Fatal(err)
					}
					if err := dev.SGD(0.001); err != nil {
						b.Fatal(err)
					}
				}
				for k := 0; k < 10; k++ {
					step(k)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					step(i)
				}
				g.rt.drv.cuCtxSynchronize()
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/step")
			})
		}
	}
}

// BenchmarkGPUNoise times one full-protocol noise measurement (all P = 120 minibatches of
// 500 of 60 000 examples, both passes and every estimate) of 784-1024-1024-10.
func BenchmarkGPUNoise(b *testing.B) {
	g := gpu(b)
	bind(b, g)
	set := randomSet(60000)
	net, err := nn.New(nn.Shape(784, 1024, 3, 10), 1)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 500
	dev, err := g.NewNet(net, nn.CrossEntropy, batch, set)
	if err != nil {
		b.Fatal(err)
	}
	defer dev.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := noise.MeasureWith(context.Background(), net, set, noise.Config{Batch: batch, Seed: 1}, dev.Gradient)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.Logf("α̂ = %.4f over %d values", m.Alpha.Alpha, m.N)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/eval")
}
