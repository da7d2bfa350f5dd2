package spec

import (
	"errors"
	"net/url"
	"testing"
)

func TestExitAndWellsErrorsNameTheField(t *testing.T) {
	tests := []struct {
		json, field string
	}{
		{`{"kind":"exit","params":{"alpha":0}}`, "alpha"},
		{`{"kind":"exit","params":{"alpha":2.01}}`, "alpha"},
		{`{"kind":"exit","params":{"alpha":-1}}`, "alpha"},
		{`{"kind":"exit","params":{"eta":0}}`, "eta"},
		{`{"kind":"exit","params":{"eta":-0.1}}`, "eta"},
		{`{"kind":"exit","params":{"eps":0}}`, "eps"},
		{`{"kind":"exit","params":{"a":0}}`, "a"},
		{`{"kind":"exit","params":{"height":-1}}`, "height"},
		{`{"kind":"exit","params":{"walkers":0}}`, "walkers"},
		{`{"kind":"exit","params":{"walkers":1e8}}`, "walkers"},
		{`{"kind":"exit","params":{"walkers":1000.5}}`, "walkers"},
		{`{"kind":"exit","params":{"walkers":1000000,"steps":100000}}`, "steps"},
		{`{"kind":"exit","params":{"noise":"cauchy"}}`, "noise"},
		// η × curvature: height 10 over width 0.1 has curvature 6000.
		{`{"kind":"exit","params":{"height":10,"a":0.1,"eta":0.001}}`, "eta"},
		{`{"kind":"wells","params":{"hl":20,"wl":0.05,"eta":0.001}}`, "eta"},
		{`{"kind":"wells","params":{"dim":3}}`, "dim"},
		{`{"kind":"wells","params":{"start":"middle"}}`, "start"},
		{`{"kind":"wells","params":{"hl":0}}`, "hl"},
		{`{"kind":"wells","params":{"walkers":4000000,"steps":10000}}`, "steps"},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			_, err := Parse([]byte(tt.json))
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse(%s) = %v, want a *FieldError for %q", tt.json, err, tt.field)
			}
			if fe.Field != tt.field {
				t.Errorf("Parse(%s): error %q names field %q, want %q", tt.json, err, fe.Field, tt.field)
			}
		})
	}
}

func TestExitAndWellsAccept(t *testing.T) {
	for _, q := range []string{
		"kind=exit&seed=3&alpha=2&eps=0.5&eta=0.0001&a=2&b=0.5&height=1&walkers=5000&steps=100000&noise=levy&trace=0",
		"kind=exit&alpha=0.5&height=0",
		"kind=wells&seed=9&dim=2&start=half&wl=0.3&hl=2&wr=3&hr=0.2&noise=gauss",
	} {
		t.Run(q, func(t *testing.T) {
			v, _ := url.ParseQuery(q)
			s, err := ParseQuery(v)
			if err != nil {
				t.Fatalf("ParseQuery(%s): %v", q, err)
			}
			if got := s.Query().Encode(); got != s.Key() {
				t.Errorf("Key of %s: %s", q, got)
			}
		})
	}
	// Only the noise actually run counts toward the budget: 1e10 walker-steps is fine with one noise.
	s := MustNew("exit", 1)
	for _, kv := range []struct {
		k string
		v float64
	}{{"walkers", 100000}, {"steps", 100000}} {
		if err := s.Set(kv.k, kv.v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Validate(); err == nil {
		t.Errorf("2e10 walker-steps with both noises accepted")
	}
	if err := s.SetChoice("noise", "levy"); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("1e10 walker-steps with one noise refused: %v", err)
	}
}

// FuzzParseExitWells: any JSON either parses into a valid exit/wells spec that survives the JSON
// and query round trips, or is refused with an error naming a field.
func FuzzParseExitWells(f *testing.F) {
	f.Add([]byte(`{"kind":"exit","seed":3,"params":{"alpha":1.2,"height":2,"a":0.5,"noise":"gauss"}}`))
	f.Add([]byte(`{"kind":"wells","params":{"dim":2,"start":"half","eta":0.5,"hl":20,"wl":0.05}}`))
	f.Add([]byte(`{"kind":"exit","params":{"walkers":4194304,"steps":1e9}}`))
	f.Add([]byte(`{"kind":"wells","params":{"alpha":0}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field == "" {
				t.Fatalf("Parse(%q): error %v names no field", data, err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("Parse(%q) returned an invalid spec: %v", data, err)
		}
		b, err := s.MarshalJSON()
		if err != nil {
			t.Fatalf("marshal %+v: %v", s, err)
		}
		back, err := Parse(b)
		if err != nil || back.Key() != s.Key() {
			t.Fatalf("JSON round trip of %q: %s → %+v, %v", data, b, back, err)
		}
		q, err := ParseQuery(s.Query())
		if err != nil || q.Key() != s.Key() {
			t.Fatalf("query round trip of %q: %v", data, err)
		}
	})
}

// FuzzFromQueryExitWells: a share link, however mangled, gives a valid spec.
func FuzzFromQueryExitWells(f *testing.F) {
	f.Add("kind=exit&seed=7&alpha=1.5&eps=0.3&height=2&a=1&b=0.5")
	f.Add("kind=wells&dim=2&start=half&hl=20&wl=0.05&eta=0.9")
	f.Add("kind=exit&walkers=4194304&steps=1000000000&noise=both")
	f.Add("alpha=NaN&eta=-1&kind=wells")
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		for _, fallback := range []string{"exit", "wells"} {
			s, _ := FromQuery(q, fallback, PagePreset)
			if err := s.Validate(); err != nil {
				t.Fatalf("FromQuery(%q, %s) gave an invalid spec: %v", query, fallback, err)
			}
		}
	})
}

// TestMessagesReadable: the numbers in error messages are written as a person would read them
// (integers in full, not 4.194304e+06), and the walker-step budget message states the product it
// compares with the limit.
func TestMessagesReadable(t *testing.T) {
	tests := []struct {
		json, want string
	}{
		{`{"kind":"exit","params":{"walkers":1e8}}`, "walkers: must be in [1, 4194304], got 100000000"},
		{`{"kind":"exit","params":{"steps":2e9}}`, "steps: must be in [1, 1000000000] steps, got 2000000000"},
		{`{"kind":"exit","params":{"walkers":100000,"steps":100000}}`,
			"steps: walkers × steps × 2 noises = 2e+10 walker steps, more than the 1.2e+10 a run may take; use fewer steps or walkers, or one noise"},
		{`{"kind":"exit","params":{"walkers":4000000,"steps":10000,"noise":"levy"}}`,
			"steps: walkers × steps = 4e+10 walker steps, more than the 1.2e+10 a run may take; use fewer steps or walkers"},
		{`{"kind":"exit","params":{"eta":-1.5e-7}}`, "eta: must be in (0, 1] time, got -1.5e-07"},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			_, err := Parse([]byte(tt.json))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse(%s):\n got %v\nwant %s", tt.json, err, tt.want)
			}
		})
	}
}
