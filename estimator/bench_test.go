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

// BenchmarkMohammadiStreamZeros: half the values exactly zero, in a
// pattern the branch predictor cannot learn, skipped (the default) or kept.
func BenchmarkMohammadiStreamZeros(b *testing.B) {
	x := Sample(1.5, 1, 1<<16, 1)
	y := Sample(1, 1, len(x), 2)
	for i := range x {
		if y[i] > 0 {
			x[i] = 0
		}
	}
	for _, keep := range []bool{false, true} {
		b.Run(map[bool]string{false: "skip", true: "keep"}[keep], func(b *testing.B) {
			s := MohammadiStream{K1: 256, KeepZeros: keep}
			b.ReportAllocs()
			for b.Loop() {
				s.Add(x...)
			}
			b.ReportMetric(float64(b.N)*float64(len(x))/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// BenchmarkAnalyze runs every method and the K1 drift on 1e6 values.
func BenchmarkAnalyze(b *testing.B) {
	x := Sample(1.5, 1, 1000000, 1)
	Analyze(x[:1000], Options{}) // build McCulloch's table outside the timing
	b.ResetTimer()
	for b.Loop() {
		if _, err := Analyze(x, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMethods times each estimator on 1e5 values.
func BenchmarkMethods(b *testing.B) {
	x := Sample(1.5, 1, 100000, 1)
	McCulloch{}.Estimate(x[:100])
	for _, m := range []struct {
		name string
		f    func([]float64) (Estimate, error)
	}{
		{"mohammadi", Mohammadi{}.Estimate},
		{"mohammadi-os", MohammadiOS{}.Estimate},
		{"mcculloch", McCulloch{}.Estimate},
		{"hill", Hill{}.Estimate},
		{"koutrouvelis", Koutrouvelis{}.Estimate},
	} {
		b.Run(m.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := m.f(x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMcCullochTable is the one-off cost of ν(α) on its grid (the
// first McCulloch estimate pays it).
func BenchmarkMcCullochTable(b *testing.B) {
	for b.Loop() {
		for i := 0; i <= 160; i++ {
			a := mccMin + float64(i)*mccStep
			stdUpperQuantile(a, 0.05)
			stdUpperQuantile(a, 0.25)
		}
	}
}

// BenchmarkMethods20k times McCulloch, Koutrouvelis, Analyze (every
// method and the K1 drift) and K1Drift on 20 000 SαS values, the size of one
// noise evaluation in sim/mlp. Targets: < 5 ms per estimator, Analyze ≪ 50
// ms. Each iteration takes the next of 8 samples of different α, so that
// nothing but what the package keeps for all data is reused across calls;
// "mcculloch-alpha1" is a sample with α = 1, where α̂ falls within 0.02 of 1
// and SymStable uses its slowest route (the Fourier inversion).
func BenchmarkMethods20k(b *testing.B) {
	var xs [][]float64
	for i, a := range []float64{0.7, 0.95, 1.1, 1.3, 1.5, 1.7, 1.9, 2} {
		xs = append(xs, Sample(a, 1, 20000, uint64(100+i)))
	}
	near1 := [][]float64{Sample(1, 1, 20000, 99)}
	mcc := func(x []float64) error { _, err := McCulloch{}.Estimate(x); return err }
	for _, m := range []struct {
		name string
		xs   [][]float64
		f    func([]float64) error
	}{
		{"mcculloch", xs, mcc},
		{"mcculloch-alpha1", near1, mcc},
		{"koutrouvelis", xs, func(x []float64) error { _, err := Koutrouvelis{}.Estimate(x); return err }},
		{"analyze", xs, func(x []float64) error { _, err := Analyze(x, Options{}); return err }},
		{"k1drift", xs, func(x []float64) error { K1Drift(x, false); return nil }},
	} {
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := m.f(m.xs[i%len(m.xs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
