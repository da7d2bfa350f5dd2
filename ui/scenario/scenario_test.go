package scenario

import (
	"testing"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/appstate"
)

func TestFor(t *testing.T) {
	tests := []struct {
		view string
		want []string // preset names, in order
	}{
		{"estimator", []string{"gaussian", "sas-1.5", "student-t", "mixture"}},
		{"landscape", []string{"narrow-vs-wide", "height-1", "double-width"}},
		{"network", []string{"paper-mnist", "reference", "alexnet", "big-batch", "curious-jumps"}},
		{"nowhere", nil},
	}
	for _, tt := range tests {
		t.Run(tt.view, func(t *testing.T) {
			got := For(tt.view)
			if len(got) != len(tt.want) {
				t.Fatalf("For(%s) gives %d scenarios, want %v", tt.view, len(got), tt.want)
			}
			for i, l := range got {
				if l.Preset != tt.want[i] {
					t.Errorf("scenario %d is %s, want %s", i, l.Preset, tt.want[i])
				}
				// The link, opened as a page, shows exactly the preset.
				st := appstate.Parse(l.Href)
				if len(st.Ignored) > 0 {
					t.Errorf("%s: link %s had fields ignored: %s", l.Preset, l.Href, st.IgnoredText())
				}
				sp, _ := st.Spec(tt.view)
				if st.View != tt.view || sp.Kind != l.Kind || !sp.IsPreset(l.Preset) {
					t.Errorf("%s: link %s opens view %s, spec %s", l.Preset, l.Href, st.View, sp.Key())
				}
				if l.Label == "" || l.Help == "" || l.ID != "scenario-"+l.Preset {
					t.Errorf("%s: label %q, help %q, id %q", l.Preset, l.Label, l.Help, l.ID)
				}
			}
		})
	}
}

func TestHref(t *testing.T) {
	if got, want := Href("landscape", "exit", "height-1"), "#landscape?kind=exit&preset=height-1"; got != want {
		t.Errorf("Href = %q, want %q", got, want)
	}
}

func TestCurrent(t *testing.T) {
	c := &List{View: "estimator", Current: spec.MustPreset("stable", "student-t")}
	for _, l := range c.Links() {
		want := "false"
		if l.Preset == "student-t" {
			want = "true"
		}
		if got := c.CurrentAttr(l); got != want {
			t.Errorf("CurrentAttr(%s) = %s, want %s", l.Preset, got, want)
		}
	}
	// A changed value is no longer the scenario.
	sp := spec.MustPreset("stable", "student-t")
	if err := sp.SetText("nu", "4"); err != nil {
		t.Fatal(err)
	}
	c.Current = sp
	if l, _ := Lookup("estimator", "student-t"); c.CurrentAttr(l) != "false" {
		t.Error("a student-t spec with ν = 4 is marked as the student-t scenario")
	}
}
