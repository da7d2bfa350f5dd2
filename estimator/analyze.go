package estimator

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// MethodNames lists the estimators Analyze runs, in order, by the names
// used in Estimate.Method, the CLI's -method flag and JSON output.
var MethodNames = []string{"mohammadi", "mohammadi-os", "mcculloch", "hill", "koutrouvelis"}

// Options configure Analyze.
type Options struct {
	// Methods to run (names from MethodNames); empty means all.
	Methods []string
	// K1 is the block size of the Mohammadi estimators; 0 means PaperK1(N).
	K1 int
	// KeepZeros keeps exact zeros in the Mohammadi estimators, as the
	// reference code does. The other methods skip zeros (Hill) or use the
	// whole distribution (McCulloch, Koutrouvelis) regardless.
	KeepZeros bool
	// Seed is reserved for resampling intervals; every interval computed
	// today is deterministic (block statistics, delta method, batch means),
	// so it has no effect yet.
	Seed uint64
	// Dim > 1 treats x as consecutive Dim-dimensional vectors: "mohammadi"
	// then uses the Euclidean-norm form; the other methods pool the
	// coordinates.
	Dim int
	// HillK is Hill's number of order statistics; 0 means ⌈√N⌉.
	HillK int
}

// Report is the result of Analyze.
type Report struct {
	N         int          `json:"n"`     // values offered
	Zeros     int          `json:"zeros"` // exact zeros among them
	Estimates []Estimate   `json:"estimates"`
	K1Drift   []DriftPoint `json:"k1_drift,omitempty"`
	Warnings  []string     `json:"warnings"`
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
// code lacks:
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
//   - Warnings for few samples (< FewSamples) and for every method that
//     could not run (the others still do).
func Analyze(x []float64, opt Options) (Report, error) {
	r := Report{N: len(x)}
	zeros, err := checkFinite(x)
	r.Zeros = zeros
	if err != nil {
		return r, err
	}
	methods := opt.Methods
	if len(methods) == 0 {
		methods = MethodNames
	}
	for _, m := range methods {
		if !isMethod(m) {
			return r, fmt.Errorf("estimator: unknown method %q (want one of %s)", m, strings.Join(MethodNames, ", "))
		}
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
		what := "skipped by the Mohammadi and Hill estimators"
		if opt.KeepZeros {
			what = "kept by the Mohammadi estimators (-keep-zeros): their α̂ is biased low"
		}
		r.Warnings = append(r.Warnings, fmt.Sprintf("%d exact zeros (%.1f%% of the values), %s", zeros, 100*float64(zeros)/float64(len(x)), what))
	}
	if n := len(x) - zeros; n < FewSamples {
		r.Warnings = append(r.Warnings, fmt.Sprintf("only %d non-zero values: estimates are rough (want ≥ %d)", n, FewSamples))
	}
	for _, m := range methods {
		var e Estimate
		var err error
		switch m {
		case "mohammadi":
			mm := Mohammadi{K1: opt.K1, KeepZeros: opt.KeepZeros}
			if opt.Dim > 1 {
				e, err = mm.EstimateVectors(x, opt.Dim)
			} else {
				e, err = mm.Estimate(x)
			}
		case "mohammadi-os":
			e, err = MohammadiOS{K1: opt.K1, KeepZeros: opt.KeepZeros}.Estimate(x)
		case "mcculloch":
			e, err = McCulloch{}.Estimate(x)
		case "hill":
			e, err = Hill{K: opt.HillK}.Estimate(x)
		case "koutrouvelis":
			e, err = Koutrouvelis{}.Estimate(x)
		}
		if err != nil {
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s: %v", m, strings.TrimPrefix(err.Error(), "estimator: ")))
			continue
		}
		r.Estimates = append(r.Estimates, e)
	}
	if opt.Dim <= 1 && contains(methods, "mohammadi") {
		r.K1Drift = K1Drift(x, opt.KeepZeros)
		if w := driftWarning(r.K1Drift); w != "" {
			r.Warnings = append(r.Warnings, w)
		}
	}
	return r, nil
}

// K1Drift returns Mohammadi's α̂ for K1 = 2, 4, 8, … up to N/30 (at least
// 30 blocks), plus PaperK1(N) when it is not a power of two, in increasing
// K1. Block sizes whose estimate is undefined are left out.
func K1Drift(x []float64, keepZeros bool) []DriftPoint {
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
	var out []DriftPoint
	for _, k := range ks {
		e, err := Mohammadi{K1: k, KeepZeros: keepZeros}.Estimate(x)
		if err != nil {
			continue
		}
		out = append(out, DriftPoint{K1: k, Alpha: e.Alpha, Lo: e.Lo, Hi: e.Hi})
	}
	return out
}

// driftWarning compares the last drift point (largest K1) with the lowest
// one before it (a rise toward 2: finite variance) and with the first one.
func driftWarning(d []DriftPoint) string {
	if len(d) < 3 {
		return ""
	}
	se := func(p DriftPoint) float64 { // back from the 95% interval of α
		return (p.Hi - p.Lo) / (2 * z975)
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
	case last.Alpha > lowest.Alpha && significant(lowest, last):
		return fmt.Sprintf("α̂ rises from %.2f to %.2f as K1 grows from %d to %d: the data look finite-variance (like Student-t or a Gaussian mixture), not α-stable, and α̂ < 2 should not be read as heavy tails", lowest.Alpha, last.Alpha, lowest.K1, last.K1)
	case last.Alpha < d[0].Alpha && significant(d[0], last):
		return fmt.Sprintf("α̂ falls from %.2f to %.2f as K1 grows from %d to %d: the data are not α-stable (an α-stable sample gives a flat curve)", d[0].Alpha, last.Alpha, d[0].K1, last.K1)
	}
	return ""
}

func isMethod(m string) bool { return contains(MethodNames, m) }

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
