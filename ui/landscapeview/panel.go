package landscapeview

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tailscope/tailscope/ui/chart"
)

// The landscape panels are redrawn every frame while the walkers move, so the page does not
// rebuild and re-parse a whole chart for each frame: the panel is the ui/chart drawing of the
// landscape without its walkers (built once per run), with an empty <path class="ls-dots">
// added, and each frame only sets that path's "d" to the walkers' dots. The dots are placed
// with the chart's own plot rectangle (read from its clip path) and the axis ranges the chart
// was given, so they land where the chart's Scatter series would put them (panel_test.go
// checks that against LandscapeChart, the full chart used for exports).

// panel is the cached drawing of one noise's landscape panel.
type panel struct {
	key                      string // changes when the drawing does
	svg                      string
	left, top, right, bottom float64 // the plot rectangle, in view-box units
	ylo, yhi                 float64 // the y-axis range
}

// dotR is the radius of a walker's dot, as the chart's Scatter draws it.
const dotR = 4.5

// clipRect reads the plot rectangle (x, y, width, height) from the first clip path of a chart's
// SVG, `<clipPath id="…"><rect x="…" y="…" width="…" height="…"/>`. (Plain string search: the
// regexp package would add more to main.wasm than the whole view.)
func clipRect(svg string) (v [4]float64, err error) {
	i := strings.Index(svg, "<clipPath ")
	if i < 0 {
		return v, fmt.Errorf("landscapeview: no clip path in the chart")
	}
	rest := svg[i:]
	if j := strings.Index(rest, "</clipPath>"); j >= 0 {
		rest = rest[:j]
	}
	for k, attr := range []string{` x="`, ` y="`, ` width="`, ` height="`} {
		a := strings.Index(rest, attr)
		if a < 0 {
			return v, fmt.Errorf("landscapeview: clip path %q lacks%s", rest, attr)
		}
		val := rest[a+len(attr):]
		if b := strings.IndexByte(val, '"'); b >= 0 {
			val = val[:b]
		}
		if v[k], err = strconv.ParseFloat(val, 64); err != nil {
			return v, fmt.Errorf("landscapeview: clip path %q: %w", rest, err)
		}
	}
	return v, nil
}

// landscapeBase is LandscapeChart without the walkers' positions (its legend keeps their
// entry) and without the time in its title: what stays the same for a whole run.
func (s *Sim) landscapeBase(n *Noise) *chart.Chart {
	c := s.LandscapeChart(n)
	c.Title = n.Label
	// The caption's lines as in the full chart (the layout depends on them), the last left
	// empty: the count beyond the edges changes, so the page shows it under the panel (BeyondText).
	c.Caption = "Each dot is a walker on the curve, lifted a little so crowds show.\n"
	dots := &c.Series[2]
	dots.X, dots.Y, dots.Titles = nil, nil, nil
	return c
}

// panel returns the static drawing of n's landscape, building it on first use.
func (s *Sim) panel(n *Noise) (*panel, error) {
	if p, ok := s.panels[n.Name]; ok {
		return p, nil
	}
	c := s.landscapeBase(n)
	svg := c.SVG()
	v, err := clipRect(svg)
	if err != nil {
		return nil, err
	}
	// Outlined in the colour's darker shade, so that single dots and crowds both read.
	fill, ink := chart.Palette[noiseColor(n)-1], "#00664a"
	if n.Name == "levy" {
		ink = colLevyInk
	}
	dots := `<path class="ls-dots" fill="` + fill + `" stroke="` + ink + `" stroke-width="0.7" d=""><title>walkers</title></path>`
	i := strings.LastIndex(svg, "</svg>")
	p := &panel{
		key: strconv.FormatUint(c.Fingerprint(), 36), // same fingerprint, same drawing
		svg: svg[:i] + dots + svg[i:], left: v[0], top: v[1], right: v[0] + v[2], bottom: v[1] + v[3],
		ylo: c.Y.Min, yhi: c.Y.Max,
	}
	if s.panels == nil {
		s.panels = map[string]*panel{}
	}
	s.panels[n.Name] = p
	return p, nil
}

// dotY is where walker i's dot sits: on the curve at x, lifted by its own small amount so
// that a crowd at a minimum shows its size (as in LandscapeChart).
func (s *Sim) dotY(i int, x float64) float64 {
	ylo, yhi := s.profileRange()
	return s.Profile.Value1(x) + 0.12*(yhi-ylo)*(0.15+jitter(i))
}

// DotsPath returns the path data of n's walkers' dots (the first ShownWalkers, those inside
// the x-range) in p's coordinates, and how many of them are beyond the plot's edges.
func (s *Sim) dotsPath(n *Noise, p *panel) (d string, beyond int) {
	shown := min(s.Walkers, ShownWalkers)
	b := make([]byte, 0, shown*48)
	sx := (p.right - p.left) / (s.XHi - s.XLo)
	sy := (p.bottom - p.top) / (p.yhi - p.ylo)
	for i := range shown {
		x := s.X(n, i)
		if x < s.XLo || x > s.XHi {
			beyond++
			continue
		}
		px := p.left + (x-s.XLo)*sx
		py := p.bottom - (s.dotY(i, x)-p.ylo)*sy
		b = append(b, 'M')
		b = strconv.AppendFloat(b, px-dotR, 'f', 1, 64)
		b = append(b, ' ')
		b = strconv.AppendFloat(b, py, 'f', 1, 64)
		b = append(b, "a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0-9 0"...)
	}
	return string(b), beyond
}

// BeyondText says how many of the walkers drawn are beyond the edges of n's plot.
func (s *Sim) BeyondText(n *Noise) string {
	shown := min(s.Walkers, ShownWalkers)
	beyond := 0
	for i := range shown {
		if x := s.X(n, i); x < s.XLo || x > s.XHi {
			beyond++
		}
	}
	return fmt.Sprintf("time %s · the first %d walkers are drawn; %d of them are beyond the edges", fmtTime(s.Time()), shown, beyond)
}
