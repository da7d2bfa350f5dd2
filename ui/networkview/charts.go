package networkview

import (
	"fmt"
	"math"

	"github.com/tailscope/tailscope/sim/noise"
	"github.com/tailscope/tailscope/ui/chart"
)

// Colours: indices (plus one) into chart.Palette.
const (
	colBlue      = 1
	colOrange    = 2
	colGreen     = 3
	colVermilion = 4
	colPurple    = 5
	colSky       = 6
	colBlack     = 7
)

// MaxLinePoints bounds the points of the minibatch-loss line: longer runs are averaged in
// consecutive buckets.
const MaxLinePoints = 400

// Downsample averages y (the value of each iteration 0, 1, …) in at most maxPoints
// consecutive buckets and returns each bucket's mid iteration and mean.
func Downsample(y []float32, maxPoints int) (xs, ys []float64) {
	if len(y) == 0 || maxPoints < 1 {
		return nil, nil
	}
	size := (len(y) + maxPoints - 1) / maxPoints
	for i := 0; i < len(y); i += size {
		j := min(i+size, len(y))
		var sum float64
		for _, v := range y[i:j] {
			sum += float64(v)
		}
		xs = append(xs, float64(i+j-1)/2)
		ys = append(ys, sum/float64(j-i))
	}
	return xs, ys
}

// LossChart shows the minibatch loss of each step (averaged in buckets) and the training
// and test loss at each measurement.
func (s *Session) LossChart() *chart.Chart {
	c := &chart.Chart{ID: "chart-loss", Title: "Loss", X: chart.Axis{Label: "iteration"}, Y: chart.Axis{Label: "loss"}}
	if xs, ys := Downsample(s.Loss, MaxLinePoints); len(xs) > 0 {
		c.Series = append(c.Series, chart.Series{Name: "minibatch", Color: colSky, Kind: chart.Line, X: xs, Y: ys})
	}
	var it, tr, te []float64
	var ttr, tte []string
	for _, e := range s.Evals {
		it = append(it, float64(e.Iter))
		tr = append(tr, e.TrainLoss)
		te = append(te, e.TestLoss)
		ttr = append(ttr, fmt.Sprintf("iteration %d: training loss %.4f", e.Iter, e.TrainLoss))
		tte = append(tte, fmt.Sprintf("iteration %d: test loss %.4f", e.Iter, e.TestLoss))
	}
	c.Series = append(c.Series,
		chart.Series{Name: "training", Color: colBlue, Kind: chart.Scatter, X: it, Y: tr, Titles: ttr},
		chart.Series{Name: "test", Color: colVermilion, Kind: chart.Scatter, X: it, Y: te, Titles: tte})
	s.iterAxis(c)
	return c
}

// AccuracyChart shows the training and test accuracy at each measurement.
func (s *Session) AccuracyChart() *chart.Chart {
	c := &chart.Chart{ID: "chart-acc", Title: "Accuracy", X: chart.Axis{Label: "iteration"}, Y: chart.Axis{Label: "accuracy (%)", Min: 0, Max: 100}}
	var it, tr, te []float64
	var ttr, tte []string
	for _, e := range s.Evals {
		it = append(it, float64(e.Iter))
		tr = append(tr, 100*e.TrainAcc)
		te = append(te, 100*e.TestAcc)
		ttr = append(ttr, fmt.Sprintf("iteration %d: training accuracy %.1f%%", e.Iter, 100*e.TrainAcc))
		tte = append(tte, fmt.Sprintf("iteration %d: test accuracy %.1f%%", e.Iter, 100*e.TestAcc))
	}
	c.Series = append(c.Series,
		chart.Series{Name: "training", Color: colBlue, Kind: chart.Scatter, X: it, Y: tr, Titles: ttr},
		chart.Series{Name: "test", Color: colVermilion, Kind: chart.Scatter, X: it, Y: te, Titles: tte})
	s.iterAxis(c)
	return c
}

// AlphaChart shows α̂ at each measurement with its 95% interval and the line α = 2.
func (s *Session) AlphaChart() *chart.Chart {
	c := &chart.Chart{ID: "chart-alpha", Title: "Tail index α̂ of the gradient noise", X: chart.Axis{Label: "iteration"}, Y: chart.Axis{Label: "α̂"}}
	var it, a, lo, hi []float64
	var titles []string
	ymin, ymax := 1.0, 2.1
	for _, e := range s.Evals {
		if e.Alpha <= 0 { // the estimate failed
			continue
		}
		it = append(it, float64(e.Iter))
		a = append(a, e.Alpha)
		lo = append(lo, e.Lo)
		hi = append(hi, e.Hi)
		titles = append(titles, fmt.Sprintf("iteration %d: α̂ = %.3f, 95%% interval [%.3f, %.3f]", e.Iter, e.Alpha, e.Lo, e.Hi))
		ymin, ymax = math.Min(ymin, e.Lo), math.Max(ymax, e.Hi)
	}
	// The test set's noise, when the spec measures it (testNoise).
	var tit, ta []float64
	var ttitles []string
	for _, e := range s.Evals {
		if e.TestAlpha <= 0 {
			continue
		}
		tit = append(tit, float64(e.Iter))
		ta = append(ta, e.TestAlpha)
		ttitles = append(ttitles, fmt.Sprintf("iteration %d: test-set α̂ = %.3f, 95%% interval [%.3f, %.3f]", e.Iter, e.TestAlpha, e.TestLo, e.TestHi))
		ymin, ymax = math.Min(ymin, e.TestLo), math.Max(ymax, e.TestHi)
	}
	c.Y.Min, c.Y.Max = math.Max(0, math.Floor(ymin*10)/10-0.1), math.Min(2.6, math.Ceil(ymax*10)/10+0.05)
	c.Series = append(c.Series,
		chart.Series{Name: "95% interval", Color: colOrange, Kind: chart.Band, X: it, Y: lo, Y2: hi},
		chart.Series{Name: "α = 2 (Gaussian)", Color: colBlack, Kind: chart.Line, X: []float64{0, float64(mlpParams(s.Spec).Steps())}, Y: []float64{2, 2}, Dash: true},
		chart.Series{Name: "α̂", Color: colVermilion, Kind: chart.Scatter, X: it, Y: a, Titles: titles})
	if len(ta) > 0 {
		c.Series = append(c.Series, chart.Series{Name: "test-set α̂", Color: colBlue, Kind: chart.Scatter, X: tit, Y: ta, Titles: ttitles})
	}
	s.iterAxis(c)
	return c
}

// ZeroChart shows the fraction of noise values that are exactly zero at each measurement.
func (s *Session) ZeroChart() *chart.Chart {
	c := &chart.Chart{ID: "chart-zeros", Title: "Zero fraction of the noise", X: chart.Axis{Label: "iteration"}, Y: chart.Axis{Label: "values exactly 0 (%)", Min: 0, Max: 100}}
	var it, z []float64
	var titles []string
	for _, e := range s.Evals {
		it = append(it, float64(e.Iter))
		z = append(z, 100*e.ZeroFrac)
		titles = append(titles, fmt.Sprintf("iteration %d: %.2f%% of the noise values are exactly 0", e.Iter, 100*e.ZeroFrac))
	}
	c.Series = append(c.Series, chart.Series{Name: "zeros", Color: colPurple, Kind: chart.Scatter, X: it, Y: z, Titles: titles})
	s.iterAxis(c)
	return c
}

// LayerChart shows α̂ of each layer at the latest measurement.
func (s *Session) LayerChart() *chart.Chart {
	c := &chart.Chart{ID: "chart-layers", Title: "α̂ per layer (latest measurement)", X: chart.Axis{Label: "layer (input side first)", Whole: true}, Y: chart.Axis{Label: "α̂", Min: 0, Max: 2.2}}
	if len(s.Evals) == 0 {
		return c
	}
	e := s.Evals[len(s.Evals)-1]
	c.Title = fmt.Sprintf("α̂ per layer at iteration %d", e.Iter)
	xs := []float64{0.5}
	var ys []float64
	var titles []string
	for l, a := range e.LayerAlpha {
		xs = append(xs, float64(l)+1.5)
		ys = append(ys, a)
		t := fmt.Sprintf("layer %d: α̂ = %.3f", l+1, a)
		if e.Noise != nil && l < len(e.Noise.Layers) {
			t += fmt.Sprintf(", 95%% interval [%.3f, %.3f]", e.Noise.Layers[l].Lo, e.Noise.Layers[l].Hi)
		}
		titles = append(titles, t)
	}
	c.X.Min, c.X.Max = 0.5, float64(len(ys))+0.5
	c.Series = append(c.Series,
		chart.Series{Name: "α̂", Color: colGreen, Kind: chart.Bars, X: xs, Y: ys, Titles: titles},
		chart.Series{Name: "α = 2", Color: colBlack, Kind: chart.Line, X: []float64{0.5, float64(len(ys)) + 0.5}, Y: []float64{2, 2}, Dash: true})
	return c
}

// HistChart shows the noise histogram of the latest measurement on a log density scale
// with the fitted SαS and Gaussian densities.
func (s *Session) HistChart() *chart.Chart { return histChart(s.Histogram()) }

// histChart draws h (nil: an empty frame).
func histChart(h *NoiseHistogram) *chart.Chart {
	c := &chart.Chart{ID: "chart-hist", Title: "Noise histogram (latest measurement)", X: chart.Axis{Label: "noise value (gradient − mean gradient)"},
		Y: chart.Axis{Label: "density (log scale)", Log: true}}
	if h == nil {
		return c
	}
	c.Title = fmt.Sprintf("Noise histogram at iteration %d", h.Iter)
	c.X.Min, c.X.Max = -h.Lim, h.Lim
	var titles []string
	lo := math.Inf(1)
	for i, d := range h.Density {
		titles = append(titles, fmt.Sprintf("[%.3g, %.3g): density %.3g", h.Edges[i], h.Edges[i+1], d))
		if d > 0 {
			lo = math.Min(lo, d)
		}
	}
	xs, st, ga := h.CurveX, h.Stable, h.Gauss
	hi := 0.0
	for i := range xs {
		hi = math.Max(hi, math.Max(st[i], ga[i]))
	}
	for _, d := range h.Density {
		hi = math.Max(hi, d)
	}
	if !math.IsInf(lo, 1) {
		c.Y.Min, c.Y.Max = lo/3, hi*2
	}
	c.Series = append(c.Series,
		chart.Series{Name: "noise", Color: colSky, Kind: chart.Bars, X: h.Edges, Y: h.Density, Titles: titles},
		chart.Series{Name: fmt.Sprintf("SαS, α = %.2f", h.Alpha), Color: colVermilion, Kind: chart.Line, X: xs, Y: st},
		chart.Series{Name: "Gaussian", Color: colBlack, Kind: chart.Line, X: xs, Y: ga, Dash: true})
	return c
}

// NormChart shows the histogram of the per-batch noise norms ‖g_j − ḡ‖ at the latest
// measurement, of the training set and (with testNoise) of the test set.
func (s *Session) NormChart() *chart.Chart {
	c := &chart.Chart{ID: "chart-norms", Title: "Noise norms per batch (latest measurement)", X: chart.Axis{Label: "‖g_j − ḡ‖ (batch gradient − mean gradient)"},
		Y: chart.Axis{Label: "batches", Min: 0}}
	if len(s.Evals) == 0 {
		return c
	}
	e := s.Evals[len(s.Evals)-1]
	c.Title = fmt.Sprintf("Noise norms per batch at iteration %d", e.Iter)
	add := func(name string, col int, m *noise.Measurement) {
		if m == nil || len(m.NormHist.Counts) == 0 {
			return
		}
		h := m.NormHist
		n := len(h.Counts)
		edges := make([]float64, n+1)
		var titles []string
		for i := range edges {
			edges[i] = h.Lo + (h.Hi-h.Lo)*float64(i)/float64(n)
		}
		for i, k := range h.Counts {
			titles = append(titles, fmt.Sprintf("%s: %.0f batches with norm in [%.3g, %.3g)", name, k, edges[i], edges[i+1]))
			c.Y.Max = math.Max(c.Y.Max, k)
		}
		c.X.Max = math.Max(c.X.Max, h.Hi)
		c.Series = append(c.Series, chart.Series{Name: name, Color: col, Kind: chart.Bars, X: edges, Y: h.Counts, Titles: titles})
	}
	add("training set", colSky, e.Noise)
	add("test set", colBlue, e.TestNoise)
	c.Y.Max *= 1.1
	return c
}

// iterAxis sets the iteration axis to the whole run.
func (s *Session) iterAxis(c *chart.Chart) {
	n := math.Max(1, float64(mlpParams(s.Spec).Steps()))
	c.X.Min, c.X.Max = -0.02*n, 1.02*n // room for the points at 0 and at the end
}
