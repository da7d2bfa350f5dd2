package estimator

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// selectData returns n values of one of the kinds the selection tests use:
// 0 normal, 1 many ties, 2 sorted, 3 reversed, 4 organ pipe, 5 all equal.
func selectData(rng *rand.Rand, n, kind int) []float64 {
	v := make([]float64, n)
	for i := range v {
		switch kind {
		case 0:
			v[i] = rng.NormFloat64()
		case 1:
			v[i] = float64(rng.IntN(5)) // many ties
		case 2:
			v[i] = float64(i) // sorted
		case 3:
			v[i] = float64(n - i) // reversed
		case 4:
			v[i] = float64(min(i, n-i)) // organ pipe
		case 5:
			v[i] = 7 // all equal
		}
	}
	return v
}

// TestQuantilesMatchSorting compares selection with full sorting on data
// with ties, sorted and reversed input, and tiny sizes.
func TestQuantilesMatchSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ps := []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999}
	for _, n := range []int{1, 2, 3, 17, 100, 1001, 50000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			for kind := 0; kind < 4; kind++ {
				v := selectData(rng, n, kind)
				s := slices.Clone(v)
				slices.Sort(s)
				got := quantiles(slices.Clone(v), ps)
				for j, p := range ps {
					if want := sampleQuantile(s, p); got[j] != want {
						t.Errorf("n=%d kind=%d p=%v: selection %v, sorting %v", n, kind, p, got[j], want)
					}
				}
				if n > 1 {
					k := rng.IntN(n)
					w := slices.Clone(v)
					selectK(w, k)
					if w[k] != s[k] {
						t.Errorf("n=%d kind=%d: selectK(%d) = %v, want %v", n, kind, k, w[k], s[k])
					}
					for i := range w {
						if (i < k && w[i] > w[k]) || (i > k && w[i] < w[k]) {
							t.Fatalf("n=%d kind=%d: not partitioned around %d", n, kind, k)
						}
					}
				}
			}
		})
	}
}

// TestSelectMany places several order statistics at once on the data of
// TestQuantilesMatchSorting plus organ-pipe and all-equal input, and checks
// each against full sorting and the partition around it.
func TestSelectMany(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 17, 100, 1001, 20000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			for kind := 0; kind < 6; kind++ {
				v := selectData(rng, n, kind)
				s := slices.Clone(v)
				slices.Sort(s)
				for _, m := range []int{1, 2, 10, 50} {
					ks := make([]int, m)
					for i := range ks {
						ks[i] = rng.IntN(n)
					}
					if m == 10 { // adjacent pairs, as quantiles asks for
						for i := 1; i < m; i += 2 {
							ks[i] = min(ks[i-1]+1, n-1)
						}
					}
					slices.Sort(ks)
					ks = slices.Compact(ks)
					w := slices.Clone(v)
					selectMany(w, ks)
					for _, k := range ks {
						if w[k] != s[k] {
							t.Errorf("n=%d kind=%d ks=%v: v[%d] = %v, want %v", n, kind, ks, k, w[k], s[k])
						}
					}
					for i := range w {
						for _, k := range ks {
							if (i < k && w[i] > w[k]) || (i > k && w[i] < w[k]) {
								t.Fatalf("n=%d kind=%d ks=%v: not partitioned around %d (v[%d] = %v, v[%d] = %v)", n, kind, ks, k, i, w[i], k, w[k])
							}
						}
					}
				}
			}
		})
	}
}
