package estimatorview

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/tailscope/tailscope/estimator"
	"github.com/tailscope/tailscope/estimator/dump"
	"github.com/tailscope/tailscope/estimator/hist"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/stable"
	"github.com/tailscope/tailscope/ui/chart"
	"github.com/tailscope/tailscope/ui/worker"
)

// Job is the name of the worker job that computes a Result.
const Job = "estimator"

func init() { worker.Handle(Job, handle) }

// Caps on a user's file, checked in the browser before any parsing: the page holds the file, its
// values and a sorted copy in memory at once.
const (
	MaxFileBytes  = 256 << 20 // 256 MiB of file (or of decompressed gzip)
	MaxFileValues = 1 << 24   // 16.8 million values
)

// Shape of the charts.
const (
	HistBins      = 60   // histogram bins over [−Clip, Clip]
	ClipQuantile  = 0.99 // the histogram shows |x| up to this quantile of |x|
	CurvePoints   = 161  // points of the density curves
	SurvivalPoint = 160  // points of the empirical survival curve (thinned, log-spaced in tail count)
)

// Request is what the worker is asked to compute: the sample of a spec, or the analysis of a file
// (whose bytes follow the request's JSON line in the job's input).
type Request struct {
	Spec     spec.Spec `json:"spec"`
	FileName string    `json:"file_name,omitempty"`
}

// EncodeRequest writes r and the file's bytes (nil for a sample) as a job input.
func EncodeRequest(r Request, data []byte) ([]byte, error) {
	head, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("estimatorview: encoding request: %w", err)
	}
	return append(append(head, '\n'), data...), nil
}

// DecodeRequest splits a job input into the request and the file's bytes.
func DecodeRequest(b []byte) (Request, []byte, error) {
	head, data, ok := bytes.Cut(b, []byte{'\n'})
	if !ok {
		return Request{}, nil, errors.New("estimatorview: request without its header line")
	}
	var r Request
	if err := json.Unmarshal(head, &r); err != nil {
		return Request{}, nil, fmt.Errorf("estimatorview: bad request: %w", err)
	}
	return r, data, nil
}

func handle(ctx context.Context, input []byte, report spec.Reporter) ([]byte, error) {
	r, data, err := DecodeRequest(input)
	if err != nil {
		return nil, err
	}
	res, err := Compute(ctx, r, data, report)
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

// Result is everything the view shows about one sample or file. It is computed in a worker and
// crosses to the page as JSON; values that are not finite travel as null (chart.Numbers).
type Result struct {
	Source string    `json:"source"` // "sample" or "file"
	Title  string    `json:"title"`  // the law or the file name
	N      int       `json:"n"`
	Shape  []int     `json:"shape,omitempty"` // a file's array shape
	Dist   spec.Dist `json:"dist,omitempty"`  // a sample's law: sas, student, mixture, gauss
	Nu     float64   `json:"nu,omitempty"`    // a Student-t sample's degrees of freedom
	// TailIndex is what a perfect estimator reports for a sample's law (0 for a file).
	TailIndex float64 `json:"tail_index,omitempty"`
	// FiniteVariance marks a finite-variance, non-Gaussian law (the Mohammadi caveat).
	FiniteVariance bool             `json:"finite_variance,omitempty"`
	Report         estimator.Report `json:"report"`

	// The histogram of the values within ±Clip (Outside values lie beyond), as a density.
	Clip        float64       `json:"clip"`
	Outside     int           `json:"outside"`
	HistEdges   chart.Numbers `json:"hist_edges"`
	HistDensity chart.Numbers `json:"hist_density"`
	// Curves over ±Clip: the law's density (samples only) and the Gaussian matched to the middle
	// half of the data (mean = median, σ = IQR/1.349).
	CurveX        chart.Numbers `json:"curve_x"`
	LawDensity    chart.Numbers `json:"law_density,omitempty"`
	GaussDensity  chart.Numbers `json:"gauss_density"`
	GaussMu       float64       `json:"gauss_mu"`
	GaussSigma    float64       `json:"gauss_sigma"`
	SurvivalT     chart.Numbers `json:"survival_t"`
	SurvivalP     chart.Numbers `json:"survival_p"`
	LawSurvivalP  chart.Numbers `json:"law_survival_p,omitempty"` // the law's P(|X| > t) at SurvivalT
	GaussSurvival chart.Numbers `json:"gauss_survival_p"`         // the matched Gaussian's
}

// Compute draws the sample of r.Spec, or parses data when r.FileName is set, then runs every
// estimator and prepares the charts' data. File errors read like the tailindex CLI's: the file's
// name, then the problem.
func Compute(ctx context.Context, r Request, data []byte, report spec.Reporter) (*Result, error) {
	res := &Result{}
	var x []float64
	sample := r.FileName == ""
	if !sample {
		report.Report(spec.Progress{Fraction: 0, Message: "reading " + r.FileName})
		d, err := dump.Parse(r.FileName, bytes.NewReader(data), dump.Options{MaxValues: MaxFileValues, MaxBytes: MaxFileBytes})
		if err != nil {
			return nil, err
		}
		x = d.Values
		res.Source, res.Title, res.Shape = "file", r.FileName, d.Shape
	} else {
		var err error
		x, err = stable.Draw(ctx, r.Spec, func(p spec.Progress) {
			report.Report(spec.Progress{Fraction: 0.5 * p.Fraction, Message: p.Message})
		})
		if err != nil {
			return nil, err
		}
		p, _ := r.Spec.Stable() // Draw checked the kind
		res.Source, res.Title, res.Dist = "sample", lawName(r.Spec), p.Dist
		if res.Dist == spec.DistStudent {
			res.Nu = p.Nu
		}
		res.TailIndex, res.FiniteVariance = tailIndex(r.Spec)
	}
	res.N = len(x)
	msg := fmt.Sprintf("estimating α from %d values", len(x))
	report.Report(spec.Progress{Fraction: 0.3, Message: msg})
	k1 := 0
	if p, err := r.Spec.Stable(); err == nil {
		k1 = p.K1
	}
	if k1 > 0 && 2*k1 > len(x) {
		return nil, fmt.Errorf("%s: block size K1 = %d leaves fewer than two blocks of %d values: lower K1", res.Title, k1, len(x))
	}
	rep, err := estimator.AnalyzeContext(ctx, x, estimator.Options{K1: k1, Seed: r.Spec.Seed, Progress: func(done, total int) {
		report.Report(spec.Progress{Fraction: 0.3 + 0.6*float64(done)/float64(max(total, 1)), Message: msg})
	}})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s", res.Title, strings.TrimPrefix(err.Error(), "estimator: "))
	}
	res.Report = rep
	report.Report(spec.Progress{Fraction: 0.9, Message: "preparing the charts"})
	var law *spec.Spec
	if sample {
		law = &r.Spec
	}
	res.charts(x, law)
	report.Report(spec.Progress{Fraction: 1, Message: "done"})
	return res, nil
}

// charts fills the histogram, the curves and the survival data from x; law is the spec of a
// sample (nil for a file), whose law's curves are drawn too.
func (res *Result) charts(x []float64, law *spec.Spec) {
	n := len(x)
	sorted := slices.Clone(x)
	slices.Sort(sorted)
	q := func(p float64) float64 { return hist.Quantile(sorted, p) }
	abs := make([]float64, n)
	for i, v := range x {
		abs[i] = math.Abs(v)
	}
	slices.Sort(abs)

	// Histogram over ±Clip, Clip the ClipQuantile of |x| (so the centre is visible however heavy
	// the tails are); a density, so that it compares with the curves.
	clip := hist.Quantile(abs, ClipQuantile)
	if !(clip > 0) {
		clip = abs[n-1]
	}
	if !(clip > 0) {
		clip = 1
	}
	res.Clip = clip
	bins := hist.Equal(sorted, -clip, clip, HistBins)
	res.Outside = bins.Below + bins.Above
	res.HistEdges = bins.Edges
	res.HistDensity = bins.Density(n)

	// The Gaussian matched to the middle half: its median and quartiles are those of the data.
	const iqrPerSigma = 1.3489795003921634 // 2·Φ⁻¹(0.75)
	res.GaussMu = q(0.5)
	res.GaussSigma = (q(0.75) - q(0.25)) / iqrPerSigma
	if !(res.GaussSigma > 0) {
		res.GaussSigma = math.Max(clip/3, 1e-300)
	}
	gauss := func(v float64) float64 {
		z := (v - res.GaussMu) / res.GaussSigma
		return math.Exp(-z*z/2) / (res.GaussSigma * math.Sqrt(2*math.Pi))
	}
	res.CurveX = make(chart.Numbers, CurvePoints)
	res.GaussDensity = make(chart.Numbers, CurvePoints)
	if law != nil {
		res.LawDensity = make(chart.Numbers, CurvePoints)
	}
	for i := range res.CurveX {
		v := -clip + 2*clip*float64(i)/float64(CurvePoints-1)
		res.CurveX[i] = v
		res.GaussDensity[i] = gauss(v)
		if law != nil {
			res.LawDensity[i] = stable.Density(*law, v)
		}
	}

	// Survival of |x| at thinned order statistics: tail counts k = 1 … n log-spaced, t the k-th
	// largest |x|, P(|X| ≥ t) estimated by k/n. Zeros cannot be drawn on log axes and are skipped.
	var ks []int
	for i := 0; i < SurvivalPoint; i++ {
		k := int(math.Round(math.Pow(float64(n), float64(i)/float64(SurvivalPoint-1))))
		if len(ks) == 0 || k > ks[len(ks)-1] {
			ks = append(ks, k)
		}
	}
	for _, k := range ks {
		t := abs[n-k]
		if t <= 0 {
			continue
		}
		res.SurvivalT = append(res.SurvivalT, t)
		res.SurvivalP = append(res.SurvivalP, float64(k)/float64(n))
		// P(|Y| > t) = P(Y > t) + P(Y < −t) for Y ~ N(μ, σ²).
		up, down := (t-res.GaussMu)/res.GaussSigma, (t+res.GaussMu)/res.GaussSigma
		res.GaussSurvival = append(res.GaussSurvival, 0.5*math.Erfc(up/math.Sqrt2)+0.5*math.Erfc(down/math.Sqrt2))
		if law != nil {
			res.LawSurvivalP = append(res.LawSurvivalP, lawAbsSurvival(*law, t))
		}
	}
}
