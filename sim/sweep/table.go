package sweep

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	gstat "gonum.org/v1/gonum/stat"
)

// TableMetrics are the numbers Table always summarises: fields of the last evaluation of an
// mlp result (the tail index α̂ of the gradient noise and the accuracies at the end of training).
var TableMetrics = []string{"alpha", "train_acc", "test_acc"}

// ExtraMetrics are summarised when at least one done run has them (a table of runs without
// them keeps its columns): the test-set noise's α̂ (testNoise) and the per-coordinate view of
// the training noise (sim/noise's PerCoord, docs/science.md#per-coordinate): the median of the
// per-coordinate α̂, the fraction of coordinates the Gaussianity test rejects at 5 %, and the
// pooled α̂ after each coordinate is standardised.
var ExtraMetrics = []string{"test_alpha", "coord_alpha_median", "coord_rejected", "coord_std_alpha"}

// Stat is a mean and its spread over seeds.
type Stat struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"` // sample standard deviation; 0 with one seed
	N    int     `json:"n"`  // runs it is over
}

// Row is one grid point: its values and each metric over the seeds whose runs are done.
type Row struct {
	Values  []string        `json:"values"` // one per Table.Params
	Metrics map[string]Stat `json:"metrics"`
}

// Table is a finished (or partly finished) sweep summarised per grid point: the data behind
// figures of a metric against a grid parameter, with error bars over seeds.
type Table struct {
	Params  []string `json:"params"` // the grid's parameters
	Metrics []string `json:"metrics"`
	Rows    []Row    `json:"rows"`
}

// Summarize builds the table of st, whose runs must carry their results (mlp results: the
// metrics are read from their last evaluation). Runs not done, and results without the
// metric, are left out of the means.
func Summarize(st Status) Table {
	sw := st.Sweep
	t := Table{Metrics: slices.Clone(TableMetrics)}
	for _, a := range sw.Grid {
		t.Params = append(t.Params, a.Param)
	}
	points := sw.Count() / len(sw.Seeds)
	t.Rows = make([]Row, points)
	for p := range points {
		values, _ := sw.Point(p * len(sw.Seeds))
		row := Row{Values: make([]string, len(values)), Metrics: map[string]Stat{}}
		for a, v := range values {
			row.Values[a] = sw.Grid[a].Values[v]
		}
		samples := map[string][]float64{}
		for s := range len(sw.Seeds) {
			i := p*len(sw.Seeds) + s
			if i >= len(st.Runs) || st.Runs[i].State != "done" {
				continue
			}
			for name, x := range lastEvaluation(st.Runs[i].Result) {
				samples[name] = append(samples[name], x)
			}
		}
		for _, name := range slices.Concat(TableMetrics, ExtraMetrics) {
			if xs := samples[name]; len(xs) > 0 {
				row.Metrics[name] = stat(xs)
			}
		}
		t.Rows[p] = row
	}
	for _, name := range ExtraMetrics {
		if slices.ContainsFunc(t.Rows, func(r Row) bool { _, ok := r.Metrics[name]; return ok }) {
			t.Metrics = append(t.Metrics, name)
		}
	}
	return t
}

// lastEvaluation reads the metrics of the last evaluation of an mlp result.
func lastEvaluation(result json.RawMessage) map[string]float64 {
	var r struct {
		Evaluations []map[string]json.RawMessage `json:"evaluations"`
	}
	if json.Unmarshal(result, &r) != nil || len(r.Evaluations) == 0 {
		return nil
	}
	last := r.Evaluations[len(r.Evaluations)-1]
	out := map[string]float64{}
	put := func(name string, x float64, ok bool) {
		if ok && !math.IsNaN(x) && !math.IsInf(x, 0) {
			out[name] = x
		}
	}
	for _, name := range slices.Concat(TableMetrics, []string{"test_alpha"}) {
		var x float64
		put(name, x, last[name] != nil && json.Unmarshal(last[name], &x) == nil)
	}
	var n struct {
		PerCoord *struct {
			Coords         int        `json:"coords"`
			Tested         int        `json:"tested"`
			AlphaQuartiles [5]float64 `json:"alpha_quartiles"`
			Rejected       float64    `json:"rejected"`
			Standardised   struct {
				Alpha float64 `json:"alpha"`
			} `json:"standardised"`
		} `json:"per_coord"`
	}
	if last["noise"] != nil && json.Unmarshal(last["noise"], &n) == nil && n.PerCoord != nil && n.PerCoord.Coords > 0 {
		pc := n.PerCoord
		put("coord_alpha_median", pc.AlphaQuartiles[2], pc.AlphaQuartiles[2] > 0)
		put("coord_rejected", pc.Rejected, pc.Tested > 0)
		put("coord_std_alpha", pc.Standardised.Alpha, pc.Standardised.Alpha > 0)
	}
	return out
}

// stat is the mean and sample standard deviation of xs (gonum's); one value has no spread.
func stat(xs []float64) Stat {
	if len(xs) == 1 {
		return Stat{Mean: xs[0], N: 1}
	}
	mean, sd := gstat.MeanStdDev(xs, nil)
	return Stat{Mean: mean, SD: sd, N: len(xs)}
}

// WriteCSV writes the table with a header: the grid's parameters, then for each metric its
// mean, standard deviation and count; a metric with no done run is left empty.
func (t Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := append([]string(nil), t.Params...)
	for _, m := range t.Metrics {
		head = append(head, m+"_mean", m+"_sd", m+"_n")
	}
	cw.Write(head)
	for _, r := range t.Rows {
		rec := append([]string(nil), r.Values...)
		for _, m := range t.Metrics {
			s, ok := r.Metrics[m]
			if !ok {
				rec = append(rec, "", "", "0")
				continue
			}
			rec = append(rec, num(s.Mean), num(s.SD), strconv.Itoa(s.N))
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func num(x float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(x, 'g', 6, 64), ".")
}
