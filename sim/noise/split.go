package noise

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/nn"
	"gonum.org/v1/gonum/floats"
)

// A measurement in parts: the batches used are cut into consecutive ranges, and each pass
// computes each range's part on its own thread or process (the browser's Web Workers), which
// MeasureSplit merges in order. Pass 1's part is the sum of its gradients (GradientPart); pass
// 2's (NoisePart) is the state of the streamed estimators over its noise values, which go on
// where the previous range's left off: a zero-skipping stream's blocks count nonzero values,
// so a range's part must know how many came before. Pass 1 predicts it: a parameter whose
// gradient is 0 in every batch has ḡ = 0 and a noise value of exactly 0 in every batch, and
// other exact zeros are rare; a range whose prediction was wrong is computed again with the
// counts its predecessors reported. MeasureModel is the one-part case, so the two agree: exactly
// with one part, and to about 1e-13 relative with more (the sums are associated differently).

// plan is what every part of a measurement shares: the batches used and the layout.
type plan struct {
	cfg     Config
	set     *data.Set
	b, P    int
	used    int
	batches []int
	M, L, N int
	offs    []int
	k1      int
}

func newPlan(model Model, set *data.Set, cfg Config) (*plan, error) {
	b := cfg.Batch
	if b < 1 {
		return nil, fmt.Errorf("noise: batch size %d, want ≥ 1", b)
	}
	if set.Dim != model.Dim {
		return nil, fmt.Errorf("noise: data of dimension %d for a network with %d inputs", set.Dim, model.Dim)
	}
	if len(model.Offsets) < 2 || model.Offsets[len(model.Offsets)-1] != model.Params {
		return nil, fmt.Errorf("noise: layer offsets %v for %d parameters", model.Offsets, model.Params)
	}
	P := set.Len() / b
	if cfg.KeepLast {
		P = (set.Len() + b - 1) / b
	}
	used := cfg.Batches
	if used == 0 {
		used = P
	}
	if P < 2 || used < 2 || used > P {
		return nil, fmt.Errorf("noise: %d batches of %d used out of %d in %d examples: want 2 … ⌊n/b⌋", used, b, P, set.Len())
	}
	pl := &plan{cfg: cfg, set: set, b: b, P: P, used: used, batches: make([]int, used),
		M: model.Params, L: len(model.Offsets) - 1, offs: model.Offsets}
	for j := range pl.batches {
		pl.batches[j] = j * P / used
	}
	pl.N = used * pl.M
	pl.k1 = estimator.PaperK1(pl.N)
	return pl, nil
}

// batch returns the examples of batch j of the batches used.
func (pl *plan) batch(j int) (x []float32, y []uint8) {
	k, b, set := pl.batches[j], pl.b, pl.set
	hi := min((k+1)*b, set.Len())
	return set.X[k*b*set.Dim : hi*set.Dim], set.Y[k*b : hi]
}

func (pl *plan) layerK1(l int) int { return estimator.PaperK1(pl.used * (pl.offs[l+1] - pl.offs[l])) }

func (pl *plan) checkRange(lo, hi int) error {
	if lo < 0 || hi > pl.used || lo >= hi {
		return errors.New("noise: a part's batches are not among those used")
	}
	return nil
}

// GradientSums is pass 1 over the batches [Lo, Hi) of those used: the sum of their gradients,
// loss statistics, and which parameters had a gradient of exactly 0 in every one of them.
type GradientSums struct {
	Lo, Hi   int
	Sum      []float64 `json:"-"` // (left out of JSON: the Web Worker job sends it as bytes)
	LossSum  float64   // Σ of the batches' mean losses
	Weighted float64   // Σ of the mean losses times the examples
	Correct  int
	Examples int
	Zero     []uint64 // bit i%64 of word i/64: parameter i's gradient was 0 in every batch
}

// partPlan is the plan of a part of a measurement over the batches [lo, hi), checked.
func partPlan(model Model, set *data.Set, cfg Config, lo, hi int) (*plan, error) {
	pl, err := newPlan(model, set, cfg)
	if err != nil {
		return nil, err
	}
	if err := pl.checkRange(lo, hi); err != nil {
		return nil, err
	}
	return pl, nil
}

// GradientPart computes pass 1 over the batches [lo, hi) of those cfg uses; progress, if not
// nil, gets the batches done.
func GradientPart(ctx context.Context, model Model, set *data.Set, cfg Config, lo, hi int, progress func(done int)) (*GradientSums, error) {
	pl, err := partPlan(model, set, cfg, lo, hi)
	if err != nil {
		return nil, err
	}
	return pl.gradientPart(ctx, model, max(1, cfg.Workers), lo, hi, progress)
}

func (pl *plan) gradientPart(ctx context.Context, model Model, workers, lo, hi int, progress func(int)) (*GradientSums, error) {
	if model.NewGradient64 != nil {
		if float64Built {
			return gradientPartOf(ctx, pl, model.NewGradient64, workers, lo, hi, progress)
		}
		return nil, ErrNoFloat64
	}
	return gradientPartOf(ctx, pl, model.NewGradient, workers, lo, hi, progress)
}

// gradientPartOf is gradientPart with gradients of precision T from newGradient.
func gradientPartOf[T float32 | float64](ctx context.Context, pl *plan, newGradient func(int) func([]float32, []uint8, []T) (nn.Stats, error),
	workers, lo, hi int, progress func(int)) (*GradientSums, error) {
	p := &GradientSums{Lo: lo, Hi: hi, Sum: make([]float64, pl.M), Zero: make([]uint64, (pl.M+63)/64)}
	for i := range p.Zero {
		p.Zero[i] = ^uint64(0)
	}
	err := forEachGradient(ctx, newGradient, pl.M, workers, pl.b, hi-lo, func(j int) ([]float32, []uint8) { return pl.batch(lo + j) },
		func(j int, g []T, st nn.Stats) error {
			p.LossSum += st.Loss
			p.Weighted += st.Loss * float64(st.N)
			p.Correct += st.Correct
			p.Examples += st.N
			sum := p.Sum[:len(g)]
			for i, v := range g {
				sum[i] += float64(v)
				if v != 0 {
					p.Zero[i>>6] &^= 1 << (i & 63)
				}
			}
			if progress != nil {
				progress(j + 1)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// pass1 merges pass 1's parts, in order, into the measurement's first numbers and ḡ.
func (pl *plan) pass1(parts []*GradientSums) (*Measurement, []float64) {
	m := &Measurement{P: pl.P, Used: pl.used, Full: pl.used == pl.P, Params: pl.M, N: pl.N, K1: pl.k1}
	mean := make([]float64, pl.M)
	var lossSum, weighted float64
	correct, examples := 0, 0
	for _, p := range parts {
		for i, v := range p.Sum {
			mean[i] += v
		}
		lossSum += p.LossSum
		weighted += p.Weighted
		correct += p.Correct
		examples += p.Examples
	}
	var norm float64
	for i := range mean {
		mean[i] /= float64(pl.used)
		norm += mean[i] * mean[i]
	}
	m.GradNorm = math.Sqrt(norm)
	m.TrainLoss = lossSum / float64(pl.used)
	m.TrainExamples = pl.used * pl.b
	if pl.cfg.KeepLast {
		m.TrainLoss = weighted / float64(examples)
		m.TrainExamples = examples
	}
	m.TrainAcc = float64(correct) / float64(m.TrainExamples)
	return m, mean
}

// Start is where the streams stand at a range's first batch: the values counted in the open
// block of the pooled stream, the reference stream (zeros kept) and each layer's, in that order.
type Start []int

// stream returns the block size and zero rule of stream i (in Start's order).
func (pl *plan) stream(i int) (k1 int, keepZeros bool) {
	if i < 2 {
		return pl.k1, i == 1
	}
	return pl.layerK1(i - 2), false
}

// NoiseSums is pass 2 over the batches [Lo, Hi): the states of the streams (in Start's order),
// and the noise norms, per-coordinate columns and subsample values of those batches.
// The vectors are left out of its JSON: the Web Worker job sends them as bytes.
type NoiseSums struct {
	Lo, Hi  int
	Streams []estimator.MohammadiPartState
	Norms   []float64   `json:"-"`
	Coords  [][]float64 `json:"-"` // per sampled coordinate, its noise in these batches
	Sample  []float64   `json:"-"` // the subsample's values in these batches
}

// NoisePart computes pass 2 over the batches [lo, hi) of those cfg uses, given ḡ (mean) and
// where the streams stand at batch lo; progress, if not nil, gets the batches done.
func NoisePart(ctx context.Context, model Model, set *data.Set, cfg Config, mean []float64, start Start, lo, hi int, progress func(done int)) (*NoiseSums, error) {
	pl, err := partPlan(model, set, cfg, lo, hi)
	if err != nil {
		return nil, err
	}
	if len(mean) != pl.M || len(start) != pl.L+2 {
		return nil, errors.New("noise: ḡ or the streams' starts do not fit the network")
	}
	return pl.noisePart(ctx, model, max(1, cfg.Workers), mean, start, lo, hi, progress)
}

func (pl *plan) noisePart(ctx context.Context, model Model, workers int, mean []float64, start Start, lo, hi int, progress func(int)) (*NoiseSums, error) {
	if model.NewGradient64 != nil {
		if float64Built {
			return noisePartOf(ctx, pl, model.NewGradient64, workers, mean, start, lo, hi, progress)
		}
		return nil, ErrNoFloat64
	}
	return noisePartOf(ctx, pl, model.NewGradient, workers, mean, start, lo, hi, progress)
}

// noisePartOf is noisePart with gradients of precision T from newGradient.
func noisePartOf[T float32 | float64](ctx context.Context, pl *plan, newGradient func(int) func([]float32, []uint8, []T) (nn.Stats, error),
	workers int, mean []float64, start Start, lo, hi int, progress func(int)) (*NoiseSums, error) {
	M, offs := pl.M, pl.offs
	streams := make([]estimator.MohammadiStream, pl.L+2)
	for i := range streams {
		k1, keep := pl.stream(i)
		var err error
		if streams[i], err = estimator.NewMohammadiPart(k1, keep, start[i]); err != nil {
			return nil, err
		}
	}
	picks := subsamplePositions(pl.N, pl.cfg.Subsample, pl.cfg.Seed)
	next := sort.SearchInts(picks, lo*M)
	out := &NoiseSums{Lo: lo, Hi: hi, Norms: make([]float64, hi-lo), Streams: make([]estimator.MohammadiPartState, len(streams))}
	coords := newCoordSampler(M, pl.cfg.Coords)
	d := make([]float64, M)
	err := forEachGradient(ctx, newGradient, M, workers, pl.b, hi-lo, func(j int) ([]float32, []uint8) { return pl.batch(lo + j) },
		func(j int, g []T, _ nn.Stats) error {
			for i, v := range g {
				d[i] = float64(v) - mean[i]
			}
			coords.add(d)
			// one pass over the values feeds the three estimates each belongs to
			for l := range pl.L {
				estimator.AddAll(d[offs[l]:offs[l+1]], &streams[0], &streams[1], &streams[2+l])
			}
			out.Norms[j] = floats.Norm(d, 2)
			base := (lo + j) * M
			for ; next < len(picks) && picks[next] < base+M; next++ {
				out.Sample = append(out.Sample, d[picks[next]-base])
			}
			if progress != nil {
				progress(j + 1)
			}
			return nil
		})
	for i := range streams {
		if err == nil {
			out.Streams[i], err = streams[i].State()
		}
	}
	if err != nil {
		return nil, err
	}
	if coords != nil {
		out.Coords = coords.cols
	}
	return out, nil
}

// errOffset is pass2's error when a part was computed from a wrong start (a mispredicted count
// of exact zeros before it).
var errOffset = errors.New("noise: a part was computed from a wrong count of the zeros before it")

// pass2 joins pass 2's parts, in order, into m.
func (pl *plan) pass2(m *Measurement, parts []*NoiseSums) error {
	streams := make([]estimator.MohammadiStream, pl.L+2)
	for i := range streams {
		streams[i].K1, streams[i].KeepZeros = pl.stream(i)
	}
	var sub []float64
	var cols [][]float64
	m.Norms = make([]float64, 0, pl.used)
	for k, p := range parts {
		if k == 0 {
			cols = make([][]float64, len(p.Coords))
		}
		if len(p.Streams) != len(streams) || len(p.Coords) != len(cols) {
			return errors.New("noise: a part of pass 2 does not fit the measurement")
		}
		for i, st := range p.Streams {
			part, err := st.Restore()
			if err == nil {
				err = streams[i].Join(&part)
			}
			if errors.Is(err, estimator.ErrPartOffset) {
				return errOffset
			}
			if err != nil {
				return err
			}
		}
		m.Norms = append(m.Norms, p.Norms...)
		sub = append(sub, p.Sample...)
		for c := range cols {
			cols[c] = append(cols[c], p.Coords[c]...)
		}
	}
	m.ZeroFrac = float64(streams[0].Zeros()) / float64(pl.N)
	m.NormHist = NormHistogram(m.Norms)
	if len(cols) > 0 {
		m.PerCoord = AnalyzeCoords(cols)
	}
	m.Alpha = estimate("mohammadi", streams[0].Estimate)
	m.AlphaRef = estimate("mohammadi", streams[1].Estimate)
	m.Layers = make([]estimator.Estimate, pl.L)
	for l := range m.Layers {
		m.Layers[l] = estimate("mohammadi", streams[2+l].Estimate)
	}
	if len(sub) > 0 {
		m.Subsample = len(sub)
		m.Sample = sub
		m.SampleHist = NewSampleHistogram(sub)
		m.Others = others(sub)
	}
	return nil
}

// starts returns the start of each of n ranges, given how many values range k counts in
// stream i.
func (pl *plan) starts(n int, counted func(k, i int) int) []Start {
	out := make([]Start, n)
	out[0] = make(Start, pl.L+2)
	for k := 1; k < n; k++ {
		out[k] = make(Start, pl.L+2)
		for i := range out[k] {
			k1, _ := pl.stream(i)
			out[k][i] = (out[k-1][i] + counted(k-1, i)) % k1
		}
	}
	return out
}

// Bounds cuts the n batches used into parts consecutive ranges of nearly equal length:
// range k is [bounds[k], bounds[k+1]).
func Bounds(n, parts int) []int {
	parts = max(1, min(parts, n))
	b := make([]int, parts+1)
	for k := range b {
		b[k] = k * n / parts
	}
	return b
}

// Parts computes the parts of a split measurement: Gradient pass 1's over the batches
// [lo, hi), Noise pass 2's given ḡ and the start. Each is called on a goroutine of its own,
// concurrently with the other ranges'; progress takes the batches done (from any goroutine).
type Parts struct {
	Gradient func(ctx context.Context, lo, hi int, progress func(done int)) (*GradientSums, error)
	Noise    func(ctx context.Context, mean []float64, start Start, lo, hi int, progress func(done int)) (*NoiseSums, error)
}

// MeasureSplit measures as MeasureModel does, with the batches cut into parts ranges whose
// parts are computed by run (on other threads or in other processes) and merged in order:
// the result equals MeasureModel's to about 1e-13 relative (exactly with one part). model
// gives the layout only (its NewGradient is not called). cfg.Progress is called on the
// calling goroutine. A range whose stream starts were mispredicted is computed again.
func MeasureSplit(ctx context.Context, model Model, set *data.Set, cfg Config, parts int, run Parts) (*Measurement, error) {
	pl, err := newPlan(model, set, cfg)
	if err != nil {
		return nil, err
	}
	return pl.measureSplit(ctx, parts, run)
}

// measureSplit is MeasureSplit on a plan made already.
func (pl *plan) measureSplit(ctx context.Context, parts int, run Parts) (*Measurement, error) {
	cfg := pl.cfg
	bounds := Bounds(pl.used, parts)
	n := len(bounds) - 1
	var mu sync.Mutex
	done := make([]int, n) // batches done by each range in the pass in progress, under mu
	base, reported := 0, 0
	// each runs f for the ranges ks at once, passing their progress to cfg.Progress, and
	// returns the first error.
	each := func(ks []int, f func(ctx context.Context, k int, progress func(int)) error) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		errs := make(chan error, len(ks))
		tick := make(chan struct{}, 1)
		for _, k := range ks {
			go func() {
				errs <- f(ctx, k, func(d int) {
					mu.Lock()
					done[k] = d
					mu.Unlock()
					select {
					case tick <- struct{}{}:
					default:
					}
				})
			}()
		}
		var first error
		for left := len(ks); left > 0; {
			select {
			case err := <-errs:
				left--
				if err != nil && first == nil {
					first = err
					cancel()
				}
			case <-tick:
				mu.Lock()
				sum := base
				for _, d := range done {
					sum += d
				}
				mu.Unlock()
				// a range computed again does not go back, nor does a cancelled measurement
				if sum > reported && cfg.Progress != nil && ctx.Err() == nil {
					reported = sum
					cfg.Progress(sum, 2*pl.used)
				}
			}
		}
		return cmp.Or(first, ctx.Err())
	}
	all := make([]int, n)
	for k := range all {
		all[k] = k
	}
	g := make([]*GradientSums, n)
	err := each(all, func(ctx context.Context, k int, progress func(int)) error {
		var err error
		g[k], err = run.Gradient(ctx, bounds[k], bounds[k+1], progress)
		if err == nil && (len(g[k].Sum) != pl.M || len(g[k].Zero) != (pl.M+63)/64) {
			err = errors.New("noise: a part of pass 1 does not fit the network")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	m, mean := pl.pass1(g)
	// Predict the starts: the noise values that are exactly 0 are those of the parameters whose
	// gradient was 0 in every batch, the same in every batch.
	perBatch := make([]int, pl.L+2) // values each stream counts in one batch
	for l := range pl.L {
		for i := pl.offs[l]; i < pl.offs[l+1]; i++ {
			if !allZero(g, i) {
				perBatch[0]++
				perBatch[2+l]++
			}
		}
	}
	perBatch[1] = pl.M
	starts := pl.starts(n, func(k, i int) int { return (bounds[k+1] - bounds[k]) * perBatch[i] })
	clear(done)
	base = pl.used
	ns := make([]*NoiseSums, n)
	for again := false; ; again = true {
		var todo []int
		for k := range ns {
			if ns[k] == nil {
				todo = append(todo, k)
			}
		}
		err = each(todo, func(ctx context.Context, k int, progress func(int)) error {
			var err error
			ns[k], err = run.Noise(ctx, mean, starts[k], bounds[k], bounds[k+1], progress)
			return err
		})
		if err == nil {
			err = pl.pass2(m, ns)
		}
		if err != errOffset || again {
			break
		}
		// Compute again, from the counts the parts reported, the ranges whose start was wrong.
		right := pl.starts(n, func(k, i int) int { return ns[k].Streams[i].Counted() })
		for k := range ns {
			if !slices.Equal(right[k], starts[k]) {
				ns[k] = nil
			}
		}
		starts = right
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// allZero reports whether parameter i's gradient was 0 in every range of pass 1.
func allZero(g []*GradientSums, i int) bool {
	for _, p := range g {
		if p.Zero[i>>6]&(1<<(i&63)) == 0 {
			return false
		}
	}
	return true
}
