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

// fastLog returns log(x) for positive normal x (not 0, Inf, NaN or subnormal).
func fastLog(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		l1    = 6.666666666666735130e-01
		l2    = 3.999999999940941908e-01
		l3    = 2.857142874366239149e-01
		l4    = 2.222219843214978396e-01
		l5    = 1.818357216161805012e-01
		l6    = 1.531383769920937332e-01
		l7    = 1.479819860511658591e-01
		// Bits of √2/2: shifting by them puts the mantissa in [√2/2, √2) without a branch.
		sqrtHalf = 0x3fe6a09e667f3bcd
	)
	ix := math.Float64bits(x) + (0x3ff0000000000000 - sqrtHalf)
	k := float64(int64(ix>>52) - 0x3ff)
	f := math.Float64frombits(ix&0x000fffffffffffff+sqrtHalf) - 1
	s := f / (2 + f)
	s2 := s * s
	s4 := s2 * s2
	t1 := s2 * (l1 + s4*(l3+s4*(l5+s4*l7)))
	t2 := s4 * (l2 + s4*(l4+s4*l6))
	R := t1 + t2
	hfsq := 0.5 * f * f
	return k*ln2Hi - ((hfsq - (s*(hfsq+R) + k*ln2Lo)) - f)
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
