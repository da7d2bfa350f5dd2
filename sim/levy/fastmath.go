package levy

import "math"

// Branch-free elementary functions for the sampler's inner loop, on the argument ranges it
// uses. They follow the same polynomial approximations as Go's math package (FreeBSD msun) but
// skip its handling of special values; each is tested against package math to a few ulp.

// sinPoly returns sin(x) for |x| ≤ π/2 by its Taylor series to x^17: the first omitted term is
// below (π/2)^19/19! = 4.4e−14, and the relative error is smaller still near 0.
func sinPoly(x float64) float64 {
	const (
		s3  = -1.0 / 6
		s5  = 1.0 / 120
		s7  = -1.0 / 5040
		s9  = 1.0 / 362880
		s11 = -1.0 / 39916800
		s13 = 1.0 / 6227020800
		s15 = -1.0 / 1307674368000
		s17 = 1.0 / 355687428096000
	)
	z := x * x
	return x + x*z*(s3+z*(s5+z*(s7+z*(s9+z*(s11+z*(s13+z*(s15+z*s17)))))))
}

// Table for fastLog: the mantissa range [0.6875, 1.375) is cut into 128 cells by the bits of x
// (1 is the boundary of cells 79 and 80); cell i has a centre c_i (exactly 1 for the two cells
// beside 1), invC[i] = 1/c_i rounded and logC[i] = −log(invC[i]).
const (
	logTableBits = 7
	logOff       = 0x3fe6000000000000 // bits of 0.6875
)

var invC, logC [1 << logTableBits]float64

func init() {
	const shift = 52 - logTableBits
	for i := range invC {
		lo := math.Float64frombits(logOff + uint64(i)<<shift)
		hi := math.Float64frombits(logOff + uint64(i+1)<<shift)
		c := (lo + hi) / 2
		if hi == 1 || lo == 1 {
			c = 1
		}
		invC[i] = 1 / c
		logC[i] = -math.Log(invC[i])
	}
}

// fastLog returns log(x) for positive normal x (not 0, Inf, NaN or subnormal). With x = 2^k·z,
// z ∈ [0.6875, 1.375) in cell i, r = z/c_i − 1 (|r| < 2^−7, computed as z·invC − 1 with one rounding)
// and log x = k·ln2 + log c_i + log1p(r), log1p by its Taylor polynomial of degree 8 (relative
// error < r^8/9 < 2e−18). The absolute error is about 1e−16 (the rounding of z·invC), and for
// x in [1 − 2^−8, 1 + 2^−7), where c = 1 and r = z − 1 exactly, the relative error is a few ulp.
func fastLog(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		shift = 52 - logTableBits
	)
	ix := math.Float64bits(x)
	tmp := ix - logOff
	i := (tmp >> shift) & (1<<logTableBits - 1)
	k := float64(int64(tmp) >> 52)
	z := math.Float64frombits(ix - (tmp & (0xfff << 52)))
	r := z*invC[i] - 1
	r2 := r * r
	r4 := r2 * r2
	// log1p(r) = r − r²/2 + r³/3 − … − r⁸/8
	p := (-1.0/2 + r*(1.0/3)) + r2*(-1.0/4+r*(1.0/5)) + r4*((-1.0/6+r*(1.0/7))+r2*(-1.0/8))
	return (k*ln2Hi + logC[i]) + (r + (k*ln2Lo + r2*p))
}

// fastExp returns e^x; outside [−700, 700] it calls math.Exp. With k = round(x/ln 2) and
// r = x − k·ln 2 (|r| ≤ ln2/2, in two parts for precision), e^x = 2^k·e^r and e^r is its Taylor
// polynomial of degree 12 (first omitted term r^13/13! ≤ 1.7e−16), evaluated by Estrin's scheme:
// no division and a short dependency chain.
func fastExp(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		log2e = 1.44269504088896338700e+00
		// Round log2e·x to the nearest integer by the 1.5·2^52 trick (no call, no branch).
		round = 0x1.8p52
	)
	if !(x > -700 && x < 700) {
		return math.Exp(x)
	}
	k := (log2e*x + round) - round
	r := (x - k*ln2Hi) - k*ln2Lo
	r2 := r * r
	r4 := r2 * r2
	q0 := (1 + r) + r2*(1.0/2+r*(1.0/6))
	q1 := (1.0/24 + r*(1.0/120)) + r2*(1.0/720+r*(1.0/5040))
	q2 := (1.0/40320 + r*(1.0/362880)) + r2*(1.0/3628800+r*(1.0/39916800))
	q3 := 1.0 / 479001600
	y := q0 + r4*(q1+r4*(q2+r4*q3))
	return y * math.Float64frombits(uint64(int64(k)+1023)<<52)
}
