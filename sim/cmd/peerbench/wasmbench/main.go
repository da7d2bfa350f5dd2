//go:build js && wasm

// Command wasmbench is the Go side of peerbench in the browser: built for js/wasm and loaded
// by peerbench's page, it publishes globalThis.tailscopeBench with timed loops that the page
// runs alternately with the JavaScript peers. Each returns a rate per second (a number), or a
// string starting with "error:".
package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"syscall/js"
	"time"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/convnet"
	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/fastmath"
	"github.com/tailscope/tailscope/sim/kernel"
	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/nn"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/networkview"
	"github.com/tailscope/tailscope/ui/worker"
)

func main() {
	networkview.EvalData = noiseData // in the page and in its Web Workers
	if worker.IsWorker() {
		worker.Serve() // a Web Worker started by noiseEval's measurements
		return
	}
	steps := map[string]func() nn.Stats{}
	api := js.Global().Get("Object").New()
	api.Set("impl", kernel.Impl())
	var impls []any
	for _, name := range kernel.Impls() {
		impls = append(impls, name)
	}
	api.Set("impls", impls)
	api.Set("mathImpl", fastmath.Impl())
	api.Set("logImpl", estimator.LogAbsSumImpl())
	// step(seconds, kernel, sizes, batch): SGD steps per second of sim/nn's MLP (layer widths
	// sizes, default 784-128-128-10) at batch (default 100) (nn.NewBenchStep), through the named
	// kernel (one of impls; "" for the fastest, "go" for the plain loops).
	best := kernel.Impls()[0]
	api.Set("step", js.FuncOf(func(_ js.Value, args []js.Value) any {
		seconds, impl := args[0].Float(), args[1].String()
		sizes, batch := []int{784, 128, 128, 10}, 100
		if len(args) > 3 && !args[2].IsUndefined() {
			sizes = sizes[:0]
			for i := range args[2].Length() {
				sizes = append(sizes, args[2].Index(i).Int())
			}
			batch = args[3].Int()
		}
		if impl == "" {
			impl = best
		}
		if err := kernel.Use(impl); err != nil {
			return "error: " + err.Error()
		}
		defer kernel.Use(best)
		key := fmt.Sprint(sizes, batch)
		step := steps[key]
		if step == nil {
			step = nn.NewBenchStep(sizes, batch, nn.CrossEntropy, 1)
			steps[key] = step
		}
		r, _ := rate(seconds, 3, func() error { step(); return nil })
		return r
	}))
	// alexStep(seconds, ch, batch): SGD steps per second (lr 0.01, dropout on) of the reference
	// code's AlexNet (sim/convnet.AlexNet) with channel scale ch on a fixed batch of N(0, 1)
	// 3×32×32 inputs, as peerbench's native row and bench.js's tfAlexStep.
	alexSteps := map[[2]int]func() error{}
	api.Set("alexStep", js.FuncOf(func(_ js.Value, args []js.Value) any {
		seconds, ch, batch := args[0].Float(), args[1].Int(), args[2].Int()
		key := [2]int{ch, batch}
		step := alexSteps[key]
		if step == nil {
			var err error
			if step, err = convnet.NewBenchStep(ch, batch); err != nil {
				return "error: " + err.Error()
			}
			alexSteps[key] = step
		}
		r, err := rate(seconds, 3, step)
		if err != nil {
			return "error: " + err.Error()
		}
		return r
	}))
	// sampler(alpha, n, fast): SαS samples per second from sim/fastmath.SymStable (fast) or
	// estimator.SymStable (gonum's sampler), n samples into a reused buffer of 2^16 as the JS
	// peer does.
	var next uint64
	sampleBuf := make([]float64, 1<<16)
	api.Set("sampler", js.FuncOf(func(_ js.Value, args []js.Value) any {
		alpha, n, fast := args[0].Float(), args[1].Int(), args[2].Bool()
		start := time.Now()
		for done := 0; done < n; done += len(sampleBuf) {
			buf := sampleBuf[:min(len(sampleBuf), n-done)]
			if fast {
				if err := (fastmath.SymStable{Alpha: alpha, Sigma: 1, Src: &fastmath.Counter{Key: 1, Pos: 2 * next}}).Fill(buf); err != nil {
					return "error: " + err.Error()
				}
				next += uint64(len(buf))
			} else {
				estimator.SymStable{Alpha: alpha, Sigma: 1, Src: rand.NewPCG(1, uint64(done))}.Fill(buf)
			}
		}
		el := time.Since(start).Seconds()
		if math.IsNaN(sampleBuf[7]) {
			return "error: NaN sample"
		}
		return float64(n) / el
	}))
	// logMean(n, how): terms per second of the estimator's log-mean, (1/n) Σ log|x_i|, over
	// 2^17 values (1 MB, about one noise vector of the paper's network), as bench.js's peer:
	// how = "stream": estimator.MohammadiStream.Add, the accumulator the app feeds gradient noise
	// to (its block sums included); "kernel": estimator.LogAbsSum; "mathlog": a math.Log loop.
	logData := make([]float64, 1<<17)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range logData {
		logData[i] = r.NormFloat64()
	}
	api.Set("logMean", js.FuncOf(func(_ js.Value, args []js.Value) any {
		n, how := args[0].Int(), args[1].String()
		stream := estimator.MohammadiStream{K1: estimator.PaperK1(len(logData))}
		start := time.Now()
		var s float64
		for done := 0; done < n; done += len(logData) {
			chunk := logData[:min(len(logData), n-done)]
			switch how {
			case "stream":
				stream.Add(chunk...)
			case "kernel":
				s += estimator.LogAbsSum(chunk)
			default:
				for _, v := range chunk {
					s += math.Log(math.Abs(v))
				}
			}
		}
		el := time.Since(start).Seconds()
		if how == "stream" {
			e, err := stream.Estimate()
			if err != nil {
				return "error: " + err.Error()
			}
			s = e.Alpha
		}
		if math.IsNaN(s) {
			return "error: NaN"
		}
		return float64(n) / el
	}))
	js.Global().Set("tailscopeBench", api)
	// noiseEval(seconds, workers): noise measurements per second (a Promise) of the Network
	// view's evaluation, 784-100-100-10 (depth 3) at batch 100 on noiseN MNIST-shaped examples,
	// spread over workers Web Workers (networkview.WorkerMeasurer), or on the page's thread
	// with workers = 0.
	api.Set("noiseEval", js.FuncOf(func(_ js.Value, args []js.Value) any {
		seconds, workers := args[0].Float(), args[1].Int()
		return js.Global().Get("Promise").New(js.FuncOf(func(_ js.Value, p []js.Value) any {
			resolve := p[0]
			go func() {
				r, err := noiseRate(seconds, workers)
				if err != nil {
					resolve.Invoke("error: " + err.Error())
					return
				}
				resolve.Invoke(r)
			}()
			return nil
		}))
	}))
	if ready := js.Global().Get("tailscopeBenchReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

// noiseN is the number of training examples of noiseEval: P = 60 batches of 100.
const noiseN = 6000

// noiseSpec is noiseEval's network run: MNIST-shaped, 784-100-100-10, batch 100.
func noiseSpec() (spec.Spec, error) {
	sp := spec.MustNew("mlp", 1)
	for name, v := range map[string]float64{"n": noiseN, "testN": 100, "width": 100, "depth": 3, "batch": 100} {
		if err := sp.Set(name, v); err != nil {
			return sp, err
		}
	}
	return sp, sp.SetChoice("dataset", "mnist")
}

// noiseData draws MNIST-shaped sets (784 uniform pixels in [0, 1), 10 classes) from the seed, the
// same in the page and in its workers, with no server to fetch MNIST from.
func noiseData(_ context.Context, s spec.Spec) (*data.Set, *data.Set, error) {
	p, err := s.MLP()
	if err != nil {
		return nil, nil, err
	}
	draw := func(n int, stream uint64) *data.Set {
		r := rand.New(rand.NewPCG(s.Seed, stream))
		set := &data.Set{Name: "mnist-shaped", Dim: 784, Classes: 10, X: make([]float32, n*784), Y: make([]uint8, n)}
		for i := range set.X {
			set.X[i] = r.Float32()
		}
		for i := range set.Y {
			set.Y[i] = uint8(r.IntN(10))
		}
		return set
	}
	return draw(p.N, 1), draw(p.TestN, 2), nil
}

// noiseRate runs noiseEval's measurements for about seconds (at least one) and returns their rate.
func noiseRate(seconds float64, workers int) (float64, error) {
	sp, err := noiseSpec()
	if err != nil {
		return 0, err
	}
	train, test, err := noiseData(context.Background(), sp)
	if err != nil {
		return 0, err
	}
	tr, err := mlp.NewTrainer(sp, train, test)
	if err != nil {
		return 0, err
	}
	if workers > 0 {
		tr.UseMeasurer(networkview.WorkerMeasurer(sp, workers))
	}
	return rate(seconds, 1, func() error {
		_, err := tr.Evaluate(context.Background(), func(float64) {})
		return err
	})
}

// rate calls f for about seconds (at least atLeast times) and returns calls per second, or f's
// first error.
func rate(seconds float64, atLeast int, f func() error) (float64, error) {
	n := 0
	start := time.Now()
	for time.Since(start).Seconds() < seconds || n < atLeast {
		if err := f(); err != nil {
			return 0, err
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
