package landscapeview

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
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

// Chart geometry, in SVG user units (the SVG scales to its box; text stays readable at
// a projector's distance because the box is about as wide as the viewBox).
const (
	chartW, chartH = 600, 320
	marL, marR     = 72, 20
	marT, marB     = 44, 60
	fontAxis       = 16
	fontTitle      = 18
)

// svgDoc accumulates an SVG document.
type svgDoc struct {
	b strings.Builder
}

func newSVG(id, title string) *svgDoc {
	d := &svgDoc{}
	fmt.Fprintf(&d.b, `<svg xmlns="http://www.w3.org/2000/svg" id=%q viewBox="0 0 %d %d" role="img" aria-label=%q font-family="system-ui, sans-serif" font-size="%d">`,
		id, chartW, chartH, html.EscapeString(title), fontAxis)
	fmt.Fprintf(&d.b, `<title>%s</title><rect width="%d" height="%d" fill="#ffffff"/>`, html.EscapeString(title), chartW, chartH)
	return d
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

func (d *svgDoc) polyline(xs, ys []float64, stroke string, width float64, dash, class string) {
	var pts strings.Builder
	for i := range xs {
		if math.IsNaN(ys[i]) || math.IsNaN(xs[i]) {
			continue
		}
		fmt.Fprintf(&pts, "%.1f,%.1f ", xs[i], ys[i])
	}
	da := ""
	if dash != "" {
		da = ` stroke-dasharray="` + dash + `"`
	}
	fmt.Fprintf(&d.b, `<polyline class="%s" points="%s" fill="none" stroke="%s" stroke-width="%g"%s/>`, class, strings.TrimSpace(pts.String()), stroke, width, da)
}

// scale maps [d0, d1] linearly onto [r0, r1].
type scale struct{ d0, d1, r0, r1 float64 }

func (s scale) at(x float64) float64 {
	if s.d1 == s.d0 {
		return (s.r0 + s.r1) / 2
	}
	return s.r0 + (x-s.d0)/(s.d1-s.d0)*(s.r1-s.r0)
}

// niceTicks returns about n round values (1, 2 or 5 × 10^k apart) covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(max(n, 1))
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		out = append(out, v)
	}
	return out
}

func tickText(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// axes draws the frame, ticks and labels of a chart with scales sx, sy.
func (d *svgDoc) axes(sx, sy scale, xLabel, yLabel string) {
	x0, x1 := marL, chartW-marR
	y0, y1 := chartH-marB, marT
	for _, v := range niceTicks(math.Min(sy.d0, sy.d1), math.Max(sy.d0, sy.d1), 4) {
		y := sy.at(v)
		d.line(float64(x0), y, float64(x1), y, colRule, 1, "")
		d.text(float64(x0)-8, y+5, "end", colInk, fontAxis, tickText(v))
	}
	for _, v := range niceTicks(math.Min(sx.d0, sx.d1), math.Max(sx.d0, sx.d1), 6) {
		x := sx.at(v)
		d.line(x, float64(y0), x, float64(y0)+6, colInk, 1.5, "")
		d.text(x, float64(y0)+24, "middle", colInk, fontAxis, tickText(v))
	}
	d.line(float64(x0), float64(y0), float64(x1), float64(y0), colInk, 1.5, "")
	d.line(float64(x0), float64(y0), float64(x0), float64(y1), colInk, 1.5, "")
	d.text(float64(x0+x1)/2, chartH-10, "middle", colInk, fontAxis, xLabel)
	fmt.Fprintf(&d.b, `<text transform="translate(18 %.1f) rotate(-90)" text-anchor="middle" fill="%s" font-size="%d">%s</text>`,
		float64(y0+y1)/2, colInk, fontAxis, html.EscapeString(yLabel))
}

func noiseColour(n *Noise) (fill, ink string) {
	if n.Name == "levy" {
		return colLevy, colLevyInk
	}
	return colGauss, colGauss
}

// profileRange returns the y-range of the landscape profile over the x-range drawn.
func (s *Sim) profileRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for i := 0; i <= 200; i++ {
		x := s.XLo + (s.XHi-s.XLo)*float64(i)/200
		v := s.Profile.Value1(x)
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

// LandscapeSVG draws the landscape with n's walkers (the first ShownWalkers of them) on it.
func (s *Sim) LandscapeSVG(n *Noise) string {
	title := fmt.Sprintf("%s — t = %s", n.Label, fmtTime(s.Time()))
	d := newSVG("ls-landscape-"+n.Name, title)
	ylo, yhi := s.profileRange()
	sx := scale{s.XLo, s.XHi, marL, chartW - marR}
	sy := scale{ylo, yhi, chartH - marB, marT}
	d.axes(sx, sy, "position w", "loss f(w)")
	fill, ink := noiseColour(n)
	d.text(marL, 26, "start", ink, fontTitle, title, ` font-weight="600"`)
	// Basin boundaries.
	for _, b := range s.boundaries() {
		d.line(sx.at(b), marT, sx.at(b), chartH-marB, colMuted, 1.5, "6 4")
	}
	// The profile.
	const pts = 200
	xs, ys := make([]float64, pts+1), make([]float64, pts+1)
	for i := range xs {
		x := s.XLo + (s.XHi-s.XLo)*float64(i)/pts
		xs[i], ys[i] = sx.at(x), sy.at(s.Profile.Value1(x))
	}
	d.polyline(xs, ys, colInk, 3, "", "ls-curve")
	// Walkers.
	shown := min(s.Walkers, ShownWalkers)
	beyondL, beyondR := 0, 0
	fmt.Fprintf(&d.b, `<g class="ls-walkers" fill="%s" fill-opacity="0.75" stroke="%s" stroke-width="0.8">`, fill, ink)
	for i := range shown {
		x := s.X(n, i)
		switch {
		case x < s.XLo:
			beyondL++
			continue
		case x > s.XHi:
			beyondR++
			continue
		}
		fmt.Fprintf(&d.b, `<circle cx="%.1f" cy="%.1f" r="4"/>`, sx.at(x), sy.at(s.Profile.Value1(x))-6-22*jitter(i))
	}
	d.b.WriteString(`</g>`)
	if beyondL > 0 {
		d.text(marL+6, marT+18, "start", ink, fontAxis, fmt.Sprintf("← %d beyond", beyondL))
	}
	if beyondR > 0 {
		d.text(chartW-marR-6, marT+18, "end", ink, fontAxis, fmt.Sprintf("%d beyond →", beyondR))
	}
	return d.String()
}

// boundaries are the x positions of the basins' exit boundaries.
func (s *Sim) boundaries() []float64 {
	if s.Kind == "exit" {
		return []float64{-s.Spec.Float("b"), s.Spec.Float("a")}
	}
	return []float64{0}
}

// HistSVG draws n's exit-time histogram with the theory's expected counts and both means.
func (s *Sim) HistSVG(n *Noise) string {
	h := s.ExitHist(n)
	_, st := s.Exits(n)
	what := "first exit from the basin"
	if s.Kind == "wells" {
		what = "first crossing of the barrier"
	}
	title := fmt.Sprintf("%s: %s", n.Label, what)
	d := newSVG("ls-hist-"+n.Name, title)
	top := 1.0
	for i, c := range h.Counts {
		top = max(top, float64(c))
		if h.Theory != nil {
			top = max(top, h.Theory[i])
		}
	}
	T := s.Duration()
	sx := scale{0, T, marL, chartW - marR}
	sy := scale{0, top * 1.1, chartH - marB, marT}
	d.axes(sx, sy, "first exit time (time units: steps × η)", "walkers")
	fill, ink := noiseColour(n)
	d.text(marL, 26, "start", ink, fontTitle, title, ` font-weight="600"`)
	for i, c := range h.Counts {
		x0, x1 := sx.at(h.Edges[i]), sx.at(h.Edges[i+1])
		d.rect(x0+0.5, sy.at(float64(c)), x1-x0-1, sy.at(0)-sy.at(float64(c)), fill, "",
			fmt.Sprintf("%s–%s: %d walkers", tickText(h.Edges[i]), tickText(h.Edges[i+1]), c))
	}
	if h.Theory != nil {
		var xs, ys []float64
		for i, v := range h.Theory {
			if h.Edges[i] > s.Time() {
				break
			}
			xs = append(xs, sx.at((h.Edges[i]+h.Edges[i+1])/2))
			ys = append(ys, sy.at(v))
		}
		d.polyline(xs, ys, colTheory, 2.5, "7 4", "ls-theory")
	}
	legendY := float64(marT) + 18
	if m := n.TheoryMean(); !math.IsNaN(m) {
		if m <= T {
			d.line(sx.at(m), marT, sx.at(m), chartH-marB, colTheory, 2, "2 3")
		}
		d.text(chartW-marR-6, legendY, "end", colInk, fontAxis, "theory mean "+fmtTime(m)+" (dashed: expected counts)")
		legendY += 20
	}
	if st.Exited > 0 {
		d.line(sx.at(st.Mean), marT, sx.at(st.Mean), chartH-marB, ink, 2.5, "")
		d.text(chartW-marR-6, legendY, "end", ink, fontAxis, fmt.Sprintf("mean of %d exits %s", st.Exited, fmtTime(st.Mean)))
	}
	return d.String()
}

// BarsSVG draws, for each noise, where its walkers are now as a stacked bar, with the theory's
// long-run share of the first basin marked ("wells").
func (s *Sim) BarsSVG() string {
	title := "Where the walkers are now"
	if s.Kind == "exit" {
		title = "Walkers still in the basin"
	}
	h := 70 + 64*len(s.Noises)
	d := &svgDoc{}
	fmt.Fprintf(&d.b, `<svg xmlns="http://www.w3.org/2000/svg" id="ls-bars" viewBox="0 0 %d %d" role="img" aria-label=%q font-family="system-ui, sans-serif" font-size="%d">`,
		chartW*2, h, title, fontAxis)
	fmt.Fprintf(&d.b, `<title>%s</title><rect width="%d" height="%d" fill="#ffffff"/>`, title, chartW*2, h)
	d.text(10, 26, "start", colInk, fontTitle, title, ` font-weight="600"`)
	x0, x1 := 230.0, float64(chartW*2-30)
	cols := []string{colLeft, colRight}
	names := append([]string{}, s.Basins...)
	outName := "outside"
	if s.Kind == "exit" {
		outName = "left the basin"
	}
	for j, n := range s.Noises {
		y := 44 + float64(j)*64
		_, ink := noiseColour(n)
		d.text(10, y+26, "start", ink, fontAxis, n.Label, ` font-weight="600"`)
		occ := s.Occupancy(n)
		x := x0
		for b, c := range occ {
			share := float64(c) / float64(s.Walkers)
			w := share * (x1 - x0)
			col, name := colOut, outName
			if b < len(names) {
				col, name = cols[b%2], names[b]
			}
			d.rect(x, y, w, 38, col, "#ffffff", fmt.Sprintf("%s: %d walkers (%.1f%%)", name, c, 100*share))
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
			d.text(tx, y+56, "middle", colInk, 13, fmt.Sprintf("long run: %.0f%% %s", 100*n.LongRun[0], names[0]))
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
