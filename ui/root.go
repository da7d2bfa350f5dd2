package ui

// How a view plugs into the app (root.vugu): one section each, mounted when the view is first
// shown and then kept, hidden while another view shows (so a run survives a switch),
//
//	<section vg-if='c.Mounted(ViewLandscape)' :id='c.SectionID(ViewLandscape)' :class='c.SectionClass(ViewLandscape)'>
//		<div class="view-head">…title and blurb…</div>
//		<landscapeview:View :State='c.State' :Env='c.Env'></landscapeview:View>
//	</section>
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
//
// The page's layout (wasm/assets/style.css) is the view's business only through three classes:
// a view puts its controls in an element of class "view-side" and its run's buttons and charts
// in one of class "view-main", both in a "view-layout" grid; the shell collapses the side panel
// (its "Hide controls" button, present mode). A view with a run registers appstate.Actions
// (State.SetActions) so that the page's keys (Space, →, R) drive it.

import (
	"fmt"
	"strings"

	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/qrcode"
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
	ViewTour      ViewID = "tour"
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
	{ViewTour, "Tour", "A guided tour of the talk, step by step, each with its live widget."},
	{ViewPaper, "Paper", "The paper's figures: a grid of networks trained on the server (or a small one in this browser), and the tail index α̂ against width, depth and batch size."},
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
	return "", fmt.Errorf("ui: unknown view %q (want one of estimator, landscape, network, iterates, tour, paper)", s)
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

	present   bool            // present mode: larger type, help collapsed, controls hidden
	sideShown map[bool]bool   // the controls panel's state chosen per mode (present or not); absent: the mode's default
	keysShown bool            // the list of keys shows
	mounted   map[ViewID]bool // the views shown once: they stay mounted (hidden) so that a run survives a switch
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

// Mounted reports whether view id is in the page: the shown view and every view shown before,
// kept hidden, so that switching away and back keeps a run where it was. The tour, which shows
// the other views' widgets itself, is alone in the page (the views it replaces start afresh).
func (c *Root) Mounted(id ViewID) bool {
	if c.mounted == nil || c.Is(ViewTour) {
		c.mounted = map[ViewID]bool{}
	}
	if c.mounted[ViewTour] && !c.Is(ViewTour) {
		delete(c.mounted, ViewTour)
	}
	if c.Is(id) {
		c.mounted[id] = true
	}
	return c.mounted[id]
}

// SectionClass is the CSS class of view id's section: hidden unless it is the view shown.
func (c *Root) SectionClass(id ViewID) string {
	if c.Is(id) {
		return "view"
	}
	return "view view-hidden"
}

// SectionID is the id of view id's section ("view-estimator", …) while it is shown; a hidden
// view's section has none, so that a page has one element with an id "view-…".
func (c *Root) SectionID(id ViewID) string {
	if c.Is(id) {
		return "view-" + string(id)
	}
	return ""
}

// ViewInfo is the entry of Views for id.
func (c *Root) ViewInfo(id ViewID) View {
	for _, v := range Views {
		if v.ID == id {
			return v
		}
	}
	return Views[0]
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

// AppClass is the CSS class of the page: "app", plus "present" in present mode and
// "side-hidden" while the controls panel is collapsed.
func (c *Root) AppClass() string {
	cls := "app"
	if c.present {
		cls += " present"
	}
	if !c.SideShown() {
		cls += " side-hidden"
	}
	return cls
}

// Present reports whether the page is in present mode.
func (c *Root) Present() bool { return c.present }

// TogglePresent enters or leaves present mode: larger type, help text collapsed, the controls
// panel collapsed (its button shows it again), and the page fullscreen where the browser lets it.
func (c *Root) TogglePresent() {
	c.present = !c.present
	c.keysShown = false
	setFullscreen(c.present)
}

// PresentLabel is the text of the present-mode button.
func (c *Root) PresentLabel() string {
	if c.present {
		return "Leave present mode"
	}
	return "Present"
}

// PresentPressed is the aria-pressed attribute of the present-mode button.
func (c *Root) PresentPressed() string { return fmt.Sprint(c.present) }

// SideShown reports whether the views' controls panel shows: by default outside present mode,
// and as last chosen with its button in the current mode.
func (c *Root) SideShown() bool {
	if v, ok := c.sideShown[c.present]; ok {
		return v
	}
	return !c.present
}

// ToggleSide collapses or shows the controls panel.
func (c *Root) ToggleSide() {
	if c.sideShown == nil {
		c.sideShown = map[bool]bool{}
	}
	c.sideShown[c.present] = !c.SideShown()
}

// SideLabel is the text of the controls panel's button.
func (c *Root) SideLabel() string {
	if c.SideShown() {
		return "Hide controls"
	}
	return "Show controls"
}

// SideExpanded is the aria-expanded attribute of the controls panel's button.
func (c *Root) SideExpanded() string { return fmt.Sprint(c.SideShown()) }

// KeysShown reports whether the list of keys shows.
func (c *Root) KeysShown() bool { return c.keysShown }

// ToggleKeys shows or hides the list of keys.
func (c *Root) ToggleKeys() { c.keysShown = !c.keysShown }

// KeyHelp is one row of the list of keys: the key as shown, what it does, and the
// KeyboardEvent.key values it stands for (so that a test can check the list against the keys the
// page answers).
type KeyHelp struct {
	Label, Does string
	Values      []string
}

// Keys lists the page's keys and what they do, for the list shown by "?": the shell's (Key) and
// the tour's (tourview.View.Key), which takes → when it shows.
var Keys = []KeyHelp{
	{"Space", "play or pause the run", []string{" ", "Spacebar"}},
	{"→", "step the run; in the tour, the next step", []string{"ArrowRight"}},
	{"←", "in the tour, the previous step", []string{"ArrowLeft"}},
	{"R", "reset the run", []string{"r", "R"}},
	{"F", "fullscreen on or off", []string{"f", "F"}},
	{"P", "present mode on or off", []string{"p", "P"}},
	{"C", "show or hide the controls", []string{"c", "C"}},
	{"?", "show or hide this list", []string{"?"}},
	{"Esc", "close this list, or leave present mode", []string{"Escape"}},
}

// Key handles a key pressed on the page outside a text field (key is KeyboardEvent.key) and
// reports whether it did something with it. The shown view's appstate.KeyHandler, if it
// registered one (the tour), has the key first. Space, → and R act on the shown view's run
// through the appstate.Actions it registered; a view without a run ignores them.
func (c *Root) Key(key string) bool {
	var act appstate.Actions
	if c.State != nil {
		if h := c.State.Keys(string(c.Current())); h != nil && h.Key(key) {
			return true
		}
		act = c.State.Actions(string(c.Current()))
	}
	switch key {
	case " ", "Spacebar":
		if act == nil {
			return false
		}
		act.PlayPause()
	case "ArrowRight":
		if act == nil {
			return false
		}
		act.Step()
	case "r", "R":
		if act == nil {
			return false
		}
		act.Reset()
	case "f", "F":
		toggleFullscreen()
	case "p", "P":
		c.TogglePresent()
	case "c", "C":
		c.ToggleSide()
	case "?":
		c.ToggleKeys()
	case "Escape":
		switch {
		case c.keysShown:
			c.keysShown = false
		case c.present:
			c.TogglePresent()
		default:
			return false
		}
	default:
		return false
	}
	return true
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

// Link is the share link of what the page shows now: on a page opened from a stored share
// (/s/{id}) and not changed since, that share's link, which shows the stored result; else the
// link whose fragment holds the shown view's spec.
func (c *Root) Link() string {
	base := c.LinkBase
	if base == "" {
		base = "/"
	}
	if c.State == nil {
		return base
	}
	base = strings.TrimSuffix(base, "#")
	if c.State.ShareID != "" {
		return base + "s/" + c.State.ShareID
	}
	return base + c.State.Fragment()
}

// CopyLink copies Link to the clipboard and shows it in a text field as well (the fallback where
// the clipboard is refused).
func (c *Root) CopyLink() {
	c.linkShown = true
	c.linkNote = "Copying…"
	caveat := ""
	if c.State != nil && c.State.ShareID == "" {
		if what := c.State.Unlinked(string(c.Current())); what != "" {
			caveat = " It opens these settings without " + what + ", which stays in this browser."
		}
	}
	copyText(c.Env, c.Link(), func(err error) {
		if err != nil {
			c.linkNote = "Copy the link from this box (the clipboard is not available here)." + caveat
			return
		}
		c.linkNote = "Copied to the clipboard." + caveat
	})
}

// CloseLink hides the link's box.
func (c *Root) CloseLink() { c.linkShown, c.linkNote = false, "" }

// LinkQR is an SVG QR code of Link, for a class to open the link on their phones ("" if the
// link is too long for a QR code).
func (c *Root) LinkQR() vugu.HTML {
	svg, err := qrcode.SVG(c.Link(), "QR code of the link to this page")
	if err != nil {
		return ""
	}
	return vugu.HTML(svg)
}

// LinkShown reports whether the link's text field shows.
func (c *Root) LinkShown() bool { return c.linkShown }

// LinkNote says whether the copy worked.
func (c *Root) LinkNote() string { return c.linkNote }
