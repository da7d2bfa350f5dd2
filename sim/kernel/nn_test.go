package kernel_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/kernel"
	"github.com/tailscope/tailscope/sim/nn"
	"github.com/tailscope/tailscope/sim/noise"
)

// useKernel selects a kernel for the rest of the test and restores the default after it.
func useKernel(t *testing.T, name string) {
	t.Helper()
	def := kernel.Impls()[0]
	if err := kernel.Use(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kernel.Use(def) })
}

// TestUse: every listed kernel can be selected, an unknown one is an error naming the choices.
func TestUse(t *testing.T) {
	for _, name := range kernel.Impls() {
		useKernel(t, name)
		if kernel.Impl() != name {
			t.Errorf("Use(%q): Impl() = %q", name, kernel.Impl())
		}
	}
	if err := kernel.Use("nonesuch"); err == nil {
		t.Error(`Use("nonesuch"): want an error`)
	}
}

// randomSet makes n examples of dim N(0,1) inputs with labels uniform over classes.
func randomSet(n, dim, classes int, seed uint64) *data.Set {
	r := rand.New(rand.NewPCG(seed, 5))
	s := &data.Set{Name: "random", Dim: dim, Classes: classes, X: make([]float32, n*dim), Y: make([]uint8, n)}
	for i := range s.X {
		s.X[i] = float32(r.NormFloat64())
	}
	for i := range s.Y {
		s.Y[i] = uint8(r.IntN(classes))
	}
	return s
}

// TestNNGradientsFastVsReference: sim/nn's minibatch gradient of MLP 784-128-128-10 at b = 100
// through each fast kernel equals the one through the plain loops within float32 tolerance:
// sums of up to 784 products in another order, relative error ~k·2^-24 ≈ 5e-5 of the terms'
// size, so 1e-4·max|g| per layer.
func TestNNGradientsFastVsReference(t *testing.T) {
	set := randomSet(100, 784, 10, 1)
	grad := func(impl string) []float32 {
		useKernel(t, impl)
		net, err := nn.New([]int{784, 128, 128, 10}, 7)
		if err != nil {
			t.Fatal(err)
		}
		g := make([]float32, net.NumParams())
		if _, err := net.NewWorkspace(100).Gradient(net, nn.CrossEntropy, set.X, set.Y, g); err != nil {
			t.Fatal(err)
		}
		return g
	}
	ref := grad("go")
	for _, impl := range kernel.Impls() {
		if impl == "go" {
			continue
		}
		got := grad(impl)
		var scale float64
		for _, v := range ref {
			scale = math.Max(scale, math.Abs(float64(v)))
		}
		for i := range got {
			if d := math.Abs(float64(got[i] - ref[i])); d > 1e-4*scale {
				t.Fatalf("gradient[%d]: %s %v, plain loops %v (|diff| %g > 1e-4·max|g| = %g)", i, impl, got[i], ref[i], d, 1e-4*scale)
			}
		}
	}
}

// TestNoiseAlphaFastVsReference: the paper's noise measurement (sim/noise, P = 40 minibatches
// of 25 on 64-32-32-10) gives the same α̂ within 0.01 through every kernel.
func TestNoiseAlphaFastVsReference(t *testing.T) {
	set := randomSet(1000, 64, 10, 2)
	alpha := func(impl string) (float64, float64) {
		useKernel(t, impl)
		net, err := nn.New([]int{64, 32, 32, 10}, 3)
		if err != nil {
			t.Fatal(err)
		}
		m, err := noise.Measure(context.Background(), net, nn.CrossEntropy, set, noise.Config{Batch: 25, Subsample: -1, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		return m.Alpha.Alpha, m.AlphaRef.Alpha
	}
	refA, refR := alpha("go")
	for _, impl := range kernel.Impls() {
		if impl == "go" {
			continue
		}
		a, r := alpha(impl)
		t.Logf("alpha (zeros skipped / kept): %s %.5f / %.5f, plain loops %.5f / %.5f", impl, a, r, refA, refR)
		if !(math.Abs(a-refA) < 0.01 && math.Abs(r-refR) < 0.01) {
			t.Errorf("alpha through %s: %v / %v, through the plain loops %v / %v: differ by ≥ 0.01", impl, a, r, refA, refR)
		}
	}
}
