package iterates

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/tailscope/tailscope/sim/spec"
)

func draws(t *testing.T, c float64, b, d, n int) []float64 {
	t.Helper()
	z, err := LogNorms(context.Background(), c, b, d, n, rand.NewPCG(7, 11))
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// mcTolerance is 4 Monte-Carlo standard errors of ĥ(s) = log mean(e^{sz}).
func mcTolerance(z []float64, s float64) float64 {
	var m, m2 float64
	for _, v := range z {
		w := math.Exp(s * v)
		m += w
		m2 += w * w
	}
	n := float64(len(z))
	m, m2 = m/n, m2/n
	return 4 * math.Sqrt((m2-m*m)/n) / m
}

// TestHAgainstClosedForms checks the Monte-Carlo ĥ against h where it has a closed form: h(2) for
// any d (E‖Me₁‖² = 1 − 2cb + c²b(b+d+1)), and h(4) in d = 1 from the moments of χ²_b.
func TestHAgainstClosedForms(t *testing.T) {
	tests := []struct {
		c    float64
		b, d int
	}{
		{0.5, 1, 1}, {0.3, 1, 2}, {0.5, 1, 2}, {0.2, 2, 5}, {0.1, 5, 10}, {0.05, 10, 30},
	}
	for _, tt := range tests {
		z := draws(t, tt.c, tt.b, tt.d, 100000)
		t.Run("h(2)", func(t *testing.T) {
			if got, want := HAt(z, 2), H2(tt.c, tt.b, tt.d); math.Abs(got-want) > mcTolerance(z, 2) {
				t.Errorf("c=%g b=%d d=%d: ĥ(2) = %.4f, closed form %.4f", tt.c, tt.b, tt.d, got, want)
			}
		})
		if tt.d == 1 {
			t.Run("h(4) in d=1", func(t *testing.T) {
				// E(1 − cX)⁴ with E X^j = b(b+2)…(b+2j−2).
				b := float64(tt.b)
				m1, m2 := b, b*(b+2)
				m3, m4 := m2*(b+4), m2*(b+4)*(b+6)
				c := tt.c
				want := math.Log(1 - 4*c*m1 + 6*c*c*m2 - 4*c*c*c*m3 + c*c*c*c*m4)
				if got := HAt(z, 4); math.Abs(got-want) > mcTolerance(z, 4) {
					t.Errorf("c=%g b=%d: ĥ(4) = %.4f, exact %.4f", tt.c, tt.b, got, want)
				}
			})
		}
	}
}

// TestHShape: h(0) = 0, h is convex, h'(0) = ρ < 0 when stationary, and its positive root is
// where it crosses zero.
func TestHShape(t *testing.T) {
	for _, tt := range []struct {
		c    float64
		b, d int
	}{{0.6, 1, 2}, {0.35, 2, 2}, {0.1, 5, 10}} {
		z := draws(t, tt.c, tt.b, tt.d, 50000)
		r, err := Theory(z, tt.c, tt.b, tt.d)
		if err != nil {
			t.Fatal(err)
		}
		if h := HAt(z, 0); h != 0 {
			t.Errorf("ĥ(0) = %g, want 0", h)
		}
		for i := 1; i+1 < len(r.H); i++ {
			if second := r.H[i-1].H - 2*r.H[i].H + r.H[i+1].H; second < -1e-12 {
				t.Errorf("c=%g: ĥ is not convex at s = %.3f (second difference %g)", tt.c, r.H[i].S, second)
			}
		}
		const ds = 1e-6
		if slope := HAt(z, ds) / ds; math.Abs(slope-r.Rho) > 1e-3*math.Max(1, math.Abs(r.Rho)) {
			t.Errorf("ĥ'(0) ≈ %g, ρ = %g", slope, r.Rho)
		}
		if !r.Stationary || r.Rho >= 0 {
			t.Fatalf("c=%g: ρ = %g, want a stationary case", tt.c, r.Rho)
		}
		if r.Beyond {
			continue
		}
		if h := HAt(z, r.TailIndex); math.Abs(h) > 1e-9 {
			t.Errorf("ĥ(s) = %g at the root s = %g", h, r.TailIndex)
		}
		if HAt(z, 0.5*r.TailIndex) >= 0 || HAt(z, 1.5*r.TailIndex) <= 0 {
			t.Errorf("ĥ does not change sign at s = %g", r.TailIndex)
		}
	}
}

// TestProductsOfMatrices checks the reduction h(s) = log E‖Me₁‖^s against the definition with
// products of k full d×d matrices: (1/k) log E‖M_k⋯M_1 e₁‖^s.
func TestProductsOfMatrices(t *testing.T) {
	const (
		b, d, k = 2, 3, 3
		eta     = 0.5
		sigma   = 1.3
		n       = 40000
	)
	c := eta * sigma * sigma / b
	z := draws(t, c, b, d, 200000)
	rng := rand.New(rand.NewPCG(3, 5))
	logs := make([]float64, n) // log ‖M_k⋯M_1 e₁‖ / k
	v, w, a := make([]float64, d), make([]float64, d), make([]float64, d)
	for j := range logs {
		clear(v)
		v[0] = 1
		for range k {
			copy(w, v) // w = M v = v − (η/b) Σ a (aᵀv)
			for range b {
				dot := 0.0
				for i := range a {
					a[i] = sigma * rng.NormFloat64()
					dot += a[i] * v[i]
				}
				for i := range a {
					w[i] -= eta / b * a[i] * dot
				}
			}
			copy(v, w)
		}
		logs[j] = math.Log(norm(v))
	}
	for _, s := range []float64{0.5, 1, 2, 3} {
		got := HAt(logs, s) / k
		want := HAt(z, s)
		tol := mcTolerance(logs, s)/k + mcTolerance(z, s)
		if math.Abs(got-want) > tol {
			t.Errorf("s = %g: (1/%d) log E‖M_%d⋯M_1 e₁‖^s = %.4f, log E‖Me₁‖^s = %.4f (tolerance %.4f)", s, k, k, got, want, tol)
		}
	}
}

func TestCriticalStep(t *testing.T) {
	for _, bd := range [][2]int{{1, 1}, {1, 2}, {4, 3}, {10, 50}} {
		b, d := bd[0], bd[1]
		c := CriticalC(b, d)
		if h := H2(c, b, d); math.Abs(h) > 1e-12 {
			t.Errorf("b=%d d=%d: h(2) = %g at the critical c = %g", b, d, h, c)
		}
		z := draws(t, c, b, d, 30000)
		r, err := Theory(z, c, b, d)
		if err != nil {
			t.Fatal(err)
		}
		// Four Monte-Carlo standard errors: the 95% half-width is 1.96 of them.
		if tol := 4 / 1.96 * (r.Hi - r.Lo) / 2; math.Abs(r.TailIndex-2) > tol {
			t.Errorf("b=%d d=%d: at the critical c the tail index is %.3f [%.3f, %.3f], want 2 ± %.3f", b, d, r.TailIndex, r.Lo, r.Hi, tol)
		}
	}
}

func mustSpec(t *testing.T, q string) spec.Spec {
	t.Helper()
	s, err := spec.ParseArg("kind=iterates&"+q, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTailIndexMatchesTheory is the kind's known answer: on a grid of η/b, dimensions and batch
// sizes, Hill's estimate of the iterates' tail index covers the Monte-Carlo root of h.
func TestTailIndexMatchesTheory(t *testing.T) {
	grid := []string{
		"b=1&d=1&eta=0.5",  // s ≈ 2.9
		"b=1&d=2&eta=0.5",  // the critical step: s = 2
		"b=1&d=2&eta=0.65", // s ≈ 1.0
		"b=2&d=2&eta=0.8",  // s ≈ 2.0
		"b=4&d=3&eta=1.2",  // s ≈ 0.8
		"b=1&d=4&eta=0.3",  // s ≈ 2.9
	}
	for _, q := range grid {
		t.Run(q, func(t *testing.T) {
			r, err := Run(context.Background(), mustSpec(t, "seed=2&chains=10000&steps=200&mc=20000&"+q), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Covers {
				t.Errorf("theory %.3f [%.3f, %.3f]; Hill on the iterates %.3f [%.3f, %.3f]",
					r.Theory.TailIndex, r.Theory.Lo, r.Theory.Hi, r.Iterates.Alpha, r.Iterates.Lo, r.Iterates.Hi)
			}
			if r.Diverged != 0 {
				t.Errorf("%d chains diverged", r.Diverged)
			}
		})
	}
}

// TestSmallStepLightTails: at a tiny step the theory's root is beyond MaxTailIndex and the
// iterates look light-tailed to Hill's estimator too.
func TestSmallStepLightTails(t *testing.T) {
	r, err := Run(context.Background(), mustSpec(t, "seed=3&chains=4000&steps=400&mc=20000&eta=0.02&d=2"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Theory.Beyond || r.Theory.TailIndex != MaxTailIndex {
		t.Errorf("theory tail index %.3f (beyond: %v), want beyond %d", r.Theory.TailIndex, r.Theory.Beyond, MaxTailIndex)
	}
	if r.Iterates.Lo < 5 {
		t.Errorf("Hill on the iterates: %.3f [%.3f, %.3f], want clearly light-tailed (> 5)", r.Iterates.Alpha, r.Iterates.Lo, r.Iterates.Hi)
	}
}

// TestNoiseLightIteratesHeavy: on the page's setting the iterates have infinite variance while
// the gradient noise, measured by the same estimator, has a finite one.
func TestNoiseLightIteratesHeavy(t *testing.T) {
	s, err := spec.NewPreset("iterates", spec.PagePreset)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Iterates.Hi >= 2 {
		t.Errorf("iterates: Hill %.3f [%.3f, %.3f], want below 2", r.Iterates.Alpha, r.Iterates.Lo, r.Iterates.Hi)
	}
	if r.Theory.TailIndex >= 2 {
		t.Errorf("theory tail index %.3f, want below 2", r.Theory.TailIndex)
	}
	found := false
	for _, e := range r.Noise.Estimates {
		if e.Method == "hill" {
			found = true
			if e.Lo <= 2 {
				t.Errorf("gradient noise: Hill %.3f [%.3f, %.3f], want above 2", e.Alpha, e.Lo, e.Hi)
			}
		}
	}
	if !found {
		t.Error("no Hill estimate of the gradient noise")
	}
	if want := NoiseBatches * 2; r.Noise.N != want {
		t.Errorf("noise sample of %d values, want %d", r.Noise.N, want)
	}
}

func TestDivergentStep(t *testing.T) {
	r, err := Run(context.Background(), mustSpec(t, "seed=1&chains=200&steps=3000&mc=20000&eta=1&d=3"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Theory.Stationary || r.Theory.Rho <= 0 {
		t.Errorf("ρ = %.3f, want positive", r.Theory.Rho)
	}
	if r.Diverged < 150 {
		t.Errorf("%d of 200 chains diverged, want most", r.Diverged)
	}
	if r.Iterates.Alpha != 0 || r.Covers {
		t.Errorf("a tail index %.3f was estimated from diverging chains", r.Iterates.Alpha)
	}
}

func TestSameResultAnyWorkers(t *testing.T) {
	s := mustSpec(t, "seed=9&chains=300&steps=50&mc=2000")
	var got []*Result
	for _, w := range []int{1, 3} {
		r, err := Runner{Workers: w}.Run(context.Background(), s, nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Error("1 and 3 workers give different results")
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, mustSpec(t, "seed=1"), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// BenchmarkRun is the Iterates view's default run (the kind's defaults: chains, estimates and the
// theory from 10⁵ Monte-Carlo draws), the work a person waits for on opening the view.
func BenchmarkRun(b *testing.B) {
	sp := spec.MustNew("iterates", 1)
	for b.Loop() {
		if _, err := Run(context.Background(), sp, nil); err != nil {
			b.Fatal(err)
		}
	}
}
