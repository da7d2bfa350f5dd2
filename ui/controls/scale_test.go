package controls

import (
	"math"
	"testing"

	"github.com/tailscope/tailscope/sim/spec"
)

func TestScaleValues(t *testing.T) {
	n := ScaleOf(param(t, "stable", "n"))         // Int, log, [100, 1e6]
	alpha := ScaleOf(param(t, "stable", "alpha")) // linear [0.3, 2], step 0.01
	eta := ScaleOf(param(t, "exit", "eta"))       // Float, log, (0, 1] from the step 1e-4
	lr := ScaleOf(param(t, "mlp", "lr"))          // Float, log, (0, 10] from the step 0.001
	for _, tc := range []struct {
		name    string
		s       Scale
		pos     float64
		want    float64
		wantPos float64 // Pos of the value: where the thumb is drawn
		text    string
	}{
		{"n at the left end", n, 0, 100, 0, "100"},
		{"n after one step: two significant digits", n, 1, 110, 1, "110"},
		{"n at 1000: 90 stops a decade", n, 90, 1000, 90, "1\u202f000"},
		{"n at 10 000", n, 180, 10000, 180, "10\u202f000"},
		{"n at the right end", n, 360, 1e6, 360, "1\u202f000\u202f000"},
		{"n past the right end is clamped", n, 9999, 1e6, 360, "1\u202f000\u202f000"},
		{"n before the left end is clamped", n, -3, 100, 0, "100"},
		{"α on its grid", alpha, 1.37, 1.37, 1.37, "1.37"},
		{"α between grid points is snapped", alpha, 1.234, 1.23, 1.23, "1.23"},
		{"α clamped to its max", alpha, 9, 2, 2, "2"},
		{"α with a trailing zero", alpha, 1.2, 1.2, 1.2, "1.2"},
		{"η at the table's step", eta, 0, 1e-4, 0, "0.0001"},
		{"η one step on", eta, 1, 1.1e-4, 1, "0.00011"},
		{"η at 10⁻³", eta, 90, 1e-3, 90, "0.001"},
		{"η at its max", eta, 360, 1, 360, "1"},
		{"lr at 0.1", lr, 180, 0.1, 180, "0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.s.Value(tc.pos)
			if math.Abs(v-tc.want) > 1e-12*tc.want {
				t.Errorf("Value(%v) = %v, want %v", tc.pos, v, tc.want)
			}
			if p := tc.s.Pos(v); p != tc.wantPos {
				t.Errorf("Pos(%v) = %v, want %v", v, p, tc.wantPos)
			}
			if got := tc.s.Format(v); got != tc.text {
				t.Errorf("Format(%v) = %q, want %q", v, got, tc.text)
			}
		})
	}
	t.Run("a value off the stops is drawn at the nearest", func(t *testing.T) {
		if p := n.Pos(2148); n.Value(p) != 2100 {
			t.Errorf("Pos(2148) = %v (value %v), want the stop 2100", p, n.Value(p))
		}
		if p := eta.Pos(0.000125); eta.Value(p) != 0.00013 && eta.Value(p) != 0.00012 {
			t.Errorf("Pos(0.000125) = %v (value %v), want 0.00012 or 0.00013", p, eta.Value(p))
		}
	})
	t.Run("input attributes", func(t *testing.T) {
		if n.Min() != 0 || n.Max() != 360 || n.StepAttr() != 1 {
			t.Errorf("n: min %v max %v step %v, want 0, 360, 1", n.Min(), n.Max(), n.StepAttr())
		}
		if alpha.Min() != 0.3 || alpha.Max() != 2 || alpha.StepAttr() != 0.01 {
			t.Errorf("α: min %v max %v step %v, want 0.3, 2, 0.01", alpha.Min(), alpha.Max(), alpha.StepAttr())
		}
	})
}

func TestBounds(t *testing.T) {
	for _, tc := range []struct {
		kind, name string
		lo, hi     float64
	}{
		{"exit", "alpha", 0.01, 2}, // α = 0 is refused: the slider starts one step in
		{"exit", "eta", 1e-4, 1},   // log from 0: starts at the table's step
		{"stable", "n", 100, 1e6},
		{"mlp", "width", 4, 1024},
	} {
		t.Run(tc.kind+"."+tc.name, func(t *testing.T) {
			lo, hi := Bounds(param(t, tc.kind, tc.name))
			if lo != tc.lo || hi != tc.hi {
				t.Errorf("Bounds = [%v, %v], want [%v, %v]", lo, hi, tc.lo, tc.hi)
			}
		})
	}
}

// TestEveryStepShowsANewValue: for every slider of every kind, one key press (one position)
// moves to a value that is shown differently, the value is one the table accepts, and a value
// read back gives its position.
func TestEveryStepShowsANewValue(t *testing.T) {
	for _, k := range spec.Kinds() {
		for _, p := range k.Params {
			if p.Type != spec.Float && p.Type != spec.Int {
				continue
			}
			t.Run(k.Name+"."+p.Name, func(t *testing.T) {
				s := ScaleOf(p)
				positions := int(math.Round((s.Max()-s.Min())/s.StepAttr())) + 1
				if positions > 5000 {
					positions = 5000 // a long linear grid: its start is as good a check as any
				}
				prev := ""
				for i := range positions {
					pos := s.Min() + float64(i)*s.StepAttr()
					v := s.Value(pos)
					text := s.Format(v)
					if text == prev {
						t.Fatalf("positions %d and %d both show %q", i-1, i, text)
					}
					prev = text
					if back := s.Pos(v); math.Abs(back-pos) > 1e-9*max(1, math.Abs(pos)) {
						t.Fatalf("position %v shows %v, which is drawn at %v", pos, v, back)
					}
					sp := spec.MustNew(k.Name, 1)
					if err := sp.Set(p.Name, v); err != nil {
						t.Fatalf("position %v: value %v refused: %v", pos, v, err)
					}
				}
			})
		}
	}
}

// FuzzScale: any position gives a value within the slider, drawn at a position of the input.
func FuzzScale(f *testing.F) {
	for _, x := range []float64{0, 1, -1, 0.5, 360, 1e308, math.Inf(1), math.NaN()} {
		f.Add(x)
	}
	var scales []Scale
	for _, k := range spec.Kinds() {
		for _, p := range k.Params {
			if p.Type == spec.Float || p.Type == spec.Int {
				scales = append(scales, ScaleOf(p))
			}
		}
	}
	f.Fuzz(func(t *testing.T, pos float64) {
		for _, s := range scales {
			v := s.Value(pos)
			if !(v >= s.Lo && v <= s.Hi) {
				t.Errorf("Value(%v) = %v outside [%v, %v]", pos, v, s.Lo, s.Hi)
			}
			if p := s.Pos(v); !(p >= s.Min() && p <= s.Max()) {
				t.Errorf("Pos(%v) = %v outside [%v, %v]", v, p, s.Min(), s.Max())
			}
		}
	})
}
