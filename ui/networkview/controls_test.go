package networkview

import (
	"errors"
	"math"
	"strconv"
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

// TestSliders: positions map to values and back; log sliders span the bounds.
func TestSliders(t *testing.T) {
	sp := DefaultSpec()
	tests := []struct {
		name, pos string
		want      float64
	}{
		{"n", "0", 100},
		{"n", "1000", 60000},
		{"n", "500", 2400}, // 100·600^0.5 = 2449 → two significant digits
		{"n", "-5", 100},   // clamped
		{"lr", "0", 0.001}, // the slider's floor
		{"lr", "1000", 2},  // and its ceiling
		{"lr", "700", 0.2}, // 0.001·2000^0.7 = 0.205
		{"width", "1000", 1024},
		{"depth", "4", 4},           // linear
		{"depth", "4.4", 4},         // integers rounded
		{"batch", "1000", 1000},     // at most n/2 = 1000
		{"evalBatches", "9999", 40}, // at most n/b = 40
		{"evalBatches", "0", 0},
	}
	for _, tt := range tests {
		got, err := ValueAt(tt.name, sp, tt.pos)
		if err != nil || math.Abs(got-tt.want) > 1e-9*tt.want {
			t.Errorf("ValueAt(%s, %s) = %v, %v; want %v", tt.name, tt.pos, got, err, tt.want)
		}
	}
	// The slider of each control shows the spec's value at a position that gives it back
	// (to two significant digits on log sliders).
	for _, name := range Controls {
		if IsChoice(name) {
			continue
		}
		s := SliderFor(name, sp)
		v, err := ValueAt(name, sp, strconv.FormatFloat(s.Pos, 'f', -1, 64))
		want := sp.Float(name)
		if err != nil || math.Abs(v-want) > 0.03*want {
			t.Errorf("%s: slider at %v gives %v, %v; the spec has %v", name, s.Pos, v, err, want)
		}
		if s.Pos < s.Min || s.Pos > s.Max {
			t.Errorf("%s: position %v outside [%v, %v]", name, s.Pos, s.Min, s.Max)
		}
	}
	if _, err := ValueAt("n", sp, "many"); err == nil {
		t.Errorf("ValueAt(n, many) gave no error")
	}
}

func TestWith(t *testing.T) {
	sp := DefaultSpec()
	// Fewer examples pull the batch and the noise batches down with them.
	got, err := WithValue(sp, "n", 100)
	if err != nil {
		t.Fatal(err)
	}
	if got.Int("batch") != 50 || got.Int("evalBatches") != 0 {
		t.Errorf("n = 100: batch %d, evalBatches %d; want 50, 0", got.Int("batch"), got.Int("evalBatches"))
	}
	sp2, _ := WithValue(sp, "evalBatches", 30)
	got, err = WithValue(sp2, "batch", 100) // n/b = 20 < 30
	if err != nil || got.Int("evalBatches") != 20 {
		t.Errorf("batch 100 with 30 noise batches: %d, %v; want 20", got.Int("evalBatches"), err)
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
	if got, err := WithChoice(sp, "dataset", "spirals"); err != nil || got.Choice("dataset") != "spirals" {
		t.Errorf("WithChoice(dataset, spirals) = %v, %v", got.Choice("dataset"), err)
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
	got, err := BiggerSpec(DefaultSpec())
	if err != nil {
		t.Fatal(err)
	}
	if got.Int("n") != 60000 || got.Int("testN") != 10000 || got.Int("evalBatches") != 0 || got.Int("width") != 64 {
		t.Errorf("bigger spec: n %d testN %d evalBatches %d width %d; want 60000 10000 0 64",
			got.Int("n"), got.Int("testN"), got.Int("evalBatches"), got.Int("width"))
	}
	// A run the work budget refuses at full size measures less often instead.
	sp := DefaultSpec()
	for name, v := range map[string]float64{"width": 1024, "depth": 4, "iters": 2000, "evalEvery": 10, "batch": 100} {
		if err := sp.Set(name, v); err != nil {
			t.Fatal(err)
		}
	}
	got, err = BiggerSpec(sp)
	if err != nil {
		t.Fatal(err)
	}
	if got.Int("evalEvery") <= 10 || got.Validate() != nil {
		t.Errorf("bigger heavy spec: evalEvery %d, %v; want > 10 and valid", got.Int("evalEvery"), got.Validate())
	}
}

// FuzzValueAt: any slider text gives a value the spec accepts, or an error; never a panic.
func FuzzValueAt(f *testing.F) {
	for _, s := range []string{"0", "1000", "-3", "1e308", "NaN", "Inf", "", "12.5", "0x10"} {
		f.Add("n", s)
		f.Add("lr", s)
		f.Add("evalBatches", s)
	}
	sp := DefaultSpec()
	f.Fuzz(func(t *testing.T, name, pos string) {
		p := Param(name)
		if p == nil || p.Type == spec.Choice {
			return
		}
		v, err := ValueAt(name, sp, pos)
		if err != nil {
			return
		}
		if _, err := WithValue(sp, name, v); err != nil {
			var fe *spec.FieldError
			if !errors.As(err, &fe) {
				t.Errorf("ValueAt(%s, %q) = %v, which WithValue refuses without naming a field: %v", name, pos, v, err)
			}
			if name != "iters" && name != "width" && name != "n" && name != "evalEvery" {
				t.Errorf("ValueAt(%s, %q) = %v, refused: %v", name, pos, v, err)
			}
		}
	})
}

// FuzzWithSeed: any seed text gives a valid spec or an error naming the seed.
func FuzzWithSeed(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "9007199254740991", "9007199254740992", "abc", " 7", ""} {
		f.Add(s)
	}
	sp := DefaultSpec()
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
