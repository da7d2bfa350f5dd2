package iterates

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/spec"
)

// Streams separate this package's random numbers from other users of the same seed: the
// Monte Carlo of h, the gradient-noise measurement, and chain i's stream chainStream + i.
const (
	theoryStream = 0x17E8A7E5
	noiseStream  = 0x17E8A7E6
	chainStream  = 1 << 32
)

// NoiseBatches is how many minibatches the gradient noise is measured on, at one iterate.
const NoiseBatches = 10000

// divergedNorm: a chain whose distance to the solution passes it is counted as diverged and stopped.
const divergedNorm = 1e100

// SurvivalPoints bounds the points of the empirical survival curve in a Result.
const SurvivalPoints = 120

// SurvPoint is one point of the empirical survival function P(‖x − x*‖ > T).
type SurvPoint struct {
	T float64 `json:"t"`
	P float64 `json:"p"`
}

// Result is what an "iterates" run returns.
type Result struct {
	Spec   spec.Spec    `json:"spec"`
	Theory TheoryResult `json:"theory"`
	// Iterates is Hill's estimate of the tail index of ‖x_K − x*‖ over the chains that did not
	// diverge, with its 95% interval (zero when too few chains remain).
	Iterates estimator.Estimate `json:"iterates"`
	// Covers says the theory's tail index lies within Iterates' interval.
	Covers bool `json:"covers"`
	// Diverged counts the chains whose distance passed 1e100 (or overflowed).
	Diverged int `json:"diverged"`
	// Survival is the empirical survival function of ‖x_K − x*‖, log-spaced in its tail.
	Survival []SurvPoint `json:"survival"`
	// Median is the median of ‖x_K − x*‖ over the chains.
	Median float64 `json:"median"`
	// Noise is the analysis of the gradient noise at the chain with the median distance: the
	// coordinates of NoiseBatches minibatch gradients minus the full gradient, pooled, as
	// Şimşekli et al. (2019) measure it.
	Noise estimator.Report `json:"noise"`
}

// Runner runs "iterates" specs.
type Runner struct {
	// Workers bounds the goroutines of one run; 0 means runtime.GOMAXPROCS(0). The result does
	// not depend on it: every chain has its own random stream.
	Workers int
}

// Run runs s with GOMAXPROCS workers.
func Run(ctx context.Context, s spec.Spec, progress spec.Reporter) (*Result, error) {
	return Runner{}.Run(ctx, s, progress)
}

// Run computes the theory, runs the chains and measures the gradient noise.
func (r Runner) Run(ctx context.Context, s spec.Spec, progress spec.Reporter) (*Result, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	p, err := s.Iterates()
	if err != nil {
		return nil, err
	}
	res := &Result{Spec: s}

	progress.Report(spec.Progress{Fraction: 0, Message: "estimating h(s) by Monte Carlo"})
	c := p.Eta * p.Sigma * p.Sigma / float64(p.B)
	z, err := LogNorms(ctx, c, p.B, p.D, p.MC, rand.NewPCG(s.Seed, theoryStream))
	if err != nil {
		return nil, err
	}
	if res.Theory, err = Theory(z, c, p.B, p.D); err != nil {
		return nil, err
	}
	res.Theory.CriticalEtaOverB = res.Theory.CriticalC / (p.Sigma * p.Sigma)
	res.Theory.CriticalEta = float64(p.B) * res.Theory.CriticalEtaOverB

	finals, err := r.chains(ctx, p, s.Seed, func(done int) {
		progress.Report(spec.Progress{Fraction: 0.2 + 0.7*float64(done)/float64(p.Chains),
			Message: fmt.Sprintf("%d of %d chains", done, p.Chains)})
	})
	if err != nil {
		return nil, err
	}
	norms := make([]float64, 0, p.Chains)
	for i := range p.Chains {
		n := norm(finals[i*p.D : (i+1)*p.D])
		if !(n < divergedNorm) {
			res.Diverged++
			continue
		}
		norms = append(norms, n)
	}
	if len(norms) > 0 {
		slices.Sort(norms)
		res.Median = norms[len(norms)/2]
		res.Survival = survival(norms)
	}
	// Hill's estimator needs most chains: with many diverged ones the rest are not a sample of
	// a stationary law.
	if res.Diverged*10 <= p.Chains && len(norms) > 10 {
		if e, err := (estimator.Hill{}).Estimate(norms); err == nil {
			res.Iterates = uncapped(e)
			t := res.Theory.TailIndex
			res.Covers = res.Theory.Stationary && t >= e.Lo && t <= e.Hi
		}
	}

	progress.Report(spec.Progress{Fraction: 0.9, Message: "measuring the gradient noise"})
	at := make([]float64, p.D)
	if len(norms) > 0 {
		// The chain whose distance is the median: a typical iterate.
		for i := range p.Chains {
			if norm(finals[i*p.D:(i+1)*p.D]) == res.Median {
				copy(at, finals[i*p.D:(i+1)*p.D])
				break
			}
		}
	}
	noise := GradientNoise(p, at, NoiseBatches, rand.NewPCG(s.Seed, noiseStream))
	if res.Noise, err = estimator.AnalyzeContext(ctx, noise, estimator.Options{Seed: s.Seed}); err != nil {
		return nil, fmt.Errorf("iterates: gradient noise: %w", err)
	}
	for i, e := range res.Noise.Estimates {
		if e.Method == "hill" {
			res.Noise.Estimates[i] = uncapped(e)
		}
	}
	progress.Report(spec.Progress{Fraction: 1, Message: "done"})
	return res, nil
}

// chains runs every chain for p.Steps steps from x* and returns the final deviations
// x_K − x*, chain after chain (p.D values each). done is called as chains finish.
func (r Runner) chains(ctx context.Context, p spec.IteratesParams, seed uint64, done func(int)) ([]float64, error) {
	workers := r.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]float64, p.Chains*p.D)
	const block = 64 // chains between checks of ctx
	var (
		mu       sync.Mutex
		next     int
		finished int
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			a := make([]float64, p.D)
			g := make([]float64, p.D)
			for {
				mu.Lock()
				lo := next
				next += block
				mu.Unlock()
				if lo >= p.Chains || ctx.Err() != nil {
					return
				}
				hi := min(lo+block, p.Chains)
				for i := lo; i < hi; i++ {
					rng := rand.New(rand.NewPCG(seed, chainStream+uint64(i)))
					Chain(p, out[i*p.D:(i+1)*p.D], a, g, rng)
				}
				mu.Lock()
				finished += hi - lo
				f := finished
				mu.Unlock()
				done(f)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Chain runs one chain of p.Steps SGD steps on the deviation e = x − x* (which starts at 0):
//
//	e ← e − (η/b) Σ_{i∈Ω} a_i (a_iᵀe − ε_i),   a_i ~ N(0, σ²I_d), ε_i ~ N(0, noise²),
//
// the step x ← x − (η/b) Σ a_i(a_iᵀx − y_i) with y_i = a_iᵀx* + ε_i, shifted by x*. a and g are
// scratch of length d. It stops early once ‖e‖ passes 1e100 (a diverging chain).
func Chain(p spec.IteratesParams, e, a, g []float64, rng *rand.Rand) {
	clear(e)
	step := p.Eta / float64(p.B)
	for k := range p.Steps {
		batchGradient(p, e, a, g, rng)
		for j := range e {
			e[j] -= step * g[j]
		}
		if k%16 == 15 && !(norm(e) < divergedNorm) {
			return
		}
	}
}

// batchGradient sets g to Σ_{i∈Ω} a_i(a_iᵀe − ε_i) over one fresh minibatch of p.B
// examples drawn from rng (b times the minibatch gradient at the deviation e); a is scratch.
// Chain and GradientNoise draw their examples through it, so both see the same stream.
func batchGradient(p spec.IteratesParams, e, a, g []float64, rng *rand.Rand) {
	clear(g)
	for range p.B {
		dot := 0.0
		for j := range a {
			a[j] = p.Sigma * rng.NormFloat64()
			dot += a[j] * e[j]
		}
		r := dot - p.Noise*rng.NormFloat64()
		for j := range g {
			g[j] += a[j] * r
		}
	}
}

// GradientNoise returns the coordinates of batches minibatch-gradient noise vectors at the
// deviation e: (1/b) Σ_{i∈Ω} a_i(a_iᵀe − ε_i) − σ²e, the minibatch gradient minus the full one
// (E[a aᵀ] = σ²I), batch after batch.
func GradientNoise(p spec.IteratesParams, e []float64, batches int, src rand.Source) []float64 {
	rng := rand.New(src)
	out := make([]float64, 0, batches*p.D)
	a := make([]float64, p.D)
	g := make([]float64, p.D)
	s2 := p.Sigma * p.Sigma
	for range batches {
		batchGradient(p, e, a, g, rng)
		for j := range g {
			out = append(out, g[j]/float64(p.B)-s2*e[j])
		}
	}
	return out
}

// uncapped recomputes the 95% interval of a Hill estimate without the estimator package's cap at
// α = 4 (the SαS range ends at 2; tail indices of iterates do not): with k upper order
// statistics, √k(1/α̂ − 1/α) → N(0, 1/α²). k = ⌈√N⌉ (Hill's default) is at least 10 for the
// 100 chains a run has at least, so 1/α̂ − z·se stays positive.
func uncapped(e estimator.Estimate) estimator.Estimate {
	k := math.Ceil(math.Sqrt(float64(e.N)))
	m := 1 / e.Alpha
	se := m / math.Sqrt(k)
	e.Lo = 1 / (m + estimator.Z975*se)
	if d := m - estimator.Z975*se; d > 0 {
		e.Hi = 1 / d
	}
	return e
}

func norm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// survival thins the empirical survival function of the sorted values x to at most
// SurvivalPoints points, log-spaced in the number of values above (dense in the tail).
func survival(x []float64) []SurvPoint {
	n := len(x)
	var out []SurvPoint
	last := -1
	for i := range SurvivalPoints {
		// above = number of values strictly above the point: from n−1 down to 1, log-spaced.
		above := int(math.Round(math.Exp(math.Log(float64(n-1)) * (1 - float64(i)/float64(SurvivalPoints-1)))))
		above = max(min(above, n-1), 1)
		if above == last {
			continue
		}
		last = above
		out = append(out, SurvPoint{T: x[n-1-above], P: float64(above) / float64(n)})
	}
	return out
}
