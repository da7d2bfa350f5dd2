// Package exitcompare is `tailscope exitcompare`: it prints, as a Markdown table, mean exit times from a single basin for Lévy
// and Gaussian noise at several widths and heights: the theory (package landscape) next to
// simulations run through the "exit" spec (package levy). It shows in numbers that the Lévy exit
// time barely moves with the height and grows with the width, while the Gaussian one explodes
// with the height.
//
//	tailscope exitcompare [-alpha 1.5] [-eps 0.3] [-eta 0.001] [-walkers 400] [-maxsteps 1000000] [-seed 1]
package exitcompare

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"

	"github.com/tailscope/tailscope/sim/landscape"
	"github.com/tailscope/tailscope/sim/levy"
	"github.com/tailscope/tailscope/sim/spec"
)

// Main runs the command with its flags, writing the table to stdout, and returns the exit status.
func Main(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("exitcompare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	alpha := fs.Float64("alpha", 1.5, "tail index α of the Lévy noise, in (0, 2)")
	eps := fs.Float64("eps", 0.3, "noise scale ε")
	eta := fs.Float64("eta", 1e-3, "Euler step η")
	walkers := fs.Int("walkers", 400, "walkers per simulation")
	maxSteps := fs.Int("maxsteps", 1000000, "steps per walker at most; Gaussian rows whose exact mean needs more than a third of it are not simulated")
	seed := fs.Uint64("seed", 1, "seed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "exitcompare: unexpected arguments %q (flags only)\n", fs.Args())
		return 2
	}
	if err := run(ctx, stdout, *alpha, *eps, *eta, *walkers, *maxSteps, *seed); err != nil {
		fmt.Fprintln(stderr, "exitcompare:", err)
		return 1
	}
	return 0
}

func run(ctx context.Context, out io.Writer, alpha, eps, eta float64, walkers, maxSteps int, seed uint64) error {
	rows := []landscape.Well{
		{A: 1, B: 1, H: 0.25}, {A: 1, B: 1, H: 0.5}, {A: 1, B: 1, H: 1}, {A: 1, B: 1, H: 2},
		{A: 0.5, B: 0.5, H: 0.5}, {A: 2, B: 2, H: 0.5}, {A: 2, B: 0.5, H: 0.5},
	}
	fmt.Fprintf(out, "α = %g, ε = %g, η = %g, %d walkers per simulation, at most %d steps, seed %d.\n\n", alpha, eps, eta, walkers, maxSteps, seed)
	fmt.Fprintln(out, "| a | b | ΔH | ΔH/ε² | Lévy theory | Lévy simulated | Gaussian exact | Kramers | Gaussian simulated |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|---|---|---|")
	for _, w := range rows {
		levyTh := landscape.LevyMeanExit(alpha, eps, w.A, w.B)
		gaussEx, err := landscape.WellGaussianMeanExit(w, eps)
		if err != nil {
			return err
		}
		kr := landscape.KramersMeanExit(w, eps)
		levySim, err := simulate(ctx, w, "levy", alpha, eps, eta, walkers, maxSteps, seed)
		if err != nil {
			return err
		}
		gaussSim := "not run (needs ~" + fmt.Sprintf("%.2g", gaussEx/eta) + " steps)"
		if gaussEx/eta <= float64(maxSteps)/3 {
			if gaussSim, err = simulate(ctx, w, "gauss", alpha, eps, eta, walkers, maxSteps, seed); err != nil {
				return err
			}
		}
		fmt.Fprintf(out, "| %g | %g | %g | %.3g | %.3g | %s | %s | %s | %s |\n", w.A, w.B, w.H, w.H/(eps*eps),
			levyTh, levySim, num(gaussEx), num(kr), gaussSim)
	}
	return nil
}

func num(x float64) string {
	if math.IsInf(x, 0) {
		return "overflow"
	}
	return fmt.Sprintf("%.3g", x)
}

// simulate runs an "exit" spec with one noise and formats its mean exit time ± standard error.
func simulate(ctx context.Context, w landscape.Well, noise string, alpha, eps, eta float64, walkers, maxSteps int, seed uint64) (string, error) {
	s, err := spec.New("exit", seed)
	if err != nil {
		return "", err
	}
	for _, kv := range []struct {
		name string
		v    float64
	}{{"a", w.A}, {"b", w.B}, {"height", w.H}, {"alpha", alpha}, {"eps", eps}, {"eta", eta},
		{"walkers", float64(walkers)}, {"steps", float64(maxSteps)}, {"trace", 0}} {
		if err := s.Set(kv.name, kv.v); err != nil {
			return "", err
		}
	}
	if err := s.SetChoice("noise", noise); err != nil {
		return "", err
	}
	if err := s.Validate(); err != nil {
		return "", err
	}
	res, err := levy.RunExit(ctx, s, nil)
	if err != nil {
		return "", err
	}
	run := res.Levy
	if noise == "gauss" {
		run = res.Gauss
	}
	ex := run.Exit
	out := fmt.Sprintf("%.3g ± %.2g", ex.Mean, ex.StdErr)
	if ex.Exited < ex.Walkers {
		out += fmt.Sprintf(" (%d of %d left; mean is a lower bound)", ex.Exited, ex.Walkers)
	}
	return out, nil
}
