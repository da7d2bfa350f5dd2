package nn

import (
	"fmt"
	"testing"

	"github.com/tailscope/tailscope/sim/kernel"
)

// BenchmarkStep times one SGD step (forward, backward, update) of the 784-128-128-10 network
// at b = 100 on N(0, 1) inputs, with the cross-entropy loss, and reports steps/s. Compare with
// PyTorch with `go run ./sim/cmd/nnbench`.
func BenchmarkStep(b *testing.B) {
	for _, loss := range []Loss{CrossEntropy} {
		b.Run(loss.String(), func(b *testing.B) {
			b.ReportAllocs()
			step := NewBenchStep([]int{784, 128, 128, 10}, 100, loss, 1)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				step()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}

// BenchmarkStepThreads times the step of wider networks with its products and updates on one
// goroutine and split between two (kernel.SetThreads, bit for bit the same step): compare
// steps/s of threads1 and threads2 in a -cpu 2 run.
func BenchmarkStepThreads(b *testing.B) {
	for _, width := range []int{256, 512, 1024} {
		sizes := []int{784, width, width, 10}
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("w%d/threads%d", width, threads), func(b *testing.B) {
				defer kernel.SetThreads(kernel.SetThreads(threads))
				step := NewBenchStep(sizes, 100, CrossEntropy, 1)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					step()
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
			})
		}
	}
}
