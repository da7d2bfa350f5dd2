package spec

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// PagePreset is the preset every kind declares: what a fresh page of its view shows. A link
// opened in the browser implies it, so that a short link such as #estimator?alpha=9 shows a
// fresh page with α changed and nothing else.
const PagePreset = "page"

// Preset is a named starting point of a kind, declared beside its table: the table's defaults
// with a few values changed, and a seed. A spec names it in its "preset" field (JSON) or key
// (query), and the fields it leaves out, the seed included, come from the preset.
type Preset struct {
	Name  string // e.g. "page", "paper-mnist": the "preset" field of a spec
	Label string // e.g. "the paper's MNIST setting", for a one-click scenario
	Help  string // one sentence: what it shows

	// Values are the seed and the parameters that differ from the table's defaults, in the
	// query form ("seed=1&width=64"); a seed left out is 0.
	Values string
}

// bindPresets checks every preset of k and returns their specs. Every kind has a PagePreset.
func bindPresets(k *Kind) (map[string]Spec, error) {
	out := make(map[string]Spec, len(k.Presets))
	for _, p := range k.Presets {
		if p.Name == "" || p.Label == "" || p.Help == "" {
			return nil, fmt.Errorf("spec: kind %s: preset %q needs a name, a label and a help text", k.Name, p.Name)
		}
		if _, dup := out[p.Name]; dup {
			return nil, fmt.Errorf("spec: kind %s: preset %s declared twice", k.Name, p.Name)
		}
		q, err := url.ParseQuery(p.Values)
		if err != nil {
			return nil, fmt.Errorf("spec: kind %s: preset %s: %v", k.Name, p.Name, err)
		}
		if q.Has("kind") || q.Has("preset") {
			return nil, fmt.Errorf("spec: kind %s: preset %s sets kind or preset", k.Name, p.Name)
		}
		q.Set("kind", k.Name)
		s, err := ParseQuery(q)
		if err != nil {
			return nil, fmt.Errorf("spec: kind %s: preset %s: %v", k.Name, p.Name, err)
		}
		out[p.Name] = s
	}
	if _, ok := out[PagePreset]; !ok {
		return nil, fmt.Errorf("spec: kind %s declares no %q preset", k.Name, PagePreset)
	}
	return out, nil
}

// Preset returns the preset called name, or nil.
func (k *Kind) Preset(name string) *Preset {
	for i := range k.Presets {
		if k.Presets[i].Name == name {
			return &k.Presets[i]
		}
	}
	return nil
}

// PresetNames returns the names of k's presets, in declaration order.
func (k *Kind) PresetNames() []string {
	names := make([]string, len(k.Presets))
	for i := range k.Presets {
		names[i] = k.Presets[i].Name
	}
	return names
}

// NewPreset returns the spec of kind's preset: its seed and values, every other parameter at
// its default.
func NewPreset(kind, preset string) (Spec, error) {
	k, ok := kinds[kind]
	if !ok {
		return Spec{}, unknownKind(kind)
	}
	s, ok := k.presets[preset]
	if !ok {
		return Spec{}, unknownPreset(k, preset)
	}
	return s.Clone(), nil
}

// MustPreset is like NewPreset but panics on error; for fixed names.
func MustPreset(kind, preset string) Spec {
	s, err := NewPreset(kind, preset)
	if err != nil {
		panic(err)
	}
	return s
}

func unknownPreset(k *Kind, preset string) *FieldError {
	return fieldErrorf("preset", "kind %s has no preset %q (it has: %s)", k.Name, clip(preset), strings.Join(k.PresetNames(), ", "))
}

// base returns what a spec of kind starts from before its own fields are read: the preset's
// spec, or the table's defaults with seed 0 when preset is nil (no preset named).
func base(kind string, preset *string) (Spec, *FieldError) {
	if preset == nil {
		s, err := New(kind, 0)
		if err != nil {
			return Spec{}, err.(*FieldError)
		}
		return s, nil
	}
	s, err := NewPreset(kind, *preset)
	if err != nil {
		return Spec{}, err.(*FieldError)
	}
	return s, nil
}

// presetOf returns the preset a query names, or nil; a present but empty preset key is
// returned as "" (and refused by base).
func presetOf(q url.Values) *string {
	if !q.Has("preset") {
		return nil
	}
	p := q.Get("preset")
	return &p
}

// IsPreset reports whether s equals kind s.Kind's preset name, seed included.
func (s Spec) IsPreset(name string) bool {
	p, err := NewPreset(s.Kind, name)
	return err == nil && p.Key() == s.Key()
}

// parseSeed reads a seed from its text form.
func parseSeed(text string) (uint64, *FieldError) {
	v, err := strconv.ParseUint(text, 10, 64)
	if err != nil || v > MaxSeed {
		return 0, fieldErrorf("seed", "must be an integer in [0, %d], got %q", uint64(MaxSeed), clip(text))
	}
	return v, nil
}
