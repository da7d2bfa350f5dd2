package landscapeview

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/tailscope/tailscope/sim/spec"
)

// theory returns s's theory for noise ("levy" or "gauss") at width w and height h.
func (s *Sweep) theory(noise string, w, h float64) float64 {
	levyMean, gaussMean := s.theories(w, h)
	if noise == "levy" {
		return levyMean
	}
	return gaussMean
}

// TestSweep runs the page's sweep and checks the claims its charts make: Lévy exit times grow
// with the width and hardly with the height; Gaussian ones grow steeply with the height and meet
// the exact theory where walkers leave within the run.
func TestSweep(t *testing.T) {
	s, err := NewSweep(spec.MustPreset("wells", spec.PagePreset))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for !s.Done() {
		if err := s.AdvanceFor(context.Background(), 50*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("sweep: %v", time.Since(start))
	mean := func(axis, noise string, x float64) *SweepPoint {
		for _, p := range s.Points {
			if p.Axis == axis && p.Noise == noise && p.X == x {
				return p
			}
		}
		t.Fatalf("no point %s %s %g", axis, noise, x)
		return nil
	}
	for _, p := range s.Points {
		t.Logf("%-6s %5g %-5s mean %8.3f exited %3d theory %8.3f", p.Axis, p.X, p.Noise, p.Mean, p.Exited,
			s.theory(p.Noise, map[bool]float64{true: p.X, false: SweepWidth}[p.Axis == "width"], map[bool]float64{true: SweepHeight, false: p.X}[p.Axis == "width"]))
	}
	t.Run("levy grows with width", func(t *testing.T) {
		r := mean("width", "levy", 2).Mean / mean("width", "levy", 0.5).Mean
		if want := math.Pow(4, 1.5); r < want/3 || r > want*2 { // theory: 4^α = 8
			t.Errorf("Lévy mean at width 2 / width 0.5 = %.2f, want near 4^α = %.1f", r, want)
		}
	})
	t.Run("levy flat in height", func(t *testing.T) {
		r := mean("height", "levy", 0.5).Mean / mean("height", "levy", 0.2).Mean
		if r > 2 {
			t.Errorf("Lévy mean at ΔH 0.5 / ΔH 0.2 = %.2f, want under 2 (flat in height)", r)
		}
	})
	t.Run("gauss grows with height", func(t *testing.T) {
		// The mean at ΔH = 0.5 is a lower bound (walkers still inside count SweepTime).
		lo, hi := mean("height", "gauss", 0.1), mean("height", "gauss", 0.5)
		if r := hi.Mean / lo.Mean; r < 4 || hi.Exited > SweepWalkers/4 {
			t.Errorf("Gaussian mean at ΔH 0.5 / ΔH 0.1 = %.2f with %d of %d out; want over 4 (exp(0.4/ε²) = 85 in theory) and under a quarter out",
				r, hi.Exited, SweepWalkers)
		}
	})
	t.Run("gauss meets theory", func(t *testing.T) {
		p := mean("height", "gauss", 0.1)
		th := s.theory("gauss", SweepWidth, 0.1)
		if p.Exited < SweepWalkers*9/10 || math.Abs(p.Mean-th) > 0.25*th {
			t.Errorf("Gaussian at ΔH 0.1: %d left, mean %.3f; theory %.3f (want nine in ten out, and within 25%%: 40 walkers, σ/√40 = 16%%)", p.Exited, p.Mean, th)
		}
	})
	if c := s.Chart("width"); len(c.Series) != 4 || len(c.Series[1].X) != len(SweepWidths) {
		t.Errorf("width chart: %d series, %d measured Lévy points", len(c.Series), len(c.Series[1].X))
	}
}

// TestSweepCancel checks that a cancelled sweep stops at once.
func TestSweepCancel(t *testing.T) {
	s, err := NewSweep(spec.MustPreset("exit", spec.PagePreset))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.AdvanceFor(ctx, time.Second); err == nil || s.Progress() != 0 {
		t.Errorf("cancelled sweep: err %v, progress %g", err, s.Progress())
	}
}

// TestViewSweep runs the sweep from the view (synchronously, without a page) and checks its
// status and charts.
func TestViewSweep(t *testing.T) {
	c := &View{}
	c.Compute(nil)
	if c.SweepPhase() != "idle" || c.SweepShown() != nil {
		t.Fatalf("before: phase %s", c.SweepPhase())
	}
	c.RunSweep()
	if c.SweepPhase() != "done" || c.SweepProgress() != "1.000" {
		t.Errorf("after: phase %s, progress %s, status %q", c.SweepPhase(), c.SweepProgress(), c.SweepStatus())
	}
	for _, axis := range []string{"width", "height"} {
		ch := c.SweepShown().Chart(axis)
		if len(ch.Series) != 4 || len(ch.Series[3].X) == 0 {
			t.Errorf("%s chart: %+v", axis, ch.Series)
		}
	}
}

// TestSweepChartTheory: the dashed curves are the theory at each grid point, for both axes and
// noises, and a second Chart (the view calls it on every render) reuses them.
func TestSweepChartTheory(t *testing.T) {
	s, err := NewSweep(spec.MustPreset("exit", spec.PagePreset))
	if err != nil {
		t.Fatal(err)
	}
	for _, axis := range []string{"width", "height"} {
		t.Run(axis, func(t *testing.T) {
			c := s.Chart(axis)
			for i, noise := range []string{"levy", "gauss"} {
				th := c.Series[2*i]
				if len(th.X) != 40 || len(th.Y) != 40 {
					t.Fatalf("%s theory: %d x and %d y; want 40 each", noise, len(th.X), len(th.Y))
				}
				for j, x := range th.X {
					w, h := x, SweepHeight
					if axis == "height" {
						w, h = SweepWidth, x
					}
					want := math.Min(s.theory(noise, w, h), 1000)
					if th.Y[j] != want && !(math.IsNaN(th.Y[j]) && math.IsNaN(want)) {
						t.Errorf("%s theory at %s %g: %v; want %v", noise, axis, x, th.Y[j], want)
					}
				}
			}
			first := s.curves[axis]
			s.Chart(axis)
			if s.curves[axis] != first {
				t.Errorf("the second Chart computed the %s theory again", axis)
			}
		})
	}
	// The points are at the sweep's grid ends: check one value against its source.
	if got, want := s.Chart("height").Series[2].X[0], SweepHeights[0]; got != want {
		t.Errorf("height grid starts at %v; want %v", got, want)
	}
}

// BenchmarkSweepChart is the cost of the sweep's two charts on a render of the view, once
// the theory curves are made (they were made on every render before: 0.31 s natively).
func BenchmarkSweepChart(b *testing.B) {
	s, err := NewSweep(spec.MustPreset("exit", spec.PagePreset))
	if err != nil {
		b.Fatal(err)
	}
	s.Chart("width")
	s.Chart("height")
	for b.Loop() {
		s.Chart("width")
		s.Chart("height")
	}
}
