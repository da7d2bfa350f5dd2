package spec

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestPresets(t *testing.T) {
	tests := []struct {
		kind, preset string
		want         string // the preset's values over the table's defaults, in query form
	}{
		{"stable", PagePreset, "seed=1"},
		{"exit", PagePreset, "seed=1"},
		// A run of 100 time units in steps of 0.01: finishes within a minute in a browser.
		{"wells", PagePreset, "seed=1&eta=0.01&steps=10000&walkers=500"},
		{"wells", "narrow-vs-wide", "seed=1&eta=0.01&steps=10000&walkers=500&start=half"},
		{"exit", "height-1", "seed=1&height=1&eta=0.01&steps=10000"},
		{"exit", "double-width", "seed=1&height=1&a=2&b=2&eta=0.01&steps=10000"},
		{"stable", "gaussian", "seed=1&dist=gauss"},
		{"stable", "sas-1.5", "seed=1&dist=sas&alpha=1.5"},
		{"stable", "student-t", "seed=1&dist=student&nu=3"},
		{"stable", "mixture", "seed=1&dist=mixture"},
		{"mlp", "big-batch", "seed=1&n=2000&testN=1000&width=64&depth=3&batch=500&lr=0.1&iters=500&evalEvery=50"},
		// A small AlexNet: a run of seconds in a browser.
		{"mlp", "alexnet", "seed=1&dataset=mnist&arch=alexnet&ch=4&n=500&testN=200&batch=25&lr=0.1&iters=200&evalEvery=25&evalBatches=0"},
		{"mlp", "curious-jumps", "seed=1&n=2000&testN=1000&width=64&depth=6&batch=50&lr=0.05&iters=600&evalEvery=25"},
		// What the Network view showed before presets: 2000 examples, 784-64-64-10, 500 steps of b = 50.
		{"mlp", PagePreset, "seed=1&n=2000&testN=1000&width=64&depth=3&batch=50&lr=0.1&iters=500&evalEvery=50&evalBatches=0"},
		// sim/README.md's MNIST evidence, the paper's setting.
		{"mlp", "paper-mnist", "seed=0&dataset=mnist&subset=first&n=60000&testN=10000&width=128&depth=3&loss=ce&batch=100&lr=0.1&order=fixed&iters=1000&evalEvery=100&evalBatches=0"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.preset, func(t *testing.T) {
			got, err := NewPreset(tt.kind, tt.preset)
			if err != nil {
				t.Fatal(err)
			}
			want := MustNew(tt.kind, 0)
			q, _ := url.ParseQuery(tt.want)
			for name, v := range q {
				if name == "seed" {
					seed, err := strconv.ParseUint(v[0], 10, 64)
					if err != nil {
						t.Fatal(err)
					}
					want.Seed = seed
					continue
				}
				if err := want.SetText(name, v[0]); err != nil {
					t.Fatal(err)
				}
			}
			if got.Key() != want.Key() {
				t.Errorf("preset %s of %s:\n got %s\nwant %s", tt.preset, tt.kind, got.Key(), want.Key())
			}
			if err := got.Validate(); err != nil {
				t.Errorf("preset invalid: %v", err)
			}
			if !got.IsPreset(tt.preset) {
				t.Errorf("IsPreset(%s) of the preset itself is false", tt.preset)
			}
			k, _ := Lookup(tt.kind)
			if p := k.Preset(tt.preset); p == nil || p.Label == "" || p.Help == "" {
				t.Errorf("Preset(%s) = %+v, want a labelled preset", tt.preset, p)
			}
		})
	}
	for _, k := range Kinds() {
		t.Run(k.Name+"/has page", func(t *testing.T) {
			if k.Preset(PagePreset) == nil {
				t.Errorf("kind %s has no %q preset", k.Name, PagePreset)
			}
		})
	}
	t.Run("copies", func(t *testing.T) {
		a := MustPreset("mlp", PagePreset)
		if err := a.Set("width", 8); err != nil {
			t.Fatal(err)
		}
		if MustPreset("mlp", PagePreset).Text("width") != "64" {
			t.Error("changing a preset's spec changed the preset")
		}
		if a.IsPreset(PagePreset) {
			t.Error("IsPreset true after a change")
		}
	})
}

// TestPresetReading: a spec naming a preset takes the fields it leaves out, the seed included,
// from the preset; one naming none starts from the table's defaults and seed 0, as before presets.
func TestPresetReading(t *testing.T) {
	page := MustPreset("mlp", PagePreset)
	paper := MustPreset("mlp", "paper-mnist")
	with := func(s Spec, seed uint64, name, text string) string {
		s = s.Clone()
		s.Seed = seed
		if err := s.SetText(name, text); err != nil {
			t.Fatal(err)
		}
		return s.Key()
	}
	tests := []struct {
		name, in string
		want     string // Key, or "" for an error naming field
		field    string
	}{
		{"json preset", `{"kind":"mlp","preset":"paper-mnist","params":{"width":64}}`, with(paper, 0, "width", "64"), ""},
		{"json preset seed", `{"kind":"mlp","preset":"page","seed":5,"params":{"lr":0.2}}`, with(page, 5, "lr", "0.2"), ""},
		{"json page seed", `{"kind":"stable","preset":"page"}`, with(MustNew("stable", 1), 1, "alpha", "1.5"), ""},
		{"json no preset", `{"kind":"mlp","params":{"width":64}}`, with(MustNew("mlp", 0), 0, "width", "64"), ""},
		{"json unknown preset", `{"kind":"mlp","preset":"paper-cifar"}`, "", "preset"},
		{"json empty preset", `{"kind":"mlp","preset":""}`, "", "preset"},
		{"json preset of another kind", `{"kind":"stable","preset":"paper-mnist"}`, "", "preset"},
		{"json preset not a string", `{"kind":"mlp","preset":3}`, "", "preset"},
		{"json preset over budget", `{"kind":"mlp","preset":"paper-mnist","params":{"width":1024,"depth":10,"iters":100000,"evalEvery":100000}}`, "", "iters"},
		{"query preset", `kind=mlp&preset=paper-mnist&seed=3&depth=2`, with(paper, 3, "depth", "2"), ""},
		{"query page", `kind=stable&preset=page&alpha=0.9`, with(MustNew("stable", 1), 1, "alpha", "0.9"), ""},
		{"query no preset", `kind=stable&alpha=0.9`, with(MustNew("stable", 0), 0, "alpha", "0.9"), ""},
		{"query unknown preset", `kind=stable&preset=nope`, "", "preset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseArg(tt.in, "")
			if tt.want == "" {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != tt.field {
					t.Errorf("ParseArg(%s) = %v, want an error naming %q", tt.in, err, tt.field)
				}
				return
			}
			if err != nil || s.Key() != tt.want {
				t.Errorf("ParseArg(%s):\n got %s, %v\nwant %s", tt.in, s.Key(), err, tt.want)
			}
		})
	}
}

// TestShortLinks: a link opened in the browser implies the page preset, so a short link shows
// exactly a fresh page with its fields changed; a full link is read unchanged.
func TestShortLinks(t *testing.T) {
	tests := []struct {
		name, query, fallback string
		want                  Spec
		ignored               string // fields reported, comma-separated
	}{
		{"short", "alpha=0.9", "stable", mustSet(MustPreset("stable", PagePreset), "alpha", "0.9"), ""},
		{"short mlp", "width=32", "mlp", mustSet(MustPreset("mlp", PagePreset), "width", "32"), ""},
		{"empty", "", "mlp", MustPreset("mlp", PagePreset), ""},
		{"named preset", "preset=paper-mnist&iters=200", "mlp", mustSet(MustPreset("mlp", "paper-mnist"), "iters", "200"), ""},
		{"unknown preset", "preset=nope&width=32", "mlp", mustSet(MustPreset("mlp", PagePreset), "width", "32"), "preset"},
		{"bad field keeps the preset's", "width=100000&lr=0.2", "mlp", mustSet(MustPreset("mlp", PagePreset), "lr", "0.2"), "width"},
		{"full link equal to the table's defaults", MustNew("mlp", 1).Query().Encode(), "mlp", MustNew("mlp", 1), ""},
		{"other kind", "kind=exit&alpha=1.2", "wells", mustSet(MustPreset("exit", PagePreset), "alpha", "1.2"), ""},
		// k1 = 900 > n/2 for n = 1000: k1 falls back to the page's (0), n is kept.
		{"cross-field", "n=1000&k1=900", "stable", mustSet(MustPreset("stable", PagePreset), "n", "1000"), "k1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			s, ignored := FromQuery(q, tt.fallback, PagePreset)
			var fields []string
			for _, e := range ignored {
				fields = append(fields, e.Field)
			}
			if s.Key() != tt.want.Key() {
				t.Errorf("FromQuery(%s):\n got %s\nwant %s", tt.query, s.Key(), tt.want.Key())
			}
			if got := strings.Join(fields, ","); got != tt.ignored {
				t.Errorf("ignored %q, want %q", got, tt.ignored)
			}
		})
	}
}

func TestBindPresetsRefusesMistakes(t *testing.T) {
	stable, _ := Lookup("stable")
	page := Preset{Name: PagePreset, Label: "p", Help: "h", Values: "seed=1"}
	tests := []struct {
		name    string
		presets []Preset
		want    string
	}{
		{"no page", []Preset{{Name: "other", Label: "o", Help: "h"}}, `no "page" preset`},
		{"misspelt parameter", []Preset{page, {Name: "x", Label: "x", Help: "h", Values: "alhpa=1"}}, "alhpa"},
		{"out of range", []Preset{page, {Name: "x", Label: "x", Help: "h", Values: "alpha=3"}}, "alpha"},
		{"cross-field", []Preset{page, {Name: "x", Label: "x", Help: "h", Values: "n=1000&k1=900"}}, "k1"},
		{"bad seed", []Preset{page, {Name: "x", Label: "x", Help: "h", Values: "seed=-1"}}, "seed"},
		{"sets the kind", []Preset{page, {Name: "x", Label: "x", Help: "h", Values: "kind=mlp"}}, "sets kind"},
		{"twice", []Preset{page, page}, "twice"},
		{"no help", []Preset{{Name: PagePreset, Label: "p"}}, "help"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := *stable
			k.Presets = tt.presets
			_, err := bindPresets(&k)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("bindPresets = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func mustSet(s Spec, name, text string) Spec {
	if err := s.SetText(name, text); err != nil {
		panic(err)
	}
	return s
}
