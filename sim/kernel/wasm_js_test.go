//go:build js && wasm && !purego

package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"syscall/js"
	"testing"
)

// TestWasmBothKernels runs the relaxed-SIMD and the plain-SIMD modules on the same inputs
// (the MLP step's three products and shapes with every edge of their blocks) and checks each
// against the Go reference. Under testdata/wasm_exec_kernels.js, which switches relaxed SIMD
// on, both must be loaded.
func TestWasmBothKernels(t *testing.T) {
	impls := Impls()
	if js.Global().Get("tailscopeExpectRelaxed").Truthy() {
		for _, want := range []string{"wasm-relaxed-simd", "wasm-simd128"} {
			if !slices.Contains(impls, want) {
				t.Fatalf("kernel %q not loaded (have %v)", want, impls)
			}
		}
	}
	if !slices.Contains(impls, "wasm-simd128") {
		t.Skipf("kernels.js not loaded (have %v): run with -exec testdata/wasm_exec_kernels.js", impls)
	}
	defer setImpl(current())
	r := rand.New(rand.NewPCG(5, 6))
	// m, k, n: the 784-128-128-10 step at batch 100, and remainders of the 6- and 4-row blocks,
	// of the 8- and 4-column stripes and of the 4×4 transposes of the panel packing.
	for _, sz := range [][3]int{{100, 784, 128}, {100, 128, 10}, {128, 100, 784}, {10, 100, 128},
		{13, 7, 15}, {11, 9, 12}, {7, 33, 20}, {1, 50, 9}, {25, 6, 8}} {
		m, k, n := sz[0], sz[1], sz[2]
		a, b, at, bt := randSlice(r, m*k), randSlice(r, k*n), randSlice(r, k*m), randSlice(r, n*k)
		products := []struct {
			name      string
			fast, ref func(c []float32)
		}{
			{"MatMul", func(c []float32) { MatMul(c, a, b, m, k, n) }, func(c []float32) { MatMulRef(c, a, b, m, k, n) }},
			{"MatMulTransA", func(c []float32) { MatMulTransA(c, at, b, m, k, n) }, func(c []float32) { MatMulTransARef(c, at, b, m, k, n) }},
			{"MatMulTransB", func(c []float32) { MatMulTransB(c, a, bt, m, k, n) }, func(c []float32) { MatMulTransBRef(c, a, bt, m, k, n) }},
		}
		for _, pr := range products {
			want := make([]float32, m*n)
			pr.ref(want)
			got := map[string][]float32{}
			for _, name := range []string{"wasm-relaxed-simd", "wasm-simd128"} {
				if !slices.Contains(impls, name) {
					continue
				}
				if err := Use(name); err != nil {
					t.Fatal(err)
				}
				c := make([]float32, m*n)
				for i := range c {
					c[i] = float32(math.NaN()) // must be overwritten
				}
				pr.fast(c)
				got[name] = c
				for i := range c {
					tol := 1e-6 * float64(k) * math.Max(1, math.Abs(float64(want[i])))
					if d := math.Abs(float64(c[i]) - float64(want[i])); !(d <= tol) {
						t.Fatalf("%s %dx%dx%d with %s: c[%d] = %v, reference %v (|diff| %g > %g)", pr.name, m, k, n, name, i, c[i], want[i], d, tol)
					}
				}
			}
			t.Logf("%s %dx%dx%d: %d kernels match the reference", pr.name, m, k, n, len(got))
		}
	}
}

// BenchmarkWasmProducts times the eight products of a 784-128-128-10 step at batch 100 with
// each loaded WebAssembly kernel and reports GFLOP/s: run under node with
//
//	GOOS=js GOARCH=wasm go test -run X -bench WasmProducts -exec="node $PWD/sim/kernel/testdata/wasm_exec_kernels.js" ./sim/kernel
//
// and compare with 128-bit SIMD's peak on the machine (4 lanes × 2 flops × 2 pipes × clock).
func BenchmarkWasmProducts(b *testing.B) {
	if !slices.Contains(Impls(), "wasm-simd128") {
		b.Skipf("kernels.js not loaded (have %v): run with -exec testdata/wasm_exec_kernels.js", Impls())
	}
	defer setImpl(current())
	r := rand.New(rand.NewPCG(5, 6))
	for _, im := range available {
		for _, c := range []struct {
			name    string
			m, k, n int
			op      func(c, a, b []float32, m, k, n int)
		}{
			{"fwd0", 100, 784, 128, MatMulTransB}, {"fwd1", 100, 128, 128, MatMulTransB}, {"fwd2", 100, 128, 10, MatMulTransB},
			{"dW2", 10, 100, 128, MatMulTransA}, {"delta2", 100, 10, 128, MatMul},
			{"dW1", 128, 100, 128, MatMulTransA}, {"delta1", 100, 128, 128, MatMul}, {"dW0", 128, 100, 784, MatMulTransA},
		} {
			a, bm, cm := randSlice(r, c.m*c.k), randSlice(r, c.k*c.n), make([]float32, c.m*c.n)
			b.Run(im.name+"/"+c.name, func(b *testing.B) {
				setImpl(im)
				for i := 0; i < b.N; i++ {
					c.op(cm, a, bm, c.m, c.k, c.n)
				}
				b.ReportMetric(2*float64(c.m*c.k*c.n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
