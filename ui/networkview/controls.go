package networkview

import (
	"fmt"
	"math"
	"strconv"

	"github.com/tailscope/tailscope/sim/spec"
)

// Controls lists the parameters of the "mlp" kind the view shows, in order; the others
// (subset, testN, schedule, order…) keep their values, which a share link carries.
var Controls = []string{"dataset", "n", "width", "depth", "loss", "batch", "lr", "iters", "evalEvery", "evalBatches"}

// SliderSteps is the resolution of a log-scale slider.
const SliderSteps = 1000

// DefaultSpec is the view's starting spec, the "mlp" kind's page preset (declared in sim/spec).
//
// Deprecated: use spec.MustPreset("mlp", spec.PagePreset).
func DefaultSpec() spec.Spec { return spec.MustPreset("mlp", spec.PagePreset) }

// Param returns the "mlp" kind's parameter name.
func Param(name string) *spec.Param {
	k, _ := spec.Lookup("mlp")
	return k.Param(name)
}

// Slider describes the range input of a numeric parameter for spec sp.
type Slider struct {
	Name           string
	Label, Help    string
	Min, Max, Step float64 // of the <input type=range>: positions
	Pos            float64 // the current value's position
	Text           string  // the current value, as shown
}

// IsChoice reports whether the parameter is a choice (a <select>).
func IsChoice(name string) bool { return Param(name).Type == spec.Choice }

// maxOf is the largest value of a parameter that sp can take, given the others: the
// batch at most n/2, evalBatches at most n/b.
func maxOf(p *spec.Param, sp spec.Spec) float64 {
	switch p.Name {
	case "batch":
		return math.Max(p.Min, math.Min(p.Max, float64(sp.Int("n")/2)))
	case "evalBatches":
		return math.Min(p.Max, float64(sp.Int("n")/sp.Int("batch")))
	case "lr":
		return 2 // larger steps only diverge
	}
	return p.Max
}

// minOf is the smallest value a slider offers.
func minOf(p *spec.Param) float64 {
	if p.Name == "lr" {
		return 0.001
	}
	return p.Min
}

// SliderFor returns the slider of numeric parameter name for sp.
func SliderFor(name string, sp spec.Spec) Slider {
	p := Param(name)
	v := sp.Float(name)
	lo, hi := minOf(p), maxOf(p, sp)
	s := Slider{Name: name, Label: p.Label, Help: p.Help, Text: FormatValue(p, v)}
	if p.Unit != "" {
		s.Label += " (" + p.Unit + ")"
	}
	if p.Log {
		s.Min, s.Max, s.Step = 0, SliderSteps, 1
		s.Pos = math.Round(SliderSteps * math.Log(math.Max(lo, v)/lo) / math.Log(hi/lo))
		s.Pos = math.Max(0, math.Min(SliderSteps, s.Pos))
		return s
	}
	s.Min, s.Max, s.Step, s.Pos = lo, hi, 1, v
	if p.Type == spec.Float {
		s.Step = p.Step
	}
	return s
}

// ValueAt returns the value of parameter name at slider position pos (the range input's
// text) for sp: on a log slider rounded to two significant digits, integers rounded, and
// clamped to what sp allows.
func ValueAt(name string, sp spec.Spec, pos string) (float64, error) {
	p := Param(name)
	x, err := strconv.ParseFloat(pos, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, &spec.FieldError{Field: name, Msg: fmt.Sprintf("slider position %q is not a number", pos)}
	}
	lo, hi := minOf(p), maxOf(p, sp)
	v := x
	if p.Log {
		switch {
		case x <= 0:
			v = lo
		case x >= SliderSteps:
			v = hi // exactly: 1024, not 1000
		default:
			v = roundSig(lo*math.Exp(x/SliderSteps*math.Log(hi/lo)), 2)
		}
	}
	if p.Type == spec.Int {
		v = math.Round(v)
	}
	return math.Max(lo, math.Min(hi, v)), nil
}

func roundSig(v float64, digits int) float64 {
	if v == 0 {
		return 0
	}
	e := math.Pow(10, math.Floor(math.Log10(math.Abs(v)))-float64(digits-1))
	return math.Round(v/e) * e
}

// FormatValue writes a parameter's value for the page.
func FormatValue(p *spec.Param, v float64) string {
	if p.Name == "evalBatches" && v == 0 {
		return "all"
	}
	if p.Type == spec.Int {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// WithValue returns sp with parameter name set to v, or the error naming the field (a
// value out of range, or one the kind's budgets refuse).
func WithValue(sp spec.Spec, name string, v float64) (spec.Spec, error) {
	out := sp.Clone()
	if err := out.Set(name, v); err != nil {
		return sp, err
	}
	fit(&out)
	if err := out.Validate(); err != nil {
		return sp, err
	}
	return out, nil
}

// WithChoice is WithValue for a choice parameter.
func WithChoice(sp spec.Spec, name, choice string) (spec.Spec, error) {
	out := sp.Clone()
	if err := out.SetChoice(name, choice); err != nil {
		return sp, err
	}
	fit(&out)
	if err := out.Validate(); err != nil {
		return sp, err
	}
	return out, nil
}

// WithSeed is WithValue for the seed, given as the text of its input.
func WithSeed(sp spec.Spec, text string) (spec.Spec, error) {
	v, err := strconv.ParseUint(text, 10, 64)
	if err != nil || v > spec.MaxSeed {
		return sp, &spec.FieldError{Field: "seed", Msg: fmt.Sprintf("must be an integer in [0, %d], got %q", uint64(spec.MaxSeed), text)}
	}
	out := sp.Clone()
	out.Seed = v
	return out, nil
}

// fit keeps the dependent limits true after one change: the batch at most n/2 and the
// noise batches at most n/b, as the kind requires.
func fit(sp *spec.Spec) {
	n := sp.Int("n")
	if b := sp.Int("batch"); 2*b > n {
		sp.Set("batch", float64(max(1, n/2)))
	}
	if eb, most := sp.Int("evalBatches"), n/sp.Int("batch"); eb > most {
		sp.Set("evalBatches", float64(most))
	}
	if sp.Int("evalBatches") == 1 {
		sp.Set("evalBatches", 2)
	}
}

// BiggerSpec is sp made the size of the paper's protocol for the server: the whole
// training set (MNIST's 60 000 images; 60 000 synthetic points), a 10 000-example test set
// and the noise measured on all P = n/b batches, the rest unchanged. If the kind's work
// budget refuses that, the measurement interval grows until it fits.
func BiggerSpec(sp spec.Spec) (spec.Spec, error) {
	out := sp.Clone()
	for name, v := range map[string]float64{"n": 60000, "testN": 10000, "evalBatches": 0} {
		if err := out.Set(name, v); err != nil {
			return sp, err
		}
	}
	for range 20 {
		err := out.Validate()
		if err == nil {
			return out, nil
		}
		fe, ok := err.(*spec.FieldError)
		if !ok || fe.Field != "evalEvery" || out.Int("evalEvery") >= out.Int("iters") {
			return sp, err
		}
		out.Set("evalEvery", float64(min(out.Int("iters"), 2*out.Int("evalEvery"))))
	}
	return sp, out.Validate()
}
