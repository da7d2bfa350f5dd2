package ui

// How a view plugs into the app (root.vugu): one line each, with these exact props,
//
//	<estimatorview:View vg-if='c.Is(ViewEstimator)' :State='c.State' :Env='c.Env'></estimatorview:View>
//	<landscapeview:View vg-if='c.Is(ViewLandscape)' :State='c.State' :Env='c.Env'></landscapeview:View>
//	<networkview:View vg-if='c.Is(ViewNetwork)' :State='c.State' :Env='c.Env'></networkview:View>
//	<iteratesview:View vg-if='c.Is(ViewIterates)' :State='c.State' :Env='c.Env'></iteratesview:View>
//
// with the view's package imported in root.vugu's script block. The view's component has the
// fields
//
//	State *appstate.State // the page's state: read State.Spec(view), write State.SetSpec(view, sp)
//	Env   vugu.EventEnv   // lock it (Env.Lock / Env.UnlockRender) to publish background results
//
// State.SetSpec after every accepted control change rewrites the URL (a share link); a view
// follows State in its Compute hook, so that a link opened or a hash edited takes effect.
// State.ShareID and State.Result are set when the page was opened from /s/{id}.

import (
	"fmt"
	"strings"

	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/vugu/vugu"
)

// ViewID names one of the app's views; it is also the view's URL fragment.
type ViewID string

// The views of the app, in navigation order.
const (
	ViewEstimator ViewID = "estimator"
	ViewLandscape ViewID = "landscape"
	ViewNetwork   ViewID = "network"
	ViewIterates  ViewID = "iterates"
	ViewPaper     ViewID = "paper"
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
	{ViewEstimator, "Estimator", "Sample a heavy-tailed law, or load your own data, and estimate its tail index α with every method."},
	{ViewLandscape, "Landscape", "Watch Brownian and Lévy-driven SGD leave narrow and wide basins."},
	{ViewNetwork, "Network", "Train a small network and track the tail index of its gradient noise."},
	{ViewIterates, "Iterates", "Light-tailed gradient noise, heavy-tailed iterates: many SGD runs on linear regression, beside the theory of multiplicative noise."},
	{ViewPaper, "Paper", "The paper's figures: a grid of networks trained on the server, and the tail index α̂ against width and depth."},
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
	return "", fmt.Errorf("ui: unknown view %q (want one of estimator, landscape, network, iterates, paper)", s)
}

// Root is the application shell: title, navigation, the banner about untrusted link fields, the
// "Copy link" button and the shown view. Its exported fields are set by the wasm entry point
// (or tests) under the render lock.
type Root struct {
	// State is the page's state, shared with the views; nil shows the defaults.
	State *appstate.State
	// Env is the render loop's event environment, handed to the views for background work.
	Env vugu.EventEnv
	// LinkBase is what precedes the fragment in a copied link, e.g. "https://host/".
	LinkBase string
	// OnViewChange, when set, is called after the user picks a view in the navigation.
	OnViewChange func(ViewID) `vugu:"data"`

	linkShown bool   // the fallback text field with the link is shown
	linkNote  string // what happened to the copy
	dismissed string // the banner text the person dismissed
}

// NewRoot returns a Root on a fresh default state.
func NewRoot() *Root {
	return &Root{State: appstate.New()}
}

// Current returns the view shown: State.View if it is known, else DefaultView.
func (c *Root) Current() ViewID {
	if c.State == nil {
		return DefaultView
	}
	if v, err := ParseView(c.State.View); err == nil {
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

// NavCurrent is the aria-current attribute of the navigation entry for id.
func (c *Root) NavCurrent(id ViewID) string {
	if c.Is(id) {
		return "page"
	}
	return "false"
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

// Select shows view id (which rewrites the link through State.OnChange) and notifies OnViewChange.
func (c *Root) Select(id ViewID) {
	if c.State == nil {
		c.State = appstate.New()
	}
	c.State.SetView(string(id))
	c.linkShown, c.linkNote = false, ""
	if c.OnViewChange != nil {
		c.OnViewChange(id)
	}
}

// Banner is the sentence about the fields of the opened link that were not trusted ("" if none,
// or once dismissed).
func (c *Root) Banner() string {
	if c.State == nil {
		return ""
	}
	t := c.State.IgnoredText()
	if t == c.dismissed {
		return ""
	}
	return t
}

// DismissBanner hides the banner.
func (c *Root) DismissBanner() {
	if c.State != nil {
		c.dismissed = c.State.IgnoredText()
	}
}

// Link is the share link of what the page shows now.
func (c *Root) Link() string {
	base := c.LinkBase
	if base == "" {
		base = "/"
	}
	if c.State == nil {
		return base
	}
	return strings.TrimSuffix(base, "#") + c.State.Fragment()
}

// CopyLink copies Link to the clipboard and shows it in a text field as well (the fallback where
// the clipboard is refused).
func (c *Root) CopyLink() {
	c.linkShown = true
	c.linkNote = "Copying…"
	copyText(c.Env, c.Link(), func(err error) {
		if err != nil {
			c.linkNote = "Copy the link from this box (the clipboard is not available here)."
			return
		}
		c.linkNote = "Copied to the clipboard."
	})
}

// LinkShown reports whether the link's text field shows.
func (c *Root) LinkShown() bool { return c.linkShown }

// LinkNote says whether the copy worked.
func (c *Root) LinkNote() string { return c.linkNote }
