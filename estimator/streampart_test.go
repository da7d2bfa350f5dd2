package estimator

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// TestMohammadiPartJoin splits a sequence with exact zeros into segments, feeds each to a part
// started at the offset the whole stream has there, joins them and compares with one stream.
func TestMohammadiPartJoin(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	x := make([]float64, 20000)
	for i := range x {
		if r.IntN(10) == 0 {
			continue // an exact zero
		}
		x[i] = r.NormFloat64() / math.Pow(r.Float64(), 1/1.5) // heavy-tailed
	}
	for _, tc := range []struct {
		name string
		cuts []int
	}{
		{"one part", nil},
		{"two parts", []int{9001}},
		{"three parts", []int{5, 7777, 15000}},
		{"a part inside one block", []int{100, 150, 12000}},
	} {
		for _, keep := range []bool{false, true} {
			whole := MohammadiStream{K1: 141, KeepZeros: keep}
			AddAll(x, &whole)
			want, wantErr := whole.Estimate()

			joined := MohammadiStream{K1: 141, KeepZeros: keep}
			bounds := append(append([]int{0}, tc.cuts...), len(x))
			for i := 0; i+1 < len(bounds); i++ {
				p, err := NewMohammadiPart(141, keep, joined.Offset())
				if err != nil {
					t.Fatal(err)
				}
				AddAll(x[bounds[i]:bounds[i+1]], &p)
				st, err := p.State() // through the plain-number form, as between processes
				if err != nil {
					t.Fatal(err)
				}
				if p, err = st.Restore(); err != nil {
					t.Fatal(err)
				}
				before := joined.Counted()
				if err := joined.Join(&p); err != nil {
					t.Fatalf("%s keep=%v: join %d: %v", tc.name, keep, i, err)
				}
				if joined.Counted() != before+p.Counted() {
					t.Errorf("%s: counted %d after joining %d to %d", tc.name, joined.Counted(), p.Counted(), before)
				}
			}
			got, gotErr := joined.Estimate()
			if (gotErr == nil) != (wantErr == nil) || got.N != want.N || joined.Zeros() != whole.Zeros() || joined.Seen() != whole.Seen() {
				t.Fatalf("%s keep=%v: joined %+v %v, whole %+v %v", tc.name, keep, got, gotErr, want, wantErr)
			}
			if d := math.Abs(got.Alpha - want.Alpha); d > 1e-13*want.Alpha || math.Abs(got.Lo-want.Lo) > 1e-12 {
				t.Errorf("%s keep=%v: α̂ %v [%v], one stream %v [%v]", tc.name, keep, got.Alpha, got.Lo, want.Alpha, want.Lo)
			}
			if tc.cuts == nil && (got.Alpha != want.Alpha || got.Lo != want.Lo || got.Hi != want.Hi) {
				t.Errorf("one part: α̂ %v, want exactly %v", got.Alpha, want.Alpha)
			}
		}
	}
}

func TestMohammadiPartWrongOffset(t *testing.T) {
	s := MohammadiStream{K1: 10}
	s.Add(1, 2, 3)
	p, _ := NewMohammadiPart(10, false, 2)
	p.Add(4, 5)
	if err := s.Join(&p); !errors.Is(err, ErrPartOffset) {
		t.Errorf("join at offset 2 onto a stream at 3: err = %v, want ErrPartOffset", err)
	}
	if s.Seen() != 3 {
		t.Errorf("a failed join changed the stream: seen %d", s.Seen())
	}
	if _, err := NewMohammadiPart(10, false, 10); err == nil {
		t.Error("a part at offset K1 was accepted")
	}
	if _, err := (MohammadiPartState{K1: 10, InBlock: 3, Used: 7}).Restore(); err == nil {
		t.Error("an inconsistent state was restored")
	}
}
