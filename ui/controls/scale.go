package controls

import (
	"math"
	"strconv"
	"strings"

	"github.com/tailscope/tailscope/sim/spec"
)

// LogDigits is the number of significant digits of the stops of a log-scale slider: 1, 1.1,
// 1.2, …, 9.9, 10, 11, … Two digits give 90 stops a decade, about 1–10 % apart, so one key press
// is a visible change and a drag can still reach any round value.
const LogDigits = 2

// Scale maps the positions of a range input to the values of one parameter.
//
// A linear scale's positions are the values themselves (min, max and step of the input are
// the parameter's), so the browser's own keys step along the grid. A log scale's positions are
// 0, 1, …, len(stops)−1: indices into its stops, the values with LogDigits significant digits
// between Lo and Hi (both included). Either way each position shows a distinct value, so every
// arrow key press moves to the next value the page displays; PageUp/PageDown move a tenth of the
// range and Home/End to the ends, as the browser does for any range input.
type Scale struct {
	Lo, Hi float64 // the values at the ends of the slider
	Log    bool    // positions are indices into Stops
	Int    bool    // values are whole numbers
	Step   float64 // the grid of a linear scale
	stops  []float64
}

// Bounds is the interval a slider for p covers: the table's, except that an open lower bound
// starts one step in (the slider's lowest stop must be a value p accepts). A log scale with an
// open lower bound of 0 starts at the table's step, the finest value it names.
func Bounds(p spec.Param) (lo, hi float64) {
	lo, hi = p.Min, p.Max
	if p.Log && lo <= 0 {
		lo = p.Step
		if lo <= 0 {
			lo = hi * 1e-6
		}
		return lo, hi
	}
	if p.MinOpen {
		lo += linearStep(p, lo, hi)
	}
	return lo, hi
}

// NewScale is the scale of p's slider over [lo, hi] (Bounds(p), or a narrower interval a view
// allows, e.g. a batch at most half the examples).
func NewScale(p spec.Param, lo, hi float64) Scale {
	hi = max(hi, lo)
	s := Scale{Lo: lo, Hi: hi, Int: p.Type == spec.Int}
	if p.Log && lo > 0 {
		s.Log = true
		s.stops = logStops(lo, hi, s.Int)
		return s
	}
	s.Step = linearStep(p, lo, hi)
	return s
}

// linearStep is the grid of a linear slider: the table's step, 1 for integers, else the
// decimal power nearest a 200th of the range.
func linearStep(p spec.Param, lo, hi float64) float64 {
	switch {
	case p.Step > 0:
		return p.Step
	case p.Type == spec.Int:
		return 1
	case hi > lo:
		return math.Pow(10, math.Round(math.Log10((hi-lo)/200)))
	}
	return 1
}

// logStops lists the values with LogDigits significant digits in [lo, hi], both ends included
// exactly; integer scales keep whole numbers only.
func logStops(lo, hi float64, integer bool) []float64 {
	out := []float64{lo}
	add := func(v float64) {
		if integer {
			v = math.Round(v)
		}
		if v > out[len(out)-1] && v < hi {
			out = append(out, v)
		}
	}
	first := math.Pow(10, math.Floor(math.Log10(lo))-(LogDigits-1)) // the grid at lo's decade
	lead := math.Pow(10, LogDigits-1)                               // 10: the smallest mantissa
	for unit := first; unit*lead <= hi; unit *= 10 {
		for m := lead; m < 10*lead; m++ {
			add(roundSig(m*unit, LogDigits))
		}
	}
	if hi > lo {
		out = append(out, hi)
	}
	return out
}

// roundSig rounds v to digits significant digits, through its decimal text so that 0.0011 is
// the float nearest 0.0011.
func roundSig(v float64, digits int) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'e', digits-1, 64), 64)
	return r
}

// Stops returns the values of a log scale's positions (nil for a linear scale).
func (s Scale) Stops() []float64 { return s.stops }

// Min is the min attribute of the range input.
func (s Scale) Min() float64 {
	if s.Log {
		return 0
	}
	return s.Lo
}

// Max is the max attribute of the range input.
func (s Scale) Max() float64 {
	if s.Log {
		return float64(len(s.stops) - 1)
	}
	return s.Lo + math.Floor((s.Hi-s.Lo)/s.Step+1e-9)*s.Step
}

// StepAttr is the step attribute of the range input.
func (s Scale) StepAttr() float64 {
	if s.Log {
		return 1
	}
	return s.Step
}

// Pos is the position nearest value v (on a log scale: nearest in ratio).
func (s Scale) Pos(v float64) float64 {
	if math.IsNaN(v) {
		return s.Min()
	}
	if !s.Log {
		v = min(max(v, s.Lo), s.Hi)
		return s.snap(v)
	}
	i := 0
	for i+1 < len(s.stops) && s.stops[i+1] <= v {
		i++
	}
	if i+1 < len(s.stops) && v > 0 && s.stops[i+1]/v < v/s.stops[i] {
		i++
	}
	return float64(i)
}

// snap puts v on the linear grid, without the float noise of the multiplication.
func (s Scale) snap(v float64) float64 {
	k := math.Round((v - s.Lo) / s.Step)
	g := s.Lo + k*s.Step
	if g > s.Hi+1e-9*s.Step {
		g -= s.Step
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(g, 'f', s.decimals(), 64), 64)
	if s.Int {
		r = math.Round(r)
	}
	return r
}

// Value is the value at position pos (clamped to the slider).
func (s Scale) Value(pos float64) float64 {
	if math.IsNaN(pos) {
		pos = s.Min()
	}
	if !s.Log {
		return s.snap(min(max(pos, s.Lo), s.Hi))
	}
	i := int(math.Round(min(max(pos, 0), float64(len(s.stops)-1))))
	return s.stops[i]
}

// PosText is position pos as the input's value attribute.
func PosText(pos float64) string { return strconv.FormatFloat(pos, 'f', -1, 64) }

// decimals is the number of decimals a linear grid needs (0.01 → 2).
func (s Scale) decimals() int {
	if s.Log || s.Step <= 0 {
		return 0
	}
	d := int(math.Ceil(-math.Log10(s.Step) - 1e-9))
	return max(d, 0)
}

// Format writes v as every control shows it: whole numbers in full (with thin-space thousands
// separators), values of a linear scale with the decimals of its grid, values of
// a log scale with at most four significant digits; no trailing zeros.
func (s Scale) Format(v float64) string {
	if s.Int {
		return Thousands(int(math.Round(v)))
	}
	var t string
	if s.Log {
		t = strconv.FormatFloat(roundSig(v, 4), 'f', -1, 64)
	} else {
		t = strconv.FormatFloat(v, 'f', s.decimals(), 64)
		if strings.Contains(t, ".") {
			t = strings.TrimRight(strings.TrimRight(t, "0"), ".")
		}
	}
	if t == "-0" {
		t = "0"
	}
	return strings.Replace(t, "-", "−", 1)
}

// Thousands writes n with thin-space thousands separators (10 000).
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := ""
	for len(s) > 3 {
		out = "\u202f" + s[len(s)-3:] + out
		s = s[:len(s)-3]
	}
	out = s + out
	if neg {
		out = "−" + out
	}
	return out
}

// WithUnit is a shown value followed by its unit ("2.5 loss"), as aria-valuetext reads it.
func WithUnit(text, unit string) string {
	if unit == "" {
		return text
	}
	return text + " " + unit
}
