// Package iteratesview is the Iterates view of the app: controls for the "iterates" kind (η, b,
// d, the data scale σ, the chains), many SGD chains on linear regression run in a Web Worker, and
// what they show: the tail index of where the chains end beside the theory's prediction, the
// critical η/b past which their variance is infinite, and the gradient noise, which stays
// light-tailed (docs/science.md#heavy-tailed-iterates).
//
// The maths lives in sim/iterates; model.go (the worker job, the charts, the sentences) is plain
// Go tested natively; the Vugu component View (view.vugu, view.go) wires controls, runs and results.
package iteratesview

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go
