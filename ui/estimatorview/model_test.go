package estimatorview

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/estimator/dump"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/stable"
	"github.com/tailscope/tailscope/ui/worker"
)

func stableSpec(t *testing.T, seed uint64, kv ...string) spec.Spec {
	t.Helper()
	s := spec.MustNew("stable", seed)
	for i := 0; i < len(kv); i += 2 {
		if err := s.SetText(kv[i], kv[i+1]); err != nil {
			t.Fatalf("%s=%s: %v", kv[i], kv[i+1], err)
		}
	}
	return s
}

func TestRequestRoundTrip(t *testing.T) {
	r := Request{Spec: stableSpec(t, 4, "alpha", "1.1"), FileName: "g.npy"}
	data := []byte("\x93NUMPY\n\x00binary\nwith newlines")
	b, err := EncodeRequest(r, data)
	if err != nil {
		t.Fatal(err)
	}
	got, gotData, err := DecodeRequest(b)
	if err != nil || got.FileName != "g.npy" || got.Spec.Key() != r.Spec.Key() || !bytes.Equal(gotData, data) {
		t.Errorf("round trip: %+v, %q, %v; want %+v, %q", got, gotData, err, r, data)
	}
	for _, bad := range []string{"", "no newline", "{not json}\nx"} {
		if _, _, err := DecodeRequest([]byte(bad)); err == nil {
			t.Errorf("DecodeRequest(%q) gave no error", bad)
		}
	}
}

// TestComputeSample checks the charts' data against what they must be for any sample.
func TestComputeSample(t *testing.T) {
	res, err := Compute(context.Background(), Request{Spec: stableSpec(t, 2, "alpha", "1.3", "n", "20000")}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.N != 20000 || res.TailIndex != 1.3 || len(res.Report.Estimates) != len(estimator.MethodNames) {
		t.Fatalf("n %d, tail index %v, %d estimates; want 20000, 1.3, %d", res.N, res.TailIndex, len(res.Report.Estimates), len(estimator.MethodNames))
	}
	// The histogram's density integrates to the fraction of values inside ±Clip, and Clip is the
	// 99 % quantile of |x|, so about 1 % (exactly 200 of 20000, ties aside) lie outside.
	mass := 0.0
	for i, d := range res.HistDensity {
		mass += d * (res.HistEdges[i+1] - res.HistEdges[i])
	}
	if want := 1 - float64(res.Outside)/float64(res.N); math.Abs(mass-want) > 1e-9 {
		t.Errorf("histogram mass %v, want 1 − outside/n = %v", mass, want)
	}
	if res.Outside < 195 || res.Outside > 205 {
		t.Errorf("outside ±Clip: %d values, want about 200 (1 %% of 20000)", res.Outside)
	}
	// The survival points fall as t grows; the first is the largest |x| with P = 1/n, the last P = 1.
	for i := 1; i < len(res.SurvivalT); i++ {
		if res.SurvivalT[i] > res.SurvivalT[i-1] || res.SurvivalP[i] <= res.SurvivalP[i-1] {
			t.Fatalf("survival not monotone at %d: t %v→%v, p %v→%v", i, res.SurvivalT[i-1], res.SurvivalT[i], res.SurvivalP[i-1], res.SurvivalP[i])
		}
	}
	if p0, pn := res.SurvivalP[0], res.SurvivalP[len(res.SurvivalP)-1]; p0 != 1.0/20000 || pn != 1 {
		t.Errorf("survival from %v to %v, want 1/n = 5e-05 to 1", p0, pn)
	}
	// The law's survival agrees with the empirical one where there are many points: at P ≈ 0.1
	// the binomial standard error is sqrt(0.1·0.9/20000) = 0.0021.
	i := nearest(res.SurvivalP, 0.1)
	if d := math.Abs(res.LawSurvivalP[i] - res.SurvivalP[i]); d > 5*0.0021 {
		t.Errorf("at t = %v: empirical P %v, SαS law %v; want within 5 SE", res.SurvivalT[i], res.SurvivalP[i], res.LawSurvivalP[i])
	}
	// The matched Gaussian has the data's quartiles: P(|Y − μ| < 0.6745σ) = 1/2.
	inside := 0
	x, _ := DrawForTest(t, stableSpec(t, 2, "alpha", "1.3", "n", "20000"))
	for _, v := range x {
		if math.Abs(v-res.GaussMu) < 0.6744897501960817*res.GaussSigma {
			inside++
		}
	}
	if f := float64(inside) / float64(len(x)); math.Abs(f-0.5) > 0.01 {
		t.Errorf("fraction within the matched Gaussian's quartiles: %v, want 0.5", f)
	}
	// The result crosses to the page as JSON.
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatalf("encoding the result: %v", err)
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil || back.N != res.N || len(back.HistEdges) != HistBins+1 {
		t.Errorf("decoding the result: %v (n %d, %d edges)", err, back.N, len(back.HistEdges))
	}
}

// DrawForTest draws the sample of s as Compute does.
func DrawForTest(t *testing.T, s spec.Spec) ([]float64, error) {
	t.Helper()
	x, err := stable.Draw(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return x, nil
}

func TestComputeFile(t *testing.T) {
	x := estimator.Sample(1.7, 1, 5000, 9)
	var buf bytes.Buffer
	if err := dump.WriteNPY(&buf, x, []int{50, 100}); err != nil {
		t.Fatal(err)
	}
	res, err := Compute(context.Background(), Request{FileName: "g.npy"}, buf.Bytes(), nil)
	if err != nil {
		t.Fatal(err)
	}
	direct, _ := estimator.Analyze(x, estimator.Options{})
	if a, _ := res.Alpha("mohammadi"); a != direct.Estimates[0].Alpha {
		t.Errorf("file g.npy: Mohammadi α̂ %v, want %v as estimator.Analyze gives on the same values", a, direct.Estimates[0].Alpha)
	}
	if res.Source != "file" || res.N != 5000 || len(res.Shape) != 2 || res.TailIndex != 0 || len(res.LawDensity) != 0 {
		t.Errorf("file result: %+v", res)
	}
	if s := res.Summary(); !strings.Contains(s, "g.npy") || !strings.Contains(s, "[50 100]") {
		t.Errorf("summary %q: want the name and the shape", s)
	}
	if n := res.Notes(); len(n) == 0 || !strings.Contains(n[0], "nothing was uploaded") {
		t.Errorf("notes %q: want the never-uploaded note first", n)
	}
	for _, tc := range []struct {
		name, data, want string
	}{
		{"bad.npy", "\x93NUMPY\x01\x00\x10\x00{'descr': 'zz'}\x00", "bad.npy: npy:"},
		{"words.csv", "1,2,three\n", "words.csv:"},
		{"zeros.csv", "0,0,0,0\n", "zeros.csv: all 4 values are exactly zero"},
		{"nan.csv", "1,NaN,3\n", "nan.csv: "},
	} {
		_, err := Compute(context.Background(), Request{FileName: tc.name}, []byte(tc.data), nil)
		_, cliErr := dump.Parse(tc.name, strings.NewReader(tc.data), dump.Options{})
		switch {
		case err == nil:
			t.Errorf("%s: no error", tc.name)
		case cliErr != nil && err.Error() != cliErr.Error():
			t.Errorf("%s: error %q, want the CLI's %q", tc.name, err, cliErr)
		case !strings.HasPrefix(err.Error(), tc.name+":"):
			t.Errorf("%s: error %q does not start with the file's name", tc.name, err)
		}
		if err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q, want %q", tc.name, err, tc.want)
		}
	}
}

func TestComputeCaveats(t *testing.T) {
	for _, tc := range []struct {
		dist, extra, val string
		want             string
	}{
		{"student", "nu", "3", "finite variance"},
		{"student", "nu", "1.5", "not α-stable"},
		{"mixture", "n", "10000", "false alarm"},
		{"gauss", "n", "10000", "α = 2"},
	} {
		res, err := Compute(context.Background(), Request{Spec: stableSpec(t, 1, "dist", tc.dist, tc.extra, tc.val)}, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.dist, err)
		}
		if n := res.Notes(); len(n) == 0 || !strings.Contains(n[0], tc.want) {
			t.Errorf("%s %s=%s: notes %q, want the first to say %q", tc.dist, tc.extra, tc.val, n, tc.want)
		}
		if a, _ := res.Alpha("mohammadi"); res.FiniteVariance && a < 1.9 && !strings.Contains(res.Summary(), "finite variance") {
			t.Errorf("%s: α̂ = %.2f and the summary %q does not warn that the variance is finite", tc.dist, a, res.Summary())
		}
	}
	res, _ := Compute(context.Background(), Request{Spec: stableSpec(t, 1)}, nil, nil)
	for _, n := range res.Notes() {
		if strings.Contains(n, "Caveat") {
			t.Errorf("SαS sample: unexpected caveat %q", n)
		}
	}
	// The tail check's plain sentence closes the summary: on Student-t(3) the tails are lighter
	// than the fitted α-stable law's (and the notes do not repeat it).
	res, _ = Compute(context.Background(), Request{Spec: stableSpec(t, 1, "dist", "student", "nu", "3")}, nil, nil)
	if tc := res.Report.TailCheck; tc == nil || tc.Verdict != "lighter" || !strings.HasSuffix(res.Summary(), tc.Sentence) ||
		slices.Contains(res.Notes(), "Warning: "+tc.Sentence) {
		t.Errorf("Student-t(3): tail check %+v; summary %q; notes %q", tc, res.Summary(), res.Notes())
	}
}

func TestComputeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Compute(ctx, Request{Spec: stableSpec(t, 1, "n", "1000000")}, nil, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}
}

func TestJob(t *testing.T) {
	in, _ := EncodeRequest(Request{Spec: stableSpec(t, 3, "n", "2000")}, nil)
	var last spec.Progress
	out, err := worker.Run(context.Background(), Job, in, func(p spec.Progress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	var res Result
	if err := json.Unmarshal(out, &res); err != nil || res.N != 2000 || last.Fraction != 1 {
		t.Errorf("job output: %v, n %d, last progress %+v", err, res.N, last)
	}
}

func TestChartsEveryLaw(t *testing.T) {
	for _, kv := range [][]string{
		{"dist", "sas", "alpha", "0.3"}, {"dist", "sas", "alpha", "2"}, {"dist", "student", "nu", "0.5"},
		{"dist", "student", "nu", "50"}, {"dist", "mixture"}, {"dist", "gauss"},
	} {
		res, err := Compute(context.Background(), Request{Spec: stableSpec(t, 1, append(kv, "n", "3000")...)}, nil, nil)
		if err != nil {
			t.Fatalf("%v: %v", kv, err)
		}
		for _, c := range []interface {
			Validate() error
			SVG() string
		}{res.HistChart(), res.SurvivalChart(), res.DriftChart()} {
			if err := c.Validate(); err != nil {
				t.Errorf("%v: %v", kv, err)
			}
			if s := c.SVG(); strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
				t.Errorf("%v: a chart has non-finite coordinates", kv)
			}
		}
		if _, err := json.Marshal(res); err != nil {
			t.Errorf("%v: the result does not encode: %v", kv, err)
		}
	}
}

func TestRowsAndCharts(t *testing.T) {
	res, err := Compute(context.Background(), Request{Spec: stableSpec(t, 1, "n", "5000")}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := res.Rows()
	if len(rows) != len(Methods) || rows[0].Method != "mohammadi" || rows[0].Alpha == "—" || !strings.HasPrefix(rows[0].CI, "[") || rows[0].Covers == "" {
		t.Errorf("rows: %+v", rows)
	}
	for _, c := range []interface {
		Validate() error
		SVG() string
	}{res.HistChart(), res.SurvivalChart(), res.DriftChart()} {
		if err := c.Validate(); err != nil {
			t.Error(err)
		}
		if s := c.SVG(); strings.Contains(s, "NaN") {
			t.Errorf("a chart has NaN coordinates")
		}
	}
	if a, label := res.GuideAlpha(); a != 1.5 || !strings.Contains(label, "α = 1.50") {
		t.Errorf("guide: %v %q, want the law's α = 1.5", a, label)
	}
	var nilRes *Result
	if nilRes.Rows() != nil || nilRes.Notes() != nil || nilRes.Summary() != "" || len(nilRes.HistChart().Series) != 0 {
		t.Error("a nil result should give empty rows, notes, summary and charts")
	}
}

// BenchmarkCompute is the work of one run of the view (draw, every estimator, the charts' data)
// natively; in the browser it runs in a Web Worker, a few times slower.
func BenchmarkCompute(b *testing.B) {
	for _, n := range []string{"10000", "1000000"} {
		b.Run("n="+n, func(b *testing.B) {
			s := spec.MustNew("stable", 1)
			s.SetText("n", n)
			for b.Loop() {
				if _, err := Compute(context.Background(), Request{Spec: s}, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
