package controls

import (
	"strconv"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/spec"
)

func param(t *testing.T, kind, name string) spec.Param {
	t.Helper()
	k, ok := spec.Lookup(kind)
	if !ok || k.Param(name) == nil {
		t.Fatalf("no parameter %s.%s", kind, name)
	}
	return *k.Param(name)
}

func TestWidget(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"dist", "select"}, {"alpha", "range"}, {"n", "range"}, {"k1", "number"}, {"nu", "range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Widget(param(t, "stable", tc.name)); got != tc.want {
				t.Errorf("Widget(%s) = %q, want %q", tc.name, got, tc.want)
			}
		})
	}
}

func TestFormApply(t *testing.T) {
	sp := spec.MustNew("stable", 1)
	changes := 0
	f := &Form{Spec: &sp, IDPrefix: "est-", OnChange: func() { changes++ }}
	f.SetSlider(param(t, "stable", "alpha"), "1.2")
	if spec.Must(sp.Stable()).Alpha != 1.2 || changes != 1 {
		t.Errorf("after α slider to 1.2: α = %v, %d changes; want 1.2, 1", spec.Must(sp.Stable()).Alpha, changes)
	}
	f.SetText(param(t, "stable", "dist"), "cauchy")
	if string(spec.Must(sp.Stable()).Dist) != "sas" || changes != 1 || !strings.Contains(f.Error("dist"), "must be one of") {
		t.Errorf(`dist "cauchy": dist = %q, %d changes, error %q; want it refused`, string(spec.Must(sp.Stable()).Dist), changes, f.Error("dist"))
	}
	// k1 = 6000 with n = 10000 leaves one block: refused by the kind's Check, named k1.
	f.SetText(param(t, "stable", "k1"), "6000")
	if changes != 1 || !strings.Contains(f.Error("k1"), "two blocks") {
		t.Errorf("k1 = 6000 with n = 10000: %d changes, error %q; want it refused", changes, f.Error("k1"))
	}
	f.SetText(param(t, "stable", "k1"), "100")
	if changes != 2 || f.Error("k1") != "" || spec.Must(sp.Stable()).K1 != 100 {
		t.Errorf("k1 = 100: %d changes, error %q, k1 = %d; want accepted", changes, f.Error("k1"), spec.Must(sp.Stable()).K1)
	}
	f.SetSeed("42")
	f.NextSeed()
	if sp.Seed != 43 || changes != 4 {
		t.Errorf("seed 42 then next: seed %d, %d changes; want 43, 4", sp.Seed, changes)
	}
	f.SetSeed("-1")
	if sp.Seed != 43 || f.Error("seed") == "" {
		t.Errorf(`seed "-1": seed %d, error %q; want refused`, sp.Seed, f.Error("seed"))
	}
	dist := param(t, "stable", "dist")
	if got := f.OptionText(dist, "sas"); got != "sas" {
		t.Errorf("OptionText without labels = %q, want the value", got)
	}
	f.ChoiceLabel = func(p, ch string) string {
		if ch == "sas" {
			return "symmetric α-stable"
		}
		return ""
	}
	if a, b := f.OptionText(dist, "sas"), f.OptionText(dist, "gauss"); a != "symmetric α-stable" || b != "gauss" {
		t.Errorf("OptionText with labels = %q, %q; want the label, then the value where none", a, b)
	}
	if got := f.ID("alpha"); got != "est-alpha" {
		t.Errorf(`ID("alpha") = %q, want "est-alpha"`, got)
	}
	f.Visible = func(name string) bool { return name != "nu" }
	for _, p := range f.Params() {
		if p.Name == "nu" {
			t.Error("Visible hid nu, but Params lists it")
		}
	}
}

func TestThousands(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1\u202f000"}, {1000000, "1\u202f000\u202f000"}, {-12345, "−12\u202f345"}} {
		t.Run(strconv.Itoa(tc.n), func(t *testing.T) {
			if got := Thousands(tc.n); got != tc.want {
				t.Errorf("Thousands(%d) = %q, want %q", tc.n, got, tc.want)
			}
		})
	}
}

// FuzzFormText feeds any text to every control: the spec stays valid, whatever is refused.
func FuzzFormText(f *testing.F) {
	for _, s := range []string{"1.5", "-1", "NaN", "1e309", "abc", "", "0x10", "9007199254740993"} {
		f.Add(s)
	}
	k, _ := spec.Lookup("stable")
	f.Fuzz(func(t *testing.T, text string) {
		sp := spec.MustNew("stable", 1)
		form := &Form{Spec: &sp}
		for _, p := range k.Params {
			form.SetText(p, text)
			form.SetSlider(p, text)
		}
		form.SetSeed(text)
		// Every field keeps a value its table allows (k1 against n is a cross-field check that a
		// later change of n can break; the Form reports it rather than undoing n).
		if err := sp.Validate(); err != nil {
			if fe, ok := err.(*spec.FieldError); !ok || fe.Field != "k1" {
				t.Errorf("after %q: invalid spec %v: %v", text, sp.Query(), err)
			}
		}
		if sp.Seed > spec.MaxSeed {
			t.Errorf("after %q: seed %d > MaxSeed", text, sp.Seed)
		}
	})
}

func TestLabel(t *testing.T) {
	for _, tc := range []struct{ kind, name, want string }{
		{"mlp", "width", "width (units)"},
		{"exit", "steps", "steps"},     // the label names the unit already
		{"stable", "n", "sample size"}, // … or its singular
		{"mlp", "n", "training examples"},
		{"wells", "wl", "left well width (w)"}, // a one-letter unit inside a word is still written
		{"stable", "alpha", "tail index α"},
	} {
		t.Run(tc.kind+"."+tc.name, func(t *testing.T) {
			if got := Label(param(t, tc.kind, tc.name)); got != tc.want {
				t.Errorf("Label = %q, want %q", got, tc.want)
			}
		})
	}
}
