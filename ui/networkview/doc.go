// Package networkview is the Network view: train a small fully connected network in the page
// and watch the tail index α̂ of its stochastic gradient noise, measured as in docs/science.md#protocol.
//
// The maths is in sim/ (sim/mlp's Trainer, sim/noise's measurement) and estimator/; this
// package is the view model around it, plain Go tested natively: Session, the state machine
// (play, pause, step, reset with exact iteration accounting) around sim/mlp's Loop, which
// computes in slices of about 10 ms and yields to the page between them; the charts (ui/chart) and the
// noise histogram with its fitted laws; the controls built from the "mlp" kind's parameter
// table; Client, for the server's dataset, run and share API. View is the Vugu component.
//
// Where the browser has 2 or more cores, each noise measurement is spread over 2 Web Workers
// (WorkerMeasurer, the worker job EvalJob): each computes its range of the batches' part of
// both passes and the page merges them (sim/noise's MeasureSplit); ?evalWorkers=N on the
// page's address sets the number (1: the page's own thread, yielding between batches).
package networkview

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go
