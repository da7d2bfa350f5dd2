package run

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/tailscope/tailscope/sim/spec"
)

// small gives each kind's parameters for a run of well under a second.
var small = map[string]string{
	"stable":   "n=2000&alpha=1.3",
	"exit":     "walkers=50&steps=2000&eta=0.01",
	"wells":    "walkers=50&steps=2000&eta=0.01",
	"mlp":      "dataset=blobs&n=200&testN=100&width=8&depth=2&batch=20&iters=20&evalEvery=10",
	"iterates": "chains=200&steps=50&mc=2000",
}

// TestEveryKindRuns runs every registered kind through the CPU backend, as the server's
// jobs do: each must give a JSON-encodable result, the same one twice for the same seed.
func TestEveryKindRuns(t *testing.T) {
	for _, kind := range spec.KindNames() {
		q, ok := small[kind]
		if !ok {
			t.Errorf("kind %s has no small spec in this test: add one", kind)
			continue
		}
		s, err := spec.ParseArg("kind="+kind+"&seed=5&"+q, "")
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		var outs [2][]byte
		for i := range outs {
			reports := 0
			res, err := CPU{Workers: 2}.Run(context.Background(), s, func(spec.Progress) { reports++ })
			if err != nil {
				t.Fatalf("%s: Run: %v", s.Key(), err)
			}
			if outs[i], err = json.Marshal(res); err != nil {
				t.Fatalf("%s: result does not encode: %v", kind, err)
			}
			if reports == 0 {
				t.Errorf("%s: no progress reported", kind)
			}
		}
		if !bytes.Equal(outs[0], outs[1]) {
			t.Errorf("%s: two runs of the same spec and seed differ", kind)
		}
	}
}

func TestRunRefusesInvalidAndCancelled(t *testing.T) {
	bad := spec.MustNew("stable", 1)
	bad.Params["alpha"] = spec.Value{Num: 7}
	if _, err := (CPU{}).Run(context.Background(), bad, nil); err == nil {
		t.Error("an invalid spec ran")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, kind := range spec.KindNames() {
		s, _ := spec.ParseArg("kind="+kind+"&"+small[kind], "")
		if _, err := (CPU{}).Run(ctx, s, nil); err == nil {
			t.Errorf("%s: a cancelled run returned no error", kind)
		}
	}
}

// TestMLPResultIndependentOfCores: by default an mlp run gives the same bits whatever the
// number of workers (the server runs with one, the CLI with every core, a browser's worker
// with one thread); SplitMLP asks for the split run, equal to float rounding.
func TestMLPResultIndependentOfCores(t *testing.T) {
	s, err := spec.ParseArg("kind=mlp&dataset=blobs&n=400&testN=100&width=300&depth=3&batch=100&iters=12&evalEvery=6&seed=3", "")
	if err != nil {
		t.Fatal(err)
	}
	encode := func(c CPU) string {
		t.Helper()
		res, err := c.Run(context.Background(), s, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	one := encode(CPU{Workers: 1})
	for _, tc := range []struct {
		name string
		cpu  CPU
		same bool
	}{
		{"workers=2", CPU{Workers: 2}, true},
		{"workers=4", CPU{Workers: 4}, true},
		{"split=1", CPU{Workers: 2, SplitMLP: 1}, true},
		{"split=2", CPU{Workers: 2, SplitMLP: 2}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := encode(tc.cpu); (got == one) != tc.same {
				t.Errorf("result equal to the one-worker run: %v, want %v", got == one, tc.same)
			}
		})
	}
}
