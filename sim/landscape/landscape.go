// Package landscape holds the loss landscapes on which Tailscope runs Lévy- and Brownian-driven
// gradient descent (docs/science.md#exit-times): a single basin whose width and height are independent, a double
// well with a narrow-deep and a wide-shallow minimum, and a 2-D version of the double well. Each
// landscape gives its value, its gradient and its basins with their exit boundaries; theory.go holds
// the asymptotic and exact mean exit times these simulations are compared with.
//
// Parameters are in plain units a slider can move: widths are distances in w, heights are loss
// differences, and time is measured in the units of the gradient flow dw/dt = −∇f(w).
package landscape

import (
	"fmt"
	"math"
)

// Landscape is a loss f on R^Dim with its gradient and its basins.
type Landscape interface {
	Dim() int
	// Value returns f(x).
	Value(x []float64) float64
	// Grad writes ∇f(x) into g (len Dim).
	Grad(x, g []float64)
	// Basins lists the basins of attraction, each with its exit boundary.
	Basins() []Basin
	// Locate returns the index in Basins of the basin whose box holds x, or −1 when x is
	// outside every basin (past an exit boundary of a landscape that does not cover R^Dim).
	Locate(x []float64) int
}

// Landscape1D is a one-dimensional landscape with scalar fast paths, used by the
// dynamics' inner loop.
type Landscape1D interface {
	Landscape
	Grad1(x float64) float64
	Value1(x float64) float64
	Locate1(x float64) int
}

// Basin is a basin of attraction: the open box Lo < x < Hi (per coordinate; ±Inf where a
// direction is unbounded) around the minimum Min. Depth is the height of the lowest point of
// its exit boundary above f(Min): the ΔH of Kramers' law.
type Basin struct {
	Name   string    `json:"name"`
	Min    []float64 `json:"min"`
	Lo     []float64 `json:"lo"`
	Hi     []float64 `json:"hi"`
	Depth  float64   `json:"depth"`
	Bottom float64   `json:"bottom"` // f(Min)
}

// Contains reports whether x lies inside b's box.
func (b *Basin) Contains(x []float64) bool {
	for i, xi := range x {
		if !(xi > b.Lo[i] && xi < b.Hi[i]) {
			return false
		}
	}
	return true
}

// bump is the smoothstep profile g(u) = 3u² − 2u³ on [0, 1], 1 beyond: g(0) = 0,
// g(1) = 1, g'(0) = g'(1) = 0, g”(0) = 6, g”(1) = −6.
func bump(u float64) float64 {
	if u >= 1 {
		return 1
	}
	return u * u * (3 - 2*u)
}

// dbump is g'(u) for u ≥ 0.
func dbump(u float64) float64 {
	if u >= 1 {
		return 0
	}
	return 6 * u * (1 - u)
}

// Well is a single basin with its minimum f(0) = 0 at 0 and its exit boundary at −B and A,
// where f reaches the plateau H:
//
//	f(x) = H·g(x/A) for x ≥ 0,  H·g(−x/B) for x < 0,  g(u) = 3u² − 2u³ (u ≤ 1), 1 (u > 1).
//
// Width (A, B) and height H are independent: the curvature at the bottom is 6H/A² on the right
// and 6H/B² on the left, and f is flat (f' = 0) at and beyond the boundary. H = 0 is pure noise
// in the interval (−B, A).
type Well struct {
	A, B, H float64
}

// Check reports an invalid Well.
func (w Well) Check() error {
	if !(w.A > 0) || !(w.B > 0) || math.IsInf(w.A, 0) || math.IsInf(w.B, 0) {
		return fmt.Errorf("landscape: well widths must be positive and finite, got A=%v B=%v", w.A, w.B)
	}
	if !(w.H >= 0) || math.IsInf(w.H, 0) {
		return fmt.Errorf("landscape: well height must be ≥ 0 and finite, got H=%v", w.H)
	}
	return nil
}

func (w Well) Dim() int { return 1 }

func (w Well) Value1(x float64) float64 {
	if x >= 0 {
		return w.H * bump(x/w.A)
	}
	return w.H * bump(-x/w.B)
}

func (w Well) Grad1(x float64) float64 {
	if x >= 0 {
		return w.H / w.A * dbump(x/w.A)
	}
	return -w.H / w.B * dbump(-x/w.B)
}

func (w Well) Locate1(x float64) int {
	if x > -w.B && x < w.A {
		return 0
	}
	return -1
}

// MaxCurvature is the largest |f”|, 6H/min(A, B)²: the explicit Euler step η is stable
// (no overshoot) when η·MaxCurvature < 1.
func (w Well) MaxCurvature() float64 { return 6 * w.H / math.Pow(min(w.A, w.B), 2) }

func (w Well) Value(x []float64) float64 { return w.Value1(x[0]) }
func (w Well) Grad(x, g []float64)       { g[0] = w.Grad1(x[0]) }
func (w Well) Locate(x []float64) int    { return w.Locate1(x[0]) }
func (w Well) Basins() []Basin {
	return []Basin{{Name: "well", Min: []float64{0}, Lo: []float64{-w.B}, Hi: []float64{w.A}, Depth: w.H}}
}

// DoubleWell is a 1-D double well with its barrier top f(0) = 0 at 0, a left minimum of depth HL
// at −WL and a right minimum of depth HR at WR. Between a minimum m and the barrier
// f = −h·(1 − g(|x − m|/w)); past each minimum an outer quadratic wall f = −h + 3h((x − m)/w)²
// with the same curvature 6h/w² keeps the walkers (however far a jump takes them) in the
// landscape. The left basin is x < 0 and the right one x > 0: its exit boundary is the barrier.
type DoubleWell struct {
	WL, HL, WR, HR float64
}

// Check reports an invalid DoubleWell.
func (d DoubleWell) Check() error {
	for _, v := range []struct {
		name string
		x    float64
	}{{"WL", d.WL}, {"WR", d.WR}, {"HL", d.HL}, {"HR", d.HR}} {
		if !(v.x > 0) || math.IsInf(v.x, 0) {
			return fmt.Errorf("landscape: double well %s must be positive and finite, got %v", v.name, v.x)
		}
	}
	return nil
}

func (d DoubleWell) Dim() int { return 1 }

func (d DoubleWell) Value1(x float64) float64 {
	if x < 0 {
		u := (x + d.WL) / d.WL // −∞ … 1 on the left side
		if u <= 0 {
			return -d.HL + 3*d.HL*u*u
		}
		return -d.HL * (1 - bump(u))
	}
	u := (d.WR - x) / d.WR
	if u <= 0 {
		return -d.HR + 3*d.HR*u*u
	}
	return -d.HR * (1 - bump(u))
}

func (d DoubleWell) Grad1(x float64) float64 {
	if x < 0 {
		u := (x + d.WL) / d.WL
		if u <= 0 {
			return 6 * d.HL * u / d.WL
		}
		return d.HL / d.WL * dbump(u)
	}
	u := (d.WR - x) / d.WR
	if u <= 0 {
		return -6 * d.HR * u / d.WR
	}
	return -d.HR / d.WR * dbump(u)
}

func (d DoubleWell) Locate1(x float64) int {
	if x < 0 {
		return 0
	}
	return 1
}

// MaxCurvature is the largest |f”|, max(6HL/WL², 6HR/WR²).
func (d DoubleWell) MaxCurvature() float64 {
	return max(6*d.HL/(d.WL*d.WL), 6*d.HR/(d.WR*d.WR))
}

func (d DoubleWell) Value(x []float64) float64 { return d.Value1(x[0]) }
func (d DoubleWell) Grad(x, g []float64)       { g[0] = d.Grad1(x[0]) }
func (d DoubleWell) Locate(x []float64) int    { return d.Locate1(x[0]) }
func (d DoubleWell) Basins() []Basin {
	inf := math.Inf(1)
	return []Basin{
		{Name: "left", Min: []float64{-d.WL}, Lo: []float64{-inf}, Hi: []float64{0}, Depth: d.HL, Bottom: -d.HL},
		{Name: "right", Min: []float64{d.WR}, Lo: []float64{0}, Hi: []float64{inf}, Depth: d.HR, Bottom: -d.HR},
	}
}

// DoubleWell2D is the double well in x with a quadratic valley across it:
// f(x, y) = DoubleWell(x) + ½·K·y². Its basins are the half-planes x < 0 and x > 0, and the
// saddle at (0, 0) is the lowest point of their common boundary.
type DoubleWell2D struct {
	W DoubleWell
	K float64
}

// Check reports an invalid DoubleWell2D.
func (d DoubleWell2D) Check() error {
	if err := d.W.Check(); err != nil {
		return err
	}
	if !(d.K > 0) || math.IsInf(d.K, 0) {
		return fmt.Errorf("landscape: valley stiffness K must be positive and finite, got %v", d.K)
	}
	return nil
}

func (d DoubleWell2D) Dim() int { return 2 }
func (d DoubleWell2D) Value(x []float64) float64 {
	return d.W.Value1(x[0]) + 0.5*d.K*x[1]*x[1]
}
func (d DoubleWell2D) Grad(x, g []float64) {
	g[0] = d.W.Grad1(x[0])
	g[1] = d.K * x[1]
}
func (d DoubleWell2D) Locate(x []float64) int { return d.W.Locate1(x[0]) }

// MaxCurvature is the largest eigenvalue of the Hessian anywhere.
func (d DoubleWell2D) MaxCurvature() float64 { return max(d.W.MaxCurvature(), d.K) }

func (d DoubleWell2D) Basins() []Basin {
	b := d.W.Basins()
	inf := math.Inf(1)
	for i := range b {
		b[i].Min = append(b[i].Min, 0)
		b[i].Lo = append(b[i].Lo, -inf)
		b[i].Hi = append(b[i].Hi, inf)
	}
	return b
}

var (
	_ Landscape1D = Well{}
	_ Landscape1D = DoubleWell{}
	_ Landscape   = DoubleWell2D{}
)
