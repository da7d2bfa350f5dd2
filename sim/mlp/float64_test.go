//go:build !js

package mlp

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/spec"
)

func f64s(t *testing.T, s string) []float64 {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b)%8 != 0 {
		t.Fatalf("fixture array: %v (%d bytes)", err, len(b))
	}
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out
}

// TestSGDMatchesPyTorchDouble is TestSGDMatchesPyTorch in double precision: a precision=float64
// Trainer replays the reference loop that PyTorch ran on the model and data converted with
// .double() (testdata/gen_double_fixtures.py), plain, with momentum, weight decay, the thirds
// schedule and all three, the short last batch kept; the weights after every one of the 14
// steps agree to 1e-12·(1 + |w|) (float32 agrees to 2e-6).
func TestSGDMatchesPyTorchDouble(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "sgd_double.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx sgdFixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	x64 := f64s(t, fx.Inputs)
	x := make([]float32, len(x64))
	for i, v := range x64 {
		x[i] = float32(v) // drawn in float32: exact
	}
	train := &data.Set{Name: "fixture", Dim: fx.Dim, Classes: fx.Classes, X: x, Y: fx.Labels}
	test := &data.Set{Name: "fixture test", Dim: fx.Dim, Classes: fx.Classes, X: x[:100*fx.Dim], Y: fx.Labels[:100]}
	start := f64s(t, fx.Weights)
	if len(fx.Cases) != 5 {
		t.Fatalf("%d cases in the fixture, want 5", len(fx.Cases))
	}
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			s := spec.MustNew("mlp", 1)
			schedule := "constant"
			if c.Thirds {
				schedule = "thirds"
			}
			for k, v := range map[string]string{"dataset": "blobs", "n": fmt.Sprint(fx.N), "testN": "100",
				"width": fmt.Sprint(fx.Width), "depth": "3", "batch": fmt.Sprint(fx.Batch), "lr": fmt.Sprint(fx.LR),
				"iters": fmt.Sprint(fx.Iters), "evalEvery": fmt.Sprint(fx.Iters), "lastBatch": "keep",
				"momentum": fmt.Sprint(c.Momentum), "weightDecay": fmt.Sprint(c.WeightDecay), "schedule": schedule, "gamma": "0.5",
				"precision": "float64"} {
				if err := s.SetText(k, v); err != nil {
					t.Fatalf("%s=%s: %v", k, v, err)
				}
			}
			tr, err := NewTrainer(s, train, test)
			if err != nil {
				t.Fatal(err)
			}
			d, ok := tr.f64.(*doubleNet)
			if !ok || len(d.params) != len(start) {
				t.Fatalf("no float64 network of %d weights", len(start))
			}
			copy(d.params, start)
			worst := 0.0
			for k, after := range c.After {
				if _, err := tr.Step(); err != nil {
					t.Fatal(err)
				}
				want := f64s(t, after)
				for i, w := range d.params {
					d := math.Abs(w - want[i])
					worst = max(worst, d)
					if d > 1e-12*(1+math.Abs(want[i])) {
						t.Fatalf("after step %d, weight %d = %.17g, PyTorch %.17g", k, i, w, want[i])
					}
				}
			}
			t.Logf("%d steps, worst difference %.2g", len(c.After), worst)
		})
	}
}

// TestRunFloat64: a whole float64 run, fully connected and AlexNet, from the seed's float32
// weights, gives the float32 run's numbers to float32's rounding (losses and accuracies of the
// first measurement to 1e-5; α̂ at iteration 0 to alphaTol: 1e-3 for the fully connected net,
// 0.02 for the small AlexNet, whose many noise values near zero (differences of nearly equal
// gradients) carry float32's rounding into their logarithms), differs from it (it is not float32 again), is the
// same on a second run, and says how it differs from the reference.
func TestRunFloat64(t *testing.T) {
	for _, tc := range []struct {
		name     string
		alphaTol float64
		vals     map[string]string
	}{
		{"fc", 1e-3, map[string]string{"dataset": "blobs", "n": "400", "testN": "100", "width": "16", "batch": "20", "iters": "30", "evalEvery": "15", "momentum": "0.5", "weightDecay": "0.001", "lastBatch": "keep"}},
		{"alexnet", 0.02, map[string]string{"dataset": "mnist", "arch": "alexnet", "ch": "2", "n": "100", "testN": "100", "batch": "25", "iters": "6", "evalEvery": "3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := func(precision string) *Result {
				t.Helper()
				s := spec.MustNew("mlp", 3)
				for k, v := range tc.vals {
					if err := s.SetText(k, v); err != nil {
						t.Fatal(err)
					}
				}
				if err := s.SetText("precision", precision); err != nil {
					t.Fatal(err)
				}
				train, test, err := LoadData(s)
				if errors.Is(err, data.ErrNoMNIST) {
					t.Skipf("MNIST not reachable here: %v", err)
				}
				if err != nil {
					t.Fatal(err)
				}
				res, err := RunOn(context.Background(), s, train, test, nil)
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			r32, r64, again := run("float32"), run("float64"), run("float64")
			if len(r64.Evaluations) != len(r32.Evaluations) || len(r64.Evaluations) < 3 {
				t.Fatalf("%d evaluations in float64, %d in float32", len(r64.Evaluations), len(r32.Evaluations))
			}
			e32, e64 := r32.Evaluations[0], r64.Evaluations[0]
			for what, d := range map[string]float64{"train loss": e64.TrainLoss - e32.TrainLoss, "test loss": e64.TestLoss - e32.TestLoss,
				"train accuracy": e64.TrainAcc - e32.TrainAcc, "test accuracy": e64.TestAcc - e32.TestAcc} {
				if math.Abs(d) > 1e-5 {
					t.Errorf("iteration 0 %s: float64 − float32 = %.3g", what, d)
				}
			}
			if d := math.Abs(e64.Alpha - e32.Alpha); d > tc.alphaTol {
				t.Errorf("iteration 0 α̂: float64 %v, float32 %v", e64.Alpha, e32.Alpha)
			}
			last32, last64 := r32.Evaluations[len(r32.Evaluations)-1], r64.Evaluations[len(r64.Evaluations)-1]
			if last32.TrainLoss == last64.TrainLoss {
				t.Errorf("float32 and float64 end with the same training loss %v: is float64 training in float64?", last64.TrainLoss)
			}
			if d := math.Abs(last64.TrainLoss - last32.TrainLoss); d > 1e-3*max(1, last64.TrainLoss) {
				t.Errorf("last training loss float64 %v, float32 %v", last64.TrainLoss, last32.TrainLoss)
			}
			j1, _ := json.Marshal(r64.Evaluations)
			j2, _ := json.Marshal(again.Evaluations)
			if string(j1) != string(j2) {
				t.Errorf("two float64 runs of one spec differ")
			}
			if !strings.Contains(strings.Join(r64.Protocol, "\n"), "float64") || strings.Contains(strings.Join(r32.Protocol, "\n"), "float64") {
				t.Errorf("protocol lists: float64 %q, float32 %q", r64.Protocol, r32.Protocol)
			}
		})
	}
}
