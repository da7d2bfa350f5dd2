package landscapeview

import (
	"math"
	"strconv"
	"testing"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/controls"
)

func control(t *testing.T, sp spec.Spec, name string) *Control {
	t.Helper()
	for _, c := range Controls(sp) {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no control %q for kind %s", name, sp.Kind)
	return nil
}

func TestControlsFromTable(t *testing.T) {
	sp := spec.MustNew("wells", 1)
	names := map[string]bool{}
	for _, c := range Controls(sp) {
		names[c.Name] = true
		if c.Label == "" || c.ID() != "ls-"+c.Name {
			t.Errorf("control %s: label %q, id %q", c.Name, c.Label, c.ID())
		}
	}
	for _, want := range []string{"wl", "hl", "wr", "hr", "dim", "start", "alpha", "eps", "eta", "walkers", "steps", "noise"} {
		if !names[want] {
			t.Errorf("wells controls lack %q (have %v)", want, names)
		}
	}
	if names["trace"] {
		t.Error("the trace parameter is offered as a control; the view does not use it")
	}
	if c := control(t, sp, "walkers"); c.Scale.Hi != MaxBrowserWalkers {
		t.Errorf("walkers slider ends at %v, want the browser cap %d", c.Scale.Hi, MaxBrowserWalkers)
	}
	if c := control(t, sp, "alpha"); c.Scale.Min() != 0.01 || c.Scale.Max() != 2 {
		t.Errorf("alpha slider covers [%v, %v], want [0.01, 2] (α = 0 is refused)", c.Scale.Min(), c.Scale.Max())
	}
}

func TestControlValue(t *testing.T) {
	sp := spec.MustNew("wells", 1)
	tests := []struct {
		name, text string
		want       float64
		wantErr    bool
	}{
		{"alpha", "1.23", 1.23, false},
		{"alpha", "1.234", 1.23, false}, // snapped to the table's step 0.01
		{"alpha", "7", 2, false},        // clamped to the slider
		{"alpha", "x", 0, true},
		{"alpha", "NaN", 0, true},
		{"eta", "0", 1e-4, false},      // log slider: position 0 is its lowest value, the table's step
		{"eta", "360", 1, false},       // the last position: the maximum
		{"eta", "180", 0.01, false},    // 90 stops a decade from 10^-4: 10^-2
		{"eta", "9999", 1, false},      // clamped
		{"walkers", "0", 1, false},     // log [1, 20000]
		{"walkers", "9", 10, false},    // 1, 2, …, 9, 10: whole numbers only
		{"walkers", "103", 140, false}, // 10, 11, …, 99 at positions 9–98, then 100, 110, …, 140
		{"dim", "2", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.text, func(t *testing.T) {
			got, err := control(t, sp, tt.name).ValueAt(tt.text)
			if (err != nil) != tt.wantErr || (!tt.wantErr && math.Abs(got-tt.want) > 1e-12*math.Abs(tt.want)) {
				t.Errorf("%s.ValueAt(%q) = %v, %v; want %v (error %v)", tt.name, tt.text, got, err, tt.want, tt.wantErr)
			}
		})
	}
	// A log slider placed at a value reads that value back (to 2 digits).
	for _, v := range []float64{1e-3, 0.3, 2.5e-4} {
		t.Run("eta at "+strconv.FormatFloat(v, 'g', -1, 64), func(t *testing.T) {
			sp := spec.MustNew("wells", 1)
			sp.Set("eta", v)
			c := control(t, sp, "eta")
			got, err := c.ValueAt(controls.PosText(c.Pos()))
			if err != nil || math.Abs(got-v) > 0.05*v {
				t.Errorf("eta slider at %v: position %v reads back %v, %v", v, c.Pos(), got, err)
			}
		})
	}
}

func TestControlApply(t *testing.T) {
	sp := spec.MustNew("wells", 1)
	wl := control(t, sp, "wl")
	out, err := wl.Apply(sp, strconv.FormatFloat(wl.PosFor(1.5), 'g', -1, 64))
	if err != nil || spec.Must(out.Wells()).WL != 1.5 || spec.Must(sp.Wells()).WL != 0.5 {
		t.Errorf("Apply wl=1.5: got wl %v (input now %v), %v; want 1.5, input untouched", spec.Must(out.Wells()).WL, spec.Must(sp.Wells()).WL, err)
	}
	// η = 0.1 with the left well's curvature 6·1/0.5² = 24: 2.4 > 0.5, refused naming eta.
	out, err = control(t, sp, "eta").Apply(sp, "270") // 10^-1: 3 decades of 90 stops from 10^-4
	fe, ok := err.(*spec.FieldError)
	if !ok || fe.Field != "eta" || spec.Must(out.Wells()).Eta != 0.1 {
		t.Errorf("Apply eta=0.1: %v (eta %v); want a FieldError on eta and the new value kept for the slider", err, spec.Must(out.Wells()).Eta)
	}
	out, err = control(t, sp, "start").Apply(sp, "half")
	if err != nil || spec.Must(out.Wells()).Start != spec.StartHalf {
		t.Errorf("Apply start=half: %q, %v", spec.Must(out.Wells()).Start, err)
	}
	if _, err := control(t, sp, "start").Apply(sp, "middle"); err == nil {
		t.Error("Apply start=middle: no error")
	}
}

// FuzzControlApply: whatever text reaches a control, Apply does not panic, and what it
// accepts is a valid spec.
func FuzzControlApply(f *testing.F) {
	f.Add(uint8(0), "1.5")
	f.Add(uint8(3), "1e308")
	f.Add(uint8(7), "-0")
	f.Add(uint8(9), "NaN")
	f.Add(uint8(11), "levy")
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		for _, kind := range Kinds {
			sp := spec.MustNew(kind, 1)
			ctls := Controls(sp)
			c := ctls[int(which)%len(ctls)]
			out, err := c.Apply(sp, text)
			if err == nil {
				if verr := out.Validate(); verr != nil {
					t.Fatalf("%s.Apply(%q) accepted an invalid spec: %v", c.Name, text, verr)
				}
			}
		}
	})
}
