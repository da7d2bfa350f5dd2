package networkview

import (
	"fmt"
	"math"
	"strconv"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/controls"
)

// Controls lists the parameters of the "mlp" kind the view shows, in order; the others
// (subset, testN, schedule, order…) keep their values, which a share link carries.
var Controls = []string{"dataset", "n", "width", "depth", "loss", "batch", "lr", "iters", "evalEvery", "evalBatches"}

// DefaultSpec is the view's starting spec: MNIST, small enough to give a clear picture in
// about a minute of a laptop's browser (2000 examples, a 784-64-64-10 network, 500 steps
// of b = 50, the noise measured every 50 steps on all P = 40 batches).
func DefaultSpec() spec.Spec {
	sp := spec.MustNew("mlp", 1)
	for name, v := range map[string]float64{"n": 2000, "testN": 1000, "width": 64, "depth": 3, "batch": 50,
		"lr": 0.1, "iters": 500, "evalEvery": 50, "evalBatches": 0} {
		if err := sp.Set(name, v); err != nil {
			panic(err) // a typo above; the tests catch it
		}
	}
	return sp
}

// Param returns the "mlp" kind's parameter name.
func Param(name string) *spec.Param {
	k, _ := spec.Lookup("mlp")
	return k.Param(name)
}

// Slider is the range input of a numeric parameter for a spec: what a controls.Slider
// is given.
type Slider struct {
	Name              string
	Label, Unit, Help string
	Scale             controls.Scale
	Value             float64 // the spec's value
}

// ID is the HTML id of the slider's input.
func (s Slider) ID() string { return "net-" + s.Name }

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
	return Slider{Name: name, Label: controls.Label(*p), Unit: p.Unit, Help: p.Help,
		Scale: controls.NewScale(*p, minOf(p), maxOf(p, sp)), Value: sp.Float(name)}
}

// SpecialText names the values a slider shows in words: "all" noise batches for 0.
func SpecialText(name string) func(float64) string {
	if name != "evalBatches" {
		return nil
	}
	return func(v float64) string {
		if v == 0 {
			return "all"
		}
		return ""
	}
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
