package networkview

import (
	"fmt"
	"math"
	"strconv"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/controls"
)

// Controls lists the parameters of the "mlp" kind the view shows, in order; the others
// (subset, testN, schedule, order…) keep their values, which a share link carries. Shown
// says which of them apply to a spec.
var Controls = []string{"dataset", "arch", "n", "width", "depth", "ch", "loss", "batch", "lr", "iters", "evalEvery", "evalBatches"}

// Shown reports whether the view offers the control of parameter name for sp: the width and
// depth of a fully connected network, the channel scale of AlexNet. A hidden parameter keeps
// its value (and the link carries it), so switching back restores it.
func Shown(name string, sp spec.Spec) bool {
	alex := mlpParams(sp).Arch == spec.ArchAlexNet
	switch name {
	case "width", "depth":
		return !alex
	case "ch":
		return alex
	}
	return true
}

// Options returns the choices the view offers for choice parameter name with sp: AlexNet
// takes images, so with it the synthetic datasets (points in the plane) are left out.
func Options(name string, sp spec.Spec) []string {
	all := Param(name).Choices
	if name != "dataset" || mlpParams(sp).Arch != spec.ArchAlexNet {
		return all
	}
	var out []string
	for _, d := range all {
		if _, _, _, ok := spec.Dataset(d).ImageShape(); ok {
			out = append(out, d)
		}
	}
	return out
}

// AlexNetPreset is the "mlp" preset whose sizes the view takes when AlexNet is chosen: a run
// of seconds in a browser, where the fully connected page's sizes would take minutes.
const AlexNetPreset = "alexnet"

// alexNetSized are the parameters taken from AlexNetPreset when the architecture turns to
// AlexNet; the others (loss, η, seed, an image dataset…) are kept.
var alexNetSized = []string{"ch", "n", "testN", "batch", "iters", "evalEvery", "evalBatches"}

// DefaultSpec is the view's starting spec, the "mlp" kind's page preset (declared in sim/spec).
//
// Deprecated: use spec.MustPreset("mlp", spec.PagePreset).
func DefaultSpec() spec.Spec { return spec.MustPreset("mlp", spec.PagePreset) }

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
	mp, err := sp.MLP()
	if err != nil || mp.Batch < 1 {
		return p.Max
	}
	switch p.Name {
	case "batch":
		return math.Max(p.Min, math.Min(p.Max, float64(mp.N/2)))
	case "evalBatches":
		return math.Min(p.Max, float64(mp.N/mp.Batch))
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
		Scale: controls.NewScale(*p, minOf(p), maxOf(p, sp)), Value: sp.Get(name).Num}
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
	return fit(sp, out)
}

// WithChoice is WithValue for a choice parameter. Choosing AlexNet for a fully connected run
// also takes AlexNetPreset's sizes (and MNIST for a synthetic set, which has no images).
func WithChoice(sp spec.Spec, name, choice string) (spec.Spec, error) {
	out := sp.Clone()
	if err := out.SetChoice(name, choice); err != nil {
		return sp, err
	}
	if name == "arch" && choice == string(spec.ArchAlexNet) && mlpParams(sp).Arch != spec.ArchAlexNet {
		small := spec.MustPreset("mlp", AlexNetPreset)
		for _, p := range alexNetSized {
			if err := out.Set(p, small.Get(p).Num); err != nil {
				return sp, err
			}
		}
		if _, _, _, ok := mlpParams(out).Dataset.ImageShape(); !ok {
			if err := out.SetChoice("dataset", small.Get("dataset").Str); err != nil {
				return sp, err
			}
		}
	}
	return fit(sp, out)
}

// WithTestNoise is WithValue for the testNoise checkbox (measure the test set's noise too).
func WithTestNoise(sp spec.Spec, on bool) (spec.Spec, error) {
	out := sp.Clone()
	v := 0.0
	if on {
		v = 1
	}
	if err := out.Set("testNoise", v); err != nil {
		return sp, err
	}
	return fit(sp, out)
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

// fit returns changed with the dependent limits kept true after one change (n and testN at
// most the dataset's sizes, the batch at most n/2, the noise batches at most n/b, as the kind
// requires), validated; or was and the
// error naming the field.
func fit(was, changed spec.Spec) (spec.Spec, error) {
	p, err := changed.MLP()
	if err != nil {
		return was, err
	}
	if trainN, testN := p.Dataset.Examples(); trainN > 0 { // e.g. MNIST's 60000 → CIFAR's 50000
		p.N, p.TestN = min(p.N, trainN), min(p.TestN, testN)
	}
	p.Batch = min(p.Batch, max(1, p.N/2))
	p.EvalBatches = min(p.EvalBatches, p.N/p.Batch)
	if p.EvalBatches == 1 {
		p.EvalBatches = 2
	}
	out, err := p.Spec(changed.Seed)
	if err != nil {
		return was, err
	}
	return out, nil
}

// BiggerSpec is sp made the size of the paper's protocol for the server: the whole
// training set (MNIST's 60 000 images, CIFAR's 50 000; 60 000 synthetic points), a 10 000-example test set
// and the noise measured on all P = n/b batches, the rest unchanged. If the kind's work
// budget refuses that, the measurement interval grows until it fits.
func BiggerSpec(sp spec.Spec) (spec.Spec, error) {
	p, err := sp.MLP()
	if err != nil {
		return sp, err
	}
	p.N, p.TestN, p.EvalBatches = 60000, 10000, 0
	if trainN, testN := p.Dataset.Examples(); trainN > 0 { // CIFAR: 50 000
		p.N, p.TestN = trainN, testN
	}
	for {
		out, err := p.Spec(sp.Seed)
		if err == nil {
			return out, nil
		}
		fe, ok := err.(*spec.FieldError)
		if !ok || fe.Field != "evalEvery" || p.EvalEvery >= p.Iters {
			return sp, err
		}
		p.EvalEvery = min(p.Iters, 2*p.EvalEvery)
	}
}
