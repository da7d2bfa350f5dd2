package estimator

import (
	"testing"
)

// BenchmarkMohammadiStream reports the samples/s of the streaming
// accumulator (target ≥ 1e8 natively) and must show 0 allocs/op.
func BenchmarkMohammadiStream(b *testing.B) {
	x := Sample(1.5, 1, 1<<16, 1)
	s := MohammadiStream{K1: PaperK1(len(x))}
	b.ReportAllocs()
	b.SetBytes(8 * int64(len(x)))
	b.ResetTimer()
	for b.Loop() {
		s.Add(x...)
	}
	b.ReportMetric(float64(b.N)*float64(len(x))/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkMohammadiBatch is the plain batch function, math.Log per value.
func BenchmarkMohammadiBatch(b *testing.B) {
	x := Sample(1.5, 1, 1<<16, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := (Mohammadi{}).Estimate(x); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*float64(len(x))/b.Elapsed().Seconds(), "samples/s")
}
