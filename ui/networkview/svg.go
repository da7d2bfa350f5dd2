package networkview

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// The Okabe–Ito palette: distinguishable with every common colour-vision deficiency.
const (
	ColorOrange    = "#E69F00"
	ColorSky       = "#56B4E9"
	ColorGreen     = "#009E73"
	ColorBlue      = "#0072B2"
	ColorVermilion = "#D55E00"
	ColorPurple    = "#CC79A7"
	ColorBlack     = "#000000"
	ColorGrey      = "#666666"
)

// Axis is one axis of a Chart. Min = Max means "fit the data".
type Axis struct {
	Label    string
	Min, Max float64
	Log      bool // base-10 logarithmic
}

// Series is one thing drawn on a Chart.
type Series struct {
	Name  string
	Color string
	Kind  SeriesKind
	X, Y  []float64
	// Lo and Hi, for a Band, are the lower and upper ends at each X.
	Lo, Hi []float64
	// Titles, if set, are the hover texts of the points (Kind Points or Bars).
	Titles []string
	Dashed bool
}

// SeriesKind is how a Series is drawn.
type SeriesKind int

// The kinds of Series.
const (
	Line   SeriesKind = iota // a polyline
	Points                   // dots with hover titles, joined by a thin line
	Band                     // a shaded area between Lo and Hi
	Bars                     // vertical bars from the axis to Y, one per X
	Steps                    // a histogram outline: X are the bin edges, len(Y) = len(X)−1
)

// Chart is a small SVG chart: axes with ticks and labels, series, a legend.
type Chart struct {
	ID     string // the svg element's id
	Title  string
	X, Y   Axis
	Series []Series
	W, H   int // viewBox size; 0: 560×300
	// XTicks, if set, replace the numeric ticks of X by labels at the given positions.
	XTicks []Tick
}

// Tick is a labelled position on an axis.
type Tick struct {
	At    float64
	Label string
}

const (
	padL, padR, padT, padB = 64, 16, 34, 50
)

// SVG renders the chart.
func (c *Chart) SVG() string {
	w, h := c.W, c.H
	if w == 0 {
		w, h = 560, 300
	}
	xa, ya := c.X, c.Y
	fitAxis(&xa, c.Series, true)
	fitAxis(&ya, c.Series, false)
	pw, ph := float64(w-padL-padR), float64(h-padT-padB)
	sx := scaler(xa, float64(padL), float64(padL)+pw)
	sy := scaler(ya, float64(padT)+ph, float64(padT))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" id="%s" class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		html.EscapeString(c.ID), w, h, html.EscapeString(c.Title))
	fmt.Fprintf(&b, `<text class="chart-title" x="%d" y="20">%s</text>`, padL, html.EscapeString(c.Title))
	// Grid and ticks.
	fmt.Fprintf(&b, `<g class="axis">`)
	for _, t := range ticks(ya) {
		y := sy(t.At)
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%.1f" y1="%.1f" y2="%.1f"/><text x="%d" y="%.1f" text-anchor="end" dy="0.35em">%s</text>`,
			padL, float64(padL)+pw, y, y, padL-6, y, t.Label)
	}
	xt := c.XTicks
	if xt == nil {
		xt = ticks(xa)
	}
	for _, t := range xt {
		x := sx(t.At)
		fmt.Fprintf(&b, `<line class="tick" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/><text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`,
			x, x, float64(padT)+ph, float64(padT)+ph+5, x, float64(padT)+ph+20, html.EscapeString(t.Label))
	}
	fmt.Fprintf(&b, `<line class="frame" x1="%d" x2="%d" y1="%d" y2="%.1f"/>`, padL, padL, padT, float64(padT)+ph)
	fmt.Fprintf(&b, `<line class="frame" x1="%d" x2="%.1f" y1="%.1f" y2="%.1f"/>`, padL, float64(padL)+pw, float64(padT)+ph, float64(padT)+ph)
	fmt.Fprintf(&b, `<text class="axis-label" x="%.1f" y="%d" text-anchor="middle">%s</text>`, float64(padL)+pw/2, h-8, html.EscapeString(xa.Label))
	fmt.Fprintf(&b, `<text class="axis-label" transform="translate(14 %.1f) rotate(-90)" text-anchor="middle">%s</text>`, float64(padT)+ph/2, html.EscapeString(ya.Label))
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<defs><clipPath id="%s-clip"><rect x="%d" y="%d" width="%.1f" height="%.1f"/></clipPath></defs><g clip-path="url(#%s-clip)">`,
		html.EscapeString(c.ID), padL, padT, pw, ph, html.EscapeString(c.ID))
	for _, s := range c.Series {
		drawSeries(&b, s, xa, ya, sx, sy, pw)
	}
	b.WriteString(`</g>`)
	// Legend, right-aligned along the top.
	x := float64(w - padR)
	for i := len(c.Series) - 1; i >= 0; i-- {
		s := c.Series[i]
		if s.Name == "" {
			continue
		}
		tw := 7.5*float64(len([]rune(s.Name))) + 26
		x -= tw
		fmt.Fprintf(&b, `<g class="legend"><rect x="%.1f" y="10" width="14" height="10" fill="%s"%s/><text x="%.1f" y="19">%s</text></g>`,
			x, s.Color, opacityAttr(s), x+18, html.EscapeString(s.Name))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func opacityAttr(s Series) string {
	if s.Kind == Band {
		return ` fill-opacity="0.3"`
	}
	return ""
}

func drawSeries(b *strings.Builder, s Series, xa, ya Axis, sx, sy func(float64) float64, pw float64) {
	ok := func(i int) bool { return valid(xa, s.X[i]) && valid(ya, s.Y[i]) }
	dash := ""
	if s.Dashed {
		dash = ` stroke-dasharray="6 4"`
	}
	switch s.Kind {
	case Line, Points:
		var p strings.Builder
		pen := false
		for i := range s.X {
			if i >= len(s.Y) || !ok(i) {
				pen = false
				continue
			}
			if pen {
				p.WriteString(" L")
			} else {
				p.WriteString(" M")
			}
			fmt.Fprintf(&p, "%.1f %.1f", sx(s.X[i]), sy(s.Y[i]))
			pen = true
		}
		width := "2.5"
		if s.Kind == Points {
			width = "1.2"
		}
		if p.Len() > 0 {
			fmt.Fprintf(b, `<path d="%s" fill="none" stroke="%s" stroke-width="%s"%s/>`, p.String()[1:], s.Color, width, dash)
		}
		if s.Kind == Points {
			for i := range s.X {
				if i >= len(s.Y) || !ok(i) {
					continue
				}
				fmt.Fprintf(b, `<circle class="pt" cx="%.1f" cy="%.1f" r="4.5" fill="%s">`, sx(s.X[i]), sy(s.Y[i]), s.Color)
				if i < len(s.Titles) {
					fmt.Fprintf(b, `<title>%s</title>`, html.EscapeString(s.Titles[i]))
				}
				b.WriteString(`</circle>`)
			}
		}
	case Band:
		var up, down []string
		for i := range s.X {
			if i >= len(s.Lo) || i >= len(s.Hi) || !valid(xa, s.X[i]) || !valid(ya, s.Lo[i]) || !valid(ya, s.Hi[i]) {
				continue
			}
			up = append(up, fmt.Sprintf("%.1f %.1f", sx(s.X[i]), sy(s.Hi[i])))
			down = append(down, fmt.Sprintf("%.1f %.1f", sx(s.X[i]), sy(s.Lo[i])))
		}
		if len(up) > 0 {
			for i, j := 0, len(down)-1; i < j; i, j = i+1, j-1 {
				down[i], down[j] = down[j], down[i]
			}
			fmt.Fprintf(b, `<path d="M%s L%s Z" fill="%s" fill-opacity="0.3" stroke="none"/>`, strings.Join(up, " L"), strings.Join(down, " L"), s.Color)
		}
	case Bars:
		bw := pw / float64(max(1, len(s.X))) * 0.6
		y0 := sy(math.Max(ya.Min, 0))
		if ya.Log {
			y0 = sy(ya.Min)
		}
		for i := range s.X {
			if i >= len(s.Y) || !ok(i) {
				continue
			}
			x, y := sx(s.X[i]), sy(s.Y[i])
			fmt.Fprintf(b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s">`, x-bw/2, math.Min(y, y0), bw, math.Abs(y0-y), s.Color)
			if i < len(s.Titles) {
				fmt.Fprintf(b, `<title>%s</title>`, html.EscapeString(s.Titles[i]))
			}
			b.WriteString(`</rect>`)
		}
	case Steps:
		for i := 0; i+1 < len(s.X) && i < len(s.Y); i++ {
			if !valid(ya, s.Y[i]) {
				continue
			}
			x0, x1, y := sx(s.X[i]), sx(s.X[i+1]), sy(s.Y[i])
			y0 := sy(ya.Min)
			fmt.Fprintf(b, `<rect class="bin" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="0.55">`, x0, y, math.Max(0, x1-x0-0.5), math.Max(0, y0-y), s.Color)
			if i < len(s.Titles) {
				fmt.Fprintf(b, `<title>%s</title>`, html.EscapeString(s.Titles[i]))
			}
			b.WriteString(`</rect>`)
		}
	}
}

// valid reports whether v can be drawn on a.
func valid(a Axis, v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!a.Log || v > 0)
}

// fitAxis sets an axis's range from the data when Min = Max.
func fitAxis(a *Axis, series []Series, isX bool) {
	if a.Min < a.Max {
		return
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	see := func(v float64) {
		if valid(*a, v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	for _, s := range series {
		if isX {
			for _, v := range s.X {
				see(v)
			}
			continue
		}
		for _, v := range s.Y {
			see(v)
		}
		for _, v := range s.Lo {
			see(v)
		}
		for _, v := range s.Hi {
			see(v)
		}
		if s.Kind == Bars && !a.Log {
			see(0)
		}
	}
	if lo > hi { // no data
		lo, hi = 0, 1
		if a.Log {
			lo, hi = 1, 10
		}
	}
	if lo == hi {
		if a.Log {
			lo, hi = lo/2, hi*2
		} else {
			d := math.Max(1, math.Abs(lo)) * 0.1
			lo, hi = lo-d, hi+d
		}
	}
	if !a.Log && !isX {
		pad := (hi - lo) * 0.05
		lo, hi = lo-pad, hi+pad
	}
	a.Min, a.Max = lo, hi
}

func scaler(a Axis, p0, p1 float64) func(float64) float64 {
	lo, hi := a.Min, a.Max
	f := func(v float64) float64 { return v }
	if a.Log {
		f = math.Log10
		lo, hi = f(lo), f(hi)
	}
	return func(v float64) float64 { return p0 + (f(v)-lo)/(hi-lo)*(p1-p0) }
}

// ticks returns about five round ticks inside the axis (powers of ten on a log axis).
func ticks(a Axis) []Tick {
	var out []Tick
	if a.Log {
		for e := math.Floor(math.Log10(a.Min)); e <= math.Ceil(math.Log10(a.Max)); e++ {
			v := math.Pow(10, e)
			if v >= a.Min*(1-1e-9) && v <= a.Max*(1+1e-9) {
				out = append(out, Tick{v, FormatNum(v)})
			}
		}
		if len(out) > 7 { // thin out
			var thin []Tick
			for i := 0; i < len(out); i += (len(out) + 5) / 6 {
				thin = append(thin, out[i])
			}
			out = thin
		}
		return out
	}
	step := niceStep((a.Max - a.Min) / 5)
	for v := math.Ceil(a.Min/step) * step; v <= a.Max+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		out = append(out, Tick{v, FormatNum(v)})
	}
	return out
}

func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / p; {
	case f < 1.5:
		return p
	case f < 3:
		return 2 * p
	case f < 7:
		return 5 * p
	}
	return 10 * p
}

// FormatNum writes a tick value briefly: 0.001, 0.5, 20, 1000, 1e+06.
func FormatNum(v float64) string {
	if v == 0 {
		return "0"
	}
	if a := math.Abs(v); a >= 1e5 || a < 1e-3 {
		return strconv.FormatFloat(v, 'g', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
