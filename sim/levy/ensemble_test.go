package levy

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/tailscope/tailscope/sim/fastmath"
	"github.com/tailscope/tailscope/sim/landscape"
)

// snapshot is everything an ensemble reports.
type snapshot struct {
	Pos, Exit, Frac, Res []float64
	Leaves               []int64
	Series               [][]int64
	Traces               [][]float64
	Hist                 []int64
	Step                 int64
}

func snap(e *Ensemble) snapshot {
	return snapshot{append([]float64(nil), e.Positions()...), e.ExitTimes(), e.Fractions(), e.Residence(),
		e.Leaves(), e.Series(), e.Traces(), append([]int64(nil), e.Hist()...), e.Step()}
}

// TestDeterministicWhateverTheChunkingAndWorkers runs the same ensembles with different splits of
// the steps into Advance calls and different worker counts: everything reported must be equal.
func TestDeterministicWhateverTheChunkingAndWorkers(t *testing.T) {
	dw := landscape.DoubleWell{WL: 0.5, HL: 1, WR: 1.5, HR: 0.5}
	cfgs := []struct {
		name string
		cfg  Config
	}{
		{"well, stop on exit", Config{Landscape: landscape.Well{A: 1, B: 0.7, H: 1}, Alpha: 1.5, Eps: 0.5, Eta: 1e-3,
			Walkers: 301, StopOnExit: true, SampleEvery: 7, Trace: 5, HistLo: -1, HistHi: 1, HistBins: 20}},
		{"double well", Config{Landscape: dw, Alpha: 1.2, Eps: 0.3, Eta: 1e-3, Walkers: 257, Starts: [][]float64{{-0.5}, {1.5}},
			SampleEvery: 10, Trace: 3, HistLo: -2, HistHi: 3, HistBins: 50}},
		{"gaussian double well", Config{Landscape: dw, Alpha: 2, Eps: 0.6, Eta: 1e-3, Walkers: 100, SampleEvery: 13, Trace: 2}},
		{"2-D double well", Config{Landscape: landscape.DoubleWell2D{W: dw, K: 2}, Alpha: 1.7, Eps: 0.4, Eta: 1e-3, Walkers: 150,
			SampleEvery: 9, Trace: 2, HistLo: -2, HistHi: 3, HistBins: 10}},
	}
	chunkings := [][]int{{1000}, {1, 999}, {10, 90, 300, 600}, {333, 333, 334}}
	for _, c := range cfgs {
		t.Run(c.name, func(t *testing.T) {
			var ref snapshot
			for ci, chunks := range chunkings {
				for _, workers := range []int{1, 3} {
					cfg := c.cfg
					cfg.Src, cfg.Workers = fastmath.NewCounter(42), workers
					e, err := NewEnsemble(cfg)
					if err != nil {
						t.Fatal(err)
					}
					for _, k := range chunks {
						if err := e.Advance(context.Background(), k); err != nil {
							t.Fatal(err)
						}
					}
					s := snap(e)
					if ci == 0 && workers == 1 {
						ref = s
						if len(s.Series) != 1000/cfg.SampleEvery {
							t.Errorf("%d samples, want %d", len(s.Series), 1000/cfg.SampleEvery)
						}
						continue
					}
					if !reflect.DeepEqual(s, ref) {
						t.Errorf("chunks %v with %d workers differ from one call with one worker", chunks, workers)
					}
				}
			}
		})
	}
}

// TestSeedsAndStreams: another seed gives another run; adding walkers leaves the first ones'
// paths unchanged (walker i's stream depends on the seed and i only).
func TestSeedsAndStreams(t *testing.T) {
	run := func(seed uint64, n int) []float64 {
		e, err := NewEnsemble(Config{Landscape: landscape.DoubleWell{WL: 1, HL: 1, WR: 1, HR: 1}, Alpha: 1.5, Eps: 0.5, Eta: 0.01, Walkers: n, Src: fastmath.NewCounter(seed)})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Advance(context.Background(), 200); err != nil {
			t.Fatal(err)
		}
		return e.Positions()
	}
	a, b, c := run(1, 10), run(2, 10), run(1, 20)
	if reflect.DeepEqual(a, b) {
		t.Errorf("seeds 1 and 2 gave the same positions %v", a)
	}
	if !reflect.DeepEqual(a, c[:10]) {
		t.Errorf("walkers 0–9 moved differently with 20 walkers: %v vs %v", a, c[:10])
	}
}

func TestNewEnsembleRefusesBadConfigs(t *testing.T) {
	good := Config{Landscape: landscape.Well{A: 1, B: 1, H: 1}, Alpha: 1.5, Eps: 0.5, Eta: 1e-3, Walkers: 10, Src: fastmath.NewCounter(1)}
	bad := []func(*Config){
		func(c *Config) { c.Src = nil },
		func(c *Config) { c.Landscape = nil },
		func(c *Config) { c.Alpha = 0 },
		func(c *Config) { c.Alpha = 2.5 },
		func(c *Config) { c.Eps = 0 },
		func(c *Config) { c.Eta = -1 },
		func(c *Config) { c.Eta = math.NaN() },
		func(c *Config) { c.Walkers = 0 },
		func(c *Config) { c.Walkers = MaxWalkers + 1 },
		func(c *Config) { c.Starts = [][]float64{{5}} },
		func(c *Config) { c.Starts = [][]float64{{0, 0}} },
		func(c *Config) { c.HistBins, c.HistLo, c.HistHi = 10, 1, 1 },
		func(c *Config) { c.SampleEvery = -1 },
	}
	if _, err := NewEnsemble(good); err != nil {
		t.Fatalf("good config refused: %v", err)
	}
	for i, f := range bad {
		c := good
		f(&c)
		if _, err := NewEnsemble(c); err == nil {
			t.Errorf("bad config %d accepted: %+v", i, c)
		}
	}
}

func TestCancel(t *testing.T) {
	e, _ := NewEnsemble(Config{Landscape: landscape.Well{A: 1, B: 1, H: 1}, Alpha: 1.5, Eps: 0.1, Eta: 1e-3, Walkers: 100, Src: fastmath.NewCounter(1)})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.Advance(ctx, 10); err == nil {
		t.Fatal("Advance on a cancelled context succeeded")
	}
	if err := e.Advance(context.Background(), 10); err == nil {
		t.Fatal("Advance after an interrupted Advance succeeded")
	}
}
