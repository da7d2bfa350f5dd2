package noise

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/tailscope/tailscope/estimator"
)

// The binary form of a measurement's parts, to cross between a Web Worker and its page: every
// number as 8 little-endian bytes (floats by their bits, so NaN, ±Inf and every last bit
// survive), a slice as its length then its values. JSON would lose non-finite values and
// triple the size of the O(M) vectors.

// maxWireLen bounds a slice's length read back (a corrupted length must not allocate much).
const maxWireLen = 1 << 28

type wireWriter struct{ b []byte }

func (w *wireWriter) int(v int) { w.b = binary.LittleEndian.AppendUint64(w.b, uint64(int64(v))) }
func (w *wireWriter) float(v float64) {
	w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(v))
}
func (w *wireWriter) uint(v uint64) { w.b = binary.LittleEndian.AppendUint64(w.b, v) }
func (w *wireWriter) floats(v []float64) {
	w.int(len(v))
	for _, x := range v {
		w.float(x)
	}
}

func (w *wireWriter) state(s estimator.MohammadiPartState) {
	b2i := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	for _, v := range []int{s.K1, s.Offset, b2i(s.KeepZeros), b2i(s.HeadDone), s.Seen, s.Zeros, s.Bad, s.FirstBad,
		s.Used, s.InBlock, int(s.Exp), s.HeadN, int(s.HeadExp), s.K2, s.ZeroY, s.Overflow} {
		w.int(v)
	}
	for _, v := range []float64{s.Mant, s.Sum, s.Log, s.HeadMant, s.HeadSum, s.HeadLog, s.Mean, s.M2} {
		w.float(v)
	}
}

type wireReader struct {
	b   []byte
	err error
}

func (r *wireReader) uint() uint64 {
	if len(r.b) < 8 {
		if r.err == nil {
			r.err = errors.New("noise: a part's bytes end early")
		}
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *wireReader) int() int       { return int(int64(r.uint())) }
func (r *wireReader) float() float64 { return math.Float64frombits(r.uint()) }

func (r *wireReader) len() int {
	n := r.int()
	if n < 0 || n > maxWireLen || n > len(r.b)/8 {
		if r.err == nil {
			r.err = fmt.Errorf("noise: a part holds a slice of %d values in %d bytes", n, len(r.b))
		}
		return 0
	}
	return n
}

func (r *wireReader) floats() []float64 {
	n := r.len()
	if n == 0 {
		return nil
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = r.float()
	}
	return v
}

func (r *wireReader) state() estimator.MohammadiPartState {
	var s estimator.MohammadiPartState
	var keep, head, exp, headExp int
	for _, p := range []*int{&s.K1, &s.Offset, &keep, &head, &s.Seen, &s.Zeros, &s.Bad, &s.FirstBad,
		&s.Used, &s.InBlock, &exp, &s.HeadN, &headExp, &s.K2, &s.ZeroY, &s.Overflow} {
		*p = r.int()
	}
	s.KeepZeros, s.HeadDone, s.Exp, s.HeadExp = keep == 1, head == 1, int64(exp), int64(headExp)
	for _, p := range []*float64{&s.Mant, &s.Sum, &s.Log, &s.HeadMant, &s.HeadSum, &s.HeadLog, &s.Mean, &s.M2} {
		*p = r.float()
	}
	return s
}

func (r *wireReader) done() error {
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("noise: %d bytes left after a part", len(r.b))
	}
	return r.err
}

// MarshalBinary encodes pass 1's part.
func (g *GradientSums) MarshalBinary() ([]byte, error) {
	w := &wireWriter{b: make([]byte, 0, 8*(8+len(g.Sum)+len(g.Zero)))}
	w.int(g.Lo)
	w.int(g.Hi)
	w.float(g.LossSum)
	w.float(g.Weighted)
	w.int(g.Correct)
	w.int(g.Examples)
	w.floats(g.Sum)
	w.int(len(g.Zero))
	for _, z := range g.Zero {
		w.uint(z)
	}
	return w.b, nil
}

// UnmarshalBinary decodes pass 1's part.
func (g *GradientSums) UnmarshalBinary(b []byte) error {
	r := &wireReader{b: b}
	g.Lo, g.Hi = r.int(), r.int()
	g.LossSum, g.Weighted = r.float(), r.float()
	g.Correct, g.Examples = r.int(), r.int()
	g.Sum = r.floats()
	g.Zero = make([]uint64, r.len())
	for i := range g.Zero {
		g.Zero[i] = r.uint()
	}
	return r.done()
}

// MarshalBinary encodes pass 2's part.
func (p *NoiseSums) MarshalBinary() ([]byte, error) {
	w := &wireWriter{}
	w.int(p.Lo)
	w.int(p.Hi)
	w.int(p.Start.Pooled)
	w.int(p.Start.Ref)
	w.int(len(p.Start.Layers))
	for _, v := range p.Start.Layers {
		w.int(v)
	}
	w.state(p.Pooled)
	w.state(p.Ref)
	w.int(len(p.Layers))
	for _, s := range p.Layers {
		w.state(s)
	}
	w.floats(p.Norms)
	w.floats(p.Sample)
	w.int(len(p.Coords))
	for _, c := range p.Coords {
		w.floats(c)
	}
	return w.b, nil
}

// UnmarshalBinary decodes pass 2's part.
func (p *NoiseSums) UnmarshalBinary(b []byte) error {
	r := &wireReader{b: b}
	p.Lo, p.Hi = r.int(), r.int()
	p.Start.Pooled, p.Start.Ref = r.int(), r.int()
	p.Start.Layers = make([]int, r.len())
	for i := range p.Start.Layers {
		p.Start.Layers[i] = r.int()
	}
	p.Pooled, p.Ref = r.state(), r.state()
	p.Layers = make([]estimator.MohammadiPartState, r.len())
	for i := range p.Layers {
		p.Layers[i] = r.state()
	}
	p.Norms, p.Sample = r.floats(), r.floats()
	p.Coords = make([][]float64, r.len())
	for i := range p.Coords {
		p.Coords[i] = r.floats()
	}
	return r.done()
}
