package scenario

import "github.com/tailscope/tailscope/sim/spec"

// List is the row of scenario links of one view; the scenario the view shows now is marked
// (aria-current), so a lecturer sees which point is on screen.
type List struct {
	View    string    // the view's name in appstate, e.g. "landscape"
	Current spec.Spec // the spec the view shows
}

// Links are the view's scenarios.
func (c *List) Links() []Link { return For(c.View) }

// CurrentAttr is the aria-current attribute of l's link.
func (c *List) CurrentAttr(l Link) string {
	if c.Current.Kind == l.Kind && c.Current.IsPreset(l.Preset) {
		return "true"
	}
	return "false"
}
