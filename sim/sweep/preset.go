package sweep

import (
	"slices"

	"github.com/tailscope/tailscope/sim/spec"
)

// Preset is a named sweep.
type Preset struct {
	Name  string
	Label string
	Help  string
	build func() Sweep
}

// Sweep returns the preset's sweep. It is not necessarily valid: the paper's grid holds runs
// that the mlp kind's per-run budget refuses, and Validate says which.
func (p Preset) Sweep() Sweep { return p.build() }

var presets = []Preset{
	{
		Name:  "paper",
		Label: "The paper's grid",
		Help: "Şimşekli et al. (2019): width 4 … 1024 × depth 2 … 10 × 3 seeds × {MNIST, CIFAR-10} × {cross-entropy, linear hinge} = 972 runs, " +
			"65 000 SGD steps on 50 000 training examples (all of CIFAR-10's, the first of MNIST's 60 000: one base serves both datasets), " +
			"the noise measured every 6500 steps. Runs on CIFAR-10 need `tailscope data get cifar10` on the server.",
		build: paperGrid,
	},
	{
		Name:  "cpu",
		Label: "A CPU-sized grid",
		Help:  "MNIST, width 16 … 256 × depth 2 … 4 × 2 seeds, 2000 examples and 1000 steps per run, the noise measured every 200: 30 runs, a few minutes on 2 cores.",
		build: cpuGrid,
	},
	{
		Name:  "batch",
		Label: "Batch size (CPU-sized)",
		Help: "MNIST, a 784-64-64-10 network, batch size b = 10 … 250 × 2 seeds, 2000 examples and 500 steps per run, " +
			"the noise of the training and the test set measured every 250 steps: 10 runs, a few minutes on 2 cores. " +
			"Shows α̂ against b with the per-coordinate view beside it (a larger batch is not more Gaussian when pooled; per coordinate it can be).",
		build: batchGrid,
	},
}

// Presets returns the presets.
func Presets() []Preset { return slices.Clone(presets) }

// PresetNames returns the presets' names.
func PresetNames() []string {
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.Name
	}
	return names
}

// LookupPreset returns the preset called name.
func LookupPreset(name string) (Preset, bool) {
	i := slices.IndexFunc(presets, func(p Preset) bool { return p.Name == name })
	if i < 0 {
		return Preset{}, false
	}
	return presets[i], true
}

// PaperDatasets are the datasets of the paper's grid; those the mlp kind does not offer
// (yet) are left out of the preset.
var PaperDatasets = []string{"mnist", "cifar10"}

func paperGrid() Sweep {
	k, _ := spec.Lookup("mlp")
	var datasets []string
	for _, d := range PaperDatasets {
		if slices.Contains(k.Param("dataset").Choices, d) {
			datasets = append(datasets, d)
		}
	}
	// The whole training set: 60 000 for MNIST alone; with CIFAR-10 in the grid, whose training
	// set has 50 000, the base (shared by both datasets) takes 50 000 for both.
	n := "60000"
	if len(datasets) > 1 {
		n = "50000"
	}
	base := spec.MustNew("mlp", 0)
	mustSet(&base, "n", n)
	mustSet(&base, "testN", "10000")
	mustSet(&base, "iters", "65000")
	mustSet(&base, "evalEvery", "6500")
	return mustNormalize(Sweep{
		Base: base,
		Grid: []Axis{
			{Param: "dataset", Values: datasets},
			{Param: "width", Values: []string{"4", "8", "16", "32", "64", "128", "256", "512", "1024"}},
			{Param: "depth", Values: []string{"2", "3", "4", "5", "6", "7", "8", "9", "10"}},
			{Param: "loss", Values: []string{"ce", "hinge"}},
		},
		Seeds: []uint64{1, 2, 3},
	})
}

func cpuGrid() Sweep {
	base := spec.MustNew("mlp", 0)
	mustSet(&base, "dataset", "mnist")
	mustSet(&base, "n", "2000")
	mustSet(&base, "testN", "1000")
	mustSet(&base, "iters", "1000")
	mustSet(&base, "evalEvery", "200")
	return mustNormalize(Sweep{
		Base: base,
		Grid: []Axis{
			{Param: "width", Values: []string{"16", "32", "64", "128", "256"}},
			{Param: "depth", Values: []string{"2", "3", "4"}},
		},
		Seeds: []uint64{1, 2},
	})
}

// batchGrid is α̂ against the batch size, with the test-set noise; n/b ≥ 8 batches for every b,
// so that each coordinate has enough values for the Gaussianity test.
func batchGrid() Sweep {
	base := spec.MustNew("mlp", 0)
	mustSet(&base, "dataset", "mnist")
	mustSet(&base, "n", "2000")
	mustSet(&base, "testN", "1000")
	mustSet(&base, "width", "64")
	mustSet(&base, "iters", "500")
	mustSet(&base, "evalEvery", "250")
	mustSet(&base, "testNoise", "1")
	return mustNormalize(Sweep{
		Base:  base,
		Grid:  []Axis{{Param: "batch", Values: []string{"10", "25", "50", "100", "250"}}},
		Seeds: []uint64{1, 2},
	})
}

func mustSet(s *spec.Spec, name, text string) {
	if err := s.SetText(name, text); err != nil {
		panic("sweep: preset: " + err.Error())
	}
}

func mustNormalize(sw Sweep) Sweep {
	if err := sw.normalize(); err != nil {
		panic("sweep: preset: " + err.Error())
	}
	return sw
}
