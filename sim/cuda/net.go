//go:build !js && !wasip1

package cuda

import (
	"fmt"
	"unsafe"

	"github.com/tailscope/tailscope/sim/data"
	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/nn"
)

// blasReserve is the device memory counted for cuBLAS's own workspace and the kernels'
// module, on top of Need's buffers.
const blasReserve = 64 << 20

// Need returns the device memory, in bytes, that training a network of the given layer
// sizes needs with minibatches of batch examples, n training and testN test examples kept
// on the device: the weights and a gradient, the activations and deltas of the larger of
// a minibatch and a test chunk, the per-example losses, the data, and cuBLAS's reserve.
func Need(sizes []int, batch, n, testN int) uint64 {
	var M uint64
	for l := 1; l < len(sizes); l++ {
		M += uint64(sizes[l-1]) * uint64(sizes[l])
	}
	B := uint64(max(batch, min(mlp.TestChunk, testN)))
	bytes := 2 * M * 4 // weights, gradient
	for l, s := range sizes {
		bytes += B * uint64(s) * 4 // activations (the input's staging for l = 0)
		if l > 0 {
			bytes += B * uint64(s) * 4 // deltas
		}
	}
	bytes += B * (1 + 8 + 4) // labels, losses, correct flags
	dim := uint64(sizes[0])
	bytes += uint64(n)*(dim*4+1) + uint64(testN)*(dim*4+1)
	return bytes + blasReserve
}

// resident is a data set copied to the device once, so that minibatches that are slices of
// it (the fixed order, the noise batches, the test chunks) are not copied again.
type resident struct {
	x      []float32
	y      []uint8
	dx, dy uintptr
}

// find returns the device addresses of x and y if they are slices of r's sets.
func (r *resident) find(x []float32, y []uint8) (dx, dy uintptr, ok bool) {
	if r == nil || len(r.x) == 0 || len(x) == 0 || len(y) == 0 {
		return 0, 0, false
	}
	bx, px := uintptr(unsafe.Pointer(&r.x[0])), uintptr(unsafe.Pointer(&x[0]))
	by, py := uintptr(unsafe.Pointer(&r.y[0])), uintptr(unsafe.Pointer(&y[0]))
	if px < bx || px+uintptr(len(x))*4 > bx+uintptr(len(r.x))*4 || py < by || py+uintptr(len(y)) > by+uintptr(len(r.y)) {
		return 0, 0, false
	}
	return r.dx + (px - bx), r.dy + (py - by), true
}

// Net is a network trained on a GPU: it implements mlp.Device. Its methods must be called
// between the GPU's Bind and unbind, on that goroutine.
type Net struct {
	g           *GPU
	blas        uintptr
	mem         arena
	sizes, offs []int
	loss        nn.Loss
	B           int // largest batch
	w, grad     uintptr
	act, delta  []uintptr
	y           uintptr
	lossBuf     uintptr
	correctBuf  uintptr
	sets        []*resident
	hostLoss    []float64
	hostCorrect []int32
}

// NewNet uploads net's weights and the sets to the GPU for training with loss on batches of
// up to batch examples (and Forward on up to mlp.TestChunk). On failure everything
// allocated is freed.
func (g *GPU) NewNet(net *nn.Net, loss nn.Loss, batch int, sets ...*data.Set) (_ *Net, err error) {
	d := &Net{g: g, mem: arena{g: g}, sizes: append([]int(nil), net.Sizes...), loss: loss}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	testN := 0
	for _, s := range sets[min(1, len(sets)):] {
		testN = max(testN, s.Len())
	}
	d.B = max(batch, min(mlp.TestChunk, testN))
	for l := 0; l <= net.Layers(); l++ {
		d.offs = append(d.offs, net.Offset(l))
	}
	if r := g.rt.blas.cublasCreate(&d.blas); r != 0 {
		return nil, fmt.Errorf("cuda: cublasCreate failed (cublasStatus %d)", r)
	}
	mode := int32(blasDefaultMath)
	if g.TF32 {
		mode = blasTF32TensorMath
	}
	if r := g.rt.blas.cublasSetMathMode(d.blas, mode); r != 0 {
		return nil, fmt.Errorf("cuda: cublasSetMathMode failed (cublasStatus %d)", r)
	}
	M := net.NumParams()
	if d.w, err = d.mem.alloc(uint64(M)*4, "the weights"); err != nil {
		return nil, err
	}
	if d.grad, err = d.mem.alloc(uint64(M)*4, "the gradient"); err != nil {
		return nil, err
	}
	if err = g.upload(d.w, unsafe.Pointer(&net.Params[0]), M*4); err != nil {
		return nil, err
	}
	d.act = make([]uintptr, len(d.sizes))
	d.delta = make([]uintptr, len(d.sizes))
	for l, s := range d.sizes {
		if d.act[l], err = d.mem.alloc(uint64(d.B*s)*4, fmt.Sprintf("the activations of layer %d", l)); err != nil {
			return nil, err
		}
		if l > 0 {
			if d.delta[l], err = d.mem.alloc(uint64(d.B*s)*4, fmt.Sprintf("the deltas of layer %d", l)); err != nil {
				return nil, err
			}
		}
	}
	if d.y, err = d.mem.alloc(uint64(d.B), "the labels"); err != nil {
		return nil, err
	}
	if d.lossBuf, err = d.mem.alloc(uint64(d.B)*8, "the losses"); err != nil {
		return nil, err
	}
	if d.correctBuf, err = d.mem.alloc(uint64(d.B)*4, "the correct flags"); err != nil {
		return nil, err
	}
	for _, s := range sets {
		r := &resident{x: s.X, y: s.Y}
		if r.dx, err = d.mem.alloc(uint64(len(s.X))*4, "the examples of "+s.Name); err != nil {
			return nil, err
		}
		if r.dy, err = d.mem.alloc(uint64(len(s.Y)), "the labels of "+s.Name); err != nil {
			return nil, err
		}
		if err = g.upload(r.dx, unsafe.Pointer(&s.X[0]), len(s.X)*4); err != nil {
			return nil, err
		}
		if err = g.upload(r.dy, unsafe.Pointer(&s.Y[0]), len(s.Y)); err != nil {
			return nil, err
		}
		d.sets = append(d.sets, r)
	}
	d.hostLoss = make([]float64, d.B)
	d.hostCorrect = make([]int32, d.B)
	return d, nil
}

// Allocated returns the device memory the net holds.
func (d *Net) Allocated() uint64 { return d.mem.bytes }

// Close frees the net's device memory and cuBLAS handle; it may be called more than once.
func (d *Net) Close() {
	d.mem.free()
	if d.blas != 0 {
		d.g.rt.blas.cublasDestroy(d.blas)
		d.blas = 0
	}
}

// sgemm is cuBLAS's column-major C = op(A)·op(B) (α = 1, β = 0).
func (d *Net) sgemm(ta, tb int32, m, n, k int, a uintptr, lda int, b uintptr, ldb int, c uintptr, ldc int) error {
	one, zero := float32(1), float32(0)
	if r := d.g.rt.blas.cublasSgemm(d.blas, ta, tb, int32(m), int32(n), int32(k), &one, a, int32(lda), b, int32(ldb), &zero, c, int32(ldc)); r != 0 {
		return fmt.Errorf("cuda: cublasSgemm %d×%d×%d failed (cublasStatus %d)", m, n, k, r)
	}
	return nil
}

func (d *Net) layer(l int) uintptr { return d.w + uintptr(d.offs[l])*4 }

// input returns the device addresses of x and y: in a resident set, or copied to staging.
func (d *Net) input(x []float32, y []uint8) (uintptr, uintptr, int, error) {
	b := len(y)
	if b < 1 || b > d.B || len(x) != b*d.sizes[0] {
		return 0, 0, 0, fmt.Errorf("cuda: batch of %d examples (%d inputs) for a net of %d inputs and batches up to %d", b, len(x), d.sizes[0], d.B)
	}
	C := d.sizes[len(d.sizes)-1]
	for i, c := range y {
		if int(c) >= C {
			return 0, 0, 0, fmt.Errorf("cuda: example %d has label %d, network has %d outputs", i, c, C)
		}
	}
	for _, r := range d.sets {
		if dx, dy, ok := r.find(x, y); ok {
			return dx, dy, b, nil
		}
	}
	if err := d.g.upload(d.act[0], unsafe.Pointer(&x[0]), len(x)*4); err != nil {
		return 0, 0, 0, err
	}
	if err := d.g.upload(d.y, unsafe.Pointer(&y[0]), b); err != nil {
		return 0, 0, 0, err
	}
	return d.act[0], d.y, b, nil
}

// forward computes the outputs and the per-example losses (and, with grad, the deltas of
// the outputs), and returns the input's address and the batch statistics.
func (d *Net) forward(x []float32, y []uint8, grad bool) (uintptr, nn.Stats, error) {
	a0, dy, b, err := d.input(x, y)
	if err != nil {
		return 0, nn.Stats{}, err
	}
	L := len(d.sizes) - 1
	a := a0
	for l := 0; l < L; l++ {
		in, out := d.sizes[l], d.sizes[l+1]
		// z (b×out, row-major) = a·Wᵀ: column-major zᵀ = (W as in×out)ᵀ · (a as in×b)
		if err := d.sgemm(blasOpT, blasOpN, out, b, in, d.layer(l), in, a, in, d.act[l+1], out); err != nil {
			return 0, nn.Stats{}, err
		}
		if l < L-1 {
			if err := d.g.launch("relu", b*out, d.act[l+1], int32(b*out)); err != nil {
				return 0, nn.Stats{}, err
			}
		}
		a = d.act[l+1]
	}
	C := d.sizes[L]
	kernel := "loss_ce"
	if d.loss == nn.Hinge {
		kernel = "loss_hinge"
	}
	dout := uintptr(0)
	if grad {
		dout = d.delta[L]
	}
	if err := d.g.launch(kernel, b, d.act[L], dy, dout, d.lossBuf, d.correctBuf, int32(b), int32(C)); err != nil {
		return 0, nn.Stats{}, err
	}
	if err := d.g.download(unsafe.Pointer(&d.hostLoss[0]), d.lossBuf, b*8); err != nil {
		return 0, nn.Stats{}, err
	}
	if err := d.g.download(unsafe.Pointer(&d.hostCorrect[0]), d.correctBuf, b*4); err != nil {
		return 0, nn.Stats{}, err
	}
	st := nn.Stats{N: b}
	var total float64
	for i := 0; i < b; i++ {
		total += d.hostLoss[i]
		st.Correct += int(d.hostCorrect[i])
	}
	if d.loss == nn.Hinge {
		st.Loss = total / float64(b*C)
	} else {
		st.Loss = total / float64(b)
	}
	return a0, st, nil
}

// Forward returns the loss statistics of x, y at the device's weights.
func (d *Net) Forward(x []float32, y []uint8) (nn.Stats, error) {
	_, st, err := d.forward(x, y, false)
	return st, err
}

// Gradient computes the minibatch gradient on the device (as nn.Workspace.Gradient) and
// downloads it into g when g is not nil.
func (d *Net) Gradient(x []float32, y []uint8, g []float32) (nn.Stats, error) {
	a0, st, err := d.forward(x, y, true)
	if err != nil {
		return st, err
	}
	b := len(y)
	for l := len(d.sizes) - 2; l >= 0; l-- {
		in, out := d.sizes[l], d.sizes[l+1]
		a := a0
		if l > 0 {
			a = d.act[l]
		}
		// dL/dW_l (out×in row-major) = δᵀ·a: column-major (in×out) = (a as in×b)·(δ as out×b)ᵀ
		if err := d.sgemm(blasOpN, blasOpT, in, out, b, a, in, d.delta[l+1], out, d.grad+uintptr(d.offs[l])*4, in); err != nil {
			return st, err
		}
		if l == 0 {
			break
		}
		// δ_l (b×in) = δ_{l+1}·W_l: column-major (in×b) = (W as in×out)·(δ as out×b)
		if err := d.sgemm(blasOpN, blasOpN, in, b, out, d.layer(l), in, d.delta[l+1], out, d.delta[l], in); err != nil {
			return st, err
		}
		if err := d.g.launch("relu_mask", b*in, d.delta[l], d.act[l], int32(b*in)); err != nil {
			return st, err
		}
	}
	if g != nil {
		M := d.offs[len(d.offs)-1]
		if len(g) != M {
			return st, fmt.Errorf("cuda: gradient of %d values for a network of %d parameters", len(g), M)
		}
		if err := d.g.download(unsafe.Pointer(&g[0]), d.grad, M*4); err != nil {
			return st, err
		}
	}
	return st, nil
}

// SGD takes the step weights −= lr·gradient.
func (d *Net) SGD(lr float32) error {
	M := d.offs[len(d.offs)-1]
	return d.g.launch("sgd", M, d.w, d.grad, lr, int32(M))
}

// Weights downloads the device's weights into w (Net.Params' layout).
func (d *Net) Weights(w []float32) error {
	M := d.offs[len(d.offs)-1]
	if len(w) != M {
		return fmt.Errorf("cuda: %d weights for a network of %d parameters", len(w), M)
	}
	return d.g.download(unsafe.Pointer(&w[0]), d.w, M*4)
}

var _ mlp.Device = (*Net)(nil)
