//go:build !purego

#include "textflag.h"

DATA runsumsAbs<>+0(SB)/8, $0x7fffffffffffffff
DATA runsumsMant<>+0(SB)/8, $0x000fffffffffffff
DATA runsumsOne<>+0(SB)/8, $0x3ff0000000000000
DATA runsumsEps<>+0(SB)/8, $0x3cb0000000000000
DATA runsumsMaxFinite<>+0(SB)/8, $0x7fefffffffffffff
GLOBL runsumsAbs<>(SB), RODATA|NOPTR, $8
GLOBL runsumsMant<>(SB), RODATA|NOPTR, $8
GLOBL runsumsOne<>(SB), RODATA|NOPTR, $8
GLOBL runsumsEps<>(SB), RODATA|NOPTR, $8
GLOBL runsumsMaxFinite<>(SB), RODATA|NOPTR, $8

// func runSumsAVX2(x *float64, n int, st *laneState)
// Adds n values (n a multiple of 4, at most 1024) of x into the four lanes of st (see
// laneState): the sum of x, the count of zeros, the flags of subnormals and of ±Inf/NaN, the
// biased exponents and the product of the mantissas of |x| (zeros contributing 0 and 1), and
// the same for |x| + 2^−52.
TEXT ·runSumsAVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ st+16(FP), DI
	SHRQ $2, CX
	VBROADCASTSD runsumsAbs<>(SB), Y15
	VBROADCASTSD runsumsMant<>(SB), Y14
	VBROADCASTSD runsumsOne<>(SB), Y13
	VBROADCASTSD runsumsEps<>(SB), Y12
	VBROADCASTSD runsumsMaxFinite<>(SB), Y11
	VMOVUPD 0(DI), Y6   // m
	VMOVUPD 32(DI), Y4  // mr
	VMOVUPD 64(DI), Y10 // sum
	VMOVDQU 96(DI), Y7  // e
	VMOVDQU 128(DI), Y5 // er
	VMOVDQU 160(DI), Y8 // zeros
	VMOVDQU 192(DI), Y9 // special
	TESTQ CX, CX
	JEQ done

loop:
	VMOVUPD (SI), Y0
	VADDPD Y0, Y10, Y10
	VANDPD Y15, Y0, Y0     // b = |x|
	VPXOR Y1, Y1, Y1
	VPCMPEQQ Y1, Y0, Y1    // zero mask
	VPSUBQ Y1, Y8, Y8      // zeros += 1 where zero
	VPCMPGTQ Y11, Y0, Y2   // b > max finite: ±Inf or NaN
	VPOR Y2, Y9, Y9
	VPSRLQ $52, Y0, Y2     // biased exponent
	VPXOR Y3, Y3, Y3
	VPCMPEQQ Y3, Y2, Y3    // exponent 0
	VPANDN Y3, Y1, Y3      // exponent 0 and not zero: subnormal
	VPOR Y3, Y9, Y9
	VPANDN Y2, Y1, Y2      // exponent, 0 for zeros
	VPADDQ Y2, Y7, Y7
	VANDPD Y14, Y0, Y3
	VORPD Y13, Y3, Y3      // mantissa in [1, 2); 1 for zeros
	VMULPD Y3, Y6, Y6
	VADDPD Y12, Y0, Y0     // |x| + 2^-52
	VPSRLQ $52, Y0, Y2
	VPADDQ Y2, Y5, Y5
	VANDPD Y14, Y0, Y0
	VORPD Y13, Y0, Y0
	VMULPD Y0, Y4, Y4
	ADDQ $32, SI
	DECQ CX
	JNZ loop

done:
	VMOVUPD Y6, 0(DI)
	VMOVUPD Y4, 32(DI)
	VMOVUPD Y10, 64(DI)
	VMOVDQU Y7, 96(DI)
	VMOVDQU Y5, 128(DI)
	VMOVDQU Y8, 160(DI)
	VMOVDQU Y9, 192(DI)
	VZEROUPPER
	RET
