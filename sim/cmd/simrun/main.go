// Command simrun runs one experiment of any kind on the CPU backend, exactly as the server's
// job API would, and prints its result as JSON. The spec is the one the browser's share links
// and the server speak, given as JSON or as a URL query (the part after '?' or '#view?' of a
// share link):
//
//	go run ./sim/cmd/simrun '{"kind":"exit","seed":3,"params":{"alpha":1.2}}'
//	go run ./sim/cmd/simrun 'kind=wells&seed=3&alpha=1.2'
//	go run ./sim/cmd/simrun -kinds            # every kind and its parameters
//
// Progress goes to stderr; Ctrl-C cancels the run.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"time"

	"github.com/tailscope/tailscope/sim/run"
	"github.com/tailscope/tailscope/sim/spec"
)

func main() {
	quiet := flag.Bool("q", false, "no progress on stderr")
	listKinds := flag.Bool("kinds", false, "list every kind, its parameters and its presets, then exit")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "goroutines a run may use")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: simrun [-q] [-workers N] SPEC   (SPEC: JSON or a URL query such as 'kind=exit&alpha=1.2' or 'kind=mlp&preset=paper-mnist&width=64'; -kinds lists the parameters and presets)")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *listKinds {
		printKinds(os.Stdout)
		return
	}
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	s, err := spec.ParseArg(flag.Arg(0), "")
	if err != nil {
		fmt.Fprintln(os.Stderr, "simrun: invalid spec:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var progress spec.Reporter
	if !*quiet {
		var last time.Time
		progress = func(p spec.Progress) {
			if time.Since(last) > 200*time.Millisecond || p.Fraction >= 1 {
				last = time.Now()
				fmt.Fprintf(os.Stderr, "\r%5.1f%% %-60.60s", 100*p.Fraction, p.Message)
			}
		}
	}
	start := time.Now()
	res, err := run.CPU{Workers: *workers}.Run(ctx, s, progress)
	if !*quiet {
		fmt.Fprintf(os.Stderr, "\r%s run done in %.1f s%50s\n", s.Kind, time.Since(start).Seconds(), "")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "simrun:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"spec": s, "result": res}); err != nil {
		fmt.Fprintln(os.Stderr, "simrun: encoding the result:", err)
		os.Exit(1)
	}
}

// printKinds writes each kind's parameter table and presets: the same table the browser draws
// its controls from and the server validates against.
func printKinds(w io.Writer) {
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
