package ui

import "fmt"

// ViewID names one of the app's views; it is also the view's URL fragment.
type ViewID string

// The views of the app, in navigation order.
const (
	ViewEstimator ViewID = "estimator"
	ViewLandscape ViewID = "landscape"
	ViewNetwork   ViewID = "network"
)

// View describes one entry of the navigation.
type View struct {
	ID    ViewID
	Title string // label in the navigation
	Blurb string // one-line description shown under the view's heading
}

// Views lists every view once, in navigation order. The navigation, the
// view switch and ParseView all read this table.
var Views = []View{
	{ViewEstimator, "Estimator", "Sample a symmetric α-stable law and estimate its tail index α."},
	{ViewLandscape, "Landscape", "Watch Brownian and Lévy-driven SGD leave narrow and wide basins."},
	{ViewNetwork, "Network", "Train a small network and track the tail index of its gradient noise."},
}

// DefaultView is the view shown when none is chosen.
const DefaultView = ViewEstimator

// ParseView returns the view named s (as in the URL hash, without '#').
// The empty string gives DefaultView; an unknown name is an error.
func ParseView(s string) (ViewID, error) {
	if s == "" {
		return DefaultView, nil
	}
	for _, v := range Views {
		if string(v.ID) == s {
			return v.ID, nil
		}
	}
	return "", fmt.Errorf("ui: unknown view %q (want one of estimator, landscape, network)", s)
}

// Demo slider bounds for the tail index α in the Estimator placeholder.
const (
	AlphaMin  = 0.3
	AlphaMax  = 2.0
	AlphaStep = 0.05
	// AlphaDefault is the slider's starting value.
	AlphaDefault = 1.5
)

// Root is the application shell. Its exported fields may be set from outside
// (the wasm entry point, tests) under the render lock.
type Root struct {
	// View is the view shown. An empty or unknown value shows DefaultView.
	View ViewID
	// Alpha is the value of the Estimator's demo slider.
	Alpha float64
	// OnViewChange, when set, is called after the user picks a view in the
	// navigation (the entry point uses it to write the URL hash).
	OnViewChange func(ViewID) `vugu:"data"`
}

// NewRoot returns a Root showing DefaultView with the slider at AlphaDefault.
func NewRoot() *Root {
	return &Root{View: DefaultView, Alpha: AlphaDefault}
}

// Current returns the view to show: View if it is known, else DefaultView.
func (c *Root) Current() ViewID {
	if v, err := ParseView(string(c.View)); err == nil {
		return v
	}
	return DefaultView
}

// Is reports whether id is the view shown.
func (c *Root) Is(id ViewID) bool { return c.Current() == id }

// NavClass is the CSS class of the navigation entry for id.
func (c *Root) NavClass(id ViewID) string {
	if c.Is(id) {
		return "nav-item active"
	}
	return "nav-item"
}

// Info is the entry of Views for the view shown.
func (c *Root) Info() View {
	cur := c.Current()
	for _, v := range Views {
		if v.ID == cur {
			return v
		}
	}
	return Views[0]
}

// Select shows view id and notifies OnViewChange.
func (c *Root) Select(id ViewID) {
	c.View = id
	if c.OnViewChange != nil {
		c.OnViewChange(id)
	}
}

// TailText describes what the current α means for the tails.
func (c *Root) TailText() string {
	switch {
	case c.Alpha >= 2:
		return "Gaussian: finite variance."
	case c.Alpha > 1:
		return "Heavy tails: finite mean, infinite variance."
	default:
		return "Very heavy tails: even the mean is undefined."
	}
}
