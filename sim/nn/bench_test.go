package nn

import "testing"

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
