// Package estimatorview is the Estimator view of the app: controls for the "stable" kind (the law,
// α, ν, the sample size, K1, the seed), the sample drawn at once and analysed by every estimator,
// and "Use my data" for a .npy/.csv file analysed in the browser.
//
// The maths lives in plain Go (model.go: Compute; charts.go and text.go: what the page shows), run
// in a Web Worker through ui/worker so that the page never freezes, and tested natively. The Vugu
// component View (view.vugu, view.go) only wires controls, runs and results.
package estimatorview

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go
