package data

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"unicode/utf8"
)

// Limits of the compact binary form, which bound what a reader allocates.
const (
	MaxExamples = 1 << 20 // examples in one set
	MaxDim      = 1 << 14 // features per example
	MaxValues   = 1 << 26 // n·dim: 64 Mi features, 256 MiB as float32
	maxName     = 64
	maxPlanes   = 4 // planes with their own normalisation (encoding 3)
)

const (
	binMagic   = "TSDS"
	binVersion = 1
	encPixels  = 1
	encFloat32 = 2
	encPlanes  = 3
	headerSize = 24
)

// BinarySize returns the size in bytes of a set in the compact binary form.
func BinarySize(nameLen, n, dim int, pixels bool) int64 {
	per := int64(4)
	if pixels {
		per = 1
	}
	return headerSize + int64(nameLen) + int64(n) + int64(n)*int64(dim)*per + 4
}

// BinarySizePlanes returns the size in bytes of a set of uint8 pixels normalised per plane
// (encoding 3) in the compact binary form.
func BinarySizePlanes(nameLen, n, dim, planes int) int64 {
	return BinarySize(nameLen, n, dim, true) + 1 + 8*int64(planes)
}

// usableNorm reports whether mean and std can normalise pixels: finite, std > 0.
func usableNorm(mean, std float32) bool {
	return std > 0 && !math.IsInf(float64(std), 0) && !math.IsNaN(float64(mean)) && !math.IsInf(float64(mean), 0)
}

// WriteBinary writes s in the compact binary form described in the package documentation.
func (s *Set) WriteBinary(w io.Writer) error {
	if err := s.Check(); err != nil {
		return err
	}
	if n := len(s.Name); n < 1 || n > maxName || !utf8.ValidString(s.Name) {
		return fmt.Errorf("data: set name %q must be 1 … %d bytes of UTF-8", s.Name, maxName)
	}
	if s.Len() < 1 || s.Len() > MaxExamples || s.Dim > MaxDim || s.Len()*s.Dim > MaxValues {
		return fmt.Errorf("data: set %q of %d×%d is outside the binary form's limits (%d examples, %d features, %d values)",
			s.Name, s.Len(), s.Dim, MaxExamples, MaxDim, MaxValues)
	}
	crc := crc32.NewIEEE()
	bw := bufio.NewWriter(io.MultiWriter(w, crc))
	var h [headerSize]byte
	copy(h[:4], binMagic)
	h[4] = binVersion
	h[5] = encFloat32
	var planes []byte // encoding 3: the plane count, means and stds after the name
	switch {
	case s.Pixels != nil && len(s.PlaneMean) > 0:
		h[5] = encPlanes
		planes = append(planes, byte(len(s.PlaneMean)))
		for c := range s.PlaneMean {
			if !usableNorm(s.PlaneMean[c], s.PlaneStd[c]) {
				return fmt.Errorf("data: set %q: plane %d normalisation mean %v, std %v is not usable", s.Name, c, s.PlaneMean[c], s.PlaneStd[c])
			}
			planes = binary.LittleEndian.AppendUint32(planes, math.Float32bits(s.PlaneMean[c]))
		}
		for _, sd := range s.PlaneStd {
			planes = binary.LittleEndian.AppendUint32(planes, math.Float32bits(sd))
		}
	case s.Pixels != nil:
		h[5] = encPixels
		if !usableNorm(s.Mean, s.Std) {
			return fmt.Errorf("data: set %q: pixel normalisation mean %v, std %v is not usable", s.Name, s.Mean, s.Std)
		}
		binary.LittleEndian.PutUint32(h[16:], math.Float32bits(s.Mean))
		binary.LittleEndian.PutUint32(h[20:], math.Float32bits(s.Std))
	}
	h[6] = byte(s.Classes)
	h[7] = byte(len(s.Name))
	binary.LittleEndian.PutUint32(h[8:], uint32(s.Len()))
	binary.LittleEndian.PutUint32(h[12:], uint32(s.Dim))
	bw.Write(h[:])
	bw.WriteString(s.Name)
	bw.Write(planes)
	bw.Write(s.Y)
	if s.Pixels != nil {
		bw.Write(s.Pixels)
	} else {
		var b [4]byte
		for _, x := range s.X {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(x))
			bw.Write(b[:])
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("data: writing set %q: %w", s.Name, err)
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], crc.Sum32())
	if _, err := w.Write(sum[:]); err != nil {
		return fmt.Errorf("data: writing set %q: %w", s.Name, err)
	}
	return nil
}

// ReadBinary reads a set in the compact binary form, strictly: it returns an error naming
// the problem for a file that is truncated, has trailing bytes, a bad checksum or magic, a
// header out of range, a label out of range or a non-finite feature. It reads exactly the
// set's bytes and then expects the end of r.
func ReadBinary(r io.Reader) (*Set, error) {
	crc := crc32.NewIEEE()
	br := bufio.NewReader(r)
	tr := io.TeeReader(br, crc)
	var h [headerSize]byte
	if err := readFull(tr, h[:], "header"); err != nil {
		return nil, err
	}
	if string(h[:4]) != binMagic {
		return nil, fmt.Errorf("data: not a Tailscope dataset: magic %q, want %q", h[:4], binMagic)
	}
	if h[4] != binVersion {
		return nil, fmt.Errorf("data: dataset format version %d, this reader knows version %d", h[4], binVersion)
	}
	enc, classes, nameLen := h[5], int(h[6]), int(h[7])
	n := int64(binary.LittleEndian.Uint32(h[8:]))
	dim := int64(binary.LittleEndian.Uint32(h[12:]))
	mean := math.Float32frombits(binary.LittleEndian.Uint32(h[16:]))
	std := math.Float32frombits(binary.LittleEndian.Uint32(h[20:]))
	switch {
	case enc != encPixels && enc != encFloat32 && enc != encPlanes:
		return nil, fmt.Errorf("data: unknown feature encoding %d (1: uint8 pixels, 2: float32, 3: uint8 pixels normalised per plane)", enc)
	case classes < 1:
		return nil, fmt.Errorf("data: header says 0 classes")
	case nameLen < 1 || nameLen > maxName:
		return nil, fmt.Errorf("data: name length %d, want 1 … %d", nameLen, maxName)
	case n < 1 || n > MaxExamples:
		return nil, fmt.Errorf("data: header says %d examples, want 1 … %d", n, MaxExamples)
	case dim < 1 || dim > MaxDim:
		return nil, fmt.Errorf("data: header says %d features per example, want 1 … %d", dim, MaxDim)
	case n*dim > MaxValues:
		return nil, fmt.Errorf("data: header says %d×%d = %d features, more than the %d allowed", n, dim, n*dim, MaxValues)
	}
	if enc == encPixels {
		if !usableNorm(mean, std) {
			return nil, fmt.Errorf("data: pixel normalisation mean %v, std %v: want finite mean and std > 0", mean, std)
		}
	} else if mean != 0 || std != 0 {
		return nil, fmt.Errorf("data: encoding %d with normalisation fields %v, %v: want 0, 0", enc, mean, std)
	}
	name := make([]byte, nameLen)
	if err := readFull(tr, name, "name"); err != nil {
		return nil, err
	}
	if !utf8.Valid(name) {
		return nil, fmt.Errorf("data: name %q is not UTF-8", name)
	}
	s := &Set{Name: string(name), Dim: int(dim), Classes: classes}
	if enc == encPlanes {
		var c [1]byte
		if err := readFull(tr, c[:], "plane count"); err != nil {
			return nil, err
		}
		planes := int(c[0])
		if planes < 1 || planes > maxPlanes || dim%int64(planes) != 0 {
			return nil, fmt.Errorf("data: %d planes for %d features per example: want 1 … %d planes dividing them", planes, dim, maxPlanes)
		}
		norm := make([]byte, 8*planes)
		if err := readFull(tr, norm, "plane normalisation"); err != nil {
			return nil, err
		}
		s.PlaneMean, s.PlaneStd = make([]float32, planes), make([]float32, planes)
		for i := range planes {
			s.PlaneMean[i] = math.Float32frombits(binary.LittleEndian.Uint32(norm[4*i:]))
			s.PlaneStd[i] = math.Float32frombits(binary.LittleEndian.Uint32(norm[4*(planes+i):]))
			if !usableNorm(s.PlaneMean[i], s.PlaneStd[i]) {
				return nil, fmt.Errorf("data: plane %d normalisation mean %v, std %v: want finite mean and std > 0", i, s.PlaneMean[i], s.PlaneStd[i])
			}
		}
	}
	s.Y, s.X = make([]uint8, n), make([]float32, n*dim)
	if err := readFull(tr, s.Y, "labels"); err != nil {
		return nil, err
	}
	for i, y := range s.Y {
		if int(y) >= classes {
			return nil, fmt.Errorf("data: example %d has label %d, but the set has %d classes", i, y, classes)
		}
	}
	if enc == encPixels || enc == encPlanes {
		s.Pixels = make([]uint8, n*dim)
		s.Mean, s.Std = mean, std
		if err := readFull(tr, s.Pixels, "pixels"); err != nil {
			return nil, err
		}
		s.normalisePixels()
	} else {
		buf := make([]byte, 4*4096)
		for off := 0; off < len(s.X); {
			k := min(len(s.X)-off, 4096)
			if err := readFull(tr, buf[:4*k], "features"); err != nil {
				return nil, err
			}
			for j := 0; j < k; j++ {
				x := math.Float32frombits(binary.LittleEndian.Uint32(buf[4*j:]))
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					i := off + j
					return nil, fmt.Errorf("data: feature %d of example %d is %v", i%int(dim), i/int(dim), x)
				}
				s.X[off+j] = x
			}
			off += k
		}
	}
	want := crc.Sum32()
	var sum [4]byte
	if err := readFull(br, sum[:], "checksum"); err != nil {
		return nil, err
	}
	if got := binary.LittleEndian.Uint32(sum[:]); got != want {
		return nil, fmt.Errorf("data: checksum mismatch (stored %08x, computed %08x): the file is corrupt", got, want)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		if err == nil {
			return nil, errors.New("data: trailing bytes after the checksum")
		}
		return nil, fmt.Errorf("data: reading past the checksum: %w", err)
	}
	return s, nil
}

func readFull(r io.Reader, b []byte, what string) error {
	k, err := io.ReadFull(r, b)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("data: truncated in the %s: %d of %d bytes present", what, k, len(b))
	}
	if err != nil {
		return fmt.Errorf("data: reading the %s: %w", what, err)
	}
	return nil
}
