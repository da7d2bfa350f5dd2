package estimator

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestMcCullochAccuracy: N = 1e5, within 0.05 (the contract). The method's
// standard error at this N is 0.005–0.02, so 0.05 is ≥ 2.5 of them; the
// 95% interval must cover α (or reach 2 when α = 2).
func TestMcCullochAccuracy(t *testing.T) {
	for i, alpha := range []float64{0.6, 1.0, 1.5, 1.9, 2.0} {
		x := Sample(alpha, 3, 100000, uint64(200+i))
		e, err := McCulloch{}.Estimate(x)
		if err != nil {
			t.Fatalf("α=%v: %v", alpha, err)
		}
		if math.Abs(e.Alpha-alpha) > 0.05 {
			t.Errorf("α=%v N=1e5: α̂ = %.4f, want within 0.05", alpha, e.Alpha)
		}
		if math.Abs(e.Sigma-3) > 0.05*3 {
			t.Errorf("α=%v σ=3: σ̂ = %.4f, want within 5%%", alpha, e.Sigma)
		}
		if !(e.Lo <= alpha && alpha <= e.Hi) {
			t.Errorf("α=%v: interval [%.3f, %.3f] misses α (α̂ = %.3f)", alpha, e.Lo, e.Hi, e.Alpha)
		}
	}
}

// TestMcCullochTable checks ν(α) where it has a closed form: N(0, 2) gives
// z_.95/z_.75 = 1.644854/0.674490 = 2.438664, Cauchy tan(.45π)/tan(.25π) =
// 6.313752 (the values of McCulloch's 1986 Table 1), and that the
// interpolated table inverts ν at grid and off-grid α.
func TestMcCullochTable(t *testing.T) {
	for _, c := range []struct{ alpha, nu float64 }{
		{2.0, 2.438664}, {1.0, 6.313752}, {1.5, 0}, {1.234, 0}, {0.6, 0}, {0.45, 0},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			q95, q75 := stdUpperQuantile(c.alpha, 0.05), stdUpperQuantile(c.alpha, 0.25)
			if got := q95 / q75; c.nu != 0 && math.Abs(got-c.nu) > 1e-6 {
				t.Errorf("ν(%v) = %.4f, want %.3f (2%%)", c.alpha, got, c.nu)
			}
			a, _, _ := mccAlpha(math.Log(q95 / q75))
			if math.Abs(a-c.alpha) > 2e-4 { // linear interpolation on a 0.01 grid
				t.Errorf("inverting ν(%v): got α = %.5f", c.alpha, a)
			}
		})
	}
}

// TestHill on Pareto-tailed data where Hill is exact in the limit: |X| =
// U^{−1/α} (pure Pareto), N = 1e5, k = 316: se = α/√k ≈ 0.06α, tolerance 4 se.
func TestHill(t *testing.T) {
	for _, alpha := range []float64{0.5, 1, 1.5, 3} {
		t.Run(fmt.Sprint(alpha), func(t *testing.T) {
			u := Sample(2, 1, 100000, 9) // any continuous law; turn into uniforms via the CDF
			d := SymStable{Alpha: 2, Sigma: 1}
			for i, v := range u {
				p := d.CDF(v)
				u[i] = math.Pow(p, -1/alpha)
				if i%2 == 0 {
					u[i] = -u[i]
				}
			}
			e, err := Hill{}.Estimate(u)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(e.Alpha-alpha) > 4*alpha/math.Sqrt(316) {
				t.Errorf("Pareto α=%v: Hill α̂ = %.4f (k=316)", alpha, e.Alpha)
			}
			if !(e.Lo <= alpha && alpha <= e.Hi) && alpha <= 3 {
				t.Errorf("Pareto α=%v: interval [%.3f, %.3f]", alpha, e.Lo, e.Hi)
			}
		})
	}
	// Exact value: |x| = 8, 4, 2, 1 with k = 2: mean(log 8/2, log 4/2) = 1.5 log 2.
	e, err := Hill{K: 2}.Estimate([]float64{1, -2, 4, -8})
	if want := 1 / (1.5 * math.Ln2); err != nil || math.Abs(e.Alpha-want) > 1e-15 {
		t.Errorf("Hill{2} on 1,2,4,8: %v (err %v), want %v", e.Alpha, err, want)
	}
	if _, err := (Hill{K: 10}).Estimate([]float64{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "k = 10") {
		t.Errorf("k ≥ N: error %v", err)
	}
}

// TestMohammadiOS: N = 1e5, medians are ~1.3× noisier than means; 0.15.
func TestMohammadiOS(t *testing.T) {
	for i, alpha := range []float64{0.6, 1.0, 1.5, 1.9, 2.0} {
		x := Sample(alpha, 1, 100000, uint64(300+i))
		e, err := MohammadiOS{}.Estimate(x)
		if err != nil {
			t.Fatalf("α=%v: %v", alpha, err)
		}
		if math.Abs(e.Alpha-alpha) > 0.15 {
			t.Errorf("α=%v N=1e5: α̂ = %.4f, want within 0.15", alpha, e.Alpha)
		}
		if !(e.Lo <= alpha && alpha <= e.Hi) {
			t.Errorf("α=%v: interval [%.3f, %.3f] misses α (α̂ = %.3f)", alpha, e.Lo, e.Hi, e.Alpha)
		}
	}
}

// TestKoutrouvelis: N = 1e5; the regression's se is about 0.01–0.02.
func TestKoutrouvelis(t *testing.T) {
	for i, alpha := range []float64{0.6, 1.0, 1.5, 1.9, 2.0} {
		x := Sample(alpha, 0.5, 100000, uint64(400+i))
		e, err := Koutrouvelis{}.Estimate(x)
		if err != nil {
			t.Fatalf("α=%v: %v", alpha, err)
		}
		if math.Abs(e.Alpha-alpha) > 0.05 {
			t.Errorf("α=%v N=1e5: α̂ = %.4f, want within 0.05", alpha, e.Alpha)
		}
		if math.Abs(e.Sigma-0.5) > 0.05*0.5 {
			t.Errorf("α=%v σ=0.5: σ̂ = %.4f, want within 5%%", alpha, e.Sigma)
		}
		if !(e.Lo-1e-9 <= alpha && alpha <= e.Hi+1e-9) {
			t.Errorf("α=%v: interval [%.3f, %.3f] misses α (α̂ = %.3f)", alpha, e.Lo, e.Hi, e.Alpha)
		}
	}
}
