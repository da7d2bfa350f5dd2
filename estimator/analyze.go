package estimator

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Options configure Analyze.
type Options struct {
	// Methods to run (names from the Methods table); empty means all.
	Methods []string
	// K1 is the block size of the Mohammadi estimators; 0 means PaperK1(N).
	K1 int
	// KeepZeros keeps exact zeros, as the reference code does. By default
	// every method runs on the non-zero values only: exact zeros (dead
	// units, unused parameters) are a point mass outside the noise law and
	// wreck every estimator (Mohammadi's via log(|x|+eps), the quantile
	// methods via a collapsed interquartile range).
	KeepZeros bool
	// Seed is reserved for resampling intervals; every interval computed
	// today is deterministic (block statistics, delta method, batch means),
	// so it has no effect yet.
	Seed uint64
	// Dim > 1 treats x as consecutive Dim-dimensional vectors: "mohammadi"
	// then uses the Euclidean-norm form (and no K1 drift is computed); the
	// other methods pool the coordinates.
	Dim int
	// HillK is Hill's number of order statistics; 0 means ⌈√N⌉.
	HillK int
	// NoTailCheck leaves out the tail check (Report.TailCheck).
	NoTailCheck bool
	// Progress, if not nil, is called by AnalyzeContext after each step
	// (a method, a point of the K1 drift curve) with the steps done and
	// the total.
	Progress func(done, total int)
}

// Report is the result of Analyze.
type Report struct {
	N         int          `json:"n"`     // values offered
	Zeros     int          `json:"zeros"` // exact zeros among them
	Estimates []Estimate   `json:"estimates"`
	K1Drift   []DriftPoint `json:"k1_drift,omitempty"`
	// TailCheck tests the α-stable law fitted to the middle of the data
	// against its tails (see TailCheck); nil when Options.NoTailCheck.
	TailCheck *TailCheck `json:"tail_check,omitempty"`
	Warnings  []string   `json:"warnings"`
}

// DriftPoint is the Mohammadi estimate with block size K1.
type DriftPoint struct {
	K1    int     `json:"k1"`
	Alpha float64 `json:"alpha"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
}

// Thresholds of Analyze's warnings.
const (
	// FewSamples: below this many values the estimates are rough.
	FewSamples = 1000
	// DriftMin is the smallest rise of α̂ across the K1 range reported as
	// drift, when it also exceeds 3 standard errors.
	DriftMin = 0.1
)

// Analyze runs the chosen estimators on x and the diagnostics the paper's
// code lacks. Every number in the Report is finite (JSON-safe): a method
// whose α̂ is not is reported as a warning, an interval that is not becomes
// [0, MaxAlphaCI] with a note.
//   - NaN or ±Inf values make it fail with a *NonFiniteError (count and
//     first index); so do an empty input, all-zero or constant data.
//   - Exact zeros are counted; the Mohammadi estimators skip them unless
//     opt.KeepZeros (see Mohammadi).
//   - K1Drift: α̂ of Mohammadi for K1 = 2, 4, 8, … (at least 30 blocks)
//     and the paper's K1. For α-stable data it is flat; for finite-variance
//     data (Student-t, Gaussian mixtures) it rises toward 2 as K1 grows
//     (slowly: 1/α̂ − 1/2 shrinks like 1/log K1), and a warning says so
//     when α̂ at the largest K1 exceeds the lowest α̂ before it by more
//     than DriftMin and 3 standard errors.
//   - TailCheck: the α-stable law McCulloch's method fits to the middle of
//     the data, tested against the data's largest values (CheckTails). It
//     catches finite-variance data (Student-t, Laplace, Gaussian mixtures)
//     that every estimator reads as α < 2; a failed check adds its sentence
//     to the warnings. It does not run with zeros kept (a point mass is not
//     α-stable: the warning says the zeros are the cause) or on fewer than
//     FewSamples values.
//   - Warnings for few samples (< FewSamples) and for every method that
//     could not run (the others still do).
func Analyze(x []float64, opt Options) (Report, error) {
	return AnalyzeContext(context.Background(), x, opt)
}

// AnalyzeContext is Analyze with cancellation and progress: it checks ctx
// before each method and each K1 of the drift curve (returning ctx.Err()),
// and calls opt.Progress, if set, after each of them.
func AnalyzeContext(ctx context.Context, x []float64, opt Options) (Report, error) {
	r := Report{N: len(x)}
	zeros, err := checkFinite(x)
	r.Zeros = zeros
	if err != nil {
		return r, err
	}
	methods := slices.Clone(opt.Methods)
	if len(methods) == 0 {
		methods = slices.Clone(MethodNames)
	}
	table := make([]Method, len(methods)) // the rows of Methods to run
	for i, name := range methods {
		m, err := LookupMethod(name)
		if err != nil {
			return r, err
		}
		table[i], methods[i] = m, m.Name
	}
	if opt.Dim < 0 || (opt.Dim > 1 && len(x)%opt.Dim != 0) {
		return r, fmt.Errorf("estimator: %d values are not a whole number of %d-dimensional vectors", len(x), opt.Dim)
	}
	switch {
	case len(x) == 0:
		return r, errors.New("estimator: no values")
	case zeros == len(x):
		return r, fmt.Errorf("estimator: all %d values are exactly zero", len(x))
	case isConstant(x):
		return r, fmt.Errorf("estimator: all %d values equal %g: no spread to estimate α from", len(x), x[0])
	}
	if zeros > 0 {
		what := "left out: the estimates use the non-zero values"
		if opt.KeepZeros {
			what = "kept (-keep-zeros): every estimate is biased, Mohammadi's toward 0"
		}
		r.Warnings = append(r.Warnings, fmt.Sprintf("%d exact zeros (%.1f%% of the values), %s", zeros, 100*float64(zeros)/float64(len(x)), what))
	}
	if n := len(x) - zeros; n < FewSamples {
		r.Warnings = append(r.Warnings, fmt.Sprintf("only %d non-zero values: estimates are rough (want ≥ %d)", n, FewSamples))
	}
	nz := x // for the methods without their own zero handling
	if !opt.KeepZeros {
		nz = nonZero(x, zeros)
	}
	cfg := Config{K1: opt.K1, KeepZeros: opt.KeepZeros, HillK: opt.HillK}
	ests := make([]Estimator, len(table))
	shareQuantiles := false // the quantile methods share one selection
	for i, m := range table {
		ests[i] = m.New(cfg)
		_, ok := ests[i].(quantileEstimator)
		shareQuantiles = shareQuantiles || ok
	}
	var q []float64
	if len(nz) >= 20 && shareQuantiles {
		q = quantiles(slices.Clone(nz), mccPs)
	}
	drift := opt.Dim <= 1 && contains(methods, "mohammadi")
	var ks []int
	if drift {
		ks = driftK1s(x, opt.KeepZeros)
	}
	total, done := len(methods)+len(ks), 0
	if !opt.NoTailCheck {
		total++
	}
	step := func() error {
		done++
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return r, err
	}
	for _, est := range ests {
		m := est.Name()
		var e Estimate
		var err error
		switch est := est.(type) {
		case vectorEstimator:
			if opt.Dim > 1 {
				e, err = est.EstimateVectors(x, opt.Dim)
			} else {
				e, err = est.Estimate(x)
			}
		case quantileEstimator:
			if q == nil {
				e, err = est.Estimate(x)
			} else {
				e, err = est.fromQuantiles(nz, q)
			}
		default:
			e, err = est.Estimate(x)
		}
		if err == nil && !finite(e.Alpha) {
			err = fmt.Errorf("α̂ is %v", e.Alpha)
		}
		if err != nil {
			msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "estimator: "), m+": ")
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s: %s", m, msg))
			if err := step(); err != nil {
				return r, err
			}
			continue
		}
		if !finite(e.Lo) || !finite(e.Hi) {
			e.Lo, e.Hi = 0, MaxAlphaCI
			e.Warnings = append(e.Warnings, "no interval could be computed; [0, 4] shown")
		}
		if !finite(e.Sigma) {
			e.Sigma = 0
			e.Warnings = append(e.Warnings, "σ̂ overflowed")
		}
		r.Estimates = append(r.Estimates, e)
		if err := step(); err != nil {
			return r, err
		}
	}
	if drift {
		for _, k := range ks {
			if p, ok := driftPoint(x, k, opt.KeepZeros); ok {
				r.K1Drift = append(r.K1Drift, p)
			}
			if err := step(); err != nil {
				return r, err
			}
		}
		if w := driftWarning(r.K1Drift, opt.KeepZeros && zeros > 0); w != "" {
			r.Warnings = append(r.Warnings, w)
		}
	}
	if !opt.NoTailCheck {
		var tc TailCheck
		switch {
		case opt.KeepZeros && zeros > 0:
			tc = notRun(len(x), fmt.Sprintf("the %d exact zeros kept (-keep-zeros) are a point mass that no α-stable law has; leave them out to test the tails", zeros))
		case len(nz) < FewSamples:
			tc = notRun(len(nz), fmt.Sprintf("too few values (%d; want ≥ %d) to test whether the tails are α-stable", len(nz), FewSamples))
		case q == nil:
			tc = CheckTails(nz)
		default:
			tc = checkTails(nz, q)
		}
		r.TailCheck = &tc
		if tc.Verdict == "lighter" || tc.Verdict == "heavier" {
			r.Warnings = append(r.Warnings, tc.Sentence)
		}
		if err := step(); err != nil {
			return r, err
		}
	}
	return r, nil
}

// vectorEstimator is an Estimator with a Euclidean-norm form for vectors
// (Mohammadi), which Analyze uses when Options.Dim > 1.
type vectorEstimator interface {
	Estimator
	EstimateVectors(x []float64, dim int) (Estimate, error)
}

// quantileEstimator is an Estimator that starts from McCulloch's sample
// quantiles (McCulloch, Koutrouvelis), so that Analyze selects them once
// for both: fromQuantiles gives Estimate's result for the values nz with
// quantiles q = quantiles(nz, mccPs), len(nz) ≥ 20.
type quantileEstimator interface {
	Estimator
	fromQuantiles(nz, q []float64) (Estimate, error)
}

func (McCulloch) fromQuantiles(nz, q []float64) (Estimate, error) { return mcculloch(q, len(nz)) }

func (k Koutrouvelis) fromQuantiles(nz, q []float64) (Estimate, error) {
	if len(nz) < 100 {
		return k.Estimate(nz)
	}
	return koutrouvelis(nz, q)
}

// K1Drift returns Mohammadi's α̂ for K1 = 2, 4, 8, … up to N/30 (at least
// 30 blocks), plus PaperK1(N) when it is not a power of two, in increasing
// K1. Block sizes whose estimate is undefined are left out.
func K1Drift(x []float64, keepZeros bool) []DriftPoint {
	var out []DriftPoint
	for _, k := range driftK1s(x, keepZeros) {
		if p, ok := driftPoint(x, k, keepZeros); ok {
			out = append(out, p)
		}
	}
	return out
}

// driftK1s lists the block sizes of the drift curve.
func driftK1s(x []float64, keepZeros bool) []int {
	n := len(x)
	if !keepZeros {
		n -= countZero(x)
	}
	ks := []int{}
	for k := 2; k <= n/30; k *= 2 {
		ks = append(ks, k)
	}
	if p := PaperK1(n); p >= 2 && p&(p-1) != 0 && p <= n/2 {
		i := 0
		for i < len(ks) && ks[i] < p {
			i++
		}
		ks = append(ks[:i], append([]int{p}, ks[i:]...)...)
	}
	return ks
}

// driftPoint is Mohammadi's estimate with block size k, computed by the
// stream (the batch result, several times faster); ok is false when it is
// undefined or not finite.
func driftPoint(x []float64, k int, keepZeros bool) (DriftPoint, bool) {
	s := MohammadiStream{K1: k, KeepZeros: keepZeros}
	s.Add(x...)
	e, err := s.Estimate()
	if err != nil || !finite(e.Alpha) || !finite(e.Lo) || !finite(e.Hi) {
		return DriftPoint{}, false
	}
	return DriftPoint{K1: k, Alpha: e.Alpha, Lo: e.Lo, Hi: e.Hi}, true
}

// driftWarning compares the last drift point (largest K1) with the lowest
// one before it (a rise toward 2: finite variance) and with the first one.
//
// zerosKept says that exact zeros were kept: they, not finite variance,
// then make α̂ move with K1, and the warning says so.
func driftWarning(d []DriftPoint, zerosKept bool) string {
	if len(d) < 3 {
		return ""
	}
	se := func(p DriftPoint) float64 { // back from the 95% interval of α
		return (p.Hi - p.Lo) / (2 * Z975)
	}
	last := d[len(d)-1]
	lowest := d[0]
	for _, p := range d[:len(d)-1] {
		if p.Alpha < lowest.Alpha {
			lowest = p
		}
	}
	significant := func(a, b DriftPoint) bool {
		diff := math.Abs(b.Alpha - a.Alpha)
		return diff > DriftMin && diff > 3*math.Hypot(se(a), se(b))
	}
	switch {
	case zerosKept && (significant(lowest, last) || significant(d[0], last)):
		return fmt.Sprintf("α̂ moves from %.2f to %.2f as K1 grows from %d to %d: the exact zeros kept (-keep-zeros) cause this, not the tails of the data; leave them out to see whether the data themselves drift", d[0].Alpha, last.Alpha, d[0].K1, last.K1)
	case last.Alpha > lowest.Alpha && significant(lowest, last):
		return fmt.Sprintf("α̂ rises from %.2f to %.2f as K1 grows from %d to %d: the data look finite-variance (like Student-t or a Gaussian mixture), not α-stable, and α̂ < 2 should not be read as heavy tails", lowest.Alpha, last.Alpha, lowest.K1, last.K1)
	case last.Alpha < d[0].Alpha && significant(d[0], last):
		return fmt.Sprintf("α̂ falls from %.2f to %.2f as K1 grows from %d to %d: the data are not α-stable (an α-stable sample gives a flat curve)", d[0].Alpha, last.Alpha, d[0].K1, last.K1)
	}
	return ""
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func isConstant(x []float64) bool {
	for _, v := range x[1:] {
		if v != x[0] {
			return false
		}
	}
	return true
}

func countZero(x []float64) int {
	n := 0
	for _, v := range x {
		if v == 0 {
			n++
		}
	}
	return n
}
