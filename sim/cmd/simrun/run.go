// Package simrun is the command line's way into the simulations: `tailscope run` runs one
// experiment of any kind on the CPU backend, exactly as the server's job API would, and prints
// its result as JSON; `tailscope kinds` lists every kind and its parameters; `tailscope mlp`
// prints an "mlp" run's evaluations as a table. The spec is the one the browser's share links
// and the server speak, given as JSON or as a URL query (the part after '?' or '#view?' of a
// share link):
//
//	tailscope run '{"kind":"exit","seed":3,"params":{"alpha":1.2}}'
//	tailscope run 'kind=wells&seed=3&alpha=1.2'
//	tailscope run 'kind=mlp&preset=paper-mnist&width=64'
//	tailscope kinds            # every kind, its parameters and presets (also: tailscope run -kinds)
//
// Progress goes to stderr; cancelling the context (Ctrl-C in the command) cancels the run.
package simrun

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/tailscope/tailscope/sim/kernel"
	"github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
)

// Run is `tailscope run [-q] [-workers N] [-kinds] SPEC`: it runs the spec and writes
// {"spec":…,"result":…} as indented JSON to stdout. It returns the exit status: 2 for bad
// usage or an invalid spec, 1 for a failed run.
func Run(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quiet := fs.Bool("q", false, "no progress on stderr")
	listKinds := fs.Bool("kinds", false, "list every kind, its parameters and its presets, then exit")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines a run may use")
	split := fs.Int("split", 1, splitHelp)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tailscope run [-q] [-workers N] [-split N] SPEC   (SPEC: JSON or a URL query such as 'kind=exit&alpha=1.2' or 'kind=mlp&preset=paper-mnist&width=64'; tailscope kinds lists the parameters and presets)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *listKinds {
		PrintKinds(stdout)
		return 0
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	s, err := spec.ParseArg(fs.Arg(0), "")
	if err != nil {
		fmt.Fprintln(stderr, "tailscope run: invalid spec:", err)
		return 2
	}
	if *workers < 1 {
		fmt.Fprintf(stderr, "tailscope run: -workers %d: want ≥ 1\n", *workers)
		return 2
	}
	if *split < 1 {
		fmt.Fprintf(stderr, "tailscope run: -split %d: want ≥ 1\n", *split)
		return 2
	}
	res, err := runWithProgress(ctx, s, *workers, *split, *quiet, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "tailscope run:", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"spec": s, "result": res}); err != nil {
		fmt.Fprintln(stderr, "tailscope run: encoding the result:", err)
		return 1
	}
	return 0
}

// splitHelp documents -split, which mlp and run share.
const splitHelp = "mlp runs: goroutines that split each noise measurement's batches (faster on free cores; the numbers then equal a one-goroutine run's to float rounding, not bit for bit; steps use every worker anyway, bit for bit)"

// runWithProgress runs s on the CPU backend, the one path every subcommand takes, with a
// progress line on stderr unless quiet.
func runWithProgress(ctx context.Context, s spec.Spec, workers, split int, quiet bool, stderr io.Writer) (any, error) {
	var progress spec.Reporter
	if !quiet {
		var last time.Time
		progress = func(p spec.Progress) {
			if time.Since(last) > 200*time.Millisecond || p.Fraction >= 1 {
				last = time.Now()
				fmt.Fprintf(stderr, "\r%5.1f%% %-60.60s", 100*p.Fraction, p.Message)
			}
		}
	}
	// One run owns this process, so its matrix products and weight updates are split
	// between the workers (kernel.SetThreads: bit for bit the one-goroutine numbers). With
	// -split N the noise measurement also cuts its batches into N ranges (run.CPU.SplitMLP;
	// numbers equal to float rounding, so it is asked for, not a default). The server, which
	// runs several specs at once, keeps the kernels' default of one goroutine per product.
	if s.Kind == "mlp" {
		defer kernel.SetThreads(kernel.SetThreads(workers))
	}
	start := time.Now()
	res, err := run.CPU{Workers: workers, SplitMLP: split}.Run(ctx, s, progress)
	if !quiet {
		fmt.Fprintf(stderr, "\r%s run done in %.1f s%50s\n", s.Kind, time.Since(start).Seconds(), "")
	}
	return res, err
}

// Kinds is `tailscope kinds`: every kind's parameter table.
func Kinds(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: tailscope kinds   (takes no arguments)")
		return 2
	}
	PrintKinds(stdout)
	return 0
}

// PrintKinds writes each kind's parameter table and presets: the same table the browser draws
// its controls from and the server validates against.
func PrintKinds(w io.Writer) {
	for _, k := range spec.Kinds() {
		fmt.Fprintf(w, "%s — %s: %s\n", k.Name, k.Label, k.Help)
		defaults := spec.MustNew(k.Name, 0)
		for _, p := range k.Params {
			def := defaults.Text(p.Name)
			allowed := p.Range()
			if p.Type == spec.Choice {
				allowed = fmt.Sprint(p.Choices)
			} else if p.Type == spec.Bool {
				allowed = "true|false"
			}
			fmt.Fprintf(w, "  %-12s %-6v default %-8s %-22s %s\n", p.Name, p.Type, def, allowed, p.Label)
		}
		for _, p := range k.Presets {
			fmt.Fprintf(w, "  preset=%-12s %s (%s): %s\n", p.Name, p.Label, p.Values, p.Help)
		}
		fmt.Fprintln(w)
	}
}
