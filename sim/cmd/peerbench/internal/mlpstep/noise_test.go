package mlpstep

import (
	"context"
	"math"
	"testing"

	"github.com/tailscope/tailscope/estimator"
)

// TestNoiseAlphaMatchesStacked: the two-pass streaming evaluation gives the α̂ of the
// reference procedure (all P gradients stacked, mean, pooled noise, batch Mohammadi with
// K1 = PaperK1(N), zeros kept), to 1e-9: both sum the same float64 noise values, in another
// order only inside the estimator.
func TestNoiseAlphaMatchesStacked(t *testing.T) {
	sizes := []int{20, 12, 12, 5}
	const P, b = 30, 8
	x, y := RandomBatch(P*b, sizes[0], 5, 9)
	n, err := New(sizes, b, 11)
	if err != nil {
		t.Fatal(err)
	}
	got, err := n.NoiseAlpha(context.Background(), x, y, P)
	if err != nil {
		t.Fatal(err)
	}
	var stacked [][]float64
	for j := 0; j < P; j++ {
		if _, err := n.Grad(x[j*b*20:(j+1)*b*20], y[j*b:(j+1)*b]); err != nil {
			t.Fatal(err)
		}
		var g []float64
		for _, gl := range n.G {
			for _, v := range gl {
				g = append(g, float64(v))
			}
		}
		stacked = append(stacked, g)
	}
	M := len(stacked[0])
	mean := make([]float64, M)
	for _, g := range stacked {
		for i, v := range g {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= P
	}
	var pooled []float64
	for _, g := range stacked {
		for i, v := range g {
			pooled = append(pooled, v-mean[i])
		}
	}
	want, err := estimator.Mohammadi{K1: estimator.PaperK1(P * M), KeepZeros: true}.Estimate(pooled)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.Alpha-want.Alpha) > 1e-9 || got.N != want.N {
		t.Errorf("streamed alpha %v (N %d), stacked reference %v (N %d)", got.Alpha, got.N, want.Alpha, want.N)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := n.NoiseAlpha(ctx, x, y, P); err == nil {
		t.Error("NoiseAlpha with a cancelled context: want an error")
	}
	if _, err := n.NoiseAlpha(context.Background(), x[:10], y, P); err == nil {
		t.Error("NoiseAlpha with too few inputs: want an error")
	}
}

// BenchmarkNoiseAlpha times the paper's evaluation for width 100, depth 3 (784-100-100-100-10),
// P = 600 minibatches of 100, on random inputs.
func BenchmarkNoiseAlpha(b *testing.B) {
	n, _ := New([]int{784, 100, 100, 100, 10}, 100, 1)
	x, y := RandomBatch(60000, 784, 10, 2)
	for b.Loop() {
		if _, err := n.NoiseAlpha(context.Background(), x, y, 600); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}
