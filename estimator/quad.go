package estimator

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/integrate/quad"
)

// glX and glW are the positive nodes and their weights of 20-point
// Gauss–Legendre quadrature on [−1, 1] (the rule is symmetric), from gonum's
// quad.Legendre. glPanel applies them itself rather than through quad.Fixed
// because it is the innermost loop of SymStable's density and CDF: the
// nodes are computed once here, not on each of the thousands of panels.
var glX, glW = legendre20()

func legendre20() (x, w [10]float64) {
	var xs, ws [20]float64
	quad.Legendre{}.FixedLocations(xs[:], ws[:], -1, 1)
	i := 0
	for j := range xs {
		if xs[j] > 0 {
			x[i], w[i] = xs[j], ws[j]
			i++
		}
	}
	sort.Sort(byNode{&x, &w}) // in increasing order, whatever order gonum returns
	return x, w
}

type byNode struct{ x, w *[10]float64 }

func (b byNode) Len() int           { return 10 }
func (b byNode) Less(i, j int) bool { return b.x[i] < b.x[j] }
func (b byNode) Swap(i, j int) {
	b.x[i], b.x[j] = b.x[j], b.x[i]
	b.w[i], b.w[j] = b.w[j], b.w[i]
}

// glPanel integrates h over [a, b] with the 20-point rule.
func glPanel(h func(float64) float64, a, b float64) float64 {
	c, r := (a+b)/2, (b-a)/2
	s := 0.0
	for i, x := range glX {
		s += glW[i] * (h(c-r*x) + h(c+r*x))
	}
	return s * r
}

// adaptive integrates h over [a, b] by recursive bisection until the
// 20-point rule on the halves agrees with the whole to 1e-13 absolute (the
// integrands here are bounded by 1), the depth reaches 40, or 4000 panels
// have been evaluated (then the best sum so far is returned). A NaN stops
// the recursion and is returned. It is written here because gonum's
// integrate/quad has fixed rules only, and the SαS integrands (peaked near
// the mode for α < 1, oscillating far out) need the bisection to reach 1e-13.
func adaptive(h func(float64) float64, a, b float64) float64 {
	budget := 4000
	return adapt(h, a, b, glPanel(h, a, b), 0, &budget)
}

func adapt(h func(float64) float64, a, b, whole float64, depth int, budget *int) float64 {
	m := (a + b) / 2
	l, r := glPanel(h, a, m), glPanel(h, m, b)
	*budget -= 2
	d := math.Abs(l + r - whole)
	if depth >= 40 || *budget <= 0 || d <= 1e-13 || math.IsNaN(d) {
		return l + r
	}
	return adapt(h, a, m, l, depth+1, budget) + adapt(h, m, b, r, depth+1, budget)
}
