// Package noise measures the stochastic gradient noise of a network as Şimşekli et al. (2019)
// do (docs/science.md#protocol): split the training set into P fixed minibatches of the training batch
// size b (examples [jb, (j+1)b) form batch j; the last n mod b examples are left out, or
// with KeepLast form a short last batch as in the reference code), compute
// each minibatch gradient g_j and their mean ḡ (the full gradient), and estimate the tail
// index α of the noise values g_j − ḡ.
//
// The estimate is streamed: a first pass over the batches accumulates ḡ, a second recomputes
// each g_j and feeds g_j − ḡ to one-pass Mohammadi estimators, so memory is O(M) for M
// parameters, never the P×M matrix. The values are pooled as the reference code pools them:
// batch after batch, and within a batch in parameter order (layer by layer, each layer's
// out×in weights row-major), so a block of K1 consecutive values mixes parameters of one
// batch. N = P·M and K1 = estimator.PaperK1(N), the largest divisor of N not above √N.
//
// Recorded per measurement: α̂ pooled with zeros skipped (the estimator package's default),
// α̂ with zeros kept and log(|x| + 2^−52) as the reference code computes it, the fraction of
// noise values that are exactly zero (dead ReLU units give whole zero columns), α̂ per layer
// (each layer's values pooled the same way, K1 = PaperK1(P·M_l)), and the other estimators
// (McCulloch, Hill, Koutrouvelis, the order-statistics Mohammadi variant and the batch
// Mohammadi) on a seeded uniform random subsample of the noise values, reported as such.
//
// Also recorded: the noise norm ‖g_j − ḡ‖₂ of each batch used, as the reference code logs
// it, and their histogram.
//
// The gradients are a float32 network's or, in native builds, a float64 network's
// (Model.NewGradient64, FC64), each measured as it is; ḡ, the noise values and every sum over
// them are float64 in both cases.
//
// A cheaper mode uses P' < P of the batches, evenly spaced (batch ⌊jP/P'⌋ for j < P'),
// with ḡ their mean; Measurement.Full is then false.
package noise

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/estimator/hist"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/nn"
	"gonum.org/v1/gonum/floats"
)

// DefaultSubsample is the size of the subsample the other estimators see.
const DefaultSubsample = 20000

// Config says how to measure.
type Config struct {
	Batch   int // minibatch size b, the training batch size
	Batches int // P' batches to use, ≥ 2; 0 means all P = ⌊n/b⌋
	// KeepLast keeps the short last batch of the n mod b last examples, as the reference
	// code's data loader does: P = ⌈n/b⌉, the last gradient the mean over its own examples,
	// and the loss and accuracy weighted by examples.
	KeepLast bool
	// Subsample is the number of noise values drawn (uniformly, without replacement, with
	// Seed) for the other estimators; 0 means DefaultSubsample, < 0 none.
	Subsample int
	// Coords is the number of coordinates whose noise across the minibatches is kept for the
	// per-coordinate analysis (coords.go); 0 means DefaultCoords, < 0 none.
	Coords int
	Seed   uint64
	// Workers bounds the goroutines computing gradients; 0 means runtime.GOMAXPROCS(0).
	// With one, gradients are summed and streamed in batch order on one goroutine; with
	// more, MeasureModel cuts the batches into that many ranges, each summed and streamed on
	// its own goroutine and merged in order (MeasureSplit), which equals the one-worker
	// result to about 1e-13 relative (the sums are associated differently), and the same
	// on every run with the same number of workers.
	Workers int
	// Progress, if not nil, is called after each batch of each pass with the batches done
	// and the total (2 per batch used).
	Progress func(done, total int) `json:"-"`
}

// Measurement is one noise measurement.
type Measurement struct {
	P      int  `json:"p"`      // minibatches in the training set, ⌊n/b⌋
	Used   int  `json:"used"`   // minibatches used: P, or P' in the cheaper mode
	Full   bool `json:"full"`   // Used == P: the paper's protocol
	Params int  `json:"params"` // M, the network's parameters
	N      int  `json:"n"`      // noise values, Used·M
	K1     int  `json:"k1"`     // block size of the pooled estimate

	Alpha    estimator.Estimate   `json:"alpha"`     // pooled Mohammadi, exact zeros skipped
	AlphaRef estimator.Estimate   `json:"alpha_ref"` // pooled Mohammadi, zeros kept (reference code)
	ZeroFrac float64              `json:"zero_frac"` // fraction of noise values exactly 0
	Layers   []estimator.Estimate `json:"layers"`    // per layer, zeros skipped
	PerCoord *PerCoord            `json:"per_coord,omitempty"`
	// Others are the other estimators on a random subsample of Subsample noise values.
	Others    []estimator.Estimate `json:"others,omitempty"`
	Subsample int                  `json:"subsample"`
	// Sample is that subsample itself, in position order, for plots (the browser's noise
	// histogram); not serialised, to keep results small: SampleHist, its histogram, is.
	Sample     []float64        `json:"-"`
	SampleHist *SampleHistogram `json:"sample_hist,omitempty"`

	// Loss and accuracy over the examples of the batches used, at the measured weights.
	TrainLoss     float64 `json:"train_loss"`
	TrainAcc      float64 `json:"train_acc"`
	TrainExamples int     `json:"train_examples"`
	GradNorm      float64 `json:"grad_norm"` // ‖ḡ‖₂

	// Norms are the noise norms ‖g_j − ḡ‖₂ of the batches used, in order (the reference
	// code's noise_norm), and NormHist their histogram.
	Norms    []float64 `json:"norms,omitempty"`
	NormHist Histogram `json:"norm_hist"`
}

// NormBins is the number of bins of a Measurement's NormHist.
const NormBins = 20

// Histogram is a histogram with NormBins equal bins over [Lo, Hi].
type Histogram struct {
	Lo     float64   `json:"lo"`
	Hi     float64   `json:"hi"`
	Counts []float64 `json:"counts"`
}

// NormHistogram bins the noise norms x over [0, max x] (estimator/hist).
func NormHistogram(x []float64) Histogram {
	hi := 0.0
	for _, v := range x {
		hi = max(hi, v)
	}
	if !(hi > 0) || math.IsInf(hi, 0) {
		return Histogram{}
	}
	b := hist.Equal(x, 0, hi, NormBins)
	return Histogram{Lo: 0, Hi: hi, Counts: b.Counts}
}

// SampleBins is the number of bins of a SampleHistogram.
const SampleBins = 41

// SampleHistogram is the histogram of a noise sample that a result keeps in place of the
// values, so that a result computed elsewhere (a server run, a stored share) can still be
// drawn. Exact zeros (dead ReLU units), NaNs and infinities are left out and counted in Zeros;
// the SampleBins equal bins cover [−Lim, Lim], Lim the 99.9% quantile of |x|, and Clipped
// counts the nonzero values beyond; Median is the median of |x|, to which fitted laws are
// matched.
type SampleHistogram struct {
	N       int       `json:"n"`       // values in the sample
	Zeros   int       `json:"zeros"`   // of which exactly zero (or not finite)
	Clipped int       `json:"clipped"` // nonzero values beyond ±Lim
	Lim     float64   `json:"lim"`
	Median  float64   `json:"median"`
	Counts  []float64 `json:"counts"` // SampleBins counts over [−Lim, Lim]
}

// NewSampleHistogram bins sample; it returns nil when fewer than 10 values are nonzero or
// they have no spread (nothing to draw).
func NewSampleHistogram(sample []float64) *SampleHistogram {
	vals := make([]float64, 0, len(sample))
	for _, x := range sample {
		if x != 0 && !math.IsNaN(x) && !math.IsInf(x, 0) {
			vals = append(vals, x)
		}
	}
	if len(vals) < 10 {
		return nil
	}
	// One sort: the binning wants the values sorted, and |x| sorted is the negative values
	// from the last to the first, negated, merged with the positive ones. Sorting |x| on its
	// own as well took twice the time: 3.3 against 1.7 ms for 20 000 values (AMD EPYC), in
	// every measurement's last, serial step.
	slices.Sort(vals)
	abs := sortedAbs(vals)
	h := &SampleHistogram{N: len(sample), Zeros: len(sample) - len(abs),
		Lim: hist.Quantile(abs, 0.999), Median: hist.Quantile(abs, 0.5)}
	if !(h.Lim > 0) || !(h.Median > 0) {
		return nil
	}
	b := hist.Equal(vals, -h.Lim, h.Lim, SampleBins)
	h.Counts, h.Clipped = b.Counts, b.Below+b.Above
	return h
}

// sortedAbs returns |x| of the sorted, nonzero values vals, sorted.
func sortedAbs(vals []float64) []float64 {
	abs := make([]float64, 0, len(vals))
	pos, _ := slices.BinarySearch(vals, 0) // vals[:pos] < 0 < vals[pos:]
	i, j := pos-1, pos
	for i >= 0 && j < len(vals) {
		if -vals[i] <= vals[j] {
			abs = append(abs, -vals[i])
			i--
		} else {
			abs = append(abs, vals[j])
			j++
		}
	}
	for ; i >= 0; i-- {
		abs = append(abs, -vals[i])
	}
	return append(abs, vals[j:]...)
}

// Edges returns the SampleBins+1 bin edges.
func (h *SampleHistogram) Edges() []float64 {
	return floats.Span(make([]float64, len(h.Counts)+1), -h.Lim, h.Lim)
}

// Density returns each bin's density: count over (nonzero values × bin width).
func (h *SampleHistogram) Density() []float64 {
	b := hist.Bins{Edges: h.Edges(), Counts: h.Counts}
	return b.Density(h.N - h.Zeros)
}

// ErrNoFloat64 is the error of a measurement of float64 gradients (Model.NewGradient64) in
// the browser's build, which measures float32 gradients only.
var ErrNoFloat64 = errors.New("noise: float64 gradients are not measured in this build")

// Model is a network whose gradient noise is measured: any architecture (sim/nn's fully
// connected nets, sim/convnet's convolutional ones) whose parameters lie in one flat vector.
type Model struct {
	Params int // M, the number of parameters
	Dim    int // the dimension of one input
	// Offsets[l] is the index of layer l's first parameter (the per-layer α̂ pools layer l's
	// values [Offsets[l], Offsets[l+1])); the last is Params.
	Offsets []int
	// NewGradient returns a function that sets grad (Params values) to the gradient of the
	// mean loss over a batch of up to batch examples x with labels y. Each worker calls
	// NewGradient once, and uses its function on one goroutine only.
	NewGradient func(batch int) func(x []float32, y []uint8, grad []float32) (nn.Stats, error)
	// NewGradient64, if not nil, is used in place of NewGradient: a float64 network's
	// gradients, measured as they are (the sums and the noise values are float64 in both
	// cases). Native builds only: the browser's build refuses it (ErrNoFloat64).
	NewGradient64 func(batch int) func(x []float32, y []uint8, grad []float64) (nn.Stats, error)
}

// FC returns the Model of a fully connected network with loss.
func FC(net *nn.Net, loss nn.Loss) Model {
	return Model{Params: net.NumParams(), Dim: net.Sizes[0], Offsets: layerOffsets(net.Layers(), net.Offset),
		NewGradient: func(batch int) func([]float32, []uint8, []float32) (nn.Stats, error) {
			ws := net.NewWorkspace(batch)
			return func(x []float32, y []uint8, grad []float32) (nn.Stats, error) {
				return ws.Gradient(net, loss, x, y, grad)
			}
		}}
}

// layerOffsets returns the layers+1 offsets of a fully connected net's layers in its flat
// parameter vector (FC, FC64).
func layerOffsets(layers int, offset func(l int) int) []int {
	offs := make([]int, layers+1)
	for l := range offs {
		offs[l] = offset(l)
	}
	return offs
}

// Measure measures the gradient noise of net with loss on set.
func Measure(ctx context.Context, net *nn.Net, loss nn.Loss, set *data.Set, cfg Config) (*Measurement, error) {
	return MeasureModel(ctx, FC(net, loss), set, cfg)
}

// GradientFunc sets g (one value per parameter, in Net.Params' layout) to the gradient of the
// mean loss over the examples x with labels y, and returns the loss statistics.
type GradientFunc func(x []float32, y []uint8, g []float32) (nn.Stats, error)

// MeasureWith is Measure with the minibatch gradients computed by grad (another device, such
// as a GPU, holding the weights), one at a time in batch order; shape gives the network's
// layer sizes (its weights are not read). Everything else, the batches, the sums and the
// estimators, is MeasureModel's, so both measure the same way.
func MeasureWith(ctx context.Context, shape *nn.Net, set *data.Set, cfg Config, grad GradientFunc) (*Measurement, error) {
	var unused nn.Loss
	m := FC(shape, unused)
	m.NewGradient = func(int) func([]float32, []uint8, []float32) (nn.Stats, error) { return grad }
	cfg.Workers = 1 // grad is one device's: one gradient at a time
	return MeasureModel(ctx, m, set, cfg)
}

// MeasureModel measures the gradient noise of model on set. With cfg.Workers of 2 and more,
// each worker computes both passes over a range of the batches, the estimators' work
// included (see Config.Workers).
func MeasureModel(ctx context.Context, model Model, set *data.Set, cfg Config) (*Measurement, error) {
	pl, err := newPlan(model, set, cfg)
	if err != nil {
		return nil, err
	}
	workers := cfg.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > 1 {
		return pl.measureSplit(ctx, workers, Parts{
			Gradient: func(ctx context.Context, lo, hi int, progress func(int)) (*GradientSums, error) {
				return pl.gradientPart(ctx, model, 1, lo, hi, progress)
			},
			Noise: func(ctx context.Context, mean []float64, start Start, lo, hi int, progress func(int)) (*NoiseSums, error) {
				return pl.noisePart(ctx, model, 1, mean, start, lo, hi, progress)
			},
		})
	}
	total := 2 * pl.used
	progress := func(base int) func(int) {
		if cfg.Progress == nil {
			return nil
		}
		return func(done int) { cfg.Progress(base+done, total) }
	}
	p1, err := pl.gradientPart(ctx, model, workers, 0, pl.used, progress(0))
	if err != nil {
		return nil, err
	}
	m, mean := pl.pass1([]*GradientSums{p1})
	p2, err := pl.noisePart(ctx, model, workers, mean, make(Start, pl.L+2), 0, pl.used, progress(pl.used))
	if err != nil {
		return nil, err
	}
	if err := pl.pass2(m, []*NoiseSums{p2}); err != nil {
		return nil, err
	}
	return m, nil
}

// estimate runs f and turns a failure into an Estimate with α = 0 and the error as a
// warning, so that one failed estimate does not lose a whole evaluation.
func estimate(method string, f func() (estimator.Estimate, error)) estimator.Estimate {
	e, err := f()
	if err != nil {
		return estimator.Estimate{Method: method, Warnings: append(e.Warnings, "failed: "+err.Error())}
	}
	return e
}

// others runs every estimator of estimator.Methods, with its defaults, on the subsample x.
func others(x []float64) []estimator.Estimate {
	var out []estimator.Estimate
	for _, m := range estimator.Methods {
		est := m.New(estimator.Config{})
		out = append(out, estimate(m.Name, func() (estimator.Estimate, error) { return est.Estimate(x) }))
	}
	return out
}

// subsamplePositions returns up to k distinct positions in [0, n), sorted, drawn uniformly
// with seed: k independent uniform draws, duplicates removed (so slightly fewer than k when
// k is not small against n). k = 0 means DefaultSubsample; k < 0 none; k ≥ n every position.
func subsamplePositions(n, k int, seed uint64) []int {
	if k == 0 {
		k = DefaultSubsample
	}
	if k < 0 {
		return nil
	}
	if k >= n {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	r := rand.New(rand.NewPCG(seed, 0x5b5a_3901e))
	out := make([]int, k)
	for i := range out {
		out[i] = r.IntN(n)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
