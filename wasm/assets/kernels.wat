;; Tailscope's WebAssembly SIMD kernels (simd128), run on the memory of the Go instance.
;;
;; gemm(c, a, ars, aps, b, m, k, n) computes the float32 product
;;   C[i,j] = Σ_p A(i,p)·B[p,j]   for i < m, j < n, p < k,
;; where A(i,p) is the float32 at byte address a + 4·(i·ars + p·aps), B is row-major k×n at b,
;; and C is row-major m×n at c (overwritten). Addresses are byte offsets into the imported
;; memory: Go passes the addresses of its slices, so nothing is copied. Strides are in
;; elements. The same function serves sim/kernel's MatMul (ars = k, aps = 1) and MatMulTransA
;; (ars = 1, aps = m).
;;
;; gemmtb(c, a, b, m, k, n, pack) computes C = A·Bᵀ for a row-major m×k and B row-major n×k
;; (sim/kernel's MatMulTransB: the forward pass, with weights stored out×in): each 8 rows of B
;; are transposed, 4×4 blocks at a time with shuffles, into a k×8 panel at pack (8·k floats of
;; scratch that Go passes), which the register blocks then read as gemm reads B. The panel is
;; reused by every row of A, so the transpose costs 1/m of the product.
;;
;; Blocking: the columns in stripes of 8 (stripe8), each computed for 4 rows at a time in 8 f32x4
;; accumulators: for each p, two loads of B and four broadcasts of A. Remaining rows use a 1×8
;; block; a remaining stripe of 4 columns uses stripe4, the last n mod 4 columns scalar loops.
;; Products and sums are separate (mul then add), as the Go reference does. Larger blocks did
;; not pay in Chromium 156: 5×8 and 6×8 need, besides their 10 or 12 accumulators, 2 registers of
;; B, the broadcast and one for each product, and V8 allocates 15 xmm registers on x86-64 (both
;; measured slower than 4×8). kernels_relaxed.wat holds the same functions with fused
;; multiply-adds (relaxed SIMD), which need no product register, in 5×8 blocks; kernels.js loads
;; it where the browser supports it.
;;
;; axpy(y, x, n, alpha) sets y[i] += alpha·x[i] for i < n (mul then add, as the Go loop):
;; 8 floats per step in two f32x4 vectors, then one at a time.
;;
;; logabssum(p, n) returns Σ log|x_i| over the n float64 values at byte address p as
;; (Σ k_i)·ln 2 + log Π m_i, where |x_i| = m_i·2^k_i with m_i in [√2/2, √2): per value, a split
;; of its bits and one multiply; four running products are split again each step and one log
;; per lane ends the sum (~1e-16 absolute error per term). Exponents are taken with a logical
;; shift of the bits minus bits(√2/2) plus 2^62 (the bias, 1024 each, is removed at the end):
;; SIMD has no native 64-bit arithmetic shift before AVX-512. If any value is 0, subnormal, Inf or
;; NaN, the sum is redone by logabssum_exact: log of each term by Go's math.Log algorithm
;; (FreeBSD e_log.c, same polynomial) on f64x2 lanes, the exponent/mantissa split on the bits
;; as musl does, subnormals scaled by 2^54, log 0 = −Inf, log Inf = Inf, log NaN = NaN.
;;
;; sas(dst, n, alpha, sigma, seedlo, seedhi, startlo, starthi) writes n symmetric α-stable
;; SαS(σ) samples (float64) at dst: sample number start+j (j < n) by Chambers–Mallows–Stuck
;; (docs/science.md#stable-laws) in log form, X = σ·sin(αV)·exp(−(1/α)·log cos V
;; + ((1−α)/α)·log(cos((1−α)V)/W)), V = π(U1 − ½), W = −log U2 (three logs a sample).
;; U1 and U2 come from SplitMix64 on the counters 2i and 2i+1 keyed by the seed (seed and start as 32-bit halves),
;; 52 bits each, in (0, 1): a sample depends only on (seed, index). sin is the Taylor series
;; to x²³ on [0, π/2] (sin t = sin(π − t) above, cos x = sin(π/2 − |x|) with π split in two
;; parts), log as in logabssum, exp by k = round(x/ln 2) and a Taylor series to r¹³ times 2^k
;; (exp gives +Inf above 709 and 0 below −708). Written out inline, two samples per
;; iteration; sim/fastmath.SymStable is its Go counterpart and its tests.
;;
;; Assemble with wabt: wat2wasm kernels.wat -o kernels.wasm (sim/kernel's tests check that
;; kernels.wasm and the copy embedded in kernels.js match this source).
(module
  (import "go" "mem" (memory 1))

  (func $gemm (export "gemm")
    (param $c i32) (param $a i32) (param $ars i32) (param $aps i32)
    (param $b i32) (param $m i32) (param $k i32) (param $n i32)
    (local $j i32) (local $ldb i32) (local $rs i32) (local $ps i32)
    (local.set $ldb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $rs (i32.shl (local.get $ars) (i32.const 2)))
    (local.set $ps (i32.shl (local.get $aps) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
        (call $stripe8 (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb)
          (local.get $a) (local.get $rs) (local.get $ps)
          (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb) (local.get $m) (local.get $k))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jloop)))
    (if (i32.le_s (i32.add (local.get $j) (i32.const 4)) (local.get $n))
      (then
        (call $stripe4 (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb)
          (local.get $a) (local.get $rs) (local.get $ps)
          (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb) (local.get $m) (local.get $k))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))))
    (call $edge (local.get $c) (local.get $ldb) (local.get $a) (local.get $rs) (local.get $ps)
      (local.get $b) (i32.const 4) (local.get $ldb) (local.get $m) (local.get $k) (local.get $j) (local.get $n))
  )

  ;; gemmtb(c, a, b, m, k, n, pack) sets c (m×n) = a·bᵀ, a m×k and b n×k row-major (a layer's
  ;; weights stored out×in): each 8 rows of b are transposed into a k×8 panel at pack
  ;; (8·k floats), which the register blocks then read as they read B in gemm.
  (func $gemmtb (export "gemmtb")
    (param $c i32) (param $a i32) (param $b i32) (param $m i32) (param $k i32) (param $n i32) (param $pack i32)
    (local $j i32) (local $ldc i32) (local $rs i32)
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))
    (local.set $rs (i32.shl (local.get $k) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
        (call $pack8 (local.get $pack) (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rs))) (local.get $k))
        (call $stripe8 (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldc)
          (local.get $a) (local.get $rs) (i32.const 4)
          (local.get $pack) (i32.const 32) (local.get $m) (local.get $k))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jloop)))
    (call $edge (local.get $c) (local.get $ldc) (local.get $a) (local.get $rs) (i32.const 4)
      (local.get $b) (local.get $rs) (i32.const 4) (local.get $m) (local.get $k) (local.get $j) (local.get $n))
  )

  ;; stripe8: C[0..m)[0..8) at $pc (row stride $ldc bytes) = A·B for 8 columns of B at $pb (row
  ;; stride $ldb bytes), A(i, p) at $pa + i·$rs + p·$ps: blocks of 4 rows × 8 columns in 8 f32x4
  ;; accumulators (2 loads of B and 4 broadcasts of A per 8 multiply-adds), then single rows.
  (func $stripe8
    (param $pc i32) (param $ldc i32) (param $pa i32) (param $rs i32) (param $ps i32)
    (param $pb i32) (param $ldb i32) (param $m i32) (param $k i32)
    (local $i i32) (local $p i32) (local $a i32) (local $b i32) (local $c i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $i (i32.const 0))
    (block $idone
      (loop $iloop
        (br_if $idone (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (local.set $a (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $rs))))
        (local.set $b (local.get $pb))
        (local.set $c00 (v128.const i32x4 0 0 0 0))
        (local.set $c01 (v128.const i32x4 0 0 0 0))
        (local.set $c10 (v128.const i32x4 0 0 0 0))
        (local.set $c11 (v128.const i32x4 0 0 0 0))
        (local.set $c20 (v128.const i32x4 0 0 0 0))
        (local.set $c21 (v128.const i32x4 0 0 0 0))
        (local.set $c30 (v128.const i32x4 0 0 0 0))
        (local.set $c31 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $k))
        (block $pdone
          (loop $ploop
            (br_if $pdone (i32.le_s (local.get $p) (i32.const 0)))
            (local.set $b0 (v128.load (local.get $b)))
            (local.set $b1 (v128.load offset=16 (local.get $b)))
            (local.set $x (v128.load32_splat (local.get $a)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $rs))))
            (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (i32.mul (local.get $rs) (i32.const 2)))))
            (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (i32.mul (local.get $rs) (i32.const 3)))))
            (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $a (i32.add (local.get $a) (local.get $ps)))
            (local.set $b (i32.add (local.get $b) (local.get $ldb)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $ploop)))
        (local.set $c (i32.add (local.get $pc) (i32.mul (local.get $i) (local.get $ldc))))
        (v128.store (local.get $c) (local.get $c00))
        (v128.store offset=16 (local.get $c) (local.get $c01))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c10))
        (v128.store offset=16 (local.get $c) (local.get $c11))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c20))
        (v128.store offset=16 (local.get $c) (local.get $c21))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c30))
        (v128.store offset=16 (local.get $c) (local.get $c31))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iloop)))
    ;; remaining rows, one at a time
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $a (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $rs))))
        (local.set $b (local.get $pb))
        (local.set $c00 (v128.const i32x4 0 0 0 0))
        (local.set $c01 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $k))
        (block $p1done
          (loop $p1loop
            (br_if $p1done (i32.le_s (local.get $p) (i32.const 0)))
            (local.set $x (v128.load32_splat (local.get $a)))
            (local.set $b0 (v128.load (local.get $b)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $b1 (v128.load offset=16 (local.get $b)))
            (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
            (local.set $a (i32.add (local.get $a) (local.get $ps)))
            (local.set $b (i32.add (local.get $b) (local.get $ldb)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $p1loop)))
        (local.set $c (i32.add (local.get $pc) (i32.mul (local.get $i) (local.get $ldc))))
        (v128.store (local.get $c) (local.get $c00))
        (v128.store offset=16 (local.get $c) (local.get $c01))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rloop)))
  )

  ;; stripe4: C[0..m)[0..4) at $pc (row stride $ldc bytes) = A·B for 4 columns of B at $pb (row
  ;; stride $ldb bytes), A(i, p) at $pa + i·$rs + p·$ps: blocks of 4 rows × 4 columns in 4 f32x4
  ;; accumulators (1 loads of B and 4 broadcasts of A per 4 multiply-adds), then single rows.
  (func $stripe4
    (param $pc i32) (param $ldc i32) (param $pa i32) (param $rs i32) (param $ps i32)
    (param $pb i32) (param $ldb i32) (param $m i32) (param $k i32)
    (local $i i32) (local $p i32) (local $a i32) (local $b i32) (local $c i32)
    (local $b0 v128) (local $x v128)
    (local $c00 v128) (local $c10 v128) (local $c20 v128) (local $c30 v128)
    (local.set $i (i32.const 0))
    (block $idone
      (loop $iloop
        (br_if $idone (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (local.set $a (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $rs))))
        (local.set $b (local.get $pb))
        (local.set $c00 (v128.const i32x4 0 0 0 0))
        (local.set $c10 (v128.const i32x4 0 0 0 0))
        (local.set $c20 (v128.const i32x4 0 0 0 0))
        (local.set $c30 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $k))
        (block $pdone
          (loop $ploop
            (br_if $pdone (i32.le_s (local.get $p) (i32.const 0)))
            (local.set $b0 (v128.load (local.get $b)))
            (local.set $x (v128.load32_splat (local.get $a)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $rs))))
            (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (i32.mul (local.get $rs) (i32.const 2)))))
            (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (i32.mul (local.get $rs) (i32.const 3)))))
            (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $a (i32.add (local.get $a) (local.get $ps)))
            (local.set $b (i32.add (local.get $b) (local.get $ldb)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $ploop)))
        (local.set $c (i32.add (local.get $pc) (i32.mul (local.get $i) (local.get $ldc))))
        (v128.store (local.get $c) (local.get $c00))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c10))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c20))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c30))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iloop)))
    ;; remaining rows, one at a time
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $a (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $rs))))
        (local.set $b (local.get $pb))
        (local.set $c00 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $k))
        (block $p1done
          (loop $p1loop
            (br_if $p1done (i32.le_s (local.get $p) (i32.const 0)))
            (local.set $x (v128.load32_splat (local.get $a)))
            (local.set $b0 (v128.load (local.get $b)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
            (local.set $a (i32.add (local.get $a) (local.get $ps)))
            (local.set $b (i32.add (local.get $b) (local.get $ldb)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $p1loop)))
        (local.set $c (i32.add (local.get $pc) (i32.mul (local.get $i) (local.get $ldc))))
        (v128.store (local.get $c) (local.get $c00))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rloop)))
  )

  ;; pack8(dst, b, k): dst[p·8 + r] = b[r·k + p] for r < 8, p < k: 4×4 blocks transposed
  ;; with shuffles, then the k mod 4 last columns one by one.
  (func $pack8 (param $dst i32) (param $b i32) (param $k i32)
    (local $rs i32) (local $p i32) (local $r i32) (local $src i32) (local $d i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rs (i32.shl (local.get $k) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_s (local.get $r) (i32.const 8)))
        (local.set $src (i32.add (local.get $b) (i32.mul (local.get $r) (local.get $rs))))
        (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 2))))
        (local.set $p (i32.const 0))
        (block $pdone
          (loop $ploop
            (br_if $pdone (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $k)))
            (local.set $r0 (v128.load (local.get $src)))
            (local.set $r1 (v128.load (i32.add (local.get $src) (local.get $rs))))
            (local.set $r2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $rs) (i32.const 1)))))
            (local.set $r3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $rs) (i32.const 3)))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
            (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
            (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
            (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
            (v128.store offset=32 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
            (v128.store offset=64 (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
            (v128.store offset=96 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 128)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $ploop)))
        (block $qdone
          (loop $qloop
            (br_if $qdone (i32.ge_s (local.get $p) (local.get $k)))
            (f32.store (local.get $d) (f32.load (local.get $src)))
            (f32.store offset=4 (local.get $d) (f32.load (i32.add (local.get $src) (local.get $rs))))
            (f32.store offset=8 (local.get $d) (f32.load (i32.add (local.get $src) (i32.shl (local.get $rs) (i32.const 1)))))
            (f32.store offset=12 (local.get $d) (f32.load (i32.add (local.get $src) (i32.mul (local.get $rs) (i32.const 3)))))
            (local.set $src (i32.add (local.get $src) (i32.const 4)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $qloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rloop)))
  )

  ;; edge: columns j0..n−1 one at a time, c[i][j] = Σ_p A(i, p)·b[j·$bjs + p·$bps] (byte strides),
  ;; multiply then add in the order of the Go reference.
  (func $edge
    (param $c i32) (param $ldc i32) (param $pa i32) (param $rs i32) (param $ps i32)
    (param $pb i32) (param $bjs i32) (param $bps i32) (param $m i32) (param $k i32) (param $j i32) (param $n i32)
    (local $i i32) (local $p i32) (local $a i32) (local $b i32) (local $s f32)
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $i (i32.const 0))
        (block $idone
          (loop $iloop
            (br_if $idone (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $a (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $rs))))
            (local.set $b (i32.add (local.get $pb) (i32.mul (local.get $j) (local.get $bjs))))
            (local.set $s (f32.const 0))
            (local.set $p (local.get $k))
            (block $pdone
              (loop $ploop
                (br_if $pdone (i32.le_s (local.get $p) (i32.const 0)))
                (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
                (local.set $a (i32.add (local.get $a) (local.get $ps)))
                (local.set $b (i32.add (local.get $b) (local.get $bps)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $ploop)))
            (f32.store (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2))))
              (local.get $s))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iloop)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
  )

  (func $axpy (export "axpy")
    (param $y i32) (param $x i32) (param $n i32) (param $alpha f32)
    (local $end i32) (local $end8 i32) (local $va v128)
    (local.set $va (f32x4.splat (local.get $alpha)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end8 (i32.add (local.get $y) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))
    (block $vdone
      (loop $vloop
        (br_if $vdone (i32.ge_u (local.get $y) (local.get $end8)))
        (v128.store (local.get $y)
          (f32x4.add (v128.load (local.get $y)) (f32x4.mul (local.get $va) (v128.load (local.get $x)))))
        (v128.store offset=16 (local.get $y)
          (f32x4.add (v128.load offset=16 (local.get $y)) (f32x4.mul (local.get $va) (v128.load offset=16 (local.get $x)))))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (br $vloop)))
    (block $sdone
      (loop $sloop
        (br_if $sdone (i32.ge_u (local.get $y) (local.get $end)))
        (f32.store (local.get $y)
          (f32.add (f32.load (local.get $y)) (f32.mul (local.get $alpha) (f32.load (local.get $x)))))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $sloop)))
  )

  ;; logabssum_exact: the log is written out twice, for two independent f64x2 streams (suffixes a
  ;; and b), inside the loop: as a called function V8 rebuilt every constant per call and ran
  ;; 2.5-3x slower. Locals per stream: x = |v|, sub = subnormal mask, tmp = bits − bits(√2/2),
  ;; k = exponent, f = m − 1, s = f/(2+f), s2, s4, r = polynomial, h = f²/2, res = log|v|.
  (func $logabssum_exact (param $p i32) (param $n i32) (result f64)
    (local $end i32) (local $end4 i32) (local $acc0 v128) (local $acc1 v128) (local $xa v128) (local $suba v128) (local $tmpa v128) (local $ka v128) (local $fa v128) (local $sa v128) (local $s2a v128) (local $s4a v128) (local $ra v128) (local $ha v128) (local $resa v128) (local $xb v128) (local $subb v128) (local $tmpb v128) (local $kb v128) (local $fb v128) (local $sb v128) (local $s2b v128) (local $s4b v128) (local $rb v128) (local $hb v128) (local $resb v128) 

    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end4 (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $done4
      (loop $loop4
        (br_if $done4 (i32.ge_u (local.get $p) (local.get $end4)))
        
        (local.set $xa (v128.and (v128.load (local.get $p)) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)))
        (local.set $suba (f64x2.lt (local.get $xa) (v128.const f64x2 0x1p-1022 0x1p-1022)))
        (local.set $fa (v128.bitselect (f64x2.mul (local.get $xa) (v128.const f64x2 0x1p54 0x1p54)) (local.get $xa) (local.get $suba)))
        (local.set $tmpa (i64x2.sub (local.get $fa) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $ka (i64x2.shr_s (local.get $tmpa) (i32.const 52)))
        (local.set $fa (f64x2.sub (i64x2.sub (local.get $fa) (v128.and (local.get $tmpa) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))) (v128.const f64x2 1 1)))
        (local.set $ka (f64x2.sub (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $ka) (local.get $ka))) (v128.and (local.get $suba) (v128.const f64x2 54 54))))
        (local.set $sa (f64x2.div (local.get $fa) (f64x2.add (v128.const f64x2 2 2) (local.get $fa))))
        (local.set $s2a (f64x2.mul (local.get $sa) (local.get $sa)))
        (local.set $s4a (f64x2.mul (local.get $s2a) (local.get $s2a)))
        (local.set $ra (f64x2.add
          (f64x2.mul (local.get $s2a) (f64x2.add (v128.const f64x2 6.666666666666735130e-01 6.666666666666735130e-01) (f64x2.mul (local.get $s4a) (f64x2.add (v128.const f64x2 2.857142874366239149e-01 2.857142874366239149e-01) (f64x2.mul (local.get $s4a) (f64x2.add (v128.const f64x2 1.818357216161805012e-01 1.818357216161805012e-01) (f64x2.mul (local.get $s4a) (v128.const f64x2 1.479819860511658591e-01 1.479819860511658591e-01)))))))) 
          (f64x2.mul (local.get $s4a) (f64x2.add (v128.const f64x2 3.999999999940941908e-01 3.999999999940941908e-01) (f64x2.mul (local.get $s4a) (f64x2.add (v128.const f64x2 2.222219843214978396e-01 2.222219843214978396e-01) (f64x2.mul (local.get $s4a) (v128.const f64x2 1.531383769920937332e-01 1.531383769920937332e-01))))))))
        (local.set $ha (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $fa) (local.get $fa))))
        (local.set $resa (f64x2.sub (f64x2.mul (local.get $ka) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
          (f64x2.sub (f64x2.sub (local.get $ha) (f64x2.add (f64x2.mul (local.get $sa) (f64x2.add (local.get $ha) (local.get $ra))) (f64x2.mul (local.get $ka) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))) (local.get $fa))))
        (local.set $resa (v128.bitselect (v128.const f64x2 -inf -inf) (local.get $resa) (f64x2.eq (local.get $xa) (v128.const f64x2 0 0))))
        (local.set $resa (v128.bitselect (local.get $xa) (local.get $resa) (v128.not (f64x2.lt (local.get $xa) (v128.const f64x2 inf inf)))))
        
        (local.set $xb (v128.and (v128.load offset=16 (local.get $p)) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)))
        (local.set $subb (f64x2.lt (local.get $xb) (v128.const f64x2 0x1p-1022 0x1p-1022)))
        (local.set $fb (v128.bitselect (f64x2.mul (local.get $xb) (v128.const f64x2 0x1p54 0x1p54)) (local.get $xb) (local.get $subb)))
        (local.set $tmpb (i64x2.sub (local.get $fb) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $kb (i64x2.shr_s (local.get $tmpb) (i32.const 52)))
        (local.set $fb (f64x2.sub (i64x2.sub (local.get $fb) (v128.and (local.get $tmpb) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))) (v128.const f64x2 1 1)))
        (local.set $kb (f64x2.sub (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $kb) (local.get $kb))) (v128.and (local.get $subb) (v128.const f64x2 54 54))))
        (local.set $sb (f64x2.div (local.get $fb) (f64x2.add (v128.const f64x2 2 2) (local.get $fb))))
        (local.set $s2b (f64x2.mul (local.get $sb) (local.get $sb)))
        (local.set $s4b (f64x2.mul (local.get $s2b) (local.get $s2b)))
        (local.set $rb (f64x2.add
          (f64x2.mul (local.get $s2b) (f64x2.add (v128.const f64x2 6.666666666666735130e-01 6.666666666666735130e-01) (f64x2.mul (local.get $s4b) (f64x2.add (v128.const f64x2 2.857142874366239149e-01 2.857142874366239149e-01) (f64x2.mul (local.get $s4b) (f64x2.add (v128.const f64x2 1.818357216161805012e-01 1.818357216161805012e-01) (f64x2.mul (local.get $s4b) (v128.const f64x2 1.479819860511658591e-01 1.479819860511658591e-01)))))))) 
          (f64x2.mul (local.get $s4b) (f64x2.add (v128.const f64x2 3.999999999940941908e-01 3.999999999940941908e-01) (f64x2.mul (local.get $s4b) (f64x2.add (v128.const f64x2 2.222219843214978396e-01 2.222219843214978396e-01) (f64x2.mul (local.get $s4b) (v128.const f64x2 1.531383769920937332e-01 1.531383769920937332e-01))))))))
        (local.set $hb (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $fb) (local.get $fb))))
        (local.set $resb (f64x2.sub (f64x2.mul (local.get $kb) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
          (f64x2.sub (f64x2.sub (local.get $hb) (f64x2.add (f64x2.mul (local.get $sb) (f64x2.add (local.get $hb) (local.get $rb))) (f64x2.mul (local.get $kb) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))) (local.get $fb))))
        (local.set $resb (v128.bitselect (v128.const f64x2 -inf -inf) (local.get $resb) (f64x2.eq (local.get $xb) (v128.const f64x2 0 0))))
        (local.set $resb (v128.bitselect (local.get $xb) (local.get $resb) (v128.not (f64x2.lt (local.get $xb) (v128.const f64x2 inf inf)))))
        (local.set $acc0 (f64x2.add (local.get $acc0) (local.get $resa)))
        (local.set $acc1 (f64x2.add (local.get $acc1) (local.get $resb)))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $loop4)))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $p) (local.get $end)))
        
        (local.set $xa (v128.and (f64x2.replace_lane 1 (v128.load64_zero (local.get $p)) (f64.const 1)) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)))
        (local.set $suba (f64x2.lt (local.get $xa) (v128.const f64x2 0x1p-1022 0x1p-1022)))
        (local.set $fa (v128.bitselect (f64x2.mul (local.get $xa) (v128.const f64x2 0x1p54 0x1p54)) (local.get $xa) (local.get $suba)))
        (local.set $tmpa (i64x2.sub (local.get $fa) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $ka (i64x2.shr_s (local.get $tmpa) (i32.const 52)))
        (local.set $fa (f64x2.sub (i64x2.sub (local.get $fa) (v128.and (local.get $tmpa) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))) (v128.const f64x2 1 1)))
        (local.set $ka (f64x2.sub (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $ka) (local.get $ka))) (v128.and (local.get $suba) (v128.const f64x2 54 54))))
        (local.set $sa (f64x2.div (local.get $fa) (f64x2.add (v128.const f64x2 2 2) (local.get $fa))))
        (local.set $s2a (f64x2.mul (local.get $sa) (local.get $sa)))
        (local.set $s4a (f64x2.mul (local.get $s2a) (local.get $s2a)))
        (local.set $ra (f64x2.add
          (f64x2.mul (local.get $s2a) (f64x2.add (v128.const f64x2 6.666666666666735130e-01 6.666666666666735130e-01) (f64x2.mul (local.get $s4a) (f64x2.add (v128.const f64x2 2.857142874366239149e-01 2.857142874366239149e-01) (f64x2.mul (local.get $s4a) (f64x2.add (v128.const f64x2 1.818357216161805012e-01 1.818357216161805012e-01) (f64x2.mul (local.get $s4a) (v128.const f64x2 1.479819860511658591e-01 1.479819860511658591e-01)))))))) 
          (f64x2.mul (local.get $s4a) (f64x2.add (v128.const f64x2 3.999999999940941908e-01 3.999999999940941908e-01) (f64x2.mul (local.get $s4a) (f64x2.add (v128.const f64x2 2.222219843214978396e-01 2.222219843214978396e-01) (f64x2.mul (local.get $s4a) (v128.const f64x2 1.531383769920937332e-01 1.531383769920937332e-01))))))))
        (local.set $ha (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $fa) (local.get $fa))))
        (local.set $resa (f64x2.sub (f64x2.mul (local.get $ka) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
          (f64x2.sub (f64x2.sub (local.get $ha) (f64x2.add (f64x2.mul (local.get $sa) (f64x2.add (local.get $ha) (local.get $ra))) (f64x2.mul (local.get $ka) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))) (local.get $fa))))
        (local.set $resa (v128.bitselect (v128.const f64x2 -inf -inf) (local.get $resa) (f64x2.eq (local.get $xa) (v128.const f64x2 0 0))))
        (local.set $resa (v128.bitselect (local.get $xa) (local.get $resa) (v128.not (f64x2.lt (local.get $xa) (v128.const f64x2 inf inf)))))
        (local.set $acc0 (f64x2.add (local.get $acc0) (local.get $resa)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $loop1)))
    (local.set $acc0 (f64x2.add (local.get $acc0) (local.get $acc1)))
    (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0)))
  )

  (func $sas (export "sas")
    (param $dst i32) (param $n i32) (param $alpha f64) (param $sigma f64)
    (param $seedlo i32) (param $seedhi i32) (param $startlo i32) (param $starthi i32)
    (local $end2 i32) (local $key v128) (local $cnt v128) (local $va v128) (local $vb v128)
    (local $vnia v128) (local $ve v128) (local $vs v128) (local $c0 i64)
    (local $at v128) (local $cb v128) (local $cc v128) (local $e v128) (local $ee v128) (local $exe v128) (local $exk v128) (local $exki v128) (local $exr v128) (local $exx v128) (local $exxc v128) (local $laf v128) (local $lah v128) (local $lak v128) (local $lar v128) (local $las v128) (local $las2 v128) (local $las4 v128) (local $lasub v128) (local $latmp v128) (local $lax v128) (local $lb v128) (local $lb_f v128) (local $lb_h v128) (local $lb_k v128) (local $lb_r v128) (local $lb_s v128) (local $lb_s2 v128) (local $lb_s4 v128) (local $lb_sub v128) (local $lb_tmp v128) (local $lb_x v128) (local $lc v128) (local $lc_f v128) (local $lc_h v128) (local $lc_k v128) (local $lc_r v128) (local $lc_s v128) (local $lc_s2 v128) (local $lc_s4 v128) (local $lc_sub v128) (local $lc_tmp v128) (local $lc_x v128) (local $lw v128) (local $r v128) (local $res v128) (local $sa v128) (local $sbx v128) (local $sbz v128) (local $scx v128) (local $scz v128) (local $spx v128) (local $spz v128) (local $t v128) (local $u1 v128) (local $u2 v128) (local $v v128) (local $w v128) (local $z1 v128) (local $z2 v128)
    (local.set $key (i64x2.splat (i64.or (i64.extend_i32_u (local.get $seedlo))
      (i64.shl (i64.extend_i32_u (local.get $seedhi)) (i64.const 32)))))
    ;; counters 2i (u1) for the samples i, i+1 in the two lanes; 2i+1 for u2
    (local.set $c0 (i64.shl (i64.or (i64.extend_i32_u (local.get $startlo))
      (i64.shl (i64.extend_i32_u (local.get $starthi)) (i64.const 32))) (i64.const 1)))
    (local.set $cnt (i64x2.replace_lane 1 (i64x2.splat (local.get $c0)) (i64.add (local.get $c0) (i64.const 2))))
    (local.set $va (f64x2.splat (local.get $alpha)))
    (local.set $vb (f64x2.splat (f64.sub (f64.const 1) (local.get $alpha))))
    (local.set $vnia (f64x2.splat (f64.div (f64.const -1) (local.get $alpha))))
    (local.set $ve (f64x2.splat (f64.div (f64.sub (f64.const 1) (local.get $alpha)) (local.get $alpha))))
    (local.set $vs (f64x2.splat (local.get $sigma)))
    (local.set $end2 (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end2)))
        (local.set $z1 (i64x2.add (local.get $key) (i64x2.mul (i64x2.add (local.get $cnt) (v128.const i64x2 0x1 0x1)) (v128.const i64x2 0x9e3779b97f4a7c15 0x9e3779b97f4a7c15))))
        (local.set $z1 (i64x2.mul (v128.xor (local.get $z1) (i64x2.shr_u (local.get $z1) (i32.const 30))) (v128.const i64x2 0xbf58476d1ce4e5b9 0xbf58476d1ce4e5b9)))
        (local.set $z1 (i64x2.mul (v128.xor (local.get $z1) (i64x2.shr_u (local.get $z1) (i32.const 27))) (v128.const i64x2 0x94d049bb133111eb 0x94d049bb133111eb)))
        (local.set $z1 (v128.xor (local.get $z1) (i64x2.shr_u (local.get $z1) (i32.const 31))))
        (local.set $z2 (i64x2.add (local.get $key) (i64x2.mul (i64x2.add (i64x2.add (local.get $cnt) (v128.const i64x2 0x1 0x1)) (v128.const i64x2 0x1 0x1)) (v128.const i64x2 0x9e3779b97f4a7c15 0x9e3779b97f4a7c15))))
        (local.set $z2 (i64x2.mul (v128.xor (local.get $z2) (i64x2.shr_u (local.get $z2) (i32.const 30))) (v128.const i64x2 0xbf58476d1ce4e5b9 0xbf58476d1ce4e5b9)))
        (local.set $z2 (i64x2.mul (v128.xor (local.get $z2) (i64x2.shr_u (local.get $z2) (i32.const 27))) (v128.const i64x2 0x94d049bb133111eb 0x94d049bb133111eb)))
        (local.set $z2 (v128.xor (local.get $z2) (i64x2.shr_u (local.get $z2) (i32.const 31))))
        (local.set $u1 (f64x2.add (f64x2.sub (v128.or (i64x2.shr_u (local.get $z1) (i32.const 12)) (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000)) (v128.const f64x2 1.0 1.0)) (v128.const f64x2 1.1102230246251565e-16 1.1102230246251565e-16)))
        (local.set $u2 (f64x2.add (f64x2.sub (v128.or (i64x2.shr_u (local.get $z2) (i32.const 12)) (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000)) (v128.const f64x2 1.0 1.0)) (v128.const f64x2 1.1102230246251565e-16 1.1102230246251565e-16)))
        (local.set $v (f64x2.mul (f64x2.sub (local.get $u1) (v128.const f64x2 0.5 0.5)) (v128.const f64x2 3.141592653589793 3.141592653589793)))
        (local.set $lax (local.get $u2))
        (local.set $lasub (f64x2.lt (local.get $lax) (v128.const f64x2 2.2250738585072014e-308 2.2250738585072014e-308)))
        (local.set $laf (v128.bitselect (f64x2.mul (local.get $lax) (v128.const f64x2 1.8014398509481984e+16 1.8014398509481984e+16)) (local.get $lax) (local.get $lasub)))
        (local.set $latmp (i64x2.sub (local.get $laf) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $lak (i64x2.shr_s (local.get $latmp) (i32.const 52)))
        (local.set $laf (f64x2.sub (i64x2.sub (local.get $laf) (v128.and (local.get $latmp) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))) (v128.const f64x2 1.0 1.0)))
        (local.set $lak (f64x2.sub (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $lak) (local.get $lak))) (v128.and (local.get $lasub) (v128.const f64x2 54.0 54.0))))
        (local.set $las (f64x2.div (local.get $laf) (f64x2.add (v128.const f64x2 2.0 2.0) (local.get $laf))))
        (local.set $las2 (f64x2.mul (local.get $las) (local.get $las)))
        (local.set $las4 (f64x2.mul (local.get $las2) (local.get $las2)))
        (local.set $lar (f64x2.add (f64x2.mul (local.get $las2) (f64x2.add (v128.const f64x2 0.6666666666666735 0.6666666666666735) (f64x2.mul (local.get $las4) (f64x2.add (v128.const f64x2 0.2857142874366239 0.2857142874366239) (f64x2.mul (local.get $las4) (f64x2.add (v128.const f64x2 0.1818357216161805 0.1818357216161805) (f64x2.mul (local.get $las4) (v128.const f64x2 0.14798198605116586 0.14798198605116586)))))))) (f64x2.mul (local.get $las4) (f64x2.add (v128.const f64x2 0.3999999999940942 0.3999999999940942) (f64x2.mul (local.get $las4) (f64x2.add (v128.const f64x2 0.22222198432149784 0.22222198432149784) (f64x2.mul (local.get $las4) (v128.const f64x2 0.15313837699209373 0.15313837699209373))))))))
        (local.set $lah (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $laf) (local.get $laf))))
        (local.set $lw (f64x2.sub (f64x2.mul (local.get $lak) (v128.const f64x2 0.6931471803691238 0.6931471803691238)) (f64x2.sub (f64x2.sub (local.get $lah) (f64x2.add (f64x2.mul (local.get $las) (f64x2.add (local.get $lah) (local.get $lar))) (f64x2.mul (local.get $lak) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10)))) (local.get $laf))))
        (local.set $w (f64x2.neg (local.get $lw)))
        (local.set $t (f64x2.mul (local.get $va) (local.get $v)))
        (local.set $at (f64x2.abs (local.get $t)))
        (local.set $r (v128.bitselect (f64x2.add (f64x2.sub (v128.const f64x2 3.141592653589793 3.141592653589793) (local.get $at)) (v128.const f64x2 1.2246467991473532e-16 1.2246467991473532e-16)) (local.get $at) (f64x2.gt (local.get $at) (v128.const f64x2 1.5707963267948966 1.5707963267948966))))
        (local.set $spx (local.get $r))
        (local.set $spz (f64x2.mul (local.get $spx) (local.get $spx)))
        (local.set $sa (f64x2.mul (local.get $spx) (f64x2.add (v128.const f64x2 1.0 1.0) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 -0.16666666666666666 -0.16666666666666666) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 0.008333333333333333 0.008333333333333333) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 -0.0001984126984126984 -0.0001984126984126984) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 -2.505210838544172e-08 -2.505210838544172e-08) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 -7.647163731819816e-13 -7.647163731819816e-13) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 2.8114572543455206e-15 2.8114572543455206e-15) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 -8.22063524662433e-18 -8.22063524662433e-18) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 1.9572941063391263e-20 1.9572941063391263e-20) (f64x2.mul (local.get $spz) (v128.const f64x2 -3.868170170630684e-23 -3.868170170630684e-23)))))))))))))))))))))))))
        (local.set $sa (v128.or (local.get $sa) (v128.and (local.get $t) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))
        (local.set $sbx (f64x2.add (f64x2.sub (v128.const f64x2 1.5707963267948966 1.5707963267948966) (f64x2.abs (local.get $v))) (v128.const f64x2 6.123233995736766e-17 6.123233995736766e-17)))
        (local.set $sbz (f64x2.mul (local.get $sbx) (local.get $sbx)))
        (local.set $cb (f64x2.mul (local.get $sbx) (f64x2.add (v128.const f64x2 1.0 1.0) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 -0.16666666666666666 -0.16666666666666666) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 0.008333333333333333 0.008333333333333333) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 -0.0001984126984126984 -0.0001984126984126984) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 -2.505210838544172e-08 -2.505210838544172e-08) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 -7.647163731819816e-13 -7.647163731819816e-13) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 2.8114572543455206e-15 2.8114572543455206e-15) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 -8.22063524662433e-18 -8.22063524662433e-18) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 1.9572941063391263e-20 1.9572941063391263e-20) (f64x2.mul (local.get $sbz) (v128.const f64x2 -3.868170170630684e-23 -3.868170170630684e-23)))))))))))))))))))))))))
        (local.set $scx (f64x2.add (f64x2.sub (v128.const f64x2 1.5707963267948966 1.5707963267948966) (f64x2.abs (f64x2.mul (local.get $vb) (local.get $v)))) (v128.const f64x2 6.123233995736766e-17 6.123233995736766e-17)))
        (local.set $scz (f64x2.mul (local.get $scx) (local.get $scx)))
        (local.set $cc (f64x2.mul (local.get $scx) (f64x2.add (v128.const f64x2 1.0 1.0) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 -0.16666666666666666 -0.16666666666666666) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 0.008333333333333333 0.008333333333333333) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 -0.0001984126984126984 -0.0001984126984126984) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 -2.505210838544172e-08 -2.505210838544172e-08) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 -7.647163731819816e-13 -7.647163731819816e-13) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 2.8114572543455206e-15 2.8114572543455206e-15) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 -8.22063524662433e-18 -8.22063524662433e-18) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 1.9572941063391263e-20 1.9572941063391263e-20) (f64x2.mul (local.get $scz) (v128.const f64x2 -3.868170170630684e-23 -3.868170170630684e-23)))))))))))))))))))))))))
        (local.set $lb_x (local.get $cb))
        (local.set $lb_sub (f64x2.lt (local.get $lb_x) (v128.const f64x2 2.2250738585072014e-308 2.2250738585072014e-308)))
        (local.set $lb_f (v128.bitselect (f64x2.mul (local.get $lb_x) (v128.const f64x2 1.8014398509481984e+16 1.8014398509481984e+16)) (local.get $lb_x) (local.get $lb_sub)))
        (local.set $lb_tmp (i64x2.sub (local.get $lb_f) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $lb_k (i64x2.shr_s (local.get $lb_tmp) (i32.const 52)))
        (local.set $lb_f (f64x2.sub (i64x2.sub (local.get $lb_f) (v128.and (local.get $lb_tmp) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))) (v128.const f64x2 1.0 1.0)))
        (local.set $lb_k (f64x2.sub (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $lb_k) (local.get $lb_k))) (v128.and (local.get $lb_sub) (v128.const f64x2 54.0 54.0))))
        (local.set $lb_s (f64x2.div (local.get $lb_f) (f64x2.add (v128.const f64x2 2.0 2.0) (local.get $lb_f))))
        (local.set $lb_s2 (f64x2.mul (local.get $lb_s) (local.get $lb_s)))
        (local.set $lb_s4 (f64x2.mul (local.get $lb_s2) (local.get $lb_s2)))
        (local.set $lb_r (f64x2.add (f64x2.mul (local.get $lb_s2) (f64x2.add (v128.const f64x2 0.6666666666666735 0.6666666666666735) (f64x2.mul (local.get $lb_s4) (f64x2.add (v128.const f64x2 0.2857142874366239 0.2857142874366239) (f64x2.mul (local.get $lb_s4) (f64x2.add (v128.const f64x2 0.1818357216161805 0.1818357216161805) (f64x2.mul (local.get $lb_s4) (v128.const f64x2 0.14798198605116586 0.14798198605116586)))))))) (f64x2.mul (local.get $lb_s4) (f64x2.add (v128.const f64x2 0.3999999999940942 0.3999999999940942) (f64x2.mul (local.get $lb_s4) (f64x2.add (v128.const f64x2 0.22222198432149784 0.22222198432149784) (f64x2.mul (local.get $lb_s4) (v128.const f64x2 0.15313837699209373 0.15313837699209373))))))))
        (local.set $lb_h (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $lb_f) (local.get $lb_f))))
        (local.set $lb (f64x2.sub (f64x2.mul (local.get $lb_k) (v128.const f64x2 0.6931471803691238 0.6931471803691238)) (f64x2.sub (f64x2.sub (local.get $lb_h) (f64x2.add (f64x2.mul (local.get $lb_s) (f64x2.add (local.get $lb_h) (local.get $lb_r))) (f64x2.mul (local.get $lb_k) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10)))) (local.get $lb_f))))
        (local.set $lc_x (f64x2.div (local.get $cc) (local.get $w)))
        (local.set $lc_sub (f64x2.lt (local.get $lc_x) (v128.const f64x2 2.2250738585072014e-308 2.2250738585072014e-308)))
        (local.set $lc_f (v128.bitselect (f64x2.mul (local.get $lc_x) (v128.const f64x2 1.8014398509481984e+16 1.8014398509481984e+16)) (local.get $lc_x) (local.get $lc_sub)))
        (local.set $lc_tmp (i64x2.sub (local.get $lc_f) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $lc_k (i64x2.shr_s (local.get $lc_tmp) (i32.const 52)))
        (local.set $lc_f (f64x2.sub (i64x2.sub (local.get $lc_f) (v128.and (local.get $lc_tmp) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))) (v128.const f64x2 1.0 1.0)))
        (local.set $lc_k (f64x2.sub (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $lc_k) (local.get $lc_k))) (v128.and (local.get $lc_sub) (v128.const f64x2 54.0 54.0))))
        (local.set $lc_s (f64x2.div (local.get $lc_f) (f64x2.add (v128.const f64x2 2.0 2.0) (local.get $lc_f))))
        (local.set $lc_s2 (f64x2.mul (local.get $lc_s) (local.get $lc_s)))
        (local.set $lc_s4 (f64x2.mul (local.get $lc_s2) (local.get $lc_s2)))
        (local.set $lc_r (f64x2.add (f64x2.mul (local.get $lc_s2) (f64x2.add (v128.const f64x2 0.6666666666666735 0.6666666666666735) (f64x2.mul (local.get $lc_s4) (f64x2.add (v128.const f64x2 0.2857142874366239 0.2857142874366239) (f64x2.mul (local.get $lc_s4) (f64x2.add (v128.const f64x2 0.1818357216161805 0.1818357216161805) (f64x2.mul (local.get $lc_s4) (v128.const f64x2 0.14798198605116586 0.14798198605116586)))))))) (f64x2.mul (local.get $lc_s4) (f64x2.add (v128.const f64x2 0.3999999999940942 0.3999999999940942) (f64x2.mul (local.get $lc_s4) (f64x2.add (v128.const f64x2 0.22222198432149784 0.22222198432149784) (f64x2.mul (local.get $lc_s4) (v128.const f64x2 0.15313837699209373 0.15313837699209373))))))))
        (local.set $lc_h (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $lc_f) (local.get $lc_f))))
        (local.set $lc (f64x2.sub (f64x2.mul (local.get $lc_k) (v128.const f64x2 0.6931471803691238 0.6931471803691238)) (f64x2.sub (f64x2.sub (local.get $lc_h) (f64x2.add (f64x2.mul (local.get $lc_s) (f64x2.add (local.get $lc_h) (local.get $lc_r))) (f64x2.mul (local.get $lc_k) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10)))) (local.get $lc_f))))
        (local.set $e (f64x2.add (f64x2.mul (local.get $vnia) (local.get $lb)) (f64x2.mul (local.get $ve) (local.get $lc))))
        (local.set $exx (local.get $e))
        (local.set $exxc (f64x2.pmin (f64x2.pmax (local.get $exx) (v128.const f64x2 -708.0 -708.0)) (v128.const f64x2 709.0 709.0)))
        (local.set $exk (f64x2.nearest (f64x2.mul (local.get $exxc) (v128.const f64x2 1.4426950408889634 1.4426950408889634))))
        (local.set $exr (f64x2.sub (f64x2.sub (local.get $exxc) (f64x2.mul (local.get $exk) (v128.const f64x2 0.6931471803691238 0.6931471803691238))) (f64x2.mul (local.get $exk) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10))))
        (local.set $exe (f64x2.add (v128.const f64x2 1.0 1.0) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 1.0 1.0) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 0.16666666666666666 0.16666666666666666) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 0.041666666666666664 0.041666666666666664) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 0.008333333333333333 0.008333333333333333) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 0.001388888888888889 0.001388888888888889) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 0.0001984126984126984 0.0001984126984126984) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 2.48015873015873e-05 2.48015873015873e-05) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 2.755731922398589e-07 2.755731922398589e-07) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 2.505210838544172e-08 2.505210838544172e-08) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 2.08767569878681e-09 2.08767569878681e-09) (f64x2.mul (local.get $exr) (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))))))))))))))))))))))))))))
        (local.set $exki (i64x2.shl (i64x2.add (i64x2.sub (f64x2.add (local.get $exk) (v128.const f64x2 6755399441055744.0 6755399441055744.0)) (v128.const i64x2 0x4338000000000000 0x4338000000000000)) (v128.const i64x2 0x3ff 0x3ff)) (i32.const 52)))
        (local.set $exe (f64x2.mul (local.get $exe) (local.get $exki)))
        (local.set $exe (v128.bitselect (v128.const f64x2 inf inf) (local.get $exe) (f64x2.gt (local.get $exx) (v128.const f64x2 709.0 709.0))))
        (local.set $ee (v128.bitselect (v128.const f64x2 0.0 0.0) (local.get $exe) (f64x2.lt (local.get $exx) (v128.const f64x2 -708.0 -708.0))))
        (local.set $res (f64x2.mul (local.get $vs) (f64x2.mul (local.get $sa) (local.get $ee))))
        (v128.store (local.get $dst) (local.get $res))
        (local.set $cnt (i64x2.add (local.get $cnt) (v128.const i64x2 0x4 0x4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $loop)))
    ;; an odd last sample: compute the pair, keep lane 0
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $z1 (i64x2.add (local.get $key) (i64x2.mul (i64x2.add (local.get $cnt) (v128.const i64x2 0x1 0x1)) (v128.const i64x2 0x9e3779b97f4a7c15 0x9e3779b97f4a7c15))))
        (local.set $z1 (i64x2.mul (v128.xor (local.get $z1) (i64x2.shr_u (local.get $z1) (i32.const 30))) (v128.const i64x2 0xbf58476d1ce4e5b9 0xbf58476d1ce4e5b9)))
        (local.set $z1 (i64x2.mul (v128.xor (local.get $z1) (i64x2.shr_u (local.get $z1) (i32.const 27))) (v128.const i64x2 0x94d049bb133111eb 0x94d049bb133111eb)))
        (local.set $z1 (v128.xor (local.get $z1) (i64x2.shr_u (local.get $z1) (i32.const 31))))
        (local.set $z2 (i64x2.add (local.get $key) (i64x2.mul (i64x2.add (i64x2.add (local.get $cnt) (v128.const i64x2 0x1 0x1)) (v128.const i64x2 0x1 0x1)) (v128.const i64x2 0x9e3779b97f4a7c15 0x9e3779b97f4a7c15))))
        (local.set $z2 (i64x2.mul (v128.xor (local.get $z2) (i64x2.shr_u (local.get $z2) (i32.const 30))) (v128.const i64x2 0xbf58476d1ce4e5b9 0xbf58476d1ce4e5b9)))
        (local.set $z2 (i64x2.mul (v128.xor (local.get $z2) (i64x2.shr_u (local.get $z2) (i32.const 27))) (v128.const i64x2 0x94d049bb133111eb 0x94d049bb133111eb)))
        (local.set $z2 (v128.xor (local.get $z2) (i64x2.shr_u (local.get $z2) (i32.const 31))))
        (local.set $u1 (f64x2.add (f64x2.sub (v128.or (i64x2.shr_u (local.get $z1) (i32.const 12)) (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000)) (v128.const f64x2 1.0 1.0)) (v128.const f64x2 1.1102230246251565e-16 1.1102230246251565e-16)))
        (local.set $u2 (f64x2.add (f64x2.sub (v128.or (i64x2.shr_u (local.get $z2) (i32.const 12)) (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000)) (v128.const f64x2 1.0 1.0)) (v128.const f64x2 1.1102230246251565e-16 1.1102230246251565e-16)))
        (local.set $v (f64x2.mul (f64x2.sub (local.get $u1) (v128.const f64x2 0.5 0.5)) (v128.const f64x2 3.141592653589793 3.141592653589793)))
        (local.set $lax (local.get $u2))
        (local.set $lasub (f64x2.lt (local.get $lax) (v128.const f64x2 2.2250738585072014e-308 2.2250738585072014e-308)))
        (local.set $laf (v128.bitselect (f64x2.mul (local.get $lax) (v128.const f64x2 1.8014398509481984e+16 1.8014398509481984e+16)) (local.get $lax) (local.get $lasub)))
        (local.set $latmp (i64x2.sub (local.get $laf) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $lak (i64x2.shr_s (local.get $latmp) (i32.const 52)))
        (local.set $laf (f64x2.sub (i64x2.sub (local.get $laf) (v128.and (local.get $latmp) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))) (v128.const f64x2 1.0 1.0)))
        (local.set $lak (f64x2.sub (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $lak) (local.get $lak))) (v128.and (local.get $lasub) (v128.const f64x2 54.0 54.0))))
        (local.set $las (f64x2.div (local.get $laf) (f64x2.add (v128.const f64x2 2.0 2.0) (local.get $laf))))
        (local.set $las2 (f64x2.mul (local.get $las) (local.get $las)))
        (local.set $las4 (f64x2.mul (local.get $las2) (local.get $las2)))
        (local.set $lar (f64x2.add (f64x2.mul (local.get $las2) (f64x2.add (v128.const f64x2 0.6666666666666735 0.6666666666666735) (f64x2.mul (local.get $las4) (f64x2.add (v128.const f64x2 0.2857142874366239 0.2857142874366239) (f64x2.mul (local.get $las4) (f64x2.add (v128.const f64x2 0.1818357216161805 0.1818357216161805) (f64x2.mul (local.get $las4) (v128.const f64x2 0.14798198605116586 0.14798198605116586)))))))) (f64x2.mul (local.get $las4) (f64x2.add (v128.const f64x2 0.3999999999940942 0.3999999999940942) (f64x2.mul (local.get $las4) (f64x2.add (v128.const f64x2 0.22222198432149784 0.22222198432149784) (f64x2.mul (local.get $las4) (v128.const f64x2 0.15313837699209373 0.15313837699209373))))))))
        (local.set $lah (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $laf) (local.get $laf))))
        (local.set $lw (f64x2.sub (f64x2.mul (local.get $lak) (v128.const f64x2 0.6931471803691238 0.6931471803691238)) (f64x2.sub (f64x2.sub (local.get $lah) (f64x2.add (f64x2.mul (local.get $las) (f64x2.add (local.get $lah) (local.get $lar))) (f64x2.mul (local.get $lak) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10)))) (local.get $laf))))
        (local.set $w (f64x2.neg (local.get $lw)))
        (local.set $t (f64x2.mul (local.get $va) (local.get $v)))
        (local.set $at (f64x2.abs (local.get $t)))
        (local.set $r (v128.bitselect (f64x2.add (f64x2.sub (v128.const f64x2 3.141592653589793 3.141592653589793) (local.get $at)) (v128.const f64x2 1.2246467991473532e-16 1.2246467991473532e-16)) (local.get $at) (f64x2.gt (local.get $at) (v128.const f64x2 1.5707963267948966 1.5707963267948966))))
        (local.set $spx (local.get $r))
        (local.set $spz (f64x2.mul (local.get $spx) (local.get $spx)))
        (local.set $sa (f64x2.mul (local.get $spx) (f64x2.add (v128.const f64x2 1.0 1.0) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 -0.16666666666666666 -0.16666666666666666) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 0.008333333333333333 0.008333333333333333) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 -0.0001984126984126984 -0.0001984126984126984) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 -2.505210838544172e-08 -2.505210838544172e-08) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 -7.647163731819816e-13 -7.647163731819816e-13) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 2.8114572543455206e-15 2.8114572543455206e-15) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 -8.22063524662433e-18 -8.22063524662433e-18) (f64x2.mul (local.get $spz) (f64x2.add (v128.const f64x2 1.9572941063391263e-20 1.9572941063391263e-20) (f64x2.mul (local.get $spz) (v128.const f64x2 -3.868170170630684e-23 -3.868170170630684e-23)))))))))))))))))))))))))
        (local.set $sa (v128.or (local.get $sa) (v128.and (local.get $t) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))
        (local.set $sbx (f64x2.add (f64x2.sub (v128.const f64x2 1.5707963267948966 1.5707963267948966) (f64x2.abs (local.get $v))) (v128.const f64x2 6.123233995736766e-17 6.123233995736766e-17)))
        (local.set $sbz (f64x2.mul (local.get $sbx) (local.get $sbx)))
        (local.set $cb (f64x2.mul (local.get $sbx) (f64x2.add (v128.const f64x2 1.0 1.0) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 -0.16666666666666666 -0.16666666666666666) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 0.008333333333333333 0.008333333333333333) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 -0.0001984126984126984 -0.0001984126984126984) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 -2.505210838544172e-08 -2.505210838544172e-08) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 -7.647163731819816e-13 -7.647163731819816e-13) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 2.8114572543455206e-15 2.8114572543455206e-15) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 -8.22063524662433e-18 -8.22063524662433e-18) (f64x2.mul (local.get $sbz) (f64x2.add (v128.const f64x2 1.9572941063391263e-20 1.9572941063391263e-20) (f64x2.mul (local.get $sbz) (v128.const f64x2 -3.868170170630684e-23 -3.868170170630684e-23)))))))))))))))))))))))))
        (local.set $scx (f64x2.add (f64x2.sub (v128.const f64x2 1.5707963267948966 1.5707963267948966) (f64x2.abs (f64x2.mul (local.get $vb) (local.get $v)))) (v128.const f64x2 6.123233995736766e-17 6.123233995736766e-17)))
        (local.set $scz (f64x2.mul (local.get $scx) (local.get $scx)))
        (local.set $cc (f64x2.mul (local.get $scx) (f64x2.add (v128.const f64x2 1.0 1.0) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 -0.16666666666666666 -0.16666666666666666) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 0.008333333333333333 0.008333333333333333) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 -0.0001984126984126984 -0.0001984126984126984) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 -2.505210838544172e-08 -2.505210838544172e-08) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 -7.647163731819816e-13 -7.647163731819816e-13) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 2.8114572543455206e-15 2.8114572543455206e-15) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 -8.22063524662433e-18 -8.22063524662433e-18) (f64x2.mul (local.get $scz) (f64x2.add (v128.const f64x2 1.9572941063391263e-20 1.9572941063391263e-20) (f64x2.mul (local.get $scz) (v128.const f64x2 -3.868170170630684e-23 -3.868170170630684e-23)))))))))))))))))))))))))
        (local.set $lb_x (local.get $cb))
        (local.set $lb_sub (f64x2.lt (local.get $lb_x) (v128.const f64x2 2.2250738585072014e-308 2.2250738585072014e-308)))
        (local.set $lb_f (v128.bitselect (f64x2.mul (local.get $lb_x) (v128.const f64x2 1.8014398509481984e+16 1.8014398509481984e+16)) (local.get $lb_x) (local.get $lb_sub)))
        (local.set $lb_tmp (i64x2.sub (local.get $lb_f) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $lb_k (i64x2.shr_s (local.get $lb_tmp) (i32.const 52)))
        (local.set $lb_f (f64x2.sub (i64x2.sub (local.get $lb_f) (v128.and (local.get $lb_tmp) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))) (v128.const f64x2 1.0 1.0)))
        (local.set $lb_k (f64x2.sub (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $lb_k) (local.get $lb_k))) (v128.and (local.get $lb_sub) (v128.const f64x2 54.0 54.0))))
        (local.set $lb_s (f64x2.div (local.get $lb_f) (f64x2.add (v128.const f64x2 2.0 2.0) (local.get $lb_f))))
        (local.set $lb_s2 (f64x2.mul (local.get $lb_s) (local.get $lb_s)))
        (local.set $lb_s4 (f64x2.mul (local.get $lb_s2) (local.get $lb_s2)))
        (local.set $lb_r (f64x2.add (f64x2.mul (local.get $lb_s2) (f64x2.add (v128.const f64x2 0.6666666666666735 0.6666666666666735) (f64x2.mul (local.get $lb_s4) (f64x2.add (v128.const f64x2 0.2857142874366239 0.2857142874366239) (f64x2.mul (local.get $lb_s4) (f64x2.add (v128.const f64x2 0.1818357216161805 0.1818357216161805) (f64x2.mul (local.get $lb_s4) (v128.const f64x2 0.14798198605116586 0.14798198605116586)))))))) (f64x2.mul (local.get $lb_s4) (f64x2.add (v128.const f64x2 0.3999999999940942 0.3999999999940942) (f64x2.mul (local.get $lb_s4) (f64x2.add (v128.const f64x2 0.22222198432149784 0.22222198432149784) (f64x2.mul (local.get $lb_s4) (v128.const f64x2 0.15313837699209373 0.15313837699209373))))))))
        (local.set $lb_h (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $lb_f) (local.get $lb_f))))
        (local.set $lb (f64x2.sub (f64x2.mul (local.get $lb_k) (v128.const f64x2 0.6931471803691238 0.6931471803691238)) (f64x2.sub (f64x2.sub (local.get $lb_h) (f64x2.add (f64x2.mul (local.get $lb_s) (f64x2.add (local.get $lb_h) (local.get $lb_r))) (f64x2.mul (local.get $lb_k) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10)))) (local.get $lb_f))))
        (local.set $lc_x (f64x2.div (local.get $cc) (local.get $w)))
        (local.set $lc_sub (f64x2.lt (local.get $lc_x) (v128.const f64x2 2.2250738585072014e-308 2.2250738585072014e-308)))
        (local.set $lc_f (v128.bitselect (f64x2.mul (local.get $lc_x) (v128.const f64x2 1.8014398509481984e+16 1.8014398509481984e+16)) (local.get $lc_x) (local.get $lc_sub)))
        (local.set $lc_tmp (i64x2.sub (local.get $lc_f) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $lc_k (i64x2.shr_s (local.get $lc_tmp) (i32.const 52)))
        (local.set $lc_f (f64x2.sub (i64x2.sub (local.get $lc_f) (v128.and (local.get $lc_tmp) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))) (v128.const f64x2 1.0 1.0)))
        (local.set $lc_k (f64x2.sub (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $lc_k) (local.get $lc_k))) (v128.and (local.get $lc_sub) (v128.const f64x2 54.0 54.0))))
        (local.set $lc_s (f64x2.div (local.get $lc_f) (f64x2.add (v128.const f64x2 2.0 2.0) (local.get $lc_f))))
        (local.set $lc_s2 (f64x2.mul (local.get $lc_s) (local.get $lc_s)))
        (local.set $lc_s4 (f64x2.mul (local.get $lc_s2) (local.get $lc_s2)))
        (local.set $lc_r (f64x2.add (f64x2.mul (local.get $lc_s2) (f64x2.add (v128.const f64x2 0.6666666666666735 0.6666666666666735) (f64x2.mul (local.get $lc_s4) (f64x2.add (v128.const f64x2 0.2857142874366239 0.2857142874366239) (f64x2.mul (local.get $lc_s4) (f64x2.add (v128.const f64x2 0.1818357216161805 0.1818357216161805) (f64x2.mul (local.get $lc_s4) (v128.const f64x2 0.14798198605116586 0.14798198605116586)))))))) (f64x2.mul (local.get $lc_s4) (f64x2.add (v128.const f64x2 0.3999999999940942 0.3999999999940942) (f64x2.mul (local.get $lc_s4) (f64x2.add (v128.const f64x2 0.22222198432149784 0.22222198432149784) (f64x2.mul (local.get $lc_s4) (v128.const f64x2 0.15313837699209373 0.15313837699209373))))))))
        (local.set $lc_h (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $lc_f) (local.get $lc_f))))
        (local.set $lc (f64x2.sub (f64x2.mul (local.get $lc_k) (v128.const f64x2 0.6931471803691238 0.6931471803691238)) (f64x2.sub (f64x2.sub (local.get $lc_h) (f64x2.add (f64x2.mul (local.get $lc_s) (f64x2.add (local.get $lc_h) (local.get $lc_r))) (f64x2.mul (local.get $lc_k) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10)))) (local.get $lc_f))))
        (local.set $e (f64x2.add (f64x2.mul (local.get $vnia) (local.get $lb)) (f64x2.mul (local.get $ve) (local.get $lc))))
        (local.set $exx (local.get $e))
        (local.set $exxc (f64x2.pmin (f64x2.pmax (local.get $exx) (v128.const f64x2 -708.0 -708.0)) (v128.const f64x2 709.0 709.0)))
        (local.set $exk (f64x2.nearest (f64x2.mul (local.get $exxc) (v128.const f64x2 1.4426950408889634 1.4426950408889634))))
        (local.set $exr (f64x2.sub (f64x2.sub (local.get $exxc) (f64x2.mul (local.get $exk) (v128.const f64x2 0.6931471803691238 0.6931471803691238))) (f64x2.mul (local.get $exk) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10))))
        (local.set $exe (f64x2.add (v128.const f64x2 1.0 1.0) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 1.0 1.0) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 0.16666666666666666 0.16666666666666666) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 0.041666666666666664 0.041666666666666664) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 0.008333333333333333 0.008333333333333333) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 0.001388888888888889 0.001388888888888889) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 0.0001984126984126984 0.0001984126984126984) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 2.48015873015873e-05 2.48015873015873e-05) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 2.7557319223985893e-06 2.7557319223985893e-06) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 2.755731922398589e-07 2.755731922398589e-07) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 2.505210838544172e-08 2.505210838544172e-08) (f64x2.mul (local.get $exr) (f64x2.add (v128.const f64x2 2.08767569878681e-09 2.08767569878681e-09) (f64x2.mul (local.get $exr) (v128.const f64x2 1.6059043836821613e-10 1.6059043836821613e-10))))))))))))))))))))))))))))
        (local.set $exki (i64x2.shl (i64x2.add (i64x2.sub (f64x2.add (local.get $exk) (v128.const f64x2 6755399441055744.0 6755399441055744.0)) (v128.const i64x2 0x4338000000000000 0x4338000000000000)) (v128.const i64x2 0x3ff 0x3ff)) (i32.const 52)))
        (local.set $exe (f64x2.mul (local.get $exe) (local.get $exki)))
        (local.set $exe (v128.bitselect (v128.const f64x2 inf inf) (local.get $exe) (f64x2.gt (local.get $exx) (v128.const f64x2 709.0 709.0))))
        (local.set $ee (v128.bitselect (v128.const f64x2 0.0 0.0) (local.get $exe) (f64x2.lt (local.get $exx) (v128.const f64x2 -708.0 -708.0))))
        (local.set $res (f64x2.mul (local.get $vs) (f64x2.mul (local.get $sa) (local.get $ee))))
        (f64.store (local.get $dst) (f64x2.extract_lane 0 (local.get $res)))))
  )


  ;; log2x returns log of both lanes of x, for positive normal finite x (logabssum's ends).
  (func $log2x (param $x v128) (result v128)
    (local $tmp v128) (local $k v128) (local $f v128) (local $s v128) (local $s2 v128)
    (local $s4 v128) (local $r v128) (local $h v128)
    (local.set $tmp (i64x2.sub (local.get $x) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
    (local.set $k (f64x2.convert_low_i32x4_s (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11
      (i64x2.shr_s (local.get $tmp) (i32.const 52)) (i64x2.shr_s (local.get $tmp) (i32.const 52)))))
    (local.set $f (f64x2.sub
      (i64x2.sub (local.get $x) (v128.and (local.get $tmp) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000)))
      (v128.const f64x2 1 1)))
    (local.set $s (f64x2.div (local.get $f) (f64x2.add (v128.const f64x2 2 2) (local.get $f))))
    (local.set $s2 (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $s4 (f64x2.mul (local.get $s2) (local.get $s2)))
    (local.set $r (f64x2.add
      (f64x2.mul (local.get $s2)
        (f64x2.add (v128.const f64x2 6.666666666666735130e-01 6.666666666666735130e-01)
          (f64x2.mul (local.get $s4)
            (f64x2.add (v128.const f64x2 2.857142874366239149e-01 2.857142874366239149e-01)
              (f64x2.mul (local.get $s4)
                (f64x2.add (v128.const f64x2 1.818357216161805012e-01 1.818357216161805012e-01)
                  (f64x2.mul (local.get $s4) (v128.const f64x2 1.479819860511658591e-01 1.479819860511658591e-01))))))))
      (f64x2.mul (local.get $s4)
        (f64x2.add (v128.const f64x2 3.999999999940941908e-01 3.999999999940941908e-01)
          (f64x2.mul (local.get $s4)
            (f64x2.add (v128.const f64x2 2.222219843214978396e-01 2.222219843214978396e-01)
              (f64x2.mul (local.get $s4) (v128.const f64x2 1.531383769920937332e-01 1.531383769920937332e-01))))))))
    (local.set $h (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $f) (local.get $f))))
    (f64x2.sub
      (f64x2.mul (local.get $k) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))
      (f64x2.sub
        (f64x2.sub (local.get $h)
          (f64x2.add (f64x2.mul (local.get $s) (f64x2.add (local.get $h) (local.get $r)))
            (f64x2.mul (local.get $k) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))))
        (local.get $f)))
  )

  ;; logabssum: Σ log|x_i| = (Σ k_i)·ln 2 + log Π m_i with |x_i| = m_i·2^k_i, m_i in [√2/2, √2):
  ;; each value costs a split of its bits and a multiply; the running products (4 lanes) are
  ;; split again after every step so they stay in [1/2, 2), and one log per lane ends the sum.
  ;; The exponents add up exactly (i64 lanes). Rounding: ~1e-16 absolute per term (not relative:
  ;; for |x| ≈ 1 the term log|x| itself is tiny). Zeros, subnormals, Inf and NaN are flagged;
  ;; if any occurs, the whole sum is redone by logabssum_exact.
  (func $logabssum (export "logabssum") (param $p i32) (param $n i32) (result f64)
    (local $p0 i32) (local $end i32) (local $end8 i32)
    (local $bad v128) (local $k0 v128) (local $k1 v128) (local $m0 v128) (local $m1 v128)
    (local $x v128) (local $t v128) (local $y v128) (local $lg v128) (local $kt i64)
    (local.set $p0 (local.get $p))
    (local.set $m0 (v128.const f64x2 1 1))
    (local.set $m1 (v128.const f64x2 1 1))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end8 (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $p) (local.get $end8)))
        ;; first vector into (m0, k0)
        (local.set $x (v128.and (v128.load (local.get $p)) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)))
        (local.set $bad (v128.or (local.get $bad)
          (v128.or (f64x2.lt (local.get $x) (v128.const f64x2 0x1p-1022 0x1p-1022))
            (f64x2.ge (local.get $x) (v128.const f64x2 inf inf)))))
        (local.set $bad (v128.or (local.get $bad) (f64x2.ne (local.get $x) (local.get $x))))
        (local.set $t (i64x2.sub (local.get $x) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $k0 (i64x2.add (local.get $k0) (i64x2.shr_u (i64x2.add (local.get $t) (v128.const i64x2 0x4000000000000000 0x4000000000000000)) (i32.const 52))))
        (local.set $y (i64x2.sub (local.get $x) (v128.and (local.get $t) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))))
        (local.set $m0 (f64x2.mul (local.get $m0) (local.get $y)))
        ;; second vector into (m1, k1)
        (local.set $x (v128.and (v128.load offset=16 (local.get $p)) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)))
        (local.set $bad (v128.or (local.get $bad)
          (v128.or (f64x2.lt (local.get $x) (v128.const f64x2 0x1p-1022 0x1p-1022))
            (f64x2.ge (local.get $x) (v128.const f64x2 inf inf)))))
        (local.set $bad (v128.or (local.get $bad) (f64x2.ne (local.get $x) (local.get $x))))
        (local.set $t (i64x2.sub (local.get $x) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $k1 (i64x2.add (local.get $k1) (i64x2.shr_u (i64x2.add (local.get $t) (v128.const i64x2 0x4000000000000000 0x4000000000000000)) (i32.const 52))))
        (local.set $y (i64x2.sub (local.get $x) (v128.and (local.get $t) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))))
        (local.set $m1 (f64x2.mul (local.get $m1) (local.get $y)))
        ;; renormalise the products (now in [1/2, 2)·[√2/2, √2)) back into [√2/2, √2)
        (local.set $t (i64x2.sub (local.get $m0) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $k0 (i64x2.add (local.get $k0) (i64x2.shr_u (i64x2.add (local.get $t) (v128.const i64x2 0x4000000000000000 0x4000000000000000)) (i32.const 52))))
        (local.set $m0 (i64x2.sub (local.get $m0) (v128.and (local.get $t) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))))
        (local.set $t (i64x2.sub (local.get $m1) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $k1 (i64x2.add (local.get $k1) (i64x2.shr_u (i64x2.add (local.get $t) (v128.const i64x2 0x4000000000000000 0x4000000000000000)) (i32.const 52))))
        (local.set $m1 (i64x2.sub (local.get $m1) (v128.and (local.get $t) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $loop)))
    ;; the last n mod 4 values, one at a time (other lane 1: m = 1, k = 0)
    (block $tdone
      (loop $tloop
        (br_if $tdone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $x (v128.and (f64x2.replace_lane 1 (v128.load64_zero (local.get $p)) (f64.const 1))
          (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)))
        (local.set $bad (v128.or (local.get $bad)
          (v128.or (f64x2.lt (local.get $x) (v128.const f64x2 0x1p-1022 0x1p-1022))
            (f64x2.ge (local.get $x) (v128.const f64x2 inf inf)))))
        (local.set $bad (v128.or (local.get $bad) (f64x2.ne (local.get $x) (local.get $x))))
        (local.set $t (i64x2.sub (local.get $x) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $k0 (i64x2.add (local.get $k0) (i64x2.shr_u (i64x2.add (local.get $t) (v128.const i64x2 0x4000000000000000 0x4000000000000000)) (i32.const 52))))
        (local.set $y (i64x2.sub (local.get $x) (v128.and (local.get $t) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))))
        (local.set $m0 (f64x2.mul (local.get $m0) (local.get $y)))
        (local.set $t (i64x2.sub (local.get $m0) (v128.const i64x2 0x3fe6a09e667f3bcd 0x3fe6a09e667f3bcd)))
        (local.set $k0 (i64x2.add (local.get $k0) (i64x2.shr_u (i64x2.add (local.get $t) (v128.const i64x2 0x4000000000000000 0x4000000000000000)) (i32.const 52))))
        (local.set $m0 (i64x2.sub (local.get $m0) (v128.and (local.get $t) (v128.const i64x2 0xfff0000000000000 0xfff0000000000000))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $tloop)))
    (if (v128.any_true (local.get $bad))
      (then (return (call $logabssum_exact (local.get $p0) (local.get $n)))))
    (local.set $lg (f64x2.add (call $log2x (local.get $m0)) (call $log2x (local.get $m1))))
    (local.set $k0 (i64x2.add (local.get $k0) (local.get $k1)))
    ;; every exponent was taken biased by 1024 (a logical shift of t + 2^62): 8 per loop step
    ;; (2 lanes, 2 vectors, value and renormalisation) and 4 per tail step
    (local.set $kt (i64.sub
      (i64.add (i64x2.extract_lane 0 (local.get $k0)) (i64x2.extract_lane 1 (local.get $k0)))
      (i64.mul (i64.const 1024)
        (i64.extend_i32_u (i32.add (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const 3))
          (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2)))))))
    ;; Σk·ln 2 with ln 2 in two parts (Σk·Ln2Hi is exact for |Σk| < 2^32)
    (f64.add
      (f64.add (f64.mul (f64.convert_i64_s (local.get $kt)) (f64.const 6.93147180369123816490e-01))
        (f64.add (f64x2.extract_lane 0 (local.get $lg)) (f64x2.extract_lane 1 (local.get $lg))))
      (f64.mul (f64.convert_i64_s (local.get $kt)) (f64.const 1.90821492927058770002e-10)))
  )
)
