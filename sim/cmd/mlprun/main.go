// Command mlprun runs one "mlp" experiment and prints its evaluations as a table (or the
// whole result as JSON with -json).
//
//	go run ./sim/cmd/mlprun -spec '{"kind":"mlp","seed":1,"params":{"n":60000,"width":64}}'
//	go run ./sim/cmd/mlprun 'kind=mlp&n=60000&width=64'
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/spec"
)

func main() {
	specJSON := flag.String("spec", "", "the spec as JSON (or give it as a URL query argument)")
	asJSON := flag.Bool("json", false, "print the whole result as JSON")
	quiet := flag.Bool("q", false, "no progress on stderr")
	flag.Parse()
	s, err := readSpec(*specJSON, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "mlprun:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	var rep spec.Reporter
	if !*quiet {
		rep = func(p spec.Progress) {
			fmt.Fprintf(os.Stderr, "\r%5.1f%% %-60s", 100*p.Fraction, p.Message)
		}
	}
	res, err := mlp.Run(ctx, s, rep)
	if !*quiet {
		fmt.Fprintf(os.Stderr, "\rdone in %.1f s%60s\n", time.Since(start).Seconds(), "")
	}
	if res != nil {
		if *asJSON {
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", " ")
			enc.Encode(res)
		} else {
			printTable(res)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mlprun:", err)
		os.Exit(1)
	}
}

func readSpec(js string, args []string) (spec.Spec, error) {
	switch {
	case js != "":
		return spec.ParseArg(js, "mlp")
	case len(args) == 1:
		return spec.ParseArg(args[0], "mlp")
	case len(args) > 1:
		return spec.Spec{}, fmt.Errorf("one spec please, got %d arguments", len(args))
	}
	return spec.MustNew("mlp", 1), nil
}

func printTable(res *mlp.Result) {
	b, _ := json.Marshal(res.Spec)
	fmt.Printf("spec: %s\nnetwork %v, %d weights; noise on %s\n\n", b, res.Sizes, res.Params,
		map[bool]string{true: "all P batches (paper's protocol)", false: "a subset of the batches"}[res.Full])
	fmt.Println("| iter | train loss | train acc | test loss | test acc | α̂ (95% CI) | α̂ ref | zeros | α̂ per layer | others (subsample) |")
	fmt.Println("|---:|---:|---:|---:|---:|---|---:|---:|---|---|")
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
		fmt.Printf("| %d | %.4f | %.4f | %.4f | %.4f | %.3f (%.3f–%.3f) | %.3f | %.1f%% | %s | %s |\n",
			e.Iter, e.TrainLoss, e.TrainAcc, e.TestLoss, e.TestAcc, e.Alpha, e.Lo, e.Hi, e.Noise.AlphaRef.Alpha,
			100*e.ZeroFrac, strings.Join(layers, " "), strings.Join(others, ", "))
	}
}
