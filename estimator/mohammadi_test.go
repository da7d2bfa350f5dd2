package estimator

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestPaperK1(t *testing.T) {
	for _, c := range []struct{ n, want int }{
		{0, 0}, {1, 1}, {2, 1}, {4, 2}, {12, 3}, {16, 4}, {17, 1}, {100, 10},
		{99, 9}, {1000, 25}, {100000, 250}, {60000, 240}, {1 << 20, 1024}, {2 * 7919, 2},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			if got := PaperK1(c.n); got != c.want {
				t.Errorf("PaperK1(%d) = %d, want %d", c.n, got, c.want)
			}
		})
	}
}

// TestMohammadiAccuracy checks the estimator against the true α on SαS
// samples, N = 1e5. With K1 = 250, K2 = 400 blocks the standard error of α̂
// is about 0.02–0.05 (the reported interval, checked below to cover α), so
// 0.10 is 2–5 standard errors.
func TestMohammadiAccuracy(t *testing.T) {
	for i, alpha := range []float64{0.6, 1.0, 1.5, 1.9, 2.0} {
		x := Sample(alpha, 1, 100000, uint64(100+i))
		e, err := Mohammadi{}.Estimate(x)
		if err != nil {
			t.Fatalf("α=%v: %v", alpha, err)
		}
		if math.Abs(e.Alpha-alpha) > 0.10 {
			t.Errorf("α=%v N=1e5: α̂ = %.4f, want within 0.10", alpha, e.Alpha)
		}
		if !(e.Lo <= alpha && alpha <= e.Hi) && !(alpha == 2 && e.Hi > 1.9) {
			t.Errorf("α=%v: 95%% interval [%.3f, %.3f] misses α (α̂ = %.3f)", alpha, e.Lo, e.Hi, e.Alpha)
		}
		if e.N != 100000 {
			t.Errorf("α=%v: N used = %d, want 100000", alpha, e.N)
		}
		// Scale invariance: σ = 1e-6 (small gradients) gives the same α̂.
		for j := range x {
			x[j] *= 1e-6
		}
		e2, err := Mohammadi{}.Estimate(x)
		if err != nil || math.Abs(e2.Alpha-e.Alpha) > 1e-9 {
			t.Errorf("α=%v: σ=1e-6 gives α̂ = %v (err %v), want %v", alpha, e2.Alpha, err, e.Alpha)
		}
	}
}

// TestMohammadiCICoverage: over 200 samples of N = 1e4 at α = 1.5 the 95%
// interval should cover α about 190 times; binomial(200, 0.95) is within
// [180, 199] with probability > 0.999.
func TestMohammadiCICoverage(t *testing.T) {
	reps := 200
	if testing.Short() {
		reps = 50
	}
	hit := 0
	for r := 0; r < reps; r++ {
		e, err := Mohammadi{}.Estimate(Sample(1.5, 1, 10000, uint64(r)))
		if err != nil {
			t.Fatal(err)
		}
		if e.Lo <= 1.5 && 1.5 <= e.Hi {
			hit++
		}
	}
	if f := float64(hit) / float64(reps); f < 0.88 || f > 0.995 {
		t.Errorf("interval coverage %d/%d = %.3f, want about 0.95", hit, reps, f)
	}
}

func TestMohammadiVectors(t *testing.T) {
	// i.i.d. SαS coordinates: a sum of K1 vectors is K1^{1/α} times a vector
	// of the same law, so the norm form estimates α too.
	for _, c := range []struct {
		alpha float64
		dim   int
	}{{0.8, 3}, {1.5, 10}, {1.9, 1}} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			x := Sample(c.alpha, 2, 100000*c.dim/c.dim, 7)
			x = x[:len(x)/c.dim*c.dim]
			e, err := Mohammadi{}.EstimateVectors(x, c.dim)
			if err != nil {
				t.Fatalf("α=%v dim=%d: %v", c.alpha, c.dim, err)
			}
			if math.Abs(e.Alpha-c.alpha) > 0.12 {
				t.Errorf("α=%v dim=%d: α̂ = %.4f, want within 0.12", c.alpha, c.dim, e.Alpha)
			}
		})
	}
	// dim = 1 is the scalar form, exactly.
	x := Sample(1.2, 1, 5000, 3)
	a, _ := Mohammadi{}.Estimate(x)
	b, _ := Mohammadi{}.EstimateVectors(x, 1)
	if a.Alpha != b.Alpha {
		t.Errorf("dim=1: vector form %v, scalar form %v, want equal", b.Alpha, a.Alpha)
	}
	if _, err := (Mohammadi{}).EstimateVectors(x[:10], 3); err == nil {
		t.Errorf("10 values as 3-vectors: no error")
	}
}

// TestMohammadiKnownValue computes Corollary 2.4 by hand on 8 values.
func TestMohammadiKnownValue(t *testing.T) {
	x := []float64{1, 2, -4, 8, 0.5, 0.25, 3, -1}
	// K1 = 2 (largest divisor of 8 ≤ 2.83), blocks: 3, 4, 0.75, 2.
	// mean log|Y| = log(3·4·0.75·2)/4 = log(18)/4; mean log|X| = log(1·2·4·8·0.5·0.25·3·1)/8 = log(24)/8.
	want := math.Log(2) / (math.Log(18)/4 - math.Log(24)/8)
	for _, keep := range []bool{false} {
		t.Run(fmt.Sprint(keep), func(t *testing.T) {
			e, err := Mohammadi{KeepZeros: keep}.Estimate(x)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(e.Alpha-want) > 1e-14*want {
				t.Errorf("Estimate(%v) = %.16g, want %.16g", x, e.Alpha, want)
			}
			var s MohammadiStream
			s.K1 = 2
			s.Add(x...)
			es, err := s.Estimate()
			if err != nil || math.Abs(es.Alpha-want) > 1e-14*want {
				t.Errorf("stream on %v = %.16g (err %v), want %.16g", x, es.Alpha, err, want)
			}
		})
	}
}

func TestMohammadiZeros(t *testing.T) {
	x := Sample(1.5, 1, 100000, 11)
	for i := 0; i < len(x); i += 2 {
		x[i] = 0
	}
	e, err := Mohammadi{}.Estimate(x)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(e.Alpha-1.5) > 0.12 || e.N != 50000 {
		t.Errorf("50%% zeros, default: α̂ = %.3f on N=%d, want 1.5±0.12 on 50000", e.Alpha, e.N)
	}
	if !hasWarning(e.Warnings, "50000 exact zeros") {
		t.Errorf("warnings %q do not report the 50000 zeros", e.Warnings)
	}
	// The reference behaviour, log(|x|+eps) on everything, collapses.
	r, err := Mohammadi{KeepZeros: true}.Estimate(x)
	if err != nil {
		t.Fatal(err)
	}
	if r.Alpha > 0.4 {
		t.Errorf("50%% zeros, KeepZeros: α̂ = %.3f, want the reference's collapse below 0.4", r.Alpha)
	}
}

func TestMohammadiErrors(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name string
		x    []float64
		m    Mohammadi
		want string
	}{
		{"NaN", []float64{1, 2, nan, 4, math.Inf(1), 5}, Mohammadi{}, "2 non-finite values (NaN or ±Inf), first at index 2"},
		{"empty", nil, Mohammadi{}, "want ≥ 2"},
		{"few", []float64{1, 2, 3}, Mohammadi{}, "want ≥ 2"},
		{"all zero", make([]float64, 100), Mohammadi{}, "want ≥ 2"},
		{"negative K1", []float64{1, 2, 3, 4}, Mohammadi{K1: -1}, "K1 = -1"},
		{"K1=1", []float64{1, 2, 3, 4}, Mohammadi{K1: 1}, "K1 = 1"},
		{"overflow", []float64{1e308, 1e308, 1, 2, 3, 4}, Mohammadi{K1: 2}, "1 block sums overflow float64"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.m.Estimate(c.x)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: Estimate(%v) error %v, want one containing %q", c.name, c.x, err, c.want)
			}
		})
	}
	var nf *NonFiniteError
	if _, err := (Mohammadi{}).Estimate([]float64{math.NaN()}); !errors.As(err, &nf) {
		t.Errorf("NaN: error %T, want *NonFiniteError", err)
	}
}

func TestMohammadiDropped(t *testing.T) {
	x := Sample(1.3, 1, 1000, 5)
	e, err := Mohammadi{K1: 30}.Estimate(x)
	if err != nil {
		t.Fatal(err)
	}
	if e.N != 990 || !hasWarning(e.Warnings, "dropped the last 10 values") {
		t.Errorf("N=1000, K1=30: used %d, warnings %q; want 990 and a note of 10 dropped", e.N, e.Warnings)
	}
	// The dropped values do not matter.
	y := append([]float64(nil), x...)
	for i := 990; i < 1000; i++ {
		y[i] = 1e300
	}
	e2, _ := Mohammadi{K1: 30}.Estimate(y)
	if e2.Alpha != e.Alpha {
		t.Errorf("changing the dropped values changed α̂: %v → %v", e.Alpha, e2.Alpha)
	}
	// Prime N: fall back to floor(sqrt(N)).
	p, err := Mohammadi{}.Estimate(x[:997])
	if err != nil || !hasWarning(p.Warnings, "K1=31") {
		t.Errorf("N=997 (prime): err %v, warnings %q; want K1=31 fallback", err, p.Warnings)
	}
}

// TestStreamMatchesBatch feeds the same values in random chunks and checks
// the batch result to 1e-12 relative, α̂ and interval.
func TestStreamMatchesBatch(t *testing.T) { checkStreamMatchesBatch(t) }

// TestStreamFastPathMatchesBatch does the same through the path the browser takes when the
// SIMD kernels are loaded (logs of whole runs summed by LogAbsSum's kernel), with a Go
// stand-in for the kernel where it is absent.
func TestStreamFastPathMatchesBatch(t *testing.T) {
	t.Logf("LogAbsSum: %s", LogAbsSumImpl())
	if logAbsSumFast == nil {
		logAbsSumFast = logAbsSumLoop
		defer func() { logAbsSumFast = nil }()
	}
	checkStreamMatchesBatch(t)
}

func checkStreamMatchesBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		alpha float64
		n, k1 int
		keep  bool
		zeros bool
	}{
		{0.6, 100000, 0, false, false},
		{1.5, 100000, 0, false, true},
		{1.5, 100000, 0, true, true},
		{1.9, 123457, 100, false, false},
		{1.0, 50000, 2000, false, false}, // blocks longer than the 512-value renormalisation
		{2.0, 10000, 0, true, false},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			x := Sample(c.alpha, 1e-3, c.n, uint64(c.n))
			if c.zeros {
				for i := 0; i < len(x); i += 3 {
					x[i] = 0
				}
			}
			x[17] = 1e-310 // a subnormal
			m := Mohammadi{K1: c.k1, KeepZeros: c.keep}
			want, err := m.Estimate(x)
			if err != nil {
				t.Fatalf("%+v: batch: %v", c, err)
			}
			k1 := c.k1
			if k1 == 0 {
				n := len(x)
				if !c.keep {
					n = 0
					for _, v := range x {
						if v != 0 {
							n++
						}
					}
				}
				k1 = PaperK1(n)
			}
			s := MohammadiStream{K1: k1, KeepZeros: c.keep}
			for i := 0; i < len(x); {
				j := min(len(x), i+rng.IntN(3000))
				s.Add(x[i:j]...)
				i = j
			}
			got, err := s.Estimate()
			if err != nil {
				t.Fatalf("%+v: stream: %v", c, err)
			}
			for _, p := range [][3]float64{{want.Alpha, got.Alpha}, {want.Lo, got.Lo}, {want.Hi, got.Hi}} {
				if math.Abs(p[0]-p[1]) > 1e-12*math.Abs(p[0]) {
					t.Errorf("%+v: stream %.17g, batch %.17g, want equal to 1e-12", c, p[1], p[0])
				}
			}
			if got.N != want.N || fmt.Sprint(got.Warnings) != fmt.Sprint(want.Warnings) {
				t.Errorf("%+v: stream N=%d warnings %q, batch N=%d warnings %q", c, got.N, got.Warnings, want.N, want.Warnings)
			}
			if s.Zeros() != len(x)-len(nonZero(x, countZeros(x))) {
				t.Errorf("%+v: Zeros() = %d", c, s.Zeros())
			}
			s.Reset()
			if s.Seen() != 0 || s.Zeros() != 0 {
				t.Errorf("after Reset: seen %d zeros %d", s.Seen(), s.Zeros())
			}
		})
	}
}

func TestStreamErrors(t *testing.T) {
	var s MohammadiStream
	s.Add(1, 2, 3)
	if _, err := s.Estimate(); err == nil || !strings.Contains(err.Error(), "K1 = 0") {
		t.Errorf("K1 unset: error %v, want K1 = 0", err)
	}
	s = MohammadiStream{K1: 2}
	s.Add(1, 2, math.NaN(), 4, math.Inf(-1))
	if _, err := s.Estimate(); err == nil || !strings.Contains(err.Error(), "2 non-finite values (NaN or ±Inf), first at index 2") {
		t.Errorf("NaN: error %v", err)
	}
}

func countZeros(x []float64) int {
	n := 0
	for _, v := range x {
		if v == 0 {
			n++
		}
	}
	return n
}

func hasWarning(ws []string, sub string) bool {
	for _, w := range ws {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

// TestInvCI checks the interval for α from one for 1/α: 1/(m ± 1.96·se), the upper end capped
// at MaxAlphaCI = 4 but never below the estimate itself.
func TestInvCI(t *testing.T) {
	tests := []struct {
		m, se         float64
		alpha, lo, hi float64
	}{
		{0.5, 0.01, 2, 1 / (0.5 + Z975*0.01), 1 / (0.5 - Z975*0.01)},
		{0.4, 0.1, 2.5, 1 / (0.4 + Z975*0.1), 4}, // 1/(m − 1.96·se) = 4.9 > 4: capped
		{0.1, 0.2, 10, 1 / (0.1 + Z975*0.2), 10}, // α̂ above the cap: the interval keeps it
		{0.3, 0.001, 1 / 0.3, 1 / (0.3 + Z975*0.001), 1 / (0.3 - Z975*0.001)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt), func(t *testing.T) {
			alpha, lo, hi := invCI(tt.m, tt.se)
			if math.Abs(alpha-tt.alpha) > 1e-12 || math.Abs(lo-tt.lo) > 1e-12 || math.Abs(hi-tt.hi) > 1e-12 {
				t.Errorf("invCI(%v, %v) = %v [%v, %v], want %v [%v, %v]", tt.m, tt.se, alpha, lo, hi, tt.alpha, tt.lo, tt.hi)
			}
			if !(lo <= alpha && alpha <= hi) {
				t.Errorf("invCI(%v, %v): interval [%v, %v] does not hold α̂ = %v", tt.m, tt.se, lo, hi, alpha)
			}
		})
	}
}
