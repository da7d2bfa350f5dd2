// Package levy runs gradient descent driven by symmetric α-stable noise on a landscape
// (docs/science.md#levy-sde): the Euler scheme
//
//	w ← w − η·∇f(w) + ε·η^{1/α}·S,  S ~ SαS(1)  (α = 2: Gaussian, variance 2ε²η per step),
//
// for many independent walkers. Each walker has its own random stream, derived from one output
// of the configuration's rand.Source (a fastmath.Counter on the spec's seed) and the walker's
// index, so a run gives the same result whatever the number of worker
// goroutines and however its steps are split into Advance calls; natively the walkers are
// spread across cores, in the browser the caller advances the ensemble a slice at a time.
//
// Ensemble is the incremental API (Advance, Positions, ExitTimes, Fractions); RunExit and
// RunWells run the "exit" and "wells" experiment specs to completion and return JSON-encodable
// results with the theory of package landscape alongside. ConfigFromSpec is the one mapping
// from a spec to an ensemble, and Noises, ExitTheoryOf and WellsTheoryOf the one noise list and
// theory per kind: the runners and the browser's Landscape view both use them.
//
// Performance (BenchmarkSteps, one worker, 1-D double well; measured on a shared 2-core Xeon
// under load ≈ 8, so per-step CPU time is quoted, from the process's rusage, since wall time was
// 2–4 times longer): a Lévy step (α = 1.5) costs ≈ 46 CPU-ns natively, ≈ 21.6 M steps per CPU-second,
// of which the sampler is ≈ 42 ns (≈ 90%): the bound is the three sines, three logs and one exp of
// Chambers–Mallows–Stuck. A Gaussian step costs ≈ 13 ns (sampler ≈ 5.4 ns). A 2-D step draws two
// variates (≈ 92 ns). Under js/wasm (node 20) a Lévy step costs ≈ 83 CPU-ns (sampler ≈ 78) and a
// Gaussian one ≈ 36. Walkers are independent, so the native rate scales with cores.
package levy
