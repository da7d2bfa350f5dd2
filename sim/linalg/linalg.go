// Package linalg gives network layers (sim/nn, sim/convnet) their dense products and
// elementwise steps in either precision: float32 through sim/kernel's fast kernels, float64
// (the precision=float64 option of the mlp kind) through gonum's blas64. The float64 half is
// built natively only (float64.go): the browser build trains in float32 and never links it.
package linalg

import "github.com/tailscope/tailscope/sim/kernel"

// Float is the element type of a network's parameters and activations.
type Float interface{ float32 | float64 }

// Ops are the operations a layer needs, with sim/kernel's meanings (kernel.MatMul and its
// siblings): c (m×n) = a·b, aᵀ·b, a·bᵀ; Relu and ReluMask; Axpy y += alpha·x.
type Ops[T Float] struct {
	MatMul       func(c, a, b []T, m, k, n int)
	MatMulTransA func(c, a, b []T, m, k, n int)
	MatMulTransB func(c, a, b []T, m, k, n int)
	// MatMulTransBScratch is MatMulTransB with a caller's scratch of TransBScratch(m, k, n)
	// values, so that repeated products allocate nothing.
	MatMulTransBScratch func(c, a, b []T, m, k, n int, scratch []T)
	TransBScratch       func(m, k, n int) int
	Relu                func(x []T)
	ReluMask            func(d, a []T)
	Axpy                func(y, x []T, alpha T)
}

var ops32 = Ops[float32]{
	MatMul: kernel.MatMul, MatMulTransA: kernel.MatMulTransA, MatMulTransB: kernel.MatMulTransB,
	MatMulTransBScratch: kernel.MatMulTransBScratch, TransBScratch: kernel.TransBScratch,
	Relu: kernel.Relu, ReluMask: kernel.ReluMask, Axpy: kernel.Axpy,
}

// ops64 is set by float64.go where float64 is built (not in the browser).
var ops64 *Ops[float64]

// For returns the operations of precision T, or nil for float64 where it is not built
// (Has64).
func For[T Float]() *Ops[T] {
	if o, ok := any(&ops32).(*Ops[T]); ok {
		return o
	}
	o, _ := any(ops64).(*Ops[T])
	return o
}

// Has64 reports whether this build trains in float64 (native builds; not js/wasm).
func Has64() bool { return ops64 != nil }

// Widen returns x converted to float64 (exactly).
func Widen(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// Axpy sets y[i] += alpha·x[i] in precision T (Ops.Axpy): the SGD step of either network.
//
//go:noinline
func Axpy[T Float](y, x []T, alpha T) { For[T]().Axpy(y, x, alpha) }
