package estimator

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// goldenFile holds the Reports of Analyze and the estimates of McCulloch
// and Koutrouvelis on the goldenCases, recorded with the slow code of
// commit 774bf3a (the delta method of McCulloch evaluated SymStable.Quantile
// and Prob at every call). TestGolden checks that the fast code gives the
// same numbers to 1e-6. TAILSCOPE_GOLDEN=1 rewrites it from the current
// code: do that only when a result is meant to change. One warning was
// edited by hand since: the K1-drift warning with zeros kept now names the
// zeros as its cause (it said "finite-variance").
const goldenFile = "testdata/golden.json"

// goldenTol is the agreement required with the recorded numbers, absolute
// for α̂ and the interval ends, relative for σ̂.
const goldenTol = 1e-6

type goldenCase struct {
	Name string  `json:"name"`
	Opt  Options `json:"-"`
	data func() []float64
}

type goldenRecord struct {
	Name         string    `json:"name"`
	Report       Report    `json:"report"`
	McCulloch    *Estimate `json:"mcculloch"`    // nil when it fails
	Koutrouvelis *Estimate `json:"koutrouvelis"` // nil when it fails
}

// goldenCases span α from 0.3 (ν̂ beyond the table: α̂ clamped) to 2
// (ν̂ below ν(2): α̂ = 2), both sides of α = 1 where SymStable switches
// between its numerical routes, sizes from 150 to 20 000 values, exact
// zeros (skipped and kept), finite-variance data and vectors.
func goldenCases() []goldenCase {
	var cs []goldenCase
	for i, a := range []float64{0.3, 0.45, 0.7, 0.99, 1, 1.01, 1.3, 1.5, 1.8, 1.95, 2} {
		for j, n := range []int{150, 2000, 20000} {
			seed := uint64(1000 + 10*i + j)
			cs = append(cs, goldenCase{Name: fmt.Sprintf("SαS α=%v σ=2.5 n=%d seed=%d", a, n, seed),
				data: func() []float64 { return Sample(a, 2.5, n, seed) }})
		}
	}
	cs = append(cs,
		goldenCase{Name: "Student-t(3) n=20000", data: func() []float64 {
			st := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: 3, Src: rand.NewPCG(7, 8)}
			x := make([]float64, 20000)
			for i := range x {
				x[i] = st.Rand()
			}
			return x
		}},
		goldenCase{Name: "0.95 N(0,1) + 0.05 N(0,400) n=20000", data: func() []float64 {
			r := rand.New(rand.NewPCG(9, 10))
			x := make([]float64, 20000)
			for i := range x {
				s := 1.0
				if r.Float64() < 0.05 {
					s = 20
				}
				x[i] = s * r.NormFloat64()
			}
			return x
		}},
	)
	zeros := func() []float64 {
		x := Sample(1.4, 1e-3, 20000, 11)
		r := rand.New(rand.NewPCG(12, 13))
		for i := range x {
			if r.Float64() < 0.3 {
				x[i] = 0
			}
		}
		return x
	}
	cs = append(cs,
		goldenCase{Name: "SαS α=1.4 with 30% zeros", data: zeros},
		goldenCase{Name: "SαS α=1.4 with 30% zeros, kept", data: zeros, Opt: Options{KeepZeros: true}},
		goldenCase{Name: "SαS α=1.6 vectors dim 4", data: func() []float64 { return Sample(1.6, 1, 20000, 14) }, Opt: Options{Dim: 4}},
		goldenCase{Name: "SαS α=1.2 K1=10 HillK=50", data: func() []float64 { return Sample(1.2, 1, 20000, 15) }, Opt: Options{K1: 10, HillK: 50}},
	)
	return cs
}

func goldenCompute(c goldenCase) goldenRecord {
	x := c.data()
	rec := goldenRecord{Name: c.Name}
	r, err := Analyze(x, c.Opt)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", c.Name, err))
	}
	rec.Report = r
	nz := x
	if !c.Opt.KeepZeros {
		nz = nonZero(x, countZero(x))
	}
	if e, err := (McCulloch{KeepZeros: c.Opt.KeepZeros}).Estimate(nz); err == nil {
		rec.McCulloch = &e
	}
	if e, err := (Koutrouvelis{KeepZeros: c.Opt.KeepZeros}).Estimate(nz); err == nil {
		rec.Koutrouvelis = &e
	}
	return rec
}

// TestGolden compares the estimates with those recorded from the slow
// implementation: every α̂, interval end and K1-drift point within 1e-6,
// σ̂ within 1e-6 relative, the same warnings.
func TestGolden(t *testing.T) {
	cs := goldenCases()
	if os.Getenv("TAILSCOPE_GOLDEN") == "1" {
		var recs []goldenRecord
		for _, c := range cs {
			recs = append(recs, goldenCompute(c))
		}
		b, err := json.MarshalIndent(recs, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.FromSlash(goldenFile), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(filepath.FromSlash(goldenFile))
	if err != nil {
		t.Fatal(err)
	}
	var recs []goldenRecord
	if err := json.Unmarshal(b, &recs); err != nil {
		t.Fatalf("%s: %v", goldenFile, err)
	}
	if len(recs) != len(cs) {
		t.Fatalf("%s has %d records, the test %d cases", goldenFile, len(recs), len(cs))
	}
	for i, c := range cs {
		want := recs[i]
		if want.Name != c.Name {
			t.Fatalf("record %d is %q, case %q", i, want.Name, c.Name)
		}
		got := goldenCompute(c)
		compareReports(t, c.Name, want.Report, got.Report)
		compareOptEstimate(t, c.Name+" McCulloch", want.McCulloch, got.McCulloch)
		compareOptEstimate(t, c.Name+" Koutrouvelis", want.Koutrouvelis, got.Koutrouvelis)
	}
	t.Logf("largest absolute difference from the recorded numbers (σ̂ included): %.2g", goldenWorst)
}

// goldenWorst is the largest difference near has seen (for the log).
var goldenWorst float64

func compareOptEstimate(t *testing.T, name string, want, got *Estimate) {
	t.Helper()
	switch {
	case want == nil && got == nil:
	case want == nil || got == nil:
		t.Errorf("%s: got %+v, want %+v", name, got, want)
	default:
		compareEstimates(t, name, *want, *got)
	}
}

func compareReports(t *testing.T, name string, want, got Report) {
	t.Helper()
	// The tail check came after the file was recorded: its warnings are
	// left out here and tested against known answers in tailcheck_test.go.
	gw := slices.DeleteFunc(slices.Clone(got.Warnings), func(w string) bool { return strings.HasPrefix(w, tailWarningPrefix) })
	if want.N != got.N || want.Zeros != got.Zeros || !slices.Equal(want.Warnings, gw) {
		t.Errorf("%s: N, zeros, warnings = %d, %d, %q; want %d, %d, %q", name, got.N, got.Zeros, gw, want.N, want.Zeros, want.Warnings)
	}
	if len(want.Estimates) != len(got.Estimates) {
		t.Errorf("%s: %d estimates, want %d", name, len(got.Estimates), len(want.Estimates))
	} else {
		for i := range want.Estimates {
			compareEstimates(t, name, want.Estimates[i], got.Estimates[i])
		}
	}
	if len(want.K1Drift) != len(got.K1Drift) {
		t.Errorf("%s: %d drift points, want %d", name, len(got.K1Drift), len(want.K1Drift))
		return
	}
	for i, w := range want.K1Drift {
		g := got.K1Drift[i]
		if g.K1 != w.K1 || !near(g.Alpha, w.Alpha, goldenTol) || !near(g.Lo, w.Lo, goldenTol) || !near(g.Hi, w.Hi, goldenTol) {
			t.Errorf("%s: drift point %d = %+v, want %+v", name, i, g, w)
		}
	}
}

func compareEstimates(t *testing.T, name string, want, got Estimate) {
	t.Helper()
	tol := goldenTol
	if runtime.GOARCH != "amd64" && want.Method == "koutrouvelis" && want.Alpha < 0.5 {
		// The file was recorded on amd64, whose math.Log and math.Exp
		// (assembly) can differ in the last bit from the pure-Go ones
		// used elsewhere, in the samples and in σ̂₀. Koutrouvelis at
		// α ≈ 0.3 amplifies that: its standardised values reach 1e15,
		// where sin(0.1z) depends on the last bits of z. The code before
		// this file's fast paths gave the same 3.6e-4 difference under
		// js/wasm; every other estimate agrees to 1e-6 there too.
		tol = 1e-3
	}
	if got.Method != want.Method || got.N != want.N || !slices.Equal(got.Warnings, want.Warnings) ||
		!near(got.Alpha, want.Alpha, tol) || !near(got.Lo, want.Lo, tol) || !near(got.Hi, want.Hi, tol) ||
		!near(got.Sigma, want.Sigma, tol*math.Abs(want.Sigma)) {
		t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
	}
}

func near(a, b, tol float64) bool {
	goldenWorst = max(goldenWorst, math.Abs(a-b))
	return math.Abs(a-b) <= tol
}
