package spec

import "fmt"

// Unit is what a kind's work is counted in: the quantity its budget bounds.
type Unit string

// The units of the kinds' work.
const (
	MulAdds     Unit = "multiply-adds"  // mlp: the products of training steps and measurements
	WalkerSteps Unit = "walker steps"   // exit, wells: walkers × steps × noises
	Draws       Unit = "Gaussian draws" // iterates: chains × steps × b × d
	Samples     Unit = "samples"        // stable: values drawn and estimated
)

// Work is what a run of a spec takes, in the unit its kind's budget is stated in. It is the
// one cost model: the kinds' checks refuse a spec by it, the server admits runs by it and a
// sweep's estimate adds it up.
type Work struct {
	Amount float64
	Unit   Unit
	Field  string // the parameter that sets most of it: the one to lower
}

func (w Work) String() string { return fmt.Sprintf("%.2g %s", w.Amount, w.Unit) }

// Speeds are the rates of one worker of a backend, per unit of work.
type Speeds map[Unit]float64

// ReferenceSpeeds are the rates one CPU core is assumed to reach, the ones the kinds' budgets
// are stated in (MLPMaxWork: "about three hours on one core at 2 GFLOP/s", maxWalkerSteps:
// "about ten minutes at 20 M steps/s", IteratesMaxWork: "about two minutes at 1e8 draws per
// second"); a core of the development machine reaches or beats each.
var ReferenceSpeeds = Speeds{MulAdds: 2e9, WalkerSteps: 20e6, Draws: 1e8, Samples: 2e6}

// Seconds is the time w takes at these speeds; 0 for a unit they have no rate for.
func (sp Speeds) Seconds(w Work) float64 {
	r := sp[w.Unit]
	if r <= 0 {
		return 0
	}
	return w.Amount / r
}

// Work returns the work of s as its kind's budget counts it. A spec of an unknown kind, or
// one whose parameters cannot be read, has no work.
func (s Spec) Work() Work {
	switch s.Kind {
	case "mlp":
		_, work := MLPCost(s)
		return Work{work, MulAdds, "iters"}
	case "exit":
		if p, err := s.Exit(); err == nil {
			return Work{p.NoiseParams.walkerSteps(), WalkerSteps, "steps"}
		}
	case "wells":
		if p, err := s.Wells(); err == nil {
			return Work{p.NoiseParams.walkerSteps(), WalkerSteps, "steps"}
		}
	case "iterates":
		if p, err := s.Iterates(); err == nil {
			return Work{float64(p.Chains) * float64(p.Steps) * float64(p.B) * float64(p.D), Draws, "steps"}
		}
	case "stable":
		if p, err := s.Stable(); err == nil {
			return Work{float64(p.N), Samples, "n"}
		}
	}
	return Work{}
}

// walkerSteps is walkers × steps, twice with both noises: the work of an exit or wells run.
func (n NoiseParams) walkerSteps() float64 {
	w := float64(n.Walkers) * float64(n.Steps)
	if n.Noise == NoiseBoth {
		w *= 2
	}
	return w
}
