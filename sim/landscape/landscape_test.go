package landscape

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGradientMatchesFiniteDifferences checks every landscape's gradient against central
// differences (f(x+h) − f(x−h))/2h at random points. With h = 1e−6 the truncation error is
// |f”'|·h²/6 (≤ 1e−9 here) away from the joins where f” jumps; at a join it is at most
// |Δf”|·h/2 ≈ 1e−5 for the curvatures used; rounding adds about 1e−16·|f|/h ≈ 1e−9. A tolerance of
// 1e−4·(1 + |f'|) covers both while still catching a wrong sign or factor.
func TestGradientMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	lands := []struct {
		name string
		l    Landscape
		span float64
	}{
		{"well symmetric", Well{A: 1, B: 1, H: 1}, 1.5},
		{"well skewed", Well{A: 0.3, B: 2, H: 4}, 3},
		{"well flat", Well{A: 1, B: 1, H: 0}, 2},
		{"double well", DoubleWell{WL: 0.5, HL: 1, WR: 2, HR: 0.3}, 4},
		{"double well 2d", DoubleWell2D{W: DoubleWell{WL: 1, HL: 2, WR: 1.5, HR: 1}, K: 3}, 3},
	}
	const h = 1e-6
	for _, tt := range lands {
		d := tt.l.Dim()
		x := make([]float64, d)
		g := make([]float64, d)
		xp := make([]float64, d)
		for trial := 0; trial < 2000; trial++ {
			for i := range x {
				x[i] = (2*rng.Float64() - 1) * tt.span
			}
			tt.l.Grad(x, g)
			for i := range x {
				copy(xp, x)
				xp[i] = x[i] + h
				fp := tt.l.Value(xp)
				xp[i] = x[i] - h
				fm := tt.l.Value(xp)
				fd := (fp - fm) / (2 * h)
				if math.Abs(fd-g[i]) > 1e-4*(1+math.Abs(g[i])) {
					t.Fatalf("%s: ∂f/∂x%d at %v: gradient %v, finite difference %v", tt.name, i, x, g[i], fd)
				}
			}
		}
	}
}

func TestShapesAndBasins(t *testing.T) {
	w := Well{A: 0.5, B: 2, H: 3}
	dw := DoubleWell{WL: 0.5, HL: 1, WR: 2, HR: 0.3}
	d2 := DoubleWell2D{W: dw, K: 2}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"well f(0)", w.Value1(0), 0},
		{"well f(A)", w.Value1(0.5), 3},
		{"well f(−B)", w.Value1(-2), 3},
		{"well f beyond A", w.Value1(7), 3},
		{"well f'(A)", w.Grad1(0.5), 0},
		{"well f(A/2)", w.Value1(0.25), 3 * 0.5},
		{"well max curvature 6H/min(A,B)²", w.MaxCurvature(), 6 * 3 / 0.25},
		{"double well barrier f(0)", dw.Value1(0), 0},
		{"double well f'(0)", dw.Grad1(0), 0},
		{"double well left min", dw.Value1(-0.5), -1},
		{"double well right min", dw.Value1(2), -0.3},
		{"double well f'(left min)", dw.Grad1(-0.5), 0},
		{"double well outer wall f(−1)", dw.Value1(-1), -1 + 3},
		{"double well outer wall f(4)", dw.Value1(4), -0.3 + 3*0.3},
		{"2d saddle", d2.Value([]float64{0, 0}), 0},
		{"2d valley", d2.Value([]float64{2, 1}), -0.3 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if math.Abs(tt.got-tt.want) > 1e-12 {
				t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
			}
		})
	}
	locs := []struct {
		name string
		l    Landscape
		x    []float64
		want int
	}{
		{"well inside", w, []float64{0.49}, 0},
		{"well past A", w, []float64{0.5}, -1},
		{"well past −B", w, []float64{-2.01}, -1},
		{"double well left", dw, []float64{-5}, 0},
		{"double well right", dw, []float64{1e9}, 1},
		{"2d left", d2, []float64{-0.1, 30}, 0},
		{"2d right", d2, []float64{0.1, -30}, 1},
	}
	for _, tt := range locs {
		if got := tt.l.Locate(tt.x); got != tt.want {
			t.Errorf("%s: Locate(%v) = %d, want %d", tt.name, tt.x, got, tt.want)
		}
		if idx := tt.l.Locate(tt.x); idx >= 0 {
			b := tt.l.Basins()[idx]
			if !b.Contains(tt.x) {
				t.Errorf("%s: basin %s box does not contain %v", tt.name, b.Name, tt.x)
			}
		}
	}
	for _, l := range []Landscape{w, dw, d2} {
		for _, b := range l.Basins() {
			if got := l.Value(b.Min); math.Abs(got-b.Bottom) > 1e-12 {
				t.Errorf("basin %s: f(Min) = %v, Bottom %v", b.Name, got, b.Bottom)
			}
		}
	}
}

func TestChecksRefuseBadShapes(t *testing.T) {
	bad := []interface{ Check() error }{
		Well{A: 0, B: 1, H: 1}, Well{A: 1, B: math.Inf(1), H: 1}, Well{A: 1, B: 1, H: -1}, Well{A: 1, B: 1, H: math.NaN()},
		DoubleWell{WL: 1, HL: 0, WR: 1, HR: 1}, DoubleWell2D{W: DoubleWell{1, 1, 1, 1}, K: 0},
	}
	for _, b := range bad {
		if b.Check() == nil {
			t.Errorf("Check accepted %+v", b)
		}
	}
	if err := (Well{A: 1, B: 1, H: 0}).Check(); err != nil {
		t.Errorf("flat well refused: %v", err)
	}
}
