package levy

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tailscope/tailscope/sim/fastmath"
	"github.com/tailscope/tailscope/sim/landscape"
)

// BenchmarkSteps measures walker steps per second of the Euler scheme on the 1-D and 2-D double
// wells with one worker (run with -cpu 1 for one core), Lévy (α = 1.5) and Gaussian noise, and reports
// alongside the cost of the noise sampler alone, so the sampler's share of a step shows.
// Besides ns/op (one op = one walker step, wall time) it reports Msteps/s from wall time and,
// where the OS tells, cpu-ns/step from the process's CPU time, which a loaded machine does not
// inflate.
func BenchmarkSteps(b *testing.B) {
	dw := landscape.DoubleWell{WL: 0.5, HL: 1, WR: 2, HR: 0.5}
	lands := []struct {
		name string
		l    landscape.Landscape
	}{{"1d", dw}, {"2d", landscape.DoubleWell2D{W: dw, K: 2}}}
	type bench struct {
		name    string
		l       landscape.Landscape
		alpha   float64
		workers int
	}
	var benches []bench
	for _, land := range lands {
		for _, alpha := range []float64{1.5, 2} {
			benches = append(benches, bench{fmt.Sprintf("%s/alpha=%v", land.name, alpha), land.l, alpha, 1})
		}
	}
	// All cores (GOMAXPROCS workers): wall-time Msteps/s is the figure; cpu-ns/step is summed over cores.
	benches = append(benches, bench{"1d/alpha=1.5/all-cores", dw, 1.5, 0})
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			const walkers = 1000
			e, err := NewEnsemble(Config{Landscape: bb.l, Alpha: bb.alpha, Eps: 0.3, Eta: 1e-3, Walkers: walkers, Src: fastmath.NewCounter(1), Workers: bb.workers})
			if err != nil {
				b.Fatal(err)
			}
			steps := max(1, b.N/walkers)
			cpu0, okCPU := processCPU()
			t0 := time.Now()
			b.ResetTimer()
			if err := e.Advance(context.Background(), steps); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			wall := time.Since(t0)
			n := float64(steps * walkers)
			b.ReportMetric(n/wall.Seconds()/1e6, "Msteps/s")
			if cpu1, ok := processCPU(); ok && okCPU {
				b.ReportMetric(float64(cpu1-cpu0)/n, "cpu-ns/step")
			}
		})
	}
	for _, alpha := range []float64{1.5, 2} {
		b.Run(fmt.Sprintf("sampler-only/alpha=%v", alpha), func(b *testing.B) {
			e, _ := NewEnsemble(Config{Landscape: dw, Alpha: alpha, Eps: 1, Eta: 1, Walkers: 1, Src: fastmath.NewCounter(1)})
			s := Sampler{Alpha: alpha, Src: &e.pcg[0]}
			cpu0, okCPU := processCPU()
			sum := 0.0
			for b.Loop() {
				sum += s.Rand()
			}
			sink = sum
			if cpu1, ok := processCPU(); ok && okCPU {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/step")
			}
		})
	}
}
