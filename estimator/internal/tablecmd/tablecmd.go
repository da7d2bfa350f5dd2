// Package tablecmd holds what the estimator's table commands (`tailscope accuracy`,
// `tailscope tailcheck`) share: their common flags, the parsing of a list of sample
// sizes, and the way a table names a sample size.
package tablecmd

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Flags are the flags every table command takes.
type Flags struct {
	Reps int    // samples per cell
	Seed uint64 // base seed
	Ns   []int  // sample sizes
}

// Parse parses args with fs, which already holds the command's own flags, adding
// -reps, -seed and -n (default defaultNs). The command is name in messages; errors
// go to fs's output. It returns false, after saying why, on bad or extra arguments.
func Parse(fs *flag.FlagSet, name, repsHelp, defaultNs string, args []string) (Flags, bool) {
	reps := fs.Int("reps", 100, repsHelp)
	seed := fs.Uint64("seed", 1, "base seed")
	nsFlag := fs.String("n", defaultNs, "comma-separated sample sizes")
	if err := fs.Parse(args); err != nil {
		return Flags{}, false
	}
	w := fs.Output()
	if fs.NArg() > 0 {
		fmt.Fprintf(w, "%s: unexpected arguments %q (flags only)\n", name, fs.Args())
		return Flags{}, false
	}
	f := Flags{Reps: *reps, Seed: *seed}
	for _, s := range strings.Split(*nsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 20 {
			fmt.Fprintf(w, "%s: -n: %q is not a sample size ≥ 20\n", name, s)
			return Flags{}, false
		}
		f.Ns = append(f.Ns, n)
	}
	if f.Reps < 1 {
		fmt.Fprintf(w, "%s: -reps %d: want ≥ 1\n", name, f.Reps)
		return Flags{}, false
	}
	return f, true
}

// FormatN names a sample size in a table: powers of ten as 1e4, others in full.
func FormatN(n int) string {
	if e := math.Log10(float64(n)); e == math.Trunc(e) {
		return fmt.Sprintf("1e%d", int(e))
	}
	return strconv.Itoa(n)
}
