package simrun

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/noise"
	"github.com/tailscope/tailscope/sim/spec"
)

func TestPerCoordCells(t *testing.T) {
	for _, tc := range []struct {
		name string
		pc   *noise.PerCoord
		want [3]string
	}{
		{"none", nil, [3]string{"n/a", "n/a", "n/a"}},
		{"every sampled coordinate constant", &noise.PerCoord{Constant: 256}, [3]string{"n/a", "n/a", "n/a"}},
		{"analysed", &noise.PerCoord{Coords: 250, Tested: 200, Rejected: 0.125, AlphaQuartiles: [5]float64{1, 1.5, 1.8234, 1.9, 2},
			Standardised: estimator.Estimate{Alpha: 1.7666}}, [3]string{"1.823", "12.5% of 200", "1.767"}},
		{"too few batches to test", &noise.PerCoord{Coords: 10, AlphaQuartiles: [5]float64{1, 1, 1.2, 1.3, 1.4}}, [3]string{"1.200", "n/a", "n/a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, r, s := perCoordCells(tc.pc)
			if got := [3]string{m, r, s}; got != tc.want {
				t.Errorf("cells %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPrintTablePerCoordinate reads the per-coordinate columns of a row back from the table.
func TestPrintTablePerCoordinate(t *testing.T) {
	res := &mlp.Result{Spec: spec.MustNew("mlp", 1), Sizes: []int{2, 3}, Params: 6, Evaluations: []mlp.Evaluation{{
		Iter: 7, Alpha: 1.3, Noise: &noise.Measurement{PerCoord: &noise.PerCoord{Coords: 64, Tested: 64, Rejected: 0.5,
			AlphaQuartiles: [5]float64{1, 1.2, 1.4, 1.6, 2}, Standardised: estimator.Estimate{Alpha: 1.9}}},
	}}}
	var b bytes.Buffer
	printTable(&b, res)
	lines := strings.Split(b.String(), "\n")
	var head, row []string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "| iter |"):
			head = strings.Split(l, "|")
		case strings.HasPrefix(l, "| 7 |"):
			row = strings.Split(l, "|")
		}
	}
	if len(head) == 0 || len(row) != len(head) {
		t.Fatalf("header %q, row %q in:\n%s", head, row, b.String())
	}
	cell := func(name string) string {
		for i, h := range head {
			if strings.TrimSpace(h) == name {
				return strings.TrimSpace(row[i])
			}
		}
		t.Fatalf("no column %q in %q", name, head)
		return ""
	}
	for name, want := range map[string]string{"coord α̂ median": "1.400", "non-Gaussian coords": "50.0% of 64", "α̂ standardised": "1.900"} {
		if got := cell(name); got != want {
			t.Errorf("column %q = %q, want %q", name, got, want)
		}
	}
	if !strings.Contains(b.String(), "about 5% if all are Gaussian") {
		t.Error("the table does not say what the per-coordinate columns mean")
	}
}
