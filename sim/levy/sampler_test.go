package levy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tailscope/tailscope/sim/landscape"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestSamplerMatchesGonum compares 20000 draws of σ·S with as many from gonum's
// AlphaStable{β = 0, C = σ}, σ = 1 and 2.5. Under the null the two-sample KS statistic exceeds
// 1.95·√(2/n) with probability 0.001.
func TestSamplerMatchesGonum(t *testing.T) {
	const n = 20000
	crit := 1.95 * math.Sqrt(2.0/n)
	for i, alpha := range []float64{0.5, 0.9, 1, 1.2, 1.5, 1.8, 1.95, 2} {
		t.Run(fmt.Sprintf("alpha %v", alpha), func(t *testing.T) {
			sigma := 1.0
			if i%2 == 1 {
				sigma = 2.5
			}
			s := Sampler{Alpha: alpha, Src: rand.NewPCG(uint64(i), 11)}
			g := distuv.AlphaStable{Alpha: alpha, Beta: 0, C: sigma, Src: rand.NewPCG(uint64(i), 12)}
			a, b := make([]float64, n), make([]float64, n)
			for k := range a {
				a[k], b[k] = sigma*s.Rand(), g.Rand()
			}
			slices.Sort(a)
			slices.Sort(b)
			if d := stat.KolmogorovSmirnov(a, nil, b, nil); d > crit {
				t.Errorf("α = %v, σ = %v: KS distance to gonum's sampler %.4f > %.4f", alpha, sigma, d, crit)
			}
		})
	}
}

// TestSamplerQuantiles checks quantiles against closed forms: α = 1 is Cauchy (quantile
// tan(π(p − ½))) and α = 2 is N(0, 2) (quantile √2·Φ^{−1}(p)). The sample p-quantile of n draws
// has standard error √(p(1−p)/n)/density; 4 standard errors is the tolerance.
func TestSamplerQuantiles(t *testing.T) {
	const n = 200000
	for _, tt := range []struct {
		alpha    float64
		quantile func(p float64) float64
		density  func(x float64) float64
	}{
		{1, func(p float64) float64 { return math.Tan(math.Pi * (p - 0.5)) }, func(x float64) float64 { return 1 / (math.Pi * (1 + x*x)) }},
		{2, func(p float64) float64 { return math.Sqrt2 * distuv.UnitNormal.Quantile(p) },
			func(x float64) float64 { return distuv.Normal{Sigma: math.Sqrt2}.Prob(x) }},
	} {
		t.Run(fmt.Sprintf("alpha %v", tt.alpha), func(t *testing.T) {
			s := Sampler{Alpha: tt.alpha, Src: rand.NewPCG(5, uint64(tt.alpha))}
			x := make([]float64, n)
			for k := range x {
				x[k] = s.Rand()
			}
			slices.Sort(x)
			for _, p := range []float64{0.05, 0.25, 0.5, 0.75, 0.9, 0.99} {
				want := tt.quantile(p)
				got := x[int(p*n)]
				se := math.Sqrt(p*(1-p)/n) / tt.density(want)
				if math.Abs(got-want) > 4*se {
					t.Errorf("α = %v: %v-quantile %v, want %v ± %v", tt.alpha, p, got, want, 4*se)
				}
			}
		})
	}
}

func TestEnsembleRefusesBadAlpha(t *testing.T) {
	for _, a := range []float64{0, -1, 2.0001, math.NaN(), math.Inf(1)} {
		cfg := Config{Landscape: landscape.Well{A: 1, B: 1, H: 1}, Alpha: a, Eps: 1, Eta: 0.01, Walkers: 1, Src: rand.NewPCG(1, 2)}
		if _, err := NewEnsemble(cfg); err == nil {
			t.Errorf("NewEnsemble with α = %v accepted", a)
		}
	}
}

func BenchmarkSampler(b *testing.B) {
	for _, alpha := range []float64{1.5, 2} {
		s := Sampler{Alpha: alpha, Src: rand.NewPCG(1, 2)}
		b.Run("ours/alpha="+fmtA(alpha), func(b *testing.B) {
			sum := 0.0
			for b.Loop() {
				sum += s.Rand()
			}
			sink = sum
		})
		g := distuv.AlphaStable{Alpha: alpha, C: 1, Src: rand.NewPCG(1, 2)}
		b.Run("gonum/alpha="+fmtA(alpha), func(b *testing.B) {
			sum := 0.0
			for b.Loop() {
				sum += g.Rand()
			}
			sink = sum
		})
	}
}

var sink float64

func fmtA(a float64) string {
	return string(rune('0'+int(a))) + "." + string(rune('0'+int(math.Round(a*10))%10))
}

// TestSamplerTail checks the tail the exit-time theory rests on: P(|S| > t) ≈ 2·K_α·t^−α for large
// t, K_α = Γ(α)sin(πα/2)/π (landscape.LevyTailConstant). At t = 30 the next term of the expansion
// is smaller by a factor of order t^−α (≤ 2% for α ≥ 1.2); 10⁶ draws give ~10³–10⁴ exceedances, a
// counting error of 1–3%. Tolerance 8%.
func TestSamplerTail(t *testing.T) {
	const n, thr = 1000000, 30.0
	for _, alpha := range []float64{1.2, 1.5, 1.8} {
		t.Run(fmt.Sprintf("alpha %v", alpha), func(t *testing.T) {
			s := Sampler{Alpha: alpha, Src: rand.NewPCG(8, uint64(alpha*10))}
			k := 0
			for range n {
				if math.Abs(s.Rand()) > thr {
					k++
				}
			}
			got := float64(k) / n
			want := 2 * landscape.LevyTailConstant(alpha) * math.Pow(thr, -alpha)
			t.Logf("α = %v: P(|S| > %v) = %.5f, asymptotic %.5f (%+.1f%%)", alpha, thr, got, want, 100*(got/want-1))
			if math.Abs(got/want-1) > 0.08 {
				t.Errorf("α = %v: P(|S| > %v) = %v, want ≈ %v", alpha, thr, got, want)
			}
		})
	}
}
