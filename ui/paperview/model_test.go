package paperview

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/sweep"
	"github.com/tailscope/tailscope/ui/chart"
)

func TestChartsFromTable(t *testing.T) {
	const tab = `{"params":["width","depth"],"metrics":["alpha"],"rows":[
		{"values":["16","2"],"metrics":{"alpha":{"mean":1.8,"sd":0.1,"n":2}}},
		{"values":["16","3"],"metrics":{}},
		{"values":["32","2"],"metrics":{"alpha":{"mean":1.6,"sd":0,"n":1}}},
		{"values":["32","3"],"metrics":{"alpha":{"mean":1.4,"sd":0.2,"n":2}}}]}`
	var tb Table
	if err := json.Unmarshal([]byte(tab), &tb); err != nil {
		t.Fatal(err)
	}
	if done, all := tb.Points(); done != 3 || all != 4 {
		t.Fatalf("Points = %d of %d, want 3 of 4", done, all)
	}
	cs := tb.Charts()
	if len(cs) != 2 || cs[0].ID != "paper-alpha-width-1" || cs[1].ID != "paper-alpha-depth-1" {
		t.Fatalf("charts %d, ids %v", len(cs), cs)
	}
	t.Run("width", func(t *testing.T) {
		s := cs[0].Series // depth 2: line, dots, bars; then depth 3
		if len(s) != 6 || s[0].Name != "depth 2" || s[3].Name != "depth 3" {
			t.Fatalf("series %+v", s)
		}
		if len(s[0].X) != 2 || s[0].X[0] != 16 || s[0].Y[1] != 1.6 {
			t.Errorf("depth 2 line %v %v", s[0].X, s[0].Y)
		}
		if len(s[3].X) != 1 || s[3].Y[0] != 1.4 {
			t.Errorf("depth 3 line leaves out the point with no run: %v %v", s[3].X, s[3].Y)
		}
		b := s[2]
		if b.Y[0] != 1.7 || math.Abs(b.Y[1]-1.9) > 1e-12 || !math.IsNaN(b.Y[2]) {
			t.Errorf("error bar %v, want 1.7, 1.9, NaN", b.Y[:3])
		}
		if err := cs[0].Validate(); err != nil {
			t.Error(err)
		}
	})
	t.Run("depth", func(t *testing.T) {
		if s := cs[1].Series; len(s) != 6 || s[0].Name != "width 16" || s[3].X[1] != 3 {
			t.Fatalf("series %+v", s)
		}
	})
}

func TestEstimateAndLink(t *testing.T) {
	p := Preset{Runs: 30, Estimate: []Cost{{Backend: "cpu", Runs: 30, Seconds: 600, Longest: 40}}}
	if got, want := p.EstimateText(), "30 runs. Estimated time — cpu: 10 min on one worker, 5 min on two."; got != want {
		t.Errorf("EstimateText = %q, want %q", got, want)
	}
	for _, tc := range []struct{ q, id, preset string }{
		{LinkQuery("sweep", "ab12"), "ab12", ""},
		{"preset=cpu", "", "cpu"},
		{"%zz", "", ""},
	} {
		if id, pr := ParseLink(tc.q); id != tc.id || pr != tc.preset {
			t.Errorf("ParseLink(%q) = %q, %q", tc.q, id, pr)
		}
	}
}

func TestLinkSweep(t *testing.T) {
	q, _ := url.ParseQuery("kind=mlp&dataset=blobs&iters=20&width=8,16&depth=2,3&seeds=1,2")
	got, err := LinkSweep(q)
	if err != nil {
		t.Fatal(err)
	}
	var sw struct {
		Base struct {
			Kind   string         `json:"kind"`
			Params map[string]any `json:"params"`
		} `json:"base"`
		Grid  map[string][]float64 `json:"grid"`
		Seeds []int                `json:"seeds"`
	}
	if err := json.Unmarshal(got, &sw); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	if sw.Base.Kind != "mlp" || sw.Base.Params["dataset"] != "blobs" || sw.Base.Params["iters"] != 20.0 ||
		len(sw.Grid["width"]) != 2 || sw.Grid["depth"][1] != 3 || len(sw.Seeds) != 2 {
		t.Errorf("LinkSweep = %s", got)
	}
	for _, bad := range []string{"kind=nope", "kind=mlp&colour=red", "kind=mlp&width=3"} {
		q, _ := url.ParseQuery(bad)
		if _, err := LinkSweep(q); err == nil {
			t.Errorf("LinkSweep(%q) accepted it", bad)
		}
	}
}

// batchTable summarises a batch-size sweep of known per-seed results with sim/sweep, as the
// server does, and returns it as the view reads it, with the per-seed values it was made from.
func batchTable(t *testing.T) (Table, map[string]map[string][]float64) {
	t.Helper()
	sw, err := sweep.ParseArg("kind=mlp&dataset=blobs&n=400&iters=50&testNoise=1&batch=10,50,100&seeds=1,2,3")
	if err != nil {
		t.Fatal(err)
	}
	// seeds[b][metric] = the last evaluation's value of each seed's run.
	seeds := map[string]map[string][]float64{}
	var runs []sweep.RunStatus
	for i := range sw.Count() {
		b := []string{"10", "50", "100"}[i/3]
		s := float64(i%3 + 1)
		v := map[string]float64{
			"alpha": 1.2 + 0.1*float64(i/3) + 0.03*s, "test_alpha": 1.4 + 0.05*s*s,
			"coord_alpha_median": 1.9 - 0.02*s, "coord_rejected": 0.04 + 0.01*s*float64(i/3), "coord_std_alpha": 1.7 + 0.01*s,
		}
		if seeds[b] == nil {
			seeds[b] = map[string][]float64{}
		}
		for k, x := range v {
			seeds[b][k] = append(seeds[b][k], x)
		}
		res := fmt.Sprintf(`{"evaluations":[{"iter":50,"alpha":%g,"test_alpha":%g,"noise":{"per_coord":{"coords":256,"tested":256,
			"alpha_quartiles":[1,1.5,%g,2,2],"rejected":%g,"standardised":{"alpha":%g}}}}]}`,
			v["alpha"], v["test_alpha"], v["coord_alpha_median"], v["coord_rejected"], v["coord_std_alpha"])
		runs = append(runs, sweep.RunStatus{Index: i, State: "done", Result: json.RawMessage(res)})
	}
	b, err := json.Marshal(sweep.Summarize(sweep.Status{Sweep: sw, Runs: runs}))
	if err != nil {
		t.Fatal(err)
	}
	var tab Table
	if err := json.Unmarshal(b, &tab); err != nil {
		t.Fatal(err)
	}
	return tab, seeds
}

// meanSD is the mean and sample standard deviation, computed here independently of sim/sweep.
func meanSD(xs []float64) (float64, float64) {
	var m float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(xs)-1))
}

func TestBatchCharts(t *testing.T) {
	tab, seeds := batchTable(t)
	cs := tab.Charts()
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID)
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.ID, err)
		}
	}
	if got := strings.Join(ids, " "); got != "paper-alpha-batch-1 paper-coords-batch-1 paper-rejected-batch-1" {
		t.Fatalf("chart ids %s", got)
	}
	batches := []float64{10, 50, 100}
	// Each line's points are the per-seed mean, its error bar ±1 sd, in batch order.
	check := func(t *testing.T, s []chart.Series, line int, name, metric string) {
		t.Helper()
		l, bars := s[3*line], s[3*line+2]
		if l.Name != name {
			t.Fatalf("series %d is %q, want %q", 3*line, l.Name, name)
		}
		for i, b := range batches {
			m, sd := meanSD(seeds[fmt.Sprint(b)][metric])
			if l.X[i] != b || math.Abs(l.Y[i]-m) > 1e-12 {
				t.Errorf("%s at b = %g: (%g, %g), want (%g, %g)", name, b, l.X[i], l.Y[i], b, m)
			}
			if math.Abs(bars.Y[3*i]-(m-sd)) > 1e-12 || math.Abs(bars.Y[3*i+1]-(m+sd)) > 1e-12 || bars.X[3*i] != b {
				t.Errorf("%s at b = %g: bar %v, want %g ± %g", name, b, bars.Y[3*i:3*i+2], m, sd)
			}
		}
	}
	t.Run("train and test", func(t *testing.T) {
		c := cs[0]
		if !c.X.Log || c.X.Label != "batch size b" || len(c.Series) != 6 {
			t.Fatalf("axis %+v, %d series", c.X, len(c.Series))
		}
		check(t, c.Series, 0, "training set", "alpha")
		check(t, c.Series, 1, "test set", "test_alpha")
	})
	t.Run("per coordinate", func(t *testing.T) {
		c := cs[1]
		if len(c.Series) != 9 || c.Caption != captionCoord {
			t.Fatalf("%d series, caption %q", len(c.Series), c.Caption)
		}
		check(t, c.Series, 0, "pooled", "alpha")
		check(t, c.Series, 1, "per coord.", "coord_alpha_median")
		check(t, c.Series, 2, "standardised", "coord_std_alpha")
	})
	t.Run("rejected", func(t *testing.T) {
		c := cs[2]
		if len(c.Series) != 4 || c.Y.Min != 0 || c.Y.Max != 1 {
			t.Fatalf("%d series, y axis %+v", len(c.Series), c.Y)
		}
		check(t, c.Series, 0, "rejected", "coord_rejected")
		five := c.Series[3]
		if !five.Dash || five.X[0] != 10 || five.X[1] != 100 || five.Y[0] != 0.05 || five.Y[1] != 0.05 {
			t.Errorf("the 5 %% line %+v", five)
		}
	})
}

func TestTestNoiseChartsAndPanels(t *testing.T) {
	const tab = `{"params":["loss","width"],"rows":[
		{"values":["ce","16"],"metrics":{"alpha":{"mean":1.8,"sd":0.1,"n":2},"test_alpha":{"mean":1.7,"sd":0.1,"n":2}}},
		{"values":["ce","32"],"metrics":{"alpha":{"mean":1.6,"sd":0.1,"n":2}}},
		{"values":["hinge","16"],"metrics":{"alpha":{"mean":1.5,"sd":0,"n":1}}}]}`
	var tb Table
	if err := json.Unmarshal([]byte(tab), &tb); err != nil {
		t.Fatal(err)
	}
	cs := tb.Charts()
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID+"|"+c.Title)
	}
	want := "paper-alpha-width-1|Tail index α̂ against width (loss=ce) paper-test-alpha-width-1|Test-set noise: α̂ against width (loss=ce) " +
		"paper-alpha-width-2|Tail index α̂ against width (loss=hinge) paper-test-alpha-width-2|Test-set noise: α̂ against width (loss=hinge)"
	if got := strings.Join(ids, " "); got != want {
		t.Fatalf("charts\n%s\nwant\n%s", got, want)
	}
	if s := cs[1].Series; len(s) != 3 || s[0].Name != "all" || s[0].Y[0] != 1.7 {
		t.Errorf("test-set chart %+v", s)
	}
	if len(cs[3].Series) != 0 {
		t.Errorf("the hinge panel has no test-set α̂ yet, got %+v", cs[3].Series)
	}
}

func TestShare(t *testing.T) {
	tab, _ := batchTable(t)
	st := &Status{Sweep: json.RawMessage(`{"base":{"kind":"mlp","seed":0,"params":{"batch":10}},"grid":{"batch":[10,50,100]},"seeds":[1,2,3]}`),
		Counts: map[string]int{"done": 9}, Finished: true}
	if _, err := shareBody("s1", &Status{Sweep: st.Sweep}, &tab); err == nil {
		t.Error("an unfinished sweep was shared")
	}
	body, err := shareBody("s1", st, &tab)
	if err != nil {
		t.Fatal(err)
	}
	var req struct {
		Spec   map[string]any  `json:"spec"`
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Spec["kind"] != "mlp" {
		t.Fatalf("body %s: %v", body, err)
	}
	sh, ok := ParseShared(req.Result)
	if !ok || sh.SweepID != "s1" || sh.Counts["done"] != 9 {
		t.Fatalf("ParseShared = %+v, %v", sh, ok)
	}
	// The stored figures are the ones the live view drew.
	live, stored := tab.Charts(), sh.Table.Charts()
	if len(live) != len(stored) {
		t.Fatalf("%d charts stored, %d live", len(stored), len(live))
	}
	for i := range live {
		if a, b := live[i].SVG(), stored[i].SVG(); a != b {
			t.Errorf("chart %s differs once stored", live[i].ID)
		}
	}
	if !strings.Contains(sh.Text("p9"), "9 runs done, 3 of 3 grid points") {
		t.Errorf("Text = %q", sh.Text("p9"))
	}
	for _, bad := range []string{`{"law":"SαS"}`, `null`, `{"paper_table":{"params":[]}}`, `[`,
		`{"paper_table":{"params":["batch","width"],"rows":[{"values":["10"],"metrics":{"alpha":{"mean":1,"n":1}}}]}}`} {
		if _, ok := ParseShared([]byte(bad)); ok {
			t.Errorf("ParseShared(%s) took it for a sweep", bad)
		}
	}
}

// FuzzParseShared: a share's result is anyone's JSON; whatever ParseShared accepts draws
// without panicking, and every chart's series fit their kinds.
func FuzzParseShared(f *testing.F) {
	f.Add([]byte(`{"sweep_id":"s","counts":{"done":1},"paper_table":{"params":["batch"],"rows":[{"values":["10"],"metrics":{"alpha":{"mean":1.5,"sd":0.1,"n":2},"coord_rejected":{"mean":0.1,"n":1}}}]}}`))
	f.Add([]byte(`{"paper_table":{"params":["width","depth","loss"],"rows":[{"values":["x","2","ce"],"metrics":{"alpha":{"mean":1,"n":1},"test_alpha":{"mean":1,"n":1}}}]}}`))
	f.Add([]byte(`{"paper_table":{"params":["batch"],"rows":[{"values":["-1"],"metrics":{"coord_rejected":{"mean":-3,"sd":1e308,"n":5}}}]}}`))
	f.Add([]byte(`{"paper_table":{"params":["batch"],"rows":[{"values":[]}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sh, ok := ParseShared(b)
		if !ok {
			return
		}
		_ = sh.Text("id")
		for _, c := range sh.Table.Charts() {
			if err := c.Validate(); err != nil {
				t.Errorf("%s: %v", c.ID, err)
			}
			_ = c.SVG()
		}
	})
}
