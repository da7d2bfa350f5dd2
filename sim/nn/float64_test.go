//go:build !js

package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGradientFiniteDifferences64 checks the float64 backward pass against central
// differences of the float64 reference loss, with h = 1e-5: truncation error O(h²) ~ 1e-10
// and cancellation ~ 1e-16/1e-5 = 1e-11, so |Δ| ≤ 1e-8 + 1e-6·|g|, a thousand times tighter
// than the float32 test's bound (float32 rounding alone, ~1e-7 relative, would exceed it).
func TestGradientFiniteDifferences64(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes []int
		loss  Loss
		b     int
	}{
		{"ce-2", []int{5, 7, 4}, CrossEntropy, 6},
		{"ce-3", []int{6, 8, 7, 3}, CrossEntropy, 5},
		{"hinge-4", []int{6, 8, 7, 5, 3}, Hinge, 5},
		{"hinge-2", []int{4, 9, 3}, Hinge, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, err := New64(tc.sizes, 3)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			x, y := randBatch(r, tc.b, tc.sizes[0], tc.sizes[len(tc.sizes)-1])
			ws := net.NewWorkspace(tc.b)
			grad := make([]float64, net.NumParams())
			st, err := ws.Gradient(net, tc.loss, x, y, grad)
			if err != nil {
				t.Fatal(err)
			}
			p := append([]float64(nil), net.Params...)
			if ref := loss64(tc.sizes, p, tc.loss, x, y); math.Abs(st.Loss-ref) > 1e-13*math.Max(1, ref) {
				t.Errorf("loss %v, float64 reference %v", st.Loss, ref)
			}
			const h = 1e-5
			worst := 0.0
			for i := range p {
				old := p[i]
				p[i] = old + h
				up := loss64(tc.sizes, p, tc.loss, x, y)
				p[i] = old - h
				down := loss64(tc.sizes, p, tc.loss, x, y)
				p[i] = old
				fd := (up - down) / (2 * h)
				d := math.Abs(grad[i] - fd)
				worst = max(worst, d)
				if d > 1e-8+1e-6*math.Abs(fd) {
					t.Fatalf("∂L/∂w[%d] = %.12g, finite difference %.12g", i, grad[i], fd)
				}
			}
			t.Logf("%d weights, worst |g − fd| %.2g", len(p), worst)
		})
	}
}

// TestFloat64MatchesFloat32: from the same seed both precisions start from the same weights
// exactly (float64 widens float32's draws), and after a few SGD steps they agree to float32
// rounding; the float64 gradient differs from the float32 one by float32's rounding, not more.
func TestFloat64MatchesFloat32(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes []int
		loss  Loss
	}{
		{"ce", []int{20, 16, 16, 4}, CrossEntropy},
		{"hinge", []int{20, 16, 3}, Hinge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n32, _ := New(tc.sizes, 11)
			n64, err := New64(tc.sizes, 11)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range n32.Params {
				if float64(w) != n64.Params[i] {
					t.Fatalf("initial weight %d: float32 %v, float64 %v", i, w, n64.Params[i])
				}
			}
			const b, steps = 8, 5
			r := rand.New(rand.NewPCG(4, 5))
			x, y := randBatch(r, b, tc.sizes[0], tc.sizes[len(tc.sizes)-1])
			ws32, ws64 := n32.NewWorkspace(b), n64.NewWorkspace(b)
			g32, g64 := make([]float32, n32.NumParams()), make([]float64, n64.NumParams())
			for s := 0; s < steps; s++ {
				st32, err := ws32.Gradient(n32, tc.loss, x, y, g32)
				if err != nil {
					t.Fatal(err)
				}
				st64, err := ws64.Gradient(n64, tc.loss, x, y, g64)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(st32.Loss-st64.Loss) > 1e-5*math.Max(1, st64.Loss) {
					t.Fatalf("step %d: loss float32 %v, float64 %v", s, st32.Loss, st64.Loss)
				}
				for i, g := range g64 {
					if math.Abs(float64(g32[i])-g) > 1e-5+1e-4*math.Abs(g) {
						t.Fatalf("step %d: ∂L/∂w[%d] float32 %v, float64 %v", s, i, g32[i], g)
					}
				}
				n32.SGD(g32, 0.1)
				n64.SGD(g64, 0.1)
			}
			worst := 0.0
			for i, w := range n64.Params {
				d := math.Abs(float64(n32.Params[i]) - w)
				worst = max(worst, d)
				if d > 1e-5+1e-4*math.Abs(w) {
					t.Fatalf("after %d steps weight %d: float32 %v, float64 %v", steps, i, n32.Params[i], w)
				}
			}
			if worst == 0 {
				t.Fatalf("float32 and float64 weights are identical after %d steps: is float64 really float64?", steps)
			}
			t.Logf("worst weight difference after %d steps %.2g", steps, worst)
		})
	}
}

// BenchmarkStep64 is BenchmarkStep in float64 (gonum's Dgemm), for the float64 option's cost
// against float32's fast kernels: run both in one `go test -bench Step`.
func BenchmarkStep64(b *testing.B) {
	sizes := []int{784, 128, 128, 10}
	net, err := New64(sizes, 1)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 77))
	x, y := randBatch(r, 100, sizes[0], sizes[len(sizes)-1])
	ws := net.NewWorkspace(100)
	g := make([]float64, net.NumParams())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ws.Gradient(net, CrossEntropy, x, y, g); err != nil {
			b.Fatal(err)
		}
		net.SGD(g, 0.1)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}
