package mlpstep

import (
	"math"
	"testing"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/kernel"
)

// TestZeroWeights: with every weight zero the logits are zero, so the loss is exactly ln(C)
// and the last layer's gradient is zero (its inputs are zero).
func TestZeroWeights(t *testing.T) {
	for _, sizes := range [][]int{{5, 3}, {8, 6, 4}, {784, 128, 128, 10}} {
		n, err := New(sizes, 7, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range n.W {
			clear(w)
		}
		x, y := RandomBatch(7, sizes[0], sizes[len(sizes)-1], 2)
		loss, err := n.Grad(x, y)
		if err != nil {
			t.Fatal(err)
		}
		want := math.Log(float64(sizes[len(sizes)-1]))
		if math.Abs(loss-want) > 1e-6 {
			t.Errorf("sizes %v, zero weights: loss %v, want ln(C) = %v", sizes, loss, want)
		}
		if len(sizes) > 2 {
			for i, g := range n.G[len(n.G)-1] {
				if g != 0 {
					t.Fatalf("sizes %v, zero weights: last-layer gradient [%d] = %v, want 0", sizes, i, g)
				}
			}
		}
	}
}

// TestGradFiniteDifference compares the backward pass with central differences of the loss
// on a small network. Float32 forward passes make the loss exact to ~1e-7, so with h = 1e-3
// the difference quotient is good to ~1e-4 plus O(h²) curvature; 2e-3 absolute is safe and
// far below a wrong gradient (errors of the size of the gradient itself, ~1e-1).
func TestGradFiniteDifference(t *testing.T) {
	sizes := []int{6, 5, 4, 3}
	n, err := New(sizes, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	x, y := RandomBatch(4, 6, 3, 4)
	if _, err := n.Grad(x, y); err != nil {
		t.Fatal(err)
	}
	grads := make([][]float32, len(n.G))
	for l := range n.G {
		grads[l] = append([]float32(nil), n.G[l]...)
	}
	const h = 1e-3
	for l, w := range n.W {
		for i := range w {
			orig := w[i]
			w[i] = orig + h
			up, _ := n.Grad(x, y)
			w[i] = orig - h
			down, _ := n.Grad(x, y)
			w[i] = orig
			fd := (up - down) / (2 * h)
			if d := math.Abs(fd - float64(grads[l][i])); d > 2e-3 {
				t.Errorf("W[%d][%d]: backward %v, central difference %v (|diff| %g)", l, i, grads[l][i], fd, d)
			}
		}
	}
}

// TestFastGradientsMatchReference: the gradients through the fast kernels equal those through
// the reference loops within float32 tolerance, on the benchmark's network.
func TestFastGradientsMatchReference(t *testing.T) {
	sizes := []int{784, 128, 128, 10}
	fast, _ := New(sizes, 100, 5)
	ref, _ := New(sizes, 100, 5)
	ref.Ref = true
	x, y := RandomBatch(100, 784, 10, 6)
	lf, err := fast.Grad(x, y)
	if err != nil {
		t.Fatal(err)
	}
	lr, _ := ref.Grad(x, y)
	// Sums of up to 784 float32 products in another order: relative error ~ k·2^-24 ≈ 5e-5.
	if math.Abs(lf-lr) > 1e-5*math.Abs(lr) {
		t.Errorf("loss: fast (%s) %v, reference %v", kernel.Impl(), lf, lr)
	}
	for l := range fast.G {
		var scale float64
		for _, g := range ref.G[l] {
			scale = math.Max(scale, math.Abs(float64(g)))
		}
		for i := range fast.G[l] {
			if d := math.Abs(float64(fast.G[l][i] - ref.G[l][i])); d > 1e-4*scale {
				t.Fatalf("G[%d][%d]: fast (%s) %v, reference %v (|diff| %g > 1e-4·max|g| = %g)",
					l, i, kernel.Impl(), fast.G[l][i], ref.G[l][i], d, 1e-4*scale)
			}
		}
	}
}

// TestAlphaUnchanged: the paper's noise evaluation (P minibatch gradients, their mean, the
// pooled noise, Mohammadi's α̂) gives the same α̂ within 0.01 through the fast kernels and
// through the reference loops.
func TestAlphaUnchanged(t *testing.T) {
	sizes := []int{64, 32, 32, 10}
	const P, b = 40, 20
	alpha := func(useRef bool) float64 {
		n, _ := New(sizes, b, 7)
		n.Ref = useRef
		var grads [][]float64
		for j := 0; j < P; j++ {
			x, y := RandomBatch(b, sizes[0], 10, uint64(100+j))
			if _, err := n.Grad(x, y); err != nil {
				t.Fatal(err)
			}
			var g []float64
			for _, gl := range n.G {
				for _, v := range gl {
					g = append(g, float64(v))
				}
			}
			grads = append(grads, g)
		}
		mean := make([]float64, len(grads[0]))
		for _, g := range grads {
			for i, v := range g {
				mean[i] += v / P
			}
		}
		var noise []float64
		for _, g := range grads {
			for i, v := range g {
				noise = append(noise, v-mean[i])
			}
		}
		est, err := estimator.Mohammadi{}.Estimate(noise)
		if err != nil {
			t.Fatal(err)
		}
		return est.Alpha
	}
	fast, ref := alpha(false), alpha(true)
	t.Logf("alpha: fast (%s) %.5f, reference %.5f", kernel.Impl(), fast, ref)
	if math.Abs(fast-ref) >= 0.01 || math.IsNaN(fast) {
		t.Errorf("alpha through %s kernels %v, through reference %v: differ by ≥ 0.01", kernel.Impl(), fast, ref)
	}
}

func TestBadInput(t *testing.T) {
	if _, err := New([]int{3}, 1, 0); err == nil {
		t.Error("New([3]): want an error for a single layer size")
	}
	if _, err := New([]int{3, 0}, 1, 0); err == nil {
		t.Error("New([3 0]): want an error for a zero layer size")
	}
	if _, err := New([]int{3, 2}, 0, 0); err == nil {
		t.Error("New batch 0: want an error")
	}
	n, _ := New([]int{3, 2}, 2, 0)
	if _, err := n.Grad(make([]float32, 6), []int{0, 2}); err == nil {
		t.Error("Grad with label 2 of 2 classes: want an error")
	}
	if _, err := n.Grad(make([]float32, 5), []int{0, 1}); err == nil {
		t.Error("Grad with 5 inputs for batch 2×3: want an error")
	}
}

// BenchmarkStep times one SGD step of MLP 784-128-128-10 at batch 100, fast and reference.
func BenchmarkStep(b *testing.B) {
	for _, useRef := range []bool{false, true} {
		name := "fast"
		if useRef {
			name = "ref"
		}
		b.Run(name, func(b *testing.B) {
			n, _ := New([]int{784, 128, 128, 10}, 100, 1)
			n.Ref = useRef
			x, y := RandomBatch(100, 784, 10, 2)
			for b.Loop() {
				if _, err := n.Step(x, y, 0.1); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}
