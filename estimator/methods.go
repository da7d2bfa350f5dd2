package estimator

import (
	"fmt"
	"strings"
)

// Estimator estimates the tail index α of a sample of scalars. Every method
// of [Methods] is one; Name is its name in [Estimate].Method.
type Estimator interface {
	Name() string
	Estimate(x []float64) (Estimate, error)
}

// Config holds the options a method of [Methods] may take; each uses the
// fields that apply to it and ignores the others. The zero Config gives
// every method its defaults.
type Config struct {
	// K1 is the block size of the Mohammadi estimators; 0 means PaperK1(N).
	K1 int
	// KeepZeros keeps exact zeros, as the paper's code does. By default
	// every method runs on the non-zero values only (Hill always does: its
	// top order statistics do not see zeros).
	KeepZeros bool
	// HillK is Hill's number of upper order statistics; 0 means ⌈√N⌉.
	HillK int
}

// Method is one row of the methods table: everything a command line, a
// page or a measurement needs to list, explain and run an estimator.
type Method struct {
	Name  string // as in Estimate.Method, the CLI's -method flag and JSON
	Label string // plain words with the source, for tables and legends
	Help  string // one sentence: what it does and when it misleads
	// New returns the estimator with the options of c that apply to it.
	New func(c Config) Estimator
}

// Methods is the one table of estimators, in the order Analyze runs them and
// the views list them. The command line (tailindex -method), Analyze, the
// accuracy table, the Estimator view and the network noise measurement all
// read it.
var Methods = []Method{
	{
		Name:  "mohammadi",
		Label: "Mohammadi et al. 2015, block sums (the paper's)",
		Help:  "compares the log size of block sums with the mean log size of their terms; the paper's estimator",
		New:   func(c Config) Estimator { return Mohammadi{K1: c.K1, KeepZeros: c.KeepZeros} },
	},
	{
		Name:  "mohammadi-os",
		Label: "Mohammadi et al. 2015, order statistics",
		Help:  "the same blocks compared through medians: robust to a few wild values, noisier",
		New:   func(c Config) Estimator { return MohammadiOS{K1: c.K1, KeepZeros: c.KeepZeros} },
	},
	{
		Name:  "mcculloch",
		Label: "McCulloch 1986, quantiles",
		Help:  "matches the spread of the 5–95% quantiles against the interquartile range; gives σ̂ too",
		New:   func(c Config) Estimator { return McCulloch{KeepZeros: c.KeepZeros} },
	},
	{
		Name:  "hill",
		Label: "Hill 1975, largest values",
		Help:  "the mean log excess of the largest |x|; overestimates α near 2, where the Pareto tail starts far out",
		New:   func(c Config) Estimator { return Hill{K: c.HillK} },
	},
	{
		Name:  "koutrouvelis",
		Label: "Koutrouvelis 1980, characteristic function",
		Help:  "regresses the log of the empirical characteristic function on log t; gives σ̂ too",
		New:   func(c Config) Estimator { return Koutrouvelis{KeepZeros: c.KeepZeros} },
	},
}

// MethodNames lists the names of Methods, in order.
var MethodNames = func() []string {
	out := make([]string, len(Methods))
	for i, m := range Methods {
		out[i] = m.Name
	}
	return out
}()

// LookupMethod returns the method called name (case and surrounding spaces
// ignored), or an error naming the known ones.
func LookupMethod(name string) (Method, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, m := range Methods {
		if m.Name == n {
			return m, nil
		}
	}
	return Method{}, fmt.Errorf("estimator: unknown method %q (want one of %s)", name, strings.Join(MethodNames, ", "))
}

// MethodLabel is the plain-words label of the method called name, or name
// itself when there is none.
func MethodLabel(name string) string {
	if m, err := LookupMethod(name); err == nil {
		return m.Label
	}
	return name
}

// Name returns "mohammadi".
func (Mohammadi) Name() string { return "mohammadi" }

// Name returns "mohammadi-os".
func (MohammadiOS) Name() string { return "mohammadi-os" }

// Name returns "mcculloch".
func (McCulloch) Name() string { return "mcculloch" }

// Name returns "hill".
func (Hill) Name() string { return "hill" }

// Name returns "koutrouvelis".
func (Koutrouvelis) Name() string { return "koutrouvelis" }
