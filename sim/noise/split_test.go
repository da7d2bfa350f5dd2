package noise

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/nn"
)

// inProcess computes a split measurement's parts in this process, as a Web Worker would, and
// passes them through JSON, as the Web Worker job does; noPrediction hides pass 1's zero mask, so that the starts are mispredicted wherever a
// parameter's gradient is always 0 and the ranges are computed again.
func inProcess(model Model, set *data.Set, cfg Config, noPrediction bool, calls *atomic.Int32) Parts {
	return Parts{
		Gradient: func(ctx context.Context, lo, hi int, progress func(int)) (*GradientSums, error) {
			g, err := GradientPart(ctx, model, set, cfg, lo, hi, progress)
			if err != nil {
				return nil, err
			}
			if noPrediction {
				clear(g.Zero)
			}
			b, err := json.Marshal(g)
			back := GradientSums{Sum: g.Sum} // Sum travels as bytes
			return &back, cmp.Or(err, json.Unmarshal(b, &back))
		},
		Noise: func(ctx context.Context, mean []float64, start Start, lo, hi int, progress func(int)) (*NoiseSums, error) {
			calls.Add(1)
			p, err := NoisePart(ctx, model, set, cfg, mean, start, lo, hi, progress)
			if err != nil {
				return nil, err
			}
			b, err := json.Marshal(p)
			back := NoiseSums{Norms: p.Norms, Coords: p.Coords, Sample: p.Sample} // vectors travel as bytes
			return &back, cmp.Or(err, json.Unmarshal(b, &back))
		},
	}
}

// TestMeasureSplit checks that a measurement cut into parts and merged equals the one-thread
// Measure: bit for bit with one part, to 1e-12 relative with more, for a depth-3 and a depth-4
// net on data whose constant inputs leave some gradients 0 in every batch (exact zeros).
func TestMeasureSplit(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const dim, classes, n = 16, 3, 970
	set := &data.Set{Name: "rand", Dim: dim, Classes: classes, X: make([]float32, n*dim), Y: make([]uint8, n)}
	for i := range set.X {
		if i%dim == 0 {
			continue // input 0 is always 0: their first-layer weights get gradient 0
		}
		set.X[i] = float32(r.NormFloat64() / math.Sqrt(r.Float64()))
	}
	for i := range set.Y {
		set.Y[i] = uint8(r.IntN(classes))
	}
	for _, depth := range []int{3, 4} {
		sizes := []int{dim}
		for range depth - 1 {
			sizes = append(sizes, 24)
		}
		net, err := nn.New(append(sizes, classes), 11)
		if err != nil {
			t.Fatal(err)
		}
		for _, base := range []struct {
			name string
			cfg  Config
		}{
			{"", Config{Batch: 10}},
			{" short last batch", Config{Batch: 12, KeepLast: true}},
			{" 13 of the batches", Config{Batch: 10, Batches: 13}},
		} {
			cfg := base.cfg
			cfg.Seed, cfg.Subsample, cfg.Coords, cfg.Workers = 9, 500, 40, 1
			want, err := Measure(context.Background(), net, nn.CrossEntropy, set, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if want.ZeroFrac == 0 {
				t.Fatal("the data gave no exact zeros: the test would not check the zero counts")
			}
			wantJSON, _ := json.Marshal(want)
			for _, parts := range []int{1, 2, 3} {
				for _, noPred := range []bool{false, true} {
					name := base.name + map[bool]string{false: "", true: " unpredicted"}[noPred]
					t.Run(string(rune('0'+depth))+"-deep/"+string(rune('0'+parts))+" parts"+name, func(t *testing.T) {
						model := FC(net, nn.CrossEntropy)
						var calls atomic.Int32
						reports, last := 0, 0
						c := cfg
						c.Progress = func(done, total int) {
							if done < last || total != 2*want.Used {
								t.Errorf("progress %d of %d after %d", done, total, last)
							}
							reports, last = reports+1, done
						}
						got, err := MeasureSplit(context.Background(), model, set, c, parts, inProcess(model, set, cfg, noPred, &calls))
						if err != nil {
							t.Fatal(err)
						}
						if reports == 0 {
							t.Error("no progress reported")
						}
						wantCalls := parts
						if noPred && parts > 1 {
							wantCalls = 2*parts - 1 // every range after the first again
						}
						if int(calls.Load()) != wantCalls {
							t.Errorf("pass 2 ran %d times for %d parts, want %d", calls.Load(), parts, wantCalls)
						}
						if parts == 1 {
							if j, _ := json.Marshal(got); string(j) != string(wantJSON) {
								t.Errorf("one part differs from Measure:\n%s\nwant\n%s", j, wantJSON)
							}
							return
						}
						compareMeasurements(t, got, want, 1e-12)
					})
				}
			}
		}
	}
}

// compareMeasurements checks every reported number of got against want to tol relative.
func compareMeasurements(t *testing.T, got, want *Measurement, tol float64) {
	t.Helper()
	near := func(what string, a, b float64) {
		if a != b && math.Abs(a-b) > tol*math.Max(math.Abs(a), math.Abs(b)) {
			t.Errorf("%s = %v, want %v", what, a, b)
		}
	}
	if got.N != want.N || got.K1 != want.K1 || got.Used != want.Used || got.Subsample != want.Subsample || got.TrainExamples != want.TrainExamples {
		t.Errorf("shape N %d K1 %d used %d subsample %d; want %d %d %d %d", got.N, got.K1, got.Used, got.Subsample, want.N, want.K1, want.Used, want.Subsample)
	}
	near("α̂", got.Alpha.Alpha, want.Alpha.Alpha)
	near("α̂ lo", got.Alpha.Lo, want.Alpha.Lo)
	near("α̂ hi", got.Alpha.Hi, want.Alpha.Hi)
	near("α̂ ref", got.AlphaRef.Alpha, want.AlphaRef.Alpha)
	near("zero fraction", got.ZeroFrac, want.ZeroFrac)
	near("train loss", got.TrainLoss, want.TrainLoss)
	near("train acc", got.TrainAcc, want.TrainAcc)
	near("‖ḡ‖", got.GradNorm, want.GradNorm)
	if len(got.Layers) != len(want.Layers) || len(got.Norms) != len(want.Norms) || len(got.Sample) != len(want.Sample) || len(got.Others) != len(want.Others) {
		t.Fatalf("lengths differ: layers %d/%d norms %d/%d sample %d/%d", len(got.Layers), len(want.Layers), len(got.Norms), len(want.Norms), len(got.Sample), len(want.Sample))
	}
	for l := range got.Layers {
		near("layer α̂", got.Layers[l].Alpha, want.Layers[l].Alpha)
		if got.Layers[l].N != want.Layers[l].N {
			t.Errorf("layer %d: N %d, want %d", l, got.Layers[l].N, want.Layers[l].N)
		}
	}
	for i := range got.Norms {
		near("noise norm", got.Norms[i], want.Norms[i])
	}
	for i := range got.Sample {
		if math.Abs(got.Sample[i]-want.Sample[i]) > 1e-15 {
			t.Errorf("sample %d = %v, want %v", i, got.Sample[i], want.Sample[i])
		}
	}
	for i := range got.Others {
		near(got.Others[i].Method, got.Others[i].Alpha, want.Others[i].Alpha)
	}
	if (got.PerCoord == nil) != (want.PerCoord == nil) || (got.PerCoord != nil && (got.PerCoord.Coords != want.PerCoord.Coords || got.PerCoord.Values != want.PerCoord.Values)) {
		t.Errorf("per-coordinate analysis %+v, want %+v", got.PerCoord, want.PerCoord)
	} else if got.PerCoord != nil {
		near("per-coordinate raw α̂", got.PerCoord.Raw.Alpha, want.PerCoord.Raw.Alpha)
	}
}

func TestMeasureSplitErrors(t *testing.T) {
	set, _ := data.Spirals(200, 1, 0)
	net, _ := nn.New([]int{2, 8, 2}, 1)
	model := FC(net, nn.Hinge)
	cfg := Config{Batch: 10}
	boom := errors.New("the worker died")
	var calls atomic.Int32
	run := inProcess(model, set, cfg, false, &calls)
	run.Gradient = func(ctx context.Context, lo, hi int, _ func(int)) (*GradientSums, error) {
		if lo > 0 {
			return nil, boom
		}
		<-ctx.Done() // the first range waits until the failure cancels it
		return nil, ctx.Err()
	}
	if _, err := MeasureSplit(context.Background(), model, set, cfg, 2, run); !errors.Is(err, boom) {
		t.Errorf("a failing part: err = %v, want its error", err)
	}
	run = inProcess(model, set, cfg, false, &calls)
	if _, err := NoisePart(context.Background(), model, set, cfg, make([]float64, 3), Start{}, 0, 5, nil); err == nil {
		t.Error("NoisePart took a ḡ of the wrong length")
	}
	if _, err := GradientPart(context.Background(), model, set, cfg, 5, 30, nil); err == nil {
		t.Error("GradientPart took batches past the last")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := MeasureSplit(ctx, model, set, cfg, 2, run); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}
