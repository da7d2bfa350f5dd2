package landscapeview

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tailscope/tailscope/sim/spec"
)

// mkSpec returns a spec of kind with the given parameters set from their text form.
func mkSpec(t testing.TB, kind string, seed uint64, kv ...string) spec.Spec {
	t.Helper()
	sp := spec.MustNew(kind, seed)
	for i := 0; i+1 < len(kv); i += 2 {
		if err := sp.SetText(kv[i], kv[i+1]); err != nil {
			t.Fatalf("setting %s=%s: %v", kv[i], kv[i+1], err)
		}
	}
	if err := sp.Validate(); err != nil {
		t.Fatalf("spec %s: %v", sp.Key(), err)
	}
	return sp
}

func mustSim(t testing.TB, sp spec.Spec) *Sim {
	t.Helper()
	s, err := NewSim(sp)
	if err != nil {
		t.Fatalf("NewSim(%s): %v", sp.Key(), err)
	}
	return s
}

func relClose(got, want, tol float64) bool { return math.Abs(got-want) <= tol*math.Abs(want) }

// TestTheoryMeans checks the theory wired to each noise against values worked out by hand
// from docs/science.md#exit-times and the formulas of sim/landscape.
func TestTheoryMeans(t *testing.T) {
	// K_α = Γ(α)·sin(πα/2)/π; K_1.5 = 0.886227·0.707107/π = 0.199471.
	const k15 = 0.8862269254527580 * 0.7071067811865476 / math.Pi
	tests := []struct {
		name string
		sp   spec.Spec
		// want[i]: theory mean of noise i (NaN: none expected).
		want []float64
		tol  float64
	}{
		{
			// Wells defaults, start left: Lévy residence in the left well W_L^α/(K_α ε^α).
			name: "wells defaults",
			sp:   mkSpec(t, "wells", 1),
			want: []float64{math.Pow(0.5, 1.5) / (k15 * math.Pow(0.3, 1.5)), math.NaN()},
			tol:  1e-12,
		},
		{
			// Half the walkers in each well: the mixture's mean is the average.
			name: "wells half",
			sp:   mkSpec(t, "wells", 1, "start", "half", "noise", "levy"),
			want: []float64{0.5 * (math.Pow(0.5, 1.5) + math.Pow(2, 1.5)) / (k15 * math.Pow(0.3, 1.5))},
			tol:  1e-12,
		},
		{
			// No drift: Getoor's exact mean (ab)^{α/2}/(ε^α Γ(1+α)) = 1/Γ(2.5) = 0.752253 for
			// a = b = ε = 1; the Gaussian one is ab/(2ε²) = 1/2 (quadrature, 20000 nodes).
			name: "exit no drift",
			sp:   mkSpec(t, "exit", 1, "height", "0", "eps", "1"),
			want: []float64{1 / 1.329340388179137, 0.5},
			tol:  1e-6,
		},
		{
			// With drift: the small-ε law π/(Γ(α) sin(πα/2))·ε^−α·(a^−α + b^−α)^−1.
			name: "exit drift",
			sp:   mkSpec(t, "exit", 1, "a", "2", "b", "1", "noise", "levy"),
			want: []float64{1 / (k15 * math.Pow(0.3, 1.5) * (math.Pow(2, -1.5) + 1))},
			tol:  1e-12,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustSim(t, tt.sp)
			if len(s.Noises) != len(tt.want) {
				t.Fatalf("%s: %d noises, want %d", tt.name, len(s.Noises), len(tt.want))
			}
			for i, n := range s.Noises {
				got := n.TheoryMean()
				if math.IsNaN(tt.want[i]) {
					continue
				}
				if !relClose(got, tt.want[i], tt.tol) {
					t.Errorf("%s: %s theory mean = %.10g, want %.10g (rel. tol %g)", tt.name, n.Name, got, tt.want[i], tt.tol)
				}
			}
		})
	}
	// The Gaussian long run of the defaults favours the deep (left) well, the Lévy one the wide
	// (right) one: W_L^α/(W_L^α + W_R^α) = 0.3536/(0.3536 + 2.828) = 0.1111.
	s := mustSim(t, mkSpec(t, "wells", 1))
	if got := s.Noises[0].LongRun[0]; !relClose(got, 1.0/9, 1e-12) {
		t.Errorf("Lévy long-run share of the left well = %v, want 1/9", got)
	}
	if got := s.Noises[1].LongRun[0]; !(got > 0.5) {
		t.Errorf("Gaussian long-run share of the deep left well = %v, want > 0.5", got)
	}
	if s.Basins[0] != "left (narrow)" || s.Basins[1] != "right (wide)" {
		t.Errorf("basin names = %q, want left (narrow), right (wide)", s.Basins)
	}
}

// TestExitMeanMatchesTheory runs the no-drift exit problem, where the theory is exact, and
// compares the simulated mean exit times with it. Tolerance: the standard error of 2000 exit
// times (about mean/√2000 ≈ 2.2%) times 4, plus the Euler scheme's bias at η = 10⁻⁴ (a walker
// is checked only once per step; a few per cent for these parameters).
func TestExitMeanMatchesTheory(t *testing.T) {
	sp := mkSpec(t, "exit", 7, "height", "0", "eps", "1", "eta", "0.0001", "walkers", "2000", "steps", "200000")
	s := mustSim(t, sp)
	for !s.Done() {
		if _, err := s.Advance(5000); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range s.Noises {
		_, st := s.Exits(n)
		want := n.TheoryMean()
		if st.Exited != s.Walkers {
			t.Fatalf("%s: %d of %d walkers left by step %d", n.Name, st.Exited, s.Walkers, s.Step())
		}
		t.Logf("%s: mean exit %.4f ± %.4f over %d walkers; theory %.4f", n.Name, st.Mean, st.StdErr, st.Exited, want)
		if tol := 4*st.StdErr + 0.05*want; math.Abs(st.Mean-want) > tol {
			t.Errorf("%s: mean exit %.4f ± %.4f, theory %.4f (tolerance %.4f)", n.Name, st.Mean, st.StdErr, want, tol)
		}
		h := s.ExitHist(n)
		sum := 0
		for _, c := range h.Counts {
			sum += c
		}
		if sum+h.Overflow != st.Exited {
			t.Errorf("%s: histogram holds %d exits + %d after its end, want %d", n.Name, sum, h.Overflow, st.Exited)
		}
		// The theory's expected counts over the histogram: Walkers·F(HistMax), with F the
		// exponential law, 1 − e^{−5} = 0.99326 of the walkers when HistMax is five means.
		var exp float64
		for _, v := range h.Theory {
			exp += v
		}
		if want := float64(s.Walkers) * (1 - math.Exp(-s.HistMax(n)/want)); math.Abs(exp-want) > 1e-6*want {
			t.Errorf("%s: theory expects %.6g exits in the histogram, want %.6g", n.Name, exp, want)
		}
	}
}

// TestSlicingDoesNotChangeResults: the numbers after n steps do not depend on how the steps
// were cut into frames, and the same spec gives the same numbers twice.
func TestSlicingDoesNotChangeResults(t *testing.T) {
	for _, kind := range Kinds {
		sp := mkSpec(t, kind, 42, "walkers", "300", "steps", "3000")
		a, b, c := mustSim(t, sp), mustSim(t, sp), mustSim(t, sp)
		if _, err := a.Advance(2000); err != nil {
			t.Fatal(err)
		}
		for b.Step() < 2000 {
			if _, err := b.Advance(int(min(137, 2000-b.Step()))); err != nil {
				t.Fatal(err)
			}
		}
		for c.Step() < 2000 {
			if _, err := c.advanceCapped(time.Millisecond, 2000-c.Step()); err != nil {
				t.Fatal(err)
			}
		}
		want := a.Summary()
		for name, s := range map[string]*Sim{"chunks of 137": b, "time slices": c} {
			if got := s.Summary(); got != want {
				t.Errorf("%s, %s: %s\nwant (one Advance) %s", kind, name, got, want)
			}
			if !slices.Equal(s.Noises[0].Ens.Positions(), a.Noises[0].Ens.Positions()) {
				t.Errorf("%s, %s: positions differ from one Advance", kind, name)
			}
		}
		other := mustSim(t, mkSpec(t, kind, 43, "walkers", "300", "steps", "3000"))
		other.Advance(2000)
		if other.Summary() == want {
			t.Errorf("%s: seeds 42 and 43 gave the same numbers %s", kind, want)
		}
	}
}

func TestAdvanceStopsAtTheEnd(t *testing.T) {
	s := mustSim(t, mkSpec(t, "wells", 1, "walkers", "10", "steps", "50"))
	got, err := s.Advance(80)
	if err != nil || got != 50 || s.Step() != 50 || !s.Done() || s.Progress() != 1 {
		t.Errorf("Advance(80) on a 50-step run: took %d, err %v, step %d, done %v, progress %v; want 50, nil, 50, true, 1",
			got, err, s.Step(), s.Done(), s.Progress())
	}
	if got, _ := s.Advance(10); got != 0 {
		t.Errorf("Advance after the end took %d steps, want 0", got)
	}
	if _, err := s.Advance(-1); err == nil {
		t.Error("Advance(-1): no error")
	}
	// An exit run is over once every walker has left, however many steps remain: a tiny basin
	// and strong noise empty it within a few steps.
	e := mustSim(t, mkSpec(t, "exit", 1, "a", "0.05", "b", "0.05", "height", "0", "eps", "5", "walkers", "50", "steps", "100000"))
	for !e.Done() {
		if _, err := e.AdvanceFor(time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	if e.Step() >= e.Steps {
		t.Errorf("exit run with every walker gone still ran to step %d of %d", e.Step(), e.Steps)
	}
	if occ := e.Occupancy(e.Noises[0]); occ[0] != 0 || occ[1] != 50 {
		t.Errorf("occupancy after every walker left = %v, want [0 50]", occ)
	}
	if e.Rate() <= 0 {
		t.Errorf("rate after AdvanceFor = %v, want > 0", e.Rate())
	}
}

func TestNewSimRejects(t *testing.T) {
	big := spec.MustNew("wells", 1)
	big.Set("walkers", MaxBrowserWalkers+1)
	bad := spec.MustNew("wells", 1)
	bad.Set("eta", 0.9) // η × curvature 6·1/0.25 = 24 > 0.5
	for _, tt := range []struct {
		name, field string
		sp          spec.Spec
	}{
		{"other kind", "", spec.MustNew("stable", 1)},
		{"too many walkers", "walkers", big},
		{"eta too large", "eta", bad},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSim(tt.sp)
			if err == nil {
				t.Errorf("%s: NewSim(%s) succeeded, want an error", tt.name, tt.sp.Key())
				return
			}
			if tt.field != "" && !strings.HasPrefix(errText(err), tt.field+":") {
				t.Errorf("%s: error %q does not name the field %q", tt.name, errText(err), tt.field)
			}
		})
	}
	capped, ferr := CapWalkers(big)
	cp, _ := capped.Wells()
	bp, _ := big.Wells()
	if ferr == nil || ferr.Field != "walkers" || cp.Walkers != MaxBrowserWalkers || bp.Walkers != MaxBrowserWalkers+1 {
		t.Errorf("CapWalkers(%d walkers) = %d, %v; want %d and a walkers note, the input untouched",
			MaxBrowserWalkers+1, cp.Walkers, ferr, MaxBrowserWalkers)
	}
	if _, ferr := CapWalkers(spec.MustNew("wells", 1)); ferr != nil {
		t.Errorf("CapWalkers(defaults) reported %v", ferr)
	}
}

func TestChartsAndExports(t *testing.T) {
	for _, tt := range []struct {
		kind string
		kv   []string
	}{
		{"wells", []string{"walkers", "400", "steps", "20000"}},
		{"wells", []string{"walkers", "50", "steps", "2000", "dim", "2", "start", "half"}},
		{"exit", []string{"walkers", "400", "steps", "20000", "eps", "0.5"}},
	} {
		t.Run(fmt.Sprint(tt.kind, tt.kv), func(t *testing.T) {
			s := mustSim(t, mkSpec(t, tt.kind, 3, tt.kv...))
			if _, err := s.Advance(int(s.Steps / 2)); err != nil {
				t.Fatal(err)
			}
			for _, n := range s.Noises {
				lc, hc := s.LandscapeChart(n), s.HistChart(n)
				for _, c := range []interface{ Validate() error }{lc, hc} {
					if err := c.Validate(); err != nil {
						t.Errorf("%s %v: %v", tt.kind, tt.kv, err)
					}
				}
				dots := lc.Series[2]
				beyond := 0
				for i := range min(s.Walkers, ShownWalkers) {
					if x := s.X(n, i); x < s.XLo || x > s.XHi {
						beyond++
					}
				}
				if len(dots.X)+beyond != min(s.Walkers, ShownWalkers) {
					t.Errorf("%s %s: %d dots + %d beyond, want %d walkers shown", tt.kind, n.Name, len(dots.X), beyond, min(s.Walkers, ShownWalkers))
				}
				if !strings.Contains(lc.SVG(), "<circle") || !strings.Contains(hc.SVG(), "<rect") {
					t.Errorf("%s %s: charts without dots or bars", tt.kind, n.Name)
				}
			}
			bars := s.BarsSVG()
			if !strings.HasPrefix(bars, "<svg") || !strings.HasSuffix(bars, "</svg>") || !strings.Contains(bars, "%") {
				t.Errorf("%s: bars SVG malformed: %.200s", tt.kind, bars)
			}
			for _, name := range s.Exports() {
				ex, err := s.Export(name)
				if err != nil || ex.Text == "" || ex.MIME == "" {
					t.Errorf("%s: Export(%s) = %d bytes, %q, %v", tt.kind, name, len(ex.Text), ex.MIME, err)
				}
			}
			ex, _ := s.Export("walkers.csv")
			if got, want := strings.Count(ex.Text, "\n"), 1+len(s.Noises)*s.Walkers; got != want {
				t.Errorf("%s: walkers.csv has %d lines, want %d", tt.kind, got, want)
			}
			ex, _ = s.Export("run.json")
			var snap Snapshot
			if err := json.Unmarshal([]byte(ex.Text), &snap); err != nil {
				t.Fatalf("%s: run.json does not decode: %v", tt.kind, err)
			}
			if snap.Step != s.Step() || len(snap.Noises) != len(s.Noises) || len(snap.Noises[0].Positions) != s.Walkers*s.Dim {
				t.Errorf("%s: snapshot step %d, %d noises, %d positions; want %d, %d, %d", tt.kind, snap.Step, len(snap.Noises),
					len(snap.Noises[0].Positions), s.Step(), len(s.Noises), s.Walkers*s.Dim)
			}
			for j, n := range s.Noises {
				sum := 0
				for _, c := range snap.Noises[j].Occupancy {
					sum += c
				}
				if sum != s.Walkers {
					t.Errorf("%s %s: occupancy sums to %d, want %d walkers", tt.kind, n.Name, sum, s.Walkers)
				}
			}
			if _, err := s.Export("nope.txt"); err == nil {
				t.Errorf("Export(nope.txt): no error")
			}
		})
	}
}

// BenchmarkFrame measures one animation frame's work natively: advancing the default wells run
// by 20 steps and drawing what changes (the walkers' dots, the histograms, the bars). Under wasm the same work is slower; the browser test
// reports the rate there.
func BenchmarkFrame(b *testing.B) {
	s := mustSim(b, spec.MustNew("wells", 1))
	for b.Loop() {
		if s.Done() {
			s = mustSim(b, spec.MustNew("wells", 1))
		}
		s.Advance(20)
		for _, n := range s.Noises { // what the page draws per frame: the dots, histograms, bars
			p, err := s.panel(n)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = s.dotsPath(n, p)
			_ = s.HistChart(n).SVG()
		}
		_ = s.BarsSVG()
	}
	b.ReportMetric(float64(s.Walkers*len(s.Noises)*20)*float64(b.N)/b.Elapsed().Seconds(), "walker-steps/s")
}
