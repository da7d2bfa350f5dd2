package spec_test

import (
	"fmt"

	"github.com/tailscope/tailscope/sim/spec"
)

// A runner reads a spec through its kind's typed parameters, and a view that changes a value
// writes the struct back (validated).
func ExampleSpec_MLP() {
	s, err := spec.ParseArg("preset=paper-mnist&width=64", "mlp")
	if err != nil {
		panic(err)
	}
	p, err := s.MLP()
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Dataset, p.N, p.Width, p.Depth, p.Batch, p.NoiseBatches(), s.Seed)

	p.Width = 2048 // more than the table allows
	if _, err := p.Spec(s.Seed); err != nil {
		fmt.Println(err)
	}
	// Output:
	// mnist 60000 64 3 100 600 0
	// width: must be in [4, 1024] units, got 2048
}

// A short link opened in the browser starts from the kind's page preset, seed included.
func ExampleFromQuery() {
	s, ignored := spec.FromQuery(map[string][]string{"alpha": {"0.9"}}, "stable", spec.PagePreset)
	p, _ := s.Stable()
	fmt.Println(s.Seed, p.Dist, p.Alpha, p.N, len(ignored))
	// Output: 1 sas 0.9 10000 0
}
