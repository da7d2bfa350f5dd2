package networkview

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tailscope/tailscope/estimator"
)

// TestNoiseHistogramFits: on samples of known laws the fits recover the scale, and the
// histogram is a density.
func TestNoiseHistogramFits(t *testing.T) {
	const n = 20000
	tests := []struct {
		name            string
		alpha, sigma    float64
		zeros           int
		wantStd         float64
		wantSigmaRelTol float64
	}{
		// SαS(σ) with α = 2 is N(0, 2σ²): the Gaussian fit's s is √2·σ.
		{"gaussian", 2, 1, 0, math.Sqrt2, 0.04},
		// α = 1.5: the SαS fit's σ is σ; the Gaussian's s is the matched quartile / Φ⁻¹(0.75).
		{"stable 1.5", 1.5, 0.01, 500, 0, 0.04},
		{"cauchy", 1, 3, 0, 3 / 0.6744897501960817, 0.04}, // Cauchy: median |x| = σ
	}
	for _, tt := range tests {
		x := make([]float64, n)
		estimator.SymStable{Alpha: tt.alpha, Sigma: tt.sigma, Src: rand.NewPCG(1, 2)}.Fill(x)
		for i := range tt.zeros {
			x[i] = 0
		}
		h := NewNoiseHistogram(x, 7, tt.alpha)
		if h == nil {
			t.Fatalf("%s: no histogram", tt.name)
		}
		// The median of |x| from n values has a relative error of about 1/(2 f(m) m √n),
		// under 1.5% here: 4% is well outside chance.
		if got := h.Sigma; math.Abs(got/tt.sigma-1) > tt.wantSigmaRelTol {
			t.Errorf("%s: fitted σ = %v; want %v ± %.0f%%", tt.name, got, tt.sigma, 100*tt.wantSigmaRelTol)
		}
		if tt.wantStd > 0 && math.Abs(h.Std/tt.wantStd-1) > tt.wantSigmaRelTol {
			t.Errorf("%s: Gaussian s = %v; want %v", tt.name, h.Std, tt.wantStd)
		}
		if h.Zeros != tt.zeros || h.N != n || h.Iter != 7 {
			t.Errorf("%s: zeros %d, N %d, iter %d; want %d, %d, 7", tt.name, h.Zeros, h.N, h.Iter, tt.zeros, n)
		}
		// Σ density·width = share of the nonzero values inside ±Lim (Lim is their 99.9% quantile).
		var mass float64
		for i, d := range h.Density {
			mass += d * (h.Edges[i+1] - h.Edges[i])
		}
		nonzero := float64(n - tt.zeros)
		if want := 1 - float64(h.Clipped)/nonzero; math.Abs(mass-want) > 1e-9 {
			t.Errorf("%s: histogram mass %v; want %v (clipped %d)", tt.name, mass, want, h.Clipped)
		}
		if c := float64(h.Clipped) / nonzero; c > 0.0015 {
			t.Errorf("%s: %.4f of the values clipped; want about 0.001", tt.name, c)
		}
		if len(h.CurveX) != CurvePoints || len(h.Stable) != CurvePoints || len(h.Gauss) != CurvePoints {
			t.Errorf("%s: curves of %d, %d, %d points; want %d", tt.name, len(h.CurveX), len(h.Stable), len(h.Gauss), CurvePoints)
		}
	}
}

// TestNoiseHistogramGaussDensity checks the Gaussian density at known points.
func TestNoiseHistogramGaussDensity(t *testing.T) {
	h := &NoiseHistogram{Std: 2}
	for _, tt := range []struct{ x, want float64 }{
		{0, 0.19947114020071635},  // 1/(2√(2π))
		{2, 0.12098536225957168},  // φ(1)/2
		{-4, 0.02699548325659403}, // φ(2)/2
	} {
		if got := h.GaussDensity(tt.x); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("GaussDensity(%v) with s = 2: %v; want %v", tt.x, got, tt.want)
		}
	}
}

// TestNoiseHistogramDegenerate: too few nonzero values give no histogram, not a panic.
func TestNoiseHistogramDegenerate(t *testing.T) {
	for _, x := range [][]float64{nil, make([]float64, 100), {1, 2, 3}, {math.NaN(), math.Inf(1), 0, 1, 2, 3, 4, 5, 6, 7, 8}} {
		if h := NewNoiseHistogram(x, 0, 1.5); h != nil {
			t.Errorf("NewNoiseHistogram(%v) = %+v; want nil", x, h)
		}
	}
}
