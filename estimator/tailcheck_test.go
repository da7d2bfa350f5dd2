package estimator

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestTailLogRatio checks the fitted law's statistic against closed forms:
// Cauchy (α = 1), where Q(u) = tan(π(u − ½)) and Q(¾) = 1, and N(0, 2)
// (α = 2), where Q(u) = 2·erfcinv(2(1 − u)).
func TestTailLogRatio(t *testing.T) {
	for _, c := range []struct {
		name  string
		alpha float64
		want  func(p float64) float64
	}{
		{"Cauchy", 1, func(p float64) float64 { return math.Log(1 / math.Tan(math.Pi*p/2) / 2) }},
		{"Gaussian", 2, func(p float64) float64 { return math.Log(math.Erfcinv(p) / (2 * math.Erfcinv(0.5))) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			q75 := SymStable{Alpha: c.alpha, Sigma: 1}.Quantile(0.75)
			for _, p := range []float64{1e-5, 3e-4, 0.01, 0.1} {
				if got, want := tailLogRatio(c.alpha, p, q75), c.want(p); math.Abs(got-want) > 1e-9 {
					t.Errorf("p = %v: %.12f, want %.12f", p, got, want)
				}
			}
		})
	}
}

func TestTailKs(t *testing.T) {
	for _, c := range []struct {
		n    int
		want []int
	}{
		{899, nil}, {900, []int{30}}, {10000, []int{30, 100, 300}}, {100000, []int{30, 100, 300, 1000, 3000}},
	} {
		if got := tailKs(c.n); !equalInts(got, c.want) {
			t.Errorf("tailKs(%d) = %v, want %v", c.n, got, c.want)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// draw returns n values of a law, seeded.
func draw(n int, seed uint64, f func(r *rand.Rand) float64) []float64 {
	r := rand.New(rand.NewPCG(seed, 77))
	x := make([]float64, n)
	for i := range x {
		x[i] = f(r)
	}
	return x
}

func studentT(nu float64) func(r *rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu, Src: r}.Rand() }
}

// TestCheckTailsKnownLaws: α-stable samples pass; Student-t, Laplace (light
// tails against the fit) and a scale mixture of Gaussians (heavy mid-tail)
// fail in the direction their tails go.
func TestCheckTailsKnownLaws(t *testing.T) {
	const n = 20000
	for _, c := range []struct {
		name    string
		x       []float64
		verdict string
	}{
		{"SαS α=0.8", Sample(0.8, 3, n, 41), "stable"},
		{"SαS α=1.5", Sample(1.5, 1, n, 42), "stable"},
		{"SαS α=1.9", Sample(1.9, 0.01, n, 43), "stable"},
		{"SαS α=2", Sample(2, 1, n, 44), "stable"},
		{"Student-t ν=3", draw(n, 45, studentT(3)), "lighter"},
		{"Laplace", draw(n, 46, func(r *rand.Rand) float64 { return distuv.Laplace{Mu: 0, Scale: 1, Src: r}.Rand() }), "lighter"},
		{"0.9 N(0,1) + 0.1 N(0,100)", draw(n, 47, func(r *rand.Rand) float64 {
			if r.Float64() < 0.1 {
				return 10 * r.NormFloat64()
			}
			return r.NormFloat64()
		}), "heavier"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tc := CheckTails(c.x)
			if tc.Verdict != c.verdict || tc.N != n || len(tc.Points) != 3 {
				t.Fatalf("verdict %q on %d values with %d points, want %q on %d with 3 (z = %.2f)", tc.Verdict, tc.N, len(tc.Points), c.verdict, n, tc.Z)
			}
			switch c.verdict {
			case "stable":
				if math.Abs(tc.Z) > TailZ || !strings.HasPrefix(tc.Sentence, "The tails agree") {
					t.Errorf("z = %.2f: %s", tc.Z, tc.Sentence)
				}
			case "lighter":
				if tc.Z >= -TailZ || !strings.Contains(tc.Sentence, "finite-variance data") {
					t.Errorf("z = %.2f: %s", tc.Z, tc.Sentence)
				}
			case "heavier":
				if tc.Z <= TailZ || !strings.Contains(tc.Sentence, "not α-stable") {
					t.Errorf("z = %.2f: %s", tc.Z, tc.Sentence)
				}
			}
			for _, p := range tc.Points {
				if !finite(p.Observed) || !finite(p.Expected) || !finite(p.Z) {
					t.Errorf("point %+v is not finite", p)
				}
			}
		})
	}
}

// TestCheckTailsCalibration: over 24 SαS samples (α from 0.6 to 2, N = 2e4)
// at most one false alarm (the README gives the measured rates); 6 Student-t
// samples with ν = 2.5 and 4 at N = 1e5 are all caught.
func TestCheckTailsCalibration(t *testing.T) {
	alarms := 0
	for i := range 24 {
		alpha := 0.6 + 1.4*float64(i%8)/7
		if tc := CheckTails(Sample(alpha, 1, 20000, uint64(500+i))); tc.Verdict != "stable" {
			alarms++
			t.Logf("α = %.2f: %s", alpha, tc.Sentence)
		}
	}
	if alarms > 1 {
		t.Errorf("%d false alarms in 24 α-stable samples, want ≤ 1", alarms)
	}
	if testing.Short() {
		return
	}
	for i := range 6 {
		nu := []float64{2.5, 4}[i%2]
		if tc := CheckTails(draw(100000, uint64(600+i), studentT(nu))); tc.Verdict != "lighter" {
			t.Errorf("Student-t ν = %v, N = 1e5: verdict %q (z = %.2f), want lighter", nu, tc.Verdict, tc.Z)
		}
	}
}

// TestTailCheckInAnalyze: the check's sentence joins the warnings when it
// fails, and the warnings name the cause that applies: zeros kept, too few
// values.
func TestTailCheckInAnalyze(t *testing.T) {
	st := draw(20000, 48, studentT(3))
	for _, c := range []struct {
		name     string
		x        []float64
		opt      Options
		verdict  string
		contains string // in the TailCheck's sentence
		warns    bool   // the sentence is a warning
	}{
		{"Student-t", st, Options{}, "lighter", "finite-variance data", true},
		{"SαS", Sample(1.3, 1, 20000, 49), Options{}, "stable", "The tails agree", false},
		{"few values", Sample(1.3, 1, 800, 50), Options{}, "not run", "too few values (800; want ≥ 1000)", false},
		{"zeros kept", withZeros(st), Options{KeepZeros: true}, "not run", "exact zeros kept", false},
		{"zeros left out", withZeros(st), Options{}, "lighter", "finite-variance data", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := Analyze(c.x, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			tc := r.TailCheck
			if tc == nil || tc.Verdict != c.verdict || !strings.Contains(tc.Sentence, c.contains) {
				t.Fatalf("tail check %+v, want verdict %q and a sentence with %q", tc, c.verdict, c.contains)
			}
			warned := false
			for _, w := range r.Warnings {
				warned = warned || w == tc.Sentence
			}
			if warned != c.warns {
				t.Errorf("sentence among the warnings: %v, want %v (%q)", warned, c.warns, r.Warnings)
			}
		})
	}
	r, _ := Analyze(st, Options{NoTailCheck: true})
	if r.TailCheck != nil {
		t.Errorf("NoTailCheck: %+v", r.TailCheck)
	}
}

// withZeros returns x with every fourth value set to zero.
func withZeros(x []float64) []float64 {
	y := append([]float64(nil), x...)
	for i := 0; i < len(y); i += 4 {
		y[i] = 0
	}
	return y
}
