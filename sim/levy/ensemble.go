package levy

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/tailscope/tailscope/sim/fastmath"
	"github.com/tailscope/tailscope/sim/landscape"
)

// MaxWalkers bounds Config.Walkers: an ensemble holds about 100 bytes per walker.
const MaxWalkers = 1 << 22

// Config describes an ensemble of walkers.
type Config struct {
	Landscape landscape.Landscape
	Alpha     float64 // tail index of the noise, in (0, 2]; 2 is Gaussian
	Eps       float64 // noise scale ε > 0
	Eta       float64 // step η > 0
	Walkers   int     // number of independent walkers, 1 … MaxWalkers
	// Src is the source of randomness: NewEnsemble takes one output k from it, and walker i
	// draws from its own PCG seeded with k and SplitMix64 of i, so that its stream does not
	// depend on the number of walkers or of workers. ConfigFromSpec sets a fresh
	// fastmath.NewCounter(seed), whose first output is SplitMix64(seed): two ensembles of one
	// spec share their walkers' streams.
	Src rand.Source

	// Starts lists starting points (each of length Dim); walker i starts at
	// Starts[i % len(Starts)]. Empty: every walker starts at the minimum of basin 0.
	Starts [][]float64

	// StopOnExit freezes each walker at its first exit from its starting basin.
	StopOnExit bool

	// Every SampleEvery steps (0: never) the ensemble records, for the first Trace walkers, their
	// position (a thinned trajectory), and for all walkers, how many are in each basin and a
	// histogram of the first coordinate over [HistLo, HistHi) in HistBins bins (0: none).
	SampleEvery    int
	Trace          int
	HistLo, HistHi float64
	HistBins       int

	// Workers bounds the goroutines Advance uses; 0 means runtime.GOMAXPROCS(0). The result does
	// not depend on it.
	Workers int
}

// Ensemble is a set of walkers advanced together by the Euler scheme. Its methods are not safe
// for concurrent use; Advance itself spreads the walkers over Workers goroutines. Samples
// (series, traces) accumulate for the ensemble's life: a caller that advances without end should
// choose SampleEvery accordingly.
type Ensemble struct {
	cfg    Config
	dim    int
	nb     int // number of basins
	samp   cms
	scale  float64 // ε·η^{1/α}
	l1     landscape.Landscape1D
	pos    []float64
	pcg    []rand.PCG   // walker i's stream
	rng    []*rand.Rand // a rand.Rand over pcg[i], for Gaussian draws
	basin  []int8       // current basin index + 1 (0: outside every basin)
	start  []int8       // starting basin index + 1
	exit   []int64      // step of the first exit from the starting basin, −1 if none yet
	exitTo []int8       // for exits: +1 if coordinate 0 was above the basin's minimum, −1 if below
	frozen []bool
	alive  int
	step   int64
	occ    []int64     // walker-steps spent in each basin (index basin+1)
	leaves []int64     // exits from each basin (index basin+1)
	series [][]int64   // per sample: walkers in each basin (index basin+1)
	traces [][]float64 // per traced walker: positions at the samples
	hist   []int64
	broken error // set when an Advance was interrupted
}

// NewEnsemble checks cfg and places the walkers at their starts.
func NewEnsemble(cfg Config) (*Ensemble, error) {
	if cfg.Landscape == nil {
		return nil, errors.New("levy: no landscape")
	}
	samp, err := newCMS(cfg.Alpha)
	if err != nil {
		return nil, err
	}
	if cfg.Src == nil {
		return nil, errors.New("levy: no source of randomness (Config.Src)")
	}
	if !(cfg.Eps > 0) || math.IsInf(cfg.Eps, 0) {
		return nil, fmt.Errorf("levy: noise scale ε must be positive and finite, got %v", cfg.Eps)
	}
	if !(cfg.Eta > 0) || math.IsInf(cfg.Eta, 0) {
		return nil, fmt.Errorf("levy: step η must be positive and finite, got %v", cfg.Eta)
	}
	if cfg.Walkers < 1 || cfg.Walkers > MaxWalkers {
		return nil, fmt.Errorf("levy: walkers must be in [1, %d], got %d", MaxWalkers, cfg.Walkers)
	}
	if cfg.SampleEvery < 0 || cfg.Trace < 0 || cfg.HistBins < 0 || cfg.HistBins > 1<<16 {
		return nil, fmt.Errorf("levy: negative sampling settings (every %d, trace %d, bins %d)", cfg.SampleEvery, cfg.Trace, cfg.HistBins)
	}
	if cfg.HistBins > 0 && !(cfg.HistLo < cfg.HistHi) {
		return nil, fmt.Errorf("levy: histogram range [%v, %v) is empty", cfg.HistLo, cfg.HistHi)
	}
	dim := cfg.Landscape.Dim()
	basins := cfg.Landscape.Basins()
	if len(basins) == 0 || len(basins) > 100 {
		return nil, fmt.Errorf("levy: landscape has %d basins", len(basins))
	}
	starts := cfg.Starts
	if len(starts) == 0 {
		starts = [][]float64{basins[0].Min}
	}
	for _, s := range starts {
		if len(s) != dim {
			return nil, fmt.Errorf("levy: start %v has %d coordinates, the landscape %d", s, len(s), dim)
		}
		if cfg.Landscape.Locate(s) < 0 {
			return nil, fmt.Errorf("levy: start %v is outside every basin", s)
		}
	}
	n := cfg.Walkers
	e := &Ensemble{
		cfg: cfg, dim: dim, nb: len(basins), samp: samp,
		scale:  cfg.Eps * math.Pow(cfg.Eta, 1/cfg.Alpha),
		pos:    make([]float64, n*dim),
		pcg:    make([]rand.PCG, n),
		rng:    make([]*rand.Rand, n),
		basin:  make([]int8, n),
		start:  make([]int8, n),
		exit:   make([]int64, n),
		exitTo: make([]int8, n),
		frozen: make([]bool, n),
		alive:  n,
		occ:    make([]int64, len(basins)+1),
		leaves: make([]int64, len(basins)+1),
		hist:   make([]int64, cfg.HistBins),
	}
	if l1, ok := cfg.Landscape.(landscape.Landscape1D); ok && dim == 1 {
		e.l1 = l1
	}
	if cfg.Trace > n {
		e.cfg.Trace = n
	}
	e.traces = make([][]float64, e.cfg.Trace)
	key := cfg.Src.Uint64()
	for i := range n {
		s := starts[i%len(starts)]
		copy(e.pos[i*dim:], s)
		// Per-walker streams: the key and the walker's index mixed by SplitMix64 seed a PCG;
		// walker i's stream does not depend on how many walkers there are.
		e.pcg[i].Seed(key, fastmath.SplitMix64(uint64(i)^0x9e3779b97f4a7c15, 0))
		e.rng[i] = rand.New(&e.pcg[i])
		b := int8(cfg.Landscape.Locate(s) + 1)
		e.basin[i], e.start[i] = b, b
		e.exit[i] = -1
	}
	return e, nil
}

// accum gathers one worker's counts; they are integers, so merging them in any order gives
// the same totals.
type accum struct {
	occ, leaves []int64
	series      [][]int64
	hist        []int64
	alive       int
}

// Advance moves every walker by steps Euler steps. It returns ctx.Err() if ctx is done before
// the end, after which the ensemble is unusable (walkers would be at different times).
func (e *Ensemble) Advance(ctx context.Context, steps int) error {
	if e.broken != nil {
		return e.broken
	}
	if steps < 0 {
		return fmt.Errorf("levy: negative step count %d", steps)
	}
	if steps == 0 {
		return nil
	}
	nSamples := 0
	if ev := int64(e.cfg.SampleEvery); ev > 0 {
		nSamples = int((e.step+int64(steps))/ev - e.step/ev)
	}
	workers := e.cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := e.cfg.Walkers
	block := max(16, n/(8*workers))
	nBlocks := (n + block - 1) / block
	workers = min(workers, nBlocks)
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	var failed atomic.Bool
	merged := e.newAccum(nSamples)
	work := func() {
		defer wg.Done()
		acc := e.newAccum(nSamples)
		for {
			if ctx.Err() != nil {
				failed.Store(true)
				break
			}
			bi := int(next.Add(1) - 1)
			if bi >= nBlocks {
				break
			}
			lo, hi := bi*block, min(n, (bi+1)*block)
			if e.l1 != nil {
				// Instantiate the loop for the concrete landscapes, so that their gradient and
				// basin lookups are direct (inlinable) calls rather than interface calls.
				switch l := e.l1.(type) {
				case landscape.Well:
					advance1(e, l, lo, hi, steps, acc)
				case landscape.DoubleWell:
					advance1(e, l, lo, hi, steps, acc)
				default:
					advance1(e, e.l1, lo, hi, steps, acc)
				}
			} else {
				e.advanceN(lo, hi, steps, acc)
			}
		}
		mu.Lock()
		merged.add(acc)
		mu.Unlock()
	}
	wg.Add(workers)
	for range workers - 1 {
		go work()
	}
	work()
	wg.Wait()
	if failed.Load() {
		e.broken = fmt.Errorf("levy: ensemble interrupted at step %d: %w", e.step, ctx.Err())
		return e.broken
	}
	e.step += int64(steps)
	for i := range e.occ {
		e.occ[i] += merged.occ[i]
		e.leaves[i] += merged.leaves[i]
	}
	for i := range e.hist {
		e.hist[i] += merged.hist[i]
	}
	e.series = append(e.series, merged.series...)
	e.alive += merged.alive
	return nil
}

func (e *Ensemble) newAccum(nSamples int) *accum {
	a := &accum{occ: make([]int64, e.nb+1), leaves: make([]int64, e.nb+1), hist: make([]int64, e.cfg.HistBins)}
	a.series = make([][]int64, nSamples)
	for i := range a.series {
		a.series[i] = make([]int64, e.nb+1)
	}
	return a
}

func (a *accum) add(b *accum) {
	for i := range a.occ {
		a.occ[i] += b.occ[i]
		a.leaves[i] += b.leaves[i]
	}
	for i := range a.hist {
		a.hist[i] += b.hist[i]
	}
	for s := range a.series {
		for i := range a.series[s] {
			a.series[s][i] += b.series[s][i]
		}
	}
	a.alive += b.alive
}

// sample records walker i at position x (coordinate 0 first) in basin b+1 at step t,
// the sample index k of this Advance call.
func (e *Ensemble) sample(i int, x []float64, b int8, k int, acc *accum) {
	acc.series[k][b]++
	if e.cfg.HistBins > 0 {
		u := (x[0] - e.cfg.HistLo) / (e.cfg.HistHi - e.cfg.HistLo) * float64(e.cfg.HistBins)
		if u >= 0 && u < float64(e.cfg.HistBins) {
			acc.hist[int(u)]++
		}
	}
	if i < e.cfg.Trace {
		e.traces[i] = append(e.traces[i], x...)
	}
}

// clampPos keeps a position finite: a jump past ±1e150 (possible for small α) is cut there, far
// outside every basin's scale, so that gradients stay finite.
func clampPos(x float64) float64 {
	const big = 1e150
	if !(x < big) { // also catches NaN, which can only come from an overflow
		if x > 0 || math.IsNaN(x) {
			return big
		}
	}
	if x < -big {
		return -big
	}
	return x
}

// noise draws walker i's next SαS(1) variate.
func (e *Ensemble) noise(i int) float64 {
	if e.samp.alpha == 2 {
		return math.Sqrt2 * e.rng[i].NormFloat64()
	}
	p := &e.pcg[i]
	return e.samp.fromBits(p.Uint64(), p.Uint64())
}

func advance1[L landscape.Landscape1D](e *Ensemble, l L, lo, hi, steps int, acc *accum) {
	samp := e.samp
	gauss := samp.alpha == 2
	eta, scale := e.cfg.Eta, e.scale
	every := int64(e.cfg.SampleEvery)
	stop := e.cfg.StopOnExit
	var xs [1]float64
	for i := lo; i < hi; i++ {
		if e.frozen[i] {
			continue
		}
		x, r, p, b := e.pos[i], e.rng[i], &e.pcg[i], e.basin[i]
		t := e.step
		var nextSample int64 = math.MaxInt64
		if every > 0 {
			nextSample = (t/every + 1) * every
		}
		end := t + int64(steps)
		for t < end {
			t++
			var noise float64
			if gauss {
				noise = math.Sqrt2 * r.NormFloat64()
			} else {
				noise = samp.fromBits(p.Uint64(), p.Uint64())
			}
			x = clampPos(x - eta*l.Grad1(x) + scale*noise)
			if nb := int8(l.Locate1(x) + 1); nb != b {
				acc.leaves[b]++
				if e.exit[i] < 0 && b == e.start[i] {
					e.exit[i] = t
					e.exitTo[i] = e.side(x, b)
					if stop {
						acc.occ[b]++ // the step that left counts in the basin it left
						e.frozen[i] = true
						acc.alive--
						b = nb
						break
					}
				}
				b = nb
			}
			acc.occ[b]++
			if t == nextSample {
				xs[0] = x
				e.sample(i, xs[:], b, int(t/every-e.step/every-1), acc)
				nextSample += every
			}
		}
		e.pos[i], e.basin[i] = x, b
	}
}

// side returns +1 if x is above the minimum of basin b (index+1) in coordinate 0, else −1.
func (e *Ensemble) side(x float64, b int8) int8 {
	if b == 0 {
		return 0
	}
	if x > e.cfg.Landscape.Basins()[b-1].Min[0] {
		return 1
	}
	return -1
}

func (e *Ensemble) advanceN(lo, hi, steps int, acc *accum) {
	l, d := e.cfg.Landscape, e.dim
	eta, scale := e.cfg.Eta, e.scale
	every := int64(e.cfg.SampleEvery)
	stop := e.cfg.StopOnExit
	g := make([]float64, d)
	for i := lo; i < hi; i++ {
		if e.frozen[i] {
			continue
		}
		x, b := e.pos[i*d:(i+1)*d], e.basin[i]
		t := e.step
		var nextSample int64 = math.MaxInt64
		if every > 0 {
			nextSample = (t/every + 1) * every
		}
		end := t + int64(steps)
		for t < end {
			t++
			l.Grad(x, g)
			for j := range x {
				x[j] = clampPos(x[j] - eta*g[j] + scale*e.noise(i))
			}
			if nb := int8(l.Locate(x) + 1); nb != b {
				acc.leaves[b]++
				if e.exit[i] < 0 && b == e.start[i] {
					e.exit[i] = t
					e.exitTo[i] = e.side(x[0], b)
					if stop {
						acc.occ[b]++
						e.frozen[i] = true
						acc.alive--
						b = nb
						break
					}
				}
				b = nb
			}
			acc.occ[b]++
			if t == nextSample {
				e.sample(i, x, b, int(t/every-e.step/every-1), acc)
				nextSample += every
			}
		}
		e.basin[i] = b
	}
}

// Step returns the number of steps taken; the time is Step()·η.
func (e *Ensemble) Step() int64 { return e.step }

// Time returns the simulated time Step()·η.
func (e *Ensemble) Time() float64 { return float64(e.step) * e.cfg.Eta }

// Dim returns the landscape's dimension.
func (e *Ensemble) Dim() int { return e.dim }

// Positions returns the walkers' positions, walker-major (walker i at [i·Dim, (i+1)·Dim)).
// Frozen walkers stay where they left their basin. The slice is the ensemble's own: read it
// before the next Advance and do not modify it.
func (e *Ensemble) Positions() []float64 { return e.pos }

// Basin returns the index of the basin walker i is in, or −1 if it is outside every basin.
func (e *Ensemble) Basin(i int) int { return int(e.basin[i]) - 1 }

// Alive returns the number of walkers not frozen (all of them unless StopOnExit).
func (e *Ensemble) Alive() int { return e.alive }

// Exited returns how many walkers have left their starting basin.
func (e *Ensemble) Exited() int {
	k := 0
	for _, s := range e.exit {
		if s >= 0 {
			k++
		}
	}
	return k
}

// ExitTimes returns the first exit times (steps·η) of the walkers that have left their starting
// basin, in walker order.
func (e *Ensemble) ExitTimes() []float64 {
	out := make([]float64, 0, e.Exited())
	for _, s := range e.exit {
		if s >= 0 {
			out = append(out, float64(s)*e.cfg.Eta)
		}
	}
	return out
}

// ExitTimesFrom returns the first exit times of the walkers that started in basin b and have left
// it, in walker order, and how many walkers started there.
func (e *Ensemble) ExitTimesFrom(b int) (times []float64, started int) {
	for i, s := range e.exit {
		if int(e.start[i])-1 != b {
			continue
		}
		started++
		if s >= 0 {
			times = append(times, float64(s)*e.cfg.Eta)
		}
	}
	return times, started
}

// ExitSides returns how many walkers left their starting basin below (coordinate 0 less than
// the basin's minimum) and above it.
func (e *Ensemble) ExitSides() (below, above int) {
	for i, s := range e.exit {
		if s >= 0 {
			if e.exitTo[i] < 0 {
				below++
			} else {
				above++
			}
		}
	}
	return below, above
}

// Fractions returns, for each basin, the fraction of all walker-steps so far spent in it
// (frozen walkers stop counting). The fractions sum to 1 minus the share spent outside every
// basin. Before any step they are all 0.
func (e *Ensemble) Fractions() []float64 {
	var total int64
	for _, c := range e.occ {
		total += c
	}
	out := make([]float64, e.nb)
	if total == 0 {
		return out
	}
	for i := range out {
		out[i] = float64(e.occ[i+1]) / float64(total)
	}
	return out
}

// Leaves returns, for each basin, how many times a walker left it.
func (e *Ensemble) Leaves() []int64 { return append([]int64(nil), e.leaves[1:]...) }

// Residence returns, for each basin, the mean time a visit lasts: the time spent in it divided by
// the number of times it was left (NaN if it never was). Every crossing of the boundary counts,
// including quick recrossings near a barrier top, so it runs below the mean first exit time from
// the basin's minimum (ExitTimesFrom) that the theory predicts.
func (e *Ensemble) Residence() []float64 {
	out := make([]float64, e.nb)
	for i := range out {
		out[i] = math.NaN()
		if e.leaves[i+1] > 0 {
			out[i] = float64(e.occ[i+1]) * e.cfg.Eta / float64(e.leaves[i+1])
		}
	}
	return out
}

// Series returns, for each sample taken (every SampleEvery steps), how many walkers were in
// each basin: Series()[k][b] for sample k (at step (k+1)·SampleEvery) and basin b; the last
// column counts walkers outside every basin (only if not StopOnExit).
func (e *Ensemble) Series() [][]int64 {
	out := make([][]int64, len(e.series))
	for k, row := range e.series {
		out[k] = append(append([]int64(nil), row[1:]...), row[0])
	}
	return out
}

// Traces returns the thinned trajectories of the first Trace walkers: Traces()[i] holds walker
// i's positions (Dim numbers each) at every sample, while it was not frozen.
func (e *Ensemble) Traces() [][]float64 { return e.traces }

// Hist returns the histogram of coordinate 0 over the samples (see Config).
func (e *Ensemble) Hist() []int64 { return e.hist }
