;; Tailscope's relaxed-SIMD matrix products: gemm and gemmtb of kernels.wat (same signatures, same
;; results up to rounding) with f32x4.relaxed_madd, a fused multiply-add where the CPU has one
;; (x86-64 with FMA3, ARM64). The relaxed-SIMD proposal lets the engine round once or twice;
;; either way each sum differs from the Go reference only by float32 rounding, which sim/kernel's
;; tests bound. A fused multiply-add writes into its accumulator and needs no register for the
;; product, so the register blocks here are 5 rows × 8 columns (10 f32x4 accumulators, 2 of B and
;; the broadcast) instead of kernels.wat's 4×8. 6×8 would fill all 15 xmm registers that V8
;; allocates on x86-64 and measured slower in Chromium 156 (spills, ~30 GFLOP/s on the step's
;; products against ~40 for 5×8 and ~35 for 4×8, noisy: a loaded 2-core machine).
;;
;; A separate module because an engine without relaxed SIMD rejects any module that uses it:
;; kernels.js compiles this one when WebAssembly.validate accepts it and falls back to
;; kernels.wat's otherwise; sim/kernel registers both ("wasm-relaxed-simd", "wasm-simd128") and
;; its tests check each against the Go reference on the same inputs.
;;
;; Assemble with wabt: wat2wasm --enable-relaxed-simd kernels_relaxed.wat -o kernels_relaxed.wasm
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
  ;; stride $ldb bytes), A(i, p) at $pa + i·$rs + p·$ps: blocks of 5 rows × 8 columns in 10 f32x4
  ;; accumulators (2 loads of B and 5 broadcasts of A per 10 multiply-adds), then single rows.
  (func $stripe8
    (param $pc i32) (param $ldc i32) (param $pa i32) (param $rs i32) (param $ps i32)
    (param $pb i32) (param $ldb i32) (param $m i32) (param $k i32)
    (local $i i32) (local $p i32) (local $a i32) (local $b i32) (local $c i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128) (local $c40 v128) (local $c41 v128)
    (local.set $i (i32.const 0))
    (block $idone
      (loop $iloop
        (br_if $idone (i32.gt_s (i32.add (local.get $i) (i32.const 5)) (local.get $m)))
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
        (local.set $c40 (v128.const i32x4 0 0 0 0))
        (local.set $c41 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $k))
        (block $pdone
          (loop $ploop
            (br_if $pdone (i32.le_s (local.get $p) (i32.const 0)))
            (local.set $b0 (v128.load (local.get $b)))
            (local.set $b1 (v128.load offset=16 (local.get $b)))
            (local.set $x (v128.load32_splat (local.get $a)))
            (local.set $c00 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c00)))
            (local.set $c01 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c01)))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $rs))))
            (local.set $c10 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c10)))
            (local.set $c11 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c11)))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (i32.mul (local.get $rs) (i32.const 2)))))
            (local.set $c20 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c20)))
            (local.set $c21 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c21)))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (i32.mul (local.get $rs) (i32.const 3)))))
            (local.set $c30 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c30)))
            (local.set $c31 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c31)))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (i32.mul (local.get $rs) (i32.const 4)))))
            (local.set $c40 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c40)))
            (local.set $c41 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c41)))
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
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c40))
        (v128.store offset=16 (local.get $c) (local.get $c41))
        (local.set $i (i32.add (local.get $i) (i32.const 5)))
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
            (local.set $c00 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c00)))
            (local.set $b1 (v128.load offset=16 (local.get $b)))
            (local.set $c01 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c01)))
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
  ;; stride $ldb bytes), A(i, p) at $pa + i·$rs + p·$ps: blocks of 5 rows × 4 columns in 5 f32x4
  ;; accumulators (1 loads of B and 5 broadcasts of A per 5 multiply-adds), then single rows.
  (func $stripe4
    (param $pc i32) (param $ldc i32) (param $pa i32) (param $rs i32) (param $ps i32)
    (param $pb i32) (param $ldb i32) (param $m i32) (param $k i32)
    (local $i i32) (local $p i32) (local $a i32) (local $b i32) (local $c i32)
    (local $b0 v128) (local $x v128)
    (local $c00 v128) (local $c10 v128) (local $c20 v128) (local $c30 v128) (local $c40 v128)
    (local.set $i (i32.const 0))
    (block $idone
      (loop $iloop
        (br_if $idone (i32.gt_s (i32.add (local.get $i) (i32.const 5)) (local.get $m)))
        (local.set $a (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $rs))))
        (local.set $b (local.get $pb))
        (local.set $c00 (v128.const i32x4 0 0 0 0))
        (local.set $c10 (v128.const i32x4 0 0 0 0))
        (local.set $c20 (v128.const i32x4 0 0 0 0))
        (local.set $c30 (v128.const i32x4 0 0 0 0))
        (local.set $c40 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $k))
        (block $pdone
          (loop $ploop
            (br_if $pdone (i32.le_s (local.get $p) (i32.const 0)))
            (local.set $b0 (v128.load (local.get $b)))
            (local.set $x (v128.load32_splat (local.get $a)))
            (local.set $c00 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c00)))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $rs))))
            (local.set $c10 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c10)))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (i32.mul (local.get $rs) (i32.const 2)))))
            (local.set $c20 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c20)))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (i32.mul (local.get $rs) (i32.const 3)))))
            (local.set $c30 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c30)))
            (local.set $x (v128.load32_splat (i32.add (local.get $a) (i32.mul (local.get $rs) (i32.const 4)))))
            (local.set $c40 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c40)))
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
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (local.get $c40))
        (local.set $i (i32.add (local.get $i) (i32.const 5)))
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
            (local.set $c00 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c00)))
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
  ;; multiply then add in the order of the Go reference (scalar: relaxed SIMD has no f32 madd).
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

)
