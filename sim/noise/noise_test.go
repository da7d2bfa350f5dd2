package noise

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/estimator/hist"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/nn"
)

// TestKnownTailIndex uses a case where the noise law is known. With all weights zero, a
// one-layer network's outputs are 0, every hinge term 1 − t·0 is active, and the gradient is
// linear in the data: g_j[c,k] = −1/(bC) Σ_{i∈batch j} t_ic x_ik. With x i.i.d. SαS(1), each
// g_j[c,k] is SαS with the same α, and so is g_j − ḡ, a linear combination of independent
// SαS values. Blocks of K1 = 200 values lie within one row of 400 independent inputs k.
// Mohammadi's estimator on N = 40000 values (200 blocks) has a standard error of about 0.05
// at α = 1.5 (the estimator package's own interval says so): 0.15 is 3 SE.
func TestKnownTailIndex(t *testing.T) {
	const (
		dim, classes, b, P = 400, 2, 20, 50
	)
	for _, alpha := range []float64{1.2, 1.5, 2} {
		x := estimator.Sample(alpha, 1, P*b*dim, 11)
		set := &data.Set{Name: "sas", Dim: dim, Classes: classes, X: make([]float32, len(x)), Y: make([]uint8, P*b)}
		for i, v := range x {
			set.X[i] = float32(v)
		}
		for i := range set.Y {
			set.Y[i] = uint8(i % classes)
		}
		net, _ := nn.New([]int{dim, classes}, 1)
		clear(net.Params)
		m, err := Measure(context.Background(), net, nn.Hinge, set, Config{Batch: b, Subsample: -1})
		if err != nil {
			t.Fatal(err)
		}
		if m.N != P*dim*classes || m.K1 != 200 || !m.Full || m.ZeroFrac != 0 {
			t.Errorf("α=%v: N=%d K1=%d full=%v zeros=%v, want 40000, 200, true, 0", alpha, m.N, m.K1, m.Full, m.ZeroFrac)
		}
		if math.Abs(m.Alpha.Alpha-alpha) > 0.15 {
			t.Errorf("α=%v: α̂ = %.3f [%.3f, %.3f], want within 0.15", alpha, m.Alpha.Alpha, m.Alpha.Lo, m.Alpha.Hi)
		}
		t.Logf("α=%v: α̂ = %.3f [%.3f, %.3f]", alpha, m.Alpha.Alpha, m.Alpha.Lo, m.Alpha.Hi)
	}
}

// TestMatchesMaterialised checks the streamed estimates against the batch estimator on the
// full P×M noise matrix, built here the slow way, in the reference code's order.
func TestMatchesMaterialised(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const dim, classes, b, n = 12, 3, 8, 8 * 13
	set := &data.Set{Name: "rand", Dim: dim, Classes: classes, X: make([]float32, n*dim), Y: make([]uint8, n)}
	for i := range set.X {
		set.X[i] = float32(r.NormFloat64())
	}
	for i := range set.Y {
		set.Y[i] = uint8(r.IntN(classes))
	}
	net, _ := nn.New([]int{dim, 9, 7, classes}, 5)
	for _, used := range []int{0, 5} {
		m, err := Measure(context.Background(), net, nn.CrossEntropy, set, Config{Batch: b, Batches: used, Subsample: 50, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		P := n / b
		idx := []int{}
		for j := 0; j < P; j++ {
			idx = append(idx, j)
		}
		if used > 0 {
			idx = []int{0, 2, 5, 7, 10} // ⌊j·13/5⌋
		}
		M := net.NumParams()
		gs := make([][]float32, len(idx))
		mean := make([]float64, M)
		ws := net.NewWorkspace(b)
		for j, k := range idx {
			gs[j] = make([]float32, M)
			ws.Gradient(net, nn.CrossEntropy, set.X[k*b*dim:(k+1)*b*dim], set.Y[k*b:(k+1)*b], gs[j])
			for i, v := range gs[j] {
				mean[i] += float64(v) / float64(len(idx))
			}
		}
		var all []float64
		layer := make([][]float64, net.Layers())
		for j := range idx {
			for i, v := range gs[j] {
				d := float64(v) - mean[i]
				all = append(all, d)
				for l := 0; l < net.Layers(); l++ {
					if i >= net.Offset(l) && i < net.Offset(l+1) {
						layer[l] = append(layer[l], d)
					}
				}
			}
		}
		N := len(all)
		want, _ := estimator.Mohammadi{K1: estimator.PaperK1(N)}.Estimate(all)
		wantRef, _ := estimator.Mohammadi{K1: estimator.PaperK1(N), KeepZeros: true}.Estimate(all)
		// The stream agrees with the batch estimator to ~1e-15 relative (estimator docs);
		// the mean ḡ is summed in a different order here, which moves values by ~1e-16.
		const tol = 1e-9
		if m.N != N || math.Abs(m.Alpha.Alpha-want.Alpha) > tol || math.Abs(m.AlphaRef.Alpha-wantRef.Alpha) > tol {
			t.Errorf("used=%d: N=%d α̂=%v ref=%v, materialised N=%d α̂=%v ref=%v", used, m.N, m.Alpha.Alpha, m.AlphaRef.Alpha, N, want.Alpha, wantRef.Alpha)
		}
		for l := range layer {
			w, _ := estimator.Mohammadi{K1: estimator.PaperK1(len(layer[l]))}.Estimate(layer[l])
			if math.Abs(m.Layers[l].Alpha-w.Alpha) > tol {
				t.Errorf("used=%d layer %d: α̂=%v, materialised %v", used, l, m.Layers[l].Alpha, w.Alpha)
			}
		}
		if m.Subsample < 45 || m.Subsample > 50 || len(m.Others) != 5 {
			t.Errorf("used=%d: subsample of %d values, %d other estimates; want ~50 and 5", used, m.Subsample, len(m.Others))
		}
		if (used == 0) != m.Full {
			t.Errorf("used=%d: Full=%v", used, m.Full)
		}
	}
}

func TestMeasureErrors(t *testing.T) {
	set, _ := data.Blobs(100, 1, 0)
	net, _ := nn.New([]int{2, 4, 3}, 1)
	ctx := context.Background()
	for _, cfg := range []Config{{Batch: 0}, {Batch: 60}, {Batch: 10, Batches: 1}, {Batch: 10, Batches: 11}} {
		if _, err := Measure(ctx, net, nn.CrossEntropy, set, cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
	wrong, _ := nn.New([]int{3, 4, 3}, 1)
	if _, err := Measure(ctx, wrong, nn.CrossEntropy, set, Config{Batch: 10}); err == nil {
		t.Error("network with 3 inputs on 2-dimensional data: no error")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Measure(cctx, net, nn.CrossEntropy, set, Config{Batch: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}
}

// TestWorkersAgree checks that the measurement with several workers (ranges of batches
// merged in order) equals the one-worker measurement to MeasureSplit's tolerance, is the
// same bit for bit on every run with the same workers, and can be cancelled.
func TestWorkersAgree(t *testing.T) {
	set, _ := data.Spirals(2000, 1, 0)
	net, _ := nn.New([]int{2, 32, 32, 2}, 7)
	cfg := Config{Batch: 20, Workers: 1, Seed: 3}
	want, err := Measure(context.Background(), net, nn.Hinge, set, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{2, 3, 5} {
		t.Run(fmt.Sprintf("%d workers", w), func(t *testing.T) {
			c := cfg
			c.Workers = w
			var runs []string
			for range 2 {
				m, err := Measure(context.Background(), net, nn.Hinge, set, c)
				if err != nil {
					t.Fatal(err)
				}
				compareMeasurements(t, m, want, 1e-12)
				j, _ := json.Marshal(m)
				runs = append(runs, string(j))
			}
			if runs[0] != runs[1] {
				t.Error("two runs with the same workers differ")
			}
		})
	}
	// Several workers report their progress merged (at most once per batch done): cancelled
	// at the first report, the measurement reports nothing more.
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err = Measure(ctx, net, nn.Hinge, set, Config{Batch: 20, Workers: 3, Progress: func(done, total int) {
		if calls++; calls == 1 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("cancelled at the first report: got %v after %d reports", err, calls)
	}
}

// TestSampleHistogram bins a small sample whose quantiles are known and checks what a result
// keeps of it.
func TestSampleHistogram(t *testing.T) {
	var sample []float64
	for i := 1; i <= 10; i++ {
		sample = append(sample, float64(i), -float64(i))
	}
	sample = append(sample, 0, 0, 0, math.NaN())
	tests := []struct {
		name   string
		sample []float64
		want   *SampleHistogram // nil: no histogram
	}{
		{"±1..±10 with zeros", sample, &SampleHistogram{N: 24, Zeros: 4, Clipped: 0, Lim: 10, Median: 5}},
		{"nine nonzero values", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0}, nil},
		{"all zero", make([]float64, 50), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewSampleHistogram(tt.sample)
			if tt.want == nil {
				if h != nil {
					t.Fatalf("got %+v, want none", h)
				}
				return
			}
			if h == nil {
				t.Fatal("no histogram")
			}
			if h.N != tt.want.N || h.Zeros != tt.want.Zeros || h.Clipped != tt.want.Clipped || h.Lim != tt.want.Lim || h.Median != tt.want.Median {
				t.Errorf("got n %d zeros %d clipped %d lim %g median %g; want %+v", h.N, h.Zeros, h.Clipped, h.Lim, h.Median, *tt.want)
			}
			if len(h.Counts) != SampleBins || h.Counts[0] != 1 || h.Counts[SampleBins-1] != 1 || h.Counts[SampleBins/2] != 0 {
				t.Errorf("counts %v: want %d bins, −10 and 10 alone in the outer ones, none in the middle", h.Counts, SampleBins)
			}
			e, d := h.Edges(), h.Density()
			if e[0] != -10 || e[SampleBins] != 10 {
				t.Errorf("edges from %g to %g, want ±10", e[0], e[SampleBins])
			}
			mass := 0.0
			for i, v := range d {
				mass += v * (e[i+1] - e[i])
			}
			if math.Abs(mass-1) > 1e-12 {
				t.Errorf("the density integrates to %g, want 1", mass)
			}
			var back SampleHistogram
			if b, err := json.Marshal(h); err != nil || json.Unmarshal(b, &back) != nil || !reflect.DeepEqual(back, *h) {
				t.Errorf("JSON round trip: %+v, want %+v (%v)", back, *h, err)
			}
		})
	}
}

// TestSampleHistogramOneSort: the histogram of samples with both signs, zeros, NaNs and
// infinities equals the one computed the plain way (|x| sorted on its own, the values binned
// unsorted), field for field.
func TestSampleHistogramOneSort(t *testing.T) {
	plain := func(sample []float64) *SampleHistogram {
		var vals, abs []float64
		for _, x := range sample {
			if x != 0 && !math.IsNaN(x) && !math.IsInf(x, 0) {
				vals, abs = append(vals, x), append(abs, math.Abs(x))
			}
		}
		slices.Sort(abs)
		h := &SampleHistogram{N: len(sample), Zeros: len(sample) - len(abs), Lim: hist.Quantile(abs, 0.999), Median: hist.Quantile(abs, 0.5)}
		b := hist.Equal(vals, -h.Lim, h.Lim, SampleBins)
		h.Counts, h.Clipped = b.Counts, b.Below+b.Above
		return h
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name string
		n    int
		draw func() float64
	}{
		{"Cauchy-like, both signs", 20000, func() float64 { return r.NormFloat64() / (r.Float64() + 0.01) }},
		{"positive only", 500, func() float64 { return r.ExpFloat64() }},
		{"negative only", 500, func() float64 { return -r.ExpFloat64() }},
		{"ties and specials", 3000, func() float64 {
			switch r.IntN(10) {
			case 0:
				return 0
			case 1:
				return math.NaN()
			case 2:
				return math.Inf(1 - 2*r.IntN(2))
			}
			return float64(r.IntN(21) - 10)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sample := make([]float64, tc.n)
			for i := range sample {
				sample[i] = tc.draw()
			}
			got, want := NewSampleHistogram(sample), plain(sample)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}
