package hist

import (
	"math"
	"testing"
)

func TestQuantile(t *testing.T) {
	s := []float64{1, 2, 3, 4}
	for _, c := range []struct {
		name string
		p    float64
		want float64
	}{
		{"p=0 is the minimum", 0, 1},
		{"below 1/n", 0.2, 1},
		{"order 1/n is s[0]", 0.25, 1},
		{"between s[0] and s[1]", 0.375, 1.5},
		{"median", 0.5, 2},
		{"order 3/4 is s[2]", 0.75, 3},
		{"p=1 is the maximum", 1, 4},
		{"clamped above", 1.5, 4},
		{"clamped below", -1, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Quantile(s, c.p); got != c.want {
				t.Errorf("Quantile(%v, %v) = %v, want %v", s, c.p, got, c.want)
			}
		})
	}
	if !math.IsNaN(Quantile(nil, 0.5)) || !math.IsNaN(Quantile(s, math.NaN())) {
		t.Error("empty sample or NaN order: want NaN")
	}
}

func TestEqual(t *testing.T) {
	x := []float64{2, -3, 0.5, 1, 0, -1, 2, 0.99, 5, -2}
	orig := append([]float64(nil), x...)
	b := Equal(x, -2, 2, 4) // bins [-2,-1) [-1,0) [0,1) [1,2]
	for i := range x {
		if x[i] != orig[i] {
			t.Fatal("Equal changed its input")
		}
	}
	wantEdges := []float64{-2, -1, 0, 1, 2}
	wantCounts := []float64{1, 1, 3, 3}
	for i := range wantEdges {
		if b.Edges[i] != wantEdges[i] {
			t.Errorf("edges %v, want %v", b.Edges, wantEdges)
			break
		}
	}
	for i := range wantCounts {
		if b.Counts[i] != wantCounts[i] {
			t.Errorf("counts %v, want %v", b.Counts, wantCounts)
			break
		}
	}
	if b.Below != 1 || b.Above != 1 {
		t.Errorf("below %d above %d, want 1 and 1", b.Below, b.Above)
	}
	d := b.Density(len(x))
	if d[2] != 3.0/10 {
		t.Errorf("density %v, want 0.3 in bin 2", d)
	}
	for _, c := range []struct {
		name   string
		lo, hi float64
		n      int
	}{
		{"empty range", 1, 1, 4},
		{"reversed range", 2, -2, 4},
		{"no bins", -2, 2, 0},
		{"infinite range", math.Inf(-1), 2, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := Equal(x, c.lo, c.hi, c.n)
			if len(b.Counts) != 0 || b.Below+b.Above != len(x) {
				t.Errorf("%+v: want no bins and every value outside", b)
			}
		})
	}
}
