package data

import (
	"fmt"
	"math"
)

// Info describes a dataset of the catalog.
type Info struct {
	Name     string `json:"name"`
	Examples int    `json:"examples"`
	Shape    []int  `json:"shape"` // shape of one example, e.g. [28, 28], or [3, 32, 32] for colour
	Classes  int    `json:"classes"`
	Bytes    int64  `json:"bytes"` // size of the full set in the compact binary form
	// Get, for a set that must be downloaded and is not (CIFAR), is the command that
	// downloads it, e.g. "tailscope data get cifar10"; empty when the set can be loaded.
	// Examples and Bytes are then the official set's.
	Get string `json:"get,omitempty"`
}

// Catalog lists the datasets Load knows, with the sizes Load gives them; CIFAR's sets are
// listed whether present in the data directory (Dir) or not, with Get saying how to get a
// missing one.
func Catalog() []Info {
	return append([]Info{
		{Name: "mnist-train", Examples: MNISTTrainSize, Shape: []int{mnistRows, mnistCols}, Classes: 10,
			Bytes: BinarySize(len("mnist-train"), MNISTTrainSize, mnistPixels, true)},
		{Name: "mnist-test", Examples: MNISTTestSize, Shape: []int{mnistRows, mnistCols}, Classes: 10,
			Bytes: BinarySize(len("mnist-test"), MNISTTestSize, mnistPixels, true)},
		{Name: "blobs", Examples: DefaultSyntheticSize, Shape: []int{2}, Classes: BlobsClasses,
			Bytes: BinarySize(len("blobs"), DefaultSyntheticSize, 2, false)},
		{Name: "spirals", Examples: DefaultSyntheticSize, Shape: []int{2}, Classes: 2,
			Bytes: BinarySize(len("spirals"), DefaultSyntheticSize, 2, false)},
	}, cifarCatalog(Dir())...)
}

// Set is a labelled dataset held in memory.
type Set struct {
	Name    string
	X       []float32 // n×Dim, row-major, normalised
	Y       []uint8   // n labels in [0, Classes)
	Dim     int
	Classes int

	// Pixels, when not nil, are the raw uint8 features X was computed from as
	// X = (Pixels/255 − Mean)/Std; WriteBinary then stores them, one byte each.
	Pixels    []uint8
	Mean, Std float32
	// PlaneMean and PlaneStd, when not nil, replace Mean and Std for Pixels: each example
	// is len(PlaneMean) planes of Dim/len(PlaneMean) pixels (CIFAR's red, green and blue),
	// plane c normalised as (p/255 − PlaneMean[c])/PlaneStd[c].
	PlaneMean, PlaneStd []float32
}

// Len returns the number of examples.
func (s *Set) Len() int { return len(s.Y) }

// Slice returns the n examples starting at offset, sharing memory with s.
func (s *Set) Slice(offset, n int) (*Set, error) {
	if offset < 0 || n < 1 || offset > s.Len() || n > s.Len()-offset {
		return nil, fmt.Errorf("data: slice [%d, %d+%d) of %s, which has %d examples", offset, offset, n, s.Name, s.Len())
	}
	out := *s
	out.X = s.X[offset*s.Dim : (offset+n)*s.Dim]
	out.Y = s.Y[offset : offset+n]
	if s.Pixels != nil {
		out.Pixels = s.Pixels[offset*s.Dim : (offset+n)*s.Dim]
	}
	return &out, nil
}

// Balanced returns a class-balanced subset of n examples: for each class c, the first
// n/Classes examples of class c (the first n mod Classes classes get one more), kept in
// their original order. It fails if a class has too few examples.
func (s *Set) Balanced(n int) (*Set, error) {
	idx, err := s.balancedIndex(n)
	if err != nil {
		return nil, err
	}
	return s.pick(idx), nil
}

// balancedIndex returns the indices of Balanced(n)'s examples, in order.
func (s *Set) balancedIndex(n int) ([]int, error) {
	if n < 1 || n > s.Len() {
		return nil, fmt.Errorf("data: balanced subset of %d examples of %s, which has %d", n, s.Name, s.Len())
	}
	want := make([]int, s.Classes)
	for c := range want {
		want[c] = n / s.Classes
		if c < n%s.Classes {
			want[c]++
		}
	}
	idx := make([]int, 0, n)
	for i, y := range s.Y {
		if want[y] > 0 {
			want[y]--
			idx = append(idx, i)
		}
	}
	for c, w := range want {
		if w > 0 {
			return nil, fmt.Errorf("data: balanced subset of %d examples of %s: class %d has only %d examples, %d needed",
				n, s.Name, c, n/s.Classes+btoi(c < n%s.Classes)-w, n/s.Classes+btoi(c < n%s.Classes))
		}
	}
	return idx, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pick returns a new set of the examples idx of s, in that order. A set with Pixels may have
// X nil: the new set's X is then computed from its pixels.
func (s *Set) pick(idx []int) *Set {
	out := &Set{Name: s.Name, Dim: s.Dim, Classes: s.Classes, Mean: s.Mean, Std: s.Std,
		PlaneMean: s.PlaneMean, PlaneStd: s.PlaneStd,
		X: make([]float32, 0, len(idx)*s.Dim), Y: make([]uint8, 0, len(idx))}
	if s.Pixels != nil {
		out.Pixels = make([]uint8, 0, len(idx)*s.Dim)
	}
	for _, i := range idx {
		if s.X != nil {
			out.X = append(out.X, s.X[i*s.Dim:(i+1)*s.Dim]...)
		}
		out.Y = append(out.Y, s.Y[i])
		if s.Pixels != nil {
			out.Pixels = append(out.Pixels, s.Pixels[i*s.Dim:(i+1)*s.Dim]...)
		}
	}
	if s.X == nil {
		out.X = out.X[:len(out.Pixels)]
		out.normalisePixels()
	}
	return out
}

// Check reports whether s is consistent: sizes agree, labels are below Classes,
// features are finite.
func (s *Set) Check() error {
	switch {
	case s.Dim < 1:
		return fmt.Errorf("data: set %q has dimension %d", s.Name, s.Dim)
	case s.Classes < 1 || s.Classes > 255:
		return fmt.Errorf("data: set %q has %d classes, want 1 … 255", s.Name, s.Classes)
	case len(s.X) != len(s.Y)*s.Dim:
		return fmt.Errorf("data: set %q has %d features for %d examples of dimension %d", s.Name, len(s.X), len(s.Y), s.Dim)
	case s.Pixels != nil && len(s.Pixels) != len(s.X):
		return fmt.Errorf("data: set %q has %d pixels for %d features", s.Name, len(s.Pixels), len(s.X))
	case len(s.PlaneMean) != len(s.PlaneStd) || len(s.PlaneMean) > maxPlanes || (len(s.PlaneMean) > 0 && s.Dim%len(s.PlaneMean) != 0):
		return fmt.Errorf("data: set %q has %d plane means and %d stds for dimension %d (want 1 … %d planes dividing it)",
			s.Name, len(s.PlaneMean), len(s.PlaneStd), s.Dim, maxPlanes)
	}
	for i, y := range s.Y {
		if int(y) >= s.Classes {
			return fmt.Errorf("data: set %q: example %d has label %d, want < %d", s.Name, i, y, s.Classes)
		}
	}
	for i, x := range s.X {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("data: set %q: feature %d of example %d is %v", s.Name, i%s.Dim, i/s.Dim, x)
		}
	}
	return nil
}

// normalisePixels sets X from Pixels with the set's normalisation, per plane or global.
func (s *Set) normalisePixels() {
	if len(s.PlaneMean) == 0 {
		normalise(s.X, s.Pixels, s.Mean, s.Std)
		return
	}
	plane := s.Dim / len(s.PlaneMean)
	for i := 0; i < len(s.Pixels); i += s.Dim {
		for c := range s.PlaneMean {
			lo := i + c*plane
			normalise(s.X[lo:lo+plane], s.Pixels[lo:lo+plane], s.PlaneMean[c], s.PlaneStd[c])
		}
	}
}

// normalise sets x[i] = (p[i]/255 − mean)/std in float32, as torchvision does.
func normalise(x []float32, p []uint8, mean, std float32) {
	for i, v := range p {
		x[i] = (float32(v)/255 - mean) / std
	}
}

// subset returns the first n examples of s, or Balanced(n) if balanced, normalising (and
// holding) only those: MNISTSubset and CIFARSubset cut their sets with it.
func (s *Set) subset(n int, balanced bool) (*Set, error) {
	if n < 1 || n > s.Len() {
		return nil, fmt.Errorf("data: subset of %d examples of %s, which has %d", n, s.Name, s.Len())
	}
	if !balanced {
		return s.span(0, n), nil
	}
	idx, err := s.balancedIndex(n)
	if err != nil {
		return nil, err
	}
	return s.pick(idx), nil
}

// span returns examples [offset, offset+n) of s as pick does, normalising (and holding)
// only those; the caller checks the bounds.
func (s *Set) span(offset, n int) *Set {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = offset + i
	}
	return s.pick(idx)
}
