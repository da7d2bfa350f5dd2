// Package landscapeview is Tailscope's Landscape view: Lévy- and Gaussian-driven walkers on a loss
// landscape with basins of chosen widths and heights (sim/levy, sim/landscape, docs/science.md#exit-times),
// animated side by side from the same seed.
//
// The maths stays out of the component: Sim (sim.go) builds the two ensembles from a "wells" or
// "exit" spec, advances them in slices that fit an animation frame, and derives what the charts
// show (occupancy, exit-time histograms, theory); charts.go draws them (the landscape and the
// histograms as ui/chart charts, the "where are the walkers" bar as SVG text of its own;
// panel.go keeps each landscape drawing and redraws only its walkers' dots per frame), and
// export.go writes their data as CSV and JSON; controls.go turns the kind's parameter table into
// sliders; player.go is the play/pause/step/reset state machine. View (view.vugu, view.go) wires
// these to the page and to the shared share-link state (ui/appstate), and runs the animation:
// a goroutine that advances the run for about 10 ms, then blocks until the browser's next
// animation frame (frame_js.go) so that the page paints and answers input between slices, and
// asks for a redraw at most 20 times a second. Sweep (sweep.go, sweepview.go) measures exit time
// against width and against height beside the theory: one small "exit" run per point, computed
// in 40 ms slices that hand the thread back through a MessageChannel (yield_js.go), cancellable.
// All of it but those waits is plain Go, tested natively and under node.
package landscapeview

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go
