package stable

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/spec"
)

func mkSpec(t *testing.T, seed uint64, kv ...any) spec.Spec {
	t.Helper()
	s := spec.MustNew(Kind, seed)
	for i := 0; i < len(kv); i += 2 {
		name := kv[i].(string)
		var err error
		switch v := kv[i+1].(type) {
		case string:
			err = s.SetChoice(name, v)
		case float64:
			err = s.Set(name, v)
		case int:
			err = s.Set(name, float64(v))
		}
		if err != nil {
			t.Fatalf("setting %s=%v: %v", name, kv[i+1], err)
		}
	}
	return s
}

func TestDrawDeterministic(t *testing.T) {
	for _, dist := range []string{"sas", "student", "mixture", "gauss"} {
		a, err := Draw(context.Background(), mkSpec(t, 7, "dist", dist, "n", 1000), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Draw(context.Background(), mkSpec(t, 7, "dist", dist, "n", 1000), nil)
		c, _ := Draw(context.Background(), mkSpec(t, 8, "dist", dist, "n", 1000), nil)
		if !slices.Equal(a, b) {
			t.Errorf("%s: seed 7 twice gave different samples", dist)
		}
		if slices.Equal(a, c) {
			t.Errorf("%s: seeds 7 and 8 gave the same sample", dist)
		}
		if len(a) != 1000 {
			t.Errorf("%s: got %d values, want n = 1000", dist, len(a))
		}
	}
	// dist=sas is exactly estimator.Sample's stream, so the CLI and the page agree.
	x, _ := Draw(context.Background(), mkSpec(t, 3, "alpha", 1.2, "n", 500), nil)
	if want := estimator.Sample(1.2, 1, 500, 3); !slices.Equal(x, want) {
		t.Error("dist=sas seed 3 differs from estimator.Sample(1.2, 1, 500, 3)")
	}
}

// TestDrawMoments checks each law through a statistic with a known value and standard error.
func TestDrawMoments(t *testing.T) {
	const n = 100000
	frac := func(x []float64, t float64) float64 {
		c := 0
		for _, v := range x {
			if math.Abs(v) > t {
				c++
			}
		}
		return float64(c) / float64(len(x))
	}
	meanSq := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v * v
		}
		return s / float64(len(x))
	}
	// A proportion p from n draws has standard error sqrt(p(1−p)/n) ≈ 0.0007 for p = 0.05;
	// tolerances are 5 standard errors.
	for _, tc := range []struct {
		name      string
		s         spec.Spec
		stat      func([]float64) float64
		want, tol float64
	}{
		// E X² = 1 with SE sqrt(2/n) = 0.0045.
		{"gauss E X²", mkSpec(t, 1, "dist", "gauss", "n", n), meanSq, 1, 0.023},
		// E X² = 0.9 + 0.1·100 = 10.9; Var X² = E X⁴ − 10.9² = 0.9·3 + 0.1·3·10⁴ − 118.81 = 2883.9, SE 0.17.
		{"mixture E X²", mkSpec(t, 1, "dist", "mixture", "n", n), meanSq, 10.9, 0.85},
		// Student-t ν=3: P(|T| > 3.182446) = 0.05 (the 0.975 quantile, from tables).
		{"student ν=3 two-sided 5% point", mkSpec(t, 1, "dist", "student", "nu", 3.0, "n", n),
			func(x []float64) float64 { return frac(x, 3.182446305284263) }, 0.05, 0.0035},
		// Cauchy (α=1): P(|X| > 1) = 1/2 (SE 0.0016).
		{"sas α=1 P(|X|>1)", mkSpec(t, 1, "dist", "sas", "alpha", 1.0, "n", n),
			func(x []float64) float64 { return frac(x, 1) }, 0.5, 0.008},
		// α=2, σ=1 is N(0, 2): P(|X| > 2·1.959964/√2) = 0.05.
		{"sas α=2 is N(0,2)", mkSpec(t, 1, "dist", "sas", "alpha", 2.0, "n", n),
			func(x []float64) float64 { return frac(x, 1.959963984540054*math.Sqrt2) }, 0.05, 0.0035},
	} {
		x, err := Draw(context.Background(), tc.s, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := tc.stat(x); math.Abs(got-tc.want) > tc.tol {
			t.Errorf("%s (%s): got %.4f, want %.4f ± %.4f", tc.name, tc.s.Query().Encode(), got, tc.want, tc.tol)
		}
	}
}

// TestProbIntegratesToOne integrates each density over [−L, L] by the trapezoidal rule in u with
// x = sinh(u), which spaces the nodes finely near 0 and coarsely in the tails.
func TestProbIntegratesToOne(t *testing.T) {
	for _, tc := range []struct {
		law  Law
		L    float64
		tail float64 // the mass outside [−L, L]
	}{
		{Law{Dist: "gauss"}, 12, 0},
		{Law{Dist: "mixture"}, 120, 0},
		// Student-t ν=3: f(t) ≈ 3.31·t⁻⁴ in the tail, so P(|T| > 2000) ≈ 2.2·2000⁻³ ≈ 2.8e-10.
		{Law{Dist: "student", Nu: 3}, 2000, 0},
		// SαS α=1.5: P(|X| > t) ~ 2·C·t^−1.5 with C = Γ(1.5)sin(0.75π)/π = 0.19947, so 5.1e-5 beyond 2000.
		{Law{Dist: "sas", Alpha: 1.5}, 2000, 2 * 0.19947 * math.Pow(2000, -1.5)},
	} {
		const m = 4000
		U := math.Asinh(tc.L)
		h := 2 * U / m
		s := 0.0
		for i := 0; i <= m; i++ {
			w := 1.0
			if i == 0 || i == m {
				w = 0.5
			}
			u := -U + float64(i)*h
			s += w * tc.law.Prob(math.Sinh(u)) * math.Cosh(u)
		}
		s *= h
		if want := 1 - tc.tail; math.Abs(s-want) > 2e-4 {
			t.Errorf("%s: ∫ density over [−%g, %g] = %.6f, want %.6f", tc.law.Name(), tc.L, tc.L, s, want)
		}
	}
}

func TestAbsSurvival(t *testing.T) {
	for _, tc := range []struct {
		law       Law
		t, want   float64
		tolerance float64
	}{
		{Law{Dist: "gauss"}, 1.959963984540054, 0.05, 1e-12},                     // two-sided 5 % point of N(0, 1)
		{Law{Dist: "sas", Alpha: 1}, 1, 0.5, 1e-7},                               // Cauchy: P(|X| > 1) = 1/2
		{Law{Dist: "sas", Alpha: 2}, 1.959963984540054 * math.Sqrt2, 0.05, 1e-7}, // N(0, 2)
		{Law{Dist: "student", Nu: 3}, 3.182446305284263, 0.05, 1e-9},             // t₃ table
		{Law{Dist: "student", Nu: 1}, 1, 0.5, 1e-12},                             // t₁ is Cauchy
		// 0.9·P(|Z| > 1.96) + 0.1·P(|Z| > 0.196) = 0.9·0.05 + 0.1·0.844615…
		{Law{Dist: "mixture"}, 1.959963984540054, 0.9*0.05 + 0.1*math.Erfc(0.1959963984540054/math.Sqrt2), 1e-12},
		{Law{Dist: "gauss"}, 0, 1, 0},
	} {
		if got := tc.law.AbsSurvival(tc.t); math.Abs(got-tc.want) > tc.tolerance {
			t.Errorf("%s: P(|X| > %v) = %.10g, want %.10g", tc.law.Name(), tc.t, got, tc.want)
		}
	}
}

func TestTailIndex(t *testing.T) {
	for _, tc := range []struct {
		law    Law
		want   float64
		finite bool
	}{
		{Law{Dist: "sas", Alpha: 1.3}, 1.3, false},
		{Law{Dist: "student", Nu: 1.5}, 1.5, false},
		{Law{Dist: "student", Nu: 5}, 2, true},
		{Law{Dist: "mixture"}, 2, true},
		{Law{Dist: "gauss"}, 2, false},
	} {
		if got := tc.law.TailIndex(); got != tc.want || tc.law.FiniteVariance() != tc.finite {
			t.Errorf("%+v: TailIndex %v, FiniteVariance %v; want %v, %v", tc.law, got, tc.law.FiniteVariance(), tc.want, tc.finite)
		}
	}
}

func TestRun(t *testing.T) {
	var last spec.Progress
	calls := 0
	r, err := Run(context.Background(), mkSpec(t, 1, "alpha", 1.5, "n", 20000), func(p spec.Progress) { last = p; calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if last.Fraction != 1 || calls < 3 {
		t.Errorf("progress: %d reports, last %+v; want ≥ 3 ending at 1", calls, last)
	}
	if r.TailIndex != 1.5 || len(r.Report.Estimates) != len(estimator.MethodNames) {
		t.Fatalf("result %+v: want tail index 1.5 and %d estimates", r, len(estimator.MethodNames))
	}
	// Mohammadi's 95 % interval at n = 20000 is about ±0.1 wide; 0.2 is a safe bound for one seed.
	if e := r.Report.Estimates[0]; e.Method != "mohammadi" || math.Abs(e.Alpha-1.5) > 0.2 {
		t.Errorf("mohammadi on SαS(α=1.5), n=20000: got %+v, want α̂ within 0.2 of 1.5", e)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, mkSpec(t, 1), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: err = %v, want context.Canceled", err)
	}
	bad := mkSpec(t, 1)
	bad.Params["alpha"] = spec.Value{Num: 7}
	if _, err := Run(context.Background(), bad, nil); err == nil {
		t.Error("alpha = 7 was accepted")
	}
	if _, err := Run(context.Background(), spec.MustNew("stable", 1), nil); err != nil {
		t.Errorf("default spec: %v", err)
	}
}

func BenchmarkDraw(b *testing.B) {
	s := spec.MustNew(Kind, 1)
	s.Set("n", 1e6)
	for b.Loop() {
		Draw(context.Background(), s, nil)
	}
}
