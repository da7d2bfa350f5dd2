package paperview

import (
	"encoding/json"
	"math"
	"net/url"
	"testing"
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
