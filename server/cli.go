package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/tailscope/tailscope/estimator/cmd/accuracy"
	"github.com/tailscope/tailscope/estimator/cmd/tailcheck"
	"github.com/tailscope/tailscope/estimator/cmd/tailindex"
	"github.com/tailscope/tailscope/sim/cmd/simrun"
	"github.com/tailscope/tailscope/sim/data/download"
	"github.com/tailscope/tailscope/sim/landscape/cmd/exitcompare"
)

// A command is one `tailscope NAME` subcommand. Main gets the arguments after NAME and
// returns the exit status; ctx is cancelled by Ctrl-C or SIGTERM.
type command struct {
	name, args, help string
	main             func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands is the table of subcommands, in the order `tailscope help` lists them. "serve"
// (the default: no subcommand) is handled by main itself, with the server's flags.
var commands = []command{
	{"serve", "[-addr host:port] [-data DIR] ...", "run the server: the app, the JSON API and the database (the default)", nil},
	{"run", "[-q] [-workers N] SPEC", "run one spec of any kind on the CPU, print the result as JSON", simrun.Run},
	{"kinds", "", "list every kind of run and its parameters", simrun.Kinds},
	{"mlp", "[-q] [SPEC]", "train one network (kind mlp) and print its evaluations as a table", simrun.MLP},
	{"tailindex", "[flags] FILE...", "estimate the tail index α of your own noise dumps (.npy, .csv, .txt, gzip)", tailindex.Main},
	{"accuracy", "[-reps 100] [-seed 1] [-n 1000,10000,100000]", "the estimators' bias, RMSE and coverage on SαS samples", accuracy.Main},
	{"tailcheck", "[-reps 100] [-seed 1] [-n 10000,100000]", "how often the tail check catches finite variance, and its false alarms", tailcheck.Main},
	{"exitcompare", "[-alpha 1.5] [-eps 0.3] ...", "exit times from one basin, Lévy vs Gaussian: theory and simulation", exitcompare.Main},
	{"worker", "-nats URL [-backend cpu] [-workers N]", "take runs from a server's NATS JetStream queue and execute them on this machine", workerMain},
	{"sweep", "[-server URL] SWEEP", "a grid of runs (a preset: paper, cpu, batch): its size and estimated time; with -server, run it there", sweepMain},
	{"data", "get|list [-data DIR] [cifar10|cifar100]", "download CIFAR-10/100 into the data directory (resumable, checksummed), or list what is there", download.Main},
	{"db", "check|compact|backup [-data DIR] [FILE]", "check, compact or back up the server's database (with the server stopped)", dbMain},
	{"help", "", "this list", nil},
}

// subcommand runs the subcommand named by args[0] (os.Args[1:]), if any, and reports
// whether it did. With no subcommand (no arguments, a flag first) or "serve", it leaves
// os.Args holding only the server's flags and returns false: main then serves.
func subcommand(args []string) (status int, handled bool) {
	if len(args) > 0 && args[0] == "serve" {
		os.Args = append(os.Args[:1:1], args[1:]...)
		return 0, false
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return dispatch(ctx, args, os.Stdin, os.Stdout, os.Stderr)
}

// dispatch runs the subcommand args[0] with the rest of args; handled is false when args
// name no subcommand but the server ("serve", or no arguments, or flags).
func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (status int, handled bool) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") || args[0] == "serve" {
		return 0, false
	}
	name := args[0]
	if name == "help" {
		usage(stdout)
		return 0, true
	}
	for _, c := range commands {
		if c.name == name && c.main != nil {
			return c.main(ctx, args[1:], stdin, stdout, stderr), true
		}
	}
	fmt.Fprintf(stderr, "tailscope: unknown command %q\n\n", name)
	usage(stderr)
	return 2, true
}

// usage writes the table of subcommands.
func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: tailscope [COMMAND] [ARGS]   (no command: serve)")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s %s\t%s\n", c.name, c.args, c.help)
	}
	tw.Flush()
	fmt.Fprintln(w, "\n`tailscope COMMAND -h` lists a command's flags. SPEC is a spec as JSON or as a URL query, e.g. 'kind=exit&alpha=1.2'.")
}
