package stable

import (
	"context"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"

	"github.com/tailscope/tailscope/sim/spec"
)

func specOf(t *testing.T, dist string, alpha, nu float64, n int, seed uint64) spec.Spec {
	t.Helper()
	s := spec.MustNew("stable", seed)
	if err := s.SetChoice("dist", dist); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]float64{"alpha": alpha, "nu": nu, "n": float64(n)} {
		if err := s.Set(name, v); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// The estimates of a run match the law it drew: McCulloch within 0.05 and Mohammadi within
// 0.10 on SαS samples of 1e5 (the estimator package's own accuracy contract), and on
// finite-variance data the quantile method stays near 2 while the Student-t tail shows.
func TestRunEstimatesTheLawDrawn(t *testing.T) {
	tests := []struct {
		dist      string
		alpha, nu float64
		method    string
		want, tol float64
	}{
		{"sas", 0.8, 3, "mcculloch", 0.8, 0.05},
		{"sas", 1.5, 3, "mcculloch", 1.5, 0.05},
		{"sas", 1.5, 3, "mohammadi", 1.5, 0.10},
		{"gauss", 1.5, 3, "mcculloch", 2, 0.05},
		{"student", 1.5, 1, "mcculloch", 1, 0.1}, // Student-t with ν = 1 is Cauchy = SαS(α=1)
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s alpha %v nu %v %s", tt.dist, tt.alpha, tt.nu, tt.method), func(t *testing.T) {
			s := specOf(t, tt.dist, tt.alpha, tt.nu, 100000, 7)
			res, err := Run(context.Background(), s, nil)
			if err != nil {
				t.Fatalf("%s: %v", s.Key(), err)
			}
			var got = math.NaN()
			for _, e := range res.Report.Estimates {
				if e.Method == tt.method {
					got = e.Alpha
				}
			}
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("%s α=%v ν=%v: %s α̂ = %.3f, want %.2f ± %.2f", tt.dist, tt.alpha, tt.nu, tt.method, got, tt.want, tt.tol)
			}
		})
	}
}

func TestSamplerChunkingAndSeeds(t *testing.T) {
	for _, dist := range []string{"sas", "student", "mixture", "gauss"} {
		t.Run(dist, func(t *testing.T) {
			s := specOf(t, dist, 1.2, 3, 1000, 99)
			whole, err := Draw(context.Background(), s, nil)
			if err != nil {
				t.Fatal(err)
			}
			sm, _ := NewSampler(s)
			parts := make([]float64, len(whole))
			for i := 0; i < len(parts); i += 37 {
				sm.Fill(parts[i:min(i+37, len(parts))])
			}
			for i := range whole {
				if whole[i] != parts[i] {
					t.Fatalf("%s: value %d is %v drawn whole but %v drawn in chunks", dist, i, whole[i], parts[i])
				}
			}
			other, _ := Draw(context.Background(), specOf(t, dist, 1.2, 3, 1000, 100), nil)
			if other[0] == whole[0] && other[1] == whole[1] {
				t.Errorf("%s: seeds 99 and 100 drew the same values", dist)
			}
		})
	}
}

func TestDensityIntegratesToOne(t *testing.T) {
	for _, dist := range []string{"sas", "student", "mixture", "gauss"} {
		t.Run(dist, func(t *testing.T) {
			s := specOf(t, dist, 1.7, 4, 1000, 1)
			// Gauss–Legendre over the whole line, mapped onto (−1, 1) by x = u/(1 − u²).
			sum := quad.Fixed(func(x float64) float64 { return Density(s, x) }, math.Inf(-1), math.Inf(1), 400, nil, 0)
			// The rule has no tail cut-off, so the check can be much tighter than a
			// trapezoid's on [−200, 200] was (5e-3): it gets within 5e-10.
			if math.Abs(sum-1) > 1e-6 {
				t.Errorf("∫density = %.9f, want 1", sum)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, specOf(t, "sas", 1.5, 3, 1000000, 1), nil); err == nil {
		t.Error("a cancelled run returned no error")
	}
}
