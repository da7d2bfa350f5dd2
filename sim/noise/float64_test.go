//go:build !js

package noise

import (
	"context"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/nn"
)

// float64Set is n random examples of dim inputs whose input 0 is always 0, so that the first
// layer's weights on it get a gradient of exactly 0 in every batch (exact zeros to skip).
func float64Set(n, dim, classes int) *data.Set {
	r := rand.New(rand.NewPCG(13, 14))
	set := &data.Set{Name: "rand", Dim: dim, Classes: classes, X: make([]float32, n*dim), Y: make([]uint8, n)}
	for i := range set.X {
		if i%dim != 0 {
			set.X[i] = float32(r.NormFloat64() / math.Sqrt(r.Float64()))
		}
	}
	for i := range set.Y {
		set.Y[i] = uint8(r.IntN(classes))
	}
	return set
}

// TestMeasureFloat64Materialised checks a measurement of a float64 network (FC64) against the
// reference code's eval done here the slow way in float64: each batch's float64 gradient, ḡ
// their mean, the P×M noise matrix pooled in the reference's order, the batch Mohammadi
// estimator on it (zeros skipped, zeros kept, per layer), each row's norm, ‖ḡ‖, the loss and
// the subsample's values, all to 1e-12 relative. The same measurement with the gradients
// rounded to float32 (what a float64 run measured before) differs from it by more than 1e-9
// relative in the norms: the check sees the rounding.
func TestMeasureFloat64Materialised(t *testing.T) {
	const dim, classes, b, n = 12, 3, 8, 8*13 + 5
	set := float64Set(n, dim, classes)
	net32, _ := nn.New([]int{dim, 9, 7, classes}, 5)
	net, err := nn.Widen(net32)
	if err != nil {
		t.Fatal(err)
	}
	model := FC64(net, nn.CrossEntropy)
	measure := func(cfg Config) (*Measurement, error) { return MeasureModel(context.Background(), model, set, cfg) }
	split := func(cfg Config) (*Measurement, error) {
		var calls atomic.Int32
		return MeasureSplit(context.Background(), model, set, cfg, 3, inProcess(model, set, cfg, false, &calls))
	}
	for _, tc := range []struct {
		name    string
		cfg     Config
		measure func(Config) (*Measurement, error)
	}{
		{"all batches", Config{Batch: b, Workers: 1}, measure},
		{"5 of the 13 batches", Config{Batch: b, Batches: 5, Workers: 1}, measure},
		{"short last batch", Config{Batch: b, KeepLast: true, Workers: 1}, measure},
		{"3 workers", Config{Batch: b, Workers: 3}, measure},
		{"3 parts", Config{Batch: b, KeepLast: true, Workers: 1}, split},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Subsample, cfg.Seed = 60, 2
			m, err := tc.measure(cfg)
			if err != nil {
				t.Fatal(err)
			}
			P := n / b
			if cfg.KeepLast {
				P = (n + b - 1) / b
			}
			used := cmpOr(cfg.Batches, P)
			M := net.NumParams()
			ws := net.NewWorkspace(b)
			gs := make([][]float64, used)
			mean := make([]float64, M)
			var lossSum, weighted float64
			examples := 0
			for j := range gs {
				k := j * P / used
				hi := min((k+1)*b, n)
				gs[j] = make([]float64, M)
				st, err := ws.Gradient(net, nn.CrossEntropy, set.X[k*b*dim:hi*dim], set.Y[k*b:hi], gs[j])
				if err != nil {
					t.Fatal(err)
				}
				lossSum += st.Loss
				weighted += st.Loss * float64(hi-k*b)
				examples += hi - k*b
				for i, v := range gs[j] {
					mean[i] += v
				}
			}
			var gradNorm float64
			for i := range mean {
				mean[i] /= float64(used)
				gradNorm += mean[i] * mean[i]
			}
			var all []float64
			layer := make([][]float64, net.Layers())
			norms := make([]float64, used)
			for j := range gs {
				for i, v := range gs[j] {
					d := v - mean[i]
					all = append(all, d)
					norms[j] += d * d
					for l := range layer {
						if i >= net.Offset(l) && i < net.Offset(l+1) {
							layer[l] = append(layer[l], d)
						}
					}
				}
				norms[j] = math.Sqrt(norms[j])
			}
			want, _ := estimator.Mohammadi{K1: estimator.PaperK1(len(all))}.Estimate(all)
			wantRef, _ := estimator.Mohammadi{K1: estimator.PaperK1(len(all)), KeepZeros: true}.Estimate(all)
			const tol = 1e-12
			near := func(what string, got, want float64) {
				t.Helper()
				if math.Abs(got-want) > tol*max(1, math.Abs(want)) {
					t.Errorf("%s = %.17g, materialised %.17g", what, got, want)
				}
			}
			if m.N != len(all) || m.Used != used || m.P != P || m.ZeroFrac == 0 {
				t.Fatalf("N=%d used=%d P=%d zeros=%v; want %d, %d, %d, > 0", m.N, m.Used, m.P, m.ZeroFrac, len(all), used, P)
			}
			near("α̂", m.Alpha.Alpha, want.Alpha)
			// With zeros kept, a block whose values cancel (an output layer's weights on a dead
			// unit: softmax's gradient sums to 0 over the classes) has a sum of rounding residue,
			// ~1e-17, against the reference's 2^−52 in log(|Y| + 2^−52): its log then depends on
			// the order of the additions, which the stream and the batch estimator do not share.
			if k := residueBlocks(all, estimator.PaperK1(len(all))); k == 0 {
				near("α̂ ref", m.AlphaRef.Alpha, wantRef.Alpha)
			} else if d := math.Abs(m.AlphaRef.Alpha - wantRef.Alpha); d > 1e-3 {
				t.Errorf("α̂ ref = %.17g, materialised %.17g (%d blocks summing to rounding residue)", m.AlphaRef.Alpha, wantRef.Alpha, k)
			} else {
				t.Logf("α̂ ref within %.2g of the materialised one (%d blocks summing to rounding residue)", d, k)
			}
			near("‖ḡ‖", m.GradNorm, math.Sqrt(gradNorm))
			wantLoss := lossSum / float64(used)
			if cfg.KeepLast {
				wantLoss = weighted / float64(examples)
			}
			near("train loss", m.TrainLoss, wantLoss)
			for l := range layer {
				w, _ := estimator.Mohammadi{K1: estimator.PaperK1(len(layer[l]))}.Estimate(layer[l])
				near("layer α̂", m.Layers[l].Alpha, w.Alpha)
			}
			for j := range norms {
				near("noise norm", m.Norms[j], norms[j])
			}
			picks := subsamplePositions(len(all), cfg.Subsample, cfg.Seed)
			if len(m.Sample) != len(picks) {
				t.Fatalf("%d subsample values, want %d", len(m.Sample), len(picks))
			}
			for s, p := range picks {
				near("subsample value", m.Sample[s], all[p])
			}

			// The same gradients rounded to float32, as a float64 run was measured before.
			rounded := Model{Params: M, Dim: dim, Offsets: model.Offsets,
				NewGradient: func(batch int) func([]float32, []uint8, []float32) (nn.Stats, error) {
					grad := model.NewGradient64(batch)
					g64 := make([]float64, M)
					return func(x []float32, y []uint8, g []float32) (nn.Stats, error) {
						st, err := grad(x, y, g64)
						for i, v := range g64 {
							g[i] = float32(v)
						}
						return st, err
					}
				}}
			r, err := MeasureModel(context.Background(), rounded, set, cfg)
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for j := range norms {
				worst = max(worst, math.Abs(r.Norms[j]-norms[j])/norms[j])
			}
			if worst < 1e-9 {
				t.Errorf("rounded to float32, the noise norms are within %.2g of float64's: the test cannot see rounding", worst)
			}
		})
	}
}

// residueBlocks counts the blocks of k1 consecutive values of x whose sum is below 1e-12 of
// the sum of their absolute values (rounding residue of a cancellation), the ones not all 0.
func residueBlocks(x []float64, k1 int) int {
	n := 0
	for k := 0; k+k1 <= len(x); k += k1 {
		var y, a float64
		for _, v := range x[k : k+k1] {
			y += v
			a += math.Abs(v)
		}
		if a > 0 && math.Abs(y) < 1e-12*a {
			n++
		}
	}
	return n
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// TestMeasureFloat64AgainstFloat32: one seed's float32 network and its float64 widening
// (identical weights) give the same α̂ to 1e-3 (the noise values differ by float32's rounding,
// ~1e-7 relative, which moves the log-moments of the estimator but little), and not exactly
// the same (the float64 path is not float32's again).
func TestMeasureFloat64AgainstFloat32(t *testing.T) {
	const dim, classes = 12, 3
	set := float64Set(8*40, dim, classes)
	for _, tc := range []struct {
		name  string
		sizes []int
		cfg   Config
	}{
		{"depth 2", []int{dim, 20, classes}, Config{Batch: 8}},
		{"depth 3, short last batch", []int{dim, 16, 16, classes}, Config{Batch: 7, KeepLast: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net32, _ := nn.New(tc.sizes, 3)
			net, err := nn.Widen(net32)
			if err != nil {
				t.Fatal(err)
			}
			cfg := tc.cfg
			cfg.Subsample = -1
			m32, err := Measure(context.Background(), net32, nn.CrossEntropy, set, cfg)
			if err != nil {
				t.Fatal(err)
			}
			m64, err := MeasureModel(context.Background(), FC64(net, nn.CrossEntropy), set, cfg)
			if err != nil {
				t.Fatal(err)
			}
			for what, d := range map[string][2]float64{"α̂": {m64.Alpha.Alpha, m32.Alpha.Alpha}, "α̂ ref": {m64.AlphaRef.Alpha, m32.AlphaRef.Alpha}} {
				if math.Abs(d[0]-d[1]) > 1e-3 || d[0] == d[1] {
					t.Errorf("%s: float64 %.9f, float32 %.9f", what, d[0], d[1])
				}
				t.Logf("%s: float64 %.9f, float32 %.9f", what, d[0], d[1])
			}
		})
	}
}
