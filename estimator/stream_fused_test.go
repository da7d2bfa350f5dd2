package estimator

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fusedTestData returns n values of scale 1e-3 where every fifth is 0 (dead units' noise),
// with specials (a subnormal, +Inf, NaN) at the given positions.
func fusedTestData(n int, seed uint64, specials map[int]float64) []float64 {
	r := rand.New(rand.NewPCG(seed, 3))
	x := make([]float64, n)
	for i := range x {
		if r.IntN(5) > 0 {
			x[i] = r.NormFloat64() * 1e-3
		}
	}
	for i, v := range specials {
		x[i] = v
	}
	return x
}

// TestRunLanesAVX2MatchesGo: the assembly lanes do the Go lanes' operations in the same order,
// so every sum, product and flag agrees bit for bit, on lengths around the 4-value steps and
// with zeros, subnormals, Inf and NaN among the values.
func TestRunLanesAVX2MatchesGo(t *testing.T) {
	if !laneAVX2 {
		t.Skip("no AVX2 kernel on this machine or build")
	}
	defer func() { laneAVX2 = true }()
	for _, n := range []int{1, 3, 4, 5, 64, 1023, 1024} {
		for _, sp := range []map[int]float64{nil, {0: 1e-310}, {n - 1: math.Inf(-1)}, {n / 2: math.NaN()}} {
			x := fusedTestData(n, uint64(n), sp)
			var got, want laneState
			got.m, got.mr = [4]float64{1, 1, 1, 1}, [4]float64{1, 1, 1, 1}
			want = got
			laneAVX2 = true
			runLanes(x, &got)
			laneAVX2 = false
			runLanes(x, &want)
			for l := 0; l < 4; l++ {
				if math.Float64bits(got.m[l]) != math.Float64bits(want.m[l]) || math.Float64bits(got.mr[l]) != math.Float64bits(want.mr[l]) ||
					math.Float64bits(got.sum[l]) != math.Float64bits(want.sum[l]) || got.e[l] != want.e[l] || got.er[l] != want.er[l] ||
					got.zeros[l] != want.zeros[l] || (got.special[l] != 0) != (want.special[l] != 0) {
					t.Fatalf("n=%d specials %v lane %d: AVX2 %+v, Go %+v", n, sp, l, got, want)
				}
			}
		}
	}
}

// TestRunSumsExact: runSums's exponent sums and mantissa products give Σ log|x| over the
// nonzero values and Σ log(|x| + 2^−52) over all, to 1e-12 relative of the plain sums of logs;
// its zero count and sum are right; and it refuses runs with a subnormal, Inf or NaN.
func TestRunSumsExact(t *testing.T) {
	for _, n := range []int{1, 7, 1000, 5000} {
		x := fusedTestData(n, uint64(n)+9, nil)
		r, ok := runSums(x)
		if !ok {
			t.Fatalf("n=%d: refused finite normal data", n)
		}
		var lx, lref, sum float64
		nz := 0
		for _, v := range x {
			sum += v
			lref += math.Log(math.Abs(v) + refEps)
			if v != 0 {
				nz++
				lx += math.Log(math.Abs(v))
			}
		}
		gx := float64(r.exp)*math.Ln2 + math.Log(r.mant)
		gref := float64(r.expRef)*math.Ln2 + math.Log(r.mantRef)
		if r.nz != nz || math.Abs(gx-lx) > 1e-12*math.Abs(lx) || math.Abs(gref-lref) > 1e-12*math.Abs(lref) ||
			math.Abs(r.sum-sum) > 1e-12*float64(n)*1e-3 {
			t.Errorf("n=%d: nz %d (want %d), Σlog|x| %.15g (want %.15g), Σlog(|x|+eps) %.15g (want %.15g), Σx %g (want %g)",
				n, r.nz, nz, gx, lx, gref, lref, r.sum, sum)
		}
		for _, v := range []float64{1e-310, math.Inf(1), math.NaN()} {
			y := append([]float64(nil), x...)
			y[n/2] = v
			if _, ok := runSums(y); ok {
				t.Errorf("n=%d with %v: runSums accepted it", n, v)
			}
		}
	}
}

// TestAddAllMatchesAdd: feeding three streams at once (pooled zeros skipped, zeros kept, and a
// third with its own K1, as sim/noise feeds each layer's values) gives each the estimate,
// counts and warnings of feeding it alone value by value (addEach), to 1e-12 relative, also
// with a subnormal, and reports an Inf the same way.
func TestAddAllMatchesAdd(t *testing.T) {
	for _, tc := range []struct {
		name     string
		specials map[int]float64
	}{
		{"finite", nil},
		{"subnormal", map[int]float64{4321: -1e-310}},
		{"inf", map[int]float64{777: math.Inf(1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := fusedTestData(60000, 5, tc.specials)
			mk := func() []*MohammadiStream {
				return []*MohammadiStream{{K1: 240}, {K1: 240, KeepZeros: true}, {K1: 97}}
			}
			fused, alone := mk(), mk()
			r := rand.New(rand.NewPCG(7, 8))
			for i := 0; i < len(x); { // random chunks, as gradients arrive
				j := min(len(x), i+1+r.IntN(5000))
				AddAll(x[i:j], fused...)
				i = j
			}
			for _, s := range alone {
				s.start()
				s.addEach(x)
			}
			for k := range fused {
				got, gerr := fused[k].Estimate()
				want, werr := alone[k].Estimate()
				if (gerr == nil) != (werr == nil) {
					t.Fatalf("stream %d: AddAll error %v, addEach error %v", k, gerr, werr)
				}
				if werr != nil {
					continue
				}
				if math.Abs(got.Alpha-want.Alpha) > 1e-12*want.Alpha || got.N != want.N ||
					fused[k].Zeros() != alone[k].Zeros() || fused[k].Seen() != alone[k].Seen() {
					t.Errorf("stream %d: AddAll α̂ %.15g N %d zeros %d seen %d; addEach α̂ %.15g N %d zeros %d seen %d",
						k, got.Alpha, got.N, fused[k].Zeros(), fused[k].Seen(), want.Alpha, want.N, alone[k].Zeros(), alone[k].Seen())
				}
			}
		})
	}
}
