package levy

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/tailscope/tailscope/sim/fastmath"
	"github.com/tailscope/tailscope/sim/landscape"
)

// exitStats runs walkers from the bottom of w until all leave and returns the mean exit time,
// its standard error and the KS distance of the exit times to the exponential law of that mean.
func exitStats(t *testing.T, w landscape.Well, alpha, eps, eta float64, walkers int, seed uint64) (mean, se, ks float64) {
	t.Helper()
	e, err := NewEnsemble(Config{Landscape: w, Alpha: alpha, Eps: eps, Eta: eta, Walkers: walkers, Src: fastmath.NewCounter(seed), StopOnExit: true})
	if err != nil {
		t.Fatal(err)
	}
	for e.Alive() > 0 {
		if err := e.Advance(context.Background(), 20000); err != nil {
			t.Fatal(err)
		}
	}
	s := summarize(e)
	return s.Mean, s.StdErr, s.KSExp
}

// TestPureStableExitTime: without drift, SαS motion started at 0 leaves (−1, 1) after a mean time
// 1/Γ(1+α) (Getoor 1961): 0.908, 0.752, 0.596, 0.5 for α = 1.2, 1.5, 1.8, 2.
//
// Tolerance. The Euler walk sees the boundary only at the steps, so it leaves late: for α = 2 by
// the overshoot correction 0.5826·σ·√η of the boundary (Broadie–Glasserman; σ² = 2), +0.8% at
// η = 2.5e−5; for α < 2 the shift scales as η^{1/α}: runs at η = 1e−4 with 15000 walkers gave
// +0.3% (α = 1.2), −0.2% (α = 1.5) and +1.8% (α = 1.8), hence η = 5e−5 for α = 1.8 (≈ +1.2%).
// The exit time's SD is 0.8–0.9 of its mean, so 10000 walkers (α = 1.2, 1.5; bias < 0.5%) and
// 15000 walkers (α = 1.8, 2; bias ≈ 1%) give standard errors of 0.9% and 0.7%: 3% covers the bias
// plus 3 standard errors. With -short (and under wasm) the walkers are cut 7.5-fold (SE ≈ 2–2.4%)
// and the band widened to 1% + 4 SE = 10%.
func TestPureStableExitTime(t *testing.T) {
	walkers, tol := 15000, 0.03
	if small() {
		walkers, tol = 2000, 0.10
	}
	flat := landscape.Well{A: 1, B: 1, H: 0}
	for _, tt := range []struct {
		alpha, eta, want float64
		walkers          int
	}{
		{1.2, 1e-4, 0.9076036842, walkers * 2 / 3},
		{1.5, 1e-4, 0.7522527781, walkers * 2 / 3},
		{1.8, 5e-5, 0.5964840411, walkers},
		{2, 2.5e-5, 0.5, walkers},
	} {
		t.Run(fmt.Sprintf("alpha %v", tt.alpha), func(t *testing.T) {
			mean, se, _ := exitStats(t, flat, tt.alpha, 1, tt.eta, tt.walkers, 11)
			rel := mean/tt.want - 1
			t.Logf("α = %v, η = %v: mean exit %.4f ± %.4f, want %.4f (%+.2f%%)", tt.alpha, tt.eta, mean, se, tt.want, 100*rel)
			if math.Abs(rel) > tol {
				t.Errorf("α = %v, η = %v, %d walkers: mean exit time %v, want %v within %v%%", tt.alpha, tt.eta, tt.walkers, mean, tt.want, 100*tol)
			}
		})
	}
}

// TestLevySmallNoiseExit: in the small-ε regime with drift, the Lévy exit time is close to
// exponential, its mean is of the order of the asymptotic π/(Γ(α)sin(πα/2))·ε^−α·(a^−α + b^−α)^−1,
// it barely moves when the height is quadrupled, and it grows like width^α.
func TestLevySmallNoiseExit(t *testing.T) {
	const (
		alpha, eps, eta = 1.5, 0.1, 0.01
	)
	walkers := 1000
	if small() {
		walkers = 500
	}
	type row struct {
		w            landscape.Well
		mean, se, ks float64
		theory       float64
	}
	rows := []row{
		{w: landscape.Well{A: 1, B: 1, H: 1}},
		{w: landscape.Well{A: 1, B: 1, H: 4}},
		{w: landscape.Well{A: 2, B: 2, H: 1}},
	}
	for i := range rows {
		r := &rows[i]
		r.mean, r.se, r.ks = exitStats(t, r.w, alpha, eps, eta, walkers, 5)
		r.theory = landscape.LevyMeanExit(alpha, eps, r.w.A, r.w.B)
		t.Logf("%+v: mean exit %.3g ± %.2g (theory %.3g, ratio %.3f), KS to exponential %.4f", r.w, r.mean, r.se, r.theory, r.mean/r.theory, r.ks)
		// Exponential law: with the mean estimated from the same n draws, the KS distance of an
		// exponential sample exceeds 1.3/√n with probability about 0.001 (Lilliefors' table: 1.08/√n
		// at 5%, 1.25/√n at 1%). Exit times measured on a grid of η shift it by at most η/mean ≈ 1e−4.
		if lim := 1.3 / math.Sqrt(float64(walkers)); r.ks > lim {
			t.Errorf("%+v: KS distance of exit times to the exponential %.4f > %.4f", r.w, r.ks, lim)
		}
		// The asymptotic is a small-ε limit; at ε = 0.1 the drift's finite strength lets walkers out
		// with slightly shorter jumps. Runs gave ratios 0.8–1.0; accept 0.6–1.4.
		if q := r.mean / r.theory; q < 0.6 || q > 1.4 {
			t.Errorf("%+v: mean exit %v vs asymptotic %v: ratio %v outside [0.6, 1.4]", r.w, r.mean, r.theory, q)
		}
	}
	// Height ×4: Lévy exit time nearly unchanged (the Gaussian one would grow by e^{3/ε²} = e^300).
	if q := rows[1].mean / rows[0].mean; q < 0.8 || q > 1.5 {
		t.Errorf("height 1 → 4 changed the Lévy exit time by a factor %v, want within [0.8, 1.5]", q)
	}
	// Width ×2: the exit time grows by about 2^α = 2.83.
	q := rows[2].mean / rows[0].mean
	if want := math.Pow(2, alpha); math.Abs(q/want-1) > 0.25 {
		t.Errorf("doubling the width lengthened the Lévy exit time by a factor %v, want %v within 25%%", q, want)
	}
}

// TestGaussianExitFollowsKramers: for α = 2 the simulated mean exit time matches the exact
// solution of the exit-time equation, and raising the height from 0.75 to 1 (ΔH/ε² from 3 to 4)
// multiplies it as the exact solution and, asymptotically, Kramers' exp(ΔH/ε²) say.
//
// Tolerance. The standard error of each mean is below 2.5% (SD ≈ mean, 2000 walkers); the Euler
// walk's discrete view of the boundary adds a bias: near the flat barrier top the boundary moves
// out by about 0.58·√(2ε²η) = 0.009 at η = 2.5e−4, which lengthens the exit by a few percent, and
// nearly cancels in the ratio. So: means within 10% of the exact values (bias + 3 SE), the ratio
// within 10% (3 SE of the ratio ≈ 3·√2·2.2%).
func TestGaussianExitFollowsKramers(t *testing.T) {
	const eps, eta = 0.5, 2.5e-4
	walkers := 2000
	if small() {
		walkers = 400
	}
	var means, exact [2]float64
	for i, h := range []float64{0.75, 1} {
		w := landscape.Well{A: 1, B: 1, H: h}
		means[i], _, _ = exitStats(t, w, 2, eps, eta, walkers, 3)
		var err error
		if exact[i], err = landscape.WellGaussianMeanExit(w, eps); err != nil {
			t.Fatal(err)
		}
		t.Logf("H = %v: mean exit %.4g, exact %.4g (%+.1f%%), Kramers %.4g", h, means[i], exact[i], 100*(means[i]/exact[i]-1), landscape.KramersMeanExit(w, eps))
		tol := 0.10
		if small() {
			tol = 0.2
		}
		if math.Abs(means[i]/exact[i]-1) > tol {
			t.Errorf("H = %v: simulated mean exit %v, exact %v", h, means[i], exact[i])
		}
	}
	got, want := means[1]/means[0], exact[1]/exact[0]
	kramers := math.Exp((1-0.75)/(eps*eps)) * 0.75 // exp(ΔH/ε²) with the 1/H prefactor
	t.Logf("ratio T(1)/T(0.75): simulated %.3f, exact %.3f, Kramers %.3f", got, want, kramers)
	tol := 0.10
	if small() {
		tol = 0.25
	}
	if math.Abs(got/want-1) > tol {
		t.Errorf("ratio of exit times for heights 1 and 0.75: simulated %v, exact %v", got, want)
	}
	// The exact ratio itself is Kramers' up to the O(√(ε²/H)) correction (theory_test in package
	// landscape); here e^1·0.75 = 2.04 against an exact 1.99: within 15%.
	if math.Abs(want/kramers-1) > 0.15 {
		t.Errorf("exact ratio %v far from Kramers' %v", want, kramers)
	}
}

// small reports whether the statistical tests run at their reduced sizes (wider, re-justified
// tolerances): with -short, and always under js/wasm, where one slow thread would take minutes
// for the full sizes; the full-size runs are the native ones.
func small() bool { return testing.Short() || runtime.GOARCH == "wasm" }
