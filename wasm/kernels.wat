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
;; Blocking: 4 rows × 8 columns of C in 8 f32x4 accumulators; for each p, two loads of B and
;; four broadcasts of A. Remaining rows use a 1×8 block; remaining columns (n mod 8) use scalar
;; loops. Products and sums are separate (mul then add), exactly as the Go reference does.
;;
;; axpy(y, x, n, alpha) sets y[i] += alpha·x[i] for i < n (mul then add, as the Go loop):
;; 8 floats per step in two f32x4 vectors, then one at a time.
;;
;; logabssum(p, n) returns Σ log|x_i| over the n float64 values at byte address p, two at a
;; time in f64x2 lanes (lane sums added at the end). log is FreeBSD's e_log.c as in Go's
;; math.Log (x = m·2^k with m in [√2/2, √2), f = m − 1, s = f/(2+f), the same degree-14
;; polynomial), with the reduction done on the bits as musl does; subnormals are scaled by
;; 2^54 first; log 0 = −Inf, log Inf = Inf, log NaN = NaN, so each term equals Go's pure-Go
;; math.Log(math.Abs(x)).
;;
;; Assemble with wabt: wat2wasm kernels.wat -o kernels.wasm (sim/kernel's tests check that
;; kernels.wasm and the copy embedded in kernels.js match this source).
(module
  (import "go" "mem" (memory 1))

  (func $gemm (export "gemm")
    (param $c i32) (param $a i32) (param $ars i32) (param $aps i32)
    (param $b i32) (param $m i32) (param $k i32) (param $n i32)
    (local $i i32) (local $j i32) (local $p i32)
    (local $ldb i32) (local $ldc i32) (local $rs i32) (local $ps i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32) (local $pc i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $s f32)
    (local.set $ldb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $ldc (local.get $ldb))
    (local.set $rs (i32.shl (local.get $ars) (i32.const 2)))
    (local.set $ps (i32.shl (local.get $aps) (i32.const 2)))

    ;; column blocks of 8
    (local.set $j (i32.const 0))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
        ;; row blocks of 4
        (local.set $i (i32.const 0))
        (block $idone
          (loop $iloop
            (br_if $idone (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $rs)))
            (local.set $pa2 (i32.add (local.get $pa1) (local.get $rs)))
            (local.set $pa3 (i32.add (local.get $pa2) (local.get $rs)))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
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
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $x (v128.load32_splat (local.get $pa0)))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (local.get $pa1)))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (local.get $pa2)))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (local.get $pa3)))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $pa0 (i32.add (local.get $pa0) (local.get $ps)))
                (local.set $pa1 (i32.add (local.get $pa1) (local.get $ps)))
                (local.set $pa2 (i32.add (local.get $pa2) (local.get $ps)))
                (local.set $pa3 (i32.add (local.get $pa3) (local.get $ps)))
                (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $ploop)))
            (local.set $pc (i32.add (local.get $c)
              (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2)))))
            (v128.store (local.get $pc) (local.get $c00))
            (v128.store offset=16 (local.get $pc) (local.get $c01))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
            (v128.store (local.get $pc) (local.get $c10))
            (v128.store offset=16 (local.get $pc) (local.get $c11))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
            (v128.store (local.get $pc) (local.get $c20))
            (v128.store offset=16 (local.get $pc) (local.get $c21))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
            (v128.store (local.get $pc) (local.get $c30))
            (v128.store offset=16 (local.get $pc) (local.get $c31))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $iloop)))
        ;; remaining rows, one at a time
        (block $rdone
          (loop $rloop
            (br_if $rdone (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $c00 (v128.const i32x4 0 0 0 0))
            (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $p (local.get $k))
            (block $p1done
              (loop $p1loop
                (br_if $p1done (i32.le_s (local.get $p) (i32.const 0)))
                (local.set $x (v128.load32_splat (local.get $pa0)))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (v128.load (local.get $pb)))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $pb)))))
                (local.set $pa0 (i32.add (local.get $pa0) (local.get $ps)))
                (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $p1loop)))
            (local.set $pc (i32.add (local.get $c)
              (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2)))))
            (v128.store (local.get $pc) (local.get $c00))
            (v128.store offset=16 (local.get $pc) (local.get $c01))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rloop)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jloop)))

    ;; remaining columns (n mod 8), scalar
    (block $cdone
      (loop $cloop
        (br_if $cdone (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $i (i32.const 0))
        (block $sidone
          (loop $siloop
            (br_if $sidone (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $s (f32.const 0))
            (local.set $p (local.get $k))
            (block $spdone
              (loop $sploop
                (br_if $spdone (i32.le_s (local.get $p) (i32.const 0)))
                (local.set $s (f32.add (local.get $s)
                  (f32.mul (f32.load (local.get $pa0)) (f32.load (local.get $pb)))))
                (local.set $pa0 (i32.add (local.get $pa0) (local.get $ps)))
                (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $sploop)))
            (f32.store (i32.add (local.get $c)
              (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2))))
              (local.get $s))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $siloop)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cloop)))
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

  ;; logabssum: the log is written out twice, for two independent f64x2 streams (suffixes a
  ;; and b), inside the loop: as a called function V8 rebuilt every constant per call and ran
  ;; 2.5-3x slower. Locals per stream: x = |v|, sub = subnormal mask, tmp = bits − bits(√2/2),
  ;; k = exponent, f = m − 1, s = f/(2+f), s2, s4, r = polynomial, h = f²/2, res = log|v|.
  (func $logabssum (export "logabssum") (param $p i32) (param $n i32) (result f64)
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
)
