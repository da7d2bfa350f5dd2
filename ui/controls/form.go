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
// refuses is not applied and its message is shown under the control.
package controls

import (
	"math"
	"strconv"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/vugu/vugu"
)

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go

// SliderSteps is the resolution of a log-scale slider.
const SliderSteps = 1000

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

// logScale reports whether p's slider moves on a log scale.
func logScale(p spec.Param) bool { return p.Log && p.Min > 0 }

// SliderMin, SliderMax and SliderStep are the attributes of p's range input.
func SliderMin(p spec.Param) float64 {
	if logScale(p) {
		return 0
	}
	return p.Min
}

// SliderMax is the max attribute of p's range input.
func SliderMax(p spec.Param) float64 {
	if logScale(p) {
		return SliderSteps
	}
	return p.Max
}

// SliderStep is the step attribute of p's range input.
func SliderStep(p spec.Param) float64 {
	switch {
	case logScale(p):
		return 1
	case p.Step > 0:
		return p.Step
	case p.Type == spec.Int:
		return 1
	}
	return (p.Max - p.Min) / 200
}

// ToSlider is the slider position of value v of p.
func ToSlider(p spec.Param, v float64) float64 {
	if !logScale(p) {
		return v
	}
	return math.Round(SliderSteps * math.Log(v/p.Min) / math.Log(p.Max/p.Min))
}

// FromSlider is the value of p at slider position pos: integers are rounded, log-scale values
// keep 3 significant digits.
func FromSlider(p spec.Param, pos float64) float64 {
	v := pos
	if logScale(p) {
		v = p.Min * math.Pow(p.Max/p.Min, pos/SliderSteps)
		v = roundSig(v, 3)
	}
	if p.Type == spec.Int {
		v = math.Round(v)
	}
	return math.Max(p.Min, math.Min(p.Max, v))
}

func roundSig(v float64, digits int) float64 {
	if v == 0 {
		return 0
	}
	e := math.Pow(10, float64(digits)-math.Ceil(math.Log10(math.Abs(v))))
	return math.Round(v*e) / e
}

// ID is the id of p's control.
func (c *Form) ID(name string) string { return c.IDPrefix + name }

// Label is p's label with its unit.
func Label(p spec.Param) string {
	if p.Unit != "" {
		return p.Label + " (" + p.Unit + ")"
	}
	return p.Label
}

// Value is the text shown for p: its value as the spec writes it, integers with thousands
// separators.
func (c *Form) Value(p spec.Param) string {
	if c.Spec == nil {
		return ""
	}
	if p.Type == spec.Int {
		return Thousands(c.Spec.Int(p.Name))
	}
	return c.Spec.Text(p.Name)
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

// SliderValue is the position of p's slider as text.
func (c *Form) SliderValue(p spec.Param) string {
	if c.Spec == nil {
		return ""
	}
	return strconv.FormatFloat(ToSlider(p, c.Spec.Float(p.Name)), 'g', -1, 64)
}

// Checked reports whether a Bool parameter is set.
func (c *Form) Checked(p spec.Param) bool { return c.Spec != nil && c.Spec.Bool(p.Name) }

// Selected reports whether choice is p's value.
func (c *Form) Selected(p spec.Param, choice string) bool {
	return c.Spec != nil && c.Spec.Choice(p.Name) == choice
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

// SetSlider applies a slider position.
func (c *Form) SetSlider(p spec.Param, text string) {
	pos, err := strconv.ParseFloat(text, 64)
	if err != nil {
		c.refuse(p.Name, "must be a number, got "+strconv.Quote(text))
		return
	}
	c.apply(p.Name, c.Spec.Set(p.Name, FromSlider(p, pos)))
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
