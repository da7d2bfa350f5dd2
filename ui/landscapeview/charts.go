package landscapeview

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/tailscope/tailscope/sim/landscape"
	"github.com/tailscope/tailscope/ui/chart"
)

// Colours: the Okabe–Ito palette (colour-blind safe), as in wasm/assets/style.css.
const (
	colInk     = "#1a1a1a"
	colMuted   = "#555555"
	colRule    = "#d0d0d0"
	colLevy    = "#e69f00" // orange: heavy tails
	colLevyInk = "#a05a00" // its darker shade, for strokes and text
	colGauss   = "#009e73" // bluish green: Gaussian
	colLeft    = "#0072b2" // blue: left basin / inside
	colRight   = "#56b4e9" // sky blue: right basin
	colOut     = "#999999" // grey: outside every basin
	colTheory  = "#1a1a1a"
)

// ShownWalkers is how many walkers of each noise are drawn as dots.
const ShownWalkers = 300

// The bar chart's geometry, in SVG user units (the SVG scales to its box).
const (
	barsW     = 1200
	fontAxis  = 18
	fontTitle = 20
)

// svgDoc accumulates an SVG document.
type svgDoc struct {
	b strings.Builder
}

func (d *svgDoc) String() string { return d.b.String() + "</svg>" }

func (d *svgDoc) text(x, y float64, anchor, fill string, size int, s string, extra ...string) {
	fmt.Fprintf(&d.b, `<text x="%.1f" y="%.1f" text-anchor="%s" fill="%s" font-size="%d"%s>%s</text>`,
		x, y, anchor, fill, size, strings.Join(extra, ""), html.EscapeString(s))
}

func (d *svgDoc) line(x1, y1, x2, y2 float64, stroke string, width float64, dash string) {
	da := ""
	if dash != "" {
		da = ` stroke-dasharray="` + dash + `"`
	}
	fmt.Fprintf(&d.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%g"%s/>`, x1, y1, x2, y2, stroke, width, da)
}

func (d *svgDoc) rect(x, y, w, h float64, fill, stroke, title string) {
	st := ""
	if stroke != "" {
		st = ` stroke="` + stroke + `"`
	}
	if title != "" {
		fmt.Fprintf(&d.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"%s><title>%s</title></rect>`, x, y, max(w, 0), max(h, 0), fill, st, html.EscapeString(title))
		return
	}
	fmt.Fprintf(&d.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"%s/>`, x, y, max(w, 0), max(h, 0), fill, st)
}

func noiseColour(n *Noise) (fill, ink string) {
	if n.Name == "levy" {
		return colLevy, colLevyInk
	}
	return colGauss, colGauss
}

// profileRange returns the y-range of the landscape profile over the x-range drawn, measured
// once by NewSim: every walker's dot is placed with it (dotY), 600 dots a frame.
func (s *Sim) profileRange() (lo, hi float64) { return s.ylo, s.yhi }

// measureProfile returns the y-range of profile over [xlo, xhi], from 201 points, with a
// margin above for the walkers' dots.
func measureProfile(profile landscape.Landscape1D, xlo, xhi float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for i := 0; i <= 200; i++ {
		x := xlo + (xhi-xlo)*float64(i)/200
		v := profile.Value1(x)
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi-lo < 1e-9 { // a flat landscape (height 0)
		hi = lo + 1
	}
	pad := 0.15 * (hi - lo)
	return lo, hi + pad
}

// jitter spreads walker i's dot above the curve, so a crowd at a minimum shows its size.
func jitter(i int) float64 {
	u := uint32(i)*2654435761 ^ 0x5bd1e995
	return float64(u%1000) / 1000
}

// LandscapeChart draws the landscape with n's walkers (the first ShownWalkers of them) on it:
// each walker is a dot on the curve at its position, lifted by a small fixed amount of its own
// so that a crowd at a minimum shows its size.
func (s *Sim) LandscapeChart(n *Noise) *chart.Chart {
	ylo, yhi := s.profileRange()
	c := &chart.Chart{
		ID:    "ls-landscape-" + n.Name,
		Title: fmt.Sprintf("%s — time %s", n.Label, fmtTime(s.Time())),
		X:     chart.Axis{Label: "position w", Min: s.XLo, Max: s.XHi},
		Y:     chart.Axis{Label: "loss f(w)", Min: ylo, Max: yhi + 0.1*(yhi-ylo)},
	}
	const pts = 200
	px, py := make([]float64, pts+1), make([]float64, pts+1)
	for i := range px {
		px[i] = s.XLo + (s.XHi-s.XLo)*float64(i)/pts
		py[i] = s.Profile.Value1(px[i])
	}
	edge := chart.Series{Name: "basin edge", Kind: chart.Line, Color: 6, Dash: true, Width: 2}
	for _, b := range s.boundaries() {
		edge.X = append(edge.X, b, b, math.NaN())
		edge.Y = append(edge.Y, ylo, yhi, math.NaN())
	}
	shown := min(s.Walkers, ShownWalkers)
	dots := chart.Series{Name: fmt.Sprintf("walkers (first %d)", shown), Kind: chart.Scatter, Color: noiseColor(n)}
	beyond := 0
	for i := range shown {
		x := s.X(n, i)
		if x < s.XLo || x > s.XHi {
			beyond++
			continue
		}
		dots.X = append(dots.X, x)
		dots.Y = append(dots.Y, s.dotY(i, x))
		// strconv, not fmt: this runs for every dot of every redraw, and fmt is slow under wasm.
		dots.Titles = append(dots.Titles, "walker "+strconv.Itoa(i)+" at w = "+strconv.FormatFloat(x, 'g', 3, 64))
	}
	c.Series = []chart.Series{{Name: "loss f(w)", Kind: chart.Line, X: px, Y: py, Color: 7}, edge, dots}
	c.Caption = fmt.Sprintf("Each dot is a walker on the curve, lifted a little so crowds show.\n%d of the first %d are beyond the edges.", beyond, shown)
	return c
}

// noiseColor is the palette entry (index+1 in chart.Palette) of a noise: orange for Lévy
// (heavy tails), bluish green for Gaussian, as across the app.
func noiseColor(n *Noise) int {
	if n.Name == "levy" {
		return 2
	}
	return 3
}

// boundaries are the x positions of the basins' exit boundaries.
func (s *Sim) boundaries() []float64 {
	if p, err := s.Spec.Exit(); err == nil {
		return []float64{-p.B, p.A}
	}
	return []float64{0}
}

// HistChart draws n's exit-time histogram so far with the theory's expected counts by now,
// the mean of the exits and the theory's mean.
func (s *Sim) HistChart(n *Noise) *chart.Chart {
	h := s.ExitHist(n)
	_, st := s.Exits(n)
	what := "first exit from the basin"
	if s.Kind == "wells" {
		what = "first crossing of the barrier"
	}
	T := s.HistMax(n)
	top := 1.0
	for i, v := range h.Counts {
		top = max(top, float64(v))
		if h.Theory != nil {
			top = max(top, h.Theory[i])
		}
	}
	top *= 1.1
	c := &chart.Chart{
		ID:    "ls-hist-" + n.Name,
		Title: fmt.Sprintf("%s: %s", n.Label, what),
		X:     chart.Axis{Label: "first exit time", Unit: "time units, steps × η", Min: 0, Max: T},
		Y:     chart.Axis{Label: "walkers", Min: 0, Max: top},
	}
	counts := make([]float64, len(h.Counts))
	for i, v := range h.Counts {
		counts[i] = float64(v)
	}
	c.Series = append(c.Series, chart.Series{Name: "walkers that left", Kind: chart.Bars, X: h.Edges, Y: counts, Color: noiseColor(n)})
	if h.Theory != nil {
		th := chart.Series{Name: "theory: expected", Kind: chart.Line, Color: 7, Dash: true}
		for i, v := range h.Theory {
			if h.Edges[i] > s.Time() {
				break
			}
			th.X = append(th.X, (h.Edges[i]+h.Edges[i+1])/2)
			th.Y = append(th.Y, v)
		}
		c.Series = append(c.Series, th)
	}
	if st.Exited > 0 {
		c.Series = append(c.Series, chart.Series{Name: "mean of the exits", Kind: chart.Line, Color: 4,
			X: []float64{st.Mean, st.Mean}, Y: []float64{0, top}})
	}
	if m := n.TheoryMean(); !math.IsNaN(m) && m <= T {
		c.Series = append(c.Series, chart.Series{Name: "theory mean", Kind: chart.Line, Color: 1, Dash: true,
			X: []float64{m, m}, Y: []float64{0, top}})
	}
	if m := n.TheoryMean(); !math.IsNaN(m) {
		law := "exponential law"
		if len(n.Theory) > 1 {
			law = "mixture of exponential laws"
		}
		c.Caption = fmt.Sprintf("Dashed: the theory's %s, mean %s.", law, fmtTime(m))
	}
	if h.Overflow > 0 {
		c.Caption += fmt.Sprintf(" %d exits after time %s are not drawn.", h.Overflow, fmtTime(T))
	}
	return c
}

// BarsSVG draws, for each noise, where its walkers are now as a stacked bar, with the theory's
// long-run share of the first basin marked ("wells").
func (s *Sim) BarsSVG() string {
	title := "Where the walkers are now"
	if s.Kind == "exit" {
		title = "Walkers still in the basin"
	}
	h := 70 + 70*len(s.Noises)
	d := &svgDoc{}
	fmt.Fprintf(&d.b, `<svg xmlns="http://www.w3.org/2000/svg" id="ls-bars" viewBox="0 0 %d %d" role="img" aria-label=%q font-family="system-ui, sans-serif" font-size="%d">`,
		barsW, h, title, fontAxis)
	fmt.Fprintf(&d.b, `<title>%s</title><rect width="%d" height="%d" fill="#ffffff"/>`, title, barsW, h)
	d.text(10, 26, "start", colInk, fontTitle, title, ` font-weight="600"`)
	x0, x1 := 230.0, float64(barsW-30)
	cols := []string{colLeft, colRight}
	names := append([]string{}, s.Basins...)
	outName := "outside"
	if s.Kind == "exit" {
		outName = "left the basin"
	}
	for j, n := range s.Noises {
		y := 44 + float64(j)*70
		_, ink := noiseColour(n)
		d.text(10, y+26, "start", ink, fontAxis, n.Label, ` font-weight="600"`)
		occ := s.Occupancy(n)
		x := x0
		for b, c := range occ {
			if b == len(names) && c == 0 && s.Kind == "wells" {
				continue // the double well covers the line: nobody is ever outside it
			}
			share := float64(c) / float64(s.Walkers)
			w := share * (x1 - x0)
			col, name := colOut, outName
			if b < len(names) {
				col, name = cols[b%2], names[b]
			}
			d.rect(x, y, w, 38, col, "#ffffff", fmt.Sprintf("%s: %s (%.1f%%)", name, plural(c, "walker"), 100*share))
			if w > 150 {
				fg := "#ffffff"
				if col == colRight || col == colOut {
					fg = colInk
				}
				d.text(x+8, y+25, "start", fg, fontAxis, fmt.Sprintf("%s %.0f%%", name, 100*share))
			}
			x += w
		}
		if n.LongRun != nil {
			tx := x0 + n.LongRun[0]*(x1-x0)
			d.line(tx, y-4, tx, y+42, colTheory, 3, "")
			anchor := "middle"
			switch {
			case tx < x0+160:
				anchor = "start"
			case tx > x1-160:
				anchor = "end"
			}
			d.text(tx, y+58, anchor, colInk, 15, fmt.Sprintf("long run (theory): %.0f%% %s", 100*n.LongRun[0], names[0]))
		}
	}
	return d.String()
}

// fmtTime writes a time with 3 significant digits.
func fmtTime(t float64) string {
	if math.IsNaN(t) {
		return "—"
	}
	if math.IsInf(t, 0) {
		return "∞"
	}
	return strconv.FormatFloat(t, 'g', 3, 64)
}

// plural writes "1 walker", "2 walkers".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
