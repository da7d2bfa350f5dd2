package networkview

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/noise"
)

// TestPerCoordWords: the sentence and chart of the per-coordinate analysis for Gaussian weights of
// mixed sizes (pooled heavy, each Gaussian), for α-stable weights, and before any measurement.
func TestPerCoordWords(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	cols := func(stable bool) [][]float64 {
		out := make([][]float64, 200)
		for c := range out {
			scale := math.Pow(10, 3*r.Float64())
			if stable {
				out[c] = estimator.Sample(1.4, scale, 400, uint64(c+1))
				continue
			}
			out[c] = make([]float64, 400)
			for j := range out[c] {
				out[c][j] = scale * r.NormFloat64()
			}
		}
		return out
	}
	tests := []struct {
		name  string
		evals []mlp.Evaluation
		want  []string
	}{
		{"none", nil, []string{"Appears at the first measurement."}},
		{"gaussian weights", []mlp.Evaluation{{Iter: 100, Alpha: 1.3, Noise: &noise.Measurement{PerCoord: noise.AnalyzeCoords(cols(false))}}},
			[]string{"Iteration 100, 200 weights over 400 batches", "pooled as in the paper α̂ = 1.30", "look Gaussian one by one"}},
		{"stable weights", []mlp.Evaluation{{Iter: 7, Alpha: 1.2, Noise: &noise.Measurement{PerCoord: noise.AnalyzeCoords(cols(true))}}},
			[]string{"Many weights are not Gaussian on their own"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Page{Sess: &Session{Evals: tt.evals}}
			got := p.PerCoordText()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			c := p.PerCoordChart()
			if err := c.Validate(); err != nil {
				t.Error(err)
			}
			if n := len(c.Series); (tt.evals == nil) != (n == 0) {
				t.Errorf("%d series", n)
			}
			trend := p.PerCoordTrendChart()
			if err := trend.Validate(); err != nil {
				t.Error(err)
			}
			if n := len(trend.Series); (tt.evals == nil) != (n == 0) {
				t.Errorf("trend: %d series", n)
			}
		})
	}
}
