// Package tailindex is `tailscope tailindex`: it estimates the tail index α of
// the numbers in files.
//
//	tailscope tailindex [flags] FILE...
//
// FILE is a NumPy .npy array (float32/float64, any byte order, C or Fortran
// order, any shape: all values pooled), a text file of numbers separated by
// commas, spaces or newlines, or a gzip of either; "-" reads stdin. Flags:
//
//	-method m1,m2   estimators to run (default all; -help lists them, from
//	                estimator.Methods)
//	-k1 K           block size of the Mohammadi estimators (default: the
//	                largest divisor of N not above sqrt(N))
//	-keep-zeros     keep exact zeros in every estimator, as the
//	                paper's code does (biased low; default: skip them)
//	-vector         treat the last axis as the vector dimension (Euclidean-norm
//	                form of Mohammadi's estimator)
//	-hill-k k       Hill's number of order statistics (default ceil(sqrt(N)))
//	-json           one JSON object per file per line
//	-no-tail-check  leave out the tail check (see below)
//	-max-values n   refuse files of more than n values (default 1<<27)
//	-max-bytes n    refuse files of more than n (decompressed) bytes (default 2 GiB)
//
// A file that cannot be read or analysed gives one error line on stderr
// naming the file and the problem (and, with -json, an object with an
// "error" field); the other files are still processed and the exit status
// is 1. So does a file on which every requested method refuses to run (e.g.
// -k1 larger than half its size): its table or JSON line lists the warnings.
//
// Every file also gets the tail check (estimator.CheckTails): does the
// α-stable law fitted to the middle of the data match its largest values?
// Finite-variance data (Student-t, Laplace, Gaussian mixtures) fail it, and
// the warning says so; -no-tail-check leaves it out.
package tailindex

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/estimator/dump"
)

// Main runs the command with its arguments (flags, then files) and returns the exit status.
func Main(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(args, stdin, stdout, stderr)
}

// result is the JSON line for one file.
type result struct {
	File      string                 `json:"file"`
	N         int                    `json:"n"`
	Zeros     int                    `json:"zeros"`
	Shape     []int                  `json:"shape,omitempty"`
	Estimates []estimator.Estimate   `json:"estimates"`
	K1Drift   []estimator.DriftPoint `json:"k1_drift,omitempty"`
	TailCheck *estimator.TailCheck   `json:"tail_check,omitempty"`
	Warnings  []string               `json:"warnings"`
	Error     string                 `json:"error,omitempty"`
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tailindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	methods := fs.String("method", "all", "comma-separated estimators, or all:"+methodList())
	k1 := fs.Int("k1", 0, "block size K1 of the Mohammadi estimators (0: largest divisor of N not above sqrt(N))")
	keep := fs.Bool("keep-zeros", false, "keep exact zeros, as the paper's code does (by default every method leaves them out)")
	vector := fs.Bool("vector", false, "treat the last axis as the vector dimension")
	hillK := fs.Int("hill-k", 0, "Hill's number of upper order statistics (0: ceil(sqrt(N)))")
	asJSON := fs.Bool("json", false, "one JSON object per file per line")
	noTail := fs.Bool("no-tail-check", false, "leave out the tail check (is the α-stable fit right about the largest values?)")
	maxValues := fs.Int("max-values", dump.DefaultMaxValues, "refuse files with more values than this")
	maxBytes := fs.Int64("max-bytes", dump.DefaultMaxBytes, "refuse files with more (decompressed) bytes than this")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: tailscope tailindex [flags] FILE... (- for stdin)\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	opt := estimator.Options{K1: *k1, KeepZeros: *keep, HillK: *hillK, NoTailCheck: *noTail}
	if *k1 < 0 || *k1 == 1 {
		fmt.Fprintf(stderr, "tailindex: -k1 %d: want 0 (default) or ≥ 2\n", *k1)
		return 2
	}
	if *maxValues < 1 || *maxBytes < 1 {
		fmt.Fprintf(stderr, "tailindex: -max-values and -max-bytes must be ≥ 1\n")
		return 2
	}
	caps := dump.Options{MaxValues: *maxValues, MaxBytes: *maxBytes}
	if *hillK < 0 {
		fmt.Fprintf(stderr, "tailindex: -hill-k %d: want ≥ 0\n", *hillK)
		return 2
	}
	if *methods != "all" {
		for _, m := range strings.Split(*methods, ",") {
			mt, err := estimator.LookupMethod(m)
			if err != nil {
				fmt.Fprintf(stderr, "tailindex: -method: %s or all\n", strings.TrimPrefix(err.Error(), "estimator: "))
				return 2
			}
			opt.Methods = append(opt.Methods, mt.Name)
		}
	}
	status := 0
	enc := json.NewEncoder(stdout)
	for _, name := range fs.Args() {
		res, err := analyze(name, stdin, opt, *vector, caps)
		if err != nil {
			status = 1
			fmt.Fprintf(stderr, "tailindex: %v\n", err)
			if *asJSON {
				enc.Encode(result{File: name, Error: err.Error()})
			}
			continue
		}
		if len(res.Estimates) == 0 {
			// Every requested method refused (e.g. -k1 or -hill-k too large for the file):
			// the warnings say why, and the exit status says that nothing was estimated.
			res.Error = name + ": no estimate: every requested method refused the data (see the warnings)"
			fmt.Fprintf(stderr, "tailindex: %s\n", res.Error)
			status = 1
		}
		if *asJSON {
			if err := enc.Encode(res); err != nil {
				fmt.Fprintf(stderr, "tailindex: %s: %v\n", name, err)
				status = 1
			}
			continue
		}
		printTable(stdout, res)
	}
	return status
}

// analyze reads and analyses one file; errors name the file.
func analyze(name string, stdin io.Reader, opt estimator.Options, vector bool, caps dump.Options) (result, error) {
	res := result{File: name}
	var r io.Reader
	if name == "-" {
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return res, err // *PathError names the file
		}
		defer f.Close()
		r = f
	}
	d, err := dump.Parse(name, r, caps)
	if err != nil {
		return res, err
	}
	res.Shape = d.Shape
	if vector {
		if len(d.Shape) < 2 {
			return res, fmt.Errorf("%s: -vector needs an array of 2 or more axes, the file has shape %v", name, d.Shape)
		}
		opt.Dim = d.Shape[len(d.Shape)-1]
	}
	rep, err := estimator.Analyze(d.Values, opt)
	if err != nil {
		return res, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "estimator: "))
	}
	res.N, res.Zeros, res.Estimates, res.K1Drift, res.TailCheck, res.Warnings = rep.N, rep.Zeros, rep.Estimates, rep.K1Drift, rep.TailCheck, rep.Warnings
	if res.Warnings == nil {
		res.Warnings = []string{}
	}
	if res.Estimates == nil {
		res.Estimates = []estimator.Estimate{} // "estimates":[] in JSON, as for any analysed file
	}
	return res, nil
}

func printTable(w io.Writer, r result) {
	fmt.Fprintf(w, "%s: n=%d zeros=%d shape=%v\n", r.File, r.N, r.Zeros, r.Shape)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  method\talpha\t95% CI\tsigma\tN used\t")
	for _, e := range r.Estimates {
		sigma := ""
		if e.Sigma != 0 {
			sigma = fmt.Sprintf("%.4g", e.Sigma)
		}
		fmt.Fprintf(tw, "  %s\t%.3f\t[%.3f, %.3f]\t%s\t%d\t\n", e.Method, e.Alpha, e.Lo, e.Hi, sigma, e.N)
	}
	tw.Flush()
	if len(r.K1Drift) > 0 {
		var b strings.Builder
		for _, p := range r.K1Drift {
			fmt.Fprintf(&b, " %d:%.2f", p.K1, p.Alpha)
		}
		fmt.Fprintf(w, "  α̂ by K1:%s\n", b.String())
	}
	if tc := r.TailCheck; tc != nil && (tc.Verdict == "stable" || tc.Verdict == "not run") {
		fmt.Fprintf(w, "  tail check: %s\n", tc.Sentence) // a failed check is among the warnings
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", wn)
	}
	for _, e := range r.Estimates {
		for _, wn := range e.Warnings {
			fmt.Fprintf(w, "  note (%s): %s\n", e.Method, wn)
		}
	}
}

// methodList is one line per estimator of the table: name and what it does.
func methodList() string {
	var b strings.Builder
	for _, m := range estimator.Methods {
		fmt.Fprintf(&b, "\n  %-13s %s", m.Name, m.Help)
	}
	return b.String()
}
