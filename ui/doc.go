// Package ui holds Tailscope's Vugu components and the view logic behind them.
//
// Root is the application shell: a title, a navigation between the views
// (Estimator, Landscape, Network) and one body per view. A view plugs in by
// replacing its one placeholder line in root.vugu with its component, e.g.
//
//	<ui:Landscape vg-if='c.Is(ViewLandscape)'></ui:Landscape>
//
// The current view lives in Root.View so that the browser entry point can set
// it from the URL hash. Slider is a reusable labelled range bound to a float64.
//
// The .vugu files are compiled to 0_components_gen.go by vugugen; run
// `go generate ./ui` after editing them (a test fails when the committed file is stale).
package ui

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go
