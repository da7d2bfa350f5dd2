// Package paperview is the Paper view: it starts a sweep (sim/sweep: a grid of mlp runs over
// width, depth and seeds) on the server, follows it as runs finish, and draws the tail index α̂
// of the gradient noise against width (a line per depth) and against depth (a line per width),
// with error bars of one standard deviation over seeds, one pair of charts per dataset and loss
// (Şimşekli, Sagun and Gürbüzbalaban, ICML 2019; docs/science.md, the tail index).
//
// The view speaks the sweep routes of server/api through networkview's Client (the browser's
// fetch, no net/http) and follows a sweep by polling GET /api/sweeps/{id} and, when more runs are
// done, its summary table GET /api/sweeps/{id}/table. The link carries the sweep: #paper?preset=cpu
// before a start, #paper?sweep=<id> after, so a link reopens the same sweep.
//
// The model (model.go: presets, tables, charts, texts) is plain Go, tested natively; the Vugu
// component View (view.vugu, view.go) wires the API and the page.
package paperview

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go
