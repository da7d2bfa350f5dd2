package estimator

import (
	"fmt"
	"math"
)

// MohammadiStream computes Mohammadi et al.'s Corollary 2.4 (see
// [Mohammadi]) in one pass and O(1) memory. Values may be fed in any chunks;
// the estimate equals Mohammadi{K1, KeepZeros}.Estimate on the concatenated
// values to about 1e-15 relative.
//
// K1 must be > 1: a caller that knows the number of values N in advance
// uses PaperK1(N). Exact zeros are skipped (and counted) unless KeepZeros;
// the trailing incomplete block is dropped, with a warning. NaN and ±Inf are
// counted and make Estimate return a *NonFiniteError.
//
// Speed: the sum of log|x| over a block is taken as the logarithm of the
// product of the |x|, kept exactly as an integer sum of binary exponents and
// a product of mantissas in [1, 2) that is renormalised (exactly) every 512
// values. So a sample costs a few integer operations and one multiplication,
// and logarithms are taken only once per block; the rounding error of the
// mantissa product (≤ 2^−53 per value, relative) is far below the
// estimator's statistical error.
//
// The zero value is ready to use once K1 is set.
type MohammadiStream struct {
	K1        int
	KeepZeros bool

	seen      int // values offered to Add
	zeros     int
	bad       int // NaN or ±Inf
	firstBad  int
	used      int     // non-skipped values, including the current block
	inBlock   int     // values in the current block
	bexp      int64   // sum of binary exponents of |x| in the current block
	bmant     float64 // product of mantissas of |x| in the current block
	bsum      float64 // sum of x in the current block
	blog      float64 // sum of log|x| of the values addFast added to the current block
	acc       blockAcc
	accK1     int // K1 when the stream started
	uninitErr bool
}

const (
	expMask  = 0x7ff << 52
	mantMask = 1<<52 - 1
	oneBits  = 1023 << 52
	signMask = 1 << 63
)

// Add feeds values in order.
func (s *MohammadiStream) Add(xs ...float64) {
	if s.accK1 == 0 {
		s.start()
	}
	if logAbsSumFast != nil && !s.KeepZeros && len(xs) >= fastLogMin {
		s.addFast(xs)
		return
	}
	s.addEach(xs)
}

// addFast feeds xs block by block: a run that fills (part of) the current block gets its logs
// summed by LogAbsSum's SIMD kernel and its values by a plain loop, and a run holding a zero,
// Inf or NaN (the kernel's sum is then not finite) goes through addEach, value by value.
// The block sums, and so the estimate, are those of addEach up to the rounding of the logs.
func (s *MohammadiStream) addFast(xs []float64) {
	k1 := s.accK1
	for len(xs) > 0 {
		n := min(k1-s.inBlock, len(xs))
		run := xs[:n]
		xs = xs[n:]
		if n < fastLogMin {
			s.addEach(run)
			continue
		}
		l := logAbsSumFast(run)
		if math.IsInf(l, 0) || math.IsNaN(l) {
			s.addEach(run)
			continue
		}
		var sum float64
		for _, x := range run {
			sum += x
		}
		s.seen += n
		s.blog += l
		s.bsum += sum
		s.inBlock += n
		if s.inBlock == k1 {
			s.closeBlock()
		}
	}
}

// addEach feeds xs one value at a time, with no logarithm per value: the block keeps the sum
// of the binary exponents and the product of the mantissas of |x|.
func (s *MohammadiStream) addEach(xs []float64) {
	k1 := s.accK1
	for _, x := range xs {
		a := math.Abs(x)
		if s.KeepZeros {
			if x == 0 {
				s.zeros++
			}
			a += refEps
		}
		bits := math.Float64bits(a)
		e := bits >> 52
		if e-1 >= 0x7fe { // zero, subnormal, Inf or NaN
			switch {
			case x == 0 && !s.KeepZeros:
				s.zeros++
				s.seen++
				continue
			case e == 0x7ff:
				if s.bad == 0 {
					s.firstBad = s.seen
				}
				s.bad++
				s.seen++
				continue
			default: // subnormal: scale it into the normal range, exactly
				bits = math.Float64bits(a * 0x1p54)
				e = bits >> 52
				s.bexp -= 54
			}
		}
		s.seen++
		s.bexp += int64(e) - 1023
		s.bmant *= math.Float64frombits(bits&mantMask | oneBits)
		s.bsum += x
		s.inBlock++
		if s.inBlock == k1 {
			s.closeBlock()
		} else if s.inBlock&511 == 0 {
			s.renorm()
		}
	}
}

// renorm moves the binary exponent of the mantissa product into bexp.
func (s *MohammadiStream) renorm() {
	bits := math.Float64bits(s.bmant)
	s.bexp += int64(bits>>52) - 1023
	s.bmant = math.Float64frombits(bits&mantMask | oneBits)
}

func (s *MohammadiStream) closeBlock() {
	eps := 0.0
	if s.KeepZeros {
		eps = refEps
	}
	s.acc.lx = float64(s.bexp)*math.Ln2 + math.Log(s.bmant) + s.blog
	s.acc.block(logAbs(math.Abs(s.bsum)+eps), s.bsum == 0 && !s.KeepZeros)
	s.used += s.inBlock
	s.inBlock, s.bexp, s.bmant, s.bsum, s.blog = 0, 0, 1, 0, 0
}

func (s *MohammadiStream) start() {
	k := s.K1
	if k < 1 {
		// Remember the mistake; Estimate reports it. Use a block size
		// that keeps Add cheap and harmless meanwhile.
		s.uninitErr = true
		k = 1 << 30
	}
	s.accK1 = k
	s.acc.init(k)
	s.bmant = 1
}

// Zeros returns the number of exact zeros seen so far.
func (s *MohammadiStream) Zeros() int { return s.zeros }

// Seen returns the number of values fed so far, of every kind.
func (s *MohammadiStream) Seen() int { return s.seen }

// Reset empties the stream, keeping K1 and KeepZeros.
func (s *MohammadiStream) Reset() {
	*s = MohammadiStream{K1: s.K1, KeepZeros: s.KeepZeros}
}

// Estimate returns the estimate from the complete blocks seen so far. It
// may be called at any time and does not change the stream.
func (s *MohammadiStream) Estimate() (Estimate, error) {
	const method = "mohammadi"
	if s.accK1 == 0 {
		s.start()
	}
	if s.uninitErr || s.accK1 != s.K1 {
		return Estimate{Method: method}, fmt.Errorf("estimator: mohammadi stream: K1 = %d, want ≥ 2 set before the first Add", s.K1)
	}
	if s.bad > 0 {
		return Estimate{Method: method}, &NonFiniteError{Count: s.bad, First: s.firstBad}
	}
	n := s.used + s.inBlock
	e, err := s.acc.estimate(method, n)
	if s.zeros > 0 && !s.KeepZeros {
		e.Warnings = append(e.Warnings, fmt.Sprintf("skipped %d exact zeros (%.1f%% of the values)", s.zeros, 100*float64(s.zeros)/float64(s.seen)))
	}
	return e, err
}
