// Package accuracy is `tailscope accuracy`: it measures the estimators of package estimator on SαS
// samples and prints a Markdown table of bias, RMSE and the coverage of the
// 95% intervals, by method, α and N:
//
//	tailscope accuracy [-reps 100] [-seed 1] [-n 1000,10000,100000]
//
// Replication r of (α, N) draws SαS(1) with seed = seed·1e6 + 1e4·i_α +
// 1e2·i_N + r, so the table is reproducible. The table in
// estimator/README.md was made by this command with its defaults.
package accuracy

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"sync"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/estimator/internal/tablecmd"
)

// methods are the estimators under test: every one of the table, with its defaults.
var methods = estimator.Methods

// Alphas are the true tail indices of the table.
var Alphas = []float64{0.6, 1.0, 1.5, 1.9, 2.0}

// cell accumulates one (method, α, N) cell.
type cell struct {
	n, fail, cover int
	sum, sum2      float64 // of α̂ − α
}

func (c cell) String() string {
	if c.n == 0 {
		return fmt.Sprintf("failed ×%d", c.fail)
	}
	bias := c.sum / float64(c.n)
	rmse := math.Sqrt(c.sum2 / float64(c.n))
	s := fmt.Sprintf("%+.3f / %.3f / %d%%", bias, rmse, int(math.Round(100*float64(c.cover)/float64(c.n))))
	if c.fail > 0 {
		s += fmt.Sprintf(" (failed ×%d)", c.fail)
	}
	return s
}

// Table holds cells[N index][method][α index].
type Table struct {
	Ns    []int
	Reps  int
	Cells [][][]cell
}

// Run computes the table, spreading replications over workers goroutines.
func Run(ctx context.Context, ns []int, reps int, seed uint64, workers int, progress io.Writer) (Table, error) {
	t := Table{Ns: ns, Reps: reps, Cells: make([][][]cell, len(ns))}
	for i := range ns {
		t.Cells[i] = make([][]cell, len(methods))
		for m := range methods {
			t.Cells[i][m] = make([]cell, len(Alphas))
		}
	}
	type job struct{ in, ia, r int }
	jobs := make(chan job)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				alpha := Alphas[j.ia]
				x := estimator.Sample(alpha, 1, ns[j.in], seed*1000000+uint64(10000*j.ia+100*j.in+j.r))
				for m, me := range methods {
					e, err := me.New(estimator.Config{}).Estimate(x)
					mu.Lock()
					c := &t.Cells[j.in][m][j.ia]
					if err != nil {
						c.fail++
					} else {
						d := e.Alpha - alpha
						c.n++
						c.sum += d
						c.sum2 += d * d
						if e.Lo <= alpha+1e-12 && alpha <= e.Hi+1e-12 {
							c.cover++
						}
					}
					mu.Unlock()
				}
			}
		}()
	}
	var err error
loop:
	for in, n := range ns {
		if progress != nil {
			fmt.Fprintf(progress, "N=%d...\n", n)
		}
		for ia := range Alphas {
			for r := 0; r < reps; r++ {
				select {
				case jobs <- job{in, ia, r}:
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

// Markdown writes the table.
func (t Table) Markdown(w io.Writer) {
	fmt.Fprintf(w, "Each cell: bias / RMSE of α̂ / coverage of the 95%% interval, over %d samples of SαS(1).\n\n", t.Reps)
	fmt.Fprintf(w, "| N | method |")
	for _, a := range Alphas {
		fmt.Fprintf(w, " α = %.1f |", a)
	}
	fmt.Fprintf(w, "\n|---|---|%s\n", strings.Repeat("---|", len(Alphas)))
	for in, n := range t.Ns {
		for m, me := range methods {
			fmt.Fprintf(w, "| %s | %s |", tablecmd.FormatN(n), me.Name)
			for ia := range Alphas {
				fmt.Fprintf(w, " %s |", t.Cells[in][m][ia])
			}
			fmt.Fprintln(w)
		}
	}
}

// Main runs the command with its flags, writing the table to stdout and progress to
// stderr, and returns the exit status.
func Main(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("accuracy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f, ok := tablecmd.Parse(fs, "accuracy", "samples per (α, N)", "1000,10000,100000", args)
	if !ok {
		return 2
	}
	t, err := Run(ctx, f.Ns, f.Reps, f.Seed, runtime.GOMAXPROCS(0), stderr)
	if err != nil {
		fmt.Fprintf(stderr, "accuracy: %v\n", err)
		return 1
	}
	t.Markdown(stdout)
	return 0
}
