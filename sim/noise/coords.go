package noise

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/tailscope/tailscope/estimator"
)

// Per-coordinate noise: the Gaussianity objection to the paper's pooled estimate. Pooling the
// noise of all M parameters into one sample mixes coordinates of very different scales, and a
// scale mixture of Gaussians looks heavy-tailed when pooled although each coordinate may be
// Gaussian (Panigrahi et al. 2019; docs/science.md#per-coordinate). So for a sample of
// coordinates (the same in every measurement of a network) the measurement also keeps each one's noise across the P minibatches and reports
// the distribution of per-coordinate α̂, the fraction of coordinates that an Anderson–Darling
// test rejects as Gaussian at 5 % (about 5 % if they are Gaussian), and the pooled α̂ after
// standardising each coordinate. It costs Coords × P values of memory.

// DefaultCoords is how many coordinates are sampled for the per-coordinate analysis.
const DefaultCoords = 256

// CoordBins is the number of bins of the histogram of per-coordinate α̂ over (0, 2].
const CoordBins = 20

// ADLevel is the level of the per-coordinate Gaussianity test.
const ADLevel = 0.05

// PerCoord is the per-coordinate analysis of one measurement.
type PerCoord struct {
	Coords   int `json:"coords"`   // coordinates analysed (sampled, not constant)
	Constant int `json:"constant"` // sampled coordinates whose noise is constant (dead units), left out
	Values   int `json:"values"`   // values per coordinate: the minibatches used

	// AlphaQuartiles are the minimum, quartiles and maximum of the per-coordinate Mohammadi
	// α̂ (K1 = PaperK1(Values)); AlphaHist counts them in CoordBins bins over (0, 2].
	AlphaQuartiles [5]float64 `json:"alpha_quartiles"`
	AlphaHist      []int      `json:"alpha_hist"`
	// Tested counts the coordinates the Anderson–Darling test ran on (it needs 8 values), and
	// Rejected is the fraction of them it rejects as Gaussian at ADLevel; Gaussian coordinates
	// give about ADLevel.
	Tested   int     `json:"tested"`
	Rejected float64 `json:"rejected"`
	// Raw is the pooled Mohammadi α̂ of the sampled coordinates as they are; Standardised the
	// same after each coordinate is centred on its median and divided by its interquartile
	// range over 1.349 (its standard deviation if it is Gaussian).
	Raw          estimator.Estimate `json:"raw"`
	Standardised estimator.Estimate `json:"standardised"`
}

// coordSampler keeps the noise of a few coordinates across the minibatches.
type coordSampler struct {
	pos  []int       // sorted distinct positions in 0 … M−1
	cols [][]float64 // cols[c][j]: the noise of coordinate pos[c] in batch j
}

// newCoordSampler samples k distinct coordinates of M (all of them when k ≥ M; none when
// k < 0; DefaultCoords when k = 0). The choice depends on M and k only, not on the measurement's
// seed, so that every measurement of a training run looks at the same coordinates and the
// per-coordinate results can be followed across iterations.
func newCoordSampler(M, k int) *coordSampler {
	if k == 0 {
		k = DefaultCoords
	}
	if k < 0 {
		return nil
	}
	k = min(k, M)
	r := rand.New(rand.NewPCG(uint64(M), 0xC00D5))
	pos := r.Perm(M)[:k]
	slices.Sort(pos)
	return &coordSampler{pos: pos, cols: make([][]float64, k)}
}

// add records the noise vector of one minibatch.
func (s *coordSampler) add(d []float64) {
	if s == nil {
		return
	}
	for c, p := range s.pos {
		s.cols[c] = append(s.cols[c], d[p])
	}
}

// AnalyzeCoords analyses cols[c], the noise of coordinate c across minibatches (all of one
// length, at least 8).
func AnalyzeCoords(cols [][]float64) *PerCoord {
	out := &PerCoord{AlphaHist: make([]int, CoordBins)}
	var alphas []float64
	var kept, scaled [][]float64 // the non-constant columns, as they are and rescaled
	rejected := 0
	for _, col := range cols {
		out.Values = len(col)
		_, sd := stat.MeanStdDev(col, nil)
		if !(sd > 0) {
			out.Constant++
			continue
		}
		out.Coords++
		if _, p, err := AndersonDarling(col); err == nil {
			out.Tested++
			if p < ADLevel {
				rejected++
			}
		}
		if e, err := (estimator.Mohammadi{K1: estimator.PaperK1(len(col))}).Estimate(col); err == nil {
			alphas = append(alphas, e.Alpha)
			b := int(math.Ceil(e.Alpha/2*CoordBins)) - 1
			out.AlphaHist[max(0, min(b, CoordBins-1))]++
		}
		kept = append(kept, col)
		// Centre and scale robustly (median, interquartile range / 1.349, the σ of a Gaussian):
		// the sample standard deviation of a heavy-tailed column is set by its largest values,
		// and dividing by it would thin the pooled tail (α̂ of 1.5-stable columns rises to ≈ 1.7).
		sorted := slices.Sorted(slices.Values(col))
		med := stat.Quantile(0.5, stat.LinInterp, sorted, nil)
		iqr := stat.Quantile(0.75, stat.LinInterp, sorted, nil) - stat.Quantile(0.25, stat.LinInterp, sorted, nil)
		scale := iqr / 1.349
		if !(scale > 0) {
			scale = sd
		}
		z := make([]float64, len(col))
		for j, v := range col {
			z[j] = (v - med) / scale
		}
		scaled = append(scaled, z)
	}
	if out.Coords == 0 {
		return out
	}
	if out.Tested > 0 {
		out.Rejected = float64(rejected) / float64(out.Tested)
	}
	if len(alphas) > 0 {
		slices.Sort(alphas)
		for i, q := range []float64{0, 0.25, 0.5, 0.75, 1} {
			out.AlphaQuartiles[i] = stat.Quantile(q, stat.Empirical, alphas, nil)
		}
	}
	// Pool as the paper does: batch after batch, coordinates in order within a batch, so that
	// a block of K1 consecutive values mixes coordinates (pooled column by column, each block
	// would hold one coordinate and the estimate would answer another question).
	raw, std := batchMajor(kept), batchMajor(scaled)
	out.Raw = estimate("mohammadi", func() (estimator.Estimate, error) {
		return estimator.Mohammadi{K1: estimator.PaperK1(len(raw))}.Estimate(raw)
	})
	out.Standardised = estimate("mohammadi", func() (estimator.Estimate, error) {
		return estimator.Mohammadi{K1: estimator.PaperK1(len(std))}.Estimate(std)
	})
	return out
}

// batchMajor interleaves columns of one length: value j of every column, then value j+1, ….
func batchMajor(cols [][]float64) []float64 {
	if len(cols) == 0 {
		return nil
	}
	out := make([]float64, 0, len(cols)*len(cols[0]))
	for j := range cols[0] {
		for _, c := range cols {
			out = append(out, c[j])
		}
	}
	return out
}

// AndersonDarling tests x for normality with the mean and variance estimated from x (Stephens'
// case 3): it returns the modified statistic A*² = A²(1 + 0.75/n + 2.25/n²) and its p-value from
// D'Agostino & Stephens (1986, Table 4.9). gonum has no Anderson–Darling test. It needs n ≥ 8
// and a non-constant x.
func AndersonDarling(x []float64) (aStar, p float64, err error) {
	n := len(x)
	if n < 8 {
		return 0, 0, fmt.Errorf("noise: Anderson–Darling needs at least 8 values, got %d", n)
	}
	mean, sd := stat.MeanStdDev(x, nil)
	if !(sd > 0) {
		return 0, 0, fmt.Errorf("noise: Anderson–Darling on constant values")
	}
	z := make([]float64, n)
	for i, v := range x {
		z[i] = (v - mean) / sd
	}
	slices.Sort(z)
	var s float64
	for i := range n {
		// log Φ(z_i) + log(1 − Φ(z_{n−1−i})) = log Φ(z_i) + log Φ(−z_{n−1−i}), accurate in both tails.
		s += float64(2*i+1) * (logPhi(z[i]) + logPhi(-z[n-1-i]))
	}
	fn := float64(n)
	a2 := -fn - s/fn
	aStar = a2 * (1 + 0.75/fn + 2.25/(fn*fn))
	switch {
	case aStar >= 0.6:
		p = math.Exp(1.2937 - 5.709*aStar + 0.0186*aStar*aStar)
	case aStar >= 0.34:
		p = math.Exp(0.9177 - 4.279*aStar - 1.38*aStar*aStar)
	case aStar >= 0.2:
		p = 1 - math.Exp(-8.318+42.796*aStar-59.938*aStar*aStar)
	default:
		p = 1 - math.Exp(-13.436+101.14*aStar-223.73*aStar*aStar)
	}
	return aStar, min(max(p, 0), 1), nil
}

// logPhi is log Φ(z), the log of the standard normal CDF.
func logPhi(z float64) float64 {
	if v := 0.5 * math.Erfc(-z/math.Sqrt2); v > 0 {
		return math.Log(v)
	}
	// Far in the lower tail (z < −37): Φ(z) ≈ φ(z)/|z|.
	return -0.5*z*z - math.Log(-z) - 0.5*math.Log(2*math.Pi)
}
