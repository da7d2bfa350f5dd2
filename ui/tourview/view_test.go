package tourview

import (
	"testing"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/scenario"
)

// TestSteps checks that every step shows a scenario its view offers, with a title and a text.
func TestSteps(t *testing.T) {
	if len(Steps) != 8 {
		t.Errorf("%d steps, want the talk's 7 and the heavy-tailed iterates", len(Steps))
	}
	for i, s := range Steps {
		t.Run(s.Title, func(t *testing.T) {
			if s.Title == "" || len(s.Text) == 0 {
				t.Errorf("step %d has no title or text", i+1)
			}
			if !contains(appstate.ViewKinds[s.View], s.Kind) {
				t.Errorf("step %d: view %s does not show kind %s", i+1, s.View, s.Kind)
			}
			if _, err := spec.NewPreset(s.Kind, s.Preset); err != nil {
				t.Errorf("step %d: %v", i+1, err)
			}
			if _, ok := scenario.Lookup(s.View, s.Preset); !ok && s.Preset != spec.PagePreset {
				t.Errorf("step %d: preset %s is not a scenario of the %s view", i+1, s.Preset, s.View)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestMove walks the tour with the keys and checks the step, the link and the spec loaded.
func TestMove(t *testing.T) {
	st := appstate.Parse("#tour?step=2")
	var link string
	st.OnChange = func(s *appstate.State) { link = s.Fragment() }
	c := &View{State: st}
	c.Compute(nil)
	if sp, _ := st.Spec("landscape"); !sp.IsPreset("height-1") || sp.Kind != "exit" {
		t.Errorf("step 2 loaded %s, want exit's height-1", sp.Key())
	}
	tests := []struct {
		key  string
		step int
		link string
	}{
		{"ArrowRight", 3, "#tour?step=3"},
		{"ArrowLeft", 2, "#tour?step=2"},
		{"ArrowLeft", 1, "#tour?step=1"},
		{"ArrowLeft", 1, "#tour?step=1"}, // the first step stays
		{"x", 1, "#tour?step=1"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			c.Key(tt.key)
			if c.Index() != tt.step || link != tt.link {
				t.Errorf("after %s: step %d, link %q; want %d, %q", tt.key, c.Index(), link, tt.step, tt.link)
			}
			s := c.Step()
			if sp, _ := st.Spec(s.View); !sp.IsPreset(s.Preset) {
				t.Errorf("step %d shows %s, want preset %s", c.Index(), sp.Key(), s.Preset)
			}
		})
	}
	c.Go(99)
	if c.Index() != len(Steps) || link != Href(len(Steps)) || c.HasNext() {
		t.Errorf("Go(99): step %d, link %q, HasNext %v", c.Index(), link, c.HasNext())
	}
	// A control moved inside a step stays as the person left it until the step changes.
	sp, _ := st.Spec("landscape")
	if err := sp.SetText("alpha", "1.2"); err != nil {
		t.Fatal(err)
	}
	st.SetSpec("landscape", sp)
	c.Compute(nil)
	if got, _ := st.Spec("landscape"); got.Text("alpha") != "1.2" {
		t.Errorf("a render reloaded the scenario over a moved control: alpha %s", got.Text("alpha"))
	}
}
