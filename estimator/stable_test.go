package estimator

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat"
)

// TestGLNodes checks the hard-coded Gauss–Legendre rule against gonum's.
func TestGLNodes(t *testing.T) {
	x, w := make([]float64, 20), make([]float64, 20)
	quad.Legendre{}.FixedLocations(x, w, -1, 1)
	for i := range glX {
		found := 0
		for j := range x {
			if math.Abs(math.Abs(x[j])-glX[i]) < 1e-15 && math.Abs(w[j]-glW[i]) < 1e-15 {
				found++
			}
		}
		if found != 2 {
			t.Errorf("node ±%v weight %v: found %d times in gonum's rule %v %v, want 2", glX[i], glW[i], found, x, w)
		}
	}
}

func cauchyPDF(x float64) float64  { return 1 / (math.Pi * (1 + x*x)) }
func normal2PDF(x float64) float64 { return math.Exp(-x*x/4) / (2 * math.SqrtPi) }

var testXs = []float64{0.001, 0.1, 0.5, 1, 2, 3.7, 8, 20, 60}

// TestNumericalPaths checks each numerical path of the density and CDF
// against closed forms: the Fourier inversion at α = 1 (Cauchy) and α = 2
// (N(0, 2)), and Zolotarev's integral at α = 2 (its formula is valid there).
// Wanted accuracy 1e-6 (the contract); the paths do better than 1e-9.
func TestNumericalPaths(t *testing.T) {
	const tol = 1e-9
	for _, x := range testXs {
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"fourierPDF α=1", fourierPDF(1, x), cauchyPDF(x)},
			{"fourierPDF α=2", fourierPDF(2, x), normal2PDF(x)},
			{"fourierCDF α=1", 0.5 + fourierCDF(1, x), 0.5 + math.Atan(x)/math.Pi},
			{"fourierCDF α=2", 0.5 + fourierCDF(2, x), 1 - math.Erfc(x/2)/2},
			{"zolotarevPDF α=2", zolotarevPDF(2, x), normal2PDF(x)},
			{"zolotarevSurvival α=2", zolotarevSurvival(2, x), math.Erfc(x/2) / 2},
		} {
			if math.Abs(c.got-c.want) > tol {
				t.Errorf("%s at x=%v: got %.15g, want %.15g (diff %.2g)", c.name, x, c.got, c.want, c.got-c.want)
			}
		}
	}
}

// TestZolotarevVsFourier compares the two independent numerical routes where
// both are accurate (α ≥ 0.8 keeps the Fourier range short).
func TestZolotarevVsFourier(t *testing.T) {
	for _, a := range []float64{0.8, 0.95, 1.05, 1.3, 1.5, 1.7, 1.95} {
		t.Run(fmt.Sprint(a), func(t *testing.T) {
			for _, x := range testXs {
				if d := zolotarevPDF(a, x) - fourierPDF(a, x); math.Abs(d) > 1e-9 {
					t.Errorf("α=%v x=%v: Zolotarev pdf %.15g, Fourier %.15g", a, x, zolotarevPDF(a, x), fourierPDF(a, x))
				}
				if d := (1 - zolotarevSurvival(a, x)) - (0.5 + fourierCDF(a, x)); math.Abs(d) > 1e-9 {
					t.Errorf("α=%v x=%v: Zolotarev cdf %.15g, Fourier %.15g", a, x, 1-zolotarevSurvival(a, x), 0.5+fourierCDF(a, x))
				}
			}
		})
	}
}

func TestProbCDFKnown(t *testing.T) {
	for _, c := range []struct {
		d         SymStable
		x         float64
		pdf, cdf  float64
		tolerance float64
	}{
		// σ scales: Cauchy(σ=2) at 2: 1/(4π), CDF 3/4.
		{SymStable{Alpha: 1, Sigma: 2}, 2, 1 / (4 * math.Pi), 0.75, 1e-15},
		// N(0, 2σ²) with σ = 0.5 is N(0, 0.5): density at 0 is 1/sqrt(π).
		{SymStable{Alpha: 2, Sigma: 0.5}, 0, 1 / math.SqrtPi, 0.5, 1e-15},
		// f(0) = Γ(1+1/α)/(πσ).
		{SymStable{Alpha: 1.5, Sigma: 1}, 0, math.Gamma(1+1/1.5) / math.Pi, 0.5, 1e-15},
		// α = 0.5: the Lévy-type density at 0 is Γ(3)/π = 2/π.
		{SymStable{Alpha: 0.5, Sigma: 1}, 0, 2 / math.Pi, 0.5, 1e-15},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			if got := c.d.Prob(c.x); math.Abs(got-c.pdf) > c.tolerance {
				t.Errorf("%+v.Prob(%v) = %.16g, want %.16g", c.d, c.x, got, c.pdf)
			}
			if got := c.d.CDF(c.x); math.Abs(got-c.cdf) > c.tolerance {
				t.Errorf("%+v.CDF(%v) = %.16g, want %.16g", c.d, c.x, got, c.cdf)
			}
		})
	}
	if !math.IsNaN(SymStable{Alpha: 2.5, Sigma: 1}.Prob(0)) || !math.IsNaN(SymStable{Alpha: 1, Sigma: 0}.CDF(0)) {
		t.Errorf("invalid parameters: want NaN")
	}
}

// TestCDFIsIntegralOfProb checks F(b) − F(a) = ∫_a^b f on every path,
// including α near 1 and α < 1.
func TestCDFIsIntegralOfProb(t *testing.T) {
	for _, a := range []float64{0.5, 0.7, 0.99, 1.01, 1.2, 1.8, 1.999} {
		t.Run(fmt.Sprint(a), func(t *testing.T) {
			d := SymStable{Alpha: a, Sigma: 1.3}
			for _, r := range [][2]float64{{-3, -1}, {-0.5, 0.7}, {1, 5}, {50, 200}} {
				in := adaptive(d.Prob, r[0], r[1])
				diff := d.CDF(r[1]) - d.CDF(r[0])
				if math.Abs(in-diff) > 1e-8 {
					t.Errorf("α=%v [%v, %v]: ∫f = %.12g, ΔF = %.12g", a, r[0], r[1], in, diff)
				}
			}
			// Continuity in α near the switch points.
			if a == 0.99 {
				if dd := d.Prob(3) - (SymStable{Alpha: 1, Sigma: 1.3}).Prob(3); math.Abs(dd) > 2e-3 {
					t.Errorf("α=0.99 vs Cauchy at 3: differ by %v", dd)
				}
			}
		})
	}
}

func TestQuantile(t *testing.T) {
	for _, a := range []float64{0.5, 0.8, 1, 1.01, 1.5, 1.9, 2} {
		t.Run(fmt.Sprint(a), func(t *testing.T) {
			d := SymStable{Alpha: a, Sigma: 0.7}
			for _, p := range []float64{1e-4, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999} {
				x := d.Quantile(p)
				if got := d.CDF(x); math.Abs(got-p) > 1e-10 {
					t.Errorf("α=%v: CDF(Quantile(%v)) = CDF(%v) = %.14g", a, p, x, got)
				}
			}
		})
	}
	// Known: Cauchy quartile = σ, N(0,2) 0.975 quantile = 2·1.959964·σ/√2.
	if got := (SymStable{Alpha: 1, Sigma: 3}).Quantile(0.75); math.Abs(got-3) > 1e-14 {
		t.Errorf("Cauchy(3).Quantile(0.75) = %v, want 3", got)
	}
	if got, want := (SymStable{Alpha: 2, Sigma: 1}).Quantile(0.975), math.Sqrt2*Z975; math.Abs(got-want) > 1e-12 {
		t.Errorf("N(0,2).Quantile(0.975) = %v, want %v", got, want)
	}
	if !math.IsNaN(SymStable{Alpha: 1, Sigma: 1}.Quantile(1.5)) {
		t.Errorf("Quantile(1.5): want NaN")
	}
}

// TestRandMatchesLaw checks gonum's scale convention and the sampler: at
// α = 2 the variance is 2σ²; at α = 1 the interquartile range is 2σ; for
// α = 1.5 the empirical CDF at several points is within 4 standard errors
// (sqrt(p(1−p)/n) ≈ 0.0016 at n = 1e5) of CDF.
func TestRandMatchesLaw(t *testing.T) {
	n := 100000
	src := rand.NewPCG(1, 2)
	g := SymStable{Alpha: 2, Sigma: 1.5, Src: src}
	x := make([]float64, n)
	g.Fill(x)
	if v := stat.Variance(x, nil); math.Abs(v-4.5) > 4*4.5*math.Sqrt(2.0/float64(n)) {
		t.Errorf("α=2 σ=1.5: variance %v, want 4.5", v)
	}
	for _, a := range []float64{0.7, 1, 1.5} {
		t.Run(fmt.Sprint(a), func(t *testing.T) {
			d := SymStable{Alpha: a, Sigma: 2, Src: src}
			d.Fill(x)
			for _, q := range []float64{-5, -1, 0.3, 2, 10} {
				c := 0
				for _, v := range x {
					if v <= q {
						c++
					}
				}
				p := d.CDF(q)
				if emp := float64(c) / float64(n); math.Abs(emp-p) > 4*math.Sqrt(p*(1-p)/float64(n)) {
					t.Errorf("α=%v σ=2: empirical P(X ≤ %v) = %.4f, CDF %.4f", a, q, emp, p)
				}
			}
		})
	}
}

// TestSeries checks the density against its convergent series (Nolan 2020,
// §3.9): for α < 1, f(x) = (1/π) Σ_{k≥1} (−1)^{k+1} Γ(αk+1)/k! sin(kπα/2)
// x^{−αk−1}; for α > 1, f(x) = 1/(πα) Σ_{k≥0} (−1)^k Γ((2k+1)/α)/(2k)! x^{2k}.
func TestSeries(t *testing.T) {
	tail := func(a, x float64) float64 {
		s := 0.0
		for k := 1; k < 400; k++ {
			kf := float64(k)
			lg1, _ := math.Lgamma(a*kf + 1)
			lg2, _ := math.Lgamma(kf + 1)
			term := math.Exp(lg1-lg2-(a*kf+1)*math.Log(x)) * math.Sin(kf*math.Pi*a/2)
			if k%2 == 0 {
				term = -term
			}
			s += term
		}
		return s / math.Pi
	}
	small := func(a, x float64) float64 {
		s := 0.0
		for k := 0; k < 200; k++ {
			kf := float64(k)
			lg1, _ := math.Lgamma((2*kf + 1) / a)
			lg2, _ := math.Lgamma(2*kf + 1)
			term := math.Exp(lg1 - lg2 + 2*kf*math.Log(x))
			if k%2 == 1 {
				term = -term
			}
			s += term
		}
		return s / (math.Pi * a)
	}
	for _, c := range []struct{ a, x, want float64 }{
		{0.5, 3, tail(0.5, 3)}, {0.5, 40, tail(0.5, 40)}, {0.7, 10, tail(0.7, 10)}, {0.3, 5, tail(0.3, 5)},
		{1.5, 0.5, small(1.5, 0.5)}, {1.2, 1, small(1.2, 1)}, {1.8, 2, small(1.8, 2)}, {1.9, 0.01, small(1.9, 0.01)},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			if got := (SymStable{Alpha: c.a, Sigma: 1}).Prob(c.x); math.Abs(got-c.want) > 1e-10 {
				t.Errorf("α=%v: Prob(%v) = %.15g, series %.15g", c.a, c.x, got, c.want)
			}
		})
	}
}

func BenchmarkProb(b *testing.B) {
	d := SymStable{Alpha: 1.5, Sigma: 1}
	for b.Loop() {
		d.Prob(2.3)
	}
}

func BenchmarkCDF(b *testing.B) {
	d := SymStable{Alpha: 1.5, Sigma: 1}
	for b.Loop() {
		d.CDF(2.3)
	}
}

func BenchmarkQuantile(b *testing.B) {
	d := SymStable{Alpha: 1.5, Sigma: 1}
	for b.Loop() {
		d.Quantile(0.95)
	}
}

// TestNearCauchyTail checks the switch from the Fourier inversion to the
// tail series near α = 1: both agree at and beyond x = tailX.
func TestNearCauchyTail(t *testing.T) {
	for _, a := range []float64{0.981, 0.995, 1.005, 1.019} {
		t.Run(fmt.Sprint(a), func(t *testing.T) {
			for _, x := range []float64{tailX, 15, 40} {
				if d := tailPDF(a, x) - fourierPDF(a, x); math.Abs(d) > 1e-12 {
					t.Errorf("α=%v x=%v: tail pdf %.15g, Fourier %.15g", a, x, tailPDF(a, x), fourierPDF(a, x))
				}
				if d := tailSurvival(a, x) - (0.5 - fourierCDF(a, x)); math.Abs(d) > 1e-10 {
					t.Errorf("α=%v x=%v: tail survival %.15g, Fourier %.15g", a, x, tailSurvival(a, x), 0.5-fourierCDF(a, x))
				}
			}
		})
	}
}
