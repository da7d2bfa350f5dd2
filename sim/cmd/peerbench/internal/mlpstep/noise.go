package mlpstep

import (
	"context"
	"fmt"

	"github.com/tailscope/tailscope/estimator"
)

// NoiseAlpha runs the paper's noise evaluation (shared/science.md §4) on the P minibatches
// x[j·b·in : (j+1)·b·in] (labels y[j·b : (j+1)·b]) of the network's batch size b: the minibatch
// gradients g_j, their mean ḡ, the noise g_j − ḡ of every coordinate pooled in the order
// g_1 − ḡ, g_2 − ḡ, …, and Mohammadi's α̂ with K1 = PaperK1(P·M), zeros kept as the reference
// code keeps them.
//
// Unlike the reference procedure, which stacks the P gradients (O(P·M) memory), it makes two
// passes: the first sums the gradients into ḡ, the second recomputes each g_j and streams
// g_j − ḡ into estimator.MohammadiStream, so it holds O(M) numbers. It checks ctx between
// minibatches.
func (n *Net) NoiseAlpha(ctx context.Context, x []float32, y []int, P int) (estimator.Estimate, error) {
	b, in := n.Batch, n.Sizes[0]
	if P < 2 || len(x) < P*b*in || len(y) < P*b {
		return estimator.Estimate{}, fmt.Errorf("mlpstep: NoiseAlpha: %d minibatches of %d from %d inputs and %d labels", P, b, len(x)/max(in, 1), len(y))
	}
	M := 0
	for _, g := range n.G {
		M += len(g)
	}
	mean := make([]float64, M)
	noise := make([]float64, M)
	grad := func(j int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err := n.Grad(x[j*b*in:(j+1)*b*in], y[j*b:(j+1)*b])
		return err
	}
	for j := 0; j < P; j++ {
		if err := grad(j); err != nil {
			return estimator.Estimate{}, err
		}
		off := 0
		for _, g := range n.G {
			m := mean[off : off+len(g)]
			for i, v := range g {
				m[i] += float64(v)
			}
			off += len(g)
		}
	}
	for i := range mean {
		mean[i] /= float64(P)
	}
	s := estimator.MohammadiStream{K1: estimator.PaperK1(P * M), KeepZeros: true}
	for j := 0; j < P; j++ {
		if err := grad(j); err != nil {
			return estimator.Estimate{}, err
		}
		off := 0
		for _, g := range n.G {
			for i, v := range g {
				noise[off+i] = float64(v) - mean[off+i]
			}
			off += len(g)
		}
		s.Add(noise...)
	}
	return s.Estimate()
}
