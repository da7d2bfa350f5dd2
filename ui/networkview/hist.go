package networkview

import (
	"math"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/noise"
)

// HistBins is the number of bins of the noise histogram.
const HistBins = noise.SampleBins

// NoiseHistogram is the histogram of one measurement's noise values (the seeded subsample
// the estimators saw, sim/noise's Measurement.Sample) with two laws fitted to it.
//
// Exact zeros (from dead ReLU units) are left out and counted in Zeros; the bins cover
// [−Lim, Lim] with Lim the 99.9% quantile of |x|, and Clipped counts the values beyond.
// Both fits match the median of |x|, the middle of the data, so that their tails can be
// compared fairly: SαS(σ) with α = α̂ and σ = median|x| / Q₀.₇₅(SαS(1)), and N(0, s²) with
// s = median|x| / Φ⁻¹(0.75). Density is count / (nonzero values × bin width).
type NoiseHistogram struct {
	Iter    int
	Alpha   float64 // α̂ of the measurement, the SαS fit's α
	Sigma   float64 // the SαS fit's scale
	Std     float64 // the Gaussian fit's standard deviation
	Lim     float64
	Edges   []float64 // HistBins+1 bin edges
	Density []float64 // HistBins densities
	N       int       // values in the sample
	Zeros   int       // of which exactly zero
	Clipped int       // nonzero values beyond ±Lim
	// CurveX are CurvePoints abscissae over [−Lim, Lim], and Stable and Gauss the fitted
	// densities there (computed once: an SαS density costs about 0.1 ms a point).
	CurveX, Stable, Gauss []float64
}

// CurvePoints is the number of points of the fitted densities.
const CurvePoints = 161

// probit75 is Φ⁻¹(0.75), the upper quartile of N(0, 1).
const probit75 = 0.6744897501960817

// NewNoiseHistogram bins sample and fits the laws; alpha is the measurement's α̂. It returns
// nil when fewer than 10 values are nonzero (nothing to draw).
func NewNoiseHistogram(sample []float64, iter int, alpha float64) *NoiseHistogram {
	return newNoiseHistogram(sample, iter, alpha, nil)
}

// newNoiseHistogram is NewNoiseHistogram calling pause, if not nil, every few curve
// points (a browser's page yields there: the SαS density costs about 0.5 ms a point).
func newNoiseHistogram(sample []float64, iter int, alpha float64, pause func()) *NoiseHistogram {
	return histogramOf(noise.NewSampleHistogram(sample), iter, alpha, pause)
}

// histogramOf fits the laws to a binned sample: the one a measurement in this page drew, or
// the one a result from elsewhere (a server run, a stored share) kept. It returns nil for nil.
func histogramOf(b *noise.SampleHistogram, iter int, alpha float64, pause func()) *NoiseHistogram {
	if b == nil || !(b.Lim > 0) || !(b.Median > 0) || len(b.Counts) == 0 {
		return nil
	}
	med := b.Median
	h := &NoiseHistogram{Iter: iter, Alpha: alpha, N: b.N, Zeros: b.Zeros, Clipped: b.Clipped, Lim: b.Lim,
		Edges: b.Edges(), Density: b.Density()}
	h.Std = med / probit75
	if a := math.Min(2, alpha); a > 0.1 {
		h.Alpha = a
		h.Sigma = med / estimator.SymStable{Alpha: a, Sigma: 1}.Quantile(0.75)
	}
	for i := range CurvePoints {
		if pause != nil && i%16 == 15 {
			pause()
		}
		x := -h.Lim + 2*h.Lim*float64(i)/(CurvePoints-1)
		h.CurveX = append(h.CurveX, x)
		h.Stable = append(h.Stable, h.StableDensity(x))
		h.Gauss = append(h.Gauss, h.GaussDensity(x))
	}
	return h
}

// StableDensity is the SαS fit's density at x, 0 when there is no fit.
func (h *NoiseHistogram) StableDensity(x float64) float64 {
	if h.Sigma <= 0 {
		return 0
	}
	return estimator.SymStable{Alpha: h.Alpha, Sigma: h.Sigma}.Prob(x)
}

// GaussDensity is the Gaussian fit's density at x.
func (h *NoiseHistogram) GaussDensity(x float64) float64 {
	z := x / h.Std
	return math.Exp(-z*z/2) / (h.Std * math.Sqrt(2*math.Pi))
}
