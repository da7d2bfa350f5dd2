// Package levy runs gradient descent driven by symmetric α-stable noise on a landscape
// (science.md §5): the Euler scheme
//
//	w ← w − η·∇f(w) + ε·η^{1/α}·S,  S ~ SαS(1)  (α = 2: Gaussian, variance 2ε²η per step),
//
// for many independent walkers. Each walker has its own random stream, derived from the run's
// seed and the walker's index, so a run gives the same result whatever the number of worker
// goroutines and however its steps are split into Advance calls; natively the walkers are
// spread across cores, in the browser the caller advances the ensemble a slice at a time.
//
// Ensemble is the incremental API (Advance, Positions, ExitTimes, Fractions); RunExit and
// RunWells run the "exit" and "wells" experiment specs to completion and return JSON-encodable
// results with the theory of package landscape alongside.
package levy
