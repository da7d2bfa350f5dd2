// Package paperview is the Paper view: it starts a sweep (sim/sweep: a grid of mlp runs over
// width, depth, batch size, … and seeds) on the server, follows it as runs finish, and draws the
// tail index α̂ of the gradient noise against width (a line per depth), against depth (a line
// per width) and against the batch size, with error bars of one standard deviation over seeds,
// one set of charts per dataset and loss (Şimşekli, Sagun and Gürbüzbalaban, ICML 2019;
// docs/science.md, the tail index). The test set's noise, where the runs measured it, gets
// charts of its own against width and depth and a line of its own against the batch size; beside
// the batch-size chart the per-coordinate view (docs/science.md#per-coordinate) sets the paper's
// pooled α̂ next to the median per-coordinate α̂ and the standardised pooled α̂, and draws the
// fraction of coordinates rejected as Gaussian at 5 % against the 5 % line.
//
// The view speaks the sweep routes of server/api through networkview's Client (the browser's
// fetch, no net/http) and follows a sweep by polling GET /api/sweeps/{id} and, when more runs are
// done, its summary table GET /api/sweeps/{id}/table. The link carries the sweep: #paper?preset=cpu
// before a start, #paper?sweep=<id> after, so a link reopens the same sweep. Share stores a
// finished sweep's table in the share store (share.go: the sweep's base spec as the share's spec,
// Shared as its result), and /s/{id} opens this view drawing the stored figures, asking the
// server for no sweep.
//
// "Run in this browser" (browser.go) runs a small sweep on the synthetic datasets with no server:
// its runs go to Web Workers (ui/worker, 2 … 4 at once) as the job RunJob, whose result is the
// server's byte for byte, and sim/sweep's Summarize turns them into the same table and charts;
// a sweep over PageMaxRuns runs or PageMaxSeconds of estimated work, or on data the server
// holds, is refused with its numbers. A preset sized for a page (PageQuery) is listed first.
//
// The model (model.go: presets, tables, charts, texts; share.go) is plain Go, tested natively;
// the Vugu component View (view.vugu, view.go) wires the API and the page.
package paperview

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go
