package tourview

import (
	"fmt"
	"strconv"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/vugu/vugu"
)

// View is the tour. Use it as
//
//	<tourview:View :State='c.State' :Env='c.Env'></tourview:View>
type View struct {
	State *appstate.State `vugu:"data"`
	Env   vugu.EventEnv   `vugu:"data"`

	entered int // the step whose scenario was last loaded (0: none)
}

func (c *View) state() *appstate.State {
	if c.State == nil {
		c.State = appstate.New()
		c.State.View = appstate.TourView
	}
	return c.State
}

// Index is the step shown, from 1 to len(Steps).
func (c *View) Index() int {
	return min(max(c.state().Step, 1), len(Steps))
}

// Step is the step shown.
func (c *View) Step() Step { return Steps[c.Index()-1] }

// Count says where the step is, e.g. "step 3 of 7".
func (c *View) Count() string { return fmt.Sprintf("step %d of %d", c.Index(), len(Steps)) }

// Compute loads the step's scenario into the state when the step changed (a key, a button, a
// link), so that the widget shows it; a control moved afterwards stays as the person left it.
func (c *View) Compute(vugu.ComputeCtx) { c.load() }

func (c *View) load() {
	n := c.Index()
	if n == c.entered {
		return
	}
	c.entered = n
	s := c.Step()
	sp, err := spec.NewPreset(s.Kind, s.Preset)
	if err != nil { // a tour step naming a missing preset is caught by the package's tests
		return
	}
	// Written directly, not through SetSpec: the link stays the tour's.
	c.state().Specs[s.View] = sp
}

// Go shows step n (clamped to the tour) and writes it into the link.
func (c *View) Go(n int) {
	n = min(max(n, 1), len(Steps))
	c.state().SetStep(n)
	c.load()
}

// Next and Prev move by one step.
func (c *View) Next() { c.Go(c.Index() + 1) }
func (c *View) Prev() { c.Go(c.Index() - 1) }

// HasPrev and HasNext enable the buttons.
func (c *View) HasPrev() bool { return c.Index() > 1 }
func (c *View) HasNext() bool { return c.Index() < len(Steps) }

// Href is the link of step n.
func Href(n int) string { return "#" + appstate.TourView + "?step=" + strconv.Itoa(n) }

// StepCurrent is the aria-current attribute of step n's link.
func (c *View) StepCurrent(n int) string {
	if n == c.Index() {
		return "step"
	}
	return "false"
}

// Shows reports whether the widget shown is view's.
func (c *View) Shows(view string) bool { return c.Step().View == view }

// Key handles a key pressed on the page (outside a form control): ← and → move.
func (c *View) Key(key string) bool {
	switch key {
	case "ArrowRight":
		if c.HasNext() {
			c.Next()
			return true
		}
	case "ArrowLeft":
		if c.HasPrev() {
			c.Prev()
			return true
		}
	}
	return false
}

// Init registers the tour's keys (Key) with the page's keyboard listener while the tour is
// shown.
func (c *View) Init(vugu.InitCtx) { c.state().SetKeys(appstate.TourView, c) }

// Destroy unregisters them.
func (c *View) Destroy(vugu.DestroyCtx) { c.state().SetKeys(appstate.TourView, nil) }
