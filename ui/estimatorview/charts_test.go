package estimatorview

import (
	"testing"

	"github.com/tailscope/tailscope/estimator"
)

// The true tail index's line and α = 2 lie inside the K1-drift chart, never on its frame.
func TestDriftChartKeepsLinesOffTheFrame(t *testing.T) {
	tests := []struct {
		name      string
		tailIndex float64
		lo, hi    float64 // the intervals' range
		wantMinLT float64 // Y.Min below this
		wantMaxGT float64 // Y.Max above this
	}{
		{"Gaussian, intervals up to 2", 2, 1.8, 2, 1.8, 2},
		{"SαS 1.5", 1.5, 1.3, 1.7, 1.3, 2},
		{"α = 1, estimates above", 1, 1.05, 1.4, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &Result{TailIndex: tt.tailIndex, Report: estimator.Report{K1Drift: []estimator.DriftPoint{
				{K1: 2, Alpha: (tt.lo + tt.hi) / 2, Lo: tt.lo, Hi: tt.hi}, {K1: 4, Alpha: (tt.lo + tt.hi) / 2, Lo: tt.lo, Hi: tt.hi}}}}
			c := res.DriftChart()
			if !(c.Y.Min < tt.wantMinLT && c.Y.Min < tt.tailIndex-0.05) || !(c.Y.Max > tt.wantMaxGT && c.Y.Max > tt.tailIndex+0.05) {
				t.Errorf("y range [%g, %g]; want it to hold [%g, %g] and the line at %g with a margin", c.Y.Min, c.Y.Max, tt.wantMinLT, tt.wantMaxGT, tt.tailIndex)
			}
		})
	}
}
