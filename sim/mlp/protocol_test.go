package mlp

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/spec"
)

// trainer returns a trainer of small's spec with set, on its own data.
func trainer(t *testing.T, set map[string]string) *Trainer {
	t.Helper()
	s := small(t, "blobs", 4, set)
	train, test, err := LoadData(s)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(s, train, test)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestStepRule checks each step against PyTorch's SGD rule written out here, from the same
// weights and minibatches: plain SGD for momentum 0 (bit for bit: the same kernel), and
// d = g + λw, v ← μv + d (v = d first), w ← w − ηv otherwise.
func TestStepRule(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mu, wd float32
	}{
		{"plain", 0, 0},
		{"momentum", 0.9, 0},
		{"weight decay", 0, 0.01},
		{"both", 0.5, 0.001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := trainer(t, map[string]string{"momentum": ftoa(tc.mu), "weightDecay": ftoa(tc.wd)})
			net := tr.Net().Clone()
			ws := net.NewWorkspace(tr.batch)
			g := make([]float32, net.NumParams())
			var v []float32
			for k := range 20 {
				x, y := tr.batchData()
				if _, err := ws.Gradient(net, tr.loss, x, y, g); err != nil {
					t.Fatal(err)
				}
				for i := range g {
					if tc.wd != 0 {
						g[i] += tc.wd * net.Params[i]
					}
				}
				dir := g
				if tc.mu != 0 {
					if v == nil {
						v = slices.Clone(g)
					} else {
						for i := range v {
							v[i] = tc.mu*v[i] + g[i]
						}
					}
					dir = v
				}
				net.SGD(dir, float32(tr.LR()))
				if _, err := tr.Step(); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(net.Params, tr.Net().Params) {
					t.Fatalf("step %d: weights differ from the rule's", k)
				}
			}
		})
	}
}

func ftoa(f float32) string {
	if f == 0 {
		return "0"
	}
	return map[float32]string{0.9: "0.9", 0.01: "0.01", 0.5: "0.5", 0.001: "0.001"}[f]
}

// TestDefaultsUnchanged: the reference protocol's options at their defaults give the result
// of a spec that never names them, bit for bit.
func TestDefaultsUnchanged(t *testing.T) {
	s := small(t, "blobs", 5, nil)
	named := small(t, "blobs", 5, map[string]string{"momentum": "0", "weightDecay": "0", "lastBatch": "drop",
		"stopAtFit": "0", "testNoise": "0", "zeros": "skip", "count": "exact"})
	a, err := Run(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), named, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Evaluations {
		ea, eb := a.Evaluations[i], b.Evaluations[i]
		if ea.Alpha != eb.Alpha || ea.TrainLoss != eb.TrainLoss || ea.Iter != eb.Iter || ea.TestAlpha != 0 || eb.TestNoise != nil {
			t.Errorf("evaluation %d: %+v vs %+v", i, ea, eb)
		}
	}
	if len(a.Protocol) == 0 {
		t.Errorf("no protocol differences listed for Tailscope's defaults")
	}
}

// TestLastBatch: n = 620, b = 50 gives 12 batches dropping 20 examples, or 13 with a short
// last batch of 20 that training visits at step 12 and the measurement counts.
func TestLastBatch(t *testing.T) {
	for _, tc := range []struct {
		keep                 string
		P, examples, lastLen int
	}{
		{"drop", 12, 600, 50},
		{"keep", 13, 620, 20},
	} {
		t.Run(tc.keep, func(t *testing.T) {
			tr := trainer(t, map[string]string{"n": "620", "lastBatch": tc.keep})
			if tr.P != tc.P {
				t.Errorf("P = %d, want %d", tr.P, tc.P)
			}
			for range 12 {
				if _, err := tr.Step(); err != nil {
					t.Fatal(err)
				}
			}
			_, y := tr.batchData()
			if len(y) != tc.lastLen {
				t.Errorf("batch of step 12 has %d examples, want %d", len(y), tc.lastLen)
			}
			ev, err := tr.Evaluate(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			m := ev.Noise
			if m.P != tc.P || m.Used != tc.P || m.TrainExamples != tc.examples || len(m.Norms) != tc.P || m.N != tc.P*m.Params {
				t.Errorf("P=%d used=%d examples=%d norms=%d N=%d, want P=%d examples=%d", m.P, m.Used, m.TrainExamples, len(m.Norms), m.N, tc.P, tc.examples)
			}
			var sum float64
			for _, c := range m.NormHist.Counts {
				sum += c
			}
			if int(sum) != tc.P || m.NormHist.Hi != slices.Max(m.Norms) {
				t.Errorf("histogram holds %v norms up to %v, want %d up to %v", sum, m.NormHist.Hi, tc.P, slices.Max(m.Norms))
			}
		})
	}
}

// TestCount: count=reference takes iters + 2 steps and measures at the end.
func TestCount(t *testing.T) {
	for _, tc := range []struct {
		count string
		last  int
	}{{"exact", 25}, {"reference", 27}} {
		t.Run(tc.count, func(t *testing.T) {
			res, err := Run(context.Background(), small(t, "blobs", 2, map[string]string{"count": tc.count}), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Evaluations[len(res.Evaluations)-1].Iter; got != tc.last {
				t.Errorf("last measurement at %d, want %d", got, tc.last)
			}
		})
	}
}

// TestStopAtFit: on three tight clusters in directions 120° apart (separable without
// biases) training reaches 100 % at some measurement; the run then takes that step and
// measures once more, as the reference does.
func TestStopAtFit(t *testing.T) {
	clusters := func(n int, seed uint64) *data.Set {
		r := rand.New(rand.NewPCG(seed, 2))
		set := &data.Set{Name: "clusters", Dim: 2, Classes: 3, X: make([]float32, 2*n), Y: make([]uint8, n)}
		for i := range n {
			c := i % 3
			a := 2 * math.Pi * float64(c) / 3
			set.X[2*i] = float32(3*math.Cos(a) + 0.1*r.NormFloat64())
			set.X[2*i+1] = float32(3*math.Sin(a) + 0.1*r.NormFloat64())
			set.Y[i] = uint8(c)
		}
		return set
	}
	s := small(t, "blobs", 1, map[string]string{"stopAtFit": "1", "iters": "2000", "evalEvery": "5"})
	res, err := RunOn(context.Background(), s, clusters(600, 1), clusters(300, 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	evs := res.Evaluations
	fit := slices.IndexFunc(evs, func(e Evaluation) bool { return e.TrainAcc == 1 })
	if fit < 0 {
		t.Fatalf("never fit: last accuracy %v", evs[len(evs)-1].TrainAcc)
	}
	if res.Stopped != "fit" || len(evs) != fit+2 || evs[fit+1].Iter != evs[fit].Iter+1 {
		t.Errorf("stopped %q with %d evaluations, fit at %d (iteration %d), last at iteration %d; want a last measurement one step after",
			res.Stopped, len(evs), fit, evs[fit].Iter, evs[len(evs)-1].Iter)
	}
	t.Logf("fit at iteration %d", evs[fit].Iter)
}

// TestThirdsSchedule: the reference's MultiStepLR stepped with scheduler.step(i) after step
// i: iters = 30 gives milestones 10 and 20, so steps 0…10 use η, 11…20 ηγ, 21… ηγ².
func TestThirdsSchedule(t *testing.T) {
	tr := trainer(t, map[string]string{"schedule": "thirds", "gamma": "0.5", "iters": "30"})
	want := func(k int) float64 {
		switch {
		case k <= 10:
			return 0.1
		case k <= 20:
			return 0.05
		}
		return 0.025
	}
	for k := range 30 {
		if got := tr.LR(); got != want(k) {
			t.Errorf("step %d: lr %v, want %v", k, got, want(k))
		}
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTestNoiseGaussian uses a case where the test noise is known to be Gaussian: a network
// 100-100-3 whose first layer is the identity and whose last is zero, with the hinge loss, on
// test inputs i.i.d. N(0, 1). Every hinge term is active, the first layer's gradient is 0
// (skipped as zeros), and the last layer's is −1/(bC) Σ_batch t_ic relu(x_ik): a sum of 20
// i.i.d. light-tailed terms, close to Gaussian, so the test α̂ is close to 2; 30000 values.
func TestTestNoiseGaussian(t *testing.T) {
	const dim, classes, b = 100, 3, 20
	gauss := func(n int, seed uint64) *data.Set {
		r := rand.New(rand.NewPCG(seed, 1))
		set := &data.Set{Name: "gauss", Dim: dim, Classes: classes, X: make([]float32, n*dim), Y: make([]uint8, n)}
		for i := range set.X {
			set.X[i] = float32(r.NormFloat64())
		}
		for i := range set.Y {
			set.Y[i] = uint8(i % classes)
		}
		return set
	}
	p := spec.MLPParams{Dataset: spec.DatasetBlobs, Subset: spec.SubsetFirst, N: 400, TestN: 2000, Width: dim, Depth: 2,
		Loss: spec.LossHinge, Batch: b, LR: 0.1, Schedule: spec.ScheduleConstant, StepEvery: 1000, Gamma: 0.1,
		Order: spec.OrderFixed, Iters: 10, EvalEvery: 10, LastBatch: spec.LastBatchDrop, TestNoise: true,
		Zeros: spec.ZerosSkip, Count: spec.CountExact, Arch: spec.ArchFC, Ch: 64, Precision: spec.PrecisionFloat32}
	s, err := p.Spec(1)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(s, gauss(400, 1), gauss(2000, 2))
	if err != nil {
		t.Fatal(err)
	}
	net := tr.Net()
	clear(net.Params)
	for k := range dim {
		net.Layer(0)[k*dim+k] = 1
	}
	ev, err := tr.Evaluate(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tm := ev.TestNoise
	if tm == nil || tm.P != 100 || tm.N != 100*net.NumParams() || math.Abs(tm.ZeroFrac-float64(dim*dim)/float64(net.NumParams())) > 1e-12 {
		t.Fatalf("test noise %+v: want P = 100 and the first layer's values all zero", tm)
	}
	if math.Abs(ev.TestAlpha-2) > 0.15 {
		t.Errorf("test α̂ = %.3f [%.3f, %.3f], want 2 ± 0.15", ev.TestAlpha, ev.TestLo, ev.TestHi)
	}
	t.Logf("test α̂ = %.3f [%.3f, %.3f]; train α̂ = %.3f", ev.TestAlpha, ev.TestLo, ev.TestHi, ev.Alpha)
}

// TestTestNoiseProgress: with testNoise a measurement reports progress through both
// measurements, one call per minibatch gradient (2·12 training, 2·6 test), rising to 1, so
// the browser keeps yielding during the test set's.
func TestTestNoiseProgress(t *testing.T) {
	tr := trainer(t, map[string]string{"testNoise": "1"})
	var got []float64
	ev, err := tr.Evaluate(context.Background(), func(f float64) { got = append(got, f) })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 36 || !slices.IsSorted(got) || got[len(got)-1] != 1 || got[23] != 24.0/36 {
		t.Errorf("progress %v; want 36 rising calls, 24/36 after the training set's, ending at 1", got)
	}
	if ev.TestNoise == nil || ev.TestNoise.P != 6 || len(ev.TestNoise.Norms) != 6 || ev.TestAlpha != ev.TestNoise.Alpha.Alpha {
		t.Errorf("test noise %+v, test α̂ %v: want 6 batches with their norms", ev.TestNoise, ev.TestAlpha)
	}
}

// TestProtocolAlexNet: the reference options run on the AlexNet variant too: a short last
// batch (105 = 10·10 + 5), momentum and weight decay on its weights, iters + 2 steps and the
// test set's noise.
func TestProtocolAlexNet(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	img := &data.Set{Name: "cifar10", Dim: 3072, Classes: 10, X: make([]float32, 105*3072), Y: make([]uint8, 105)}
	for i := range img.X {
		img.X[i] = float32(r.NormFloat64())
	}
	for i := range img.Y {
		img.Y[i] = uint8(i % 10)
	}
	s := small(t, "cifar10", 1, map[string]string{"arch": "alexnet", "ch": "2", "n": "105", "testN": "105", "batch": "10",
		"iters": "12", "evalEvery": "6", "lastBatch": "keep", "momentum": "0.5", "weightDecay": "0.0005", "count": "reference", "testNoise": "1", "lr": "0.01"})
	res, err := RunOn(context.Background(), s, img, img, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := res.Evaluations[len(res.Evaluations)-1]
	if last.Iter != 14 || last.Noise.P != 11 || last.Noise.TrainExamples != 105 || last.TestNoise == nil || last.TestNoise.P != 11 ||
		!(last.TestAlpha > 0) || len(last.Noise.Norms) != 11 {
		t.Errorf("last measurement at %d: P %d on %d examples, test noise %v, test α̂ %v, %d norms; want 14, 11, 105, 11 batches, > 0, 11",
			last.Iter, last.Noise.P, last.Noise.TrainExamples, last.TestNoise != nil, last.TestAlpha, len(last.Noise.Norms))
	}
}
