// Package ui holds Tailscope's Vugu components and the view logic behind them.
//
// Root is the application shell: a title, a navigation between the views
// (Estimator, Landscape, Network) and one body per view. A view component
// plugs in by adding one vg-if branch to root.vugu; the current view lives in
// Root.View so that the browser entry point can set it from the URL hash.
//
// The .vugu files are compiled to 0_components_gen.go by vugugen; run
// `go generate ./ui` after editing them (a test fails when the committed file is stale).
package ui

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go
