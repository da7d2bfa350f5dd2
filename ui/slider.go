package ui

import (
	"strconv"

	"github.com/vugu/vugu"
)

// Slider is a labelled range input bound to a float64, showing its value
// next to it. Use it from a template as
//
//	<ui:Slider :ID='"alpha"' :Label='"Tail index α"' :Min='0.3' :Max='2' :Step='0.05' :Digits='2' :Value='&c.Alpha'></ui:Slider>
//
// The <input> gets id ID and the shown value id ID+"-value".
type Slider struct {
	ID             string   // id of the <input>
	Label          string   // text of its <label>
	Min, Max, Step float64  // bounds and step of the range
	Digits         int      // decimals shown
	Value          *float64 // the bound value: read to draw, written on input
}

// Text is the bound value with Digits decimals ("" when unbound).
func (c *Slider) Text() string {
	if c.Value == nil {
		return ""
	}
	return strconv.FormatFloat(*c.Value, 'f', c.Digits, 64)
}

// OnInput handles the input event of the range.
func (c *Slider) OnInput(e vugu.DOMEvent) { c.Set(e.PropString("target", "value")) }

// Set sets the bound value from the input's text. Text that is not a number
// is ignored; numbers are clamped to [Min, Max].
func (c *Slider) Set(s string) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v || c.Value == nil {
		return
	}
	*c.Value = min(max(v, c.Min), c.Max)
}
