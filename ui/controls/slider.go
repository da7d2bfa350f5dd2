package controls

import (
	"math"
	"strconv"

	"github.com/vugu/vugu"
)

// Slider is a labelled range input over a Scale, with the value it shows beside it. Use it
// from a template as
//
//	<controls:Slider :ID='"net-width"' :Label='"width"' :Unit='"units"' :Scale='s' :Value='v' :OnCommit='c.SetWidth'></controls:Slider>
//
// The commit rule, the same in every view: while the thumb moves (input events) the slider
// shows the value under it and keeps its own position, so a page that redraws meanwhile does
// not pull the thumb back; when the browser reports the change (the mouse released, a key
// pressed) OnCommit receives the value, and the caller updates the spec, the link and the run.
// The <input> gets id ID and the shown value id ID+"-value".
type Slider struct {
	ID       string
	Label    string // text of the <label>
	Unit     string // read after the value by screen readers and shown beside it
	Describe string // id of an element describing the control ("" for none)
	Title    string // a tooltip: the parameter's help
	Scale    Scale
	Value    float64                      // the committed value
	Special  func(v float64) string       // optional: the text of values shown in words ("all" for 0)
	OnCommit func(v float64)              // called with the value when the change is made
	OnDrag   func(v float64, text string) // optional: called while the thumb moves

	moving bool    // an input event came and its change has not
	pos    float64 // the position under the thumb while moving
}

// Pos is the input's position: the thumb's while it moves, else the committed value's.
func (c *Slider) Pos() float64 {
	if c.moving {
		return c.pos
	}
	return c.Scale.Pos(c.Value)
}

// PosText is Pos as the input's value.
func (c *Slider) PosText() string { return PosText(c.Pos()) }

// Shown is the value the slider shows: under the thumb while it moves, else the committed one.
func (c *Slider) Shown() float64 {
	if c.moving {
		return c.Scale.Value(c.pos)
	}
	return c.Value
}

// Text is the shown value as the page writes it.
func (c *Slider) Text() string {
	v := c.Shown()
	if c.Special != nil {
		if t := c.Special(v); t != "" {
			return t
		}
	}
	return c.Scale.Format(v)
}

// ValueText is the aria-valuetext: the shown value and its unit.
func (c *Slider) ValueText() string {
	if c.Special != nil && c.Special(c.Shown()) != "" {
		return c.Text()
	}
	return WithUnit(c.Text(), c.Unit)
}

// Moving reports whether the thumb has moved since the last commit.
func (c *Slider) Moving() bool { return c.moving }

// Input handles an input event: the thumb is at position text.
func (c *Slider) Input(text string) {
	pos, ok := parsePos(text)
	if !ok {
		return
	}
	c.moving, c.pos = true, pos
	if c.OnDrag != nil {
		c.OnDrag(c.Scale.Value(pos), c.Text())
	}
}

// Change handles a change event: the value at position text is committed.
func (c *Slider) Change(text string) {
	pos, ok := parsePos(text)
	c.moving = false
	if !ok {
		return
	}
	v := c.Scale.Value(pos)
	c.Value = v
	if c.OnCommit != nil {
		c.OnCommit(v)
	}
}

func parsePos(text string) (float64, bool) {
	pos, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(pos) || math.IsInf(pos, 0) {
		return 0, false
	}
	return pos, true
}

// OnInput and OnChange are the template's event handlers.
func (c *Slider) OnInput(e vugu.DOMEvent)  { c.Input(e.PropString("target", "value")) }
func (c *Slider) OnChange(e vugu.DOMEvent) { c.Change(e.PropString("target", "value")) }
