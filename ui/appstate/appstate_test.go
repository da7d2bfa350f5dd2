package appstate

import (
	"slices"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/spec"
)

func TestRoundTrip(t *testing.T) {
	s := New()
	sp, _ := s.Spec("estimator")
	if err := sp.Set("alpha", 0.8); err != nil {
		t.Fatal(err)
	}
	sp.Seed = 42
	s.SetSpec("estimator", sp)
	back := Parse(s.Fragment())
	if len(back.Ignored) != 0 {
		t.Fatalf("Parse(%q) ignored %v", s.Fragment(), back.Ignored)
	}
	got, _ := back.Spec("estimator")
	if got.Key() != sp.Key() || back.View != "estimator" {
		t.Errorf("Parse(Fragment()) = %s %s, want estimator %s", back.View, got.Key(), sp.Key())
	}
}

func TestUntrustedFragments(t *testing.T) {
	tests := []struct {
		fragment, view, ignoredField string
	}{
		{"", "estimator", ""},
		{"#estimator", "estimator", ""},
		{"#nowhere", "estimator", "view"},
		{"#estimator?alpha=7", "estimator", "alpha"},
		{"#estimator?alpha=NaN", "estimator", "alpha"},
		{"#estimator?kind=mlp", "estimator", "kind"},
		{"#estimator?%zz", "estimator", "link"},
		{"#estimator?" + strings.Repeat("a", MaxFragment), "estimator", "link"},
	}
	for _, tt := range tests {
		name := tt.fragment
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			s := Parse(tt.fragment)
			if s.View != tt.view {
				t.Errorf("Parse(%.40q).View = %q, want %q", tt.fragment, s.View, tt.view)
			}
			var first string
			if len(s.Ignored) > 0 {
				first = s.Ignored[0].Field
			}
			if first != tt.ignoredField {
				t.Errorf("Parse(%.40q): first ignored field %q, want %q (all: %v)", tt.fragment, first, tt.ignoredField, s.Ignored)
			}
			for view, sp := range s.Specs {
				if err := sp.Validate(); err != nil {
					t.Errorf("Parse(%.40q): spec of %s invalid: %v", tt.fragment, view, err)
				}
			}
			if tt.ignoredField != "" && s.IgnoredText() == "" {
				t.Errorf("Parse(%.40q): no text for ignored fields", tt.fragment)
			}
		})
	}
}

// TestShortLinksShowAFreshPage: fields a link leaves out, the seed included, are a fresh page's,
// so a short link in a slide shows what was rehearsed; a link that happens to equal the kind's
// table defaults is read as it is, not replaced by the page's.
func TestShortLinksShowAFreshPage(t *testing.T) {
	fresh := New()
	with := func(view, name, text string) spec.Spec {
		sp, _ := fresh.Spec(view)
		sp = sp.Clone()
		if err := sp.SetText(name, text); err != nil {
			t.Fatal(err)
		}
		return sp
	}
	tests := []struct {
		fragment, view string
		want           spec.Spec
	}{
		{"#estimator?alpha=0.9", "estimator", with("estimator", "alpha", "0.9")},
		{"#network?width=32", "network", with("network", "width", "32")},
		{"#network?preset=paper-mnist", "network", spec.MustPreset("mlp", "paper-mnist")},
		{"#landscape?kind=exit&height=1", "landscape", mustSet(spec.MustPreset("exit", spec.PagePreset), "height", "1")},
		{"#network?" + spec.MustNew("mlp", 1).Query().Encode(), "network", spec.MustNew("mlp", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.fragment, func(t *testing.T) {
			s := Parse(tt.fragment)
			got, _ := s.Spec(tt.view)
			if len(s.Ignored) > 0 || got.Key() != tt.want.Key() {
				t.Errorf("Parse(%s) = %s (ignored %v), want %s", tt.fragment, got.Key(), s.Ignored, tt.want.Key())
			}
			if got.Seed != tt.want.Seed {
				t.Errorf("seed %d, want %d", got.Seed, tt.want.Seed)
			}
		})
	}
	if sp, _ := fresh.Spec("estimator"); sp.Seed != 1 || !sp.IsPreset(spec.PagePreset) {
		t.Errorf("a fresh estimator page shows %s, want the page preset (seed 1)", sp.Key())
	}
}

func mustSet(s spec.Spec, name, text string) spec.Spec {
	if err := s.SetText(name, text); err != nil {
		panic(err)
	}
	return s
}

func FuzzParse(f *testing.F) {
	f.Add("#estimator?kind=stable&alpha=1.1&n=500&seed=9")
	f.Add("#landscape?kind=wells")
	f.Add("#tour?step=3")
	f.Fuzz(func(t *testing.T, fragment string) {
		s := Parse(fragment)
		if s.Step < 0 || s.Step > MaxTourStep {
			t.Fatalf("Parse(%q): tour step %d", fragment, s.Step)
		}
		if again := Parse(s.Fragment()); again.View != s.View || again.Fragment() != s.Fragment() {
			t.Fatalf("Parse(%q): its fragment %q reopens as %q", fragment, s.Fragment(), again.Fragment())
		}
		for view, sp := range s.Specs {
			if err := sp.Validate(); err != nil {
				t.Fatalf("Parse(%q): spec of %s invalid: %v", fragment, view, err)
			}
		}
		if _, ok := ViewKinds[s.View]; !ok {
			t.Fatalf("Parse(%q): view %q", fragment, s.View)
		}
	})
}

func TestTourStep(t *testing.T) {
	tests := []struct {
		fragment string
		step     int
		ignored  bool
		want     string // Fragment() of the parsed state
	}{
		{"#tour", 0, false, "#tour?step=1"},
		{"#tour?step=3", 3, false, "#tour?step=3"},
		{"#tour?step=0", 0, true, "#tour?step=1"},
		{"#tour?step=x", 0, true, "#tour?step=1"},
		{"#tour?step=101", 0, true, "#tour?step=1"},
	}
	for _, tt := range tests {
		t.Run(tt.fragment, func(t *testing.T) {
			s := Parse(tt.fragment)
			if s.View != TourView || s.Step != tt.step || (len(s.Ignored) > 0) != tt.ignored {
				t.Errorf("Parse(%q): view %q, step %d, ignored %v; want tour, %d, ignored %v", tt.fragment, s.View, s.Step, s.Ignored, tt.step, tt.ignored)
			}
			if got := s.Fragment(); got != tt.want {
				t.Errorf("Fragment() = %q, want %q", got, tt.want)
			}
			if _, ok := s.Spec("estimator"); !ok {
				t.Error("the tour's state lost the estimator's spec, which its steps show")
			}
		})
	}
	s := New()
	var links []string
	s.OnChange = func(s *State) { links = append(links, s.Fragment()) }
	s.SetView(TourView)
	s.SetStep(4)
	if want := []string{"#tour?step=1", "#tour?step=4"}; !slices.Equal(links, want) {
		t.Errorf("links written: %q, want %q", links, want)
	}
}

type testKeys struct{ name string }

func (k *testKeys) Key(string) bool { return true }

// TestRegister: SetKeys (and SetActions, through the same register) records a view's handler,
// replaces it, and nil removes it, also before any was recorded.
func TestRegister(t *testing.T) {
	var s State
	s.SetKeys("tour", nil) // removing from no map at all
	if s.Keys("tour") != nil {
		t.Fatal("a handler before any was set")
	}
	a, b := &testKeys{"a"}, &testKeys{"b"}
	for _, step := range []struct {
		set  KeyHandler
		want KeyHandler
	}{{a, a}, {b, b}, {nil, nil}, {a, a}} {
		s.SetKeys("tour", step.set)
		if got := s.Keys("tour"); got != step.want {
			t.Errorf("after SetKeys(%v): Keys = %v; want %v", step.set, got, step.want)
		}
	}
	if s.Keys("landscape") != nil || len(s.keys) != 1 {
		t.Errorf("other views: %v, %d entries; want none and 1", s.Keys("landscape"), len(s.keys))
	}
}
