package estimator

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// SymStable is the symmetric α-stable law SαS(σ), 0 < α ≤ 2, σ > 0, with
// characteristic function E exp(iθX) = exp(−σ^α|θ|^α). α = 2 is N(0, 2σ²),
// α = 1 is Cauchy with scale σ. Src is the source of randomness for Rand
// (nil means the global math/rand/v2 source, as in gonum).
type SymStable struct {
	Alpha, Sigma float64
	Src          rand.Source
}

// Rand returns a random sample, drawn with gonum's distuv.AlphaStable
// (Chambers–Mallows–Stuck). gonum's scale C is our σ: with Beta = 0 its
// formula reduces to the one in docs/science.md#stable-laws times C, and its
// Variance at α = 2 is 2C² (checked in the tests).
func (d SymStable) Rand() float64 {
	return distuv.AlphaStable{Alpha: d.Alpha, Beta: 0, C: d.Sigma, Mu: 0, Src: d.Src}.Rand()
}

// Fill fills x with independent samples.
func (d SymStable) Fill(x []float64) {
	g := distuv.AlphaStable{Alpha: d.Alpha, Beta: 0, C: d.Sigma, Mu: 0, Src: d.Src}
	for i := range x {
		x[i] = g.Rand()
	}
}

// Sample returns n independent samples drawn from SαS(sigma) with a PCG
// source seeded with seed: the same arguments always give the same values.
func Sample(alpha, sigma float64, n int, seed uint64) []float64 {
	x := make([]float64, n)
	SymStable{Alpha: alpha, Sigma: sigma, Src: rand.NewPCG(seed, 0x7a11)}.Fill(x)
	return x
}

// valid reports whether the parameters are in range.
func (d SymStable) valid() bool {
	return d.Alpha > 0 && d.Alpha <= 2 && d.Sigma > 0 && !math.IsInf(d.Sigma, 1)
}

// Prob returns the probability density at x. It is NaN when Alpha is
// outside (0, 2] or Sigma ≤ 0.
//
// α = 1 and α = 2 are the Cauchy and Gaussian closed forms. Otherwise, for
// |α − 1| ≥ 0.02, the density is Zolotarev's integral in Nolan's (1997)
// form: with ζ = α/(α−1), V(θ) = (cos θ / sin αθ)^ζ · cos((α−1)θ)/cos θ and
// g(θ) = x^ζ V(θ), for x > 0 (σ = 1),
//
//	f(x) = α/(π |α−1| x) ∫_0^{π/2} g(θ) e^{−g(θ)} dθ,
//
// integrated by adaptive Gauss–Legendre quadrature split at the peak
// g(θ) = 1. Near α = 1, where that integrand degenerates, it is the Fourier
// inversion f(x) = (1/π) ∫_0^∞ cos(xt) e^{−t^α} dt for |x| < 10 and the
// tail series beyond; for α > 1 and |x| < 0.3σ it is the convergent series
// f(x) = 1/(πα) Σ_k (−1)^k Γ((2k+1)/α)/(2k)! x^{2k}. The absolute error is
// below 1e-9 (see the tests).
func (d SymStable) Prob(x float64) float64 {
	if !d.valid() || math.IsNaN(x) {
		return math.NaN()
	}
	z := math.Abs(x) / d.Sigma
	return stdPDF(d.Alpha, z) / d.Sigma
}

// CDF returns P(X ≤ x), computed like Prob: for x > 0 (σ = 1),
//
//	F(x) = 1/2 + (1/π) ∫_0^{π/2} e^{−g(θ)} dθ   (α < 1),
//	F(x) = 1 − (1/π) ∫_0^{π/2} e^{−g(θ)} dθ     (α > 1),
//
// and F(x) = 1/2 + (1/π) ∫_0^∞ sin(xt)/t · e^{−t^α} dt near α = 1.
func (d SymStable) CDF(x float64) float64 {
	if !d.valid() || math.IsNaN(x) {
		return math.NaN()
	}
	z := x / d.Sigma
	if z < 0 {
		return stdSurvival(d.Alpha, -z)
	}
	return 1 - stdSurvival(d.Alpha, z)
}

// Survival returns P(X > x) = 1 − CDF(x), accurate in the far tail.
func (d SymStable) Survival(x float64) float64 {
	if !d.valid() || math.IsNaN(x) {
		return math.NaN()
	}
	z := x / d.Sigma
	if z < 0 {
		return 1 - stdSurvival(d.Alpha, -z)
	}
	return stdSurvival(d.Alpha, z)
}

// Quantile returns the x with CDF(x) = p, to about 1e-10 relative, by
// safeguarded Newton iteration on the CDF. It is NaN for p outside [0, 1]
// and ±Inf at 0 and 1.
func (d SymStable) Quantile(p float64) float64 {
	if !d.valid() || !(p >= 0 && p <= 1) {
		return math.NaN()
	}
	switch {
	case p == 0.5:
		return 0
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	case p < 0.5:
		return -d.Sigma * stdUpperQuantile(d.Alpha, p)
	}
	return d.Sigma * stdUpperQuantile(d.Alpha, 1-p)
}

// stdUpperQuantile returns x > 0 with P(X > x) = q, 0 < q < 1/2, σ = 1.
func stdUpperQuantile(a, q float64) float64 {
	switch a {
	case 1:
		return math.Tan(math.Pi * (0.5 - q))
	case 2:
		return 2 * math.Erfcinv(2*q) // N(0, 2): P(X > x) = erfc(x/2)/2
	}
	// Bracket [lo, hi] with S(lo) ≥ q ≥ S(hi).
	lo, hi := 0.0, 1.0
	for stdSurvival(a, hi) > q {
		lo, hi = hi, 2*hi
		if hi > 1e300 {
			return math.Inf(1)
		}
	}
	x := (lo + hi) / 2
	for range 200 {
		s := stdSurvival(a, x) - q
		if s > 0 {
			lo = x
		} else {
			hi = x
		}
		nx := x + s/stdPDF(a, x) // Newton: S'(x) = −f(x)
		if !(nx > lo && nx < hi) {
			nx = (lo + hi) / 2
		}
		if math.Abs(nx-x) <= 1e-13*x || hi-lo <= 1e-13*hi {
			return nx
		}
		x = nx
	}
	return x
}

// nearCauchy is the half-width of the band around α = 1 where Zolotarev's
// integrand is too sharp and the Fourier inversion is used instead.
const nearCauchy = 0.02

// stdPDF is the SαS(1) density at x ≥ 0.
func stdPDF(a, x float64) float64 {
	switch {
	case a == 2:
		return math.Exp(-x*x/4) / (2 * math.SqrtPi)
	case a == 1:
		return 1 / (math.Pi * (1 + x*x))
	case x == 0:
		return math.Gamma(1+1/a) / math.Pi
	case math.IsInf(x, 1):
		return 0
	case a > 1 && x < smallX:
		return smallPDF(a, x)
	case math.Abs(a-1) < nearCauchy:
		if x >= tailX {
			return tailPDF(a, x)
		}
		return fourierPDF(a, x)
	}
	return zolotarevPDF(a, x)
}

// smallX is where the convergent series replaces the integrals for α > 1
// (Zolotarev's integrand degenerates as x → 0 near α = 2).
const smallX = 0.3

// smallPDF is the series f(x) = 1/(πα) Σ_{k≥0} (−1)^k Γ((2k+1)/α)/(2k)! x^{2k},
// convergent for α > 1; at x < 0.3 its terms fall faster than 0.09^k.
func smallPDF(a, x float64) float64 {
	s := 0.0
	x2 := x * x
	p := 1.0 // x^{2k}/(2k)!
	for k := 0; k < 40; k++ {
		kf := float64(k)
		if k > 0 {
			p *= x2 / ((2*kf - 1) * 2 * kf)
		}
		t := math.Gamma((2*kf+1)/a) * p
		if k%2 == 1 {
			t = -t
		}
		s += t
		if math.Abs(t) < 1e-17*math.Abs(s) {
			break
		}
	}
	return s / (math.Pi * a)
}

// smallCDF is F(x) − 1/2 = 1/(πα) Σ_{k≥0} (−1)^k Γ((2k+1)/α)/(2k+1)! x^{2k+1}, the
// integral of smallPDF.
func smallCDF(a, x float64) float64 {
	s := 0.0
	x2 := x * x
	p := x // x^{2k+1}/(2k+1)!
	for k := 0; k < 40; k++ {
		kf := float64(k)
		if k > 0 {
			p *= x2 / (2 * kf * (2*kf + 1))
		}
		t := math.Gamma((2*kf+1)/a) * p
		if k%2 == 1 {
			t = -t
		}
		s += t
		if math.Abs(t) < 1e-17*math.Abs(s) {
			break
		}
	}
	return s / (math.Pi * a)
}

// stdSurvival is P(X > x) for SαS(1), x ≥ 0.
func stdSurvival(a, x float64) float64 {
	switch {
	case x == 0:
		return 0.5
	case math.IsInf(x, 1):
		return 0
	case a == 2:
		return math.Erfc(x/2) / 2
	case a == 1:
		return 0.5 - math.Atan(x)/math.Pi
	case a > 1 && x < smallX:
		return 0.5 - smallCDF(a, x)
	case math.Abs(a-1) < nearCauchy:
		if x >= tailX {
			return tailSurvival(a, x)
		}
		return 0.5 - fourierCDF(a, x)
	}
	return zolotarevSurvival(a, x)
}

// logG returns log g(θ) = ζ log x + ζ log(cos θ / sin αθ) + log(cos((α−1)θ)/cos θ).
func logG(a, logx, th float64) float64 {
	zeta := a / (a - 1)
	c := math.Cos(th)
	return zeta*(logx+math.Log(c)-math.Log(math.Sin(a*th))) + math.Log(math.Cos((a-1)*th)) - math.Log(c)
}

// peak returns θ* in (0, π/2) where log g(θ*) = 0, or a non-positive
// value when there is none. log g is monotone in θ.
func peak(a, logx float64) float64 {
	lo, hi := 1e-12, math.Pi/2-1e-12
	glo, ghi := logG(a, logx, lo), logG(a, logx, hi)
	if math.IsNaN(glo) || math.IsNaN(ghi) || (glo > 0) == (ghi > 0) {
		return -1
	}
	for range 60 {
		m := (lo + hi) / 2
		if (logG(a, logx, m) > 0) == (glo > 0) {
			lo = m
		} else {
			hi = m
		}
	}
	return (lo + hi) / 2
}

func zolotarevPDF(a, x float64) float64 {
	lx := math.Log(x)
	h := func(th float64) float64 {
		lg := logG(a, lx, th)
		if lg > 700 {
			return 0
		}
		return math.Exp(lg - math.Exp(lg))
	}
	return a / (math.Pi * math.Abs(a-1) * x) * integrateSplit(h, peak(a, lx), func(th float64) float64 { return logG(a, lx, th) })
}

func zolotarevSurvival(a, x float64) float64 {
	lx := math.Log(x)
	h := func(th float64) float64 {
		lg := logG(a, lx, th)
		if lg > 700 {
			return 0
		}
		return math.Exp(-math.Exp(lg))
	}
	in := integrateSplit(h, peak(a, lx), func(th float64) float64 { return logG(a, lx, th) }) / math.Pi
	if a < 1 {
		return 0.5 - in
	}
	return in
}

// integrateSplit integrates h over (0, π/2), where h peaks at s (h is
// exp(u − e^u) or exp(−e^u) of u = log g(θ)). Quadrature nodes could all miss
// a narrow peak, so the interval is cut at s ± w·4^k, w being the width
// 1/|du/dθ| of the peak, and each piece is integrated adaptively.
func integrateSplit(h func(float64) float64, s float64, lg func(float64) float64) float64 {
	const top = math.Pi / 2
	if s <= 0 || s >= top {
		return adaptive(h, 0, top)
	}
	d := 1e-7 * min(s, top-s)
	w := 2 * d / math.Abs(lg(s+d)-lg(s-d))
	if !(w > 0) || w > top {
		w = top
	}
	sum := 0.0
	a := s
	for k := w; ; k *= 4 { // pieces to the right of the peak
		b := min(s+k, top)
		sum += adaptive(h, a, b)
		if b == top {
			break
		}
		a = b
	}
	b := s
	for k := w; ; k *= 4 { // and to the left
		a := max(s-k, 0)
		sum += adaptive(h, a, b)
		if a == 0 {
			break
		}
		b = a
	}
	return sum
}

// tailPDF is the series of the density for large x (Zolotarev; Nolan
// 2020, §3.9): f(x) = (1/π) Σ_{k≥1} (−1)^{k+1} Γ(αk+1)/k! · sin(kπα/2) ·
// x^{−αk−1}. It converges for α < 1 and is asymptotic for α > 1; terms are
// added until they fall below 1e-17 of the sum or start to grow. It is used
// near α = 1 only, for x ≥ tailX, where 30 terms reach 1e-16.
func tailPDF(a, x float64) float64 {
	return tailSeries(a, x, true) / math.Pi
}

// tailSurvival integrates tailPDF from x to ∞: the terms become
// Γ(αk)/k! · sin(kπα/2) · x^{−αk}.
func tailSurvival(a, x float64) float64 {
	return tailSeries(a, x, false) / math.Pi
}

func tailSeries(a, x float64, pdf bool) float64 {
	s, prev := 0.0, math.Inf(1)
	lx := math.Log(x)
	for k := 1; k <= 30; k++ {
		kf := float64(k)
		var lg float64
		if pdf {
			lg, _ = math.Lgamma(a*kf + 1)
			lg -= (a*kf + 1) * lx
		} else {
			lg, _ = math.Lgamma(a * kf)
			lg -= a * kf * lx
		}
		lk, _ := math.Lgamma(kf + 1)
		t := math.Exp(lg-lk) * math.Sin(kf*math.Pi*a/2)
		if k%2 == 0 {
			t = -t
		}
		at := math.Exp(lg - lk)
		if at > prev { // the asymptotic series starts to diverge
			break
		}
		s += t
		prev = at
		if at < 1e-17*math.Abs(s) {
			break
		}
	}
	return s
}

// tailX is where the tail series takes over from the Fourier inversion
// near α = 1.
const tailX = 10

// fourierPDF is (1/π) ∫_0^∞ cos(xt) e^{−t^α} dt, by Gauss–Legendre panels
// no wider than a quarter period of cos(xt), up to e^{−t^α} < 1e-17.
func fourierPDF(a, x float64) float64 {
	return fourier(a, x, func(t float64) float64 { return math.Cos(x * t) }) / math.Pi
}

// fourierCDF is F(x) − 1/2 = (1/π) ∫_0^∞ sin(xt)/t · e^{−t^α} dt.
func fourierCDF(a, x float64) float64 {
	return fourier(a, x, func(t float64) float64 {
		if t == 0 {
			return x
		}
		return math.Sin(x*t) / t
	}) / math.Pi
}

func fourier(a, x float64, k func(float64) float64) float64 {
	top := math.Pow(40, 1/a)
	w := 1.0
	if x > 0 {
		w = min(w, math.Pi/(2*x))
	}
	n := int(math.Ceil(top / w))
	h := func(t float64) float64 { return k(t) * math.Exp(-math.Pow(t, a)) }
	s := 0.0
	for i := 0; i < n; i++ {
		s += adaptive(h, float64(i)*top/float64(n), float64(i+1)*top/float64(n))
	}
	return s
}
