package fastmath

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tailscope/tailscope/estimator"
)

var testAlphas = []float64{0.3, 0.7, 1, 1.3, 1.5, 1.9, 2}

// TestSymStableMatchesMath compares Fill (the wasm SIMD kernel in the browser) with the Go loop
// over the math package, sample by sample. The kernel's sin, log and exp are accurate to a few
// ulp, and X is a product of a sine and an exponential of a sum of logs of size up to ~|log
// 2^-53|/α ≈ 120 for α = 0.3: 1e-12 relative is a safe bound (an error in the formula or the
// counters gives O(1) differences). Natively both are the same loop.
func TestSymStableMatchesMath(t *testing.T) {
	t.Logf("implementation: %s", Impl())
	for _, a := range testAlphas {
		d := SymStable{Alpha: a, Sigma: 1.7, Seed: 0xfeedbeef12345678}
		for _, n := range []int{8, 9, 1001} {
			got := make([]float64, n)
			want := make([]float64, n)
			if err := d.Fill(got, 1<<33+5); err != nil {
				t.Fatal(err)
			}
			d.fillGo(want, 1<<33+5)
			for i := range got {
				if d := math.Abs(got[i] - want[i]); !(d <= 1e-12*math.Abs(want[i])) && !(got[i] == want[i]) {
					t.Fatalf("alpha %v, n %d: sample %d = %.17g, math package gives %.17g", a, n, i, got[i], want[i])
				}
			}
		}
	}
}

// TestSymStableChunks: filling in chunks (odd sizes, odd starts) gives exactly the samples of
// one call, since sample i depends only on (seed, i).
func TestSymStableChunks(t *testing.T) {
	d := SymStable{Alpha: 1.2, Sigma: 1, Seed: 42}
	whole := make([]float64, 200)
	if err := d.Fill(whole, 1000); err != nil {
		t.Fatal(err)
	}
	for _, sizes := range [][]int{{8, 9, 11, 100, 72}, {13, 13, 13, 161}, {200}} {
		pos := 0
		for _, s := range sizes {
			chunk := make([]float64, s)
			if err := d.Fill(chunk, uint64(1000+pos)); err != nil {
				t.Fatal(err)
			}
			for j, v := range chunk {
				if v != whole[pos+j] {
					t.Fatalf("chunks %v: sample %d = %v, one call gave %v", sizes, 1000+pos+j, v, whole[pos+j])
				}
			}
			pos += s
		}
	}
	// another seed gives other samples
	other := make([]float64, 8)
	SymStable{Alpha: 1.2, Sigma: 1, Seed: 43}.Fill(other, 1000)
	if other[0] == whole[0] && other[1] == whole[1] {
		t.Errorf("seeds 42 and 43 gave the same first samples %v, %v", other[0], other[1])
	}
}

// TestSymStableLaw checks the law against known answers with n = 200000 samples: for each α the
// fraction of samples below the 0.75 and 0.95 quantiles of SαS(σ) (estimator.SymStable, known
// to ~1e-6): standard error √(p(1−p)/n) ≤ 0.001, tolerance 0.005 (5 s.e.). For α = 2 also the
// variance 2σ² (standard error 2σ²·√(2/n) ≈ 0.0063σ²·… , tolerance 3%).
func TestSymStableLaw(t *testing.T) {
	const n = 200000
	x := make([]float64, n)
	for _, a := range testAlphas {
		const sigma = 1.5
		d := SymStable{Alpha: a, Sigma: sigma, Seed: uint64(a * 1000)}
		if err := d.Fill(x, 0); err != nil {
			t.Fatal(err)
		}
		ref := estimator.SymStable{Alpha: a, Sigma: sigma}
		for _, p := range []float64{0.75, 0.95} {
			q := ref.Quantile(p)
			below := 0
			for _, v := range x {
				if v <= q {
					below++
				}
			}
			if got := float64(below) / n; math.Abs(got-p) > 0.005 {
				t.Errorf("alpha %v: fraction of samples ≤ the %v quantile %.4g is %.4f, want %v ± 0.005", a, p, q, got, p)
			}
		}
		if a == 2 {
			var ss float64
			for _, v := range x {
				ss += v * v
			}
			if v := ss / n; math.Abs(v-2*sigma*sigma) > 0.03*2*sigma*sigma {
				t.Errorf("alpha 2: variance %.4f, want 2σ² = %.4f ± 3%%", v, 2*sigma*sigma)
			}
		}
	}
}

func TestSymStableBadParams(t *testing.T) {
	x := make([]float64, 10)
	for _, d := range []SymStable{{Alpha: 0, Sigma: 1}, {Alpha: 2.1, Sigma: 1}, {Alpha: math.NaN(), Sigma: 1},
		{Alpha: 1, Sigma: 0}, {Alpha: 1, Sigma: math.Inf(1)}, {Alpha: 1, Sigma: -1}} {
		if err := d.Fill(x, 0); err == nil {
			t.Errorf("SymStable%+v.Fill: want an error", d)
		}
	}
}

// BenchmarkSymStable reports samples per second of Fill, the math-package loop and gonum's
// sampler behind estimator.SymStable, at α = 1.5.
func BenchmarkSymStable(b *testing.B) {
	x := make([]float64, 1<<14)
	d := SymStable{Alpha: 1.5, Sigma: 1, Seed: 1}
	for _, bc := range []struct {
		name string
		f    func(start uint64)
	}{
		{"fast", func(s uint64) { d.Fill(x, s) }},
		{"mathloop", func(s uint64) { d.fillGo(x, s) }},
		{"estimator", func(uint64) {
			estimator.SymStable{Alpha: 1.5, Sigma: 1, Src: rand.NewPCG(1, 2)}.Fill(x)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var s uint64
			for b.Loop() {
				bc.f(s)
				s += uint64(len(x))
			}
			b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Msamples/s")
		})
	}
}
