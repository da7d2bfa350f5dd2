//go:build unix

package convnet

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/tailscope/tailscope/sim/nn"
)

// BenchmarkAlexNetStep times one training step of the reference code's AlexNet at its
// paper size (ch 64, batch 100, CIFAR-shaped inputs, dropout on): forward, backward, SGD.
// Its PyTorch peer is testdata/bench_torch.py (one CPU thread). Besides ns/op (wall) it
// reports cpu-ms/op, the process's CPU time per step, which a loaded machine does not
// inflate; run it with -cpu 1 to compare with one PyTorch thread.
func BenchmarkAlexNetStep(b *testing.B) {
	net, err := AlexNet(CIFARShape, 64, 10, 1)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 100
	x, y := randInput(rand.New(rand.NewPCG(1, 2)), batch, CIFARShape, 10)
	ws := net.NewWorkspace(batch)
	ws.SetDropout(rand.NewPCG(3, 4))
	grad := make([]float32, net.NumParams())
	b.ResetTimer()
	cpu0 := processCPU()
	for range b.N {
		if _, err := ws.Gradient(net, nn.CrossEntropy, x, y, grad); err != nil {
			b.Fatal(err)
		}
		net.SGD(grad, 0.01)
	}
	b.ReportMetric(float64(processCPU()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// processCPU returns the CPU time (user + system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIm2col times the patch copy of AlexNet's convolutions at ch 64, b 100, CIFAR shape
// (the second, 5×5 on 8×8, writes the 1600×6400 matrix), forward and adjoint.
func BenchmarkIm2col(b *testing.B) {
	net, err := AlexNet(CIFARShape, 64, 10, 1)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 100
	for i := range net.Layers {
		l := &net.Layers[i]
		if l.Op != Conv {
			continue
		}
		in := make([]float32, batch*l.In.Size())
		for j := range in {
			in[j] = float32(j%7) - 3
		}
		col := make([]float32, l.In.C*l.K*l.K*batch*l.OutShape.H*l.OutShape.W)
		b.Run(fmt.Sprintf("conv%d-%dx%d-k%d", i, l.In.H, l.In.W, l.K), func(b *testing.B) {
			for range b.N {
				im2col(l, batch, in, col)
				col2im(l, batch, col, in)
			}
		})
	}
}

// BenchmarkMaxPool times AlexNet's first max-pool (3/2 on 64×17×17) at b 100; it reports
// cpu-ms/op besides wall time, as BenchmarkAlexNetStep does.
func BenchmarkMaxPool(b *testing.B) {
	net, err := AlexNet(CIFARShape, 64, 10, 1)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 100
	for i := range net.Layers {
		l := &net.Layers[i]
		if l.Op != MaxPool {
			continue
		}
		in := make([]float32, batch*l.In.Size())
		r := rand.New(rand.NewPCG(1, 2))
		for j := range in {
			in[j] = float32(r.NormFloat64())
		}
		out := make([]float32, batch*l.OutShape.Size())
		arg := make([]int32, len(out))
		b.ResetTimer()
		cpu0 := processCPU()
		for range b.N {
			poolForward(l, batch, in, out, arg)
		}
		b.ReportMetric(float64(processCPU()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		return
	}
}
