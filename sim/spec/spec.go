package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// MaxSeed is the largest seed accepted: 2^53−1, so that a seed survives a round trip
// through JavaScript numbers and JSON readers that use float64.
const MaxSeed = 1<<53 - 1

// Kind is an experiment kind and its parameter table.
type Kind struct {
	Name   string // e.g. "exit"; the "kind" field of a Spec
	Label  string // e.g. "Exit times"
	Help   string // one or two sentences
	Params []Param

	// Check, if non-nil, enforces constraints that involve several parameters
	// (e.g. a memory budget). It is called after each parameter passed its own check
	// and should return a *FieldError naming the parameter to change.
	Check func(Spec) error

	// Presets are the kind's named starting points; one is called PagePreset.
	Presets []Preset

	presets map[string]Spec
	typ     reflect.Type // the kind's typed struct (ExitParams, …)
	typed   []typedField // its fields, in table order
}

// Param returns the parameter called name, or nil.
func (k *Kind) Param(name string) *Param {
	for i := range k.Params {
		if k.Params[i].Name == name {
			return &k.Params[i]
		}
	}
	return nil
}

var kinds = map[string]*Kind{}

// register adds k, whose typed parameters are of typed's struct type, to the kinds known to
// every reader of specs. It is called from the init functions of the files that declare the
// kinds, and panics on a malformed table or a typed struct that does not match it, since that
// is a programming error caught by any test.
func register(k *Kind, typed any) {
	if _, dup := kinds[k.Name]; dup {
		panic("spec: kind " + k.Name + " registered twice")
	}
	seen := map[string]bool{"kind": true, "seed": true}
	for i := range k.Params {
		p := &k.Params[i]
		if seen[p.Name] {
			panic("spec: kind " + k.Name + ": duplicate or reserved parameter " + p.Name)
		}
		seen[p.Name] = true
		if err := p.check(p.defaultValue()); err != nil {
			panic("spec: kind " + k.Name + ": default out of range: " + err.Error())
		}
	}
	fields, err := bindTyped(k, reflect.TypeOf(typed))
	if err != nil {
		panic(err.Error())
	}
	k.typ, k.typed = reflect.TypeOf(typed), fields
	kinds[k.Name] = k
	presets, err := bindPresets(k)
	if err != nil {
		delete(kinds, k.Name)
		panic(err.Error())
	}
	k.presets = presets
}

// Lookup returns the kind called name.
func Lookup(name string) (*Kind, bool) {
	k, ok := kinds[name]
	return k, ok
}

// Kinds returns every registered kind, sorted by name.
func Kinds() []*Kind {
	return slices.SortedFunc(maps.Values(kinds), func(a, b *Kind) int { return strings.Compare(a.Name, b.Name) })
}

// KindNames returns the names of every registered kind, sorted.
func KindNames() []string {
	return slices.Sorted(maps.Keys(kinds))
}

// Spec is one run: a kind, a value for each of its parameters, and a seed.
// The zero Spec is invalid; make one with New, Parse or FromQuery.
type Spec struct {
	Kind   string
	Seed   uint64
	Params map[string]Value
}

// New returns the spec of kind with every parameter at its default.
func New(kind string, seed uint64) (Spec, error) {
	k, ok := kinds[kind]
	if !ok {
		return Spec{}, unknownKind(kind)
	}
	if seed > MaxSeed {
		return Spec{}, fieldErrorf("seed", "must be in [0, %d], got %d", uint64(MaxSeed), seed)
	}
	s := Spec{Kind: kind, Seed: seed, Params: make(map[string]Value, len(k.Params))}
	for i := range k.Params {
		s.Params[k.Params[i].Name] = k.Params[i].defaultValue()
	}
	return s, nil
}

// MustNew is like New but panics on error; for tests and fixed defaults.
func MustNew(kind string, seed uint64) Spec {
	s, err := New(kind, seed)
	if err != nil {
		panic(err)
	}
	return s
}

func unknownKind(kind string) *FieldError {
	return fieldErrorf("kind", "unknown kind %q (known: %s)", clip(kind), strings.Join(KindNames(), ", "))
}

// Clone returns a deep copy of s.
func (s Spec) Clone() Spec {
	s.Params = maps.Clone(s.Params)
	return s
}

func (s Spec) param(name string, want ...Type) *Param {
	k, ok := kinds[s.Kind]
	if !ok {
		panic("spec: unknown kind " + s.Kind)
	}
	p := k.Param(name)
	if p == nil {
		panic("spec: kind " + s.Kind + " has no parameter " + name)
	}
	if !slices.Contains(want, p.Type) {
		panic(fmt.Sprintf("spec: parameter %s.%s is a %v", s.Kind, name, p.Type))
	}
	return p
}

func (s Spec) value(p *Param) Value {
	if v, ok := s.Params[p.Name]; ok {
		return v
	}
	return p.defaultValue()
}

// Get returns the value of parameter name (Num for Float, Int and Bool, Str for Choice),
// for code that picks the name at run time from the kind's table, such as a control drawn
// from it. Code that knows which parameter it wants reads the kind's typed parameters
// (Spec.Exit, Spec.Wells, Spec.MLP, Spec.Stable), which a misspelt name cannot reach.
// Asking for a parameter that the kind does not declare is a programming error and panics.
func (s Spec) Get(name string) Value { return s.value(s.param(name, Float, Int, Choice, Bool)) }

// lookup returns the declaration of s's parameter name.
func (s *Spec) lookup(name string) (*Param, error) {
	k, ok := kinds[s.Kind]
	if !ok {
		return nil, unknownKind(s.Kind)
	}
	p := k.Param(name)
	if p == nil {
		return nil, fieldErrorf(name, "kind %s has no such parameter", s.Kind)
	}
	return p, nil
}

// Set sets a Float, Int or Bool parameter, checking it against its bounds.
func (s *Spec) Set(name string, x float64) error {
	p, err := s.lookup(name)
	if err != nil {
		return err
	}
	if p.Type == Choice {
		return fieldErrorf(name, "is a choice among %q, not a number", p.Choices)
	}
	v := Value{Num: x}
	if err := p.check(v); err != nil {
		return err
	}
	s.ensureParams()
	s.Params[name] = v
	return nil
}

// SetChoice sets a Choice parameter.
func (s *Spec) SetChoice(name, choice string) error {
	p, err := s.lookup(name)
	if err != nil {
		return err
	}
	if p.Type != Choice {
		return fieldErrorf(name, "is a %v, not a choice", p.Type)
	}
	v := Value{Str: choice}
	if err := p.check(v); err != nil {
		return err
	}
	s.ensureParams()
	s.Params[name] = v
	return nil
}

// SetText sets any parameter from its text form, as found in a URL or a form field.
func (s *Spec) SetText(name, text string) error {
	p, err := s.lookup(name)
	if err != nil {
		return err
	}
	v, ferr := p.parse(text)
	if ferr != nil {
		return ferr
	}
	s.ensureParams()
	s.Params[name] = v
	return nil
}

// Text returns a parameter's value in its text form.
func (s Spec) Text(name string) string {
	p := s.param(name, Float, Int, Choice, Bool)
	return p.format(s.value(p))
}

func (s *Spec) ensureParams() {
	if s.Params == nil {
		s.Params = map[string]Value{}
	}
}

// Validate checks the kind, the seed, every parameter and the kind's cross-field
// constraints. The error is a *FieldError naming the first offending field.
func (s Spec) Validate() error {
	k, ok := kinds[s.Kind]
	if !ok {
		return unknownKind(s.Kind)
	}
	if s.Seed > MaxSeed {
		return fieldErrorf("seed", "must be in [0, %d], got %d", uint64(MaxSeed), s.Seed)
	}
	for name := range s.Params {
		if k.Param(name) == nil {
			return fieldErrorf(name, "kind %s has no such parameter", s.Kind)
		}
	}
	for i := range k.Params {
		p := &k.Params[i]
		if err := p.check(s.value(p)); err != nil {
			return err
		}
	}
	if k.Check != nil {
		return k.Check(s)
	}
	return nil
}

// MarshalJSON writes s with every parameter of its kind, defaults included,
// so that the JSON reproduces the run even if defaults change later.
func (s Spec) MarshalJSON() ([]byte, error) {
	k, ok := kinds[s.Kind]
	if !ok {
		return nil, unknownKind(s.Kind)
	}
	var b bytes.Buffer
	b.WriteString(`{"kind":`)
	kb, _ := json.Marshal(s.Kind)
	b.Write(kb)
	b.WriteString(`,"seed":`)
	b.WriteString(strconv.FormatUint(s.Seed, 10))
	b.WriteString(`,"params":{`)
	for i := range k.Params {
		p := &k.Params[i]
		if i > 0 {
			b.WriteByte(',')
		}
		nb, _ := json.Marshal(p.Name)
		b.Write(nb)
		b.WriteByte(':')
		v := s.value(p)
		switch p.Type {
		case Choice:
			vb, _ := json.Marshal(v.Str)
			b.Write(vb)
		case Bool:
			b.WriteString(strconv.FormatBool(v.Num != 0))
		default:
			if math.IsNaN(v.Num) || math.IsInf(v.Num, 0) {
				return nil, fieldErrorf(p.Name, "must be a finite number, got %v", v.Num)
			}
			b.WriteString(formatNum(v.Num))
		}
	}
	b.WriteString("}}")
	return b.Bytes(), nil
}

// MaxJSON is the largest JSON spec Parse accepts, in bytes.
const MaxJSON = 16 << 10

// Parse reads a spec from JSON, strictly: an unknown kind, preset, field or parameter, a value
// of the wrong type or out of its bounds is an error naming the field. Parameters and a seed
// left out come from the preset the spec names ("preset": "paper-mnist"), or are the table's
// defaults (seed 0) when it names none. The result is valid.
func Parse(data []byte) (Spec, error) {
	var s Spec
	if err := s.UnmarshalJSON(data); err != nil {
		return Spec{}, err
	}
	if err := s.Validate(); err != nil {
		return Spec{}, err
	}
	return s, nil
}

// UnmarshalJSON reads the JSON form, filling in the preset's values or the defaults, without running the kind's
// cross-field checks (Parse does both).
func (s *Spec) UnmarshalJSON(data []byte) error {
	if len(data) > MaxJSON {
		return fieldErrorf("spec", "is %d bytes, more than the %d allowed", len(data), MaxJSON)
	}
	var raw struct {
		Kind   *string                    `json:"kind"`
		Preset *string                    `json:"preset"`
		Seed   json.RawMessage            `json:"seed"`
		Params map[string]json.RawMessage `json:"params"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return fieldErrorf("spec", "has trailing data after the JSON object")
	}
	if raw.Kind == nil {
		return fieldErrorf("kind", "is missing (known: %s)", strings.Join(KindNames(), ", "))
	}
	if _, ok := kinds[*raw.Kind]; !ok {
		return unknownKind(*raw.Kind)
	}
	out, ferr := base(*raw.Kind, raw.Preset)
	if ferr != nil {
		return ferr
	}
	if raw.Seed != nil && string(raw.Seed) != "null" {
		// Raw, not json.Number, which would also take the string "7".
		v, err := strconv.ParseUint(string(raw.Seed), 10, 64)
		if err != nil || v > MaxSeed {
			return fieldErrorf("seed", "must be an integer in [0, %d], got %s", uint64(MaxSeed), clip(string(raw.Seed)))
		}
		out.Seed = v
	}
	k := kinds[out.Kind]
	for name, msg := range raw.Params {
		p := k.Param(name)
		if p == nil && name == "" {
			return fieldErrorf("params", "has a parameter with an empty name")
		}
		if p == nil {
			return fieldErrorf(name, "kind %s has no such parameter (it has: %s)", out.Kind, paramNames(k))
		}
		v, ferr := decodeParam(p, msg)
		if ferr != nil {
			return ferr
		}
		out.Params[name] = v
	}
	*s = out
	return nil
}

func decodeParam(p *Param, msg json.RawMessage) (Value, *FieldError) {
	switch p.Type {
	case Choice:
		var str string
		if err := json.Unmarshal(msg, &str); err != nil {
			return Value{}, fieldErrorf(p.Name, "must be a string, one of %q", p.Choices)
		}
		v := Value{Str: str}
		return v, p.check(v)
	case Bool:
		var b bool
		if err := json.Unmarshal(msg, &b); err != nil {
			return Value{}, fieldErrorf(p.Name, "must be true or false")
		}
		if b {
			return Value{Num: 1}, nil
		}
		return Value{Num: 0}, nil
	}
	var x float64
	if err := json.Unmarshal(msg, &x); err != nil {
		return Value{}, fieldErrorf(p.Name, "must be a number in %s", p.Range())
	}
	v := Value{Num: x}
	return v, p.check(v)
}

func jsonError(err error) *FieldError {
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		if f = strings.Trim(f, `"`); f == "" {
			return fieldErrorf("spec", "has a field with an empty name (a spec has kind, seed and params)")
		}
		return fieldErrorf(f, "is not a spec field (a spec has kind, preset, seed and params)")
	}
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		field, want := te.Field, te.Type.String()
		if field == "" {
			field, want = "spec", "an object {kind, seed, params}"
		}
		return fieldErrorf(field, "has the wrong type: %s where %s was expected", te.Value, want)
	}
	return fieldErrorf("spec", "is not valid JSON: %s", msg)
}

func paramNames(k *Kind) string {
	names := make([]string, len(k.Params))
	for i := range k.Params {
		names[i] = k.Params[i].Name
	}
	return strings.Join(names, ", ")
}

// Query returns s as URL query values: kind, seed and every parameter.
func (s Spec) Query() url.Values {
	q := url.Values{}
	q.Set("kind", s.Kind)
	q.Set("seed", strconv.FormatUint(s.Seed, 10))
	if k, ok := kinds[s.Kind]; ok {
		for i := range k.Params {
			p := &k.Params[i]
			q.Set(p.Name, p.format(s.value(p)))
		}
	}
	return q
}

// Key returns a canonical text form of s: equal specs have equal keys.
func (s Spec) Key() string { return s.Query().Encode() }

// MaxQuery is the longest query FromQuery and ParseQuery read, in bytes of its encoding.
const MaxQuery = 4 << 10

// ParseQuery reads a spec from URL query values strictly, like Parse: keys other than kind,
// preset, seed and the kind's parameters are errors. Fields left out come from the preset the
// query names, or are the table's defaults (seed 0) when it names none.
func ParseQuery(q url.Values) (Spec, error) {
	s, ignored := FromQuery(q, "", "")
	if len(ignored) > 0 {
		return Spec{}, ignored[0]
	}
	return s, nil
}

// FromQuery reads a spec from URL query values leniently, for share links a person may have
// edited. A missing kind is fallbackKind; fields left out come from the preset the query names
// or else fallbackPreset ("": the table's defaults, seed 0), the seed included. Each malformed,
// out-of-range or unknown field is left at the preset's value and reported in ignored, so a
// page can say which fields it did not trust. The result is always valid when fallbackKind is
// a known kind and fallbackPreset one of its presets (or "").
func FromQuery(q url.Values, fallbackKind, fallbackPreset string) (s Spec, ignored []*FieldError) {
	if n := len(q.Encode()); n > MaxQuery {
		ignored = append(ignored, fieldErrorf("query", "is %d bytes, more than the %d read; every field was ignored", n, MaxQuery))
		q = url.Values{}
	}
	kind := q.Get("kind")
	if kind == "" {
		kind = fallbackKind
		if _, present := q["kind"]; present || fallbackKind == "" {
			ignored = append(ignored, fieldErrorf("kind", "is missing"))
		}
	}
	if _, ok := kinds[kind]; !ok {
		if kind != fallbackKind {
			ignored = append(ignored, unknownKind(kind))
		}
		kind = fallbackKind
	}
	if _, ok := kinds[kind]; !ok {
		return Spec{}, ignored
	}
	var fallback *string
	if fallbackPreset != "" {
		fallback = &fallbackPreset
	}
	start, ferr := base(kind, fallback)
	if ferr != nil {
		// A fallback preset this kind lacks (a view showing several kinds): its table's defaults.
		start = MustNew(kind, 0)
	}
	if named := presetOf(q); named != nil {
		if b, ferr := base(kind, named); ferr != nil {
			ignored = append(ignored, ferr)
		} else {
			start = b
		}
	}
	s = start.Clone()
	if text, ok := q["seed"]; ok {
		if v, ferr := parseSeed(text[0]); ferr != nil {
			ignored = append(ignored, ferr)
		} else {
			s.Seed = v
		}
	}
	k := kinds[kind]
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if name == "kind" || name == "seed" || name == "preset" {
			continue
		}
		p := k.Param(name)
		if p == nil {
			ignored = append(ignored, fieldErrorf(name, "kind %s has no such parameter", kind))
			continue
		}
		v, err := p.parse(q.Get(name))
		if err != nil {
			ignored = append(ignored, err)
			continue
		}
		s.Params[name] = v
	}
	if k.Check != nil {
		if err := k.Check(s); err != nil {
			// A combination the kind refuses: fall back to the preset's value for the field it
			// names, or to the whole preset if it names none that exists.
			ferr, ok := err.(*FieldError)
			if !ok {
				ferr = fieldErrorf("params", "%v", err)
			}
			ignored = append(ignored, ferr)
			if p := k.Param(ferr.Field); p != nil {
				s.Params[p.Name] = start.value(p)
			}
			if k.Check(s) != nil {
				seed := s.Seed
				s = start.Clone()
				s.Seed = seed
			}
		}
	}
	return s, ignored
}

// ParseArg reads a spec given on a command line, as JSON (text starting with '{') or as a URL
// query ("kind=exit&alpha=1.2"); a query without a kind is of kind defaultKind. Like Parse and
// ParseQuery it is strict: the error names the field to fix.
func ParseArg(arg, defaultKind string) (Spec, error) {
	arg = strings.TrimSpace(arg)
	if strings.HasPrefix(arg, "{") {
		return Parse([]byte(arg))
	}
	q, err := url.ParseQuery(strings.TrimPrefix(arg, "?"))
	if err != nil {
		return Spec{}, fieldErrorf("spec", "is neither JSON nor a URL query: %v", err)
	}
	if q.Get("kind") == "" && defaultKind != "" {
		q.Set("kind", defaultKind)
	}
	return ParseQuery(q)
}
