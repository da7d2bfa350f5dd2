package estimator

import (
	"math"
	"math/bits"
	"slices"
)

// selectK permutes v so that v[k] is its k-th smallest value (0-based),
// with v[:k] ≤ v[k] ≤ v[k+1:]: quickselect with a median-of-three pivot,
// falling back to sorting the remaining range after 2·log2(n) rounds, so it
// is O(n) on typical data and O(n log n) at worst. v must hold no NaN.
func selectK(v []float64, k int) {
	lo, hi := 0, len(v) // the k-th smallest lies in v[lo:hi]
	budget := 2 * bits.Len(uint(len(v)))
	for hi-lo > 16 {
		if budget == 0 {
			slices.Sort(v[lo:hi])
			return
		}
		budget--
		m := lo + (hi-lo)/2
		a, b, c := v[lo], v[m], v[hi-1]
		p := max(min(a, b), min(max(a, b), c)) // median of three
		// Three-way partition: < p, == p, > p.
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch x := v[i]; {
			case x < p:
				v[lt], v[i] = v[i], v[lt]
				lt++
				i++
			case x > p:
				gt--
				v[gt], v[i] = v[i], v[gt]
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return
		}
	}
	slices.Sort(v[lo:hi])
}

// quantiles returns the sample quantiles of v of orders ps (increasing), in
// McCulloch's convention (see sampleQuantile), permuting v. It touches
// only the order statistics it needs. They are NaN when v is empty.
func quantiles(v []float64, ps []float64) []float64 {
	n := len(v)
	if n == 0 {
		out := make([]float64, len(ps))
		for i := range out {
			out[i] = math.NaN()
		}
		return out
	}
	idx := make([]int, 0, 2*len(ps))
	for _, p := range ps {
		h := p*float64(n) - 0.5
		i := min(max(int(h), 0), n-1)
		idx = append(idx, i, min(i+1, n-1))
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	// Select in increasing order, each within the part above the last.
	base := 0
	for _, i := range idx {
		selectK(v[base:], i-base)
		base = i
	}
	out := make([]float64, len(ps))
	for j, p := range ps {
		h := p*float64(n) - 0.5
		switch {
		case h <= 0:
			out[j] = v[0]
		case h >= float64(n-1):
			out[j] = v[n-1]
		default:
			i := int(h)
			out[j] = v[i] + (h-float64(i))*(v[i+1]-v[i])
		}
	}
	return out
}
