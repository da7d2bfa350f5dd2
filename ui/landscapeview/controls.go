package landscapeview

import (
	"fmt"
	"math"
	"strconv"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/controls"
)

// hidden lists parameters the view does not offer as controls: "trace" only matters for the
// server's result files (the view draws every walker it shows); it stays in the link as is.
var hidden = map[string]bool{"trace": true}

// Control is one control drawn from a kind's parameter table: a slider for numbers (a
// controls.Scale, linear or log as the table says), a select for choices.
type Control struct {
	Name, Label, Unit, Help string
	Choice                  bool
	Choices                 []string
	Selected                string

	Scale controls.Scale // for sliders
	Value float64        // the spec's value
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
	for _, p := range k.Params {
		if hidden[p.Name] {
			continue
		}
		c := &Control{Name: p.Name, Label: controls.Label(p), Unit: p.Unit, Help: p.Help}
		if p.Type == spec.Choice {
			c.Choice, c.Choices, c.Selected = true, p.Choices, sp.Get(p.Name).Str
			out = append(out, c)
			continue
		}
		lo, hi := controls.Bounds(p)
		if p.Name == "walkers" {
			hi = min(hi, MaxBrowserWalkers)
		}
		c.Scale = controls.NewScale(p, lo, hi)
		c.Value = sp.Get(p.Name).Num
		out = append(out, c)
	}
	return out
}

// Text is the value shown beside the slider.
func (c *Control) Text() string { return c.Scale.Format(c.Value) }

// Pos is the slider's position.
func (c *Control) Pos() float64 { return c.Scale.Pos(c.Value) }

// PosFor is the slider position that shows value v.
func (c *Control) PosFor(v float64) float64 { return c.Scale.Pos(v) }

// ValueAt converts a slider position (the range input's value) to the parameter's value.
func (c *Control) ValueAt(text string) (float64, error) {
	x, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("slider position %q is not a number", text)
	}
	return c.Scale.Value(x), nil
}

// Apply returns sp with the control's parameter set from the slider position or select text.
// The error names the field: a value the parameter refuses, or a combination the kind refuses
// (e.g. a step η too large for the curvature). sp itself is not modified.
func (c *Control) Apply(sp spec.Spec, text string) (spec.Spec, error) {
	if c.Choice {
		out := sp.Clone()
		if err := out.SetChoice(c.Name, text); err != nil {
			return sp, err
		}
		return out, out.Validate()
	}
	v, err := c.ValueAt(text)
	if err != nil {
		return sp, &spec.FieldError{Field: c.Name, Msg: err.Error()}
	}
	return c.ApplyValue(sp, v)
}

// ApplyValue is Apply for a value (a slider's committed value).
func (c *Control) ApplyValue(sp spec.Spec, v float64) (spec.Spec, error) {
	out := sp.Clone()
	if err := out.Set(c.Name, v); err != nil {
		return sp, err
	}
	return out, out.Validate()
}
