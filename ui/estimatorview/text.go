package estimatorview

import (
	"fmt"
	"strings"

	"github.com/tailscope/tailscope/ui/controls"
)

// Row is one line of the estimates table, formatted for the page.
type Row struct {
	Method string // estimator.Estimate.Method, e.g. "mohammadi"
	Label  string // plain words
	Alpha  string // α̂ with 2 decimals, or "—" when the method could not run
	CI     string // "[1.38, 1.65]"
	Sigma  string // σ̂ where the method gives one
	N      string // values used
	// Covers says whether the interval contains the true tail index ("yes"/"no"; "" when unknown).
	Covers string
}

// Rows is the table of every estimator, in Methods order.
func (res *Result) Rows() []Row {
	if res == nil {
		return nil
	}
	rows := make([]Row, 0, len(Methods))
	for _, m := range Methods {
		r := Row{Method: m.Name, Label: m.Label, Alpha: "—", CI: "did not run (see the warnings)"}
		for _, e := range res.Report.Estimates {
			if e.Method != m.Name {
				continue
			}
			r.Alpha = fmt.Sprintf("%.2f", e.Alpha)
			r.CI = fmt.Sprintf("[%.2f, %.2f]", e.Lo, e.Hi)
			if e.Sigma != 0 {
				r.Sigma = fmt.Sprintf("%.3g", e.Sigma)
			}
			r.N = controls.Thousands(e.N)
			if res.TailIndex > 0 {
				r.Covers = "no"
				if e.Lo <= res.TailIndex && res.TailIndex <= e.Hi {
					r.Covers = "yes"
				}
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// TailWords says in plain words what a tail index means.
func TailWords(alpha float64) string {
	switch {
	case alpha >= 1.995:
		return "Gaussian-like tails: finite variance."
	case alpha > 1:
		return "heavy tails: the mean exists, the variance is infinite."
	default:
		return "very heavy tails: even the mean is undefined."
	}
}

// Summary is one sentence on what was analysed and the paper's estimate.
func (res *Result) Summary() string {
	if res == nil {
		return ""
	}
	var b strings.Builder
	if res.Source == "file" {
		fmt.Fprintf(&b, "Your file %s: %s values", res.Title, controls.Thousands(res.N))
		if len(res.Shape) > 1 {
			fmt.Fprintf(&b, " (array of shape %v)", res.Shape)
		}
		b.WriteString(".")
	} else {
		fmt.Fprintf(&b, "%s values drawn from the %s.", controls.Thousands(res.N), res.Title)
	}
	if a, ok := res.Alpha("mohammadi"); ok {
		if res.FiniteVariance && a < 1.995 {
			fmt.Fprintf(&b, " The paper's estimator gives α̂ = %.2f, which would read as heavy tails, but this law has a finite variance (see the caveat).", a)
		} else {
			fmt.Fprintf(&b, " The paper's estimator gives α̂ = %.2f: %s", a, TailWords(a))
		}
	}
	if tc := res.Report.TailCheck; tc != nil && tc.Verdict != "not run" {
		b.WriteString(" " + tc.Sentence) // does the fitted α-stable law match the largest values?
	}
	return b.String()
}

// Notes are the caveats and warnings in plain words: first what the chosen law means for the
// estimators (the Mohammadi caveat), then the estimator package's warnings.
func (res *Result) Notes() []string {
	if res == nil {
		return nil
	}
	var notes []string
	a, haveA := res.Alpha("mohammadi")
	below := ""
	if haveA && a < 1.9 {
		below = fmt.Sprintf(" Here it gives α̂ = %.2f.", a)
	}
	switch {
	case res.Source == "file":
		notes = append(notes, "Your file was read and analysed in this browser; nothing was uploaded. "+
			"The estimators assume the values are independent draws from one symmetric law.")
	case res.Dist == "student" && res.FiniteVariance:
		notes = append(notes, fmt.Sprintf("Caveat: a Student-t law with ν = %.3g has a finite variance, so sums of its values become Gaussian "+
			"and its tail index in the α-stable sense is 2, although its tails fall like t^−%.3g. The Mohammadi estimator assumes exactly "+
			"α-stable data and can report α̂ < 2 on such data: that is not evidence of infinite variance (Panigrahi et al. 2019). "+
			"Watch the K1-drift chart climb toward 2.%s", res.Nu, res.Nu, below))
	case res.Dist == "student":
		notes = append(notes, fmt.Sprintf("Caveat: a Student-t law with ν = %.3g has heavy tails of index ν but is not α-stable: "+
			"estimators built for α-stable data are biased on it, and the bias shrinks only slowly as n grows.", res.Nu))
	case res.Dist == "mixture":
		notes = append(notes, "Caveat: this Gaussian mixture has a finite variance, so its tail index in the α-stable sense is 2. "+
			"It is not Gaussian either, and the Mohammadi estimator, which assumes exactly α-stable data, can report α̂ < 2 on it: "+
			"a false alarm of heavy tails (Panigrahi et al. 2019). Watch the K1-drift chart climb toward 2."+below)
	case res.Dist == "gauss":
		notes = append(notes, "Gaussian data have α = 2: every estimator should land near 2. "+
			"Values a little below 2 are noise; the Mohammadi estimator assumes α-stable data, which the Gaussian is (α = 2).")
	}
	for _, w := range res.Report.Warnings {
		if tc := res.Report.TailCheck; tc != nil && w == tc.Sentence {
			continue // the summary ends with it
		}
		notes = append(notes, "Warning: "+w)
	}
	return notes
}
