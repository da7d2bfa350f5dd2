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
// estimator's statistical error. Runs of values are reduced in four
// independent lanes (AVX2 on amd64), and AddAll feeds several streams in one
// pass over the values.
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
	part      *partState // set for a segment's stream (streampart.go)
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
	AddAll(xs, s)
}

// AddAll feeds xs, in order, to every stream of streams, as Add on each would, but in one pass
// over the values: each run of values that ends no later than any stream's current block is
// reduced once to the sums the streams keep (count of nonzero values, sum of the binary
// exponents and product of the mantissas of |x| and of |x| + 2^−52, sum of x: see runSums),
// and every stream adds the sums it needs and closes its block when it is full. The block
// sums, and so the estimates, are Add's up to the order of the float additions (about 1e-16
// relative). Runs holding a subnormal, Inf or NaN go value by value. The streams may have
// different K1 and KeepZeros; a stream must not appear twice.
func AddAll(xs []float64, streams ...*MohammadiStream) {
	for _, s := range streams {
		if s.accK1 == 0 {
			s.start()
		}
	}
	for len(xs) > 0 {
		n := len(xs)
		for _, s := range streams {
			n = min(n, s.accK1-s.inBlock) // a skip-zeros block counts nonzero values: never overshot
		}
		run := xs[:n]
		xs = xs[n:]
		r, ok := runSums(run)
		if !ok {
			for _, s := range streams {
				s.addEach(run)
			}
			continue
		}
		for _, s := range streams {
			s.addSums(n, &r)
		}
	}
}

// addSums adds the sums r of a run of n values that does not reach past the current block.
func (s *MohammadiStream) addSums(n int, r *sums) {
	s.seen += n
	s.zeros += n - r.nz
	s.bsum += r.sum
	if s.KeepZeros {
		s.bexp += r.expRef
		s.bmant *= r.mantRef
		s.inBlock += n
	} else {
		s.bexp += r.exp
		s.bmant *= r.mant
		s.inBlock += r.nz
	}
	s.renorm()
	if s.inBlock == s.accK1 {
		s.closeBlock()
	}
}

// sums are what runSums reduces a run of values to.
type sums struct {
	nz      int     // nonzero values
	exp     int64   // Σ unbiased binary exponents of |x| over the nonzero x (plus mant's)
	mant    float64 // Π mantissas of |x| over the nonzero x, in [1, 2)
	expRef  int64   // the same for |x| + 2^−52 over every x (the reference code's log argument)
	mantRef float64
	sum     float64 // Σ x
}

// laneState is runSums's running state, four lanes of each quantity (value i of a run goes to
// lane i mod 4): products of mantissas, of |x| over the nonzero values (m) and of |x| + 2^−52
// (mr), sums of x, sums of biased exponents (e, er, zeros contributing 0 to e), counts of
// zeros, and flags (nonzero) for a subnormal, ±Inf or NaN seen.
type laneState struct {
	m, mr, sum            [4]float64
	e, er, zeros, special [4]int64
}

// runLanesGo is runLanes in Go: no branch per value, four independent lanes so that the
// multiplications and additions of neighbouring values overlap.
func runLanesGo(xs []float64, st *laneState) {
	i := 0
	for ; i+4 <= len(xs); i += 4 {
		for l := 0; l < 4; l++ {
			laneAdd(st, l, xs[i+l])
		}
	}
	for l := 0; i < len(xs); i, l = i+1, l+1 {
		laneAdd(st, l, xs[i])
	}
}

func laneAdd(st *laneState, l int, x float64) {
	b := math.Float64bits(x) &^ signMask
	ex := b >> 52
	isZero := int64(((b | -b) >> 63) ^ 1) // 1 for ±0
	st.sum[l] += x
	st.zeros[l] += isZero
	// ±Inf and NaN have the largest exponent; subnormals exponent 0 and b ≠ 0
	if ex == 0x7ff || (ex == 0 && b != 0) {
		st.special[l] = 1
	}
	st.e[l] += int64(ex) &^ -isZero
	st.m[l] *= math.Float64frombits(b&mantMask | oneBits)
	br := math.Float64bits(math.Float64frombits(b) + refEps)
	st.er[l] += int64(br >> 52)
	st.mr[l] *= math.Float64frombits(br&mantMask | oneBits)
}

// runSums reduces xs to its sums, or reports false when xs holds a subnormal, ±Inf or NaN
// (which need the exact value-by-value path). A zero contributes mantissa 1 and exponent 0 to
// the zero-skipping sums. The lane products are renormalised (exactly: only exponent bits
// move) every 1024 values, 256 factors in [1, 2) a lane, far from overflow.
func runSums(xs []float64) (sums, bool) {
	st := laneState{m: [4]float64{1, 1, 1, 1}, mr: [4]float64{1, 1, 1, 1}}
	var eAdj, erAdj int64
	total := len(xs)
	for len(xs) > 0 {
		n := min(len(xs), 1024)
		runLanes(xs[:n], &st)
		xs = xs[n:]
		for l := range st.m {
			eAdj += renormExp(&st.m[l])
			erAdj += renormExp(&st.mr[l])
		}
	}
	r := sums{mant: 1, mantRef: 1, exp: eAdj, expRef: erAdj}
	zeros := 0
	for l := range st.m {
		if st.special[l] != 0 {
			return sums{}, false
		}
		zeros += int(st.zeros[l])
		r.exp += st.e[l]
		r.expRef += st.er[l]
		r.mant *= st.m[l]
		r.mantRef *= st.mr[l]
		r.exp += renormExp(&r.mant)
		r.expRef += renormExp(&r.mantRef)
	}
	r.nz = total - zeros
	r.exp -= 1023 * int64(r.nz)
	r.expRef -= 1023 * int64(total)
	r.sum = (st.sum[0] + st.sum[1]) + (st.sum[2] + st.sum[3])
	return r, true
}

// renormExp moves the binary exponent of the positive normal *m into the returned integer,
// leaving *m in [1, 2).
func renormExp(m *float64) int64 {
	bits := math.Float64bits(*m)
	*m = math.Float64frombits(bits&mantMask | oneBits)
	return int64(bits>>52) - 1023
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
	if s.part != nil && !s.part.headDone {
		s.closePart()
		return
	}
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
