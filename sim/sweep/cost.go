package sweep

import (
	"fmt"
	"time"

	"github.com/tailscope/tailscope/sim/spec"
)

// Backend is where runs execute, with the speeds its cost estimates assume.
type Backend struct {
	Name   string      // "cpu"
	Speeds spec.Speeds // one worker's rates per unit of work (spec.Spec.Work)
	// Overhead is the fixed cost of a run: loading its data, the engine's bookkeeping.
	Overhead time.Duration
}

// CPU is one core of the CPU backend, at the reference speeds the kinds' budgets in sim/spec
// are stated in; server/README.md compares them with measured runs.
var CPU = Backend{Name: "cpu", Speeds: spec.ReferenceSpeeds, Overhead: 50 * time.Millisecond}

// Backends lists the backends whose speeds are known. A GPU backend joins the list once its
// speeds are measured.
var Backends = []Backend{CPU}

// RunSeconds estimates the seconds one worker of b takes for run s.
func (b Backend) RunSeconds(s spec.Spec) float64 {
	return b.Overhead.Seconds() + b.Speeds.Seconds(s.Work())
}

// Cost is a sweep's estimated cost on one backend.
type Cost struct {
	Backend string  `json:"backend"`
	Runs    int     `json:"runs"`
	Seconds float64 `json:"seconds"` // on one worker: the sum over runs
	Longest float64 `json:"longest"` // the longest run, in seconds: no number of workers finishes sooner
}

// Wall estimates the wall time on n workers: the work shared evenly, and never less than
// the longest run.
func (c Cost) Wall(workers int) time.Duration {
	sec := max(c.Seconds/float64(max(workers, 1)), c.Longest)
	return time.Duration(sec * float64(time.Second))
}

func (c Cost) String() string {
	return fmt.Sprintf("%s: %d runs, %s on one worker (%s on 2, %s on 16)", c.Backend, c.Runs,
		Human(c.Wall(1)), Human(c.Wall(2)), Human(c.Wall(16)))
}

// Cost estimates the sweep's cost on one worker of b.
func (b Backend) Cost(sw Sweep) Cost {
	c := Cost{Backend: b.Name, Runs: sw.Count()}
	for r := range c.Runs {
		sec := b.RunSeconds(sw.Run(r))
		c.Seconds += sec
		c.Longest = max(c.Longest, sec)
	}
	return c
}

// Estimate returns the sweep's cost on each known backend.
func (sw Sweep) Estimate() []Cost {
	out := make([]Cost, len(Backends))
	for i, b := range Backends {
		out[i] = b.Cost(sw)
	}
	return out
}

// Budget bounds what one sweep may ask of a deployment.
type Budget struct {
	MaxRuns    int     // runs; 0: MaxRuns
	MaxSeconds float64 // estimated seconds on one worker of the backend; 0: no bound
	Backend    Backend // the backend the sweep runs on; zero: CPU
}

// Check refuses a sweep over the budget, with its numbers.
func (b Budget) Check(sw Sweep) error {
	if b.MaxRuns <= 0 {
		b.MaxRuns = MaxRuns
	}
	if b.Backend.Name == "" {
		b.Backend = CPU
	}
	if n := sw.Count(); n > b.MaxRuns {
		return errorf("grid", "the sweep has %d runs, more than the %d this server takes at once", n, b.MaxRuns)
	}
	if b.MaxSeconds <= 0 {
		return nil
	}
	if sec := b.Backend.Cost(sw).Seconds; sec > b.MaxSeconds {
		return errorf("grid", "the sweep's %d runs would take about %s on one %s worker, more than the %s this server takes at once; use fewer values, seeds or iterations",
			sw.Count(), Human(time.Duration(sec*float64(time.Second))), b.Backend.Name, Human(time.Duration(b.MaxSeconds*float64(time.Second))))
	}
	return nil
}

// Human writes a duration for people: "45 s", "12 min", "3.5 h", "4.2 days".
func Human(d time.Duration) string {
	s := d.Seconds()
	switch {
	case s < 90:
		return fmt.Sprintf("%.0f s", s)
	case s < 90*60:
		return fmt.Sprintf("%.0f min", s/60)
	case s < 48*3600:
		return fmt.Sprintf("%.1f h", s/3600)
	}
	return fmt.Sprintf("%.1f days", s/86400)
}
