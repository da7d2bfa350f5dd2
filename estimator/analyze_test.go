package estimator

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func TestAnalyzeStable(t *testing.T) {
	for _, alpha := range []float64{0.8, 1.5, 1.9} {
		t.Run(fmt.Sprint(alpha), func(t *testing.T) {
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
		})
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
		t.Run(c.name, func(t *testing.T) {
			_, err := Analyze(c.x, c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: Analyze(%v, %+v) error %v, want %q", c.name, c.x, c.opt, err, c.want)
			}
		})
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
	if !hasWarning(r.Warnings, "mcculloch: 9 values, want ≥ 20") {
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
		if w := driftWarning(d, false); w != "" {
			alarms++
			t.Logf("α=%.2f: %s", alpha, w)
		}
	}
	if alarms > 3 {
		t.Errorf("%d false drift warnings in 40 stable samples, want ≤ 3", alarms)
	}
}

// TestAnalyzeZerosAllMethods: with half the values exactly zero every method
// still finds α (on the non-zero half, N = 5e4) unless KeepZeros.
func TestAnalyzeZerosAllMethods(t *testing.T) {
	x := Sample(1.5, 1, 100000, 31)
	for i := 0; i < len(x); i += 2 {
		x[i] = 0
	}
	r, err := Analyze(x, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range r.Estimates {
		tol := 0.15
		if e.Method == "hill" {
			tol = 0.4 // Hill's bias on SαS at k = √N
		}
		if math.Abs(e.Alpha-1.5) > tol || e.N != 50000 {
			t.Errorf("50%% zeros: %s α̂ = %.3f on N=%d, want 1.5±%v on 50000", e.Method, e.Alpha, e.N, tol)
		}
	}
}

// TestAnalyzeMatchesMethods: Analyze's shared sorting gives each method's
// own result exactly.
func TestAnalyzeMatchesMethods(t *testing.T) {
	x := Sample(1.1, 2, 20000, 77)
	x[5], x[6] = 0, 0
	r, err := Analyze(x, Options{})
	if err != nil {
		t.Fatal(err)
	}
	nz := nonZero(x, 2)
	for _, c := range []struct {
		name string
		f    func() (Estimate, error)
	}{
		{"mohammadi", func() (Estimate, error) { return Mohammadi{}.Estimate(x) }},
		{"mohammadi-os", func() (Estimate, error) { return MohammadiOS{}.Estimate(x) }},
		{"mcculloch", func() (Estimate, error) { return McCulloch{}.Estimate(nz) }},
		{"hill", func() (Estimate, error) { return Hill{}.Estimate(x) }},
		{"koutrouvelis", func() (Estimate, error) { return Koutrouvelis{}.Estimate(nz) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := c.f()
			if err != nil {
				t.Fatal(err)
			}
			var got *Estimate
			for i := range r.Estimates {
				if r.Estimates[i].Method == c.name {
					got = &r.Estimates[i]
				}
			}
			if got == nil || got.Alpha != e.Alpha || got.Lo != e.Lo || got.Hi != e.Hi || got.N != e.N {
				t.Errorf("%s: Analyze gives %+v, the method alone %+v", c.name, got, e)
			}
		})
	}
	for _, p := range r.K1Drift {
		e, _ := Mohammadi{K1: p.K1}.Estimate(x)
		if math.Abs(e.Alpha-p.Alpha) > 1e-12*e.Alpha {
			t.Errorf("drift K1=%d: %v, batch %v", p.K1, p.Alpha, e.Alpha)
		}
	}
}

func TestAnalyzeContext(t *testing.T) {
	x := Sample(1.5, 1, 20000, 3)
	var calls, last, total int
	r, err := AnalyzeContext(context.Background(), x, Options{Progress: func(d, n int) { calls++; last, total = d, n }})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(MethodNames) + len(r.K1Drift) + 1; calls != want || last != total || total != want {
		t.Errorf("progress: %d calls, last %d/%d, want %d", calls, last, total, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err = AnalyzeContext(ctx, x, Options{Progress: func(d, _ int) {
		n = d
		if d == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || n != 2 {
		t.Errorf("cancelled after step 2: err %v after %d steps", err, n)
	}
}
