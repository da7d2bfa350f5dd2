// Package tailcheck is `tailscope tailcheck`: it measures how often estimator's tail check (and, beside
// it, the K1-drift warning) fires on a table of laws: α-stable laws, where
// every alarm is false, and finite-variance laws (Student-t with ν > 2,
// Laplace, Gaussian scale mixtures), where the estimators read α̂ < 2 and an
// alarm is what a user needs. It prints a Markdown table:
//
//	tailscope tailcheck [-reps 100] [-seed 1] [-n 10000,100000]
//
// Sample r of law i at size index j is drawn with PCG(seed·1e6 + 1e4·i +
// 1e2·j + r, 0x7a11), so the table is reproducible. The table in
// estimator/README.md was made by this command with its defaults.
package tailcheck

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/estimator/internal/tablecmd"
	"github.com/tailscope/tailscope/sim/cpuinfo"
	"gonum.org/v1/gonum/stat/distuv"
)

// Law is one row of the table.
type Law struct {
	Name string
	// Stable: the law is α-stable (an alarm is false); otherwise it is not,
	// and FiniteVariance says whether its variance is finite.
	Stable, FiniteVariance bool
	Draw                   func(r *rand.Rand, x []float64)
}

// Laws are the rows, in order.
func Laws() []Law {
	var ls []Law
	for _, a := range []float64{0.6, 1, 1.5, 1.8, 1.9, 1.95, 2} {
		ls = append(ls, Law{fmt.Sprintf("SαS α = %g", a), true, a == 2, func(r *rand.Rand, x []float64) {
			estimator.SymStable{Alpha: a, Sigma: 1, Src: r}.Fill(x)
		}})
	}
	for _, nu := range []float64{1.5, 2, 2.5, 3, 4, 6, 10} {
		ls = append(ls, Law{fmt.Sprintf("Student-t ν = %g", nu), false, nu > 2, func(r *rand.Rand, x []float64) {
			d := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu, Src: r}
			for i := range x {
				x[i] = d.Rand()
			}
		}})
	}
	for _, m := range []struct{ w, s float64 }{{0.1, 10}, {0.05, 20}} {
		ls = append(ls, Law{fmt.Sprintf("%g N(0,1) + %g N(0,%g)", 1-m.w, m.w, m.s*m.s), false, true, func(r *rand.Rand, x []float64) {
			for i := range x {
				s := 1.0
				if r.Float64() < m.w {
					s = m.s
				}
				x[i] = s * r.NormFloat64()
			}
		}})
	}
	ls = append(ls, Law{"Laplace", false, true, func(r *rand.Rand, x []float64) {
		d := distuv.Laplace{Mu: 0, Scale: 1, Src: r}
		for i := range x {
			x[i] = d.Rand()
		}
	}})
	return ls
}

// Cell counts one (law, N).
type Cell struct {
	Samples, Lighter, Heavier, NotRun, Drift int
	Alphas, Zs                               []float64 // Mohammadi's α̂ and the check's z, per sample
}

// Table holds Cells[law][N index].
type Table struct {
	Laws  []Law
	Ns    []int
	Reps  int
	Cells [][]Cell
}

// Run fills the table, spreading samples over workers goroutines.
func Run(ctx context.Context, ns []int, reps int, seed uint64, workers int, progress io.Writer) (Table, error) {
	t := Table{Laws: Laws(), Ns: ns, Reps: reps}
	t.Cells = make([][]Cell, len(t.Laws))
	for i := range t.Cells {
		t.Cells[i] = make([]Cell, len(ns))
	}
	type job struct{ il, in, r int }
	jobs := make(chan job)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				x := make([]float64, ns[j.in])
				r := rand.New(rand.NewPCG(seed*1000000+uint64(10000*j.il+100*j.in+j.r), 0x7a11))
				t.Laws[j.il].Draw(r, x)
				rep, err := estimator.Analyze(x, estimator.Options{Methods: []string{"mohammadi"}})
				mu.Lock()
				c := &t.Cells[j.il][j.in]
				c.Samples++
				if err == nil {
					tc := rep.TailCheck
					switch tc.Verdict {
					case "lighter":
						c.Lighter++
					case "heavier":
						c.Heavier++
					case "not run":
						c.NotRun++
					}
					c.Zs = append(c.Zs, tc.Z)
					for _, w := range rep.Warnings {
						if strings.HasPrefix(w, "α̂ rises") || strings.HasPrefix(w, "α̂ falls") {
							c.Drift++
						}
					}
					if len(rep.Estimates) > 0 {
						c.Alphas = append(c.Alphas, rep.Estimates[0].Alpha)
					}
				} else {
					c.NotRun++
				}
				mu.Unlock()
			}
		}()
	}
	var err error
loop:
	for in, n := range ns {
		if progress != nil {
			fmt.Fprintf(progress, "N=%d...\n", n)
		}
		for il := range t.Laws {
			for r := range reps {
				select {
				case jobs <- job{il, in, r}:
				case <-ctx.Done():
					err = ctx.Err()
					break loop
				}
			}
		}
	}
	close(jobs)
	wg.Wait()
	return t, err
}

func pct(k, n int) string {
	if n == 0 {
		return "—"
	}
	return fmt.Sprintf("%d%%", int(math.Round(100*float64(k)/float64(n))))
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// Markdown writes the table: per law and N, how often the tail check fails
// (its tails lighter / heavier than the fitted α-stable law's), how often the
// K1-drift warning fires, and the medians of Mohammadi's α̂ and of z.
func (t Table) Markdown(w io.Writer) {
	fmt.Fprintf(w, "| law | variance | N | tail check fails (lighter / heavier) | K1-drift warning | median α̂ (Mohammadi) | median z |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|\n")
	for il, l := range t.Laws {
		kind := "infinite"
		switch {
		case l.Stable && l.FiniteVariance:
			kind = "finite (α-stable)"
		case l.Stable:
			kind = "infinite (α-stable)"
		case l.FiniteVariance:
			kind = "**finite**"
		}
		for in, n := range t.Ns {
			c := t.Cells[il][in]
			fails := c.Lighter + c.Heavier
			fmt.Fprintf(w, "| %s | %s | %s | %s (%s / %s) | %s | %.2f | %.1f |\n", l.Name, kind, tablecmd.FormatN(n),
				pct(fails, c.Samples), pct(c.Lighter, c.Samples), pct(c.Heavier, c.Samples), pct(c.Drift, c.Samples), median(c.Alphas), median(c.Zs))
		}
	}
}

// Main runs the command with its flags, writing the table to stdout and progress to
// stderr, and returns the exit status.
func Main(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tailcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f, ok := tablecmd.Parse(fs, "tailcheck", "samples per (law, N)", "10000,100000", args)
	if !ok {
		return 2
	}
	start := time.Now()
	t, err := Run(ctx, f.Ns, f.Reps, f.Seed, runtime.GOMAXPROCS(0), stderr)
	if err != nil {
		fmt.Fprintf(stderr, "tailcheck: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d samples per row, seed %d; %s, %d threads, %s.\n\n", f.Reps, f.Seed, cpuinfo.Model(), runtime.GOMAXPROCS(0), time.Since(start).Round(time.Second))
	t.Markdown(stdout)
	return 0
}
