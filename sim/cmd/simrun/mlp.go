package simrun

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/noise"
	"github.com/tailscope/tailscope/sim/spec"
)

// MLP is `tailscope mlp [-q] [-workers N] [-spec JSON | SPEC]`: it runs one "mlp" experiment
// (the kind's defaults when no spec is given; a URL query may leave out kind=mlp) and prints
// its evaluations as a Markdown table. `tailscope run` gives the same run as JSON.
func MLP(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mlp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specJSON := fs.String("spec", "", "the spec as JSON (or give it as a URL query argument)")
	quiet := fs.Bool("q", false, "no progress on stderr")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines a run may use")
	split := fs.Int("split", 1, splitHelp)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tailscope mlp [-q] [-workers N] [-split N] [-spec JSON | SPEC]   (SPEC: a URL query such as 'n=60000&width=64'; for JSON output use tailscope run)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	s, err := readMLPSpec(*specJSON, fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, "tailscope mlp:", err)
		return 2
	}
	if s.Kind != "mlp" {
		fmt.Fprintf(stderr, "tailscope mlp: the spec is of kind %q; tailscope run takes every kind\n", s.Kind)
		return 2
	}
	if *split < 1 {
		fmt.Fprintf(stderr, "tailscope mlp: -split %d: want ≥ 1\n", *split)
		return 2
	}
	res, err := runWithProgress(ctx, s, *workers, *split, *quiet, stderr)
	if r, ok := res.(*mlp.Result); ok && r != nil { // a failed run may still hold the evaluations made
		printTable(stdout, r)
	}
	if err != nil {
		fmt.Fprintln(stderr, "tailscope mlp:", err)
		return 1
	}
	return 0
}

// perCoordCells are the table's per-coordinate cells: the median per-coordinate α̂, the share
// of coordinates rejected as Gaussian (of those tested) and the standardised pooled α̂; "n/a"
// where the measurement has no per-coordinate analysis or too few batches for it.
func perCoordCells(pc *noise.PerCoord) (median, rejected, std string) {
	median, rejected, std = "n/a", "n/a", "n/a"
	if pc == nil || pc.Coords == 0 {
		return
	}
	if pc.AlphaQuartiles[2] > 0 {
		median = fmt.Sprintf("%.3f", pc.AlphaQuartiles[2])
	}
	if pc.Tested > 0 {
		rejected = fmt.Sprintf("%.1f%% of %d", 100*pc.Rejected, pc.Tested)
	}
	if pc.Standardised.Alpha > 0 {
		std = fmt.Sprintf("%.3f", pc.Standardised.Alpha)
	}
	return
}

func readMLPSpec(js string, args []string) (spec.Spec, error) {
	switch {
	case js != "" && len(args) > 0:
		return spec.Spec{}, fmt.Errorf("give the spec either with -spec or as an argument, not both")
	case js != "":
		return spec.ParseArg(js, "mlp")
	case len(args) == 1:
		return spec.ParseArg(args[0], "mlp")
	case len(args) > 1:
		return spec.Spec{}, fmt.Errorf("one spec please, got %d arguments", len(args))
	}
	return spec.MustNew("mlp", 1), nil
}

func printTable(w io.Writer, res *mlp.Result) {
	b, _ := json.Marshal(res.Spec)
	fmt.Fprintf(w, "spec: %s\nnetwork %v, %d weights, trained in %s; noise on %s\n\n", b, res.Sizes, res.Params,
		res.Spec.Text("precision"), map[bool]string{true: "all P batches (paper's protocol)", false: "a subset of the batches"}[res.Full])
	fmt.Fprintln(w, "| iter | train loss | train acc | test loss | test acc | α̂ (95% CI) | α̂ ref | zeros | coord α̂ median | non-Gaussian coords | α̂ standardised | α̂ per layer | others (subsample) |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---|")
	for _, e := range res.Evaluations {
		var layers, others []string
		for _, a := range e.LayerAlpha {
			if a == 0 { // the layer's estimate failed; Noise.Layers holds the reason
				layers = append(layers, "n/a")
				continue
			}
			layers = append(layers, fmt.Sprintf("%.2f", a))
		}
		for _, o := range e.Noise.Others {
			others = append(others, fmt.Sprintf("%s %.2f", o.Method, o.Alpha))
		}
		median, rejected, std := perCoordCells(e.Noise.PerCoord)
		fmt.Fprintf(w, "| %d | %.4f | %.4f | %.4f | %.4f | %.3f (%.3f–%.3f) | %.3f | %.1f%% | %s | %s | %s | %s | %s |\n",
			e.Iter, e.TrainLoss, e.TrainAcc, e.TestLoss, e.TestAcc, e.Alpha, e.Lo, e.Hi, e.Noise.AlphaRef.Alpha,
			100*e.ZeroFrac, median, rejected, std, strings.Join(layers, " "), strings.Join(others, ", "))
	}
	fmt.Fprintf(w, "\nper coordinate (docs/science.md#per-coordinate): coord α̂ median is the median α̂ of single weights' noise across the minibatches; "+
		"non-Gaussian coords the share of weights an Anderson–Darling test rejects as Gaussian at %.0f%% (about %.0f%% if all are Gaussian); "+
		"α̂ standardised the pooled α̂ after each weight's noise is brought to one scale.\n", 100*noise.ADLevel, 100*noise.ADLevel)
	for _, e := range res.Evaluations {
		if e.TestNoise != nil {
			fmt.Fprintf(w, "test-set noise at %d: α̂ %.3f (%.3f–%.3f), α̂ ref %.3f, zeros %.1f%%\n",
				e.Iter, e.TestAlpha, e.TestLo, e.TestHi, e.TestNoise.AlphaRef.Alpha, 100*e.TestNoise.ZeroFrac)
		}
	}
	if res.Stopped != "" {
		fmt.Fprintf(w, "stopped early: %s\n", res.Stopped)
	}
	for _, d := range res.Protocol {
		fmt.Fprintf(w, "differs from the reference: %s\n", d)
	}
}
