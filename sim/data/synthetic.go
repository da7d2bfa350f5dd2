package data

import (
	"fmt"
	"math"
	"math/rand/v2"
)

const (
	// DefaultSyntheticSize is the size of the synthetic sets Load returns.
	DefaultSyntheticSize = 1000
	// DefaultSyntheticSeed is the seed of the synthetic sets Load returns.
	DefaultSyntheticSeed = 1
	// BlobsClasses is the number of Gaussian blobs.
	BlobsClasses = 3
)

// synthRand returns the generator of a synthetic set; stream separates sets drawn from
// the same seed (a training set and its test set).
func synthRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x7a11_5c09e_0000+stream))
}

// Blobs returns n points in the plane from BlobsClasses Gaussian blobs of standard deviation
// 1 centred on a circle of radius 2.5 at angles 2πc/BlobsClasses. Example i has label
// i mod BlobsClasses, so any run of consecutive examples is nearly balanced. The blobs
// overlap: a perfect classifier errs on a few per cent of points.
func Blobs(n int, seed, stream uint64) (*Set, error) {
	if n < 1 || n > MaxExamples {
		return nil, fmt.Errorf("data: blobs of %d points, want 1 … %d", n, MaxExamples)
	}
	r := synthRand(seed, stream)
	s := &Set{Name: "blobs", Dim: 2, Classes: BlobsClasses, X: make([]float32, 2*n), Y: make([]uint8, n)}
	for i := 0; i < n; i++ {
		c := i % BlobsClasses
		a := 2 * math.Pi * float64(c) / BlobsClasses
		s.Y[i] = uint8(c)
		s.X[2*i] = float32(2.5*math.Cos(a) + r.NormFloat64())
		s.X[2*i+1] = float32(2.5*math.Sin(a) + r.NormFloat64())
	}
	return s, nil
}

// Spirals returns n points of two interleaved spirals with 1.5 turns each: example i has
// label i mod 2, position t = √u along its arm (u uniform, so points are uniform in area),
// radius 2t, angle 3πt + π·label, plus Gaussian noise of standard deviation 0.1.
func Spirals(n int, seed, stream uint64) (*Set, error) {
	if n < 1 || n > MaxExamples {
		return nil, fmt.Errorf("data: spirals of %d points, want 1 … %d", n, MaxExamples)
	}
	r := synthRand(seed, stream)
	s := &Set{Name: "spirals", Dim: 2, Classes: 2, X: make([]float32, 2*n), Y: make([]uint8, n)}
	for i := 0; i < n; i++ {
		c := i % 2
		t := math.Sqrt(r.Float64())
		a := 3*math.Pi*t + math.Pi*float64(c)
		s.Y[i] = uint8(c)
		s.X[2*i] = float32(2*t*math.Cos(a) + 0.1*r.NormFloat64())
		s.X[2*i+1] = float32(2*t*math.Sin(a) + 0.1*r.NormFloat64())
	}
	return s, nil
}

// Synthetic returns the synthetic set called name ("blobs" or "spirals") of n points drawn
// with seed; stream 0 is a training set, stream 1 its test set.
func Synthetic(name string, n int, seed, stream uint64) (*Set, error) {
	switch name {
	case "blobs":
		return Blobs(n, seed, stream)
	case "spirals":
		return Spirals(n, seed, stream)
	}
	return nil, fmt.Errorf("data: no synthetic set %q (blobs, spirals)", name)
}
