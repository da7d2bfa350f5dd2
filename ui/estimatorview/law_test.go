package estimatorview

import (
	"math"
	"testing"

	"github.com/tailscope/tailscope/sim/stable"
)

func TestLawAbsSurvival(t *testing.T) {
	const z975 = 1.959963984540054 // two-sided 5 % point of N(0, 1)
	for _, tc := range []struct {
		kv        []string
		t, want   float64
		tolerance float64
	}{
		{[]string{"dist", "gauss"}, z975, 0.05, 1e-12},
		{[]string{"dist", "sas", "alpha", "1"}, 1, 0.5, 1e-7},                   // Cauchy: P(|X| > 1) = 1/2
		{[]string{"dist", "sas", "alpha", "2"}, z975 * math.Sqrt2, 0.05, 1e-7},  // SαS(α=2, σ=1) is N(0, 2)
		{[]string{"dist", "student", "nu", "3"}, 3.182446305284263, 0.05, 1e-9}, // t₃ table
		{[]string{"dist", "student", "nu", "1"}, 1, 0.5, 1e-12},                 // t₁ is Cauchy
		// 0.9·P(|Z| > 1.96) + 0.1·P(|Z| > 0.196)
		{[]string{"dist", "mixture"}, z975, 0.9*0.05 + 0.1*math.Erfc(z975/10/math.Sqrt2), 1e-12},
		{[]string{"dist", "gauss"}, 0, 1, 0},
	} {
		s := stableSpec(t, 1, tc.kv...)
		if got := lawAbsSurvival(s, tc.t); math.Abs(got-tc.want) > tc.tolerance {
			t.Errorf("%s: P(|X| > %v) = %.10g, want %.10g", lawName(s), tc.t, got, tc.want)
		}
	}
}

// TestLawMatchesSimStable checks the view's survival curves against sim/stable's densities (the
// law the sample is drawn from): for a symmetric law, −d/dt P(|X| > t) = 2 f(t).
func TestLawMatchesSimStable(t *testing.T) {
	for _, kv := range [][]string{
		{"dist", "mixture"}, {"dist", "gauss"}, {"dist", "student", "nu", "2.5"}, {"dist", "sas", "alpha", "1.4"},
	} {
		s := stableSpec(t, 1, kv...)
		for _, x := range []float64{0.5, 2, 7, 25} {
			h := 1e-4 * x
			deriv := -(lawAbsSurvival(s, x+h) - lawAbsSurvival(s, x-h)) / (2 * h)
			// The central difference errs by O(h²·f''), far below 1e-6 relative here.
			if want := 2 * stable.Density(s, x); math.Abs(deriv-want) > 1e-6*want+1e-12 {
				t.Errorf("%s at t = %v: −dP/dt = %.8g, 2·density = %.8g", lawName(s), x, deriv, want)
			}
		}
	}
}

func TestTailIndex(t *testing.T) {
	for _, tc := range []struct {
		kv     []string
		want   float64
		finite bool
	}{
		{[]string{"dist", "sas", "alpha", "1.3"}, 1.3, false},
		{[]string{"dist", "student", "nu", "1.5"}, 1.5, false},
		{[]string{"dist", "student", "nu", "5"}, 2, true},
		{[]string{"dist", "mixture"}, 2, true},
		{[]string{"dist", "gauss"}, 2, false},
	} {
		a, fin := tailIndex(stableSpec(t, 1, tc.kv...))
		if a != tc.want || fin != tc.finite {
			t.Errorf("%v: tail index %v, non-Gaussian finite variance %v; want %v, %v", tc.kv, a, fin, tc.want, tc.finite)
		}
	}
}
