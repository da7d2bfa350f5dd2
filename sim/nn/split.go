package nn

import (
	"fmt"
	"math"
	"sync"

	"github.com/tailscope/tailscope/sim/linalg"
)

// A gradient split between goroutines: with SetThreads(t), t ≥ 2, Gradient computes a large
// enough batch in two phases, each one goroutine per part. First each goroutine takes a range
// of the examples through the forward pass, the loss and the backward pass (every layer's
// deltas, the loss gradient scaled by the whole batch's size), writing its rows of the
// workspace's activations and of the transposed deltas. Then each goroutine computes a range
// of every layer's rows (output neurons) of the weight gradient over the whole batch,
// dW_l[r0:r1] = δ_{l+1}ᵀ[r0:r1] · a_l. So a step hands work over twice, instead of once per
// matrix product (kernel.SetThreads), and no goroutine writes more than its share of the
// gradient. The weight gradient's sums run in another order than MatMulTransA's, so the
// gradient equals the one-thread gradient to float rounding, not bit for bit.

// minSplitWork is the number of weight × example pairs (about a third of the step's
// multiply-adds) below which a batch is not split: at about 1M, one step takes some 100 µs,
// and a hand-off between goroutines costs several µs.
const minSplitWork = 1 << 20

// split is what a workspace needs to split its batches.
type split[T linalg.Float] struct {
	parts  []*WorkspaceOf[T] // a part's act and delta are set to its rows of the workspace's
	deltaT [][]T             // deltaT[l]: δ_lᵀ, Sizes[l]×Batch (l ≥ 1)
	stats  []Stats
	wg     sync.WaitGroup
	net    *NetOf[T]
}

// SetThreads makes Gradient split batches of at least 2·n examples, and of enough work to be
// worth it, between n goroutines (see split.go); n ≤ 1 computes every gradient on the calling
// goroutine, bit for bit as before. It returns the previous setting. The gradient of a split
// batch equals the unsplit one to float rounding.
func (w *WorkspaceOf[T]) SetThreads(n int) int {
	prev := w.Threads()
	n = max(1, min(n, w.Batch/2))
	if n == prev {
		return prev
	}
	w.split = nil
	if n == 1 {
		return prev
	}
	net := w.net
	sp := &split[T]{parts: make([]*WorkspaceOf[T], n), deltaT: make([][]T, len(net.Sizes)), stats: make([]Stats, n), net: net}
	for k := range sp.parts {
		// the part's own scratch; its activations and deltas are the workspace's rows
		sp.parts[k] = &WorkspaceOf[T]{Batch: w.Batch, net: net, ops: w.ops, act: make([][]T, len(net.Sizes)),
			delta: make([][]T, len(net.Sizes)), wt: make([]T, len(w.wt)), exp: make([]float64, len(w.exp))}
	}
	for l := 1; l < len(net.Sizes); l++ {
		sp.deltaT[l] = make([]T, net.Sizes[l]*w.Batch)
	}
	w.split = sp
	return prev
}

// Threads returns the setting of SetThreads.
func (w *WorkspaceOf[T]) Threads() int {
	if w.split == nil {
		return 1
	}
	return len(w.split.parts)
}

// worth reports whether a batch of b examples is split.
func (sp *split[T]) worth(b int) bool {
	return b >= 2*len(sp.parts) && b*sp.net.NumParams() >= minSplitWork
}

// Step is Gradient followed by n.SGD(grad, lr), the plain SGD step, unless the loss is not
// finite (then the weights are left as they were, and grad as Gradient leaves it). On a
// split batch each goroutine updates the weights whose gradient it computed, as soon as it
// has, so that the update is split too; the weights then equal those of Gradient and SGD on
// one goroutine to float rounding.
func (w *WorkspaceOf[T]) Step(n *NetOf[T], loss Loss, x []float32, y []uint8, grad []T, lr T) (Stats, error) {
	if w.split == nil || !w.split.worth(len(y)) {
		st, err := w.Gradient(n, loss, x, y, grad)
		if err == nil && finite(st.Loss) {
			n.SGD(grad, lr)
		}
		return st, err
	}
	if _, err := w.check(n, x, y); err != nil {
		return Stats{}, err
	}
	if len(grad) != n.NumParams() {
		return Stats{}, fmt.Errorf("nn: gradient of %d values for a network of %d parameters", len(grad), n.NumParams())
	}
	return w.split.gradient(w, n, loss, x, y, grad, lr, true), nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// gradient is w's Gradient on a split batch (checked by the caller), and with step the SGD
// update with learning rate lr where the loss is finite.
func (sp *split[T]) gradient(w *WorkspaceOf[T], n *NetOf[T], loss Loss, x []float32, y []uint8, grad []T, lr T, step bool) Stats {
	t, b, dim, L := len(sp.parts), len(y), n.Sizes[0], n.Layers()
	sp.run(func(k int) {
		lo, hi := k*b/t, (k+1)*b/t
		p := sp.parts[k]
		for l := 1; l <= L; l++ {
			s := n.Sizes[l]
			p.act[l], p.delta[l] = w.act[l][lo*s:hi*s], w.delta[l][lo*s:hi*s]
		}
		sp.stats[k] = p.gradient(n, loss, x[lo*dim:hi*dim], y[lo:hi], nil, hi-lo, b)
		for l := 1; l <= L; l++ {
			transposeRows(sp.deltaT[l], p.delta[l], n.Sizes[l], b, lo, hi)
		}
	})
	st := Stats{N: b}
	var total float64
	for _, s := range sp.stats {
		total += s.Loss * float64(s.N)
		st.Correct += s.Correct
	}
	st.Loss = total / float64(b)
	step = step && finite(st.Loss)
	a0 := linalg.Input(x, &w.in)
	sp.run(func(k int) {
		for l := range L {
			in, out := n.Sizes[l], n.Sizes[l+1]
			r0, r1 := k*out/t, (k+1)*out/t
			if r0 == r1 {
				continue
			}
			a := a0
			if l > 0 {
				a = w.act[l][:b*in]
			}
			off := n.offs[l]
			g := grad[off+r0*in : off+r1*in]
			w.ops.MatMul(g, sp.deltaT[l+1][r0*b:r1*b], a, r1-r0, b, in)
			if step { // while g is in cache
				w.ops.Axpy(n.Params[off+r0*in:off+r1*in], g, -lr)
			}
		}
	})
	return st
}

// transposeRows sets columns lo … hi−1 of dt (s×b, row-major) to the transpose of d, the rows
// lo … hi−1 of a b×s matrix.
func transposeRows[T linalg.Float](dt, d []T, s, b, lo, hi int) {
	for i := range hi - lo {
		row := d[i*s : i*s+s]
		for j, v := range row {
			dt[j*b+lo+i] = v
		}
	}
}

// run calls f(k) for every part k, part 0 on the calling goroutine, and returns when all
// have returned.
func (sp *split[T]) run(f func(k int)) {
	t := len(sp.parts)
	sp.wg.Add(t - 1)
	for k := 1; k < t; k++ {
		go func() {
			defer sp.wg.Done()
			f(k)
		}()
	}
	f(0)
	sp.wg.Wait()
}
