// Package iterates runs the "iterates" kind: many independent SGD chains on linear regression
// with Gaussian data, whose iterates are heavy-tailed although the gradient noise is not
// (Gürbüzbalaban, Şimşekli & Zhu, "The Heavy-Tail Phenomenon in SGD", ICML 2021; Hodgkinson &
// Mahoney, "Multiplicative noise and heavy tails in stochastic optimization", ICML 2021).
//
// A run estimates the tail index of where the chains end (Hill's estimator on their distances
// to the solution), the theory's prediction (the positive root of h(s), estimated by Monte Carlo:
// theory.go), the critical η/b past which the iterates have infinite variance, and the tail index
// of the gradient noise at a typical iterate, which stays near 2. The formulas are in
// docs/science.md#heavy-tailed-iterates.
package iterates
