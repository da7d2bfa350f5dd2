package networkview

import (
	"fmt"

	"github.com/tailscope/tailscope/sim/noise"
	"github.com/tailscope/tailscope/ui/chart"
)

// TextPerCoord explains the per-coordinate analysis beside the paper's pooled estimate.
const TextPerCoord = "The paper pools the noise of all weights into one sample. But weights have noise of very " +
	"different sizes, and a mix of Gaussians of different sizes looks heavy-tailed when pooled. So here each of " +
	"a few hundred weights chosen at random is looked at on its own, across the batches: its own α̂, whether a " +
	"Gaussianity test (Anderson–Darling, 5% level) rejects it, and the pooled α̂ once each weight is rescaled to " +
	"a common size. If the weights were Gaussian, about 5% would be rejected and the rescaled α̂ would be near 2."

// PerCoord is the per-coordinate analysis of the latest measurement (nil when there is none).
func (p *Page) PerCoord() *noise.PerCoord {
	ev := p.Sess.Evals
	if len(ev) == 0 || ev[len(ev)-1].Noise == nil {
		return nil
	}
	return ev[len(ev)-1].Noise.PerCoord
}

// PerCoordText says what the per-coordinate analysis of the latest measurement shows.
func (p *Page) PerCoordText() string {
	pc := p.PerCoord()
	if pc == nil || pc.Coords == 0 {
		return "Appears at the first measurement."
	}
	e := p.Sess.Evals[len(p.Sess.Evals)-1]
	s := fmt.Sprintf("Iteration %d, %d weights over %d batches: pooled as in the paper α̂ = %.2f; "+
		"each weight on its own, median α̂ = %.2f (quartiles %.2f–%.2f); rejected as Gaussian: %.0f%% (5%% expected if Gaussian); "+
		"pooled after rescaling each weight α̂ = %.2f.",
		e.Iter, pc.Coords, pc.Values, e.Alpha, pc.AlphaQuartiles[2], pc.AlphaQuartiles[1], pc.AlphaQuartiles[3],
		100*pc.Rejected, pc.Standardised.Alpha)
	switch {
	case pc.Values < 50:
		s += " With so few batches per weight these are rough; the server's bigger run measures on many more."
	case pc.Rejected < 0.1 && pc.Standardised.Alpha > 1.9 && e.Alpha < 1.9:
		s += " The weights look Gaussian one by one: the heavy tail of the pooled sample comes from mixing their sizes."
	case pc.Rejected > 0.2 && pc.Standardised.Alpha < 1.9:
		s += " Many weights are not Gaussian on their own, and rescaling them leaves the tail heavy."
	}
	if pc.Constant > 0 {
		s += fmt.Sprintf(" %d chosen weights had no noise at all (dead units) and were left out.", pc.Constant)
	}
	return s
}

// PerCoordChart is the histogram of per-coordinate α̂ with the pooled estimates as lines.
func (p *Page) PerCoordChart() *chart.Chart {
	c := &chart.Chart{
		ID:    "net-percoord",
		Title: "α̂ of each weight on its own",
		Caption: "Each weight's noise across the batches, estimated alone (Mohammadi); α̂ above 2 is counted in the last bar. " +
			"The dashed lines are the pooled estimates.",
		X: chart.Axis{Label: "α̂", Min: 0, Max: 2},
		Y: chart.Axis{Label: "weights"},
	}
	pc := p.PerCoord()
	if pc == nil || len(pc.AlphaHist) == 0 {
		return c
	}
	xs := make([]float64, len(pc.AlphaHist)+1)
	ys := make([]float64, len(pc.AlphaHist))
	top := 1.0
	for i := range xs {
		xs[i] = 2 * float64(i) / float64(len(pc.AlphaHist))
	}
	for i, n := range pc.AlphaHist {
		ys[i] = float64(n)
		top = max(top, ys[i])
	}
	e := p.Sess.Evals[len(p.Sess.Evals)-1]
	c.Series = []chart.Series{
		{Name: "weights", Kind: chart.Bars, X: xs, Y: ys, Color: 1},
		{Name: fmt.Sprintf("pooled (the paper), %.2f", e.Alpha), Kind: chart.Line, Color: 2, Dash: true,
			X: []float64{e.Alpha, e.Alpha}, Y: []float64{0, top}},
		{Name: fmt.Sprintf("pooled after rescaling, %.2f", pc.Standardised.Alpha), Kind: chart.Line, Color: 3, Dash: true,
			X: []float64{pc.Standardised.Alpha, pc.Standardised.Alpha}, Y: []float64{0, top}},
	}
	return c
}

// PerCoordTrendChart follows the same coordinates across the measurements (the sample depends
// on the network's size only): the paper's pooled α̂, the median per-coordinate α̂ and the pooled
// α̂ after rescaling.
func (p *Page) PerCoordTrendChart() *chart.Chart {
	c := &chart.Chart{
		ID:      "net-percoord-trend",
		Title:   "The same weights across training",
		Caption: "Gaussian weights would keep the orange and green lines near 2.",
		X:       chart.Axis{Label: "iteration"},
		Y:       chart.Axis{Label: "α̂", Min: 0, Max: 2.5},
	}
	var it, pooled, median, rescaled []float64
	for _, e := range p.Sess.Evals {
		if e.Noise == nil || e.Noise.PerCoord == nil || e.Noise.PerCoord.Coords == 0 {
			continue
		}
		pc := e.Noise.PerCoord
		it = append(it, float64(e.Iter))
		pooled = append(pooled, e.Alpha)
		median = append(median, pc.AlphaQuartiles[2])
		rescaled = append(rescaled, pc.Standardised.Alpha)
	}
	if len(it) == 0 {
		return c
	}
	c.Series = []chart.Series{
		{Name: "pooled (the paper)", Kind: chart.Line, X: it, Y: pooled, Color: 1},
		{Name: "each weight alone (median)", Kind: chart.Line, X: it, Y: median, Color: 2},
		{Name: "pooled after rescaling", Kind: chart.Line, X: it, Y: rescaled, Color: 3},
	}
	if len(it) == 1 {
		for i := range c.Series {
			c.Series[i].Kind = chart.Scatter
		}
	}
	return c
}
