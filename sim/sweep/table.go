package sweep

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
)

// TableMetrics are the numbers Table summarises: fields of the last evaluation of an mlp
// result (the tail index α̂ of the gradient noise and the accuracies at the end of training).
var TableMetrics = []string{"alpha", "train_acc", "test_acc"}

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
	t := Table{Metrics: TableMetrics}
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
		for _, name := range t.Metrics {
			if xs := samples[name]; len(xs) > 0 {
				row.Metrics[name] = stat(xs)
			}
		}
		t.Rows[p] = row
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
	for _, name := range TableMetrics {
		var x float64
		if json.Unmarshal(last[name], &x) == nil && !math.IsNaN(x) && !math.IsInf(x, 0) {
			out[name] = x
		}
	}
	return out
}

func stat(xs []float64) Stat {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := 0.0
	if len(xs) > 1 {
		sd = math.Sqrt(ss / float64(len(xs)-1))
	}
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
