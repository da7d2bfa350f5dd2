package chart

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestNiceStep(t *testing.T) {
	for _, tc := range []struct{ raw, want float64 }{
		{0.13, 0.2}, {0.7, 1}, {1, 1}, {3, 5}, {12, 20}, {2.65, 5}, {0.0041, 0.005}, {50, 50}, {51, 100},
		{0, 1}, {-3, 1}, {math.NaN(), 1}, {math.Inf(1), 1},
	} {
		t.Run(fmt.Sprint(tc.raw), func(t *testing.T) {
			if got := NiceStep(tc.raw); math.Abs(got-tc.want) > 1e-12*tc.want {
				t.Errorf("NiceStep(%v) = %v, want %v", tc.raw, got, tc.want)
			}
		})
	}
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 1, 5, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{-3.7, 12.2, 6, []float64{0, 5, 10}},
		{-1, 1, 4, []float64{-1, -0.5, 0, 0.5, 1}},
		{100, 1000, 3, []float64{500, 1000}}, // raw step 300 rounds up to 500
		{1, 1, 5, nil},
		{2, 1, 5, nil},
	} {
		t.Run(fmt.Sprintf("%v..%v n=%d", tc.lo, tc.hi, tc.n), func(t *testing.T) {
			got := Ticks(tc.lo, tc.hi, tc.n)
			if len(got) != len(tc.want) {
				t.Errorf("Ticks(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
				return
			}
			for i := range got {
				if math.Abs(got[i]-tc.want[i]) > 1e-9 {
					t.Errorf("Ticks(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
					break
				}
			}
		})
	}
}

func TestFormatTick(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		log  bool
		want string
	}{
		{1e-3, true, "10⁻³"}, {1e4, true, "10⁴"}, {1, true, "1"}, {10, true, "10"}, {0.1, true, "0.1"},
		{1e-12, true, "10⁻¹²"}, {3, true, "3"},
		{0.25, false, "0.25"}, {-2, false, "−2"}, {0, false, "0"}, {1e6, false, "1e6"}, {1500, false, "1500"},
		{1e-4, false, "0.0001"}, {0.30000000000000004, false, "0.3"},
	} {
		t.Run(fmt.Sprintf("%v log=%v", tc.v, tc.log), func(t *testing.T) {
			if got := FormatTick(tc.v, tc.log); got != tc.want {
				t.Errorf("FormatTick(%v, log=%v) = %q, want %q", tc.v, tc.log, got, tc.want)
			}
		})
	}
}

// parseSVG checks that s is well-formed XML and counts its elements by name.
func parseSVG(t *testing.T, s string) map[string]int {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	counts := map[string]int{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, s)
		}
		if se, ok := tok.(xml.StartElement); ok {
			counts[se.Name.Local]++
		}
	}
	return counts
}

func TestSVGMarks(t *testing.T) {
	c := &Chart{
		ID: "test & <chart>", Title: "Tails & heads", Caption: "dashed: slope −α",
		X: Axis{Label: "threshold t", Log: true}, Y: Axis{Label: "P(|X| > t)", Log: true},
		Series: []Series{
			{Name: "sample", Kind: Scatter, X: []float64{1, 10, 100, -1, 0}, Y: []float64{0.5, 0.05, 0.005, 0.1, 0.2}},
			{Name: "guide", Kind: Line, X: []float64{1, 100}, Y: []float64{0.5, 0.005}, Dash: true},
			{Name: "bars", Kind: Bars, X: []float64{1, 2, 4, 8}, Y: []float64{0.3, 0, 0.1}},
			{Name: "band", Kind: Band, X: []float64{1, 2, 3}, Y: []float64{0.1, 0.1, 0.1}, Y2: []float64{0.2, 0.3, 0.2}},
		},
	}
	s := c.SVG()
	n := parseSVG(t, s)
	// 3 scatter points survive (x = −1 and x = 0 cannot be drawn on a log axis) + 1 legend dot.
	if n["circle"] != 4 {
		t.Errorf("circles: got %d, want 3 points + 1 legend dot", n["circle"])
	}
	// Bars: 2 of 3 (a zero height cannot be drawn on a log axis) + background + clip + 2 legend swatches.
	if n["rect"] != 6 {
		t.Errorf("rects: got %d, want 2 bars + background + clip rect + 2 legend swatches = 6", n["rect"])
	}
	for _, want := range []string{"Tails &amp; heads", "threshold t", "P(|X| &gt; t)", "10⁻³", "dashed: slope −α", `id="test &amp; &lt;chart&gt;"`, `stroke-dasharray`} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
		t.Errorf("SVG has a non-finite coordinate:\n%s", s)
	}
}

func TestScalePositions(t *testing.T) {
	c := &Chart{X: Axis{Min: 0, Max: 10}, Y: Axis{Log: true, Min: 1e-2, Max: 1e2}}
	l := c.layout()
	xs := c.newScale(c.X, true, l.left, l.right)
	ys := c.newScale(c.Y, false, l.bottom, l.top)
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"x=0 at the left edge", xs.pos(0), l.left},
		{"x=5 in the middle", xs.pos(5), (l.left + l.right) / 2},
		{"x=10 at the right edge", xs.pos(10), l.right},
		{"y=1 (10⁰) halfway up the decades 10⁻²..10²", ys.pos(1), (l.top + l.bottom) / 2},
		{"y=100 at the top", ys.pos(100), l.top},
		{"y=0.1 a quarter up", ys.pos(0.1), l.bottom - (l.bottom-l.top)/4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if math.Abs(tc.got-tc.want) > 1e-9 {
				t.Errorf("%s: got %v px, want %v px", tc.name, tc.got, tc.want)
			}
		})
	}
	if want := []float64{0.01, 0.1, 1, 10, 100}; !slices.EqualFunc(ys.tickVals, want, func(a, b float64) bool { return math.Abs(a-b) < 1e-12*b }) {
		t.Errorf("log ticks for [1e-2, 1e2]: got %v, want %v", ys.tickVals, want)
	}
	// Less than 3 decades: 1, 2 and 5 times the powers of ten.
	if got, want := logTicks(math.Log10(1.5), math.Log10(300)), []float64{2, 5, 10, 20, 50, 100, 200}; !slices.EqualFunc(got, want, func(a, b float64) bool { return math.Abs(a-b) < 1e-9*b }) {
		t.Errorf("log ticks for [1.5, 300]: got %v, want %v", got, want)
	}
}

func TestAutoRange(t *testing.T) {
	c := &Chart{
		X: Axis{Log: true}, Y: Axis{},
		Series: []Series{{Kind: Line, X: []float64{0.3, 3, 2000, math.NaN()}, Y: []float64{0, 1, 2, 3}}},
	}
	xs := c.newScale(c.X, true, 0, 100)
	// The x data run from 0.3 to 2000: whole decades 10⁻¹ .. 10⁴.
	if xs.lo != -1 || xs.hi != 4 {
		t.Errorf("log range of [0.3, 2000]: got 10^%v..10^%v, want 10^-1..10^4", xs.lo, xs.hi)
	}
	ys := c.newScale(c.Y, false, 100, 0)
	// y from 0 to 3 (NaN's y=3 still counts on y): 0 stays the lower edge, 3 is padded by 4 %.
	if ys.lo != 0 || math.Abs(ys.hi-3.12) > 1e-12 {
		t.Errorf("linear range of [0, 3]: got [%v, %v], want [0, 3.12]", ys.lo, ys.hi)
	}
	empty := &Chart{}
	if s := empty.SVG(); !strings.HasPrefix(s, "<svg") {
		t.Errorf("an empty chart gave %q, want an SVG", s)
	}
	parseSVG(t, empty.SVG())
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Series
		ok   bool
	}{
		{"line", Series{Kind: Line, X: []float64{1, 2}, Y: []float64{1, 2}}, true},
		{"line short x", Series{Kind: Line, X: []float64{1}, Y: []float64{1, 2}}, false},
		{"bars", Series{Kind: Bars, X: []float64{0, 1, 2}, Y: []float64{1, 2}}, true},
		{"bars without the last edge", Series{Kind: Bars, X: []float64{0, 1}, Y: []float64{1, 2}}, false},
		{"band without y2", Series{Kind: Band, X: []float64{0, 1}, Y: []float64{1, 2}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Chart{ID: "v", Series: []Series{tc.s}}
			err := c.Validate()
			if (err == nil) != tc.ok {
				t.Errorf("%s: Validate() = %v, want ok=%v", tc.name, err, tc.ok)
			}
			s := c.SVG()
			parseSVG(t, s)
			if !tc.ok && !strings.Contains(s, "series 0") {
				t.Errorf("%s: the SVG does not show the error", tc.name)
			}
		})
	}
}

func TestCSV(t *testing.T) {
	c := &Chart{Series: []Series{
		{Name: "hist, density", Kind: Bars, X: []float64{0, 0.5, 1}, Y: []float64{1.5, 0.5}},
		{Name: "ci", Kind: Band, X: []float64{1}, Y: []float64{0.1}, Y2: []float64{0.3}},
		{Name: "p", Kind: Scatter, X: []float64{1e-9}, Y: []float64{math.Inf(1)}},
	}}
	want := "series,kind,x,x2,y,y2\n" +
		"\"hist, density\",bars,0,0.5,1.5,\n" +
		"\"hist, density\",bars,0.5,1,0.5,\n" +
		"ci,band,1,,0.1,0.3\n" +
		"p,scatter,1e-09,,+Inf,\n"
	if got := c.CSV(); got != want {
		t.Errorf("CSV:\ngot  %q\nwant %q", got, want)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	c := &Chart{ID: "s", Title: "T", X: Axis{Label: "t", Unit: "s", Log: true}, Y: Axis{Label: "p"},
		Series: []Series{{Name: "a", Kind: Line, X: []float64{1, 2}, Y: []float64{math.NaN(), 0.25}}}}
	b := c.JSON()
	var d JSONData
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, b)
	}
	if !strings.Contains(string(b), "null") {
		t.Errorf("NaN should be written as null:\n%s", b)
	}
	if d.X.Unit != "s" || !d.X.Log || len(d.Series) != 1 || d.Series[0].Kind != "line" ||
		!math.IsNaN(d.Series[0].Y[0]) || d.Series[0].Y[1] != 0.25 || d.Series[0].X[1] != 2 {
		t.Errorf("round trip: got %+v from %s", d, b)
	}
}

func TestFile(t *testing.T) {
	c := &Chart{ID: "survival plot"}
	for _, tc := range []struct{ format, name, mime, prefix string }{
		{"svg", "tailscope-survival-plot.svg", "image/svg+xml", "<?xml"},
		{"csv", "tailscope-survival-plot.csv", "text/csv", "series,kind"},
		{"json", "tailscope-survival-plot.json", "application/json", "{"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			name, mime, data, err := c.File(tc.format)
			if err != nil || name != tc.name || mime != tc.mime || !strings.HasPrefix(string(data), tc.prefix) {
				t.Errorf("File(%q) = %q, %q, %.20q…, %v; want %q, %q, %q…", tc.format, name, mime, data, err, tc.name, tc.mime, tc.prefix)
			}
		})
	}
	if _, _, _, err := c.File("png"); err == nil {
		t.Error(`File("png") gave no error`)
	}
	p := &Plot{Chart: c}
	p.Export("csv") // without a page the download fails and the error is kept for the page
	if !strings.Contains(p.err, "cannot download tailscope-survival-plot.csv") {
		t.Errorf("Export without a page: err = %q, want a message naming the file", p.err)
	}
}

func BenchmarkSVG(b *testing.B) {
	// A typical estimator chart: 80 histogram bars and two 400-point curves.
	x := make([]float64, 401)
	y := make([]float64, 400)
	for i := range x {
		x[i] = float64(i)/20 - 10
	}
	for i := range y {
		y[i] = math.Exp(-x[i] * x[i] / 2)
	}
	c := &Chart{Y: Axis{Log: true}, Series: []Series{
		{Name: "hist", Kind: Bars, X: x[:81], Y: y[:80]},
		{Name: "a", Kind: Line, X: x[:400], Y: y},
		{Name: "b", Kind: Line, X: x[:400], Y: y, Dash: true},
	}}
	var n int
	for b.Loop() {
		n = len(c.SVG())
	}
	b.ReportMetric(float64(n), "bytes")
}

func TestFingerprint(t *testing.T) {
	mk := func() *Chart {
		return &Chart{ID: "f", X: Axis{Label: "x"}, Series: []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{3, 4}}}}
	}
	a, b := mk(), mk()
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("equal charts have different fingerprints")
	}
	for name, change := range map[string]func(c *Chart){
		"a value":   func(c *Chart) { c.Series[0].Y[1] = 4.000001 },
		"the title": func(c *Chart) { c.Title = "t" },
		"log axis":  func(c *Chart) { c.Y.Log = true },
		"dash":      func(c *Chart) { c.Series[0].Dash = true },
		"a series":  func(c *Chart) { c.Series = append(c.Series, Series{}) },
		"moved value between slices": func(c *Chart) {
			c.Series[0].X, c.Series[0].Y = []float64{1, 2, 3}, []float64{4}
		},
	} {
		c := mk()
		change(c)
		if c.Fingerprint() == a.Fingerprint() {
			t.Errorf("changing %s keeps the fingerprint", name)
		}
	}
	// Plot rebuilds its SVG only when the fingerprint changes, also for a chart changed in place.
	p := &Plot{Chart: a}
	s1 := p.SVGText()
	a.Series[0].Y[0] = 3.5
	s2 := p.SVGText()
	p.Chart = b // a different pointer with the original data
	s3 := p.SVGText()
	if s1 == s2 || s3 != s1 {
		t.Error("Plot.SVGText does not follow the chart's data")
	}
}

// A Whole axis ticks at whole numbers only: the per-layer chart of three layers spans 0.5–3.5
// and reads 1, 2, 3, not 0.5, 1, 1.5, ….
func TestWholeTicks(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
		want   []float64
	}{
		{"three layers", 0.5, 3.5, []float64{1, 2, 3}},
		{"one layer", 0.5, 1.5, []float64{1}},
		{"twelve layers", 0.5, 12.5, []float64{2, 4, 6, 8, 10, 12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Chart{X: Axis{Label: "layer", Whole: true, Min: tt.lo, Max: tt.hi}, Y: Axis{Label: "y", Min: 0, Max: 0.8}} // y ticks 0, 0.2, …, 0.8: none read as an x tick
			svg := c.SVG()
			var got []float64
			for _, v := range []float64{0.5, 1, 1.5, 2, 2.5, 3, 4, 6, 8, 10, 12} {
				if strings.Contains(svg, ">"+FormatTick(v, false)+"</text>") {
					got = append(got, v)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("tick labels %v; want %v", got, tt.want)
			}
		})
	}
}

// TestWrappedText: a title or caption too long for the view box is wrapped at words into lines
// that fit it, whose text, put together, is the sentence as written; a short one stays on one
// line at the plot's left edge.
func TestWrappedText(t *testing.T) {
	long := "Each weight's noise across the batches, one coordinate at a time: the tail index of every sampled coordinate's noise, and how many look Gaussian"
	tests := []struct {
		name    string
		title   string
		caption string
		titles  int // lines of the title
		capts   int // lines of the caption
	}{
		{"short", "Tail index", "dashed: slope −α", 1, 1},
		{"long title", "K1 drift: Mohammadi's α̂ against the block size", "", 1, 0},
		{"long caption", "", long, 0, 3},
		{"both long", long, long, 4, 3},
		{"a line break", "", "Each dot is a walker.\n3 of the first 300 are beyond the edges.", 0, 2},
		{"an empty last line", "", "Each dot is a walker.\n", 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Chart{Title: tt.title, Caption: tt.caption, Width: 640, Height: 420}
			l := c.layout()
			if len(l.title) != tt.titles || len(l.caption) != tt.capts {
				t.Errorf("%d title and %d caption lines (%q, %q); want %d and %d", len(l.title), len(l.caption), l.title, l.caption, tt.titles, tt.capts)
			}
			check := func(what string, x float64, lines []string, advance float64, whole string) {
				if len(lines) == 0 {
					return
				}
				for _, ln := range lines {
					if end := x + float64(len([]rune(ln)))*advance; end > l.w-10 {
						t.Errorf("%s line %q ends at %.0f, past the view box's %.0f", what, ln, end, l.w-10)
					}
				}
				if got := strings.Join(lines, " "); got != strings.ReplaceAll(whole, "\n", " ") {
					t.Errorf("%s lines %q put together read %q; want %q", what, lines, got, whole)
				}
			}
			check("title", l.titleX, l.title, titleCharW, tt.title)
			check("caption", l.captionX, l.caption, captionCharW, tt.caption)
			if l.top >= l.bottom-40 {
				t.Errorf("no room left for the plot: top %.0f, bottom %.0f", l.top, l.bottom)
			}
			svg := c.SVG()
			if tt.caption != "" && !strings.Contains(svg, `dy="`) == (tt.capts > 1) {
				t.Errorf("the SVG does not break the caption into %d lines: %s", tt.capts, svg)
			}
		})
	}
}
