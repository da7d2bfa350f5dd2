package estimator

import (
	"fmt"
	"math"
)

// Estimate is one method's result.
type Estimate struct {
	Method string  `json:"method"` // a name of the Methods table, e.g. "mohammadi"
	Alpha  float64 `json:"alpha"`
	// Lo and Hi bound a 95% confidence interval for α. The upper end is
	// capped at MaxAlphaCI when the interval is unbounded above.
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
	N  int     `json:"n"` // values used
	// Sigma is the scale estimate σ̂ of SαS(σ), for the methods that give
	// one (McCulloch, Koutrouvelis); 0 otherwise.
	Sigma    float64  `json:"sigma,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// MaxAlphaCI caps the upper end of confidence intervals. An interval for 1/α
// that reaches 0 would make α's interval unbounded; α > 4 is far outside
// the α-stable range (0, 2] and is reported as 4.
const MaxAlphaCI = 4

// Z975 is the 0.975 quantile of N(0, 1), for 95% intervals: this package's, and those other
// packages compute around its estimates (sim/iterates).
const Z975 = 1.959963984540054

// NonFiniteError reports NaN or ±Inf values in the input.
type NonFiniteError struct {
	Count int // how many values are NaN or ±Inf
	First int // index of the first one
}

func (e *NonFiniteError) Error() string {
	return fmt.Sprintf("estimator: %d non-finite values (NaN or ±Inf), first at index %d", e.Count, e.First)
}

// checkFinite returns a *NonFiniteError if x holds NaN or ±Inf, and the
// number of exact zeros.
func checkFinite(x []float64) (zeros int, err error) {
	bad, first := 0, -1
	for i, v := range x {
		if v == 0 {
			zeros++
		} else if math.IsNaN(v) || math.IsInf(v, 0) {
			if bad == 0 {
				first = i
			}
			bad++
		}
	}
	if bad > 0 {
		return zeros, &NonFiniteError{Count: bad, First: first}
	}
	return zeros, nil
}

// nonZero returns the values of x that are not exactly zero, in order,
// as a new slice (x itself if it holds no zeros).
func nonZero(x []float64, zeros int) []float64 {
	if zeros == 0 {
		return x
	}
	out := make([]float64, 0, len(x)-zeros)
	for _, v := range x {
		if v != 0 {
			out = append(out, v)
		}
	}
	return out
}

// invCI turns an estimate m of 1/α with standard error se into α̂ and a 95%
// interval for α, capping the upper end at MaxAlphaCI (or at α̂ itself when α̂ is
// larger, so that the interval always holds its estimate).
func invCI(m, se float64) (alpha, lo, hi float64) {
	alpha = 1 / m
	lo = 1 / (m + Z975*se)
	if d := m - Z975*se; d > 1.0/MaxAlphaCI {
		hi = 1 / d
	} else {
		hi = max(MaxAlphaCI, alpha)
	}
	return alpha, lo, hi
}

// logAbs returns log|x|. It is math.Log(math.Abs(x)) except for subnormal
// x, which Go 1.26's assembly math.Log on amd64 gets wrong (it returns
// −709.08 for 1e-310 instead of −713.80).
func logAbs(x float64) float64 {
	a := math.Abs(x)
	if a < 0x1p-1022 && a > 0 {
		return math.Log(a*0x1p54) - 54*math.Ln2
	}
	return math.Log(a)
}
