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
		_, err := Parse([]byte(tt.json))
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("Parse(%s) = %v, want a *FieldError for %q", tt.json, err, tt.field)
			continue
		}
		if fe.Field != tt.field {
			t.Errorf("Parse(%s): error %q names field %q, want %q", tt.json, err, fe.Field, tt.field)
		}
	}
}

func TestExitAndWellsAccept(t *testing.T) {
	for _, q := range []string{
		"kind=exit&seed=3&alpha=2&eps=0.5&eta=0.0001&a=2&b=0.5&height=1&walkers=5000&steps=100000&noise=levy&trace=0",
		"kind=exit&alpha=0.5&height=0",
		"kind=wells&seed=9&dim=2&start=half&wl=0.3&hl=2&wr=3&hr=0.2&noise=gauss",
	} {
		v, _ := url.ParseQuery(q)
		s, err := ParseQuery(v)
		if err != nil {
			t.Errorf("ParseQuery(%s): %v", q, err)
			continue
		}
		if got := s.Query().Encode(); got != s.Key() {
			t.Errorf("Key of %s: %s", q, got)
		}
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
