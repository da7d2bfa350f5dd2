// Package scenario turns the presets of a view's kinds (sim/spec) into the lecture's scenarios:
// one link each, which loads the preset in one click and can be shared as it is, since the
// preset travels in the URL (#landscape?kind=exit&preset=height-1).
//
// Use the List component in a view as
//
//	<scenario:List :View='"landscape"' :Current='c.Spec()'></scenario:List>
package scenario

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go

import (
	"net/url"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/appstate"
)

// Link is one scenario: a preset of one of the view's kinds.
type Link struct {
	Kind, Preset string
	Label, Help  string
	Href         string // the fragment that loads it, e.g. "#estimator?kind=stable&preset=gaussian"
	ID           string // the element id of its link: "scenario-" + Preset
}

// For returns the scenarios of view, kind by kind in the view's order and preset by preset in
// declaration order, leaving out each kind's page preset (the view's fresh page).
func For(view string) []Link {
	var out []Link
	for _, kind := range appstate.ViewKinds[view] {
		k, ok := spec.Lookup(kind)
		if !ok {
			continue
		}
		for _, p := range k.Presets {
			if p.Name == spec.PagePreset {
				continue
			}
			out = append(out, Link{Kind: kind, Preset: p.Name, Label: p.Label, Help: p.Help,
				Href: Href(view, kind, p.Name), ID: "scenario-" + p.Name})
		}
	}
	return out
}

// Href is the fragment that shows view with kind's preset.
func Href(view, kind, preset string) string {
	q := url.Values{"kind": {kind}, "preset": {preset}}
	return "#" + view + "?" + q.Encode()
}

// Lookup returns the scenario of view called preset.
func Lookup(view, preset string) (Link, bool) {
	for _, l := range For(view) {
		if l.Preset == preset {
			return l, true
		}
	}
	return Link{}, false
}
