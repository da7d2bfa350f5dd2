package landscapeview

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/tailscope/tailscope/estimator/hist"
	"github.com/tailscope/tailscope/sim/landscape"
	"github.com/tailscope/tailscope/sim/levy"
	"github.com/tailscope/tailscope/sim/spec"
)

// MaxBrowserWalkers caps the walkers of one noise in the browser: an ensemble holds about
// 100 bytes per walker and the page redraws every frame, so a link asking for more is
// reduced to this (and the page says so).
const MaxBrowserWalkers = 20000

// Kinds are the spec kinds the view shows, the first being its default.
var Kinds = []string{"wells", "exit"}

// Component is one exponential law in a mixture: the theory's law of first exit times.
type Component struct {
	Weight float64 `json:"weight"` // share of the walkers, summing to 1 over a mixture
	Mean   float64 `json:"mean"`   // mean exit time, in time units (steps × η)
}

// Noise is one of the two ensembles: Lévy (α from the spec) or Gaussian (α = 2).
type Noise struct {
	Name  string // "levy" or "gauss"
	Label string // e.g. "Lévy, α = 1.5"
	Alpha float64
	Ens   *levy.Ensemble

	// Theory is the law of the first exit time from the starting basin that the theory
	// predicts (an exponential, or a mixture when walkers start in both wells); nil when no
	// theory applies. TheoryNote says which formula it is.
	Theory     []Component
	TheoryNote string

	// LongRun is the theory's long-run fraction of time in each basin ("wells" only; nil
	// otherwise); LongRunNote names it.
	LongRun     []float64
	LongRunNote string
}

// Sim is the view-model of a run: the landscape, one ensemble per noise, and the target
// number of steps. Advance moves every ensemble by the same number of steps, so the Lévy and
// Gaussian walkers are always shown at the same time. Same spec, same numbers: each walker
// draws from its own stream seeded by the spec's seed and its index (package levy), so the
// result after n steps does not depend on how the steps were sliced into frames.
type Sim struct {
	Spec    spec.Spec
	Kind    string
	Profile landscape.Landscape1D // the 1-D profile drawn (the x-direction of the 2-D wells)
	Dim     int
	Walkers int   // per noise, after the browser cap
	Steps   int64 // the run's length in steps (the spec's "steps")
	Eta     float64
	Noises  []*Noise

	// XLo, XHi is the x-range drawn; Basins names each basin for the page.
	XLo, XHi float64
	Basins   []string

	ylo, yhi float64 // the profile's y-range over the x-range drawn (profileRange)

	rate   float64 // measured walker-steps per second (0 until measured), for display
	chunk  int     // steps the next AdvanceFor takes
	panels map[string]*panel
}

// NewSim builds the ensembles of sp (kind "wells" or "exit") with levy.ConfigFromSpec, one
// worker each, and wires the theory of levy.ExitTheoryOf or levy.WellsTheoryOf to them. sp
// must be valid; its walkers beyond MaxBrowserWalkers are an error (the view lowers them
// first, see CapWalkers).
func NewSim(sp spec.Spec) (*Sim, error) {
	if sp.Kind != "wells" && sp.Kind != "exit" {
		return nil, fmt.Errorf("landscapeview: cannot show kind %q (want wells or exit)", sp.Kind)
	}
	if err := sp.Validate(); err != nil {
		return nil, err
	}
	np, err := noiseParams(sp)
	if err != nil {
		return nil, err
	}
	if np.Walkers > MaxBrowserWalkers {
		return nil, &spec.FieldError{Field: "walkers", Msg: fmt.Sprintf("%d walkers are more than the %d the browser runs", np.Walkers, MaxBrowserWalkers)}
	}
	s := &Sim{Spec: sp.Clone(), Kind: sp.Kind, Dim: 1, Walkers: np.Walkers, Steps: int64(np.Steps), Eta: np.Eta}
	var cfg levy.Config
	for _, nz := range levy.Noises(np) {
		n := &Noise{Name: nz.Name, Alpha: nz.Alpha, Label: "Gaussian, α = 2"}
		if nz.Name == "levy" {
			n.Label = "Lévy, α = " + fmtNum(nz.Alpha)
		}
		if cfg, err = levy.ConfigFromSpec(sp, nz.Name); err != nil {
			return nil, err
		}
		cfg.Workers = 1
		if n.Ens, err = levy.NewEnsemble(cfg); err != nil {
			return nil, fmt.Errorf("landscapeview: %s walkers: %w", n.Name, err)
		}
		s.Noises = append(s.Noises, n)
	}
	switch sp.Kind {
	case "exit":
		p, w, err := levy.ExitWell(sp)
		if err != nil {
			return nil, err
		}
		s.Profile = w
		s.XLo, s.XHi = -1.6*w.B, 1.6*w.A
		s.Basins = []string{"inside the basin"}
		th := levy.ExitTheoryOf(w, p.Alpha, p.Eps)
		for _, n := range s.Noises {
			switch {
			case n.Name == "gauss":
				n.Theory = []Component{{1, th.GaussExact}}
				n.TheoryNote = "exact Gaussian mean (quadrature); grows like exp(ΔH/ε²)"
			case w.H == 0:
				n.Theory = []Component{{1, th.LevyNoDrift}}
				n.TheoryNote = "exact mean without drift, (ab)ᵅᐟ²/(εᵅ·Γ(1+α))"
			default:
				n.Theory = []Component{{1, th.LevyAsymptotic}}
				n.TheoryNote = "small-ε law: exponential, mean ∝ ε⁻ᵅ/(a⁻ᵅ + b⁻ᵅ), any height"
			}
		}
	case "wells":
		p, dw, err := levy.DoubleWell(sp)
		if err != nil {
			return nil, err
		}
		s.Profile = dw
		s.Dim = p.Dim
		s.XLo, s.XHi = -2*dw.WL, 2*dw.WR
		s.Basins = []string{wellName("left", dw.WL, dw.WR), wellName("right", dw.WR, dw.WL)}
		th := levy.WellsTheoryOf(dw, p.Alpha, p.Eps)
		share := startShares(cfg, len(s.Basins))
		for _, n := range s.Noises {
			residence := th.LevyResidence
			n.TheoryNote = "small-ε law: exponential, mean W^α/(K_α ε^α): set by the width"
			n.LongRun, n.LongRunNote = th.LevyFractions[:], "Lévy theory (small ε): W_L^α : W_R^α"
			if n.Name == "gauss" {
				residence = th.GaussResidence
				n.TheoryNote = "exact Gaussian mean time to the barrier (quadrature): set by the depth"
				n.LongRun, n.LongRunNote = th.GibbsFractions[:], "Gibbs law exp(−f/ε²): favours the deeper well"
			}
			for b, m := range residence {
				if share[b] > 0 {
					n.Theory = append(n.Theory, Component{share[b], m})
				}
			}
		}
	}
	for _, n := range s.Noises {
		if !finiteTheory(n.Theory) {
			n.Theory = nil
		}
	}
	s.ylo, s.yhi = measureProfile(s.Profile, s.XLo, s.XHi)
	return s, nil
}

// noiseParams returns the noise parameters of a "wells" or "exit" spec.
func noiseParams(sp spec.Spec) (spec.NoiseParams, error) {
	if sp.Kind == "exit" {
		p, err := sp.Exit()
		return p.NoiseParams, err
	}
	p, err := sp.Wells()
	return p.NoiseParams, err
}

// startShares returns the fraction of cfg's walkers that start in each of nb basins:
// walker i starts at cfg.Starts[i mod len(cfg.Starts)].
func startShares(cfg levy.Config, nb int) []float64 {
	share := make([]float64, nb)
	for _, x := range cfg.Starts {
		if b := cfg.Landscape.Locate(x); b >= 0 && b < nb {
			share[b] += 1 / float64(len(cfg.Starts))
		}
	}
	return share
}

func finiteTheory(cs []Component) bool {
	if len(cs) == 0 {
		return false
	}
	for _, c := range cs {
		if !(c.Mean > 0) || math.IsInf(c.Mean, 0) {
			return false
		}
	}
	return true
}

// wellName names a well by its width relative to the other one.
func wellName(side string, w, other float64) string {
	switch {
	case w < other:
		return side + " (narrow)"
	case w > other:
		return side + " (wide)"
	}
	return side
}

// CapWalkers returns sp with at most MaxBrowserWalkers walkers, and a FieldError describing
// the change when it lowered them (nil otherwise). sp itself is not modified.
func CapWalkers(sp spec.Spec) (spec.Spec, *spec.FieldError) {
	if sp.Kind != "wells" && sp.Kind != "exit" {
		return sp, nil
	}
	np, err := noiseParams(sp)
	if err != nil {
		return sp, &spec.FieldError{Field: "walkers", Msg: err.Error()}
	}
	w := np.Walkers
	if w <= MaxBrowserWalkers {
		return sp, nil
	}
	out := sp.Clone()
	if err := out.Set("walkers", MaxBrowserWalkers); err != nil {
		return sp, &spec.FieldError{Field: "walkers", Msg: err.Error()}
	}
	return out, &spec.FieldError{Field: "walkers", Msg: fmt.Sprintf("%d is more than the %d walkers the browser runs; using %d", w, MaxBrowserWalkers, MaxBrowserWalkers)}
}

// Step is the number of steps taken so far (the same for every noise).
func (s *Sim) Step() int64 { return s.Noises[0].Ens.Step() }

// Time is the simulated time reached, Step()·η.
func (s *Sim) Time() float64 { return float64(s.Step()) * s.Eta }

// Duration is the simulated time at the end of the run, Steps·η.
func (s *Sim) Duration() float64 { return float64(s.Steps) * s.Eta }

// Done reports whether the run is over: every step taken, or (kind "exit") every walker of
// every noise has left the basin.
func (s *Sim) Done() bool {
	if s.Step() >= s.Steps {
		return true
	}
	for _, n := range s.Noises {
		if n.Ens.Alive() > 0 {
			return false
		}
	}
	return true
}

// Progress is the fraction of the run done, in [0, 1].
func (s *Sim) Progress() float64 {
	if s.Done() {
		return 1
	}
	return float64(s.Step()) / float64(s.Steps)
}

// Advance moves every ensemble by n steps, fewer if the run ends first. It returns the
// steps taken.
func (s *Sim) Advance(n int) (int, error) {
	if n < 0 {
		return 0, fmt.Errorf("landscapeview: negative step count %d", n)
	}
	if rest := s.Steps - s.Step(); int64(n) > rest {
		n = int(rest)
	}
	if n == 0 || s.Done() {
		return 0, nil
	}
	for _, e := range s.Noises {
		// The chunks are short (one frame's work), so cancellation is checked between them
		// by the caller; an interrupted Advance would leave the ensemble unusable.
		if err := e.Ens.Advance(context.Background(), n); err != nil {
			return 0, fmt.Errorf("landscapeview: advancing the %s walkers: %w", e.Name, err)
		}
	}
	return n, nil
}

// AdvanceFor advances the run by about as many steps as fit in budget of computing. The
// chunk size adapts from call to call: it doubles while a chunk takes less than half the
// budget and is scaled down (at most 4× per call) when one takes longer, so a coarse or
// jittery clock (the browser's) can never ask for a huge chunk. It returns the steps taken.
func (s *Sim) AdvanceFor(budget time.Duration) (int, error) {
	return s.advanceCapped(budget, math.MaxInt64)
}

// advanceCapped is AdvanceFor taking at most limit steps.
func (s *Sim) advanceCapped(budget time.Duration, limit int64) (int, error) {
	n := int(min(int64(max(s.chunk, 1)), max(limit, 0)))
	start := time.Now()
	got, err := s.Advance(n)
	if err != nil {
		return got, err
	}
	el := time.Since(start)
	switch {
	case got < n: // the run or the limit ended the chunk: no news about the speed
	case el < budget/2:
		s.chunk = max(s.chunk, 1) * 2
	case el > budget:
		s.chunk = max(1, int(float64(s.chunk)*max(0.25, float64(budget)/float64(el))))
	}
	s.chunk = min(s.chunk, 1<<24)
	if got > 0 && el > 0 {
		r := float64(got*s.Walkers*len(s.Noises)) / el.Seconds()
		if s.rate == 0 {
			s.rate = r
		} else {
			s.rate = 0.8*s.rate + 0.2*r // for display: smooth out the clock's granularity
		}
	}
	return got, nil
}

// Rate is the measured speed in walker-steps per second (0 until AdvanceFor has run).
func (s *Sim) Rate() float64 { return s.rate }

// X returns walker i's first coordinate in noise n.
func (s *Sim) X(n *Noise, i int) float64 { return n.Ens.Positions()[i*s.Dim] }

// Occupancy counts the walkers of n in each basin now; the last entry counts those outside
// every basin (for "exit": those that have left).
func (s *Sim) Occupancy(n *Noise) []int {
	nb := len(s.Basins)
	out := make([]int, nb+1)
	for i := range s.Walkers {
		b := n.Ens.Basin(i)
		if b < 0 || b >= nb {
			out[nb]++
		} else {
			out[b]++
		}
	}
	return out
}

// ExitStats summarises the first exit times from the starting basin so far.
type ExitStats struct {
	Exited int     // walkers that have left
	Mean   float64 // mean over those (a lower bound of the true mean while some remain); NaN if none
	StdErr float64 // its standard error; NaN with fewer than two exits
}

// Exits returns n's first exit times so far and their summary.
func (s *Sim) Exits(n *Noise) ([]float64, ExitStats) {
	ts := n.Ens.ExitTimes()
	st := ExitStats{Exited: len(ts), Mean: math.NaN(), StdErr: math.NaN()}
	if len(ts) == 0 {
		return ts, st
	}
	var sum float64
	for _, t := range ts {
		sum += t
	}
	st.Mean = sum / float64(len(ts))
	if len(ts) > 1 {
		var sq float64
		for _, t := range ts {
			sq += (t - st.Mean) * (t - st.Mean)
		}
		st.StdErr = math.Sqrt(sq / float64(len(ts)-1) / float64(len(ts)))
	}
	return ts, st
}

// TheoryMean is the mean of n's theory law, NaN when there is none.
func (n *Noise) TheoryMean() float64 {
	if n.Theory == nil {
		return math.NaN()
	}
	m := 0.0
	for _, c := range n.Theory {
		m += c.Weight * c.Mean
	}
	return m
}

// TheoryCDF is P(τ ≤ t) under n's theory law (NaN when there is none).
func (n *Noise) TheoryCDF(t float64) float64 {
	if n.Theory == nil {
		return math.NaN()
	}
	p := 0.0
	for _, c := range n.Theory {
		p += c.Weight * (1 - math.Exp(-t/c.Mean))
	}
	return p
}

// Hist is a histogram of exit times with the theory's expected counts per bin.
type Hist struct {
	Edges    []float64 `json:"edges"`    // HistBins+1 edges over [0, HistMax]
	Counts   []int     `json:"counts"`   // exits per bin so far
	Overflow int       `json:"overflow"` // exits after the last edge (not drawn)
	Theory   []float64 `json:"theory"`   // expected counts per bin by now (nil without theory)
}

// HistBins is the number of bins of the exit-time histograms.
const HistBins = 30

// HistMax is the right end of n's exit-time histogram: five theory means (where the
// exponential law has 99.3% of its mass), or the run's duration if that is shorter or there
// is no theory. It is fixed for a run, so the bars grow in place.
func (s *Sim) HistMax(n *Noise) float64 {
	T := s.Duration()
	if m := n.TheoryMean(); m > 0 && 5*m < T {
		return 5 * m
	}
	return T
}

// ExitHist bins n's exit times so far over [0, HistMax], with the theory's expected count per
// bin by the time reached t: Walkers·(F(min(b, t)) − F(min(a, t))), so that bars and curve can
// be compared at any moment.
func (s *Sim) ExitHist(n *Noise) Hist {
	ts, _ := s.Exits(n)
	top, now := s.HistMax(n), s.Time()
	b := hist.Equal(ts, 0, top, HistBins)
	h := Hist{Edges: b.Edges, Counts: make([]int, HistBins), Overflow: b.Above}
	for i, c := range b.Counts {
		h.Counts[i] = int(c)
	}
	if n.Theory != nil {
		h.Theory = make([]float64, HistBins)
		for i := range h.Theory {
			a, b := min(h.Edges[i], now), min(h.Edges[i+1], now)
			h.Theory[i] = float64(s.Walkers) * (n.TheoryCDF(b) - n.TheoryCDF(a))
		}
	}
	return h
}

func fmtNum(x float64) string { return fmt.Sprintf("%.3g", x) }
