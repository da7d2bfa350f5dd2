package fastmath

import (
	"fmt"
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
	const key = 0xfeedbeef12345678
	for _, a := range testAlphas {
		for _, n := range []int{8, 9, 1001} {
			t.Run(fmt.Sprintf("alpha %v n %d", a, n), func(t *testing.T) {
				d := SymStable{Alpha: a, Sigma: 1.7, Src: &Counter{Key: key, Pos: 2 * (1<<33 + 5)}}
				got := make([]float64, n)
				want := make([]float64, n)
				if err := d.Fill(got); err != nil {
					t.Fatal(err)
				}
				d.fillCounter(want, key, 1<<33+5)
				for i := range got {
					if d := math.Abs(got[i] - want[i]); !(d <= 1e-12*math.Abs(want[i])) && !(got[i] == want[i]) {
						t.Fatalf("sample %d = %.17g, math package gives %.17g", i, got[i], want[i])
					}
				}
			})
		}
	}
}

// TestSymStableChunks: filling in chunks (odd sizes, odd starts) gives exactly the samples of
// one call, since sample i depends only on (seed, i).
func TestSymStableChunks(t *testing.T) {
	whole := make([]float64, 200)
	if err := (SymStable{Alpha: 1.2, Sigma: 1, Src: &Counter{Key: 42, Pos: 2000}}).Fill(whole); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		sizes []int
		src   func() rand.Source
	}{
		{"odd chunks", []int{8, 9, 11, 100, 72}, func() rand.Source { return &Counter{Key: 42, Pos: 2000} }},
		{"even chunks", []int{13, 13, 13, 161}, func() rand.Source { return &Counter{Key: 42, Pos: 2000} }},
		{"one chunk", []int{200}, func() rand.Source { return &Counter{Key: 42, Pos: 2000} }},
		// Not a *Counter: drawn a pair at a time through rand.Source, the same numbers.
		{"other source", []int{3, 197}, func() rand.Source { return struct{ rand.Source }{&Counter{Key: 42, Pos: 2000}} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := SymStable{Alpha: 1.2, Sigma: 1, Src: tc.src()}
			pos := 0
			for _, s := range tc.sizes {
				chunk := make([]float64, s)
				if err := d.Fill(chunk); err != nil {
					t.Fatal(err)
				}
				for j, v := range chunk {
					if v != whole[pos+j] {
						t.Fatalf("sample %d = %v, one call gave %v", 1000+pos+j, v, whole[pos+j])
					}
				}
				pos += s
			}
			if c := d.Src.(interface{ Uint64() uint64 }); c.Uint64() != SplitMix64(42, 2400) {
				t.Errorf("the source did not move on by two outputs a sample")
			}
		})
	}
	// another seed gives other samples
	other := make([]float64, 8)
	SymStable{Alpha: 1.2, Sigma: 1, Src: &Counter{Key: 43, Pos: 2000}}.Fill(other)
	if other[0] == whole[0] && other[1] == whole[1] {
		t.Errorf("seeds 42 and 43 gave the same first samples %v, %v", other[0], other[1])
	}
}

// TestCounterIsSplitMix64 checks the stream against SplitMix64's reference outputs for seed
// 1234567 (the C reference of Vigna's splitmix64.c).
func TestCounterIsSplitMix64(t *testing.T) {
	c := NewCounter(1234567)
	for i, want := range []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423} {
		if got := c.Uint64(); got != want {
			t.Errorf("output %d = %d, want %d", i, got, want)
		}
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
		t.Run(fmt.Sprintf("alpha %v", a), func(t *testing.T) {
			const sigma = 1.5
			d := SymStable{Alpha: a, Sigma: sigma, Src: NewCounter(uint64(a * 1000))}
			if err := d.Fill(x); err != nil {
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
		})
	}
}

func TestSymStableBadParams(t *testing.T) {
	x := make([]float64, 10)
	src := NewCounter(1)
	for _, d := range []SymStable{{Alpha: 0, Sigma: 1, Src: src}, {Alpha: 2.1, Sigma: 1, Src: src}, {Alpha: math.NaN(), Sigma: 1, Src: src},
		{Alpha: 1, Sigma: 0, Src: src}, {Alpha: 1, Sigma: math.Inf(1), Src: src}, {Alpha: 1, Sigma: -1, Src: src}, {Alpha: 1, Sigma: 1}} {
		if err := d.Fill(x); err == nil {
			t.Errorf("SymStable%+v.Fill: want an error", d)
		}
	}
}

// BenchmarkSymStable reports samples per second of Fill, the math-package loop and gonum's
// sampler behind estimator.SymStable, at α = 1.5.
func BenchmarkSymStable(b *testing.B) {
	x := make([]float64, 1<<14)
	d := SymStable{Alpha: 1.5, Sigma: 1, Src: NewCounter(1)}
	for _, bc := range []struct {
		name string
		f    func(start uint64)
	}{
		{"fast", func(uint64) { d.Fill(x) }},
		{"mathloop", func(s uint64) { d.fillCounter(x, 1, s) }},
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
