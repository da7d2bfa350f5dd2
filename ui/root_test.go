package ui

import "testing"

func TestParseView(t *testing.T) {
	tests := []struct {
		in      string
		want    ViewID
		wantErr bool
	}{
		{"", ViewEstimator, false},
		{"estimator", ViewEstimator, false},
		{"landscape", ViewLandscape, false},
		{"network", ViewNetwork, false},
		{"Network", "", true},
		{"settings", "", true},
		{"estimator ", "", true},
	}
	for _, tt := range tests {
		got, err := ParseView(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseView(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzParseView(f *testing.F) {
	for _, s := range []string{"", "estimator", "landscape", "network", "x", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseView(s)
		if err != nil {
			if v != "" {
				t.Errorf("ParseView(%q) = %q with error %v; want empty view on error", s, v, err)
			}
			return
		}
		if s != "" && string(v) != s {
			t.Errorf("ParseView(%q) = %q; want the same name back", s, v)
		}
	})
}

func TestRootCurrentAndSelect(t *testing.T) {
	c := NewRoot()
	if got := c.Current(); got != DefaultView {
		t.Errorf("NewRoot().Current() = %q; want %q", got, DefaultView)
	}
	c.View = "bogus"
	if got := c.Current(); got != DefaultView {
		t.Errorf("Current() with View=%q = %q; want %q", c.View, got, DefaultView)
	}
	var notified []ViewID
	c.OnViewChange = func(v ViewID) { notified = append(notified, v) }
	c.Select(ViewNetwork)
	if !c.Is(ViewNetwork) || c.Is(ViewEstimator) {
		t.Errorf("after Select(network): Is(network)=%v Is(estimator)=%v; want true, false", c.Is(ViewNetwork), c.Is(ViewEstimator))
	}
	if got, want := c.NavClass(ViewNetwork), "nav-item active"; got != want {
		t.Errorf("NavClass(network) = %q; want %q", got, want)
	}
	if got, want := c.NavClass(ViewLandscape), "nav-item"; got != want {
		t.Errorf("NavClass(landscape) = %q; want %q", got, want)
	}
	if got := c.Info().Title; got != "Network" {
		t.Errorf("Info().Title for network = %q; want %q", got, "Network")
	}
	if len(notified) != 1 || notified[0] != ViewNetwork {
		t.Errorf("OnViewChange calls = %v; want [network]", notified)
	}
}

func TestSlider(t *testing.T) {
	tests := []struct {
		in       string
		want     float64
		wantText string
	}{
		{"0.3", 0.3, "0.30"},
		{"1.25", 1.25, "1.25"},
		{"2", 2, "2.00"},
		{"7", AlphaMax, "2.00"},       // clamped above
		{"-1", AlphaMin, "0.30"},      // clamped below
		{"abc", AlphaDefault, "1.50"}, // ignored
		{"NaN", AlphaDefault, "1.50"}, // ignored
		{"", AlphaDefault, "1.50"},    // ignored
	}
	for _, tt := range tests {
		c := NewRoot()
		s := &Slider{Min: AlphaMin, Max: AlphaMax, Digits: 2, Value: &c.Alpha}
		s.Set(tt.in)
		if c.Alpha != tt.want || s.Text() != tt.wantText {
			t.Errorf("Slider.Set(%q): value=%v text=%q; want %v, %q", tt.in, c.Alpha, s.Text(), tt.want, tt.wantText)
		}
	}
	unbound := &Slider{Min: 0, Max: 1}
	unbound.Set("0.5") // must not panic
	if got := unbound.Text(); got != "" {
		t.Errorf("unbound Slider.Text() = %q; want empty", got)
	}
}

func FuzzSliderSet(f *testing.F) {
	for _, s := range []string{"0.3", "2", "1e308", "-Inf", "+Inf", "NaN", "0x1p-2", "", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := AlphaDefault
		sl := &Slider{Min: AlphaMin, Max: AlphaMax, Digits: 2, Value: &v}
		sl.Set(s)
		if !(v >= AlphaMin && v <= AlphaMax) {
			t.Errorf("Slider.Set(%q) gave %v; want a value in [%v, %v]", s, v, AlphaMin, AlphaMax)
		}
	})
}

func TestTailText(t *testing.T) {
	tests := []struct {
		alpha float64
		want  string
	}{
		{2, "Gaussian: finite variance."},
		{1.5, "Heavy tails: finite mean, infinite variance."},
		{1, "Very heavy tails: even the mean is undefined."},
		{0.3, "Very heavy tails: even the mean is undefined."},
	}
	for _, tt := range tests {
		c := &Root{Alpha: tt.alpha}
		if got := c.TailText(); got != tt.want {
			t.Errorf("TailText() at α=%v = %q; want %q", tt.alpha, got, tt.want)
		}
	}
}
