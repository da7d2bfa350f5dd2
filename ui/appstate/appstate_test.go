package appstate

import (
	"strings"
	"testing"
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
	}
}

func FuzzParse(f *testing.F) {
	f.Add("#estimator?kind=stable&alpha=1.1&n=500&seed=9")
	f.Add("#landscape?kind=wells")
	f.Fuzz(func(t *testing.T, fragment string) {
		s := Parse(fragment)
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
