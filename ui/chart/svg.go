package chart

import (
	"fmt"
	"hash/fnv"
	"html"
	"math"
	"strconv"
	"strings"
)

// layout is the geometry of one drawing.
type layout struct {
	w, h                     float64
	left, right, top, bottom float64 // plot area edges in px
	legend                   []legendRow
	titleX, captionX         float64  // where the title's and the caption's lines start
	title, caption           []string // their lines, wrapped to the view box (none when empty)
}

type legendRow struct {
	y     float64
	items []legendItem
}

type legendItem struct {
	x      float64
	series int
}

const (
	charW   = 0.56 * FontSize // rough advance of one character, to place the legend
	swatchW = 28

	// The title (bold, larger) and the caption (smaller) are wrapped at words to the view box,
	// with generous estimates of a character's advance: a line too long would be cut off by the
	// svg's edge.
	titleFont    = 1.15 * FontSize
	titleCharW   = 0.62 * titleFont
	titleLine    = 1.25 * titleFont
	captionFont  = 0.85 * FontSize
	captionCharW = 0.56 * captionFont
	captionLine  = 1.25 * captionFont
)

// wrapped returns where text starts and its lines: each line of text ("\n" breaks one) at
// left when each fits there, otherwise from the view box's margin, wrapped at words to its width w.
// An empty line stays (a chart can keep the room of a line whose text changes, e.g. a cached
// drawing beside the full chart).
func wrapped(text string, left, w, advance float64) (x float64, lines []string) {
	if text == "" {
		return left, nil
	}
	const margin = 10
	paras := strings.Split(text, "\n")
	x, room := left, w-left-margin
	for _, p := range paras {
		if float64(len([]rune(p)))*advance > room {
			x, room = margin, w-2*margin
			break
		}
	}
	limit := max(1, int(room/advance))
	for _, p := range paras {
		line := ""
		for _, word := range strings.Fields(p) {
			if line != "" && len([]rune(line))+1+len([]rune(word)) > limit {
				lines = append(lines, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		lines = append(lines, line)
	}
	return x, lines
}

// writeLines writes lines as one text element from (x, y), line under line; every line but the
// last keeps its trailing space, so that the element's text is the sentence as written.
func writeLines(b *strings.Builder, x, y, lineH float64, attrs string, lines []string) {
	fmt.Fprintf(b, `<text x="%s" y="%s"%s>`, num(x), num(y), attrs)
	for i, ln := range lines {
		if i < len(lines)-1 {
			ln += " "
		}
		if i == 0 {
			fmt.Fprintf(b, `<tspan>%s</tspan>`, esc(ln))
			continue
		}
		fmt.Fprintf(b, `<tspan x="%s" dy="%s">%s</tspan>`, num(x), num(lineH), esc(ln))
	}
	b.WriteString(`</text>`)
}

func (c *Chart) layout() layout {
	w, h := c.size()
	l := layout{w: w, h: h, left: 92, right: w - 20, top: 20}
	l.titleX, l.title = wrapped(c.Title, l.left, w, titleCharW)
	if len(l.title) > 0 {
		l.top = 16 + 1.6*FontSize + float64(len(l.title)-1)*titleLine
	}
	bottom := h - 18 - 2.6*FontSize // x tick labels and the axis title
	l.captionX, l.caption = wrapped(c.Caption, l.left, w, captionCharW)
	if len(l.caption) > 0 {
		bottom -= 1.4*FontSize + float64(len(l.caption)-1)*captionLine
	}
	// The legend: rows of entries under the axis title, as many rows as the names need.
	var rows []legendRow
	x := l.left
	var cur []legendItem
	for i, s := range c.Series {
		if s.Name == "" {
			continue
		}
		iw := swatchW + 8 + float64(len([]rune(s.Name)))*charW + 24
		if x+iw > w-10 && len(cur) > 0 {
			rows = append(rows, legendRow{items: cur})
			cur, x = nil, l.left
		}
		cur = append(cur, legendItem{x: x, series: i})
		x += iw
	}
	if len(cur) > 0 {
		rows = append(rows, legendRow{items: cur})
	}
	rowH := 1.5 * FontSize
	bottom -= float64(len(rows)) * rowH
	for i := range rows {
		rows[i].y = bottom + 18 + 2.6*FontSize + float64(i)*rowH + rowH*0.7
	}
	l.bottom = math.Max(bottom, l.top+40)
	l.legend = rows
	return l
}

// SVG returns the chart as a standalone SVG document (it also works inline in HTML).
// Series with inconsistent lengths are reported in the SVG's text instead of being drawn.
func (c *Chart) SVG() string {
	var b strings.Builder
	c.WriteSVG(&b)
	return b.String()
}

// WriteSVG writes SVG to b.
func (c *Chart) WriteSVG(b *strings.Builder) {
	l := c.layout()
	xs := c.newScale(c.X, true, l.left, l.right)
	ys := c.newScale(c.Y, false, l.bottom, l.top)
	clip := c.clipID()

	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s"`,
		num(l.w), num(l.h), num(l.w), num(l.h))
	if c.ID != "" {
		fmt.Fprintf(b, ` id="%s"`, esc(c.ID))
	}
	fmt.Fprintf(b, ` role="img" aria-label="%s" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif" font-size="%d">`,
		esc(c.ariaLabel()), FontSize)
	if c.Title != "" {
		fmt.Fprintf(b, `<title>%s</title>`, esc(c.Title))
	}
	fmt.Fprintf(b, `<rect width="%s" height="%s" fill="#fff"/>`, num(l.w), num(l.h))
	fmt.Fprintf(b, `<defs><clipPath id="%s"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath></defs>`,
		clip, num(l.left), num(l.top), num(l.right-l.left), num(l.bottom-l.top))

	if len(l.title) > 0 {
		writeLines(b, l.titleX, 16+FontSize, titleLine, fmt.Sprintf(` font-size="%s" font-weight="600" fill="#1a1a1a"`, num(titleFont)), l.title)
	}

	// Grid and ticks.
	b.WriteString(`<g class="grid" stroke="#d9d9d9" stroke-width="1">`)
	for _, t := range xs.tickVals {
		x := xs.pos(t)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(x), num(l.top), num(x), num(l.bottom))
	}
	for _, t := range ys.tickVals {
		y := ys.pos(t)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(l.left), num(y), num(l.right), num(y))
	}
	b.WriteString(`</g>`)

	if err := c.Validate(); err != nil {
		fmt.Fprintf(b, `<text x="%s" y="%s" fill="#d55e00">%s</text>`, num(l.left+10), num(l.top+FontSize*1.5), esc(err.Error()))
	} else {
		fmt.Fprintf(b, `<g clip-path="url(#%s)">`, clip)
		for i := range c.Series {
			c.writeSeries(b, i, xs, ys)
		}
		b.WriteString(`</g>`)
	}

	// Axes, tick labels and axis titles.
	fmt.Fprintf(b, `<g stroke="#1a1a1a" stroke-width="1.5"><line x1="%s" y1="%s" x2="%s" y2="%s"/><line x1="%s" y1="%s" x2="%s" y2="%s"/></g>`,
		num(l.left), num(l.bottom), num(l.right), num(l.bottom), num(l.left), num(l.top), num(l.left), num(l.bottom))
	b.WriteString(`<g fill="#1a1a1a">`)
	for _, t := range xs.tickVals {
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`,
			num(xs.pos(t)), num(l.bottom+FontSize+6), esc(FormatTick(t, c.X.Log)))
	}
	for _, t := range ys.tickVals {
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`,
			num(l.left-8), num(ys.pos(t)), esc(FormatTick(t, c.Y.Log)))
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-weight="600">%s</text>`,
		num((l.left+l.right)/2), num(l.bottom+2.2*FontSize+8), esc(c.X.Title()))
	fmt.Fprintf(b, `<text transform="translate(%s %s) rotate(-90)" text-anchor="middle" font-weight="600">%s</text>`,
		num(FontSize+4), num((l.top+l.bottom)/2), esc(c.Y.Title()))
	b.WriteString(`</g>`)

	// Legend.
	for _, row := range l.legend {
		for _, it := range row.items {
			s := c.Series[it.series]
			col := c.color(it.series)
			y := row.y - FontSize*0.35
			switch s.Kind {
			case Bars, Band:
				op := "0.35"
				if s.Kind == Bars {
					op = "0.55"
				}
				fmt.Fprintf(b, `<rect x="%s" y="%s" width="%d" height="%s" fill="%s" fill-opacity="%s" stroke="%s"/>`,
					num(it.x), num(y-FontSize*0.4), swatchW, num(FontSize*0.8), col, op, col)
			case Scatter:
				fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="5" fill="%s"/>`, num(it.x+swatchW/2), num(y), col)
			default:
				fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>`,
					num(it.x), num(y), num(it.x+swatchW), num(y), col, num(s.width()), dash(s.Dash))
			}
			fmt.Fprintf(b, `<text x="%s" y="%s" fill="#1a1a1a">%s</text>`, num(it.x+swatchW+8), num(row.y), esc(s.Name))
		}
	}
	if len(l.caption) > 0 {
		writeLines(b, l.captionX, l.h-10-float64(len(l.caption)-1)*captionLine, captionLine, fmt.Sprintf(` fill="#555" font-size="%s"`, num(captionFont)), l.caption)
	}
	b.WriteString(`</svg>`)
}

func (s *Series) width() float64 {
	if s.Width > 0 {
		return s.Width
	}
	return 3
}

func dash(d bool) string {
	if d {
		return ` stroke-dasharray="9 6"`
	}
	return ""
}

func (c *Chart) writeSeries(b *strings.Builder, i int, xs, ys *scale) {
	s := &c.Series[i]
	col := c.color(i)
	ok := func(x, y float64) bool { return finite(x, xs.log) && finite(y, ys.log) }
	switch s.Kind {
	case Line:
		fmt.Fprintf(b, `<path fill="none" stroke="%s" stroke-width="%s" stroke-linejoin="round"%s d="`, col, num(s.width()), dash(s.Dash))
		pen := false
		for k := range s.Y {
			if !ok(s.X[k], s.Y[k]) {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			b.WriteString(cmd + num(xs.pos(s.X[k])) + " " + num(ys.pos(s.Y[k])))
			pen = true
		}
		fmt.Fprintf(b, `"><title>%s</title></path>`, esc(s.Name))
	case Step:
		fmt.Fprintf(b, `<path fill="none" stroke="%s" stroke-width="%s"%s d="`, col, num(s.width()), dash(s.Dash))
		pen := false
		for k := range s.Y {
			if !ok(s.X[k], s.Y[k]) || !finite(s.X[k+1], xs.log) {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			y := num(ys.pos(s.Y[k]))
			b.WriteString(cmd + num(xs.pos(s.X[k])) + " " + y + "L" + num(xs.pos(s.X[k+1])) + " " + y)
			pen = true
		}
		fmt.Fprintf(b, `"><title>%s</title></path>`, esc(s.Name))
	case Scatter:
		fmt.Fprintf(b, `<g fill="%s">`, col)
		for k := range s.Y {
			if !ok(s.X[k], s.Y[k]) {
				continue
			}
			fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="4.5"><title>%s</title></circle>`,
				num(xs.pos(s.X[k])), num(ys.pos(s.Y[k])), esc(s.title(k)))
		}
		b.WriteString(`</g>`)
	case Band:
		// One polygon per run of drawable points: along Y forwards, back along Y2.
		fmt.Fprintf(b, `<g fill="%s" fill-opacity="0.25" stroke="none">`, col)
		var run []int
		flush := func() {
			if len(run) > 1 {
				b.WriteString(`<path d="`)
				for j, k := range run {
					cmd := "L"
					if j == 0 {
						cmd = "M"
					}
					b.WriteString(cmd + num(xs.pos(s.X[k])) + " " + num(ys.pos(s.Y[k])))
				}
				for j := len(run) - 1; j >= 0; j-- {
					k := run[j]
					b.WriteString("L" + num(xs.pos(s.X[k])) + " " + num(ys.pos(s.Y2[k])))
				}
				fmt.Fprintf(b, `Z"><title>%s</title></path>`, esc(s.Name))
			}
			run = run[:0]
		}
		for k := range s.Y {
			if ok(s.X[k], s.Y[k]) && finite(s.Y2[k], ys.log) {
				run = append(run, k)
			} else {
				flush()
			}
		}
		flush()
		b.WriteString(`</g>`)
	case Bars:
		fmt.Fprintf(b, `<g fill="%s" fill-opacity="0.55" stroke="%s" stroke-width="1">`, col, col)
		base := ys.p0 // the bottom of the plot: bars grow from the axis (also on log axes)
		if !ys.log && ys.lo < 0 && ys.hi > 0 {
			base = ys.pos(0)
		}
		for k := range s.Y {
			x0, x1, y := s.X[k], s.X[k+1], s.Y[k]
			if !ok(x0, y) || !finite(x1, xs.log) {
				continue
			}
			p0, p1, py := xs.pos(x0), xs.pos(x1), ys.pos(y)
			top, hgt := math.Min(py, base), math.Abs(base-py)
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s"><title>%s</title></rect>`,
				num(math.Min(p0, p1)), num(top), num(math.Abs(p1-p0)), num(hgt), esc(s.title(k)))
		}
		b.WriteString(`</g>`)
	}
}

// title is the hover text of point k.
func (s *Series) title(k int) string {
	if len(s.Titles) == len(s.Y) && s.Titles[k] != "" {
		return s.Titles[k]
	}
	name := s.Name
	if name != "" {
		name += ": "
	}
	if s.Kind == Bars {
		return fmt.Sprintf("%s[%s, %s) → %s", name, short(s.X[k]), short(s.X[k+1]), short(s.Y[k]))
	}
	return fmt.Sprintf("%s(%s, %s)", name, short(s.X[k]), short(s.Y[k]))
}

// Description says in words what the chart shows, for its figure's caption (read by screen
// readers): its title, its axes, its series and its caption sentence.
func (c *Chart) Description() string {
	var b strings.Builder
	b.WriteString(c.ariaLabel())
	var names []string
	for _, s := range c.Series {
		if s.Name != "" {
			names = append(names, s.Name)
		}
	}
	if len(names) > 0 {
		b.WriteString("; shows " + strings.Join(names, ", "))
	}
	b.WriteString(".")
	if c.Caption != "" {
		b.WriteString(" " + c.Caption)
	}
	return b.String()
}

func (c *Chart) ariaLabel() string {
	t := c.Title
	if t == "" {
		t = "Chart"
	}
	return t + ": " + c.Y.Title() + " against " + c.X.Title()
}

// clipID is an id for the plot's clip path, unique per chart ID (or title) on a page.
func (c *Chart) clipID() string {
	if c.ID != "" {
		return safeID(c.ID) + "-clip"
	}
	h := fnv.New32a()
	h.Write([]byte(c.Title + "\x00" + c.X.Label + "\x00" + c.Y.Label))
	return fmt.Sprintf("chart-%08x-clip", h.Sum32())
}

func safeID(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, s)
}

// num writes a pixel coordinate with one decimal.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	v = math.Max(-1e6, math.Min(1e6, v)) // far-off points stay parseable; the clip path hides them
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// short writes a data value in hover texts and exports of few digits.
func short(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

func esc(s string) string { return html.EscapeString(s) }
