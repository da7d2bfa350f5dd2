package convnet

import (
	"fmt"
	"math/bits"
)

// Input shapes of the datasets a convolutional network trains on.
var (
	CIFARShape = Shape{3, 32, 32}
	MNISTShape = Shape{1, 28, 28}
)

// ShapeOf returns the image shape of inputs of dimension dim: 3×32×32 for 3072 (CIFAR),
// 1×28×28 for 784 (MNIST); an error for any other.
func ShapeOf(dim int) (Shape, error) {
	switch dim {
	case CIFARShape.Size():
		return CIFARShape, nil
	case MNISTShape.Size():
		return MNISTShape, nil
	}
	return Shape{}, fmt.Errorf("convnet: inputs of dimension %d are not images (want 3072 = 3×32×32 or 784 = 1×28×28)", dim)
}

// Features are the convolutional layers of the AlexNet variant of the reference code
// (models.py of Şimşekli et al.'s code): conv ch 4×4 stride 2 pad 2, ReLU, max-pool 3/2,
// conv ch 5×5 pad 2, ReLU, max-pool 3/2, three conv ch 3×3 pad 1 each followed by ReLU,
// max-pool 3/2.
func Features(ch int) []Layer {
	return []Layer{
		{Op: Conv, Out: ch, K: 4, Stride: 2, Pad: 2}, {Op: ReLU}, {Op: MaxPool, K: 3, Stride: 2},
		{Op: Conv, Out: ch, K: 5, Stride: 1, Pad: 2}, {Op: ReLU}, {Op: MaxPool, K: 3, Stride: 2},
		{Op: Conv, Out: ch, K: 3, Stride: 1, Pad: 1}, {Op: ReLU},
		{Op: Conv, Out: ch, K: 3, Stride: 1, Pad: 1}, {Op: ReLU},
		{Op: Conv, Out: ch, K: 3, Stride: 1, Pad: 1}, {Op: ReLU},
		{Op: MaxPool, K: 3, Stride: 2},
	}
}

// HiddenWidth is the reference code's width of AlexNet's two hidden linear layers for size
// flattened features: size·⌊1 + log₂ size⌋ (it computes it in float32, which gives the same
// integers for every size up to 2048 at least, checked against PyTorch 1.13).
func HiddenWidth(size int) int { return size * bits.Len(uint(size)) }

// MaxChannels bounds AlexNet's channel scale.
const MaxChannels = 512

// AlexNet returns the reference code's AlexNet variant with channel scale ch on inputs of
// shape in and classes outputs, its parameters drawn from seed (see New): Features(ch), then
// dropout 0.5, linear (size → width), ReLU, dropout 0.5, linear (width → width), ReLU,
// linear (width → classes), where size is the number of features (ch for 3×32×32 and
// 1×28×28 inputs) and width = HiddenWidth(size). The reference code's first convolution
// always has 3 input channels (it runs AlexNet on CIFAR only); here it has in.C, so that the
// same network also runs on MNIST.
func AlexNet(in Shape, ch, classes int, seed uint64) (*Net, error) {
	if ch < 1 || ch > MaxChannels {
		return nil, fmt.Errorf("convnet: AlexNet channel scale %d, want 1 … %d", ch, MaxChannels)
	}
	if classes < 1 {
		return nil, fmt.Errorf("convnet: %d classes", classes)
	}
	feat, err := alloc[float32](in, append(Features(ch), Layer{Op: Linear, Out: 1}))
	if err != nil {
		return nil, fmt.Errorf("convnet: AlexNet on %v inputs: %w", in, err)
	}
	size := feat.Layers[len(feat.Layers)-1].In.Size()
	width := HiddenWidth(size)
	layers := append(Features(ch),
		Layer{Op: Dropout, P: 0.5}, Layer{Op: Linear, Out: width}, Layer{Op: ReLU},
		Layer{Op: Dropout, P: 0.5}, Layer{Op: Linear, Out: width}, Layer{Op: ReLU},
		Layer{Op: Linear, Out: classes})
	return New(in, layers, seed)
}
