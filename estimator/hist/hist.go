// Package hist reads quantiles of samples and bins them into histograms with
// equal bins: the one implementation behind the charts of every view and the
// run summaries, on top of gonum's stat.Quantile and stat.Histogram.
//
// The tail-index estimators do not use it: McCulloch's method reads its five
// quantiles by O(n) selection (estimator's quantiles), several times faster
// than sorting on the samples of 10⁵–10⁷ values it is run on.
package hist

import (
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
)

// Quantile returns the p-quantile of the sorted values s by linear
// interpolation of the empirical CDF, gonum's stat.LinInterp: s[i] (0-based)
// is the quantile of order (i+1)/len(s), and p below 1/len(s) gives s[0].
// p is clamped to [0, 1]; it is NaN when s is empty or p is NaN. It costs a
// pass over s (gonum checks the order and accumulates counts).
func Quantile(s []float64, p float64) float64 {
	if len(s) == 0 || math.IsNaN(p) {
		return math.NaN()
	}
	return stat.Quantile(min(max(p, 0), 1), stat.LinInterp, s, nil)
}

// Bins is a histogram with equal bins.
type Bins struct {
	// Edges are the n+1 equally spaced bin edges, from lo to hi.
	Edges []float64
	// Counts[i] is the number of values in [Edges[i], Edges[i+1]); the last
	// bin holds hi too.
	Counts []float64
	// Below and Above count the values below lo and above hi.
	Below, Above int
}

// Equal bins the values x (in any order; NaNs must be left out by the caller)
// into n equal bins over [lo, hi], by gonum's stat.Histogram. x is not
// changed: when it is not sorted, a sorted copy is binned. n < 1 or a range
// that is not finite with hi > lo gives Bins with no bins, every value
// counted in Below or Above.
func Equal(x []float64, lo, hi float64, n int) Bins {
	if !slices.IsSorted(x) {
		x = slices.Clone(x)
		slices.Sort(x)
	}
	i := sort.SearchFloat64s(x, lo)                                 // first ≥ lo
	j := sort.Search(len(x), func(k int) bool { return x[k] > hi }) // first > hi
	if n < 1 || !(hi > lo) || math.IsInf(hi-lo, 0) {
		return Bins{Below: i, Above: len(x) - i}
	}
	b := Bins{Edges: floats.Span(make([]float64, n+1), lo, hi), Below: i, Above: len(x) - j}
	dividers := slices.Clone(b.Edges)
	dividers[n] = math.Nextafter(hi, math.Inf(1)) // gonum's last bin is open above
	b.Counts = stat.Histogram(nil, dividers, x[i:j], nil)
	return b
}

// Density returns each bin's count over total × bin width: a density when
// total counts every value (those outside the bins included).
func (b Bins) Density(total int) []float64 {
	out := make([]float64, len(b.Counts))
	for i, c := range b.Counts {
		out[i] = c / (float64(total) * (b.Edges[i+1] - b.Edges[i]))
	}
	return out
}
