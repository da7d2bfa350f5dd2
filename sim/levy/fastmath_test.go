package levy

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFastMath compares the sampler's elementary functions with package math on their ranges.
// The table log is accurate to about 1e−16 absolute (what matters inside exp(·) in the sampler)
// and a few ulp relative near 1, the Taylor exp to a few ulp, the Taylor sine to 4.4e−14
// absolute; the tolerances (4e−16·max(1, |log x|) for log, 1e−15 (4.5 ulp) relative for exp,
// 1e−13 relative for the sine) allow for these. Values near 1 are checked relatively too.
func TestFastMath(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200000; i++ {
		x := math.Pi / 2 * r.Float64()
		if i < 10 {
			x = math.Pi / 2 * math.Pow(10, -float64(i)) // tiny angles: relative accuracy
		}
		if got, want := sinPoly(x), math.Sin(x); math.Abs(got-want) > 1e-13*math.Abs(want) {
			t.Fatalf("sinPoly(%v) = %v, want %v", x, got, want)
		}
		y := math.Exp(700 * (2*r.Float64() - 1)) // positive normals over 600 orders of magnitude
		if i%3 == 0 {
			y = 1 + 1e-3*(r.Float64()-0.5) // near 1, where log is small
		}
		if got, want := fastLog(y), math.Log(y); math.Abs(got-want) > 4e-16*max(math.Abs(want), 1) {
			t.Fatalf("fastLog(%v) = %v, want %v", y, got, want)
		}
		z := 1400 * (r.Float64() - 0.5)
		if got, want := fastExp(z), math.Exp(z); math.Abs(got-want) > 1e-15*want {
			t.Fatalf("fastExp(%v) = %v, want %v", z, got, want)
		}
	}
	for _, y := range []float64{1, 1 + 0x1p-52, 1 - 0x1p-53, 1 + 1e-9, 1 - 1e-9, 1 + 1e-3, 1 - 1e-3, 0x1p-1000, 1e300} {
		if got, want := fastLog(y), math.Log(y); math.Abs(got-want) > 1e-15*math.Abs(want) {
			t.Errorf("fastLog(%v) = %v, want %v", y, got, want)
		}
	}
	for _, z := range []float64{-800, 800, math.Inf(-1)} {
		if got, want := fastExp(z), math.Exp(z); got != want {
			t.Errorf("fastExp(%v) = %v, want %v", z, got, want)
		}
	}
}
