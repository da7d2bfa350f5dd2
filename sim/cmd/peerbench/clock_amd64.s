#include "textflag.h"

// func addChain(n int)
// Runs 8·n dependent ADDQ instructions: one per cycle, since each needs the previous result.
TEXT ·addChain(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	XORQ AX, AX
	TESTQ CX, CX
	JEQ done

loop:
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	DECQ CX
	JNZ loop

done:
	RET
