package landscapeview

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/tailscope/tailscope/sim/landscape"
	"github.com/tailscope/tailscope/sim/levy"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/chart"
)

// The sweep of exit times against width and against height: one basin (kind "exit") per point,
// a few walkers each, for Lévy and Gaussian noise, beside the theory (docs/science.md, exit
// times). It is small enough to run in the page in a few seconds, a slice at a time.
var (
	// SweepWidths are the basin widths a = b of the width sweep, at height SweepHeight.
	SweepWidths = []float64{0.5, 0.7, 1, 1.4, 2}
	// SweepHeights are the heights ΔH of the height sweep, at width SweepWidth.
	SweepHeights = []float64{0.1, 0.2, 0.3, 0.4, 0.5}
)

const (
	SweepHeight  = 0.3  // ΔH of the width sweep (the page's)
	SweepWidth   = 1.0  // a = b of the height sweep
	SweepWalkers = 40   // walkers per point and noise
	SweepTime    = 40.0 // time units a walker is followed; one still inside counts this long
	sweepEta     = 0.02 // the step, lowered where the basin's curvature needs it
)

// SweepPoint is one basin and one noise of the sweep.
type SweepPoint struct {
	Axis   string  // "width" or "height"
	X      float64 // the width a = b, or the height ΔH
	Noise  string  // "levy" or "gauss"
	Spec   spec.Spec
	Mean   float64 // mean exit time; a lower bound while Exited < Walkers (those left count SweepTime)
	Exited int
	Done   bool
}

// Sweep runs its points one after the other.
type Sweep struct {
	Alpha, Eps float64
	Points     []*SweepPoint

	cur   int
	ens   *levy.Ensemble
	chunk int

	curves map[string]*theoryCurve // by axis, made on the first Chart (see theoryAlong)
}

// theoryCurve is the theory's mean exit time along one axis of the sweep, on the chart's grid.
type theoryCurve struct {
	x, levy, gauss []float64
}

// NewSweep returns the sweep at the noise of sp (its α and ε) and seed.
func NewSweep(sp spec.Spec) (*Sweep, error) {
	np, err := noiseParams(sp)
	if err != nil {
		return nil, err
	}
	s := &Sweep{Alpha: np.Alpha, Eps: np.Eps, chunk: 64}
	add := func(axis string, x, w, h float64) error {
		for _, noise := range []string{"levy", "gauss"} {
			curv := 6 * h / (w * w)
			eta := sweepEta
			if curv*eta > 0.25 {
				eta = 0.25 / curv
			}
			p := spec.ExitParams{A: w, B: w, Height: h, NoiseParams: spec.NoiseParams{
				Alpha: np.Alpha, Eps: np.Eps, Eta: eta, Walkers: SweepWalkers,
				Steps: int(math.Ceil(SweepTime / eta)), Noise: spec.Noise(noise), Trace: 0}}
			psp, err := p.Spec(sp.Seed)
			if err != nil {
				return fmt.Errorf("landscapeview: sweep point %s = %g: %w", axis, x, err)
			}
			s.Points = append(s.Points, &SweepPoint{Axis: axis, X: x, Noise: noise, Spec: psp})
		}
		return nil
	}
	for _, w := range SweepWidths {
		if err := add("width", w, w, SweepHeight); err != nil {
			return nil, err
		}
	}
	for _, h := range SweepHeights {
		if err := add("height", h, SweepWidth, h); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Done reports whether every point has run.
func (s *Sweep) Done() bool { return s.cur >= len(s.Points) }

// Progress is the fraction of points done.
func (s *Sweep) Progress() float64 { return float64(s.cur) / float64(len(s.Points)) }

// AdvanceFor runs the sweep for about budget, then returns (a slice of the page's frame).
func (s *Sweep) AdvanceFor(ctx context.Context, budget time.Duration) error {
	start := time.Now()
	for !s.Done() && time.Since(start) < budget {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := s.Points[s.cur]
		if s.ens == nil {
			cfg, err := levy.ConfigFromSpec(p.Spec, p.Noise)
			if err != nil {
				return err
			}
			cfg.Workers = 1
			if s.ens, err = levy.NewEnsemble(cfg); err != nil {
				return err
			}
		}
		ep, _ := p.Spec.Exit()
		left := int64(ep.Steps) - s.ens.Step()
		n := int(min(int64(s.chunk), left))
		t0 := time.Now()
		if err := s.ens.Advance(ctx, n); err != nil {
			return err
		}
		if el := time.Since(t0); el < budget/4 {
			s.chunk = min(s.chunk*2, 1<<16)
		} else if el > budget {
			s.chunk = max(s.chunk/2, 16)
		}
		s.record(p)
		if s.ens.Exited() == ep.Walkers || s.ens.Step() >= int64(ep.Steps) {
			p.Done = true
			s.ens = nil
			s.cur++
		}
	}
	return nil
}

// record writes the current ensemble's exits into p.
func (s *Sweep) record(p *SweepPoint) {
	times := s.ens.ExitTimes()
	ep, _ := p.Spec.Exit()
	sum := 0.0
	for _, t := range times {
		sum += t
	}
	p.Exited = len(times)
	p.Mean = (sum + float64(ep.Walkers-len(times))*s.ens.Time()) / float64(ep.Walkers)
}

// theories returns the mean exit times the theory gives at a basin of width w and height h:
// the small-ε Lévy law and the exact Gaussian mean (quadrature); NaN where none.
func (s *Sweep) theories(w, h float64) (levyMean, gaussMean float64) {
	th := levy.ExitTheoryOf(landscape.Well{A: w, B: w, H: h}, s.Alpha, s.Eps)
	valid := func(v float64) float64 {
		if !(v > 0) || math.IsInf(v, 0) {
			return math.NaN()
		}
		return v
	}
	return valid(th.LevyAsymptotic), valid(th.GaussExact)
}

// theoryAlong returns the theory along axis ("width" or "height") on the chart's grid of 40
// points, computed on the first call only: the sweep's α and ε do not change, and the
// Gaussian means are quadratures of 40 001 nodes each, about 0.15 s for both axes natively
// (AMD EPYC) and four times that in wasm, while Chart is called on every render of the view.
func (s *Sweep) theoryAlong(axis string) *theoryCurve {
	if c := s.curves[axis]; c != nil {
		return c
	}
	c := new(theoryCurve)
	if axis == "width" {
		c.x = logGrid(SweepWidths[0], SweepWidths[len(SweepWidths)-1], 40)
	} else {
		c.x = linGrid(SweepHeights[0], SweepHeights[len(SweepHeights)-1], 40)
	}
	for _, x := range c.x {
		w, h := x, SweepHeight
		if axis != "width" {
			w, h = SweepWidth, x
		}
		l, g := s.theories(w, h)
		c.levy = append(c.levy, l)
		c.gauss = append(c.gauss, g)
	}
	if s.curves == nil {
		s.curves = map[string]*theoryCurve{}
	}
	s.curves[axis] = c
	return c
}

// Chart draws the sweep along axis ("width" or "height"): the measured means as points (hollow
// where some walkers were still inside: a lower bound) and the theory as dashed curves.
func (s *Sweep) Chart(axis string) *chart.Chart {
	c := &chart.Chart{ID: "ls-sweep-" + axis, Y: chart.Axis{Label: "mean exit time", Unit: "time", Log: true}}
	switch axis {
	case "width":
		c.Title = fmt.Sprintf("Exit time against width (ΔH = %g)", SweepHeight)
		c.X = chart.Axis{Label: "width a = b", Unit: "w", Log: true, Min: 0.4, Max: 2.5}
		c.Caption = "Dashed: theory (Lévy ∝ width^α). Dots: measured."
	default:
		c.Title = fmt.Sprintf("Exit time against height (width %g)", SweepWidth)
		c.X = chart.Axis{Label: "height ΔH", Unit: "loss"}
		c.Caption = "Dashed: theory (Gaussian ∝ exp(ΔH/ε²)). Dots: measured."
	}
	c.Y.Min, c.Y.Max = 1, 1000
	curve := s.theoryAlong(axis)
	for _, noise := range []string{"levy", "gauss"} {
		name, col, means := "Lévy, α = "+fmtNum(s.Alpha), 2, curve.levy // the page's Lévy orange and Gaussian green
		if noise == "gauss" {
			name, col, means = "Gaussian", 3, curve.gauss
		}
		th := chart.Series{Name: name + ": theory", Kind: chart.Line, Dash: true, Color: col}
		th.X = append(th.X, curve.x...)
		for _, m := range means {
			th.Y = append(th.Y, math.Min(m, 1000))
		}
		meas := chart.Series{Name: name + ": measured", Kind: chart.Scatter, Color: col}
		for _, p := range s.Points {
			if p.Axis != axis || p.Noise != noise || (!p.Done && p.Exited == 0) {
				continue
			}
			meas.X = append(meas.X, p.X)
			meas.Y = append(meas.Y, p.Mean)
			ttl := fmt.Sprintf("%s %s = %g: mean exit %s (%d of %d left)", name, axis, p.X, fmtTime(p.Mean), p.Exited, SweepWalkers)
			if p.Exited < SweepWalkers {
				ttl = fmt.Sprintf("%s %s = %g: mean exit ≥ %s (%d of %d left within %g)", name, axis, p.X, fmtTime(p.Mean), p.Exited, SweepWalkers, SweepTime)
			}
			meas.Titles = append(meas.Titles, ttl)
		}
		c.Series = append(c.Series, th, meas)
	}
	return c
}

// SweepNote explains why measurement and theory differ at the page's ε.
func (s *Sweep) SweepNote() string {
	return "The dashed Lévy curve is a small-ε asymptote: it counts only exits by one large jump over the edge. " +
		"At ε = " + strconv.FormatFloat(s.Eps, 'g', 3, 64) + " walkers also leave by a few medium jumps helped by the drift, " +
		"so the measured means are shorter (by about 40 % at the page's basin, width 1 and ΔH = 0.3) and rise slowly towards the asymptote as the basin deepens, " +
		"while growing with the width as the asymptote does; the gap closes as ε → 0. The Gaussian curve is exact for the continuous-time diffusion, so it meets the points; " +
		"points far up are lower bounds, since walkers still inside at the end count the full " + strconv.FormatFloat(SweepTime, 'g', 3, 64) + " time units."
}

func logGrid(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = lo * math.Pow(hi/lo, float64(i)/float64(n-1))
	}
	return out
}

func linGrid(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return out
}
