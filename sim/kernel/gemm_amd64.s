//go:build !purego

#include "textflag.h"

// Register-blocked AVX2/FMA micro-kernels for kernel.go's strided product
//	C[i,j] = Σ_p A(i,p)·B[p,j],  A(i,p) = a[i·ars + p·aps],  B row-major (stride ldb),
// C row-major (stride ldc), overwritten. All strides are in elements.

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	RET

// func axpyAVX2(n int, alpha float32, x, y *float32)
// y[i] += alpha·x[i] for i < n; n a multiple of 16.
TEXT ·axpyAVX2(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	VBROADCASTSS alpha+8(FP), Y0
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DI
	SHRQ $4, CX
	JEQ axpydone

axpyloop:
	VMOVUPS (DI), Y1
	VMOVUPS 32(DI), Y2
	VFMADD231PS (SI), Y0, Y1
	VFMADD231PS 32(SI), Y0, Y2
	VMOVUPS Y1, (DI)
	VMOVUPS Y2, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ axpyloop

axpydone:
	VZEROUPPER
	RET

// func transpose8x8(src *float32, lds int, dst *float32, ldd int)
// dst[j*ldd + i] = src[i*lds + j] for i, j < 8 (strides in elements), AVX.
TEXT ·transpose8x8(SB), NOSPLIT, $0-32
	MOVQ src+0(FP), SI
	MOVQ lds+8(FP), R8
	MOVQ dst+16(FP), DI
	MOVQ ldd+24(FP), R9
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (SI)(R8*4), AX // row 4
	LEAQ (R8)(R8*2), R10 // 3 rows
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R8*1), Y1
	VMOVUPS (SI)(R8*2), Y2
	VMOVUPS (SI)(R10*1), Y3
	VMOVUPS (AX), Y4
	VMOVUPS (AX)(R8*1), Y5
	VMOVUPS (AX)(R8*2), Y6
	VMOVUPS (AX)(R10*1), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	LEAQ (DI)(R9*4), BX
	LEAQ (R9)(R9*2), R11
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, (DI)(R9*1)
	VMOVUPS Y10, (DI)(R9*2)
	VMOVUPS Y11, (DI)(R11*1)
	VMOVUPS Y12, (BX)
	VMOVUPS Y13, (BX)(R9*1)
	VMOVUPS Y14, (BX)(R9*2)
	VMOVUPS Y15, (BX)(R11*1)
	VZEROUPPER
	RET

// func reluAVX2(n int, x *float32)
// x[i] = x[i] > 0 ? x[i] : 0 for i < n; n a multiple of 32. VMAXPS returns its second
// (Intel) source when the comparison fails, NaN included, so the zero goes there.
TEXT ·reluAVX2(SB), NOSPLIT, $0-16
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), DI
	VXORPS Y0, Y0, Y0
	SHRQ $5, CX
	JEQ reludone

reluloop:
	VMOVUPS (DI), Y1
	VMOVUPS 32(DI), Y2
	VMOVUPS 64(DI), Y3
	VMOVUPS 96(DI), Y4
	VMAXPS Y0, Y1, Y1
	VMAXPS Y0, Y2, Y2
	VMAXPS Y0, Y3, Y3
	VMAXPS Y0, Y4, Y4
	VMOVUPS Y1, (DI)
	VMOVUPS Y2, 32(DI)
	VMOVUPS Y3, 64(DI)
	VMOVUPS Y4, 96(DI)
	ADDQ $128, DI
	DECQ CX
	JNZ reluloop

reludone:
	VZEROUPPER
	RET

// func reluMaskAVX2(n int, d, a *float32)
// d[i] = a[i] > 0 ? d[i] : 0 for i < n; n a multiple of 32 (the backward pass of a ReLU).
TEXT ·reluMaskAVX2(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ d+8(FP), DI
	MOVQ a+16(FP), SI
	VXORPS Y0, Y0, Y0
	SHRQ $5, CX
	JEQ maskdone

maskloop:
	VCMPPS $0x11, (SI), Y0, Y1 // 0 < a (ordered, quiet: false for NaN): all ones, else zero
	VCMPPS $0x11, 32(SI), Y0, Y2
	VCMPPS $0x11, 64(SI), Y0, Y3
	VCMPPS $0x11, 96(SI), Y0, Y4
	VANDPS (DI), Y1, Y1
	VANDPS 32(DI), Y2, Y2
	VANDPS 64(DI), Y3, Y3
	VANDPS 96(DI), Y4, Y4
	VMOVUPS Y1, (DI)
	VMOVUPS Y2, 32(DI)
	VMOVUPS Y3, 64(DI)
	VMOVUPS Y4, 96(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ CX
	JNZ maskloop

maskdone:
	VZEROUPPER
	RET
