// Package convnet trains convolutional networks: convolution (with bias), max-pooling, ReLU,
// dropout and fully connected (with bias) layers, forward and backward, and the AlexNet
// variant of the reference code of Şimşekli et al. (2019) (AlexNet).
//
// Tensors are float32 (Net), or float64 (Net64: the mlp kind's precision=float64, native
// builds only, products through gonum's blas64 via sim/linalg; one code generic over both),
// and laid out as PyTorch lays them out: a batch of b examples of shape
// C×H×W is b·C·H·W values, example after example, channel plane after plane, row by row. A
// convolution is an im2col followed by one product through sim/kernel for the whole batch
// (the output channels × the input patches), so faster kernels drop in.
//
// All parameters lie in one flat vector (Net.Params), in PyTorch's order: for each layer with
// parameters, its weights (out×in×kh×kw or out×in, row-major) then its biases. A gradient has
// the same layout. Layers() and Offset(l) give the parameters of each such layer (weights and
// biases together), as sim/nn's Net does for its linear layers, so the noise measurement
// (sim/noise) reports a tail index per layer for both.
package convnet

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tailscope/tailscope/sim/linalg"
)

// Shape is the shape of one example's tensor: C channels of H×W.
type Shape struct{ C, H, W int }

// Size returns C·H·W.
func (s Shape) Size() int { return s.C * s.H * s.W }

func (s Shape) String() string { return fmt.Sprintf("%d×%d×%d", s.C, s.H, s.W) }

// Op is a layer type.
type Op uint8

const (
	Conv    Op = iota // 2-D convolution with bias: Out channels, K×K kernel, Stride, Pad (zeros)
	MaxPool           // max-pooling over K×K windows with Stride, no padding, floor of the size
	ReLU              // max(0, x)
	Dropout           // in training, zero each value with probability P and scale the others by 1/(1−P)
	Linear            // fully connected with bias: Out outputs of the flattened input
)

func (o Op) String() string {
	switch o {
	case Conv:
		return "conv"
	case MaxPool:
		return "maxpool"
	case ReLU:
		return "relu"
	case Dropout:
		return "dropout"
	case Linear:
		return "linear"
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// Layer is one layer. New fills In and OutShape.
type Layer struct {
	Op                 Op
	Out                int     // Conv: output channels; Linear: outputs
	K, Stride, Pad     int     // Conv, MaxPool
	P                  float64 // Dropout: probability of zeroing
	In, OutShape       Shape   // shapes of one example's input and output
	weights, off, bias int     // Conv, Linear: number of weights, offset in Params, offset of the biases
}

// HasParams reports whether the layer has weights and biases.
func (l *Layer) HasParams() bool { return l.Op == Conv || l.Op == Linear }

// Limits on a network.
const (
	MaxParams = 1 << 26
	MaxLayers = 64
)

// Net is a feed-forward network of Layers on inputs of shape Input, in float32.
type Net = NetOf[float32]

// Net64 is a Net in float64.
type Net64 = NetOf[float64]

// NetOf is a feed-forward network of Layers on inputs of shape Input with parameters of
// type T.
type NetOf[T linalg.Float] struct {
	Input  Shape
	Layers []Layer
	Params []T
	groups []int // index in Layers of each layer with parameters
}

// outShape returns the output shape of l on input in, or an error naming the problem.
func outShape(l Layer, in Shape) (Shape, error) {
	switch l.Op {
	case Conv:
		if l.Out < 1 || l.K < 1 || l.Stride < 1 || l.Pad < 0 {
			return Shape{}, fmt.Errorf("conv needs out, k, stride ≥ 1 and pad ≥ 0, got %d, %d, %d, %d", l.Out, l.K, l.Stride, l.Pad)
		}
		h, w := (in.H+2*l.Pad-l.K)/l.Stride+1, (in.W+2*l.Pad-l.K)/l.Stride+1
		if in.H+2*l.Pad < l.K || in.W+2*l.Pad < l.K {
			return Shape{}, fmt.Errorf("conv %d×%d kernel on a %v input (pad %d)", l.K, l.K, in, l.Pad)
		}
		return Shape{l.Out, h, w}, nil
	case MaxPool:
		if l.K < 1 || l.Stride < 1 || in.H < l.K || in.W < l.K {
			return Shape{}, fmt.Errorf("max-pool %d×%d stride %d on a %v input", l.K, l.K, l.Stride, in)
		}
		return Shape{in.C, (in.H-l.K)/l.Stride + 1, (in.W-l.K)/l.Stride + 1}, nil
	case ReLU:
		return in, nil
	case Dropout:
		if !(l.P >= 0 && l.P < 1) {
			return Shape{}, fmt.Errorf("dropout probability %v, want [0, 1)", l.P)
		}
		return in, nil
	case Linear:
		if l.Out < 1 {
			return Shape{}, fmt.Errorf("linear layer with %d outputs", l.Out)
		}
		return Shape{l.Out, 1, 1}, nil
	}
	return Shape{}, fmt.Errorf("unknown layer type %v", l.Op)
}

// New returns a network of the given layers on inputs of shape in, its weights and biases
// drawn as PyTorch's nn.Conv2d and nn.Linear draw them by default (kaiming_uniform with
// a = √5 for the weights, which is uniform on ±1/√fan_in, and uniform on ±1/√fan_in for the
// biases; fan_in = in channels·K·K or in features), layer by layer, weights then biases, from
// a PCG generator seeded with seed.
func New(in Shape, layers []Layer, seed uint64) (*Net, error) {
	n, err := alloc[float32](in, layers)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 0xc0_4e7))
	for _, g := range n.groups {
		l := &n.Layers[g]
		bound := 1 / math.Sqrt(float64(l.weights/l.Out))
		for i := l.off; i < l.bias+l.Out; i++ {
			n.Params[i] = float32((2*r.Float64() - 1) * bound)
		}
	}
	return n, nil
}

// Widen returns n in float64 (exactly the same parameters), so that a seed starts both
// precisions from the same weights. It fails where float64 is not built (js/wasm).
func Widen(n *Net) (*Net64, error) {
	if !linalg.Has64() {
		return nil, fmt.Errorf("convnet: float64 networks are not built in this program (the browser trains in float32)")
	}
	c, err := alloc[float64](n.Input, n.Layers)
	if err != nil {
		return nil, err
	}
	c.Params = linalg.Widen(n.Params)
	return c, nil
}

func alloc[T linalg.Float](in Shape, layers []Layer) (*NetOf[T], error) {
	if in.C < 1 || in.H < 1 || in.W < 1 {
		return nil, fmt.Errorf("convnet: input shape %v", in)
	}
	if len(layers) < 1 || len(layers) > MaxLayers {
		return nil, fmt.Errorf("convnet: %d layers, want 1 … %d", len(layers), MaxLayers)
	}
	n := &NetOf[T]{Input: in, Layers: append([]Layer(nil), layers...)}
	s, total := in, 0
	for i := range n.Layers {
		l := &n.Layers[i]
		out, err := outShape(*l, s)
		if err != nil {
			return nil, fmt.Errorf("convnet: layer %d (%v): %w", i, l.Op, err)
		}
		l.In, l.OutShape = s, out
		switch l.Op {
		case Conv:
			l.weights = l.Out * s.C * l.K * l.K
		case Linear:
			l.weights = l.Out * s.Size()
		}
		if l.HasParams() {
			l.off, l.bias = total, total+l.weights
			total += l.weights + l.Out
			if total > MaxParams {
				return nil, fmt.Errorf("convnet: more than %d parameters", MaxParams)
			}
			n.groups = append(n.groups, i)
		}
		s = out
	}
	if n.Layers[len(n.Layers)-1].Op != Linear {
		return nil, fmt.Errorf("convnet: the last layer is %v, want linear (the outputs)", n.Layers[len(n.Layers)-1].Op)
	}
	n.Params = make([]T, total)
	return n, nil
}

// Classes returns the number of outputs.
func (n *NetOf[T]) Classes() int { return n.Layers[len(n.Layers)-1].Out }

// InputDim returns the size of one input, Input.Size().
func (n *NetOf[T]) InputDim() int { return n.Input.Size() }

// NumParams returns the number of parameters.
func (n *NetOf[T]) NumParams() int { return len(n.Params) }

// NumLayers returns the number of layers with parameters.
func (n *NetOf[T]) NumLayers() int { return len(n.groups) }

// Offset returns the index in Params (and in a gradient) of the first parameter of the l-th
// layer with parameters; Offset(NumLayers()) is NumParams().
func (n *NetOf[T]) Offset(l int) int {
	if l == len(n.groups) {
		return len(n.Params)
	}
	return n.Layers[n.groups[l]].off
}

// Weights and Bias return the l-th layer's (of Layers) weights and biases, sharing memory
// with Params; nil for a layer without parameters.
func (n *NetOf[T]) Weights(l int) []T {
	if !n.Layers[l].HasParams() {
		return nil
	}
	return n.Params[n.Layers[l].off:n.Layers[l].bias]
}

// Bias: see Weights.
func (n *NetOf[T]) Bias(l int) []T {
	if !n.Layers[l].HasParams() {
		return nil
	}
	return n.Params[n.Layers[l].bias : n.Layers[l].bias+n.Layers[l].Out]
}

// Clone returns a deep copy of n.
func (n *NetOf[T]) Clone() *NetOf[T] {
	c, _ := alloc[T](n.Input, n.Layers)
	copy(c.Params, n.Params)
	return c
}

// SGD takes the step Params −= lr·grad (kernel.Axpy in float32).
func (n *NetOf[T]) SGD(grad []T, lr T) {
	linalg.Axpy(n.Params[:len(grad)], grad, -lr)
}

// Describe returns the layers in one line, such as "conv 64 4×4/2 pad 2, relu, …".
func (n *NetOf[T]) Describe() string {
	s := fmt.Sprintf("input %v", n.Input)
	for _, l := range n.Layers {
		switch l.Op {
		case Conv:
			s += fmt.Sprintf(", conv %d %d×%d/%d pad %d", l.Out, l.K, l.K, l.Stride, l.Pad)
		case MaxPool:
			s += fmt.Sprintf(", maxpool %d×%d/%d", l.K, l.K, l.Stride)
		case Dropout:
			s += fmt.Sprintf(", dropout %g", l.P)
		case Linear:
			s += fmt.Sprintf(", linear %d", l.Out)
		default:
			s += ", " + l.Op.String()
		}
	}
	return s
}
