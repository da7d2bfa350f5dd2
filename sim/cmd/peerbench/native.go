//go:build !js && !wasip1

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/tailscope/tailscope/sim/convnet"
	"github.com/tailscope/tailscope/sim/cpuinfo"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/kernel"
	"github.com/tailscope/tailscope/sim/nn"
	"github.com/tailscope/tailscope/sim/noise"
)

// stepShape is one network and batch size of the native step comparison.
type stepShape struct {
	sizes []int
	batch int
}

// label names a network by its layer widths and its depth as sim/nn counts it (linear layers:
// 784-100-100-100-10 has depth 4).
func label(sizes []int) string {
	return fmt.Sprintf("MLP %s (depth %d)", dashed(sizes), len(sizes)-1)
}

// dashed writes sizes as "784-128-128-10".
func dashed(sizes []int) string {
	parts := make([]string, len(sizes))
	for i, s := range sizes {
		parts[i] = strconv.Itoa(s)
	}
	return strings.Join(parts, "-")
}

// parseShapes reads "784-128-128-10/100,784-1024-1024-10/100": networks and batch sizes.
func parseShapes(s string) ([]stepShape, error) {
	var out []stepShape
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		net, b, ok := strings.Cut(f, "/")
		if !ok {
			return nil, fmt.Errorf("shape %q: want SIZES/BATCH, e.g. 784-128-128-10/100", f)
		}
		batch, err := strconv.Atoi(b)
		if err != nil || batch < 1 {
			return nil, fmt.Errorf("shape %q: batch %q is not a positive integer", f, b)
		}
		sizes, err := parseSizes(net)
		if err != nil {
			return nil, fmt.Errorf("shape %q: %w", f, err)
		}
		out = append(out, stepShape{sizes, batch})
	}
	return out, nil
}

func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, w := range strings.Split(s, "-") {
		v, err := strconv.Atoi(w)
		if err != nil || v < 1 {
			return nil, fmt.Errorf("layer width %q is not a positive integer", w)
		}
		sizes = append(sizes, v)
	}
	if len(sizes) < 2 {
		return nil, fmt.Errorf("%q: want at least input and output widths", s)
	}
	return sizes, nil
}

// goSteps times SGD steps of sim/nn (nn.NewBenchStep) for about seconds and returns steps per
// second.
func goSteps(step func() nn.Stats, seconds float64) float64 {
	r, _ := stepRate(seconds, func() error { step(); return nil })
	return r
}

// stepRate runs step for about seconds (at least 3 times) and returns steps per second, or
// step's first error.
func stepRate(seconds float64, step func() error) (float64, error) {
	steps := 0
	start := time.Now()
	for time.Since(start).Seconds() < seconds || steps < 3 {
		if err := step(); err != nil {
			return 0, err
		}
		steps++
	}
	return float64(steps) / time.Since(start).Seconds(), nil
}

// randomSet makes n examples of N(0, 1) inputs (dim) with labels uniform over classes, the
// distribution torch_bench.py draws from too.
func randomSet(n, dim, classes int, seed uint64) *data.Set {
	r := rand.New(rand.NewPCG(seed, 5))
	s := &data.Set{Name: "random", Dim: dim, Classes: classes, X: make([]float32, n*dim), Y: make([]uint8, n)}
	for i := range s.X {
		s.X[i] = float32(r.NormFloat64())
	}
	for i := range s.Y {
		s.Y[i] = uint8(r.IntN(classes))
	}
	return s
}

// roundRobin runs every function once per round, c.rounds times, starting each round one
// further along the list, and returns each function's rates.
func roundRobin(c config, fs ...func() (float64, error)) ([][]float64, error) {
	out := make([][]float64, len(fs))
	for r := 0; r < c.rounds; r++ {
		for i := range fs {
			k := (r + i) % len(fs)
			v, err := fs[k]()
			if err != nil {
				return nil, err
			}
			out[k] = append(out[k], v)
		}
	}
	return out, nil
}

// torchThreads wraps a torch_bench.py command so that it runs with n threads (then back to 1).
func torchThreads(tp *torchProc, n int, f func() (float64, error)) func() (float64, error) {
	return func() (float64, error) {
		if _, err := tp.do(fmt.Sprintf("threads %d", n)); err != nil {
			return 0, err
		}
		defer tp.do("threads 1")
		return f()
	}
}

// stepFlops is the floating-point work of one SGD step of sizes at batch b: the forward
// product, the weight gradient and (below the first layer) the backward product of every layer,
// 2 flops per multiply-add.
func stepFlops(sizes []int, b int) float64 {
	var f float64
	for l := 0; l+1 < len(sizes); l++ {
		mults := 2.0
		if l > 0 {
			mults = 3
		}
		f += mults * 2 * float64(b*sizes[l]*sizes[l+1])
	}
	return f
}

// bestStep returns the shortest of n steps: on a shared machine the least disturbed one.
func bestStep(step func() nn.Stats, n int) time.Duration {
	best := time.Duration(1 << 62)
	for i := 0; i < n; i++ {
		start := time.Now()
		step()
		best = min(best, time.Since(start))
	}
	return best
}

// peakNote states the fraction of the core's FMA peak that the fastest step of sizes reaches
// with each kernel: peak = 2 FMA ports × lanes (8 fp32 in ymm, 16 in zmm) × 2 flops × clock.
func peakNote(sizes []int, b int, kernels []string) string {
	hz := clockHz()
	if hz == 0 {
		return ""
	}
	step := nn.NewBenchStep(sizes, b, nn.CrossEntropy, 1)
	flops := stepFlops(sizes, b)
	var parts []string
	for _, k := range kernels {
		lanes := 8.0
		if strings.HasPrefix(k, "avx512") {
			lanes = 16
		}
		var best time.Duration
		withKernel(k, func() (float64, error) { best = bestStep(step, 60); return 0, nil })()
		gf := flops / best.Seconds() / 1e9
		peak := 2 * lanes * 2 * hz / 1e9
		parts = append(parts, fmt.Sprintf("%s %.1f ms = %.0f GFLOP/s = %.0f%% of %.0f GFLOP/s (2 FMA ports × %.0f lanes × 2 flops × %.2f GHz)",
			k, best.Seconds()*1e3, gf, 100*gf/peak, peak, lanes, hz/1e9))
	}
	return fmt.Sprintf("FMA peak: the fastest of 60 steps of %s at b=%d (%.2f GFLOP a step), clock measured by a chain of dependent adds: %s.",
		dashed(sizes), b, flops/1e9, strings.Join(parts, "; "))
}

// maxWidth returns the widest hidden layer of sizes.
func maxWidth(sizes []int) int {
	w := 0
	for _, s := range sizes[1 : len(sizes)-1] {
		w = max(w, s)
	}
	return w
}

// fastKernels lists the machine's kernels other than the plain Go loops ("go").
func fastKernels() []string {
	var out []string
	for _, k := range kernel.Impls() {
		if k != "go" {
			out = append(out, k)
		}
	}
	return out
}

// withKernel runs f with kernel name selected, restoring the default after.
func withKernel(name string, f func() (float64, error)) func() (float64, error) {
	return func() (float64, error) {
		def := kernel.Impl()
		if err := kernel.Use(name); err != nil {
			return 0, err
		}
		defer kernel.Use(def)
		return f()
	}
}

func runNative(ctx context.Context, c config) ([]row, []string, error) {
	if err := ensureTorch(ctx, c); err != nil {
		return nil, nil, err
	}
	shapes, err := parseShapes(c.shapes)
	if err != nil {
		return nil, nil, err
	}
	tp, hello, err := startTorch(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	defer tp.close()
	torchName := fmt.Sprintf("PyTorch %v", hello["torch"])
	kernels := fastKernels()
	if len(kernels) == 0 {
		kernels = []string{"go"}
	}
	alexNets, err := parseAlexNets(c.alexnet)
	if err != nil {
		return nil, nil, err
	}
	var rows []row
	var alexNotes []string
	for _, sh := range shapes {
		step := nn.NewBenchStep(sh.sizes, sh.batch, nn.CrossEntropy, 1)
		goSteps(step, 0.2) // warm-up
		fmt.Fprintf(os.Stderr, "peerbench: native step %s b=%d, Go %v vs PyTorch\n", dashed(sh.sizes), sh.batch, kernels)
		fs := []func() (float64, error){func() (float64, error) {
			return tp.rate(fmt.Sprintf("step %s %d %g", dashed(sh.sizes), sh.batch, c.seconds))
		}}
		for _, k := range kernels {
			fs = append(fs, withKernel(k, func() (float64, error) { return goSteps(step, c.seconds), nil }))
		}
		rates, err := roundRobin(c, fs...)
		if err != nil {
			return nil, nil, err
		}
		for i, k := range kernels {
			rows = append(rows, row{
				what: fmt.Sprintf("%s step, b=%d, native, 1 thread", label(sh.sizes), sh.batch), unit: "steps/s",
				peer: torchName, ours: "Go sim/nn, kernel " + k, target: 1.2, peerRates: rates[0], ourRates: rates[i+1],
			})
		}
		if maxWidth(sh.sizes) < 256 || runtime.NumCPU() < 2 {
			continue
		}
		// both cores: Go's step with each product and update split between two goroutines
		// (kernel.SetThreads, what `tailscope mlp` does), PyTorch with 2 threads
		fmt.Fprintf(os.Stderr, "peerbench: native step %s b=%d on 2 threads\n", dashed(sh.sizes), sh.batch)
		one := func() (float64, error) { return goSteps(step, c.seconds), nil }
		step2 := nn.NewBenchStep(sh.sizes, sh.batch, nn.CrossEntropy, 1)
		on2 := func(seconds float64) float64 {
			defer kernel.SetThreads(kernel.SetThreads(2))
			return goSteps(step2, seconds)
		}
		on2(0.2) // warm-up, which also starts the kernels' second goroutine
		two := func() (float64, error) { return on2(c.seconds), nil }
		rates, err = roundRobin(c, one, two, torchThreads(tp, 2, fs[0]))
		if err != nil {
			return nil, nil, err
		}
		what := fmt.Sprintf("%s step, b=%d, native, 2 threads", label(sh.sizes), sh.batch)
		rows = append(rows,
			row{what: what, unit: "steps/s", peer: "Go, 1 thread, kernel " + kernel.Impl(), ours: "Go, 2 threads", target: 1.7, peerRates: rates[0], ourRates: rates[1]},
			row{what: what, unit: "steps/s", peer: torchName + ", 2 threads", ours: "Go, 2 threads, kernel " + kernel.Impl(), peerRates: rates[2], ourRates: rates[1]})
	}
	for _, a := range alexNets {
		r, note, err := alexNetRow(c, tp, torchName, a)
		if err != nil {
			return nil, nil, err
		}
		rows, alexNotes = append(rows, r), append(alexNotes, note)
	}
	notes := []string{
		fmt.Sprintf("CPU: %s; Go kernels %v (default %s).", cpuinfo.Describe(), kernel.Impls(), kernel.Impl()),
		peakNote([]int{784, 1024, 1024, 10}, 100, kernels),
		fmt.Sprintf("native: %s with %v, OMP_NUM_THREADS=1 and torch.set_num_threads(1) (reported %v); Go on one goroutine. "+
			"Both sides: N(0, 1) inputs, labels uniform over the classes, SGD lr 0.1, cross-entropy, no biases.",
			torchName, hello["blas"], hello["threads"]),
	}
	notes = append(notes, alexNotes...)
	if !c.noise {
		return rows, notes, nil
	}

	// The paper's noise evaluation on P = 600 minibatches of 100.
	const P = 600
	noiseNets, err := parseNets(c.noiseNets)
	if err != nil {
		return nil, nil, err
	}
	nc := c
	nc.rounds = min(c.rounds, 3)
	for _, sizes := range noiseNets {
		net, err := nn.New(sizes, 1)
		if err != nil {
			return nil, nil, err
		}
		set := randomSet(P*100, sizes[0], sizes[len(sizes)-1], 3)
		var goAlpha, torchAlpha float64
		fmt.Fprintf(os.Stderr, "peerbench: native noise evaluation %s, Go stream vs PyTorch\n", dashed(sizes))
		torchNoise := func() (float64, error) {
			m, err := tp.do(fmt.Sprintf("noise %s %d", dashed(sizes), P))
			if err != nil {
				return 0, err
			}
			torchAlpha, _ = m["alpha"].(float64)
			r, _ := m["rate"].(float64)
			return r, nil
		}
		goNoise := func(workers int) func() (float64, error) {
			return func() (float64, error) {
				start := time.Now()
				m, err := noise.Measure(ctx, net, nn.CrossEntropy, set, noise.Config{Batch: 100, Subsample: -1, Workers: workers})
				if err != nil {
					return 0, err
				}
				goAlpha = m.AlphaRef.Alpha
				return 1 / time.Since(start).Seconds(), nil
			}
		}
		fs := []func() (float64, error){torchNoise, goNoise(1)}
		both := maxWidth(sizes) >= 256 && runtime.NumCPU() >= 2
		if both {
			fs = append(fs, goNoise(2), torchThreads(tp, 2, torchNoise))
		}
		rates, err := roundRobin(nc, fs...)
		if err != nil {
			return nil, nil, err
		}
		M := net.NumParams()
		rows = append(rows, row{
			what: fmt.Sprintf("paper noise evaluation, %s, P=%d, b=100, native, 1 thread", label(sizes), P), unit: "evals/s",
			peer: torchName + ", P×M matrix, abs()", ours: fmt.Sprintf("Go sim/noise.Measure, 1 worker, O(M), kernel %s", kernel.Impl()),
			target: 3, peerRates: rates[0], ourRates: rates[1],
		})
		if both {
			what := fmt.Sprintf("paper noise evaluation, %s, P=%d, b=100, native, 2 threads", label(sizes), P)
			rows = append(rows,
				row{what: what, unit: "evals/s", peer: "Go sim/noise.Measure, 1 worker", ours: "Go, 2 workers", target: 1.7, peerRates: rates[1], ourRates: rates[2]},
				row{what: what, unit: "evals/s", peer: torchName + ", 2 threads", ours: "Go, 2 workers, kernel " + kernel.Impl(), peerRates: rates[3], ourRates: rates[2]})
		}
		notes = append(notes, fmt.Sprintf("noise evaluation %s (N(0, 1) inputs, M = %d weights, N = P·M = %d noise values): "+
			"PyTorch keeps the P×M gradient matrix (%.0f MB of float32), subtracts the mean in place and takes log(|x| + eps) with abs(); "+
			"sim/noise streams (two passes, O(M) memory; it also computes α̂ with zeros skipped and per layer). "+
			"α̂ with zeros kept (different random networks and data): PyTorch %.4f, Go %.4f.",
			dashed(sizes), M, P*M, float64(P*M*4)/1e6, torchAlpha, goAlpha))
	}
	return rows, notes, nil
}

// parseNets reads "784-100-100-10,784-512-512-10".
func parseNets(s string) ([][]int, error) {
	var out [][]int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		sizes, err := parseSizes(f)
		if err != nil {
			return nil, err
		}
		out = append(out, sizes)
	}
	return out, nil
}

// alexNetShape is one AlexNet step of the native comparison: the channel scale and the batch.
type alexNetShape struct{ ch, batch int }

// parseAlexNets reads "64/100,16/100": channel scales and batch sizes; "" is none.
func parseAlexNets(s string) ([]alexNetShape, error) {
	var out []alexNetShape
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		chS, bS, ok := strings.Cut(f, "/")
		ch, err1 := strconv.Atoi(chS)
		b, err2 := strconv.Atoi(bS)
		if !ok || err1 != nil || err2 != nil || ch < 1 || b < 1 {
			return nil, fmt.Errorf("alexnet %q: want CH/BATCH with positive integers, e.g. 64/100", f)
		}
		out = append(out, alexNetShape{ch, b})
	}
	return out, nil
}

// alexNetRow measures the AlexNet step against PyTorch's, alternating, on one thread each.
func alexNetRow(c config, tp *torchProc, torchName string, a alexNetShape) (row, string, error) {
	step, err := convnet.NewBenchStep(a.ch, a.batch)
	if err != nil {
		return row{}, "", err
	}
	goRate := func() (float64, error) { return stepRate(c.seconds, step) }
	for range 3 { // warm-up, as the peer's
		if err := step(); err != nil {
			return row{}, "", err
		}
	}
	fmt.Fprintf(os.Stderr, "peerbench: native AlexNet ch %d step b=%d, Go (kernel %s) vs PyTorch\n", a.ch, a.batch, kernel.Impl())
	rates, err := roundRobin(c, func() (float64, error) {
		return tp.rate(fmt.Sprintf("alexnet %d %d %g", a.ch, a.batch, c.seconds))
	}, goRate)
	if err != nil {
		return row{}, "", err
	}
	r := row{
		what: fmt.Sprintf("AlexNet ch %d step, b=%d, 3×32×32, native, 1 thread", a.ch, a.batch), unit: "steps/s",
		peer: torchName, ours: "Go sim/convnet (im2col), kernel " + kernel.Impl(), target: 1.0, peerRates: rates[0], ourRates: rates[1],
	}
	note := fmt.Sprintf("AlexNet ch %d, b=%d: the reference code's variant (conv 4×4/2, pools 3/2, conv 5×5, three conv 3×3, "+
		"dropout, two hidden linear layers, biases), N(0, 1) 3×32×32 inputs, one SGD step (lr 0.01) with dropout on, on both sides.", a.ch, a.batch)
	return r, note, nil
}
