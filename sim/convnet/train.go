package convnet

import (
	"fmt"
	"math/rand/v2"

	"github.com/tailscope/tailscope/sim/linalg"
	"github.com/tailscope/tailscope/sim/nn"
)

// Workspace holds the activations, deltas and scratch of one network for batches of up to
// Batch examples, so that repeated gradients allocate nothing. It starts in evaluation mode
// (dropout is the identity, as PyTorch's net.eval()); SetDropout switches it to training
// mode. A Workspace is not safe for concurrent use.
type Workspace = WorkspaceOf[float32]

// Workspace64 is a Workspace of a float64 network.
type Workspace64 = WorkspaceOf[float64]

// WorkspaceOf is a Workspace for a network of precision T.
type WorkspaceOf[T linalg.Float] struct {
	Batch int
	net   *NetOf[T]
	ops   *linalg.Ops[T]
	act   [][]T     // act[i]: output of layer i, batch×OutShape.Size()
	dact  [][]T     // dact[i]: gradient of the loss with respect to act[i]
	col   [][]T     // col[i]: conv layer i's im2col matrix, (C·K·K)×(batch·OH·OW)
	arg   [][]int32 // arg[i]: max-pool layer i's argmax, index in its input example
	mask  [][]T     // mask[i]: dropout layer i's factors (0 or 1/(1−P))
	tmp   []T       // conv products, out channels×(batch·OH·OW)
	dcol  []T
	in    []T // the input widened to float64 (float32 reads it in place)
	exp   []float64
	rng   *rand.Rand // nil: evaluation mode
}

// NewWorkspace returns a workspace for n and batches of up to batch examples, in
// evaluation mode.
func (n *NetOf[T]) NewWorkspace(batch int) *WorkspaceOf[T] {
	L := len(n.Layers)
	w := &WorkspaceOf[T]{Batch: batch, net: n, ops: linalg.For[T](), act: make([][]T, L), dact: make([][]T, L),
		col: make([][]T, L), arg: make([][]int32, L), mask: make([][]T, L), exp: make([]float64, n.Classes())}
	tmp, dcol := 0, 0
	for i, l := range n.Layers {
		size := batch * l.OutShape.Size()
		w.act[i] = make([]T, size)
		w.dact[i] = make([]T, size)
		switch l.Op {
		case Conv:
			cols := batch * l.OutShape.H * l.OutShape.W
			w.col[i] = make([]T, l.In.C*l.K*l.K*cols)
			tmp = max(tmp, l.Out*cols)
			if i > 0 {
				dcol = max(dcol, len(w.col[i]))
			}
		case MaxPool:
			w.arg[i] = make([]int32, size)
		case Dropout:
			w.mask[i] = make([]T, size)
		}
	}
	w.tmp, w.dcol = make([]T, tmp), make([]T, dcol)
	return w
}

// SetDropout puts the workspace in training mode, dropout masks drawn from src (PyTorch's
// net.train()), or with src nil back in evaluation mode.
func (w *WorkspaceOf[T]) SetDropout(src rand.Source) {
	if src == nil {
		w.rng = nil
		return
	}
	w.rng = rand.New(src)
}

func (w *WorkspaceOf[T]) check(n *NetOf[T], x []float32, y []uint8) (int, error) {
	b := len(y)
	if n != w.net {
		return 0, fmt.Errorf("convnet: workspace made for another network")
	}
	if b < 1 || b > w.Batch {
		return 0, fmt.Errorf("convnet: batch of %d examples, workspace holds 1 … %d", b, w.Batch)
	}
	if len(x) != b*n.InputDim() {
		return 0, fmt.Errorf("convnet: %d inputs for %d examples of shape %v", len(x), b, n.Input)
	}
	for i, c := range y {
		if int(c) >= n.Classes() {
			return 0, fmt.Errorf("convnet: example %d has label %d, network has %d outputs", i, c, n.Classes())
		}
	}
	return b, nil
}

// Forward computes the outputs (logits) of the b = len(y) examples x and returns the loss
// statistics; the outputs are valid until the workspace is used again.
func (w *WorkspaceOf[T]) Forward(n *NetOf[T], loss nn.Loss, x []float32, y []uint8) (nn.Stats, []T, error) {
	b, err := w.check(n, x, y)
	if err != nil {
		return nn.Stats{}, nil, err
	}
	out := w.forward(linalg.Input(x, &w.in), b)
	return nn.LossGradient(loss, out, y, nil, nil), out, nil
}

// Gradient sets grad (NumParams values) to the gradient of the mean loss over the b = len(y)
// examples x with labels y, and returns the loss statistics.
func (w *WorkspaceOf[T]) Gradient(n *NetOf[T], loss nn.Loss, x32 []float32, y []uint8, grad []T) (nn.Stats, error) {
	b, err := w.check(n, x32, y)
	if err != nil {
		return nn.Stats{}, err
	}
	x := linalg.Input(x32, &w.in)
	if len(grad) != n.NumParams() {
		return nn.Stats{}, fmt.Errorf("convnet: gradient of %d values for a network of %d parameters", len(grad), n.NumParams())
	}
	out := w.forward(x, b)
	L := len(n.Layers)
	st := nn.LossGradient(loss, out, y, w.dact[L-1][:len(out)], w.exp)
	for i := L - 1; i >= 0; i-- {
		in := x
		if i > 0 {
			in = w.act[i-1][:b*n.Layers[i].In.Size()]
		}
		var din []T
		if i > 0 {
			din = w.dact[i-1][:b*n.Layers[i].In.Size()]
		}
		w.backward(i, b, in, din, grad)
	}
	return st, nil
}

// forward runs every layer on the b examples x and returns the outputs.
func (w *WorkspaceOf[T]) forward(x []T, b int) []T {
	n := w.net
	in := x
	for i := range n.Layers {
		l := &n.Layers[i]
		out := w.act[i][:b*l.OutShape.Size()]
		switch l.Op {
		case Conv:
			w.convForward(i, b, in, out)
		case MaxPool:
			poolForward(l, b, in, out, w.arg[i])
		case ReLU:
			copy(out, in)
			w.ops.Relu(out)
		case Dropout:
			if w.rng == nil || l.P == 0 {
				copy(out, in)
				break
			}
			m := w.mask[i][:len(out)]
			keep := T(1 / (1 - l.P))
			for j := range m {
				m[j] = 0
				if w.rng.Float64() >= l.P {
					m[j] = keep
				}
				out[j] = in[j] * m[j]
			}
		case Linear:
			inDim := l.In.Size()
			w.ops.MatMulTransB(out, in, n.Weights(i), b, inDim, l.Out)
			bias := n.Bias(i)
			for e := 0; e < b; e++ {
				o := out[e*l.Out : (e+1)*l.Out]
				for j := range o {
					o[j] += bias[j]
				}
			}
		}
		in = out
	}
	return in
}

// backward sets layer i's part of grad from dact[i] and, if din is not nil, din to the
// gradient with respect to its input in.
func (w *WorkspaceOf[T]) backward(i, b int, in, din, grad []T) {
	n := w.net
	l := &n.Layers[i]
	dout := w.dact[i][:b*l.OutShape.Size()]
	switch l.Op {
	case Conv:
		w.convBackward(i, b, din, grad)
	case MaxPool:
		if din != nil {
			clear(din)
			arg := w.arg[i]
			inSize, outSize := l.In.Size(), l.OutShape.Size()
			for e := 0; e < b; e++ {
				d := din[e*inSize : (e+1)*inSize]
				for j, v := range dout[e*outSize : (e+1)*outSize] {
					d[arg[e*outSize+j]] += v
				}
			}
		}
	case ReLU:
		if din != nil {
			copy(din, dout)
			w.ops.ReluMask(din, w.act[i][:len(dout)])
		}
	case Dropout:
		if din != nil {
			if w.rng == nil || l.P == 0 {
				copy(din, dout)
				break
			}
			for j, m := range w.mask[i][:len(dout)] {
				din[j] = dout[j] * m
			}
		}
	case Linear:
		inDim := l.In.Size()
		// dW = doutᵀ · in (out×in); db = Σ_examples dout; din = dout · W
		w.ops.MatMulTransA(grad[l.off:l.bias], dout, in, l.Out, b, inDim)
		db := grad[l.bias : l.bias+l.Out]
		clear(db)
		for e := 0; e < b; e++ {
			for j, v := range dout[e*l.Out : (e+1)*l.Out] {
				db[j] += v
			}
		}
		if din != nil {
			w.ops.MatMul(din, dout, n.Weights(i), b, l.Out, inDim)
		}
	}
}

// convForward: col = im2col(in), tmp = W·col (out×(b·OH·OW)), out = tmp rearranged per
// example, plus the biases.
func (w *WorkspaceOf[T]) convForward(i, b int, in, out []T) {
	n := w.net
	l := &n.Layers[i]
	ohw := l.OutShape.H * l.OutShape.W
	cols := b * ohw
	ckk := l.In.C * l.K * l.K
	col := w.col[i]
	im2col(l, b, in, col)
	tmp := w.tmp[:l.Out*cols]
	w.ops.MatMul(tmp, n.Weights(i), col, l.Out, ckk, cols)
	bias := n.Bias(i)
	for e := 0; e < b; e++ {
		for c := 0; c < l.Out; c++ {
			src := tmp[c*cols+e*ohw : c*cols+(e+1)*ohw]
			dst := out[(e*l.Out+c)*ohw : (e*l.Out+c+1)*ohw]
			bc := bias[c]
			for p, v := range src {
				dst[p] = v + bc
			}
		}
	}
}

// convBackward: dtmp = dout rearranged, dW = dtmp·colᵀ, db = row sums of dtmp, and
// din = col2im(Wᵀ·dtmp).
func (w *WorkspaceOf[T]) convBackward(i, b int, din, grad []T) {
	n := w.net
	l := &n.Layers[i]
	ohw := l.OutShape.H * l.OutShape.W
	cols := b * ohw
	ckk := l.In.C * l.K * l.K
	dout := w.dact[i][:b*l.OutShape.Size()]
	dtmp := w.tmp[:l.Out*cols]
	db := grad[l.bias : l.bias+l.Out]
	for c := 0; c < l.Out; c++ {
		var s T
		for e := 0; e < b; e++ {
			src := dout[(e*l.Out+c)*ohw : (e*l.Out+c+1)*ohw]
			copy(dtmp[c*cols+e*ohw:], src)
			for _, v := range src {
				s += v
			}
		}
		db[c] = s
	}
	w.ops.MatMulTransB(grad[l.off:l.bias], dtmp, w.col[i], l.Out, cols, ckk)
	if din == nil {
		return
	}
	dcol := w.dcol[:ckk*cols]
	w.ops.MatMulTransA(dcol, n.Weights(i), dtmp, ckk, l.Out, cols)
	col2im(l, b, dcol, din)
}

// im2col sets col ((C·K·K)×(b·OH·OW)) to the input patches: row (c·K + ki)·K + kj, column
// e·OH·OW + oh·OW + ow holds in[e][c][oh·S − P + ki][ow·S − P + kj], zero outside. The rows
// of AlexNet's outputs are short (3 to 17 values), so every value is written by a plain loop:
// a copy or clear call per row costs more than the row.
func im2col[T linalg.Float](l *Layer, b int, in, col []T) {
	C, H, W := l.In.C, l.In.H, l.In.W
	OH, OW, S := l.OutShape.H, l.OutShape.W, l.Stride
	ohw := OH * OW
	cols := b * ohw
	for kj := 0; kj < l.K; kj++ {
		lo, hi := validCols(l, kj, OW, W)
		off := kj - l.Pad // input column of output column ow is ow·S + off
		for c := 0; c < C; c++ {
			for ki := 0; ki < l.K; ki++ {
				row := col[((c*l.K+ki)*l.K+kj)*cols:][:cols]
				for e := 0; e < b; e++ {
					plane := in[(e*C+c)*H*W : (e*C+c+1)*H*W]
					dst := row[e*ohw : (e+1)*ohw]
					for oh := 0; oh < OH; oh++ {
						r := dst[oh*OW : (oh+1)*OW]
						y := oh*S - l.Pad + ki
						if y < 0 || y >= H {
							for i := 0; i < len(r); i++ {
								r[i] = 0
							}
							continue
						}
						src := plane[y*W : (y+1)*W]
						for i := 0; i < lo; i++ {
							r[i] = 0
						}
						for i := hi; i < len(r); i++ {
							r[i] = 0
						}
						if S == 1 {
							d, s := r[lo:hi], src[lo+off:hi+off]
							for i := range d {
								d[i] = s[i]
							}
							continue
						}
						for ow := lo; ow < hi; ow++ {
							r[ow] = src[ow*S+off]
						}
					}
				}
			}
		}
	}
}

// validCols returns the output columns [lo, hi) whose input column ow·S − P + kj lies in
// [0, W).
func validCols(l *Layer, kj, OW, W int) (lo, hi int) {
	off := kj - l.Pad // input column of ow is ow·S + off
	if off < 0 {
		lo = (-off + l.Stride - 1) / l.Stride
	}
	hi = OW
	if last := (W - 1 - off); last < 0 {
		hi = 0
	} else {
		hi = min(hi, last/l.Stride+1)
	}
	lo = min(lo, OW)
	return lo, max(lo, hi)
}

// col2im sets din to the sum, over the patches, of dcol's values at their input positions
// (the adjoint of im2col).
func col2im[T linalg.Float](l *Layer, b int, dcol, din []T) {
	clear(din)
	C, H, W := l.In.C, l.In.H, l.In.W
	OH, OW, S := l.OutShape.H, l.OutShape.W, l.Stride
	ohw := OH * OW
	cols := b * ohw
	for kj := 0; kj < l.K; kj++ {
		lo, hi := validCols(l, kj, OW, W)
		off := kj - l.Pad
		for c := 0; c < C; c++ {
			for ki := 0; ki < l.K; ki++ {
				row := dcol[((c*l.K+ki)*l.K+kj)*cols:][:cols]
				for e := 0; e < b; e++ {
					plane := din[(e*C+c)*H*W : (e*C+c+1)*H*W]
					src := row[e*ohw : (e+1)*ohw]
					for oh := 0; oh < OH; oh++ {
						y := oh*S - l.Pad + ki
						if y < 0 || y >= H {
							continue
						}
						dst := plane[y*W : (y+1)*W]
						r := src[oh*OW : (oh+1)*OW]
						if S == 1 {
							d, v := dst[lo+off:hi+off], r[lo:hi]
							for i := range d {
								d[i] += v[i]
							}
							continue
						}
						for ow := lo; ow < hi; ow++ {
							dst[ow*S+off] += r[ow]
						}
					}
				}
			}
		}
	}
}

// poolForward sets out to the window maxima of in and arg to their positions in the input
// example; ties go to the first position in row-major order, as PyTorch's CPU kernel does.
func poolForward[T linalg.Float](l *Layer, b int, in, out []T, arg []int32) {
	C, H, W := l.In.C, l.In.H, l.In.W
	OH, OW, S, K := l.OutShape.H, l.OutShape.W, l.Stride, l.K
	o := 0
	for e := 0; e < b; e++ {
		for c := 0; c < C; c++ {
			base := (e*C + c) * H * W
			plane := in[base : base+H*W]
			for oh := 0; oh < OH; oh++ {
				for ow := 0; ow < OW; ow++ {
					// The maximum first (builtin max: no branch), then its first position: on
					// random data a running argmax mispredicts about twice a window, this once.
					top := oh*S*W + ow*S
					bv := plane[top]
					for ki := 0; ki < K; ki++ {
						for _, v := range plane[top+ki*W : top+ki*W+K] {
							bv = max(bv, v)
						}
					}
					best := top
				find:
					for ki := 0; ki < K; ki++ {
						for kj, v := range plane[top+ki*W : top+ki*W+K] {
							if v == bv {
								best = top + ki*W + kj
								break find
							}
						}
					}
					out[o] = plane[best]
					arg[o] = int32(c*H*W + best)
					o++
				}
			}
		}
	}
}
