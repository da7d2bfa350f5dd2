// Package estimator estimates the tail index α of heavy-tailed samples, the
// quantity at the centre of Tailscope (formulas and sources: docs/science.md#stable-laws and #estimators).
//
// The paper's estimator is Mohammadi, Mohammadpour & Ogata (2015),
// Corollary 2.4, available as a batch function ([Mohammadi]), in its
// Euclidean-norm vector form ([Mohammadi.EstimateVectors]) and as a one-pass,
// constant-memory accumulator ([MohammadiStream]). Other estimators are
// there to compare with it: the order-statistics variant ([MohammadiOS]),
// McCulloch's quantile method ([McCulloch]), Hill's estimator ([Hill]) and
// Koutrouvelis' characteristic-function regression ([Koutrouvelis]). Each
// is an [Estimator], and [Methods] is the one table of them (name, label,
// help, constructor) that the command line, Analyze and the views read.
// [Analyze] runs them all together with the diagnostics users need (exact
// zeros, the drift of α̂ with the block size K1, warnings).
//
// [SymStable] gives the symmetric α-stable law SαS(σ), with characteristic
// function E exp(iθX) = exp(−σ^α|θ|^α): sampling (through gonum's
// distuv.AlphaStable), density, CDF and quantiles.
//
// The package does no I/O; parsing data files lives in estimator/dump.
package estimator
