package estimatorview

import (
	"fmt"
	"math"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/ui/chart"
)

// Colours of the view's charts (indices into chart.Palette, plus one).
const (
	colData  = 1 // blue: the data
	colLaw   = 2 // orange: the law the sample was drawn from
	colGauss = 3 // green: the Gaussian
	colGuide = 7 // black: the slope guide
)

// Methods lists the estimators in table order, with a label each: the estimator package's table.
var Methods = estimator.Methods

// MethodLabel is the plain-words label of method name.
func MethodLabel(name string) string { return estimator.MethodLabel(name) }

// Alpha returns the estimate of method (false when it did not run).
func (res *Result) Alpha(method string) (float64, bool) {
	for _, e := range res.Report.Estimates {
		if e.Method == method {
			return e.Alpha, true
		}
	}
	return 0, false
}

// GuideAlpha is the slope of the survival plot's guide: α for an SαS sample, ν for a Student-t
// (its tails decay like t^−ν), else the Mohammadi estimate α̂.
func (res *Result) GuideAlpha() (alpha float64, label string) {
	switch res.Dist {
	case "sas":
		return res.TailIndex, fmt.Sprintf("slope −α, α = %.2f", res.TailIndex)
	case "student":
		return res.Nu, fmt.Sprintf("slope −ν, ν = %.3g", res.Nu)
	}
	if a, ok := res.Alpha("mohammadi"); ok {
		return a, fmt.Sprintf("slope −α̂, α̂ = %.2f (Mohammadi)", a)
	}
	return 0, ""
}

func (res *Result) lawLabel() string {
	if res.Dist == "sas" {
		return "SαS law"
	}
	return "true law"
}

// HistChart is the histogram of the values on a log density axis, with the law's density (for a
// sample) and the matched Gaussian.
func (res *Result) HistChart() *chart.Chart {
	c := &chart.Chart{
		ID:    "est-hist",
		Title: "Histogram of the values (log scale)",
		X:     chart.Axis{Label: "value x"},
		Y:     chart.Axis{Label: "probability density", Log: true},
	}
	if res == nil || len(res.HistDensity) == 0 {
		return c
	}
	w := res.HistEdges[1] - res.HistEdges[0]
	top := 0.0
	for _, d := range res.HistDensity {
		top = math.Max(top, d)
	}
	for _, d := range res.LawDensity {
		top = math.Max(top, d)
	}
	// One value in a bin is the smallest density drawn; the curves go on below it to the edge.
	c.Y.Min, c.Y.Max = 0.5/(float64(res.N)*w), 2*top
	c.X.Min, c.X.Max = -res.Clip, res.Clip
	c.Series = append(c.Series, chart.Series{Name: "data", Kind: chart.Bars, X: res.HistEdges, Y: res.HistDensity, Color: colData})
	if len(res.LawDensity) > 0 {
		c.Series = append(c.Series, chart.Series{Name: res.lawLabel() + " density", Kind: chart.Line, X: res.CurveX, Y: res.LawDensity, Color: colLaw})
	}
	c.Series = append(c.Series, chart.Series{Name: "Gaussian matched to the middle half", Kind: chart.Line, X: res.CurveX, Y: res.GaussDensity, Color: colGauss, Dash: true})
	if res.Outside > 0 {
		c.Caption = fmt.Sprintf("%d values (%.1f%%) lie beyond ±%.3g and are not drawn.", res.Outside, 100*float64(res.Outside)/float64(res.N), res.Clip)
	}
	return c
}

// SurvivalChart is P(|X| > t) on log-log axes: the data, the law's (for a sample), the matched
// Gaussian's, and a guide of slope −α.
func (res *Result) SurvivalChart() *chart.Chart {
	c := &chart.Chart{
		ID:    "est-survival",
		Title: "Tail: P(|X| > t) on log-log axes",
		X:     chart.Axis{Label: "threshold t", Log: true},
		Y:     chart.Axis{Label: "P(|X| > t)", Log: true},
	}
	if res == nil || len(res.SurvivalT) == 0 {
		return c
	}
	c.Y.Min, c.Y.Max = 0.5/float64(res.N), 1
	// From a little below where 95 % of the values lie beyond t (the flat start says little) to
	// beyond the largest value.
	c.X.Min, c.X.Max = res.SurvivalT[nearest(res.SurvivalP, 0.95)]/3, res.SurvivalT[0]*2
	c.Series = append(c.Series, chart.Series{Name: "data", Kind: chart.Scatter, X: res.SurvivalT, Y: res.SurvivalP, Color: colData})
	if len(res.LawSurvivalP) > 0 {
		c.Series = append(c.Series, chart.Series{Name: res.lawLabel(), Kind: chart.Line, X: res.SurvivalT, Y: res.LawSurvivalP, Color: colLaw})
	}
	c.Series = append(c.Series, chart.Series{Name: "matched Gaussian", Kind: chart.Line, X: res.SurvivalT, Y: res.GaussSurvival, Color: colGauss, Dash: true})
	if a, label := res.GuideAlpha(); a > 0 {
		// Through the data point nearest P = 1 %, out to the largest value.
		i := nearest(res.SurvivalP, math.Max(0.01, 10/float64(res.N)))
		t0, p0 := res.SurvivalT[i], res.SurvivalP[i]
		t1 := res.SurvivalT[0]
		c.Series = append(c.Series, chart.Series{Name: label, Kind: chart.Line, Color: colGuide, Dash: true, Width: 2.5,
			X: []float64{t0 / 3, t1}, Y: []float64{p0 * math.Pow(3, a), p0 * math.Pow(t1/t0, -a)}})
		c.Caption = "A power law P(|X| > t) ∝ t⁻ᵅ is a straight line of slope −α here."
	}
	return c
}

// nearest is the index of the value of s closest to v in log scale.
func nearest(s []float64, v float64) int {
	best, bi := math.Inf(1), 0
	for i, x := range s {
		if d := math.Abs(math.Log(x / v)); d < best {
			best, bi = d, i
		}
	}
	return bi
}

// DriftChart is Mohammadi's α̂ against the block size K1 with its 95 % interval: flat for α-stable
// data, rising toward 2 for finite-variance data.
func (res *Result) DriftChart() *chart.Chart {
	c := &chart.Chart{
		ID:     "est-drift",
		Title:  "K1 drift: Mohammadi's α̂ against the block size",
		X:      chart.Axis{Label: "block size K1", Unit: "values", Log: true},
		Y:      chart.Axis{Label: "α̂"},
		Height: 380,
	}
	if res == nil || len(res.Report.K1Drift) == 0 {
		return c
	}
	d := res.Report.K1Drift
	k, a, lo, hi := make([]float64, len(d)), make([]float64, len(d)), make([]float64, len(d)), make([]float64, len(d))
	ymin, ymax := 2.0, 0.0
	for i, p := range d {
		k[i], a[i], lo[i], hi[i] = float64(p.K1), p.Alpha, p.Lo, p.Hi
		ymin, ymax = math.Min(ymin, p.Lo), math.Max(ymax, p.Hi)
	}
	ymax = math.Max(ymax, 2) // the Gaussian value is always in sight
	if res.TailIndex > 0 {
		ymin, ymax = math.Min(ymin, res.TailIndex), math.Max(ymax, res.TailIndex)
	}
	// A margin of at least 0.1 keeps the true tail index's line and α = 2 off the frame.
	c.Y.Min, c.Y.Max = math.Max(0, math.Floor((ymin-0.1)*4)/4), math.Min(4.25, math.Ceil((ymax+0.1)*4)/4)
	c.X.Min, c.X.Max = k[0]/1.5, k[len(k)-1]*1.5
	c.Series = append(c.Series,
		chart.Series{Name: "95% interval", Kind: chart.Band, X: k, Y: lo, Y2: hi, Color: colData},
		chart.Series{Name: "α̂ (Mohammadi)", Kind: chart.Line, X: k, Y: a, Color: colData},
		chart.Series{Kind: chart.Scatter, X: k, Y: a, Color: colData},
	)
	if res.TailIndex > 0 {
		c.Series = append(c.Series, chart.Series{Name: fmt.Sprintf("true tail index %.2f", res.TailIndex), Kind: chart.Line,
			X: []float64{c.X.Min, c.X.Max}, Y: []float64{res.TailIndex, res.TailIndex}, Color: colLaw, Dash: true})
	}
	c.Caption = "Flat for α-stable data; rising toward 2 when the variance is finite."
	return c
}
