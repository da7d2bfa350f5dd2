//go:build unix

package convnet

import (
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
