package networkview

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/spec"
)

func TestDefaultSpec(t *testing.T) {
	sp := DefaultSpec()
	if err := sp.Validate(); err != nil {
		t.Fatalf("DefaultSpec is invalid: %v", err)
	}
	if sp.Key() == spec.MustNew("mlp", 1).Key() {
		t.Errorf("DefaultSpec equals the kind's defaults: NewPage could not tell a fresh page")
	}
	// About a minute in a browser: bound the work the kind's own estimate gives.
	if _, work := spec.MLPCost(sp); work > 2e10 {
		t.Errorf("DefaultSpec needs %.2g multiply-adds; want ≤ 2e10 (about a minute in wasm)", work)
	}
}

// valueAt is the value of parameter name's slider at position pos for sp.
func valueAt(name string, sp spec.Spec, pos float64) float64 {
	return SliderFor(name, sp).Scale.Value(pos)
}

// TestSliders: positions map to values and back; log sliders span the bounds the spec allows.
func TestSliders(t *testing.T) {
	sp := spec.MustPreset("mlp", spec.PagePreset)
	tests := []struct {
		name string
		pos  float64
		want float64
	}{
		{"n", 0, 100},
		{"n", 230, 60000},         // 100…990, 1000…9900, 10 000…59 000: 230 stops, then the max
		{"n", 90, 1000},           // two significant digits, 90 stops a decade
		{"n", -5, 100},            // clamped
		{"lr", 0, 0.001},          // the slider's floor
		{"lr", 280, 2},            // and its ceiling: 0.001…1.9 is 280 stops
		{"lr", 181, 0.11},         // 0.1 is at 180
		{"width", 187, 1024},      // 4…9, 10…99, 100…990, 1000, 1024
		{"width", 6, 10},          //
		{"depth", 4, 4},           // linear
		{"depth", 4.4, 4},         // integers rounded
		{"batch", 9999, 1000},     // at most n/2 = 1000
		{"evalBatches", 9999, 40}, // at most n/b = 40
		{"evalBatches", 0, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s at %v", tt.name, tt.pos), func(t *testing.T) {
			if got := valueAt(tt.name, sp, tt.pos); math.Abs(got-tt.want) > 1e-9*tt.want {
				t.Errorf("%s at %v = %v; want %v", tt.name, tt.pos, got, tt.want)
			}
		})
	}
	// The slider of each control shows the spec's value at a position that gives it back.
	for _, name := range Controls {
		if IsChoice(name) {
			continue
		}
		t.Run(name+" round trip", func(t *testing.T) {
			s := SliderFor(name, sp)
			pos := s.Scale.Pos(s.Value)
			if v, want := s.Scale.Value(pos), sp.Get(name).Num; v != want {
				t.Errorf("slider at %v gives %v; the spec has %v", pos, v, want)
			}
			if pos < s.Scale.Min() || pos > s.Scale.Max() {
				t.Errorf("position %v outside [%v, %v]", pos, s.Scale.Min(), s.Scale.Max())
			}
		})
	}
	if f := SpecialText("evalBatches"); f == nil || f(0) != "all" || f(3) != "" {
		t.Errorf(`evalBatches 0 is not shown as "all"`)
	}
}

func TestWith(t *testing.T) {
	sp := spec.MustPreset("mlp", spec.PagePreset)
	// Fewer examples pull the batch and the noise batches down with them.
	got, err := WithValue(sp, "n", 100)
	if err != nil {
		t.Fatal(err)
	}
	if spec.Must(got.MLP()).Batch != 50 || spec.Must(got.MLP()).EvalBatches != 0 {
		t.Errorf("n = 100: batch %d, evalBatches %d; want 50, 0", spec.Must(got.MLP()).Batch, spec.Must(got.MLP()).EvalBatches)
	}
	sp2, _ := WithValue(sp, "evalBatches", 30)
	got, err = WithValue(sp2, "batch", 100) // n/b = 20 < 30
	if err != nil || spec.Must(got.MLP()).EvalBatches != 20 {
		t.Errorf("batch 100 with 30 noise batches: %d, %v; want 20", spec.Must(got.MLP()).EvalBatches, err)
	}
	// Refusals name the field and leave the spec as it was.
	for _, tt := range []struct {
		name  string
		v     float64
		field string
	}{
		{"depth", 11, "depth"},
		{"width", 1024 * 4, "width"},
		{"iters", 1e6, "evalEvery"}, // the measurements are most of the work
	} {
		got, err := WithValue(sp, tt.name, tt.v)
		var fe *spec.FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || got.Key() != sp.Key() {
			t.Errorf("WithValue(%s, %v) = %v; want an error on %s and the spec unchanged", tt.name, tt.v, err, tt.field)
		}
	}
	if _, err := WithChoice(sp, "loss", "mse"); err == nil {
		t.Errorf("WithChoice(loss, mse) gave no error")
	}
	if got, err := WithChoice(sp, "dataset", "spirals"); err != nil || string(spec.Must(got.MLP()).Dataset) != "spirals" {
		t.Errorf("WithChoice(dataset, spirals) = %v, %v", string(spec.Must(got.MLP()).Dataset), err)
	}
	for _, tt := range []struct {
		text string
		ok   bool
		want uint64
	}{{"42", true, 42}, {"0", true, 0}, {"-1", false, 0}, {"1e3", false, 0}, {"9007199254740992", false, 0}, {"", false, 0}} {
		got, err := WithSeed(sp, tt.text)
		if (err == nil) != tt.ok || (tt.ok && got.Seed != tt.want) {
			t.Errorf("WithSeed(%q) = %d, %v; want ok=%v seed %d", tt.text, got.Seed, err, tt.ok, tt.want)
		}
	}
}

func TestBiggerSpec(t *testing.T) {
	got, err := BiggerSpec(spec.MustPreset("mlp", spec.PagePreset))
	if err != nil {
		t.Fatal(err)
	}
	if spec.Must(got.MLP()).N != 60000 || spec.Must(got.MLP()).TestN != 10000 || spec.Must(got.MLP()).EvalBatches != 0 || spec.Must(got.MLP()).Width != 64 {
		t.Errorf("bigger spec: n %d testN %d evalBatches %d width %d; want 60000 10000 0 64",
			spec.Must(got.MLP()).N, spec.Must(got.MLP()).TestN, spec.Must(got.MLP()).EvalBatches, spec.Must(got.MLP()).Width)
	}
	// CIFAR's training set has 50000 images; switching to it from all of MNIST keeps n in range.
	sp := spec.MustPreset("mlp", spec.PagePreset)
	sp.SetChoice("dataset", "cifar10")
	got, err = BiggerSpec(sp)
	if p := spec.Must(got.MLP()); err != nil || p.N != 50000 || p.TestN != 10000 {
		t.Errorf("bigger CIFAR spec: n %d testN %d (%v); want 50000 10000", p.N, p.TestN, err)
	}
	mnist, _ := BiggerSpec(spec.MustPreset("mlp", spec.PagePreset))
	got, err = WithChoice(mnist, "dataset", "cifar100")
	if p := spec.Must(got.MLP()); err != nil || p.N != 50000 || p.Dataset != spec.DatasetCIFAR100 {
		t.Errorf("all of MNIST switched to CIFAR-100: n %d, dataset %s (%v); want 50000, cifar100", p.N, p.Dataset, err)
	}
	// A run the work budget refuses at full size measures less often instead.
	sp = spec.MustPreset("mlp", spec.PagePreset)
	for name, v := range map[string]float64{"width": 1024, "depth": 4, "iters": 2000, "evalEvery": 10, "batch": 100} {
		if err := sp.Set(name, v); err != nil {
			t.Fatal(err)
		}
	}
	got, err = BiggerSpec(sp)
	if err != nil {
		t.Fatal(err)
	}
	if spec.Must(got.MLP()).EvalEvery <= 10 || got.Validate() != nil {
		t.Errorf("bigger heavy spec: evalEvery %d, %v; want > 10 and valid", spec.Must(got.MLP()).EvalEvery, got.Validate())
	}
}

// FuzzSliderValue: any slider position gives a value the spec accepts, or one refused with
// the field named; never a panic.
func FuzzSliderValue(f *testing.F) {
	for _, x := range []float64{0, 1000, -3, 1e308, math.NaN(), math.Inf(1), 12.5} {
		f.Add("n", x)
		f.Add("lr", x)
		f.Add("evalBatches", x)
	}
	sp := spec.MustPreset("mlp", spec.PagePreset)
	f.Fuzz(func(t *testing.T, name string, pos float64) {
		p := Param(name)
		if p == nil || p.Type == spec.Choice {
			return
		}
		v := valueAt(name, sp, pos)
		if _, err := WithValue(sp, name, v); err != nil {
			var fe *spec.FieldError
			if !errors.As(err, &fe) {
				t.Errorf("%s at %v = %v, which WithValue refuses without naming a field: %v", name, pos, v, err)
			}
			if name != "iters" && name != "width" && name != "n" && name != "evalEvery" {
				t.Errorf("%s at %v = %v, refused: %v", name, pos, v, err)
			}
		}
	})
}

// FuzzWithSeed: any seed text gives a valid spec or an error naming the seed.
func FuzzWithSeed(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "9007199254740991", "9007199254740992", "abc", " 7", ""} {
		f.Add(s)
	}
	sp := spec.MustPreset("mlp", spec.PagePreset)
	f.Fuzz(func(t *testing.T, text string) {
		got, err := WithSeed(sp, text)
		if err != nil {
			var fe *spec.FieldError
			if !errors.As(err, &fe) || fe.Field != "seed" {
				t.Errorf("WithSeed(%q): %v; want an error on seed", text, err)
			}
			return
		}
		want, perr := strconv.ParseUint(text, 10, 64) // leading zeros are fine: "007" is 7
		if err := got.Validate(); err != nil || perr != nil || got.Seed != want {
			t.Errorf("WithSeed(%q) = seed %d, %v", text, got.Seed, err)
		}
	})
}

// TestWithTestNoise: the checkbox turns the test set's measurement on and off, and refuses a
// test set too small for two batches with the reason.
func TestWithTestNoise(t *testing.T) {
	sp := spec.MustPreset("mlp", spec.PagePreset)
	on, err := WithTestNoise(sp, true)
	if err != nil {
		t.Fatal(err)
	}
	if !mlpParams(on).TestNoise || mlpParams(sp).TestNoise {
		t.Errorf("testNoise %v after turning it on (was %v)", mlpParams(on).TestNoise, mlpParams(sp).TestNoise)
	}
	off, err := WithTestNoise(on, false)
	if err != nil || off.Key() != sp.Key() {
		t.Errorf("turned off: %v, key %q; want the page preset's %q", err, off.Key(), sp.Key())
	}
	small := sp.Clone()
	if err := small.Set("testN", 100); err != nil {
		t.Fatal(err)
	}
	if err := small.Set("batch", 60); err != nil {
		t.Fatal(err)
	}
	if _, err := WithTestNoise(small, true); err == nil || !strings.Contains(err.Error(), "testNoise") {
		t.Errorf("testN 100, b 60: got %v, want an error on testNoise", err)
	}
}

// TestShown: width and depth apply to a fully connected network, the channel scale to AlexNet;
// the other controls to both.
func TestShown(t *testing.T) {
	fc := spec.MustPreset("mlp", spec.PagePreset)
	alex := spec.MustPreset("mlp", AlexNetPreset)
	for _, tt := range []struct {
		name     string
		fc, alex bool
	}{
		{"width", true, false},
		{"depth", true, false},
		{"ch", false, true},
		{"n", true, true},
		{"batch", true, true},
		{"arch", true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Shown(tt.name, fc); got != tt.fc {
				t.Errorf("fully connected: Shown = %v; want %v", got, tt.fc)
			}
			if got := Shown(tt.name, alex); got != tt.alex {
				t.Errorf("AlexNet: Shown = %v; want %v", got, tt.alex)
			}
		})
	}
}

// TestOptions: with AlexNet the dataset select offers the image sets only.
func TestOptions(t *testing.T) {
	for _, tt := range []struct {
		preset, name, want string
	}{
		{spec.PagePreset, "dataset", "mnist blobs spirals cifar10 cifar100"},
		{AlexNetPreset, "dataset", "mnist cifar10 cifar100"},
		{AlexNetPreset, "arch", "fc alexnet"},
		{AlexNetPreset, "loss", "ce hinge"},
	} {
		t.Run(tt.preset+"/"+tt.name, func(t *testing.T) {
			if got := strings.Join(Options(tt.name, spec.MustPreset("mlp", tt.preset)), " "); got != tt.want {
				t.Errorf("Options = %q; want %q", got, tt.want)
			}
		})
	}
}

// TestWithChoiceArch: choosing AlexNet takes the alexnet preset's sizes (a run of seconds in
// a browser) and an image dataset, keeps loss, η and seed; choosing it again or going back to
// fully connected changes nothing else.
func TestWithChoiceArch(t *testing.T) {
	small := spec.Must(spec.MustPreset("mlp", AlexNetPreset).MLP())
	for _, tt := range []struct {
		name, dataset, wantDataset string
	}{
		{"mnist", "mnist", "mnist"},
		{"blobs to mnist", "blobs", "mnist"},
		{"cifar10 kept", "cifar10", "cifar10"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sp := spec.MustPreset("mlp", spec.PagePreset)
			sp.Seed = 7
			if err := sp.SetChoice("dataset", tt.dataset); err != nil {
				t.Fatal(err)
			}
			if err := sp.SetChoice("loss", "hinge"); err != nil {
				t.Fatal(err)
			}
			got, err := WithChoice(sp, "arch", "alexnet")
			if err != nil {
				t.Fatal(err)
			}
			p := spec.Must(got.MLP())
			if p.Arch != spec.ArchAlexNet || p.Ch != 4 || p.N != 500 || p.TestN != 200 || p.Batch != 25 ||
				p.Iters != 200 || p.EvalEvery != 25 || p.EvalBatches != 0 || string(p.Dataset) != tt.wantDataset {
				t.Errorf("AlexNet from %s: %+v; want ch 4, n 500, testN 200, b 25, 200 iterations every 25, dataset %s", tt.dataset, p, tt.wantDataset)
			}
			if p.Ch != small.Ch || p.N != small.N {
				t.Errorf("sizes differ from the %s preset: ch %d n %d; want %d %d", AlexNetPreset, p.Ch, p.N, small.Ch, small.N)
			}
			if p.Loss != spec.LossHinge || p.LR != 0.1 || got.Seed != 7 {
				t.Errorf("loss %s, lr %v, seed %d; want hinge, 0.1, 7 kept", p.Loss, p.LR, got.Seed)
			}
			// The link carries the architecture and the channels.
			if q := got.Query(); q.Get("arch") != "alexnet" || q.Get("ch") != "4" {
				t.Errorf("link %s: want arch=alexnet and ch=4", q.Encode())
			}
			// A larger ch on AlexNet is kept when another control changes.
			wider, err := WithValue(got, "ch", 8)
			if err != nil {
				t.Fatal(err)
			}
			again, err := WithChoice(wider, "arch", "alexnet")
			if err != nil || spec.Must(again.MLP()).Ch != 8 {
				t.Errorf("choosing AlexNet again: ch %d, %v; want 8 kept", spec.Must(again.MLP()).Ch, err)
			}
			back, err := WithChoice(wider, "arch", "fc")
			if bp := spec.Must(back.MLP()); err != nil || bp.Arch != spec.ArchFC || bp.Width != 64 || bp.Depth != 3 || bp.N != 500 {
				t.Errorf("back to fully connected: %+v, %v; want fc 64×3 with n 500 kept", bp, err)
			}
		})
	}
	// AlexNet needs images: a synthetic set is refused with the field named.
	alex := spec.MustPreset("mlp", AlexNetPreset)
	_, err := WithChoice(alex, "dataset", "spirals")
	var fe *spec.FieldError
	if !errors.As(err, &fe) || fe.Field != "arch" {
		t.Errorf("AlexNet on spirals: %v; want an error on arch", err)
	}
}
