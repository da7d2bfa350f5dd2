package landscapeview

import (
	"fmt"
	"math"
	"strconv"

	"github.com/tailscope/tailscope/sim/spec"
)

// hidden lists parameters the view does not offer as controls: "trace" only matters for the
// server's result files (the view draws every walker it shows); it stays in the link as is.
var hidden = map[string]bool{"trace": true}

// logTicks is the number of slider positions of a log-scale control.
const logTicks = 1000

// Control is one control drawn from a kind's parameter table: a range slider for numbers
// (linear, or on a log scale where the table says so), a select for choices.
type Control struct {
	Name, Label, Unit, Help string
	Choice                  bool
	Choices                 []string
	Selected                string

	// For sliders: the range input's min, max, step and value (in slider units: the value
	// itself, or a position in [0, logTicks] on a log scale) and the value shown beside it.
	Min, Max, Step float64
	Pos            float64
	Text           string

	p   *spec.Param
	lo  float64 // the bounds the slider covers, in value units
	hi  float64
	log bool
}

// ID is the HTML id of the control's input.
func (c *Control) ID() string { return "ls-" + c.Name }

// Controls returns the controls of sp's kind with sp's values.
func Controls(sp spec.Spec) []*Control {
	k, ok := spec.Lookup(sp.Kind)
	if !ok {
		return nil
	}
	var out []*Control
	for i := range k.Params {
		p := &k.Params[i]
		if hidden[p.Name] {
			continue
		}
		c := &Control{Name: p.Name, Label: p.Label, Unit: p.Unit, Help: p.Help, p: p}
		if p.Type == spec.Choice {
			c.Choice, c.Choices, c.Selected = true, p.Choices, sp.Choice(p.Name)
			out = append(out, c)
			continue
		}
		c.lo, c.hi, c.log = sliderBounds(p)
		v := sp.Float(p.Name)
		if c.log {
			c.Min, c.Max, c.Step = 0, logTicks, 1
			c.Pos = c.PosFor(v)
		} else {
			c.Min, c.Max, c.Step = c.lo, c.hi, p.Step
			if c.Step == 0 {
				c.Step = 1
				if p.Type == spec.Float {
					c.Step = (c.hi - c.lo) / 100
				}
			}
			c.Pos = v
		}
		c.Text = formatValue(p, v)
		out = append(out, c)
	}
	return out
}

// sliderBounds returns the interval a slider for p covers. An open lower bound of 0 on a log
// scale starts at the table's step (the finest value it names); walkers stop at the browser cap.
func sliderBounds(p *spec.Param) (lo, hi float64, log bool) {
	lo, hi, log = p.Min, p.Max, p.Log
	if p.Name == "walkers" {
		hi = min(hi, MaxBrowserWalkers)
	}
	if !log && p.MinOpen && p.Step > 0 {
		lo += p.Step // the slider's lowest stop must be a value the parameter accepts
	}
	if log && lo <= 0 {
		lo = p.Step
		if lo <= 0 {
			lo = hi * 1e-6
		}
	}
	return lo, hi, log
}

// Value converts a slider's text value (from the input event) to the parameter's value:
// a log position is mapped back, rounded to 3 significant digits (integers to integers), and
// clamped to the slider's bounds.
func (c *Control) Value(text string) (float64, error) {
	x, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("slider value %q is not a number", text)
	}
	var v float64
	if c.log {
		u := min(max(x, 0), logTicks) / logTicks
		v = math.Exp(math.Log(c.lo) + u*(math.Log(c.hi)-math.Log(c.lo)))
		v = round3(v)
	} else {
		v = x
		if c.p.Step > 0 { // snap to the step grid, as the browser does
			v = c.lo + math.Round((v-c.lo)/c.p.Step)*c.p.Step
			v = round3(v*1e6) / 1e6 // drop the float noise of the snap
		}
	}
	if c.p.Type == spec.Int {
		v = math.Round(v)
	}
	return min(max(v, c.lo), c.hi), nil
}

// round3 rounds x to 3 significant digits.
func round3(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 3, 64), 64)
	return r
}

// formatValue writes v for display beside its slider.
func formatValue(p *spec.Param, v float64) string {
	s := strconv.FormatFloat(v, 'g', 4, 64)
	if p.Type == spec.Int {
		s = strconv.FormatFloat(v, 'f', 0, 64)
	}
	if p.Unit != "" && p.Unit != "steps" && p.Unit != "time" {
		s += " " + p.Unit
	}
	return s
}

// Apply returns sp with the control's parameter set from the slider or select text. The
// error names the field: a value the parameter refuses, or a combination the kind refuses
// (e.g. a step η too large for the curvature). sp itself is not modified.
func (c *Control) Apply(sp spec.Spec, text string) (spec.Spec, error) {
	out := sp.Clone()
	if c.Choice {
		if err := out.SetChoice(c.Name, text); err != nil {
			return sp, err
		}
	} else {
		v, err := c.Value(text)
		if err != nil {
			return sp, &spec.FieldError{Field: c.Name, Msg: err.Error()}
		}
		if err := out.Set(c.Name, v); err != nil {
			return sp, err
		}
	}
	return out, out.Validate()
}

// PosFor is the slider position that shows value v.
func (c *Control) PosFor(v float64) float64 {
	if !c.log {
		return v
	}
	pos := math.Round(logTicks * (math.Log(v) - math.Log(c.lo)) / (math.Log(c.hi) - math.Log(c.lo)))
	return min(max(pos, 0), logTicks)
}

// PosText is the slider's position as the input's value.
func (c *Control) PosText() string { return strconv.FormatFloat(c.Pos, 'g', -1, 64) }
