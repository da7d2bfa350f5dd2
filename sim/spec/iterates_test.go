package spec

import (
	"errors"
	"testing"
)

func TestIteratesSpec(t *testing.T) {
	tests := []struct {
		name, query string
		field       string // the field a refusal names; "" for accepted
	}{
		{"page", "kind=iterates&preset=page", ""},
		{"light", "kind=iterates&preset=light", ""},
		{"critical", "kind=iterates&preset=critical", ""},
		{"zero step", "kind=iterates&eta=0", "eta"},
		{"zero data scale", "kind=iterates&sigma=0", "sigma"},
		{"no examples", "kind=iterates&b=0", "b"},
		{"over budget", "kind=iterates&chains=1000000&steps=100000&d=10", "steps"},
		{"few Monte-Carlo draws", "kind=iterates&mc=10", "mc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseArg(tt.query, "")
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				p, err := s.Iterates()
				if err != nil {
					t.Fatal(err)
				}
				back, err := p.Spec(s.Seed)
				if err != nil || back.Key() != s.Key() {
					t.Errorf("typed round trip: %v, %q ≠ %q", err, back.Key(), s.Key())
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("err = %v, want an error naming %q", err, tt.field)
			}
		})
	}
	// The critical preset is at c = ησ²/b = 2/(b+d+1).
	s := MustPreset("iterates", "critical")
	p, _ := s.Iterates()
	if c, want := p.Eta*p.Sigma*p.Sigma/float64(p.B), 2/float64(p.B+p.D+1); c != want {
		t.Errorf("critical preset at c = %g, want %g", c, want)
	}
}
