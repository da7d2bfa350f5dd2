package landscape

import (
	"fmt"
	"math"
	"testing"
)

// Known values: K_α = Γ(α)sin(πα/2)/π and 1/Γ(1+α) (the pure SαS exit time from (−1, 1)).
func TestLevyConstants(t *testing.T) {
	tests := []struct{ alpha, k, pure float64 }{
		{1.2, 0.277957858, 0.907603684},
		{1.5, 0.199471140, 0.752252778},
		{1.8, 0.091613855, 0.596484041},
		{2, 0, 0.5},
		{1, 1 / math.Pi, 1}, // Cauchy: ν((r,∞)) = 1/(πr)
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("alpha %v", tt.alpha), func(t *testing.T) {
			if got := LevyTailConstant(tt.alpha); math.Abs(got-tt.k) > 1e-8 {
				t.Errorf("LevyTailConstant(%v) = %v, want %v", tt.alpha, got, tt.k)
			}
			if got := StableMeanExit(tt.alpha, 1, 1, 1); math.Abs(got-tt.pure) > 1e-8 {
				t.Errorf("StableMeanExit(%v, 1, 1, 1) = %v, want %v", tt.alpha, got, tt.pure)
			}
		})
	}
	// Scaling: ε^−α and (a^−α + b^−α)^−1.
	if got, want := LevyMeanExit(1.5, 0.1, 1, 1)/LevyMeanExit(1.5, 0.2, 1, 1), math.Pow(2, 1.5); math.Abs(got/want-1) > 1e-12 {
		t.Errorf("ε scaling: got %v, want %v", got, want)
	}
	if got, want := LevyMeanExit(1.5, 0.1, 2, math.Inf(1)), math.Pow(2, 1.5)/(0.199471140*math.Pow(0.1, 1.5)); math.Abs(got/want-1) > 1e-8 {
		t.Errorf("one-sided: got %v, want %v", got, want)
	}
	if !math.IsInf(LevyMeanExit(2, 0.1, 1, 1), 1) {
		t.Errorf("LevyMeanExit at α = 2 should be +Inf")
	}
}

func TestDiffusionMeanExitKnownAnswers(t *testing.T) {
	// f = 0: T(x) = (x − lo)(hi − x)/(2D); with a reflecting lo: ((hi − lo)² − (x − lo)²)/(2D).
	// Linear f = c·x on (0, L), reflecting at 0, from 0: T = (L/c) + (D/c²)(exp(−cL/D) − 1).
	flat := func(float64) float64 { return 0 }
	lin := func(x float64) float64 { return -0.7 * x }
	tests := []struct {
		name          string
		f             func(float64) float64
		lo, hi, x0, D float64
		reflect       bool
		want          float64
	}{
		{"flat (−1,1) from 0", flat, -1, 1, 0, 1, false, 0.5},
		{"flat (−1,3) from 0.5", flat, -1, 3, 0.5, 0.3, false, 1.5 * 2.5 / 0.6},
		{"flat reflecting", flat, -1, 1, 0, 0.5, true, (4 - 1) / 1.0},
		{"linear reflecting", lin, 0, 2, 1e-9, 0.4, true, 2/0.7 + 0.4/0.49*(math.Exp(-0.7*2/0.4)-1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DiffusionMeanExit(tt.f, tt.lo, tt.hi, tt.x0, tt.D, tt.reflect, 4000)
			if err != nil {
				t.Fatal(err)
			}
			// Trapezoid rule on 4000 intervals: relative error ~1e−7; 1e−5 leaves room.
			if math.Abs(got/tt.want-1) > 1e-5 {
				t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
			}
		})
	}
	if _, err := DiffusionMeanExit(flat, 1, 0, 0.5, 1, false, 100); err == nil {
		t.Errorf("lo > hi accepted")
	}
	if _, err := DiffusionMeanExit(flat, 0, 1, 0.5, 0, false, 100); err == nil {
		t.Errorf("D = 0 accepted")
	}
}

// Kramers' asymptotic is Laplace's method on the exact solution. The integrals near each exit
// boundary are one-sided (half-Gaussian, with the cubic term of g), so the relative error is
// O(√(ε²/H)), not O(ε²/H): the gap must shrink with H/ε² and stay under √(ε²/H).
func TestKramersIsTheAsymptoticOfTheExactExitTime(t *testing.T) {
	w := Well{A: 1, B: 0.6, H: 1}
	prev := math.Inf(1)
	for _, hd := range []float64{4, 8, 16, 32, 64} {
		eps := math.Sqrt(w.H / hd)
		exact, err := WellGaussianMeanExit(w, eps)
		if err != nil {
			t.Fatal(err)
		}
		gap := math.Abs(exact/KramersMeanExit(w, eps) - 1)
		t.Logf("H/ε² = %v: exact %.6g, Kramers %.6g, gap %.4f", hd, exact, KramersMeanExit(w, eps), gap)
		if gap >= prev {
			t.Errorf("H/ε² = %v: gap %v did not shrink from %v", hd, gap, prev)
		}
		if gap > math.Sqrt(1/hd) {
			t.Errorf("H/ε² = %v: exact %v vs Kramers %v: gap %v above √(ε²/H)", hd, exact, KramersMeanExit(w, eps), gap)
		}
		prev = gap
	}
	// At H = 0 the exact solution is the flat one, equal to the SαS value at α = 2.
	got, _ := WellGaussianMeanExit(Well{A: 1, B: 0.6, H: 0}, 0.5)
	if want := StableMeanExit(2, 0.5, 1, 0.6); math.Abs(got/want-1) > 1e-6 {
		t.Errorf("flat well: got %v, want %v", got, want)
	}
}

func TestWellFractions(t *testing.T) {
	d := DoubleWell{WL: 0.5, HL: 1, WR: 2, HR: 0.3}
	l, r := LevyWellFractions(1.5, d)
	if want := math.Pow(0.5, 1.5) / (math.Pow(0.5, 1.5) + math.Pow(2, 1.5)); math.Abs(l-want) > 1e-12 || math.Abs(l+r-1) > 1e-12 {
		t.Errorf("Lévy fractions: got %v, %v; want left %v", l, r, want)
	}
	// Gibbs: small ε, ratio ≈ exp((HL − HR)/ε²)·(WL/WR)·√(HR/HL), Laplace error O(ε²/H).
	eps := 0.2
	gl, gr := GibbsWellFractions(eps, d)
	want := math.Exp((1-0.3)/(eps*eps)) * (0.5 / 2) * math.Sqrt(0.3/1)
	if got := gl / gr; math.Abs(got/want-1) > 0.3 {
		t.Errorf("Gibbs ratio: got %v, want ≈ %v", got, want)
	}
	// Symmetric wells: fractions ½ each.
	sym := DoubleWell{WL: 1, HL: 0.5, WR: 1, HR: 0.5}
	if gl, _ := GibbsWellFractions(0.3, sym); math.Abs(gl-0.5) > 1e-6 {
		t.Errorf("symmetric Gibbs fraction %v, want 0.5", gl)
	}
	// Residence to the barrier: Kramers-type asymptotic π W²/(6h)·exp(h/ε²).
	rl, rr, err := WellResidenceGaussian(0.25, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ got, w, h float64 }{{rl, 0.5, 1}, {rr, 2, 0.3}} {
		asym := math.Pi * c.w * c.w / (6 * c.h) * math.Exp(c.h/(0.25*0.25))
		t.Logf("residence: exact %v, asymptotic %v", c.got, asym)
		if math.Abs(c.got/asym-1) > 0.25+2*0.0625/c.h {
			t.Errorf("residence (W=%v, h=%v): exact %v, asymptotic %v", c.w, c.h, c.got, asym)
		}
	}
}
