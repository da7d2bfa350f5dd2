package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestFastMatchesReference checks the kernel in use (Impl) against the plain reference loops on
// shapes that hit every edge of the blocked kernels: rows not a multiple of 4, columns not a
// multiple of 16 or 8, k = 1, and the shapes of an MLP 784-128-128-10 step at batch 100.
func TestFastMatchesReference(t *testing.T) {
	t.Logf("kernel in use: %s; available: %d fast kernels", Impl(), len(available))
	defer setImpl(current())
	for _, im := range append(available, impl{}) { // the zero impl: the plain loops
		setImpl(im)
		t.Run(Impl(), testFastMatchesReference)
	}
}

func testFastMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	shapes := [][3]int{
		{1, 1, 1}, {4, 1, 16}, {5, 3, 17}, {7, 9, 8}, {8, 8, 24}, {9, 64, 31}, {13, 7, 40},
		{8, 3, 32}, {9, 4, 64}, {13, 9, 70}, {17, 5, 33}, {16, 2, 47}, {23, 11, 100},
		{3, 200, 5}, {100, 784, 128}, {100, 128, 128}, {100, 128, 10}, {128, 100, 10},
		{100, 10, 128}, {128, 100, 128}, {784, 100, 128},
		// sim/nn's shapes (weights out×in), and blocks of 8×32, 4×32, 8×16 with every remainder
		{100, 784, 128}, {10, 100, 128}, {128, 100, 784}, {12, 5, 48}, {20, 7, 80}, {4, 6, 32},
		{15, 9, 49}, {11, 3, 16}, {7, 5, 33}, {6, 4, 112},
		// the packed kernels: several k blocks (deeper than 256, not a multiple of 8), several
		// row blocks of 120 with a 6-row remainder, column panels of 16 and 32 with remainders
		{190, 300, 70}, {257, 513, 33}, {6, 1030, 32}, {125, 9, 95},
	}
	for _, sz := range shapes {
		m, k, n := sz[0], sz[1], sz[2]
		a := randSlice(r, m*k)
		b := randSlice(r, k*n)
		at := randSlice(r, k*m)
		bt := randSlice(r, n*k)
		cases := []struct {
			name      string
			fast, ref func(c []float32)
		}{
			{"MatMul", func(c []float32) { MatMul(c, a, b, m, k, n) }, func(c []float32) { MatMulRef(c, a, b, m, k, n) }},
			{"MatMulTransA", func(c []float32) { MatMulTransA(c, at, b, m, k, n) }, func(c []float32) { MatMulTransARef(c, at, b, m, k, n) }},
			{"MatMulTransB", func(c []float32) { MatMulTransB(c, a, bt, m, k, n) }, func(c []float32) { MatMulTransBRef(c, a, bt, m, k, n) }},
			{"MatMulTransBScratch", func(c []float32) {
				s := make([]float32, TransBScratch(m, k, n))
				for i := range s {
					s[i] = float32(math.NaN()) // stale scratch must not leak into c
				}
				MatMulTransBScratch(c, a, bt, m, k, n, s)
			}, func(c []float32) { MatMulTransBRef(c, a, bt, m, k, n) }},
		}
		for _, tc := range cases {
			got := make([]float32, m*n)
			want := make([]float32, m*n)
			for i := range got {
				got[i], want[i] = 99, -99 // must be overwritten
			}
			tc.fast(got)
			tc.ref(want)
			// Both sum the same k products in float32, in a different order (FMA rounds once
			// per step, the reference twice): each differs from the exact sum by at most about
			// k·2^-24·Σ|a·b| ≈ k·6e-8·k for N(0,1) entries, so 1e-6·k·max(1,|want|) is a safe
			// bound that a wrong index (errors of order 1) cannot meet.
			for i := range got {
				tol := 1e-6 * float64(k) * math.Max(1, math.Abs(float64(want[i])))
				if d := math.Abs(float64(got[i]) - float64(want[i])); d > tol {
					t.Fatalf("%s %dx%dx%d (%s): c[%d] = %v, reference %v (|diff| %g > %g)",
						tc.name, m, k, n, Impl(), i, got[i], want[i], d, tol)
				}
			}
		}
	}
}

// TestThreadsSameResult: a product split between two or three goroutines (by columns, by
// rows when it is narrow or a weight gradient) and a split Axpy equal the one-goroutine
// results bit for bit, for every fast kernel.
func TestThreadsSameResult(t *testing.T) {
	defer setImpl(current())
	defer SetThreads(SetThreads(1))
	r := rand.New(rand.NewPCG(13, 14))
	for _, im := range available {
		setImpl(im)
		for _, sz := range [][3]int{{100, 784, 128}, {600, 800, 10}, {250, 300, 130}} {
			m, k, n := sz[0], sz[1], sz[2]
			a, bt, at := randSlice(r, m*k), randSlice(r, n*k), randSlice(r, k*m)
			b := randSlice(r, k*n)
			for _, op := range []struct {
				name string
				f    func(c []float32)
			}{
				{"MatMul", func(c []float32) { MatMul(c, a, b, m, k, n) }},
				{"MatMulTransA", func(c []float32) { MatMulTransA(c, at, b, m, k, n) }},
				{"MatMulTransB", func(c []float32) { MatMulTransB(c, a, bt, m, k, n) }},
			} {
				one := make([]float32, m*n)
				SetThreads(1)
				op.f(one)
				for _, threads := range []int{2, 3} {
					split := make([]float32, m*n)
					SetThreads(threads)
					op.f(split)
					for i := range one {
						if math.Float32bits(one[i]) != math.Float32bits(split[i]) {
							t.Fatalf("%s %s %dx%dx%d: c[%d] = %v with %d threads, %v with 1", Impl(), op.name, m, k, n, i, split[i], threads, one[i])
						}
					}
				}
			}
		}
		// An Axpy long enough to be split, of a length that is not a multiple of 16.
		x, y := randSlice(r, 70001), randSlice(r, 70001)
		one := append([]float32(nil), y...)
		SetThreads(1)
		Axpy(one, x, -0.37)
		for _, threads := range []int{2, 3} {
			split := append([]float32(nil), y...)
			SetThreads(threads)
			Axpy(split, x, -0.37)
			for i := range one {
				if math.Float32bits(one[i]) != math.Float32bits(split[i]) {
					t.Fatalf("%s Axpy: y[%d] = %v with %d threads, %v with 1", Impl(), i, split[i], threads, one[i])
				}
			}
		}
	}
}

// TestTranspose checks the transpose exactly on shapes smaller and larger than one tile.
func TestTranspose(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {3, 5}, {8, 8}, {16, 24}, {33, 70}, {128, 10}, {10, 128}, {128, 784}, {17, 9}} {
		rows, cols := sz[0], sz[1]
		src := make([]float32, rows*cols)
		for i := range src {
			src[i] = float32(i)
		}
		dst := make([]float32, rows*cols)
		for i := range dst {
			dst[i] = -1
		}
		transpose(dst, src, rows, cols)
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				if got, want := dst[j*rows+i], src[i*cols+j]; got != want {
					t.Fatalf("transpose %dx%d (fast %v): dst[%d,%d] = %v, want %v", rows, cols, fastTranspose != nil, j, i, got, want)
				}
			}
		}
	}
}

// mlpShapes are the products of one training step of sim/nn's MLP 784-128-128-10 at batch 100,
// whose weights are stored out×in: forward z = a·Wᵀ (TransB), backward dW = δᵀ·a (TransA) and
// δ·W (MatMul), in the order sim/nn runs them.
var mlpShapes = []struct {
	op      string
	m, k, n int
}{
	{"TransB", 100, 784, 128}, {"TransB", 100, 128, 128}, {"TransB", 100, 128, 10},
	{"TransA", 10, 100, 128}, {"MatMul", 100, 10, 128},
	{"TransA", 128, 100, 128}, {"MatMul", 100, 128, 128},
	{"TransA", 128, 100, 784},
}

// BenchmarkMLPStep runs every product of one MLP step; the GFLOP/s figure is 2·Σ m·k·n per
// second (50.8 MFLOP per step).
func BenchmarkMLPStep(b *testing.B) {
	defer setImpl(current())
	names := []string{"ref"}
	for _, im := range available {
		names = append(names, im.name)
	}
	for _, impl := range names {
		for _, im := range available {
			if im.name == impl {
				setImpl(im)
			}
		}
		b.Run(impl, func(b *testing.B) {
			r := rand.New(rand.NewPCG(5, 6))
			type op struct {
				f       func(c, a, b []float32, m, k, n int)
				a, b, c []float32
				m, k, n int
			}
			var ops []op
			flops := 0
			for _, s := range mlpShapes {
				f := map[string]func(c, a, b []float32, m, k, n int){
					"MatMul": MatMul, "TransA": MatMulTransA, "TransB": MatMulTransB}[s.op]
				if impl == "ref" {
					f = map[string]func(c, a, b []float32, m, k, n int){
						"MatMul": MatMulRef, "TransA": MatMulTransARef, "TransB": MatMulTransBRef}[s.op]
				}
				ops = append(ops, op{f, randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), make([]float32, s.m*s.n), s.m, s.k, s.n})
				flops += 2 * s.m * s.k * s.n
			}
			b.ResetTimer()
			for b.Loop() {
				for _, o := range ops {
					o.f(o.c, o.a, o.b, o.m, o.k, o.n)
				}
			}
			b.ReportMetric(float64(flops)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}

// BenchmarkShapes times each product of the MLP step alone, fast and reference.
func BenchmarkShapes(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, s := range mlpShapes {
		x := randSlice(r, s.m*s.k)
		y := randSlice(r, s.k*s.n)
		c := make([]float32, s.m*s.n)
		fast := map[string]func(c, a, b []float32, m, k, n int){"MatMul": MatMul, "TransA": MatMulTransA, "TransB": MatMulTransB}[s.op]
		ref := map[string]func(c, a, b []float32, m, k, n int){"MatMul": MatMulRef, "TransA": MatMulTransARef, "TransB": MatMulTransBRef}[s.op]
		for _, impl := range []struct {
			name string
			f    func(c, a, b []float32, m, k, n int)
		}{{"fast", fast}, {"ref", ref}} {
			b.Run(fmt.Sprintf("%s/%dx%dx%d/%s", s.op, s.m, s.k, s.n, impl.name), func(b *testing.B) {
				for b.Loop() {
					impl.f(c, x, y, s.m, s.k, s.n)
				}
				b.ReportMetric(2*float64(s.m*s.k*s.n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// TestAxpy checks Axpy against the plain loop on lengths around the 16-wide blocks.
func TestAxpy(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 15, 16, 17, 63, 64, 65, 100, 1000, 100352} {
		x := randSlice(r, n)
		y := randSlice(r, n)
		want := append([]float32(nil), y...)
		axpyGo(want, x, -0.1)
		Axpy(y, x, -0.1)
		for i := range y {
			// one FMA rounding vs two roundings: within 2 ulp of |y|+|0.1·x|
			tol := 2.5e-7 * (math.Abs(float64(want[i])) + math.Abs(0.1*float64(x[i])) + 1e-30)
			if d := math.Abs(float64(y[i] - want[i])); d > tol {
				t.Fatalf("Axpy n=%d (%s): y[%d] = %v, want %v", n, Impl(), i, y[i], want[i])
			}
		}
	}
}

// BenchmarkTranspose times the transpose of a 128×784 weight matrix (MatMulTransB's first
// step for the MLP's first layer).
func BenchmarkTranspose(b *testing.B) {
	src := make([]float32, 128*784)
	dst := make([]float32, 128*784)
	for _, bc := range []struct {
		name string
		f    func()
	}{{"fast", func() { transpose(dst, src, 128, 784) }}, {"go", func() { transposeGo(dst, src, 128, 784, 0, 128, 0, 784) }}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				bc.f()
			}
			b.ReportMetric(float64(len(src))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}

// specials returns n values mixing N(0,1) draws with the cases a ReLU must get right bit for
// bit: ±0, NaN, ±Inf, subnormals of both signs, the smallest normal.
func specials(r *rand.Rand, n int) []float32 {
	sp := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
		math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, 1.1754944e-38, -1.1754944e-38, math.MaxFloat32}
	x := make([]float32, n)
	for i := range x {
		if r.IntN(3) == 0 {
			x[i] = sp[r.IntN(len(sp))]
		} else {
			x[i] = float32(r.NormFloat64())
		}
	}
	return x
}

// TestReluExact checks Relu and ReluMask bit for bit against the plain loops (they are
// comparisons and selections, no rounding) on lengths around the 32-wide blocks, with
// ±0, NaN, ±Inf and subnormals among the inputs: a NaN or −0 activation must become +0, and
// the mask must keep d only where a > 0.
func TestReluExact(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{0, 1, 31, 32, 33, 63, 64, 65, 95, 96, 100, 1000, 12800, 12801} {
		x := specials(r, n)
		got := append([]float32(nil), x...)
		want := append([]float32(nil), x...)
		Relu(got)
		reluGo(want)
		for i := range got {
			keep := x[i] > 0
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) ||
				(keep && math.Float32bits(want[i]) != math.Float32bits(x[i])) || (!keep && math.Float32bits(want[i]) != 0) {
				t.Fatalf("Relu n=%d (fast %v): x[%d] = %v → %v, want %v", n, fastRelu != nil, i, x[i], got[i], want[i])
			}
		}
		a := specials(r, n+3) // a may be longer than d
		d := specials(r, n)
		got = append([]float32(nil), d...)
		want = append([]float32(nil), d...)
		ReluMask(got, a)
		reluMaskGo(want, a)
		for i := range got {
			keep := a[i] > 0
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) ||
				(keep && math.Float32bits(want[i]) != math.Float32bits(d[i])) || (!keep && math.Float32bits(want[i]) != 0) {
				t.Fatalf("ReluMask n=%d (fast %v): a[%d] = %v, d = %v → %v, want %v", n, fastReluMask != nil, i, a[i], d[i], got[i], want[i])
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("ReluMask with a shorter than d: no panic")
		}
	}()
	ReluMask(make([]float32, 5), make([]float32, 4))
}

// TestTransBScratchTooShort: a scratch buffer shorter than TransBScratch is refused with a
// panic naming the sizes, on every path (it is a programming error, like a short c).
func TestTransBScratchTooShort(t *testing.T) {
	defer setImpl(current())
	for _, im := range append(available, impl{}) {
		setImpl(im)
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: MatMulTransBScratch with a short scratch: no panic", Impl())
				}
			}()
			m, k, n := 20, 30, 40
			MatMulTransBScratch(make([]float32, m*n), make([]float32, m*k), make([]float32, n*k), m, k, n,
				make([]float32, TransBScratch(m, k, n)-1))
		}()
	}
}

// BenchmarkHandOff times handing half of a small product to another goroutine and waiting
// for it, with the spinning team of split products (team) and with a new goroutine and a
// WaitGroup (waitgroup), against the whole product on one goroutine (serial); run with -cpu 2.
// The product, 100×256×64, takes about 15 µs on one core.
func BenchmarkHandOff(b *testing.B) {
	const m, k, n = 100, 256, 64
	r := rand.New(rand.NewPCG(1, 2))
	a, bm := randSlice(r, m*k), randSlice(r, k*n)
	c := make([]float32, m*n)
	b.Run("serial", func(b *testing.B) {
		defer SetThreads(SetThreads(1))
		for i := 0; i < b.N; i++ {
			MatMul(c, a, bm, m, k, n)
		}
	})
	b.Run("team", func(b *testing.B) {
		defer SetThreads(SetThreads(2))
		for i := 0; i < b.N; i++ {
			MatMul(c, a, bm, m, k, n)
		}
	})
	b.Run("waitgroup", func(b *testing.B) {
		defer SetThreads(SetThreads(1))
		half := m / 2 * n
		for i := 0; i < b.N; i++ {
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				MatMul(c[:half], a[:m/2*k], bm, m/2, k, n)
			}()
			MatMul(c[half:], a[m/2*k:], bm, m-m/2, k, n)
			wg.Wait()
		}
	})
}

// TestThreadsConcurrentCallers: split products called from several goroutines at once (runs
// of one process, each splitting) give every caller its own right result.
func TestThreadsConcurrentCallers(t *testing.T) {
	defer SetThreads(SetThreads(2))
	const m, k, n = 120, 300, 200
	r := rand.New(rand.NewPCG(5, 6))
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		a, b := randSlice(r, m*k), randSlice(r, k*n)
		want := make([]float32, m*n)
		MatMulRef(want, a, b, m, k, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := make([]float32, m*n)
			for range 50 {
				MatMul(c, a, b, m, k, n)
				for i := range c {
					if d := math.Abs(float64(c[i] - want[i])); d > 1e-3 {
						errs <- fmt.Errorf("caller %d: c[%d] = %v, want %v", g, i, c[i], want[i])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
