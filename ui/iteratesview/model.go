package iteratesview

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/iterates"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/chart"
	"github.com/tailscope/tailscope/ui/controls"
	"github.com/tailscope/tailscope/ui/worker"
)

// Job is the name of the worker job that runs an "iterates" spec.
const Job = "iterates"

func init() { worker.Handle(Job, handle) }

// handle runs the spec in input (JSON) and returns the iterates.Result as JSON.
func handle(ctx context.Context, input []byte, report spec.Reporter) ([]byte, error) {
	s, err := spec.Parse(input)
	if err != nil {
		return nil, err
	}
	if s.Kind != "iterates" {
		return nil, fmt.Errorf("iteratesview: spec of kind %q, want iterates", s.Kind)
	}
	// One goroutine: in a worker there is one thread anyway, and in-thread the page must breathe.
	res, err := iterates.Runner{Workers: 1}.Run(ctx, s, report)
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

// Result is what the view shows: a run's result and the words and charts made from it.
type Result struct {
	iterates.Result
}

// NoiseHill is Hill's estimate of the gradient noise's tail index (false when it did not run).
func (r *Result) NoiseHill() (estimator.Estimate, bool) { return r.noise("hill") }

// NoisePaper is the paper's (Mohammadi) estimate on the gradient noise.
func (r *Result) NoisePaper() (estimator.Estimate, bool) { return r.noise("mohammadi") }

func (r *Result) noise(method string) (estimator.Estimate, bool) {
	for _, e := range r.Noise.Estimates {
		if e.Method == method {
			return e, true
		}
	}
	return estimator.Estimate{}, false
}

func (r *Result) params() spec.IteratesParams {
	p, _ := r.Spec.Iterates()
	return p
}

// TheoryText says the theory's prediction in words.
func (r *Result) TheoryText() string {
	t := r.Theory
	p := r.params()
	crit := fmt.Sprintf("The variance of the iterates becomes infinite (tail index 2) at η/b = 2/(σ²(b+d+1)) = %.3g, that is η = %.3g; here η/b = %.3g.",
		t.CriticalEtaOverB, t.CriticalEta, p.Eta/float64(p.B))
	switch {
	case !t.Stationary:
		return fmt.Sprintf("Theory: E log‖M e₁‖ = %.3f ≥ 0, so the chains do not settle: they drift away from the solution, however long they run. ", t.Rho) + crit
	case t.Beyond:
		return fmt.Sprintf("Theory: the root of h(s) lies beyond %d: the iterates' tails are so light that they look Gaussian. ", iterates.MaxTailIndex) + crit
	}
	return fmt.Sprintf("Theory: h(s) crosses zero at s = %.2f (Monte-Carlo 95%% interval %.2f–%.2f, %s draws), the predicted tail index. ",
		t.TailIndex, t.Lo, t.Hi, controls.Thousands(t.Draws)) + crit
}

// IteratesText says what the chains show.
func (r *Result) IteratesText() string {
	p := r.params()
	if r.Iterates.Alpha == 0 {
		return fmt.Sprintf("%s of %s chains diverged (their distance to the solution passed 10¹⁰⁰): there is no stationary law to measure.",
			controls.Thousands(r.Diverged), controls.Thousands(p.Chains))
	}
	s := fmt.Sprintf("Where %s chains end after %s steps: Hill's estimate of the tail index of ‖x − x*‖ is %.2f (95%% interval %.2f–%.2f)",
		controls.Thousands(p.Chains), controls.Thousands(p.Steps), r.Iterates.Alpha, r.Iterates.Lo, r.Iterates.Hi)
	switch {
	case !r.Theory.Stationary:
		s += ", but the theory says they have no stationary law: this describes a moment of their drift."
	case r.Covers:
		s += ": the interval holds the theory's value."
	case r.Theory.Beyond:
		s += "."
	default:
		s += ": the interval misses the theory's value (run more chains, or more steps to settle)."
	}
	if r.Diverged > 0 {
		s += fmt.Sprintf(" %s chains diverged and were left out.", controls.Thousands(r.Diverged))
	}
	return s
}

// NoiseText says what the gradient noise looks like.
func (r *Result) NoiseText() string {
	h, ok := r.NoiseHill()
	if !ok {
		return ""
	}
	s := fmt.Sprintf("The gradient noise at a typical iterate (%s minibatches, coordinates pooled) is light-tailed: the same estimator gives %.2f (%.2f–%.2f), a finite variance.",
		controls.Thousands(iterates.NoiseBatches), h.Alpha, h.Lo, h.Hi)
	if m, ok := r.NoisePaper(); ok {
		s += fmt.Sprintf(" The paper's α-stable estimator reads %.2f on it", m.Alpha)
		if m.Alpha < 1.9 {
			s += ", an artefact of its α-stable model on a finite-variance law (its K1 drift climbs toward 2)"
		}
		s += "."
	}
	return s
}

// Headline is the one sentence on what the person sees.
func (r *Result) Headline() string {
	if r.Iterates.Alpha > 0 && r.Iterates.Hi < 2 {
		return "The noise of each step is light-tailed, yet the iterates are heavy-tailed with infinite variance: the randomness multiplies (x ← Mx + q with a random matrix M) instead of adding up."
	}
	if r.Iterates.Alpha > 0 && r.Iterates.Lo > 2 {
		return "At this step size the iterates have a finite variance; raise η/b past the critical value and their tails become heavy."
	}
	return "Each SGD step multiplies the distance to the solution by a random matrix; how heavy the iterates' tails are depends on η/b, d and σ."
}

// Colours (indices into chart.Palette, plus one).
const (
	colData   = 1 // blue
	colTheory = 2 // orange
	colGuide  = 7 // black
)

// SurvivalChart is P(‖x − x*‖ > t) on log-log axes, with a line of the theory's slope −s through
// the point where Hill's estimate starts.
func (r *Result) SurvivalChart() *chart.Chart {
	c := &chart.Chart{
		ID:      "it-survival",
		Title:   "Tail of the iterates",
		Caption: "A power-law tail t⁻ˢ is a line of slope −s here; dashed: the theory's s.",
		X:       chart.Axis{Label: "distance to the solution t", Log: true},
		Y:       chart.Axis{Label: "fraction of chains beyond t", Log: true},
	}
	if len(r.Survival) == 0 {
		return c
	}
	var xs, ys []float64
	for _, p := range r.Survival {
		xs = append(xs, p.T)
		ys = append(ys, p.P)
	}
	c.Series = append(c.Series, chart.Series{Name: "chains", Kind: chart.Line, X: xs, Y: ys, Color: colData})
	if s := r.Theory.TailIndex; r.Theory.Stationary && !r.Theory.Beyond && s > 0 {
		// Anchor at the first survival point at or below 10% of the chains.
		i := 0
		for i < len(r.Survival)-1 && r.Survival[i].P > 0.1 {
			i++
		}
		t0, p0 := r.Survival[i].T, r.Survival[i].P
		t1 := r.Survival[len(r.Survival)-1].T
		c.Series = append(c.Series, chart.Series{Name: fmt.Sprintf("theory, slope −%.2f", s), Kind: chart.Line, Dash: true, Color: colTheory,
			X: []float64{t0, t1}, Y: []float64{p0, p0 * math.Pow(t1/t0, -s)}})
	}
	return c
}

// HChart is the Monte-Carlo h(s) with its zero line: the tail index is where h crosses zero.
func (r *Result) HChart() *chart.Chart {
	c := &chart.Chart{
		ID:      "it-h",
		Title:   "h(s) = log E‖M e₁‖ˢ",
		Caption: "Where h crosses zero again is the tail index s.",
		X:       chart.Axis{Label: "s"},
		Y:       chart.Axis{Label: "h(s)"},
	}
	var xs, ys []float64
	for _, p := range r.Theory.H {
		xs = append(xs, p.S)
		ys = append(ys, p.H)
	}
	if len(xs) == 0 {
		return c
	}
	c.Series = append(c.Series,
		chart.Series{Name: "h(s), Monte Carlo", Kind: chart.Line, X: xs, Y: ys, Color: colTheory},
		chart.Series{Name: "zero", Kind: chart.Line, Dash: true, Color: colGuide, Width: 1.5, X: []float64{xs[0], xs[len(xs)-1]}, Y: []float64{0, 0}},
	)
	if r.Iterates.Alpha > 0 && r.Theory.Stationary {
		c.Series = append(c.Series, chart.Series{Name: "Hill on the chains, 95% interval", Kind: chart.Line, Color: colData, Width: 6,
			X: []float64{r.Iterates.Lo, min(r.Iterates.Hi, xs[len(xs)-1])}, Y: []float64{0, 0}})
	}
	return c
}
