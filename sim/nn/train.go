package nn

import (
	"fmt"
	"math"

	"github.com/tailscope/tailscope/sim/linalg"
)

// Workspace holds the activations and deltas of one float32 network for batches of up to
// Batch examples, so that repeated gradients allocate nothing. A Workspace is not safe for
// concurrent use.
type Workspace = WorkspaceOf[float32]

// Workspace64 is a Workspace of a float64 network.
type Workspace64 = WorkspaceOf[float64]

// WorkspaceOf is a Workspace for a network of precision T.
type WorkspaceOf[T linalg.Float] struct {
	Batch int
	net   *NetOf[T]
	ops   *linalg.Ops[T]
	act   [][]T     // act[l]: batch×Sizes[l]; act[0] is the input during a call, act[L] the output
	delta [][]T     // delta[l]: gradient of the loss with respect to act[l]'s pre-activation
	wt    []T       // scratch of MatMulTransBScratch, for the forward products
	in    []T       // the input widened to float64 (unused in float32, which reads it in place)
	exp   []float64 // one example's exponentials of the outputs (cross-entropy's softmax)
}

// NewWorkspace returns a workspace for n and batches of up to batch examples.
func (n *NetOf[T]) NewWorkspace(batch int) *WorkspaceOf[T] {
	ops := linalg.For[T]()
	w := &WorkspaceOf[T]{Batch: batch, net: n, ops: ops, act: make([][]T, len(n.Sizes)), delta: make([][]T, len(n.Sizes))}
	big := 0
	for l, s := range n.Sizes {
		if l > 0 { // act[0] is not copied in float32: forward reads the caller's input in place
			w.act[l] = make([]T, batch*s)
			w.delta[l] = make([]T, batch*s)
			big = max(big, ops.TransBScratch(batch, n.Sizes[l-1], s))
		}
	}
	w.wt = make([]T, big)
	w.exp = make([]float64, n.Sizes[len(n.Sizes)-1])
	return w
}

// Stats are the loss and the number of correct predictions on a batch.
type Stats struct {
	Loss    float64 // mean loss over the batch
	Correct int     // examples whose largest output is their class (ties go to the lower class)
	N       int     // examples
}

func (w *WorkspaceOf[T]) check(n *NetOf[T], x []float32, y []uint8) (int, error) {
	b := len(y)
	if n != w.net {
		return 0, fmt.Errorf("nn: workspace made for another network")
	}
	if b < 1 || b > w.Batch {
		return 0, fmt.Errorf("nn: batch of %d examples, workspace holds 1 … %d", b, w.Batch)
	}
	if len(x) != b*n.Sizes[0] {
		return 0, fmt.Errorf("nn: %d inputs for %d examples of dimension %d", len(x), b, n.Sizes[0])
	}
	for i, c := range y {
		if int(c) >= n.Sizes[len(n.Sizes)-1] {
			return 0, fmt.Errorf("nn: example %d has label %d, network has %d outputs", i, c, n.Sizes[len(n.Sizes)-1])
		}
	}
	return b, nil
}

// forward computes every activation for the b examples x (b×Sizes[0]), which it reads in
// place through act[0] until release (float32; float64 reads a widened copy).
func (w *WorkspaceOf[T]) forward(x []float32, b int) {
	w.act[0] = linalg.Input(x, &w.in)
	n := w.net
	L := n.Layers()
	for l := 0; l < L; l++ {
		in, out := n.Sizes[l], n.Sizes[l+1]
		z := w.act[l+1][:b*out]
		// z = a_l · W_lᵀ with the workspace's scratch (kernel.MatMulTransB would take one from
		// a pool, which the collector empties)
		w.ops.MatMulTransBScratch(z, w.act[l][:b*in], n.Layer(l), b, in, out, w.wt)
		if l < L-1 {
			w.ops.Relu(z)
		}
	}
}

// release drops the workspace's reference to the caller's input.
func (w *WorkspaceOf[T]) release() { w.act[0] = nil }

// Forward computes the outputs (logits) of the b = len(y) examples x (b×Sizes[0]) and
// returns the loss statistics; the outputs are valid until the workspace is used again.
func (w *WorkspaceOf[T]) Forward(n *NetOf[T], loss Loss, x []float32, y []uint8) (Stats, []T, error) {
	b, err := w.check(n, x, y)
	if err != nil {
		return Stats{}, nil, err
	}
	w.forward(x, b)
	defer w.release()
	out := w.act[n.Layers()][:b*n.Sizes[n.Layers()]]
	st := LossGradient(loss, out, y, nil, nil)
	return st, out, nil
}

// Gradient sets grad (NumParams values) to the gradient of the mean loss over the b = len(y)
// examples x (b×Sizes[0], row-major) with labels y, and returns the loss statistics.
func (w *WorkspaceOf[T]) Gradient(n *NetOf[T], loss Loss, x []float32, y []uint8, grad []T) (Stats, error) {
	b, err := w.check(n, x, y)
	if err != nil {
		return Stats{}, err
	}
	if len(grad) != n.NumParams() {
		return Stats{}, fmt.Errorf("nn: gradient of %d values for a network of %d parameters", len(grad), n.NumParams())
	}
	return w.gradient(n, loss, x, y, grad, b, b), nil
}

// Step is Gradient followed by n.SGD(grad, lr), the plain SGD step, unless the loss is not
// finite (then the weights are left as they were, and grad as Gradient leaves it).
func (w *WorkspaceOf[T]) Step(n *NetOf[T], loss Loss, x []float32, y []uint8, grad []T, lr T) (Stats, error) {
	st, err := w.Gradient(n, loss, x, y, grad)
	if err == nil && finite(st.Loss) {
		n.SGD(grad, lr)
	}
	return st, err
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// gradient is Gradient on the b examples x with the loss's mean taken over all examples
// of the batch this is part of (the loss gradient is scaled by 1/all). With grad nil it
// computes the deltas of every layer but not the weight gradient.
func (w *WorkspaceOf[T]) gradient(n *NetOf[T], loss Loss, x []float32, y []uint8, grad []T, b, all int) Stats {
	w.forward(x, b)
	defer w.release()
	L := n.Layers()
	classes := n.Sizes[L]
	st := lossGradient(loss, w.act[L][:b*classes], y, w.delta[L][:b*classes], w.exp, all)
	for l := L - 1; l >= 0; l-- {
		in, out := n.Sizes[l], n.Sizes[l+1]
		d := w.delta[l+1][:b*out]
		// dL/dW_l = δ_{l+1}ᵀ · a_l  (out×in)
		if grad != nil {
			w.ops.MatMulTransA(grad[n.offs[l]:n.offs[l+1]], d, w.act[l][:b*in], out, b, in)
		}
		if l == 0 {
			break
		}
		// δ_l = (δ_{l+1} · W_l) ⊙ 1[a_l > 0]
		dp := w.delta[l][:b*in]
		w.ops.MatMul(dp, d, n.Layer(l), b, out, in)
		w.ops.ReluMask(dp, w.act[l][:b*in])
	}
	return st
}

// LossGradient returns the loss statistics of the outputs out (b×C, b = len(y)) and, if dout
// is not nil, sets it (b×C) to the gradient of the mean loss with respect to out, using exp
// (C values, or nil when dout is nil) as scratch, in either precision. Sums are in float64.
// It is the loss of Workspace.Gradient, exported for other architectures (sim/convnet) to
// share its numbers exactly.
func LossGradient[T linalg.Float](loss Loss, out []T, y []uint8, dout []T, exp []float64) Stats {
	return lossGradient(loss, out, y, dout, exp, len(y))
}

// lossGradient is LossGradient for b = len(y) examples of a batch of all: the statistics
// are those of the b examples, the gradient is that of the mean loss over all examples.
func lossGradient[T linalg.Float](loss Loss, out []T, y []uint8, dout []T, exp []float64, all int) Stats {
	b := len(y)
	C := len(out) / b
	st := Stats{N: b}
	var total float64
	for i := 0; i < b; i++ {
		o := out[i*C : (i+1)*C]
		best := 0
		for j := 1; j < C; j++ {
			if o[j] > o[best] {
				best = j
			}
		}
		if best == int(y[i]) {
			st.Correct++
		}
		switch loss {
		case CrossEntropy:
			// softmax(o)_j = e_j / s with e_j = exp(o_j − max o) and s = Σ e_j: one exp
			// per output, kept for the gradient
			m := float64(o[best])
			var s float64
			if dout != nil {
				e := exp[:C]
				for j, v := range o {
					e[j] = math.Exp(float64(v) - m)
					s += e[j]
				}
				d := dout[i*C : (i+1)*C]
				bs := float64(all) * s
				for j, ej := range e {
					d[j] = T(ej / bs)
				}
				d[y[i]] -= T(1 / float64(all))
			} else {
				for _, v := range o {
					s += math.Exp(float64(v) - m)
				}
			}
			total += m + math.Log(s) - float64(o[y[i]])
		case Hinge:
			scale := 1 / float64(all*C)
			for j, v := range o {
				t := -1.0
				if j == int(y[i]) {
					t = 1
				}
				g := 0.0
				if m := 1 - t*float64(v); m > 0 {
					total += m
					g = -t * scale
				}
				if dout != nil {
					dout[i*C+j] = T(g)
				}
			}
		}
	}
	if loss == Hinge {
		st.Loss = total / float64(b*C)
	} else {
		st.Loss = total / float64(b)
	}
	return st
}
