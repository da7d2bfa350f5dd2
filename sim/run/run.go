// Package run executes a spec of any kind: it is the one place that maps an experiment kind to
// the code that computes it. The server's jobs, the CLI and tests call a Backend; the CPU backend
// here runs everything in-process, and a GPU backend can implement the same interface.
package run

import (
	"context"
	"fmt"
	"runtime"

	"github.com/tailscope/tailscope/sim/cpuinfo"
	"github.com/tailscope/tailscope/sim/iterates"
	"github.com/tailscope/tailscope/sim/levy"
	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/stable"
)

// Backend runs specs. Run must honour ctx (return ctx.Err() promptly once it is done), report
// progress through progress (which may be nil), and return a JSON-encodable result. The same
// spec gives the same result on the same platform.
type Backend interface {
	Run(ctx context.Context, s spec.Spec, progress spec.Reporter) (any, error)
}

// CPU runs specs on this machine's processors.
type CPU struct {
	// Workers bounds the goroutines one run may use; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// SplitMLP, when 2 or more, splits each noise measurement's batches of an mlp run
	// between that many goroutines (at most Workers): faster on free cores, but the numbers
	// then equal a one-goroutine run's only to float rounding (about 1e-13 relative in a
	// measurement's sums).
	// 0 or 1, the default, keeps every mlp result independent of the machine's cores, so a
	// spec and seed give the same bits on the server, in the CLI and in a browser's worker.
	SplitMLP int
}

// Run validates s and runs it.
func (c CPU) Run(ctx context.Context, s spec.Spec, progress spec.Reporter) (any, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	switch s.Kind {
	// Each kind's runner is wired here as its package lands.
	case "exit", "wells":
		return levy.Runner{Workers: c.Workers}.Run(ctx, s, progress)
	case "stable":
		return stable.Run(ctx, s, progress)
	case "mlp":
		// SplitMLP goroutines split the noise measurement's batches (mlp.Trainer.SetThreads);
		// one by default (see SplitMLP).
		train, test, err := mlp.LoadData(s)
		if err != nil {
			return nil, err
		}
		return mlp.RunThreads(ctx, s, train, test, progress, max(min(c.SplitMLP, c.workers()), 1))
	case "iterates":
		return iterates.Runner{Workers: c.Workers}.Run(ctx, s, progress)
	}
	return nil, fmt.Errorf("run: no runner for kind %q on the CPU backend", s.Kind)
}

// Namer is a Backend that says which backend and device runs a spec, as users see it.
type Namer interface {
	Name(s spec.Spec) string
}

// workers returns the goroutines one run may use.
func (c CPU) workers() int {
	if c.Workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return c.Workers
}

// Name says "cpu: " and the processor's model and the cores a run may use.
func (c CPU) Name(spec.Spec) string {
	cores := min(c.workers(), runtime.NumCPU())
	if cores == 1 {
		return fmt.Sprintf("cpu: %s, 1 core", cpuinfo.Model())
	}
	return fmt.Sprintf("cpu: %s, %d cores", cpuinfo.Model(), cores)
}
