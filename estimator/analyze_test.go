package estimator

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func TestAnalyzeStable(t *testing.T) {
	for _, alpha := range []float64{0.8, 1.5, 1.9} {
		x := Sample(alpha, 1, 50000, 21)
		r, err := Analyze(x, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Estimates) != len(MethodNames) {
			t.Errorf("α=%v: %d estimates, want %d (warnings %q)", alpha, len(r.Estimates), len(MethodNames), r.Warnings)
		}
		for i, e := range r.Estimates {
			if e.Method != MethodNames[i] {
				t.Errorf("estimate %d is %q, want %q", i, e.Method, MethodNames[i])
			}
		}
		if hasWarning(r.Warnings, "K1 grows") {
			t.Errorf("α=%v stable data: drift warning %q", alpha, r.Warnings)
		}
		if len(r.K1Drift) < 5 {
			t.Errorf("α=%v: K1 drift has %d points, want ≥ 5", alpha, len(r.K1Drift))
		}
		for _, p := range r.K1Drift {
			if math.Abs(p.Alpha-alpha) > 0.2 {
				t.Errorf("α=%v: drift point K1=%d α̂=%.3f, want flat within 0.2", alpha, p.K1, p.Alpha)
			}
		}
	}
}

// TestAnalyzeDrift: finite-variance data give α̂ < 2 at the paper's K1 but
// rise with K1; Analyze must say so.
func TestAnalyzeDrift(t *testing.T) {
	src := rand.NewPCG(5, 6)
	n := 100000
	st := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: 3, Src: src}
	tx := make([]float64, n)
	for i := range tx {
		tx[i] = st.Rand()
	}
	rng := rand.New(src)
	mix := make([]float64, n)
	for i := range mix {
		s := 1.0
		if rng.Float64() < 0.05 {
			s = 20
		}
		mix[i] = s * rng.NormFloat64()
	}
	for name, x := range map[string][]float64{"Student-t(3)": tx, "0.95 N(0,1) + 0.05 N(0,400)": mix} {
		r, err := Analyze(x, Options{Methods: []string{"mohammadi"}})
		if err != nil {
			t.Fatal(err)
		}
		if !hasWarning(r.Warnings, "rises") {
			t.Errorf("%s: no drift warning; drift %+v, warnings %q", name, r.K1Drift, r.Warnings)
		}
	}
}

func TestAnalyzeErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		x    []float64
		opt  Options
		want string
	}{
		{"empty", nil, Options{}, "no values"},
		{"zeros", make([]float64, 50), Options{}, "all 50 values are exactly zero"},
		{"constant", []float64{3, 3, 3, 3}, Options{}, "all 4 values equal 3"},
		{"NaN", []float64{1, math.NaN(), 2, math.NaN()}, Options{}, "2 non-finite values (NaN or ±Inf), first at index 1"},
		{"method", []float64{1, 2}, Options{Methods: []string{"pickands"}}, `unknown method "pickands"`},
		{"dim", []float64{1, 2, 3}, Options{Dim: 2}, "not a whole number of 2-dimensional vectors"},
	} {
		_, err := Analyze(c.x, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Analyze(%v, %+v) error %v, want %q", c.name, c.x, c.opt, err, c.want)
		}
	}
	var nf *NonFiniteError
	if _, err := Analyze([]float64{math.Inf(1)}, Options{}); !errors.As(err, &nf) || nf.First != 0 {
		t.Errorf("Inf: error %v, want *NonFiniteError at 0", err)
	}
}

func TestAnalyzeWarnings(t *testing.T) {
	x := Sample(1.2, 1, 500, 4)
	x[3], x[10] = 0, 0
	r, err := Analyze(x, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Zeros != 2 || !hasWarning(r.Warnings, "2 exact zeros") || !hasWarning(r.Warnings, "only 498 non-zero values") {
		t.Errorf("zeros %d, warnings %q", r.Zeros, r.Warnings)
	}
	// A method that cannot run becomes a warning; the others still run.
	r, err = Analyze([]float64{1, -2, 3, 0.5, -0.1, 7, 2, -3, 1.5}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !hasWarning(r.Warnings, "mcculloch: mcculloch: 9 values") && !hasWarning(r.Warnings, "mcculloch:") {
		t.Errorf("9 values: warnings %q lack McCulloch's failure", r.Warnings)
	}
	if len(r.Estimates) == 0 {
		t.Errorf("9 values: no estimate at all")
	}
	// Vector form.
	v := Sample(1.3, 1, 30000, 8)
	r, err = Analyze(v, Options{Dim: 3, Methods: []string{"mohammadi"}})
	if err != nil || len(r.Estimates) != 1 || math.Abs(r.Estimates[0].Alpha-1.3) > 0.15 {
		t.Errorf("Dim=3: %+v, %v", r, err)
	}
}

// TestDriftFalseAlarms: on SαS samples the drift warning should be rare;
// over 40 samples of N = 2e4 (α from 0.6 to 2) allow at most 3.
func TestDriftFalseAlarms(t *testing.T) {
	alarms := 0
	for i := 0; i < 40; i++ {
		alpha := 0.6 + 1.4*float64(i%8)/7
		d := K1Drift(Sample(alpha, 1, 20000, uint64(1000+i)), false)
		if w := driftWarning(d); w != "" {
			alarms++
			t.Logf("α=%.2f: %s", alpha, w)
		}
	}
	if alarms > 3 {
		t.Errorf("%d false drift warnings in 40 stable samples, want ≤ 3", alarms)
	}
}
