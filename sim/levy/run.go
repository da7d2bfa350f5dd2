package levy

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/tailscope/tailscope/estimator/hist"
	"github.com/tailscope/tailscope/sim/fastmath"
	"github.com/tailscope/tailscope/sim/landscape"
	"github.com/tailscope/tailscope/sim/spec"
)

// Runner runs the "exit" and "wells" specs natively, spreading walkers over Workers goroutines
// (0: runtime.GOMAXPROCS(0)). Results do not depend on Workers.
type Runner struct {
	Workers int
}

// RunExit runs an "exit" spec with every core.
func RunExit(ctx context.Context, s spec.Spec, p spec.Reporter) (*ExitResult, error) {
	return Runner{}.RunExit(ctx, s, p)
}

// RunWells runs a "wells" spec with every core.
func RunWells(ctx context.Context, s spec.Spec, p spec.Reporter) (*WellsResult, error) {
	return Runner{}.RunWells(ctx, s, p)
}

// Run runs an "exit" or "wells" spec; the result is a *ExitResult or a *WellsResult.
func (r Runner) Run(ctx context.Context, s spec.Spec, p spec.Reporter) (any, error) {
	switch s.Kind {
	case "exit":
		res, err := r.RunExit(ctx, s, p)
		if err != nil {
			return nil, err
		}
		return res, nil
	case "wells":
		res, err := r.RunWells(ctx, s, p)
		if err != nil {
			return nil, err
		}
		return res, nil
	}
	return nil, fmt.Errorf("levy: cannot run kind %q", s.Kind)
}

// Summary describes first exit times. Times are in the time units of the dynamics (steps × η).
// A JSON value of 0 for a theory or statistic means "not available".
type Summary struct {
	Walkers int     `json:"walkers"`
	Exited  int     `json:"exited"`
	Mean    float64 `json:"mean"` // over the walkers that left; a lower bound when some did not
	StdErr  float64 `json:"stdErr"`
	StdDev  float64 `json:"stdDev"`
	Median  float64 `json:"median"`
	Q10     float64 `json:"q10"`
	Q90     float64 `json:"q90"`
	// KSExp is the Kolmogorov–Smirnov distance between the exit times and the exponential law
	// with the same mean (0 when every walker left and the law is exactly exponential).
	KSExp float64 `json:"ksExp"`
	Below int     `json:"below"` // exits through the lower (left) edge
	Above int     `json:"above"` // exits through the upper (right) edge
}

// Histogram counts values in bins [Edges[i], Edges[i+1]).
type Histogram struct {
	Edges  []float64 `json:"edges"`
	Counts []int64   `json:"counts"`
}

// Traces are thinned trajectories: Walkers[i] holds walker i's positions (Dim numbers each),
// one every Dt time units from time Dt on.
type Traces struct {
	Dt      float64     `json:"dt"`
	Dim     int         `json:"dim"`
	Walkers [][]float64 `json:"walkers"`
}

// ExitRun is one noise's run of an "exit" spec.
type ExitRun struct {
	Noise string    `json:"noise"` // "levy" or "gauss"
	Alpha float64   `json:"alpha"`
	Time  float64   `json:"time"` // simulated time reached
	Exit  Summary   `json:"exit"`
	Hist  Histogram `json:"hist"` // of the exit times
	// Survival[k] is the fraction of walkers still in the basin at time (k+1)·SampleDt.
	Survival []float64 `json:"survival"`
	SampleDt float64   `json:"sampleDt"`
	Traces   Traces    `json:"traces"`
}

// ExitTheory is the theory for the spec's basin (package landscape). 0: not applicable.
type ExitTheory struct {
	LevyAsymptotic float64 `json:"levyAsymptotic"` // π/(Γ(α)sin(πα/2))·ε^−α·(a^−α + b^−α)^−1, small ε
	LevyNoDrift    float64 `json:"levyNoDrift"`    // exact when height = 0: (ab)^{α/2}/(ε^α Γ(1+α))
	GaussExact     float64 `json:"gaussExact"`     // exact mean exit time for α = 2 (quadrature)
	Kramers        float64 `json:"kramers"`        // π·a·b/(12ΔH)·exp(ΔH/ε²), small ε²/ΔH
}

// SweepRow compares the theories at other widths and heights.
type SweepRow struct {
	A          float64 `json:"a"`
	B          float64 `json:"b"`
	Height     float64 `json:"height"`
	Levy       float64 `json:"levy"`       // LevyAsymptotic at α
	GaussExact float64 `json:"gaussExact"` // 0 if it overflows
}

// ExitResult is the result of an "exit" spec.
type ExitResult struct {
	Spec   spec.Spec      `json:"spec"`
	Well   landscape.Well `json:"well"`
	Levy   *ExitRun       `json:"levy,omitempty"`
	Gauss  *ExitRun       `json:"gauss,omitempty"`
	Theory ExitTheory     `json:"theory"`
	Sweep  []SweepRow     `json:"sweep"`
}

// finite maps NaN and ±Inf (not encodable in JSON) to 0, "not available".
func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

func checkKind(s spec.Spec, kind string) error {
	if s.Kind != kind {
		return fmt.Errorf("levy: spec of kind %q given to the %s runner", s.Kind, kind)
	}
	return s.Validate()
}

// Noise is one of the noises an "exit" or "wells" spec runs: Lévy at the spec's α, or
// Gaussian (α = 2).
type Noise struct {
	Name  string  // "levy" or "gauss"
	Alpha float64 // tail index
}

// Noises lists the noises of p's noise choice, Lévy first.
func Noises(p spec.NoiseParams) []Noise {
	levy, gauss := Noise{"levy", p.Alpha}, Noise{"gauss", 2}
	switch p.Noise {
	case spec.NoiseLevy:
		return []Noise{levy}
	case spec.NoiseGauss:
		return []Noise{gauss}
	}
	return []Noise{levy, gauss}
}

// ExitWell decodes an "exit" spec: it checks the spec and returns its parameters and its
// basin.
func ExitWell(s spec.Spec) (spec.ExitParams, landscape.Well, error) {
	if err := checkKind(s, "exit"); err != nil {
		return spec.ExitParams{}, landscape.Well{}, err
	}
	p, err := s.Exit()
	w := landscape.Well{A: p.A, B: p.B, H: p.Height}
	if err == nil {
		err = w.Check()
	}
	return p, w, err
}

// DoubleWell decodes a "wells" spec: it checks the spec and returns its parameters and its
// double well (the profile along x when Dim = 2).
func DoubleWell(s spec.Spec) (spec.WellsParams, landscape.DoubleWell, error) {
	if err := checkKind(s, "wells"); err != nil {
		return spec.WellsParams{}, landscape.DoubleWell{}, err
	}
	p, err := s.Wells()
	dw := landscape.DoubleWell{WL: p.WL, HL: p.HL, WR: p.WR, HR: p.HR}
	if err == nil {
		err = dw.Check()
	}
	return p, dw, err
}

// Partial is the Progress.Partial of the exit and wells runners: where the current noise's run
// stands.
type Partial struct {
	Noise     string    `json:"noise"`
	Time      float64   `json:"time"`      // simulated time reached
	Exited    int       `json:"exited"`    // walkers that have left their starting basin
	Fractions []float64 `json:"fractions"` // time fractions per basin so far
}

// chunkWork bounds the walker-steps of one Advance call in drive (about a second of one core),
// so that progress is reported and cancellation noticed at least that often.
const chunkWork = 20_000_000

// simulateEach runs the noises of s (with parameters np) in turn: for each, the ensemble of
// ConfigFromSpec with r's workers, driven for np.Steps steps, is handed to keep with its config.
func (r Runner) simulateEach(ctx context.Context, s spec.Spec, np spec.NoiseParams, p spec.Reporter, keep func(Noise, *Ensemble, Config)) error {
	ns := Noises(np)
	for j, nz := range ns {
		cfg, err := ConfigFromSpec(s, nz.Name)
		if err != nil {
			return err
		}
		cfg.Workers = r.Workers
		e, err := NewEnsemble(cfg)
		if err != nil {
			return err
		}
		if err := drive(ctx, e, np.Steps, j, len(ns), nz.Name, p); err != nil {
			return err
		}
		keep(nz, e, cfg)
	}
	return nil
}

// slot returns where the run of the noise named goes: levy, or gauss for "gauss".
func slot[T any](name string, levy, gauss **T) **T {
	if name == "gauss" {
		return gauss
	}
	return levy
}

// drive advances e by up to steps in chunks (at least 50, each at most chunkWork walker-steps),
// stopping early once every walker is frozen, and reports progress as the fraction done of run j
// of n.
func drive(ctx context.Context, e *Ensemble, steps int, j, n int, name string, p spec.Reporter) error {
	chunk := max(1, min(steps/50, chunkWork/e.cfg.Walkers))
	for done := 0; done < steps && e.Alive() > 0; {
		k := min(chunk, steps-done)
		if err := e.Advance(ctx, k); err != nil {
			return err
		}
		done += k
		if p != nil {
			p.Report(spec.Progress{
				Fraction: (float64(j) + float64(done)/float64(steps)) / float64(n),
				Message:  fmt.Sprintf("%s noise: step %d of %d", name, done, steps),
				Partial:  Partial{Noise: name, Time: e.Time(), Exited: e.Exited(), Fractions: e.Fractions()},
			})
		}
	}
	return nil
}

// Sampling settings of the runners: at most this many samples (series points, trace points) per
// run, and this many histogram bins for the wells kind's positions.
const (
	maxSamples = 400
	wellsBins  = 60
)

// ConfigFromSpec returns the ensemble configuration of an "exit" or "wells" spec for one noise:
// "levy" (the spec's α) or "gauss" (α = 2), with Src a fresh fastmath.NewCounter(seed), so
// that the two noises' walker i use the same random stream. The browser builds its side-by-side ensembles from it
// (setting Workers to 1 and advancing a slice at a time); the runners use it too.
//
// exit: landscape.Well{a, b, height}, walkers start at 0 and stop when they leave.
// wells: landscape.DoubleWell{wl, hl, wr, hr} (DoubleWell2D with K = spec.WellsValleyStiffness
// when dim = 2), walkers start at the chosen minimum(s) and never stop; positions are
// histogrammed over [−2·wl, 2·wr) in 60 bins.
func ConfigFromSpec(s spec.Spec, noise string) (Config, error) {
	var np spec.NoiseParams
	var cfg Config
	switch s.Kind {
	case "exit":
		p, w, err := ExitWell(s)
		if err != nil {
			return Config{}, err
		}
		np, cfg.Landscape, cfg.StopOnExit = p.NoiseParams, w, true
	case "wells":
		p, dw, err := DoubleWell(s)
		if err != nil {
			return Config{}, err
		}
		np, cfg.Landscape = p.NoiseParams, dw
		left, right := []float64{-dw.WL}, []float64{dw.WR}
		if p.Dim == 2 {
			cfg.Landscape = landscape.DoubleWell2D{W: dw, K: spec.WellsValleyStiffness}
			left, right = []float64{-dw.WL, 0}, []float64{dw.WR, 0}
		}
		switch p.Start {
		case spec.StartLeft:
			cfg.Starts = [][]float64{left}
		case spec.StartRight:
			cfg.Starts = [][]float64{right}
		case spec.StartHalf:
			cfg.Starts = [][]float64{left, right}
		}
		cfg.HistLo, cfg.HistHi, cfg.HistBins = -2*dw.WL, 2*dw.WR, wellsBins
	default:
		return Config{}, fmt.Errorf("levy: no ensemble for kind %q", s.Kind)
	}
	cfg.Alpha, cfg.Eps, cfg.Eta, cfg.Walkers = np.Alpha, np.Eps, np.Eta, np.Walkers
	cfg.Src, cfg.Trace, cfg.SampleEvery = fastmath.NewCounter(s.Seed), np.Trace, max(1, np.Steps/maxSamples)
	switch noise {
	case "levy":
	case "gauss":
		cfg.Alpha = 2
	default:
		return Config{}, fmt.Errorf("levy: noise must be levy or gauss, got %q", noise)
	}
	return cfg, nil
}

// RunExit runs an "exit" spec: walkers start at the bottom of the Well and stop when they leave.
func (r Runner) RunExit(ctx context.Context, s spec.Spec, p spec.Reporter) (*ExitResult, error) {
	sp, well, err := ExitWell(s)
	if err != nil {
		return nil, err
	}
	res := &ExitResult{Spec: s, Well: well}
	err = r.simulateEach(ctx, s, sp.NoiseParams, p, func(nz Noise, e *Ensemble, cfg Config) {
		dt := float64(cfg.SampleEvery) * sp.Eta
		run := &ExitRun{Noise: nz.Name, Alpha: nz.Alpha, Time: e.Time(), Exit: summarize(e), SampleDt: dt,
			Traces: Traces{Dt: dt, Dim: 1, Walkers: e.Traces()}}
		run.Hist = histogram(e.ExitTimes(), 40)
		for _, row := range e.Series() {
			run.Survival = append(run.Survival, float64(row[0])/float64(sp.Walkers))
		}
		*slot(nz.Name, &res.Levy, &res.Gauss) = run
	})
	if err != nil {
		return nil, err
	}
	res.Theory = ExitTheoryOf(well, sp.Alpha, sp.Eps)
	res.Sweep = exitSweep(well, sp.Alpha, sp.Eps)
	return res, nil
}

// ExitTheoryOf returns the theory of the mean exit time from well at tail index alpha and
// noise scale eps: with drift (H > 0) the small-ε Lévy law and Kramers' law, without it the
// exact Lévy mean; the exact Gaussian mean by quadrature in both cases. What does not apply,
// overflows or fails is 0.
func ExitTheoryOf(well landscape.Well, alpha, eps float64) ExitTheory {
	var th ExitTheory
	if well.H == 0 { // no drift: the small-ε picture does not apply
		th.LevyNoDrift = finite(landscape.StableMeanExit(alpha, eps, well.A, well.B))
	} else {
		th.LevyAsymptotic = finite(landscape.LevyMeanExit(alpha, eps, well.A, well.B))
		th.Kramers = finite(landscape.KramersMeanExit(well, eps))
	}
	if g, err := landscape.WellGaussianMeanExit(well, eps); err == nil {
		th.GaussExact = finite(g)
	}
	return th
}

// Levy returns the Lévy mean exit time that applies: LevyNoDrift without drift, else
// LevyAsymptotic (0 when it is not available).
func (th ExitTheory) Levy() float64 { return th.LevyAsymptotic + th.LevyNoDrift }

// exitSweep gives the theory at the spec's widths for heights ×½, 1, 2, 4, and at its height
// for widths ×½ and ×2.
func exitSweep(w landscape.Well, alpha, eps float64) []SweepRow {
	var wells []landscape.Well
	for _, f := range []float64{0.5, 1, 2, 4} {
		wells = append(wells, landscape.Well{A: w.A, B: w.B, H: w.H * f})
	}
	for _, f := range []float64{0.5, 2} {
		wells = append(wells, landscape.Well{A: w.A * f, B: w.B * f, H: w.H})
	}
	rows := make([]SweepRow, 0, len(wells))
	for _, v := range wells {
		row := SweepRow{A: v.A, B: v.B, Height: v.H, Levy: finite(landscape.LevyMeanExit(alpha, eps, v.A, v.B))}
		if g, err := landscape.WellGaussianMeanExit(v, eps); err == nil {
			row.GaussExact = finite(g)
		}
		rows = append(rows, row)
	}
	return rows
}

// summarize describes the ensemble's first exit times.
func summarize(e *Ensemble) Summary {
	sm := summarizeTimes(e.ExitTimes(), e.cfg.Walkers)
	sm.Below, sm.Above = e.ExitSides()
	return sm
}

// summarizeTimes describes the exit times ts of walkers walkers (Below and Above left 0).
func summarizeTimes(ts []float64, walkers int) Summary {
	sm := Summary{Walkers: walkers, Exited: len(ts)}
	if len(ts) == 0 {
		return sm
	}
	slices.Sort(ts)
	var sum, sq float64
	for _, t := range ts {
		sum += t
	}
	sm.Mean = sum / float64(len(ts))
	for _, t := range ts {
		sq += (t - sm.Mean) * (t - sm.Mean)
	}
	if len(ts) > 1 {
		sm.StdDev = math.Sqrt(sq / float64(len(ts)-1))
		sm.StdErr = sm.StdDev / math.Sqrt(float64(len(ts)))
	}
	sm.Median, sm.Q10, sm.Q90 = hist.Quantile(ts, 0.5), hist.Quantile(ts, 0.1), hist.Quantile(ts, 0.9)
	sm.KSExp = ksExp(ts, sm.Mean)
	return sm
}

// ksExp returns sup_t |F_n(t) − (1 − e^{−t/mean})| for sorted ts: the one-sample
// Kolmogorov–Smirnov distance to a law (gonum's stat.KolmogorovSmirnov compares two samples).
func ksExp(ts []float64, mean float64) float64 {
	d := 0.0
	n := float64(len(ts))
	for i, t := range ts {
		f := 1 - math.Exp(-t/mean)
		d = max(d, math.Abs(float64(i+1)/n-f), math.Abs(f-float64(i)/n))
	}
	return d
}

// histogram bins xs over [0, its 99th percentile] in n bins; larger values fall in the last bin.
func histogram(xs []float64, n int) Histogram {
	h := Histogram{Edges: make([]float64, n+1), Counts: make([]int64, n)}
	if len(xs) == 0 {
		return h
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	top := hist.Quantile(s, 0.99)
	if top <= 0 {
		top = s[len(s)-1]
	}
	if top <= 0 {
		top = 1
	}
	b := hist.Equal(s, 0, top, n)
	h.Edges = b.Edges
	for i, c := range b.Counts {
		h.Counts[i] = int64(c)
	}
	h.Counts[n-1] += int64(b.Above)
	return h
}

// WellsRun is one noise's run of a "wells" spec.
type WellsRun struct {
	Noise string  `json:"noise"`
	Alpha float64 `json:"alpha"`
	Time  float64 `json:"time"`
	// Fractions[b]: the fraction of all walker-steps spent in well b (0: left, 1: right).
	Fractions []float64 `json:"fractions"`
	// FinalFractions[b]: the fraction of walkers in well b at the end.
	FinalFractions []float64 `json:"finalFractions"`
	// Residence[b]: the mean time a visit to well b lasted (0 if it was never left), counting
	// every crossing of the barrier (quick recrossings too, so shorter than FirstExit);
	// Crossings[b]: how many times walkers left well b.
	Residence []float64 `json:"residence"`
	Crossings []int64   `json:"crossings"`
	// FirstExit[b]: first exit times of the walkers that started in well b (the time to cross the
	// barrier from the minimum: what the theory's residence times predict); Walkers = 0 if none
	// started there. Below/Above are not set.
	FirstExit []Summary `json:"firstExit"`
	// LeftSeries[k]: the fraction of walkers in the left well at time (k+1)·SampleDt.
	LeftSeries []float64 `json:"leftSeries"`
	SampleDt   float64   `json:"sampleDt"`
	Hist       Histogram `json:"hist"` // of coordinate x over all samples
	Traces     Traces    `json:"traces"`
}

// WellsTheory is the theory for the spec's double well (package landscape): [left, right].
type WellsTheory struct {
	LevyFractions  [2]float64 `json:"levyFractions"`  // WL^α/(WL^α+WR^α), small ε
	LevyResidence  [2]float64 `json:"levyResidence"`  // W^α/(K_α ε^α), small ε
	GibbsFractions [2]float64 `json:"gibbsFractions"` // stationary law exp(−f/ε²) at α = 2
	GaussResidence [2]float64 `json:"gaussResidence"` // exact mean time to the barrier at α = 2
}

// WellsResult is the result of a "wells" spec.
type WellsResult struct {
	Spec      spec.Spec            `json:"spec"`
	Wells     landscape.DoubleWell `json:"wells"`
	Dim       int                  `json:"dim"`
	Stiffness float64              `json:"stiffness,omitempty"` // of the valley across, dim 2
	Levy      *WellsRun            `json:"levy,omitempty"`
	Gauss     *WellsRun            `json:"gauss,omitempty"`
	Theory    WellsTheory          `json:"theory"`
}

// RunWells runs a "wells" spec: walkers move freely in the double well.
func (r Runner) RunWells(ctx context.Context, s spec.Spec, p spec.Reporter) (*WellsResult, error) {
	sp, dw, err := DoubleWell(s)
	if err != nil {
		return nil, err
	}
	res := &WellsResult{Spec: s, Wells: dw, Dim: sp.Dim}
	if res.Dim == 2 {
		res.Stiffness = spec.WellsValleyStiffness
	}
	walkers := float64(sp.Walkers)
	err = r.simulateEach(ctx, s, sp.NoiseParams, p, func(nz Noise, e *Ensemble, cfg Config) {
		dt := float64(cfg.SampleEvery) * sp.Eta
		run := &WellsRun{Noise: nz.Name, Alpha: nz.Alpha, Time: e.Time(), Fractions: e.Fractions(),
			Crossings: e.Leaves(), SampleDt: dt, Traces: Traces{Dt: dt, Dim: res.Dim, Walkers: e.Traces()}}
		for b := range 2 {
			ts, started := e.ExitTimesFrom(b)
			run.FirstExit = append(run.FirstExit, summarizeTimes(ts, started))
		}
		for _, x := range e.Residence() {
			run.Residence = append(run.Residence, finite(x))
		}
		final := make([]float64, 2)
		for i := range sp.Walkers {
			if b := e.Basin(i); b >= 0 {
				final[b] += 1 / walkers
			}
		}
		run.FinalFractions = final
		for _, row := range e.Series() {
			run.LeftSeries = append(run.LeftSeries, float64(row[0])/walkers)
		}
		run.Hist = Histogram{Edges: make([]float64, wellsBins+1), Counts: slices.Clone(e.Hist())}
		for i := range run.Hist.Edges {
			run.Hist.Edges[i] = cfg.HistLo + (cfg.HistHi-cfg.HistLo)*float64(i)/wellsBins
		}
		*slot(nz.Name, &res.Levy, &res.Gauss) = run
	})
	if err != nil {
		return nil, err
	}
	res.Theory = WellsTheoryOf(dw, sp.Alpha, sp.Eps)
	return res, nil
}

// WellsTheoryOf returns the theory of the double well dw at tail index alpha and noise scale
// eps: the small-ε Lévy time fractions and residence times, the Gibbs fractions and the exact
// Gaussian residence times (quadrature). What overflows or fails is 0.
func WellsTheoryOf(dw landscape.DoubleWell, alpha, eps float64) WellsTheory {
	var t WellsTheory
	t.LevyFractions[0], t.LevyFractions[1] = landscape.LevyWellFractions(alpha, dw)
	t.LevyResidence[0], t.LevyResidence[1] = landscape.LevyWellResidence(alpha, eps, dw)
	t.GibbsFractions[0], t.GibbsFractions[1] = landscape.GibbsWellFractions(eps, dw)
	if gl, gr, err := landscape.WellResidenceGaussian(eps, dw); err == nil {
		t.GaussResidence = [2]float64{gl, gr}
	}
	for _, a := range []*[2]float64{&t.LevyFractions, &t.LevyResidence, &t.GibbsFractions, &t.GaussResidence} {
		a[0], a[1] = finite(a[0]), finite(a[1])
	}
	return t
}
