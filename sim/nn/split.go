package nn

import (
	"sync"

	"github.com/tailscope/tailscope/sim/linalg"
)

// A gradient split over the batch: with SetThreads(t), t ≥ 2, Gradient cuts a large enough
// batch into t consecutive ranges of examples, computes each range's forward and backward
// pass on its own goroutine with its own workspace (the loss gradient scaled by the whole
// batch's size, so each range's weight gradient is its share of the mean), and then sums the
// t gradients, each goroutine summing one t-th of the parameters. One run's step then uses
// every core with two hand-offs per step, instead of one per matrix product (kernel.SetThreads),
// which at the sizes of these networks costs more than it saves. The sum is associated
// differently from one product over the whole batch, so the gradient equals the one-thread
// gradient to float rounding, not bit for bit.

// minSplitWork is the number of weight × example pairs (about a third of the step's
// multiply-adds) below which a batch is not split: at about 1M, one step takes some 100 µs,
// and a hand-off between goroutines costs several µs.
const minSplitWork = 1 << 20

// split is what a workspace needs to split its batches: a workspace and a gradient per range
// (range 0 writes the caller's gradient).
type split[T linalg.Float] struct {
	parts []*WorkspaceOf[T]
	grads [][]T
	stats []Stats
	wg    sync.WaitGroup
	net   *NetOf[T]
}

// SetThreads makes Gradient split batches of at least 2·n examples, and of enough work to be
// worth it, between n goroutines (see split.go); n ≤ 1 computes every gradient on the calling
// goroutine, bit for bit as before. It returns the previous setting. The gradient of a split
// batch equals the unsplit one to float rounding.
func (w *WorkspaceOf[T]) SetThreads(n int) int {
	prev := 1
	if w.split != nil {
		prev = len(w.split.parts)
	}
	n = max(1, min(n, w.Batch/2))
	if n == prev {
		return prev
	}
	w.split = nil
	if n == 1 {
		return prev
	}
	sp := &split[T]{parts: make([]*WorkspaceOf[T], n), grads: make([][]T, n), stats: make([]Stats, n), net: w.net}
	for k := range sp.parts {
		sp.parts[k] = w.net.NewWorkspace((w.Batch + n - 1) / n)
		if k > 0 {
			sp.grads[k] = make([]T, w.net.NumParams())
		}
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

// gradient is Gradient on a split batch (checked by the caller).
func (sp *split[T]) gradient(n *NetOf[T], loss Loss, x []float32, y []uint8, grad []T) Stats {
	t, b, dim := len(sp.parts), len(y), n.Sizes[0]
	sp.grads[0] = grad
	// each range's forward and backward pass
	sp.run(func(k int) {
		lo, hi := k*b/t, (k+1)*b/t
		sp.stats[k] = sp.parts[k].gradient(n, loss, x[lo*dim:hi*dim], y[lo:hi], sp.grads[k], hi-lo, b)
	})
	// the sum, each goroutine over one t-th of the parameters
	M := len(grad)
	ops := sp.parts[0].ops
	sp.run(func(k int) {
		lo, hi := k*M/t, (k+1)*M/t
		for j := 1; j < t; j++ {
			ops.Axpy(grad[lo:hi], sp.grads[j][lo:hi], 1)
		}
	})
	sp.grads[0] = nil
	st := Stats{N: b}
	var loss64 float64
	for _, s := range sp.stats {
		loss64 += s.Loss * float64(s.N)
		st.Correct += s.Correct
	}
	st.Loss = loss64 / float64(b)
	return st
}

// run calls f(k) for every range k, range 0 on the calling goroutine, and returns when all
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
