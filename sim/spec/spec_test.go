package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestParseErrorsNameTheField(t *testing.T) {
	tests := []struct {
		json, field string
	}{
		{`{"kind":"nope"}`, "kind"},
		{`{"seed":1}`, "kind"},
		{`{"kind":"stable","seed":-1}`, "seed"},
		{`{"kind":"stable","seed":9007199254740992}`, "seed"},
		{`{"kind":"stable","seed":1.5}`, "seed"},
		{`{"kind":"stable","params":{"alpha":2.5}}`, "alpha"},
		{`{"kind":"stable","params":{"alpha":0.1}}`, "alpha"},
		{`{"kind":"stable","params":{"alpha":"1.5"}}`, "alpha"},
		{`{"kind":"stable","params":{"n":100.5}}`, "n"},
		{`{"kind":"stable","params":{"n":1e9}}`, "n"},
		{`{"kind":"stable","params":{"dist":"cauchy"}}`, "dist"},
		{`{"kind":"stable","params":{"dist":3}}`, "dist"},
		{`{"kind":"stable","params":{"bogus":3}}`, "bogus"},
		{`{"kind":"stable","extra":3}`, "extra"},
		{`{"kind":"stable","params":{"n":1000,"k1":600}}`, "k1"},
		{`{"kind":"stable"} {}`, "spec"},
		{`[1,2]`, "spec"},
		{`{"kind":"stable","params":{"alpha":1e999}}`, "alpha"},
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

func TestDefaultsAndRoundTrips(t *testing.T) {
	for _, k := range Kinds() {
		t.Run(k.Name, func(t *testing.T) {
			s := MustNew(k.Name, 42)
			if err := s.Validate(); err != nil {
				t.Errorf("defaults of %s invalid: %v", k.Name, err)
			}
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatalf("marshal %s: %v", k.Name, err)
			}
			back, err := Parse(b)
			if err != nil {
				t.Fatalf("Parse(%s): %v", b, err)
			}
			if !reflect.DeepEqual(back, s) {
				t.Errorf("JSON round trip of %s: got %+v, want %+v", k.Name, back, s)
			}
			q, err := ParseQuery(s.Query())
			if err != nil {
				t.Fatalf("ParseQuery(%s): %v", s.Query().Encode(), err)
			}
			if !reflect.DeepEqual(q, s) {
				t.Errorf("query round trip of %s: got %+v, want %+v", k.Name, q, s)
			}
		})
	}
}

func TestAccessorsAndSetters(t *testing.T) {
	s := MustNew("stable", 1)
	if err := s.Set("alpha", 0.7); err != nil {
		t.Fatal(err)
	}
	if err := s.SetText("n", "5000"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetChoice("dist", "student"); err != nil {
		t.Fatal(err)
	}
	if got := Must(s.Stable()).Alpha; got != 0.7 {
		t.Errorf("alpha = %v, want 0.7", got)
	}
	if got := Must(s.Stable()).N; got != 5000 {
		t.Errorf("n = %v, want 5000", got)
	}
	if got := string(Must(s.Stable()).Dist); got != "student" {
		t.Errorf("dist = %q, want student", got)
	}
	for _, bad := range []struct {
		name string
		x    float64
	}{{"alpha", 2.01}, {"n", 99}, {"n", 1000.5}, {"dist", 1}, {"nope", 1}} {
		t.Run(fmt.Sprintf("%s=%v", bad.name, bad.x), func(t *testing.T) {
			if err := s.Set(bad.name, bad.x); err == nil {
				t.Errorf("Set(%s, %v) accepted", bad.name, bad.x)
			}
		})
	}
	if Must(s.Stable()).Alpha != 0.7 {
		t.Errorf("a refused Set changed the spec")
	}
}

func TestFromQueryIgnoresWhatItCannotTrust(t *testing.T) {
	q, _ := url.ParseQuery("kind=stable&seed=7&alpha=9&n=abc&dist=student&zzz=1")
	s, ignored := FromQuery(q, "stable", "")
	if s.Seed != 7 || string(Must(s.Stable()).Dist) != "student" {
		t.Errorf("kept fields lost: %+v", s)
	}
	if Must(s.Stable()).Alpha != 1.5 || Must(s.Stable()).N != 10000 {
		t.Errorf("bad fields not reset to defaults: alpha=%v n=%v", Must(s.Stable()).Alpha, Must(s.Stable()).N)
	}
	var names []string
	for _, e := range ignored {
		names = append(names, e.Field)
	}
	if got, want := strings.Join(names, ","), "alpha,n,zzz"; got != want {
		t.Errorf("ignored fields = %s, want %s", got, want)
	}
	huge := url.Values{"kind": {"stable"}, "alpha": {strings.Repeat("1", MaxQuery)}}
	s, ignored = FromQuery(huge, "stable", "")
	if len(ignored) == 0 || Must(s.Stable()).Alpha != 1.5 {
		t.Errorf("oversized query trusted: %v %+v", ignored, s)
	}
	// A combination refused by the kind's cross-field check falls back to defaults.
	q, _ = url.ParseQuery("kind=stable&n=1000&k1=900")
	s, ignored = FromQuery(q, "stable", "")
	if err := s.Validate(); err != nil || len(ignored) != 1 || ignored[0].Field != "k1" {
		t.Errorf("cross-field check: spec %+v (err %v), ignored %v", s, err, ignored)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"kind":"stable","seed":3,"params":{"alpha":1.2,"dist":"sas"}}`))
	f.Add([]byte(`{"kind":"stable","params":{"n":1e300}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"kind":"mlp","preset":"paper-mnist","params":{"width":64}}`))
	f.Add([]byte(`{"kind":"stable","preset":"page","seed":4}`))
	f.Add([]byte(`{"kind":"stable","preset":"paper-mnist"}`))
	f.Add([]byte(`{"kind":"exit","preset":""}`))
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
			t.Fatalf("Parse accepted an invalid spec %q: %v", data, err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := Parse(b); err != nil || !reflect.DeepEqual(back, s) {
			t.Fatalf("round trip of %q: %v", data, err)
		}
	})
}

func FuzzFromQuery(f *testing.F) {
	f.Add("kind=stable&alpha=1.1&n=300")
	f.Add("alpha=NaN&seed=-4&k1=99999")
	f.Add("preset=page&alpha=1.1")
	f.Add("kind=mlp&preset=paper-mnist&width=2000")
	f.Add("kind=wells&preset=nope&seed=3")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, preset := range []string{"", PagePreset} {
			s, _ := FromQuery(q, "stable", preset)
			if err := s.Validate(); err != nil {
				t.Fatalf("FromQuery(%q, stable, %q) gave an invalid spec: %v", raw, preset, err)
			}
		}
	})
}

func TestParseArg(t *testing.T) {
	tests := []struct {
		arg, def string
		want     string // Key of the result, or "" for an error
		field    string
	}{
		{`{"kind":"stable","seed":2,"params":{"alpha":0.9}}`, "", MustNewKey(t, "stable", 2, "alpha", "0.9"), ""},
		{`alpha=0.9&seed=2`, "stable", MustNewKey(t, "stable", 2, "alpha", "0.9"), ""},
		{`?kind=stable&seed=2&alpha=0.9`, "", MustNewKey(t, "stable", 2, "alpha", "0.9"), ""},
		{`alpha=9`, "stable", "", "alpha"},
		{`alpha=0.9`, "", "", "kind"},
		{`%zz`, "stable", "", "spec"},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			s, err := ParseArg(tt.arg, tt.def)
			if tt.want == "" {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != tt.field {
					t.Errorf("ParseArg(%q, %q) error = %v, want one naming %q", tt.arg, tt.def, err, tt.field)
				}
				return
			}
			if err != nil || s.Key() != tt.want {
				t.Errorf("ParseArg(%q, %q) = %s, %v; want %s", tt.arg, tt.def, s.Key(), err, tt.want)
			}
		})
	}
}

// MustNewKey returns the Key of the spec of kind and seed with one parameter set.
func MustNewKey(t *testing.T, kind string, seed uint64, name, text string) string {
	s := MustNew(kind, seed)
	if err := s.SetText(name, text); err != nil {
		t.Fatal(err)
	}
	return s.Key()
}
