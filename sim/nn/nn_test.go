package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// loss64 is a float64 reference: the mean loss of the network with weights p on x, y.
func loss64(sizes []int, p []float64, loss Loss, x []float32, y []uint8) float64 {
	b := len(y)
	var total float64
	for i := 0; i < b; i++ {
		a := make([]float64, sizes[0])
		for j := range a {
			a[j] = float64(x[i*sizes[0]+j])
		}
		off := 0
		for l := 0; l+1 < len(sizes); l++ {
			in, out := sizes[l], sizes[l+1]
			z := make([]float64, out)
			for o := 0; o < out; o++ {
				for k := 0; k < in; k++ {
					z[o] += p[off+o*in+k] * a[k]
				}
				if l+2 < len(sizes) && z[o] < 0 {
					z[o] = 0
				}
			}
			off += in * out
			a = z
		}
		switch loss {
		case CrossEntropy:
			m := a[0]
			for _, v := range a {
				m = math.Max(m, v)
			}
			var s float64
			for _, v := range a {
				s += math.Exp(v - m)
			}
			total += m + math.Log(s) - a[y[i]]
		case Hinge:
			for j, v := range a {
				t := -1.0
				if j == int(y[i]) {
					t = 1
				}
				total += math.Max(0, 1-t*v) / float64(len(a))
			}
		}
	}
	return total / float64(b)
}

func randBatch(r *rand.Rand, b, dim, classes int) ([]float32, []uint8) {
	x := make([]float32, b*dim)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	y := make([]uint8, b)
	for i := range y {
		y[i] = uint8(r.IntN(classes))
	}
	return x, y
}

// TestGradientFiniteDifferences compares the float32 backward pass with central differences
// of the float64 reference loss. The float32 gradient carries relative rounding errors of
// order 1e-6 (sums of a few dozen terms); the central difference with h = 1e-6 has
// truncation error O(h²) and float64 cancellation error ~1e-16/1e-6 = 1e-10. A kink of ReLU or
// of the hinge within h of a random point has probability ~1e-5 per unit. So |Δ| ≤ 1e-5 +
// 1e-4·|g| is loose for a correct gradient, yet a wrong factor or sign or a missing ReLU
// mask (errors of order |g|) fails it.
func TestGradientFiniteDifferences(t *testing.T) {
	for _, tc := range []struct {
		sizes []int
		loss  Loss
		b     int
	}{
		{[]int{5, 3}, CrossEntropy, 4},
		{[]int{5, 7, 4}, CrossEntropy, 6},
		{[]int{6, 8, 7, 3}, CrossEntropy, 5},
		{[]int{6, 8, 7, 5, 3}, Hinge, 5},
		{[]int{4, 9, 3}, Hinge, 7},
	} {
		net, err := New(tc.sizes, 3)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 2))
		x, y := randBatch(r, tc.b, tc.sizes[0], tc.sizes[len(tc.sizes)-1])
		ws := net.NewWorkspace(tc.b)
		grad := make([]float32, net.NumParams())
		st, err := ws.Gradient(net, tc.loss, x, y, grad)
		if err != nil {
			t.Fatal(err)
		}
		p := make([]float64, net.NumParams())
		for i, v := range net.Params {
			p[i] = float64(v)
		}
		if ref := loss64(tc.sizes, p, tc.loss, x, y); math.Abs(st.Loss-ref) > 1e-6*math.Max(1, ref) {
			t.Errorf("%v %v: loss %v, float64 reference %v", tc.sizes, tc.loss, st.Loss, ref)
		}
		const h = 1e-6
		bad := 0
		for i := range p {
			old := p[i]
			p[i] = old + h
			up := loss64(tc.sizes, p, tc.loss, x, y)
			p[i] = old - h
			down := loss64(tc.sizes, p, tc.loss, x, y)
			p[i] = old
			fd := (up - down) / (2 * h)
			if g := float64(grad[i]); math.Abs(g-fd) > 1e-5+1e-4*math.Abs(fd) {
				if bad++; bad < 5 {
					t.Errorf("%v %v: ∂L/∂w[%d] = %.8g, finite difference %.8g", tc.sizes, tc.loss, i, g, fd)
				}
			}
		}
	}
}

func TestKnownLosses(t *testing.T) {
	// All-zero weights give zero outputs: cross-entropy log C, hinge mean max(0, 1) = 1.
	for _, tc := range []struct {
		loss Loss
		want float64
	}{{CrossEntropy, math.Log(10)}, {Hinge, 1}} {
		net, _ := New([]int{3, 4, 10}, 1)
		clear(net.Params)
		x, y := randBatch(rand.New(rand.NewPCG(5, 5)), 8, 3, 10)
		st, _, err := net.NewWorkspace(8).Forward(net, tc.loss, x, y)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(st.Loss-tc.want) > 1e-12 {
			t.Errorf("%v with zero weights: loss %v, want %v", tc.loss, st.Loss, tc.want)
		}
	}
	// One linear layer, identity weights: outputs are the inputs.
	net, _ := New([]int{3, 3}, 1)
	copy(net.Params, []float32{1, 0, 0, 0, 1, 0, 0, 0, 1})
	x := []float32{2, 0, -1, 0.5, 0.5, 3}
	y := []uint8{0, 1}
	st, _, _ := net.NewWorkspace(2).Forward(net, Hinge, x, y)
	// Example 1: t=(1,−1,−1), out=(2,0,−1): max(0,1−2)+max(0,1+0)+max(0,1−1) = 1.
	// Example 2: t=(−1,1,−1), out=(.5,.5,3): 1.5 + 0.5 + 4 = 6. Mean over 6 entries: 7/6.
	if math.Abs(st.Loss-7.0/6) > 1e-7 || st.Correct != 1 {
		t.Errorf("hinge on identity net: loss %v correct %d, want 7/6 and 1", st.Loss, st.Correct)
	}
}

func TestInit(t *testing.T) {
	net, err := New([]int{784, 100, 10}, 42)
	if err != nil {
		t.Fatal(err)
	}
	for l, fanIn := range []int{784, 100} {
		w := net.Layer(l)
		bound := 1 / math.Sqrt(float64(fanIn))
		var sum, sq, max float64
		for _, v := range w {
			sum += float64(v)
			sq += float64(v) * float64(v)
			max = math.Max(max, math.Abs(float64(v)))
		}
		n := float64(len(w))
		// U(−c, c) has mean 0 and variance c²/3. With n ≥ 1000 draws, the sample mean's
		// standard error is c/√(3n) and the variance's is about c²·0.3/√n: 5 SE tolerances.
		if max > bound {
			t.Errorf("layer %d: |w| up to %v, bound %v", l, max, bound)
		}
		if m := sum / n; math.Abs(m) > 5*bound/math.Sqrt(3*n) {
			t.Errorf("layer %d: mean %v, want 0 ± %v", l, m, 5*bound/math.Sqrt(3*n))
		}
		if v := sq / n; math.Abs(v-bound*bound/3) > 5*0.3*bound*bound/math.Sqrt(n) {
			t.Errorf("layer %d: variance %v, want %v", l, v, bound*bound/3)
		}
	}
	again, _ := New([]int{784, 100, 10}, 42)
	other, _ := New([]int{784, 100, 10}, 43)
	if again.Params[1234] != net.Params[1234] || other.Params[1234] == net.Params[1234] {
		t.Errorf("same seed must give the same weights, another seed others")
	}
}

func TestShapeErrors(t *testing.T) {
	for _, sizes := range [][]int{{3}, {3, 0}, {3, -1, 2}, {MaxWidth + 1, 2}, {8192, 8192, 8192}} {
		if _, err := New(sizes, 1); err == nil {
			t.Errorf("New(%v): no error", sizes)
		}
	}
	net, _ := New([]int{3, 4, 2}, 1)
	ws := net.NewWorkspace(2)
	g := make([]float32, net.NumParams())
	if _, err := ws.Gradient(net, CrossEntropy, make([]float32, 9), []uint8{0, 1, 0}, g); err == nil {
		t.Error("batch larger than the workspace: no error")
	}
	if _, err := ws.Gradient(net, CrossEntropy, make([]float32, 5), []uint8{0, 1}, g); err == nil {
		t.Error("wrong input size: no error")
	}
	if _, err := ws.Gradient(net, CrossEntropy, make([]float32, 6), []uint8{0, 2}, g); err == nil {
		t.Error("label out of range: no error")
	}
}

// TestSGDLearns trains a depth-3 network on a linearly separable problem
// (class = sign of x₀ + x₁) and expects it to reach 95% training accuracy.
func TestSGDLearns(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	const n, b = 512, 32
	x := make([]float32, 2*n)
	y := make([]uint8, n)
	for i := 0; i < n; i++ {
		x[2*i], x[2*i+1] = float32(r.NormFloat64()), float32(r.NormFloat64())
		if x[2*i]+x[2*i+1] > 0 {
			y[i] = 1
		}
	}
	for _, loss := range []Loss{CrossEntropy, Hinge} {
		net, _ := New([]int{2, 16, 16, 2}, 1)
		ws := net.NewWorkspace(b)
		g := make([]float32, net.NumParams())
		for it := 0; it < 600; it++ {
			k := it % (n / b)
			if _, err := ws.Gradient(net, loss, x[k*b*2:(k+1)*b*2], y[k*b:(k+1)*b], g); err != nil {
				t.Fatal(err)
			}
			net.SGD(g, 0.1)
		}
		all := net.NewWorkspace(n)
		st, _, _ := all.Forward(net, loss, x, y)
		if acc := float64(st.Correct) / n; acc < 0.95 {
			t.Errorf("%v: training accuracy %.3f after 600 steps, want ≥ 0.95 (loss %v)", loss, acc, st.Loss)
		}
	}
}

// TestStepsDeterministicAndInputUntouched: the same network, data and steps give bit-identical
// weights twice (the kernels are chosen once, and no step depends on timing or map order);
// the input batch, which the forward pass reads in place, is left exactly as it was; and the
// gradient of a batch does not depend on what the workspace computed before.
func TestStepsDeterministicAndInputUntouched(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	x, y := randBatch(r, 40, 50, 10)
	x0 := append([]float32(nil), x...)
	train := func() *Net {
		net, err := New([]int{50, 40, 30, 10}, 8)
		if err != nil {
			t.Fatal(err)
		}
		ws := net.NewWorkspace(20)
		g := make([]float32, net.NumParams())
		for it := 0; it < 30; it++ {
			k := it % 2
			if _, err := ws.Gradient(net, CrossEntropy, x[k*20*50:(k+1)*20*50], y[k*20:(k+1)*20], g); err != nil {
				t.Fatal(err)
			}
			net.SGD(g, 0.1)
		}
		return net
	}
	a, b := train(), train()
	for i := range a.Params {
		if math.Float32bits(a.Params[i]) != math.Float32bits(b.Params[i]) {
			t.Fatalf("two identical trainings: weight %d is %v, then %v", i, a.Params[i], b.Params[i])
		}
	}
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(x0[i]) {
			t.Fatalf("input[%d] changed from %v to %v by training", i, x0[i], x[i])
		}
	}
	// A fresh workspace and a used one give the same gradient on the same batch.
	ws := a.NewWorkspace(20)
	g1 := make([]float32, a.NumParams())
	g2 := make([]float32, a.NumParams())
	ws.Gradient(a, Hinge, x[:20*50], y[:20], g1)
	used := a.NewWorkspace(20)
	used.Gradient(a, CrossEntropy, x[20*50:], y[20:], g2)
	used.Forward(a, Hinge, x[20*50:30*50], y[20:30])
	used.Gradient(a, Hinge, x[:20*50], y[:20], g2)
	for i := range g1 {
		if math.Float32bits(g1[i]) != math.Float32bits(g2[i]) {
			t.Fatalf("gradient[%d]: fresh workspace %v, used workspace %v", i, g1[i], g2[i])
		}
	}
}
