// Package nn trains fully connected ReLU networks without biases, the networks of Şimşekli et
// al. (2019): depth = number of linear layers (depth 2 = one hidden layer), any width,
// initialised as PyTorch's nn.Linear default, trained with plain SGD on the cross-entropy or
// the paper's multi-class linear hinge loss.
//
// Parameters and activations are float32 (Net) and every dense product goes through
// sim/kernel, so faster kernels drop in; or float64 (Net64, the mlp kind's precision=float64,
// native builds only), products through gonum's blas64 (sim/linalg). The code is one, generic
// over the two (NetOf, WorkspaceOf); inputs are float32 in both, widened exactly. A layer's weights are stored as PyTorch stores them, out×in
// row-major, and all layers lie one after the other in one flat vector (Net.Params), which is
// also the layout of gradients: the gradient of a minibatch is one []float32 of Net.NumParams().
package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tailscope/tailscope/sim/linalg"
)

// Loss is a training loss.
type Loss uint8

const (
	// CrossEntropy is the mean over the batch of −log softmax(out)_y.
	CrossEntropy Loss = iota
	// Hinge is the paper's multi-class linear hinge loss: with targets t = +1 for the
	// example's class and −1 for the others, the mean over the batch and the classes of
	// max(0, 1 − t·out).
	Hinge
)

// ParseLoss reads "ce" or "hinge".
func ParseLoss(s string) (Loss, error) {
	switch s {
	case "ce":
		return CrossEntropy, nil
	case "hinge":
		return Hinge, nil
	}
	return 0, fmt.Errorf("nn: unknown loss %q (ce, hinge)", s)
}

func (l Loss) String() string {
	switch l {
	case CrossEntropy:
		return "ce"
	case Hinge:
		return "hinge"
	}
	return fmt.Sprintf("Loss(%d)", uint8(l))
}

// Limits on a network's shape.
const (
	MaxLayers = 64
	MaxWidth  = 1 << 14
	MaxParams = 1 << 26
)

// Net is a fully connected ReLU network without biases, in float32.
type Net = NetOf[float32]

// Net64 is a Net in float64.
type Net64 = NetOf[float64]

// NetOf is a fully connected ReLU network without biases with parameters of type T.
type NetOf[T linalg.Float] struct {
	// Sizes are the layer widths, input first and output last: [784, 100, 100, 10] is a
	// network of depth 3.
	Sizes []int
	// Params holds every weight: layer l is the Sizes[l+1]×Sizes[l] matrix (out×in,
	// row-major) at Params[Offset(l):Offset(l+1)].
	Params []T
	offs   []int
}

// Shape returns the layer widths of a network with input dim, depth linear layers, hidden
// layers of the given width and classes outputs.
func Shape(dim, width, depth, classes int) []int {
	sizes := make([]int, depth+1)
	sizes[0], sizes[depth] = dim, classes
	for l := 1; l < depth; l++ {
		sizes[l] = width
	}
	return sizes
}

// New returns a network of the given layer widths with weights drawn as PyTorch's nn.Linear
// does by default (kaiming_uniform with a = √5): each weight of a layer with fan_in inputs is
// uniform on (−1/√fan_in, 1/√fan_in). Weights are drawn layer by layer, row by row, from
// a PCG generator seeded with seed.
func New(sizes []int, seed uint64) (*Net, error) {
	n, err := alloc[float32](sizes)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 0x6e6e_1417))
	for l := 0; l < n.Layers(); l++ {
		bound := 1 / math.Sqrt(float64(sizes[l]))
		for i := range n.Layer(l) {
			n.Params[n.offs[l]+i] = float32((2*r.Float64() - 1) * bound)
		}
	}
	return n, nil
}

// New64 returns New's network in float64: the same float32 weights, widened, so that a seed
// starts both precisions from the same weights. (The reference code's --double draws them in
// double from the same law.) It fails where float64 is not
// built (js/wasm).
func New64(sizes []int, seed uint64) (*Net64, error) {
	n, err := New(sizes, seed)
	if err != nil {
		return nil, err
	}
	return Widen(n)
}

// Widen returns n in float64 (exactly the same weights). It fails where float64 is not
// built (js/wasm).
func Widen(n *Net) (*Net64, error) {
	if !linalg.Has64() {
		return nil, fmt.Errorf("nn: float64 networks are not built in this program (the browser trains in float32)")
	}
	return &Net64{Sizes: append([]int(nil), n.Sizes...), Params: linalg.Widen(n.Params), offs: append([]int(nil), n.offs...)}, nil
}

func alloc[T linalg.Float](sizes []int) (*NetOf[T], error) {
	if len(sizes) < 2 || len(sizes) > MaxLayers+1 {
		return nil, fmt.Errorf("nn: %d layer sizes, want 2 … %d (input, hidden…, output)", len(sizes), MaxLayers+1)
	}
	offs := make([]int, len(sizes))
	for l, s := range sizes {
		if s < 1 || s > MaxWidth {
			return nil, fmt.Errorf("nn: layer %d has width %d, want 1 … %d", l, s, MaxWidth)
		}
		if l > 0 {
			offs[l] = offs[l-1] + sizes[l-1]*s
			if offs[l] > MaxParams {
				return nil, fmt.Errorf("nn: network %v has more than %d parameters", sizes, MaxParams)
			}
		}
	}
	return &NetOf[T]{Sizes: append([]int(nil), sizes...), Params: make([]T, offs[len(offs)-1]), offs: offs}, nil
}

// Layers returns the number of linear layers (the depth).
func (n *NetOf[T]) Layers() int { return len(n.Sizes) - 1 }

// NumParams returns the number of weights.
func (n *NetOf[T]) NumParams() int { return len(n.Params) }

// Offset returns the index in Params (and in a gradient) of layer l's first weight;
// Offset(Layers()) is NumParams().
func (n *NetOf[T]) Offset(l int) int { return n.offs[l] }

// Layer returns layer l's weights, out×in row-major, sharing memory with Params.
func (n *NetOf[T]) Layer(l int) []T { return n.Params[n.offs[l]:n.offs[l+1]] }

// Clone returns a deep copy of n.
func (n *NetOf[T]) Clone() *NetOf[T] {
	c, _ := alloc[T](n.Sizes)
	copy(c.Params, n.Params)
	return c
}

// SGD takes the step Params −= lr·grad (in float32 kernel.Axpy: with a fused multiply-add
// where the machine has one, so the last bit may differ from a plain loop's, always the same
// way).
func (n *NetOf[T]) SGD(grad []T, lr T) {
	// Layer by layer: a split Axpy (kernel.SetThreads) then gives each goroutine the rows of
	// each layer it computed, which its core holds. The cuts are rounded down to a multiple
	// of 16 values, so that every value is updated as by one Axpy over all of them (whose
	// vector loop takes 16 at a time and leaves the last len mod 16 to a plain loop).
	p := n.Params[:len(grad)]
	for l := range n.Layers() {
		lo, hi := n.offs[l]&^15, n.offs[l+1]&^15
		if l == n.Layers()-1 {
			hi = len(p)
		}
		linalg.Axpy(p[lo:hi], grad[lo:hi], -lr)
	}
}
