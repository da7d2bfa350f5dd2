package iteratesview

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/worker"
)

func run(t *testing.T, q string) *Result {
	t.Helper()
	s, err := spec.ParseArg("kind=iterates&"+q, "")
	if err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(s)
	out, err := worker.Run(context.Background(), Job, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	var r Result
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// TestWords checks the sentences and charts for three regimes: heavy tails (the page's),
// light tails (a small step) and divergence.
func TestWords(t *testing.T) {
	tests := []struct {
		name, query string
		headline    string   // a phrase of the headline
		want        []string // phrases of the other sentences
		guide       bool     // the survival chart has the theory's slope
	}{
		{"heavy", "seed=1&chains=3000&mc=20000", "yet the iterates are heavy-tailed",
			[]string{"the interval holds the theory's value", "at η/b = 2/(σ²(b+d+1)) = 0.5,", "light-tailed"}, true},
		{"light", "seed=1&eta=0.05&chains=2000&mc=20000", "finite variance",
			[]string{"beyond 20", "here η/b = 0.05"}, false},
		{"diverging", "seed=1&eta=1&d=3&chains=200&steps=3000&mc=20000", "multiplies the distance",
			[]string{"chains diverged", "do not settle"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.query)
			if h := r.Headline(); !strings.Contains(h, tt.headline) {
				t.Errorf("headline %q lacks %q", h, tt.headline)
			}
			all := r.IteratesText() + " | " + r.TheoryText() + " | " + r.NoiseText()
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("%q lacks %q", all, w)
				}
			}
			for _, c := range []interface{ Validate() error }{r.SurvivalChart(), r.HChart()} {
				if err := c.Validate(); err != nil {
					t.Error(err)
				}
			}
			if got := len(r.SurvivalChart().Series) == 2; got != tt.guide {
				t.Errorf("survival chart has the theory's slope: %v, want %v", got, tt.guide)
			}
		})
	}
}

func TestJobRefusesOtherKinds(t *testing.T) {
	in, _ := json.Marshal(spec.MustNew("stable", 1))
	if _, err := worker.Run(context.Background(), Job, in, nil); err == nil || !strings.Contains(err.Error(), "iterates") {
		t.Errorf("err = %v, want a refusal naming the kind", err)
	}
}
