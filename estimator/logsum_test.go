package estimator

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLogAbsSumTerms checks single values, one call each, against log|x| (logAbs, exact for subnormals too):
// published special cases (log 1 = 0, log e = 1, log 0 = −Inf, log Inf = Inf, log NaN = NaN)
// and values across the range (subnormals, both sides of √2/2 and √2, huge). Each value is
// summed 16 times (to reach the fast path) and divided by 16. The sequential Go loop rounds at
// each of its 16 additions (16 ulp, 3.6e-15 relative); the wasm kernel's log of a product of
// mantissas is good to ~1e-16 absolute per term: 4.4e-16 absolute is allowed on top.
func TestLogAbsSumTerms(t *testing.T) {
	t.Logf("implementation: %s", LogAbsSumImpl())
	vals := []float64{1, -1, math.E, 2, 0.5, math.Sqrt2, math.Sqrt2 / 2, math.Nextafter(math.Sqrt2/2, 0),
		1e-300, 5e-324, 2.5e-310, -3e-320, 1e300, math.MaxFloat64, 0.999999999, 1.000000001, 123.456, -7e-5}
	for _, v := range vals {
		x := make([]float64, 16)
		for i := range x {
			x[i] = v
		}
		want := logAbs(v)
		got := LogAbsSum(x) / 16
		if d := math.Abs(got - want); d > 3.6e-15*math.Abs(want)+4.4e-16 {
			t.Errorf("LogAbsSum(16×%g)/16 = %.17g, want log|x| = %.17g (|diff| %g)", v, got, want, d)
		}
	}
	specials := []struct {
		name string
		x    float64
		want float64
	}{
		{"zero", 0, math.Inf(-1)},
		{"negative zero", math.Copysign(0, -1), math.Inf(-1)},
		{"+Inf", math.Inf(1), math.Inf(1)},
		{"-Inf", math.Inf(-1), math.Inf(1)},
		{"NaN", math.NaN(), math.NaN()},
	}
	for _, s := range specials {
		x := make([]float64, 17) // 16 ones and the special value last (the one-lane tail)
		for i := range x {
			x[i] = 1
		}
		x[16] = s.x
		got := LogAbsSum(x)
		if !(got == s.want || math.IsNaN(got) && math.IsNaN(s.want)) {
			t.Errorf("LogAbsSum(16 ones, %s) = %v, want %v", s.name, got, s.want)
		}
		x[3], x[16] = s.x, 1 // in a two-lane block
		got = LogAbsSum(x)
		if !(got == s.want || math.IsNaN(got) && math.IsNaN(s.want)) {
			t.Errorf("LogAbsSum(%s in the 4th place) = %v, want %v", s.name, got, s.want)
		}
	}
}

// TestLogAbsSumRandom compares long random slices (normal, Cauchy-like and tiny values; every
// length mod 4) with the sequential sum. Reordering n terms of size ~|log x| moves the sum by
// at most ~n·2^-52·Σ|log|x||; 1e-13 relative to Σ|log|x|| is far above that and far below any
// wrong term (one wrong term out of 10^4 shifts it by ~1e-4).
func TestLogAbsSumRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{16, 17, 18, 19, 1000, 10001, 100003} {
		x := make([]float64, n)
		for i := range x {
			switch i % 3 {
			case 0:
				x[i] = r.NormFloat64()
			case 1:
				x[i] = math.Tan(math.Pi * (r.Float64() - 0.5))
			default:
				x[i] = r.Float64() * 1e-200
			}
		}
		var want, scale float64
		for _, v := range x {
			l := logAbs(v)
			want += l
			scale += math.Abs(l)
		}
		got := LogAbsSum(x)
		if d := math.Abs(got - want); d > 1e-13*scale {
			t.Errorf("n=%d (%s): LogAbsSum = %.17g, sequential sum %.17g (|diff| %g > %g)", n, LogAbsSumImpl(), got, want, d, 1e-13*scale)
		}
	}
}

// BenchmarkLogAbsSum reports terms per second of the fast path and of the math.Log loop.
func BenchmarkLogAbsSum(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 1<<16)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	for _, bc := range []struct {
		name string
		f    func([]float64) float64
	}{{"fast", LogAbsSum}, {"mathlog", logAbsSumLoop}} {
		b.Run(bc.name, func(b *testing.B) {
			var s float64
			for b.Loop() {
				s += bc.f(x)
			}
			if math.IsNaN(s) {
				b.Fatal("NaN")
			}
			b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mterms/s")
		})
	}
}
