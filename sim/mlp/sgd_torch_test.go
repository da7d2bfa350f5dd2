package mlp

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/spec"
)

// sgdFixture is testdata/sgd_reference.json, written by testdata/gen_sgd_fixtures.py with
// PyTorch 1.13: a 4-5-5-3 network's weights after each step of the reference code's loop.
type sgdFixture struct {
	N       int     `json:"n"`
	Dim     int     `json:"dim"`
	Classes int     `json:"classes"`
	Width   int     `json:"width"`
	Batch   int     `json:"batch"`
	LR      float64 `json:"lr"`
	Iters   int     `json:"iters"`
	Inputs  string  `json:"inputs"`
	Labels  []uint8 `json:"labels"`
	Weights string  `json:"weights"`
	Cases   []struct {
		Name        string   `json:"name"`
		Momentum    float64  `json:"momentum"`
		WeightDecay float64  `json:"weight_decay"`
		Thirds      bool     `json:"thirds"`
		After       []string `json:"after"`
	} `json:"cases"`
}

func f32s(t *testing.T, s string) []float32 {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b)%4 != 0 {
		t.Fatalf("fixture array: %v (%d bytes)", err, len(b))
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// TestSGDMatchesPyTorch replays PyTorch's SGD from the same weights and data: plain, with
// momentum 0.9, with weight decay 0.01, with the thirds schedule (γ = 0.5, iters 12:
// milestones 4 and 8), and all three, on n = 103 examples in batches of 10 with the short
// last batch of 3 kept (step 10), for 14 steps, so that the data order wraps around once.
// The weights after every step agree to float32 rounding.
func TestSGDMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "sgd_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx sgdFixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	x := f32s(t, fx.Inputs)
	train := &data.Set{Name: "fixture", Dim: fx.Dim, Classes: fx.Classes, X: x, Y: fx.Labels}
	test := &data.Set{Name: "fixture test", Dim: fx.Dim, Classes: fx.Classes, X: x[:100*fx.Dim], Y: fx.Labels[:100]}
	start := f32s(t, fx.Weights)
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
				"momentum": fmt.Sprint(c.Momentum), "weightDecay": fmt.Sprint(c.WeightDecay), "schedule": schedule, "gamma": "0.5"} {
				if err := s.SetText(k, v); err != nil {
					t.Fatalf("%s=%s: %v", k, v, err)
				}
			}
			tr, err := NewTrainer(s, train, test)
			if err != nil {
				t.Fatal(err)
			}
			if got := tr.Net().NumParams(); got != len(start) {
				t.Fatalf("network has %d weights, PyTorch's %d", got, len(start))
			}
			copy(tr.Net().Params, start)
			worst := 0.0
			for k, after := range c.After {
				if _, err := tr.Step(); err != nil {
					t.Fatal(err)
				}
				want := f32s(t, after)
				for i, w := range tr.Net().Params {
					d := math.Abs(float64(w) - float64(want[i]))
					worst = max(worst, d)
					if d > 2e-6+1e-5*math.Abs(float64(want[i])) {
						t.Fatalf("after step %d, weight %d = %v, PyTorch %v", k, i, w, want[i])
					}
				}
			}
			t.Logf("%d steps, worst difference %.2g", len(c.After), worst)
		})
	}
}
