// Package chart draws Tailscope's charts as SVG text from plain Go values, and exports the data
// behind them as CSV and JSON.
//
// A Chart is a plain struct: a title, two axes (linear or log, with labels and units) and a list of
// series (lines, scatter points, shaded bands, histogram bars). Chart.SVG returns a complete,
// self-contained SVG document (inline styles, no external CSS) so that what the page shows is what
// an exported file holds. The colours are the Okabe–Ito palette, which stays distinct under the
// common colour-vision deficiencies; lines are thick and type is large so a chart reads on a
// projector. Every drawn mark carries a <title>, which browsers show on hover.
//
// The package is plain Go: it is tested natively. The Vugu component Plot (plot.vugu) shows a chart
// with its export buttons; the downloads use the browser's Blob API under js/wasm.
package chart

import (
	"fmt"
	"math"
	"strings"
)

// Kind is how a series is drawn.
type Kind uint8

const (
	Line    Kind = iota // a polyline through (X[i], Y[i]); a non-finite or out-of-domain point breaks it
	Scatter             // a dot at each (X[i], Y[i])
	Band                // the area between Y (low) and Y2 (high) over X
	Bars                // histogram bars: bar i spans [X[i], X[i+1]) with height Y[i]; len(X) = len(Y)+1
	Step                // a step line: Y[i] held over [X[i], X[i+1]); len(X) = len(Y)+1
)

func (k Kind) String() string {
	switch k {
	case Line:
		return "line"
	case Scatter:
		return "scatter"
	case Band:
		return "band"
	case Bars:
		return "bars"
	case Step:
		return "step"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Palette is the Okabe–Ito colour-blind-safe palette, in the order series use it.
var Palette = []string{
	"#0072b2", // blue
	"#e69f00", // orange
	"#009e73", // bluish green
	"#d55e00", // vermillion
	"#cc79a7", // reddish purple
	"#56b4e9", // sky blue
	"#000000", // black
	"#f0e442", // yellow (last: weak contrast on white)
}

// Axis describes one axis.
type Axis struct {
	Label string // what is plotted, e.g. "value x"
	Unit  string // e.g. "steps"; "" when dimensionless
	Log   bool   // logarithmic scale (base 10); values ≤ 0 are not drawn
	Whole bool   // ticks only at whole numbers (counts, layer numbers), never 0.5 apart

	// Min and Max fix the range when Min < Max; otherwise it is taken from the data
	// (with a little padding on linear axes, and widened to whole decades on log axes).
	Min, Max float64
}

// Title is the axis label with its unit, e.g. "time (steps)".
func (a Axis) Title() string {
	if a.Unit == "" {
		return a.Label
	}
	return a.Label + " (" + a.Unit + ")"
}

// Series is one set of data drawn on a chart.
type Series struct {
	Name string // legend entry and column name in exports
	Kind Kind
	X, Y []float64
	Y2   []float64 // Band: the upper edge (Y is the lower)

	// Color is an index into Palette plus one; 0 picks the series' position in the chart.
	Color int
	Dash  bool    // a dashed line (guides, theory curves)
	Width float64 // line width in px; 0 means 3

	// Titles, when len(Titles) == len(Y), are the hover texts of Scatter points and Bars;
	// otherwise they are made from the values.
	Titles []string
}

// Chart is a 2-D chart.
type Chart struct {
	ID      string // id of the <svg> element (and base of export file names); may be empty
	Title   string // drawn above the plot
	Caption string // one sentence under the plot (e.g. what the guide line is); may be empty
	X, Y    Axis
	Series  []Series

	// Width and Height are the size of the SVG's view box; 0 means 640×420. The page scales the
	// SVG to its container, so these set the proportions and the relative size of the type.
	Width, Height int
}

// Default size and type.
const (
	DefaultWidth  = 640
	DefaultHeight = 420
	FontSize      = 18 // px in view-box units: about 1/35 of the width, large on a projector
)

func (c *Chart) size() (w, h float64) {
	w, h = float64(c.Width), float64(c.Height)
	if w <= 0 {
		w = DefaultWidth
	}
	if h <= 0 {
		h = DefaultHeight
	}
	return w, h
}

// color returns the colour of series i.
func (c *Chart) color(i int) string {
	s := c.Series[i]
	k := i
	if s.Color > 0 {
		k = s.Color - 1
	}
	return Palette[((k%len(Palette))+len(Palette))%len(Palette)]
}

// Validate reports the first series whose lengths do not fit its kind.
func (c *Chart) Validate() error {
	for i, s := range c.Series {
		n := len(s.Y)
		switch s.Kind {
		case Bars, Step:
			if n > 0 && len(s.X) != n+1 {
				return fmt.Errorf("chart %q: series %d (%q, %v) has %d edges for %d values, want %d edges",
					c.ID, i, s.Name, s.Kind, len(s.X), n, n+1)
			}
		case Band:
			if len(s.X) != n || len(s.Y2) != n {
				return fmt.Errorf("chart %q: series %d (%q, band) has len(X)=%d, len(Y)=%d, len(Y2)=%d, want all equal",
					c.ID, i, s.Name, len(s.X), n, len(s.Y2))
			}
		default:
			if len(s.X) != n {
				return fmt.Errorf("chart %q: series %d (%q, %v) has len(X)=%d != len(Y)=%d", c.ID, i, s.Name, s.Kind, len(s.X), n)
			}
		}
	}
	return nil
}

// finite reports whether x can be drawn on an axis (log axes need x > 0).
func finite(x float64, log bool) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return false
	}
	return !log || x > 0
}

// dataRange is the range of the values of one axis over every series.
func (c *Chart) dataRange(ax Axis, xAxis bool) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	add := func(v float64) {
		if finite(v, ax.Log) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	for _, s := range c.Series {
		if xAxis {
			for _, v := range s.X {
				add(v)
			}
			continue
		}
		for _, v := range s.Y {
			add(v)
		}
		for _, v := range s.Y2 {
			add(v)
		}
	}
	return lo, hi, lo <= hi
}

// scale maps data values of one axis to pixels.
type scale struct {
	log      bool
	lo, hi   float64 // data range (in log10 units for log axes)
	p0, p1   float64 // pixel positions of lo and hi
	tickVals []float64
}

func (s *scale) pos(v float64) float64 {
	if s.log {
		v = math.Log10(v)
	}
	if s.hi == s.lo {
		return (s.p0 + s.p1) / 2
	}
	return s.p0 + (v-s.lo)/(s.hi-s.lo)*(s.p1-s.p0)
}

// newScale picks the range and ticks of an axis.
func (c *Chart) newScale(ax Axis, xAxis bool, p0, p1 float64) *scale {
	lo, hi := ax.Min, ax.Max
	fixed := lo < hi && finite(lo, ax.Log) && finite(hi, ax.Log)
	if !fixed {
		var ok bool
		lo, hi, ok = c.dataRange(ax, xAxis)
		if !ok {
			lo, hi = 0, 1
			if ax.Log {
				lo, hi = 1, 10
			}
		}
	}
	s := &scale{log: ax.Log, p0: p0, p1: p1}
	if ax.Log {
		l, h := math.Log10(lo), math.Log10(hi)
		if !fixed {
			l, h = math.Floor(l), math.Ceil(h)
			if l == h {
				l, h = l-1, h+1
			}
		}
		s.lo, s.hi = l, h
		s.tickVals = logTicks(l, h)
		return s
	}
	if !fixed {
		if lo == hi {
			d := math.Max(math.Abs(lo)*0.1, 1)
			lo, hi = lo-d, hi+d
		}
		pad := (hi - lo) * 0.04
		// Keep 0 as the edge when the data start at 0 (histograms, probabilities).
		if lo != 0 {
			lo -= pad
		}
		if hi != 0 {
			hi += pad
		}
	}
	s.lo, s.hi = lo, hi
	s.tickVals = Ticks(lo, hi, 6)
	if ax.Whole && len(s.tickVals) > 1 && s.tickVals[1]-s.tickVals[0] < 1 {
		s.tickVals = Ticks(lo, hi, max(1, int(hi-lo))) // a step of at least 1 (NiceStep of ≥ 1)
	}
	return s
}

// Ticks returns about n "nice" tick values (1, 2 or 5 times a power of ten apart) inside [lo, hi].
func Ticks(lo, hi float64, n int) []float64 {
	if !(lo < hi) || n < 1 || math.IsInf(hi-lo, 0) {
		return nil
	}
	step := NiceStep((hi - lo) / float64(n))
	first := math.Ceil(lo/step - 1e-9)
	var ts []float64
	for k := first; ; k++ {
		v := k * step
		if v > hi+step*1e-9 {
			break
		}
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ts = append(ts, v)
		if len(ts) > 4*n+4 {
			break
		}
	}
	return ts
}

// NiceStep rounds a positive step up to 1, 2 or 5 times a power of ten.
func NiceStep(raw float64) float64 {
	if !(raw > 0) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// logTicks returns the powers of ten in [10^l, 10^h] (in data units), thinned to at most 8; over
// less than 3 decades also 2 and 5 times each power, so that a short log axis has enough ticks.
func logTicks(l, h float64) []float64 {
	a, b := math.Ceil(l-1e-9), math.Floor(h+1e-9)
	mults := []float64{1}
	if h-l < 3 {
		mults = []float64{1, 2, 5}
		a = math.Floor(l)
	}
	every := math.Max(1, math.Ceil((b-a+1)/8))
	var ts []float64
	for e := a; e <= b; e += every {
		for _, m := range mults {
			v := m * math.Pow(10, e)
			if lv := math.Log10(v); lv >= l-1e-9 && lv <= h+1e-9 {
				ts = append(ts, v)
			}
		}
	}
	return ts
}

// FormatTick writes a tick value compactly: powers of ten on log axes as 10⁻³, others with as
// few digits as the step needs.
func FormatTick(v float64, log bool) string {
	if log && v > 0 {
		e := math.Round(math.Log10(v))
		if math.Abs(v-math.Pow(10, e)) <= 1e-9*v {
			switch e {
			case 0:
				return "1"
			case 1:
				return "10"
			case -1:
				return "0.1"
			case 2:
				return "100"
			}
			return "10" + superscript(int(e))
		}
	}
	if v == 0 {
		return "0"
	}
	av := math.Abs(v)
	if av >= 1e5 || av < 1e-3 {
		s := fmt.Sprintf("%.3g", v)
		return strings.Replace(s, "e+0", "e", 1)
	}
	s := fmt.Sprintf("%.4f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return strings.Replace(s, "-", "−", 1)
}

func superscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	sup := []rune(digits)
	var b strings.Builder
	if n < 0 {
		b.WriteRune('⁻')
		n = -n
	}
	s := fmt.Sprint(n)
	for _, r := range s {
		b.WriteRune(sup[r-'0'])
	}
	return b.String()
}
