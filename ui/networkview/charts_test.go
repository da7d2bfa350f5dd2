package networkview

import (
	"slices"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/noise"
	"github.com/tailscope/tailscope/sim/spec"
)

func TestDownsample(t *testing.T) {
	tests := []struct {
		y      []float32
		max    int
		xs, ys []float64
	}{
		{[]float32{1, 2, 3, 4, 5}, 2, []float64{1, 3.5}, []float64{2, 4.5}}, // buckets of 3: {1,2,3}, {4,5}
		{[]float32{1, 2, 3}, 10, []float64{0, 1, 2}, []float64{1, 2, 3}},
		{nil, 10, nil, nil},
	}
	for _, tt := range tests {
		xs, ys := Downsample(tt.y, tt.max)
		if !slices.Equal(xs, tt.xs) || !slices.Equal(ys, tt.ys) {
			t.Errorf("Downsample(%v, %d) = %v, %v; want %v, %v", tt.y, tt.max, xs, ys, tt.xs, tt.ys)
		}
	}
}

// TestCharts: the charts carry the measurements' numbers, in their series and hover texts.
func TestCharts(t *testing.T) {
	s := &Session{Spec: spec.MustPreset("mlp", spec.PagePreset)}
	s.Evals = []mlp.Evaluation{
		{Iter: 0, Alpha: 1.2, Lo: 1.1, Hi: 1.3, TrainLoss: 2.3, TestLoss: 2.31, TrainAcc: 0.1, TestAcc: 0.09, ZeroFrac: 0.25, LayerAlpha: []float64{1.1, 1.4, 1.9},
			Noise: &noise.Measurement{Layers: []estimator.Estimate{{Lo: 1, Hi: 1.2}, {Lo: 1.3, Hi: 1.5}, {Lo: 1.8, Hi: 2}}}},
		{Iter: 50, Alpha: 0, TrainLoss: 0.5}, // a failed estimate: not drawn on the α̂ chart
		{Iter: 100, Alpha: 1.05, Lo: 1.0, Hi: 1.1, TrainLoss: 0.3, TestAcc: 0.9, LayerAlpha: []float64{1.0, 1.2, 1.7}},
	}
	s.Loss = []float32{2.3, 2, 1}
	a := s.AlphaChart()
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	pts := a.Series[2]
	if !slices.Equal(pts.X, []float64{0, 100}) || !slices.Equal(pts.Y, []float64{1.2, 1.05}) {
		t.Errorf("α̂ points %v %v; want [0 100] [1.2 1.05]", pts.X, pts.Y)
	}
	if want := "iteration 100: α̂ = 1.050, 95% interval [1.000, 1.100]"; pts.Titles[1] != want {
		t.Errorf("hover text %q; want %q", pts.Titles[1], want)
	}
	if band := a.Series[0]; !slices.Equal(band.Y, []float64{1.1, 1.0}) || !slices.Equal(band.Y2, []float64{1.3, 1.1}) {
		t.Errorf("band %v–%v", band.Y, band.Y2)
	}
	if g := a.Series[1]; !slices.Equal(g.Y, []float64{2, 2}) {
		t.Errorf("the Gaussian line is at %v; want 2", g.Y)
	}
	l := s.LayerChart()
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	if bars := l.Series[0]; !slices.Equal(bars.Y, []float64{1.0, 1.2, 1.7}) || len(bars.X) != 4 {
		t.Errorf("layer bars %v over %v; want the latest measurement's [1 1.2 1.7] over 4 edges", bars.Y, bars.X)
	}
	if !strings.Contains(l.Title, "iteration 100") {
		t.Errorf("layer chart title %q", l.Title)
	}
	for _, c := range []interface{ Validate() error }{s.LossChart(), s.AccuracyChart(), s.ZeroChart(), s.HistChart()} {
		if err := c.Validate(); err != nil {
			t.Error(err)
		}
	}
	if svg := s.LossChart().SVG(); !strings.Contains(svg, "training loss 0.3000") {
		t.Errorf("the loss chart's SVG lacks the hover text of iteration 100")
	}
}

// TestProtocolCharts: the test set's α̂ joins the α̂ chart, and the norm chart shows the
// latest measurement's histograms of per-batch noise norms, training and test.
func TestProtocolCharts(t *testing.T) {
	s := &Session{Spec: spec.MustPreset("mlp", spec.PagePreset)}
	s.Evals = []mlp.Evaluation{
		{Iter: 0, Alpha: 1.2, Lo: 1.1, Hi: 1.3, TestAlpha: 1.4, TestLo: 1.3, TestHi: 1.5,
			Noise:     &noise.Measurement{NormHist: noise.Histogram{Lo: 0, Hi: 4, Counts: []float64{3, 1}}},
			TestNoise: &noise.Measurement{NormHist: noise.Histogram{Lo: 0, Hi: 6, Counts: []float64{1, 1, 2}}}},
	}
	a := s.AlphaChart()
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	last := a.Series[len(a.Series)-1]
	if last.Name != "test-set α̂" || !slices.Equal(last.Y, []float64{1.4}) {
		t.Errorf("last α̂ series %q %v; want the test-set α̂ [1.4]", last.Name, last.Y)
	}
	c := s.NormChart()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(c.Series) != 2 || !slices.Equal(c.Series[0].X, []float64{0, 2, 4}) || !slices.Equal(c.Series[1].X, []float64{0, 2, 4, 6}) ||
		!slices.Equal(c.Series[1].Y, []float64{1, 1, 2}) || c.X.Max != 6 {
		t.Errorf("norm chart %+v; want training bars at 0,2,4 and test bars at 0,2,4,6 up to 6", c.Series)
	}
	if want := "test set: 2 batches with norm in [4, 6)"; c.Series[1].Titles[2] != want {
		t.Errorf("hover %q; want %q", c.Series[1].Titles[2], want)
	}
}
