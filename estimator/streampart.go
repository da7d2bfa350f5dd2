package estimator

import (
	"errors"
	"fmt"
)

// Splitting a MohammadiStream: consecutive segments of one sequence of values can be fed to
// separate streams (on other threads or in other processes) and joined in order into the stream
// of the whole sequence. A segment's stream must know where the sequence's blocks fall: it is
// made with NewMohammadiPart from the Offset the stream of everything before the segment will
// have (values counted in its open block: for a zero-skipping stream, the nonzero ones). The
// values of the block that straddles two segments are kept apart as the part's head, and the
// complete blocks inside a segment are merged with Chan et al.'s pairwise update of the mean
// and variance, so a joined estimate equals the one-stream estimate to about 1e-15 relative
// (the float sums are associated differently), and exactly when the part is the first one.

// ErrPartOffset is Join's error when a part was started at an offset other than the stream's:
// the caller guessed the offset (the count of zeros before the segment) wrongly, and must feed
// the segment again to a part made with the right one.
var ErrPartOffset = errors.New("estimator: mohammadi part started at another offset than the stream's")

// partState is what a part keeps beyond a stream's state.
type partState struct {
	off      int  // counted values of the open block before the segment (the part's start)
	headDone bool // the block straddling the previous segment was closed into head
	head     blockSums
}

// blockSums are the sums of an open block: count, binary exponents and mantissa product of the
// |x|, sum of x and of the logs that addFast took.
type blockSums struct {
	n    int
	exp  int64
	mant float64
	sum  float64
	log  float64
}

// Counted returns how many values the part whose state st is counted (see
// MohammadiStream.Counted).
func (st MohammadiPartState) Counted() int {
	if !st.HeadDone {
		return st.InBlock - st.Offset
	}
	return st.HeadN + st.Used + st.InBlock
}

// Offset returns how many counted values (nonzero ones when zeros are skipped) the stream's
// open block holds: the offset of a part that continues it.
func (s *MohammadiStream) Offset() int { return s.inBlock }

// Counted returns how many values the stream counted (all of them with KeepZeros, the nonzero
// finite ones otherwise): the next part's offset is (this part's offset + Counted) mod K1.
func (s *MohammadiStream) Counted() int {
	if p := s.part; p != nil && !p.headDone {
		return s.inBlock - p.off
	} else if p != nil {
		return p.head.n + s.used + s.inBlock
	}
	return s.used + s.inBlock
}

// NewMohammadiPart returns a stream for a segment of values that continues a stream with
// parameters k1 and keepZeros whose open block holds offset counted values.
func NewMohammadiPart(k1 int, keepZeros bool, offset int) (MohammadiStream, error) {
	s := MohammadiStream{K1: k1, KeepZeros: keepZeros}
	if k1 < 2 || offset < 0 || offset >= k1 {
		return s, fmt.Errorf("estimator: mohammadi part at offset %d of blocks of %d", offset, k1)
	}
	s.start()
	s.inBlock = offset
	s.part = &partState{off: offset, headDone: offset == 0} // at 0 no block straddles the start
	return s, nil
}

// closePart is closeBlock for the first block of a part: its values are those after the
// offset, kept as the head for Join.
func (s *MohammadiStream) closePart() {
	p := s.part
	p.head = blockSums{n: s.inBlock - p.off, exp: s.bexp, mant: s.bmant, sum: s.bsum, log: s.blog}
	p.headDone = true
	s.inBlock, s.bexp, s.bmant, s.bsum, s.blog = 0, 0, 1, 0, 0
}

// Join appends the values of part, a stream made by NewMohammadiPart for the segment that
// follows s's values. It fails with ErrPartOffset, leaving s as it was, when part's offset is
// not s.Offset(), and when the parameters differ.
func (s *MohammadiStream) Join(part *MohammadiStream) error {
	if s.accK1 == 0 {
		s.start()
	}
	p := part.part
	if p == nil || part.K1 != s.K1 || part.KeepZeros != s.KeepZeros || part.accK1 != s.accK1 {
		return errors.New("estimator: mohammadi join: not a part of a stream with the same K1 and KeepZeros")
	}
	if p.off != s.inBlock {
		return fmt.Errorf("%w (part at %d, stream at %d)", ErrPartOffset, p.off, s.inBlock)
	}
	if s.bad == 0 && part.bad > 0 {
		s.firstBad = s.seen + part.firstBad
	}
	s.seen += part.seen
	s.zeros += part.zeros
	s.bad += part.bad
	s.uninitErr = s.uninitErr || part.uninitErr
	open := blockSums{n: part.inBlock - p.off, exp: part.bexp, mant: part.bmant, sum: part.bsum, log: part.blog}
	if p.headDone {
		if p.off > 0 {
			s.addBlockSums(p.head)
			s.closeBlock()
		}
		s.used += part.used
		s.acc.merge(&part.acc)
		s.inBlock, s.bexp, s.bmant, s.bsum, s.blog = 0, 0, 1, 0, 0
		open.n = part.inBlock
	}
	s.addBlockSums(open)
	return nil
}

func (s *MohammadiStream) addBlockSums(b blockSums) {
	s.inBlock += b.n
	s.bexp += b.exp
	s.bmant *= b.mant
	s.bsum += b.sum
	s.blog += b.log
	s.renorm()
}

// merge adds the blocks of b after a's (Chan, Golub and LeVeque's pairwise update).
func (a *blockAcc) merge(b *blockAcc) {
	a.zeroY += b.zeroY
	a.overflow += b.overflow
	if b.k2 == 0 {
		return
	}
	if a.k2 == 0 {
		a.k2, a.mean, a.m2 = b.k2, b.mean, b.m2
		return
	}
	na, nb := float64(a.k2), float64(b.k2)
	n := na + nb
	d := b.mean - a.mean
	a.mean += d * nb / n
	a.m2 += b.m2 + d*d*na*nb/n
	a.k2 += b.k2
}

// MohammadiPartState is a part's state in plain numbers, to cross between processes (a Web
// Worker and its page) as JSON or binary; Restore makes the part again.
type MohammadiPartState struct {
	K1, Offset              int
	KeepZeros, HeadDone     bool
	Seen, Zeros, Bad        int
	FirstBad, Used, InBlock int
	Exp                     int64
	Mant, Sum, Log          float64
	HeadN                   int
	HeadExp                 int64
	HeadMant, HeadSum       float64
	HeadLog                 float64
	K2, ZeroY, Overflow     int
	Mean, M2                float64
}

// State returns a part's state; it fails for a stream that is not a part.
func (s *MohammadiStream) State() (MohammadiPartState, error) {
	p := s.part
	if p == nil || s.uninitErr {
		return MohammadiPartState{}, errors.New("estimator: mohammadi state: not a part made by NewMohammadiPart")
	}
	return MohammadiPartState{K1: s.K1, Offset: p.off, KeepZeros: s.KeepZeros, HeadDone: p.headDone,
		Seen: s.seen, Zeros: s.zeros, Bad: s.bad, FirstBad: s.firstBad, Used: s.used, InBlock: s.inBlock,
		Exp: s.bexp, Mant: s.bmant, Sum: s.bsum, Log: s.blog,
		HeadN: p.head.n, HeadExp: p.head.exp, HeadMant: p.head.mant, HeadSum: p.head.sum, HeadLog: p.head.log,
		K2: s.acc.k2, ZeroY: s.acc.zeroY, Overflow: s.acc.overflow, Mean: s.acc.mean, M2: s.acc.m2}, nil
}

// Restore returns the part whose state st is; it checks the state's consistency.
func (st MohammadiPartState) Restore() (MohammadiStream, error) {
	s, err := NewMohammadiPart(st.K1, st.KeepZeros, st.Offset)
	if err != nil {
		return s, err
	}
	if st.InBlock < 0 || st.InBlock >= st.K1 || st.HeadN < 0 || st.HeadN > st.K1 || st.K2 < 0 ||
		st.Used != (st.K2+st.ZeroY+st.Overflow)*st.K1 {
		return s, errors.New("estimator: mohammadi state is inconsistent")
	}
	s.seen, s.zeros, s.bad, s.firstBad, s.used, s.inBlock = st.Seen, st.Zeros, st.Bad, st.FirstBad, st.Used, st.InBlock
	s.bexp, s.bmant, s.bsum, s.blog = st.Exp, st.Mant, st.Sum, st.Log
	s.part.headDone = st.HeadDone
	s.part.head = blockSums{n: st.HeadN, exp: st.HeadExp, mant: st.HeadMant, sum: st.HeadSum, log: st.HeadLog}
	s.acc.k2, s.acc.zeroY, s.acc.overflow, s.acc.mean, s.acc.m2 = st.K2, st.ZeroY, st.Overflow, st.Mean, st.M2
	return s, nil
}
