// Package controls draws the controls of an experiment from its kind's parameter table
// (sim/spec): a labelled slider for each number (on a log scale where the table says so), a
// number box for wide integer ranges, a select for each choice, a checkbox for each flag, and the
// seed. Every control is a native input, so it is keyboard-operable and has a <label>.
//
// Use it from a template as
//
//	<controls:Form :Spec='&c.Edit' :IDPrefix='"est-"' :OnChange='c.Changed' :Visible='c.Visible'></controls:Form>
//
// The Form edits *Spec in place and calls OnChange after each accepted change; a value the table
// refuses is not applied and its message is shown under the control. Sliders follow the commit
// rule of Slider: a change is made when the thumb is released or a key moves it, not while it
// is dragged.
package controls

import (
	"strconv"
	"strings"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/vugu/vugu"
)

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go

// Form is the controls of one spec.
type Form struct {
	Spec     *spec.Spec             // the spec edited in place
	IDPrefix string                 // prefix of the controls' ids: IDPrefix+"alpha", IDPrefix+"seed"
	OnChange func()                 // called after each accepted change (e.g. to update the share link)
	Visible  func(name string) bool // which parameters to show; nil shows all
	NoSeed   bool                   // hide the seed control
	// ChoiceLabel, when set, gives the words shown for a choice (the value stays in the link).
	ChoiceLabel func(param, choice string) string

	errs map[string]string // the last refusal of each field
}

// Params returns the parameters to show, in table order.
func (c *Form) Params() []spec.Param {
	if c.Spec == nil {
		return nil
	}
	k, ok := spec.Lookup(c.Spec.Kind)
	if !ok {
		return nil
	}
	var ps []spec.Param
	for _, p := range k.Params {
		if c.Visible == nil || c.Visible(p.Name) {
			ps = append(ps, p)
		}
	}
	return ps
}

// Widget is how a parameter is drawn: "range", "number", "select" or "checkbox".
func Widget(p spec.Param) string {
	switch p.Type {
	case spec.Choice:
		return "select"
	case spec.Bool:
		return "checkbox"
	case spec.Int:
		if !p.Log && p.Max-p.Min > 1000 {
			return "number"
		}
	}
	return "range"
}

// ScaleOf is the scale of p's slider over the table's bounds.
func ScaleOf(p spec.Param) Scale {
	lo, hi := Bounds(p)
	return NewScale(p, lo, hi)
}

// ID is the id of p's control.
func (c *Form) ID(name string) string { return c.IDPrefix + name }

// Label is p's label with its unit, unless a word of the label is the unit, in the singular
// or the plural ("steps", not "steps (steps)"; "sample size", not "sample size (samples)";
// "left well width (w)").
func Label(p spec.Param) string {
	if p.Unit == "" {
		return p.Label
	}
	unit := strings.TrimSuffix(p.Unit, "s")
	for _, w := range strings.Fields(p.Label) {
		if w == p.Unit || strings.TrimSuffix(w, "s") == unit {
			return p.Label
		}
	}
	return p.Label + " (" + p.Unit + ")"
}

// Value is the text shown for p's value, formatted as its slider formats it.
func (c *Form) Value(p spec.Param) string {
	if c.Spec == nil {
		return ""
	}
	return ScaleOf(p).Format(c.Spec.Get(p.Name).Num)
}

// Checked reports whether a Bool parameter is set.
func (c *Form) Checked(p spec.Param) bool { return c.Spec != nil && c.Spec.Get(p.Name).Num != 0 }

// Selected reports whether choice is p's value.
func (c *Form) Selected(p spec.Param, choice string) bool {
	return c.Spec != nil && c.Spec.Get(p.Name).Str == choice
}

// OptionText is the text of choice in p's select.
func (c *Form) OptionText(p spec.Param, choice string) string {
	if c.ChoiceLabel != nil {
		if l := c.ChoiceLabel(p.Name, choice); l != "" {
			return l
		}
	}
	return choice
}

// Error is the last refusal of p's control, or "".
func (c *Form) Error(name string) string { return c.errs[name] }

// SeedText is the seed as text.
func (c *Form) SeedText() string {
	if c.Spec == nil {
		return ""
	}
	return strconv.FormatUint(c.Spec.Seed, 10)
}

// SetSlider applies a slider position (the range input's value), as releasing the thumb there does.
func (c *Form) SetSlider(p spec.Param, text string) {
	pos, err := strconv.ParseFloat(text, 64)
	if err != nil {
		c.refuse(p.Name, "must be a number, got "+strconv.Quote(text))
		return
	}
	c.apply(p.Name, c.Spec.Set(p.Name, ScaleOf(p).Value(pos)))
}

// committer is the OnCommit of p's slider: the value is applied to the spec.
func (c *Form) committer(p spec.Param) func(float64) {
	return func(v float64) { c.apply(p.Name, c.Spec.Set(p.Name, v)) }
}

// SetText applies a value typed or chosen by the person.
func (c *Form) SetText(p spec.Param, text string) { c.apply(p.Name, c.Spec.SetText(p.Name, text)) }

// SetBool applies a checkbox.
func (c *Form) SetBool(p spec.Param, on bool) {
	v := 0.0
	if on {
		v = 1
	}
	c.apply(p.Name, c.Spec.Set(p.Name, v))
}

// SetSeed applies a typed seed.
func (c *Form) SetSeed(text string) {
	s, err := strconv.ParseUint(text, 10, 64)
	if err != nil || s > spec.MaxSeed {
		c.refuse("seed", "must be a whole number from 0 to "+strconv.FormatUint(spec.MaxSeed, 10))
		return
	}
	c.Spec.Seed = s
	c.apply("seed", nil)
}

// NextSeed moves to the next seed: a fresh sample with the same settings.
func (c *Form) NextSeed() {
	if c.Spec.Seed < spec.MaxSeed {
		c.Spec.Seed++
	} else {
		c.Spec.Seed = 0
	}
	c.apply("seed", nil)
}

func (c *Form) apply(name string, err error) {
	if err != nil {
		c.refuse(name, err.Error())
		return
	}
	delete(c.errs, name)
	// A change can make another field acceptable or not (Kind.Check): report the spec's state.
	if verr := c.Spec.Validate(); verr != nil {
		if fe, ok := verr.(*spec.FieldError); ok {
			c.refuse(fe.Field, fe.Msg)
			return
		}
	}
	if c.OnChange != nil {
		c.OnChange()
	}
}

func (c *Form) refuse(name, msg string) {
	if c.errs == nil {
		c.errs = map[string]string{}
	}
	c.errs[name] = msg
}

// event helpers for the template
func targetValue(e vugu.DOMEvent) string { return e.PropString("target", "value") }
func targetChecked(e vugu.DOMEvent) bool { return e.PropBool("target", "checked") }
