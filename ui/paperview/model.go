package paperview

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tailscope/tailscope/ui/chart"
)

// The answers of the sweep routes, decoded here rather than with sim/sweep's types so that the
// view needs none of the sweep package (main.wasm stays small).

// Cost is a sweep's estimated cost on one backend (sweep.Cost).
type Cost struct {
	Backend string  `json:"backend"`
	Runs    int     `json:"runs"`
	Seconds float64 `json:"seconds"` // on one worker
	Longest float64 `json:"longest"` // the longest run
}

// Preset is one of GET /api/sweeps/presets.
type Preset struct {
	Name     string          `json:"name"`
	Label    string          `json:"label"`
	Help     string          `json:"help"`
	Sweep    json.RawMessage `json:"sweep"`
	Link     string          `json:"link"`
	Runs     int             `json:"runs"`
	Estimate []Cost          `json:"estimate"`
	Refused  string          `json:"refused,omitempty"`
}

// Status is GET /api/sweeps/{id} without results.
type Status struct {
	ID       string          `json:"id"`
	Sweep    json.RawMessage `json:"sweep"` // its JSON form (base, grid, seeds)
	Counts   map[string]int  `json:"counts"`
	Finished bool            `json:"finished"`
	Runs     []struct {
		State string `json:"state"`
		Error string `json:"error,omitempty"`
	} `json:"runs"`
}

// Stat is a metric's mean, standard deviation and count over seeds.
type Stat struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	N    int     `json:"n"`
}

// Table is GET /api/sweeps/{id}/table: one row per grid point.
type Table struct {
	Params  []string `json:"params"`
	Metrics []string `json:"metrics"`
	Rows    []Row    `json:"rows"`
}

// Row is one grid point: its values (one per Table.Params) and each metric over seeds.
type Row struct {
	Values  []string        `json:"values"`
	Metrics map[string]Stat `json:"metrics"`
}

// Human writes a duration in seconds the way sweep.Human does: "40 s", "12 min", "3.5 h", "41 days".
func Human(sec float64) string {
	switch {
	case sec < 1:
		return "under 1 s"
	case sec < 90:
		return fmt.Sprintf("%.0f s", sec)
	case sec < 90*60:
		return fmt.Sprintf("%.0f min", sec/60)
	case sec < 48*3600:
		return fmt.Sprintf("%.1f h", sec/3600)
	}
	return fmt.Sprintf("%.1f days", sec/86400)
}

// EstimateText says what a preset costs before anyone starts it: its runs and the estimated
// time on each backend with one and with two workers.
func (p Preset) EstimateText() string {
	var parts []string
	for _, c := range p.Estimate {
		two := max(c.Seconds/2, c.Longest)
		parts = append(parts, fmt.Sprintf("%s: %s on one worker, %s on two", c.Backend, Human(c.Seconds), Human(two)))
	}
	s := fmt.Sprintf("%d runs. Estimated time — %s.", p.Runs, strings.Join(parts, "; "))
	if p.Refused != "" {
		s += " This server refuses it: " + p.Refused
	}
	return s
}

// ProgressText says how far a sweep is.
func (s *Status) ProgressText() string {
	n := len(s.Runs)
	c := s.Counts
	txt := fmt.Sprintf("%d of %d runs done, %d running, %d queued", c["done"], n, c["running"], c["queued"])
	if c["failed"] > 0 {
		txt += fmt.Sprintf(", %d failed", c["failed"])
	}
	if c["cancelled"] > 0 {
		txt += fmt.Sprintf(", %d cancelled", c["cancelled"])
	}
	if s.Finished {
		txt += " — finished."
	} else {
		txt += "."
	}
	return txt
}

// FirstError is the error of the first failed run, "" when none failed.
func (s *Status) FirstError() string {
	for _, r := range s.Runs {
		if r.State == "failed" && r.Error != "" {
			return r.Error
		}
	}
	return ""
}

// LinkQuery is the fragment query that reopens a sweep (sweep=id) or a preset (preset=name).
func LinkQuery(key, value string) string { return url.Values{key: {value}}.Encode() }

// ParseLink reads the view's fragment query: the sweep id or preset name it names.
func ParseLink(query string) (sweepID, preset string) {
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", ""
	}
	return q.Get("sweep"), q.Get("preset")
}

// xParams are the grid parameters drawn along a chart's x axis; the grid's other parameters
// (dataset, loss, …) make panels.
var xParams = []string{"width", "depth", "batch"}

// panelName names a panel by the values of the grid parameters other than xParams (dataset,
// loss, …), e.g. "dataset=mnist loss=ce"; "" when there are none.
func panelName(params, values []string) string {
	var parts []string
	for i, p := range params {
		if !slices.Contains(xParams, p) && i < len(values) {
			parts = append(parts, p+"="+values[i])
		}
	}
	return strings.Join(parts, " ")
}

// metric is a table metric drawn as a family of lines, named by label ("" for the plain α̂).
type metric struct{ key, label string }

// The charts' captions: one short line under each (longer explanations are the page's, in
// CoordNotes).
const (
	captionAlpha    = "Mean over seeds; bars ±1 sd. Lower α̂: heavier tails."
	captionTest     = "Test-set noise. Mean over seeds; bars ±1 sd."
	captionCoord    = "Each weight's own noise next to the pooled. Bars ±1 sd."
	captionRejected = "Dashed: the 5 % expected if every weight's noise is Gaussian."
)

// CoordNotes say in a plain sentence each what the per-coordinate charts show.
var CoordNotes = []string{
	"Pooled: the paper's α̂, with the noise of all weights in one sample.",
	"Per coord.: the median of each weight's own α̂, from its noise across the minibatches.",
	"Standardised: pooled again after each weight's noise is brought to one scale; if it rises toward 2, the pooled heavy tail came from mixing weights of different scales.",
	"Rejected as Gaussian: the share of weights whose noise an Anderson–Darling test rejects at 5 %; about 5 % (the dashed line) if every weight's noise is Gaussian. A larger batch leaves fewer minibatches (n/b), so the test has less to go on.",
}

// Charts draws the table: for each dataset and loss (each panel), α̂ against width with a line
// per depth, and α̂ against depth with a line per width, with the test set's α̂ in charts of
// their own when the runs measured it; against the batch size, the training and the test set's
// α̂ together, and beside them, when the runs have it, the per-coordinate view
// (docs/science.md#per-coordinate): the pooled α̂ next to the median per-coordinate α̂ and the
// standardised pooled α̂, and the fraction of coordinates rejected as Gaussian at 5 % against
// the 5 % line. Each mean has an error bar of one standard deviation over seeds. Grid points
// with no finished run are left out, so the charts fill in as runs finish.
func (t *Table) Charts() []*chart.Chart {
	var panels []string
	for _, r := range t.Rows {
		if p := panelName(t.Params, r.Values); !slices.Contains(panels, p) {
			panels = append(panels, p)
		}
	}
	test, coords := t.has("test_alpha"), t.has("coord_rejected")
	var out []*chart.Chart
	for k, panel := range panels {
		for _, x := range xParams {
			xi := slices.Index(t.Params, x)
			if xi < 0 {
				continue
			}
			if x != "batch" {
				out = append(out, t.chart(panel, k, xi, "alpha", "Tail index α̂ against "+x, captionAlpha, []metric{{"alpha", ""}}))
				if test {
					out = append(out, t.chart(panel, k, xi, "test-alpha", "Test-set noise: α̂ against "+x, captionTest, []metric{{"test_alpha", ""}}))
				}
				continue
			}
			ms := []metric{{"alpha", "training set"}}
			if test {
				ms = append(ms, metric{"test_alpha", "test set"})
			}
			out = append(out, t.chart(panel, k, xi, "alpha", "Tail index α̂ against batch size", captionAlpha, ms))
			if coords {
				out = append(out, t.chart(panel, k, xi, "coords", "Pooled and per-coordinate α̂", captionCoord, []metric{
					{"alpha", "pooled"}, {"coord_alpha_median", "per coord."}, {"coord_std_alpha", "standardised"}}))
				out = append(out, t.rejectedChart(panel, k, xi))
			}
		}
	}
	return out
}

// has reports whether some grid point has metric key.
func (t *Table) has(key string) bool {
	return slices.ContainsFunc(t.Rows, func(r Row) bool { return r.Metrics[key].N > 0 })
}

// rejectedChart draws the fraction of coordinates rejected as Gaussian against the batch size,
// with the 5 % that Gaussian coordinates give.
func (t *Table) rejectedChart(panel string, k, xi int) *chart.Chart {
	c := t.chart(panel, k, xi, "rejected", "Weights rejected as Gaussian", captionRejected, []metric{{"coord_rejected", "rejected"}})
	c.Y = chart.Axis{Label: "fraction of weights", Min: 0, Max: 1}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for _, x := range s.X {
			if !math.IsNaN(x) {
				lo, hi = min(lo, x), max(hi, x)
			}
		}
	}
	if lo <= hi {
		c.Series = append(c.Series, chart.Series{Name: "5 %", Kind: chart.Line, Dash: true, Color: 7, Width: 1.5,
			X: []float64{lo, hi}, Y: []float64{noiseLevel, noiseLevel}})
	}
	return c
}

// noiseLevel is the level of the per-coordinate Gaussianity test (sim/noise.ADLevel).
const noiseLevel = 0.05

// chart draws metrics of panel against parameter xi: for each metric a line per combination of
// values of the other xParams in the grid (one line when there are none).
func (t *Table) chart(panel string, k, xi int, id, title, caption string, metrics []metric) *chart.Chart {
	xName := t.Params[xi]
	c := &chart.Chart{
		ID:      fmt.Sprintf("paper-%s-%s-%d", id, xName, k+1),
		Title:   title,
		Caption: caption,
		X:       chart.Axis{Label: xName, Log: xName == "width" || xName == "batch"},
		Y:       chart.Axis{Label: "α̂"},
	}
	if xName == "batch" {
		c.X.Label, c.X.Unit = "batch size b", "examples"
	}
	if panel != "" {
		c.Title += " (" + panel + ")"
	}
	type pt struct{ x, m, sd float64 }
	lines := map[string][]pt{}
	var order []string
	for _, m := range metrics {
		for _, r := range t.Rows {
			if panelName(t.Params, r.Values) != panel {
				continue
			}
			st, ok := r.Metrics[m.key]
			if !ok || st.N == 0 || math.IsNaN(st.Mean) {
				continue
			}
			x, err := strconv.ParseFloat(r.Values[xi], 64)
			if err != nil {
				continue
			}
			var parts []string
			if m.label != "" {
				parts = append(parts, m.label)
			}
			for i, p := range t.Params {
				if i != xi && slices.Contains(xParams, p) {
					parts = append(parts, p+" "+r.Values[i])
				}
			}
			name := strings.Join(parts, ", ")
			if name == "" {
				name = "all"
			}
			if _, ok := lines[name]; !ok {
				order = append(order, name)
			}
			lines[name] = append(lines[name], pt{x, st.Mean, st.SD})
		}
	}
	if c.X.Log && len(order) > 0 { // the grid's range, not whole decades around it
		c.X.Min, c.X.Max = math.Inf(1), math.Inf(-1)
		for _, pts := range lines {
			for _, p := range pts {
				c.X.Min, c.X.Max = min(c.X.Min, p.x/1.25), max(c.X.Max, p.x*1.25)
			}
		}
	}
	for i, name := range order {
		pts := lines[name]
		slices.SortFunc(pts, func(a, b pt) int { return cmpFloat(a.x, b.x) })
		line := chart.Series{Name: name, Kind: chart.Line, Color: i + 1}
		dots := chart.Series{Name: name + " (points)", Kind: chart.Scatter, Color: i + 1}
		bars := chart.Series{Name: name + " ±1 sd", Kind: chart.Line, Color: i + 1, Width: 1.5}
		for _, p := range pts {
			line.X, line.Y = append(line.X, p.x), append(line.Y, p.m)
			dots.X, dots.Y = append(dots.X, p.x), append(dots.Y, p.m)
			bars.X = append(bars.X, p.x, p.x, math.NaN())
			bars.Y = append(bars.Y, p.m-p.sd, p.m+p.sd, math.NaN())
		}
		c.Series = append(c.Series, line, dots, bars)
	}
	return c
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// HasCoords reports whether the table has the per-coordinate view (its charts are drawn).
func (t *Table) HasCoords() bool {
	return t != nil && t.has("coord_rejected") && slices.Contains(t.Params, "batch")
}

// Points counts the grid points with at least one finished run (for the page's status line).
func (t *Table) Points() (done, all int) {
	for _, r := range t.Rows {
		if st, ok := r.Metrics["alpha"]; ok && st.N > 0 {
			done++
		}
	}
	return done, len(t.Rows)
}
