// Package sweep describes a grid of runs: a base spec, a list of values for any of its
// parameters, and seeds. Every combination of the grid's values, with every seed, is one run,
// an ordinary sim/spec Spec, so a sweep of one run and a sweep of a thousand go through the same
// validation, the same engine and the same runners.
//
// The JSON form is
//
//	{"base": {"kind": "mlp", "params": {"dataset": "mnist", "iters": 500}},
//	 "grid": {"width": [16, 32, 64], "depth": [2, 3]},
//	 "seeds": [1, 2]}
//
// and the URL query form, used by share links, is the base spec's query with a comma-separated
// list for each parameter of the grid and for the seeds:
//
//	kind=mlp&dataset=mnist&iters=500&width=16,32,64&depth=2,3&seeds=1,2
//
// Runs are numbered in a fixed order: the grid's parameters in the order of the kind's parameter
// table, the first outermost, and the seeds innermost. The same sweep always lists the same runs
// in the same order, which is what makes its run ids reproducible.
package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tailscope/tailscope/sim/spec"
)

// Limits on the size of a sweep, whatever its cost: they keep a sweep's record, its list of
// run ids and its page of results within what one request and one stored record can carry.
const (
	MaxRuns      = 5000 // runs in one sweep
	MaxValues    = 64   // values of one parameter of the grid
	MaxSeeds     = 32   // seeds
	MaxJSON      = 32 << 10
	MaxQueryText = 8 << 10
)

// Axis is one parameter of the grid and its values, in their text form (as in a URL).
type Axis struct {
	Param  string
	Values []string
}

// Sweep is a base spec, a grid over some of its parameters, and seeds.
// Make one with Parse, ParseQuery, New or a preset; the zero Sweep is invalid.
type Sweep struct {
	// Base gives every parameter that the grid does not vary; its Seed is unused.
	Base spec.Spec
	// Grid lists the parameters varied, in the order of the kind's parameter table, each once.
	Grid []Axis
	// Seeds lists the seeds every grid point runs with, in order, without repeats.
	Seeds []uint64
}

// Error is an invalid sweep. Field is "base", "grid", "seeds", "sweep" or a parameter name;
// Run, when at least 0, is the index of the first run refused and Refused the number of runs
// refused, for errors found by validating the runs one by one.
type Error struct {
	Field   string
	Msg     string
	Run     int
	Refused int
}

func (e *Error) Error() string { return e.Field + ": " + e.Msg }

func errorf(field, format string, args ...any) *Error {
	if field == "" {
		field, format = "sweep", "names a field with an empty name"
		args = nil
	}
	return &Error{Field: field, Msg: fmt.Sprintf(format, args...), Run: -1}
}

// New returns the sweep of base over grid (parameter → values in text form) with seeds,
// validated. The grid's order is taken from the kind's parameter table. When the sweep is
// well formed but some of its runs are refused by their kind (an *Error with Refused > 0), the
// sweep is returned with the error, so that its size and estimated cost can still be shown.
func New(base spec.Spec, grid map[string][]string, seeds []uint64) (Sweep, error) {
	k, ok := spec.Lookup(base.Kind)
	if !ok {
		return Sweep{}, errorf("kind", "unknown kind %q (known: %s)", clipText(base.Kind), strings.Join(spec.KindNames(), ", "))
	}
	sw := Sweep{Base: base.Clone(), Seeds: slices.Clone(seeds)}
	for name := range grid {
		if name == "seed" || name == "seeds" {
			return Sweep{}, errorf("grid", "seeds are listed in \"seeds\", not in the grid")
		}
		if k.Param(name) == nil {
			return Sweep{}, errorf(name, "kind %s has no such parameter", base.Kind)
		}
	}
	for _, p := range k.Params {
		if vals, ok := grid[p.Name]; ok {
			sw.Grid = append(sw.Grid, Axis{Param: p.Name, Values: slices.Clone(vals)})
		}
	}
	if err := sw.normalize(); err != nil {
		return Sweep{}, err
	}
	if err := sw.Validate(); err != nil {
		if se, ok := err.(*Error); ok && se.Refused > 0 {
			return sw, err
		}
		return Sweep{}, err
	}
	return sw, nil
}

// normalize checks the grid's values one by one against their parameter and writes them in
// canonical text form; it checks the sizes and the seeds.
func (sw *Sweep) normalize() error {
	if len(sw.Seeds) == 0 {
		return errorf("seeds", "must list at least one seed")
	}
	if len(sw.Seeds) > MaxSeeds {
		return errorf("seeds", "lists %d seeds, more than the %d allowed", len(sw.Seeds), MaxSeeds)
	}
	seen := map[uint64]bool{}
	for _, s := range sw.Seeds {
		if s > spec.MaxSeed {
			return errorf("seeds", "must be integers in [0, %d], got %d", uint64(spec.MaxSeed), s)
		}
		if seen[s] {
			return errorf("seeds", "lists seed %d twice", s)
		}
		seen[s] = true
	}
	count := len(sw.Seeds)
	for i := range sw.Grid {
		a := &sw.Grid[i]
		if len(a.Values) == 0 {
			return errorf(a.Param, "the grid lists no value for it")
		}
		if len(a.Values) > MaxValues {
			return errorf(a.Param, "the grid lists %d values, more than the %d allowed", len(a.Values), MaxValues)
		}
		probe := sw.Base.Clone()
		canon := map[string]bool{}
		for j, text := range a.Values {
			if err := probe.SetText(a.Param, text); err != nil {
				return err
			}
			c := probe.Text(a.Param)
			if canon[c] {
				return errorf(a.Param, "the grid lists the value %s twice", c)
			}
			canon[c] = true
			a.Values[j] = c
		}
		count *= len(a.Values)
		if count > MaxRuns {
			return errorf("grid", "the sweep would have more than %d runs, the most one sweep may have", MaxRuns)
		}
	}
	return nil
}

// Count returns the number of runs: the product of the grid's sizes and the number of seeds.
func (sw Sweep) Count() int {
	n := len(sw.Seeds)
	for _, a := range sw.Grid {
		n *= len(a.Values)
	}
	return n
}

// Point returns the grid values and the seed of run i (0 ≤ i < Count()): for each axis, the
// index of its value.
func (sw Sweep) Point(i int) (values []int, seed uint64) {
	values = make([]int, len(sw.Grid))
	seed = sw.Seeds[i%len(sw.Seeds)]
	i /= len(sw.Seeds)
	for a := len(sw.Grid) - 1; a >= 0; a-- {
		n := len(sw.Grid[a].Values)
		values[a] = i % n
		i /= n
	}
	return values, seed
}

// Run returns the spec of run i. It is valid when the sweep is; Validate checks every run.
func (sw Sweep) Run(i int) spec.Spec {
	values, seed := sw.Point(i)
	s := sw.Base.Clone()
	s.Seed = seed
	for a, v := range values {
		if err := s.SetText(sw.Grid[a].Param, sw.Grid[a].Values[v]); err != nil {
			panic("sweep: a normalized value was refused: " + err.Error()) // normalize checked it
		}
	}
	return s
}

// Label describes run i by its grid values and seed, e.g. "width=64 depth=3 seed=2".
func (sw Sweep) Label(i int) string {
	values, seed := sw.Point(i)
	var b strings.Builder
	for a, v := range values {
		fmt.Fprintf(&b, "%s=%s ", sw.Grid[a].Param, sw.Grid[a].Values[v])
	}
	fmt.Fprintf(&b, "seed=%d", seed)
	return b.String()
}

// Validate checks the sweep's shape and every one of its runs with spec.Validate. A run the
// kind refuses (a combination over a budget, say) makes the whole sweep invalid: the error
// names the first such run, its field, and how many runs are refused.
func (sw Sweep) Validate() error {
	k, ok := spec.Lookup(sw.Base.Kind)
	if !ok {
		return errorf("kind", "unknown kind %q (known: %s)", clipText(sw.Base.Kind), strings.Join(spec.KindNames(), ", "))
	}
	for name := range sw.Base.Params {
		if k.Param(name) == nil {
			return errorf(name, "kind %s has no such parameter", sw.Base.Kind)
		}
	}
	last := -1
	for _, a := range sw.Grid {
		idx := slices.IndexFunc(k.Params, func(p spec.Param) bool { return p.Name == a.Param })
		if idx < 0 {
			return errorf(a.Param, "kind %s has no such parameter", sw.Base.Kind)
		}
		if idx <= last {
			return errorf("grid", "parameters must be listed once each, in the kind's order")
		}
		last = idx
	}
	check := sw
	if err := check.normalize(); err != nil {
		return err
	}
	var first *Error
	refused := 0
	for i := range sw.Count() {
		err := sw.Run(i).Validate()
		if err == nil {
			continue
		}
		refused++
		if first == nil {
			field := "sweep"
			if fe, ok := err.(*spec.FieldError); ok {
				field = fe.Field
			}
			first = &Error{Field: field, Run: i, Msg: fmt.Sprintf("run %d (%s): %v", i, sw.Label(i), err)}
		}
	}
	if first != nil {
		first.Refused = refused
		first.Msg = fmt.Sprintf("%d of %d runs are refused; the first is %s", refused, sw.Count(), first.Msg)
		return first
	}
	return nil
}

// MarshalJSON writes the JSON form: the base spec in full (every parameter), the grid's values
// typed as the parameters are (numbers, strings, booleans), and the seeds.
func (sw Sweep) MarshalJSON() ([]byte, error) {
	base, err := json.Marshal(sw.Base)
	if err != nil {
		return nil, err
	}
	k, _ := spec.Lookup(sw.Base.Kind)
	var b bytes.Buffer
	b.WriteString(`{"base":`)
	b.Write(base)
	b.WriteString(`,"grid":{`)
	for i, a := range sw.Grid {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(a.Param)
		b.Write(name)
		b.WriteString(":[")
		typ := k.Param(a.Param).Type
		for j, v := range a.Values {
			if j > 0 {
				b.WriteByte(',')
			}
			switch typ {
			case spec.Choice:
				s, _ := json.Marshal(v)
				b.Write(s)
			case spec.Bool:
				b.WriteString(strconv.FormatBool(v == "1"))
			default:
				b.WriteString(v)
			}
		}
		b.WriteByte(']')
	}
	b.WriteString(`},"seeds":[`)
	for i, s := range sw.Seeds {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatUint(s, 10))
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// Parse reads a sweep from its JSON form, strictly: an unknown field, kind or parameter, a
// value out of its bounds, a repeated value or seed, or any run the kind refuses is an error
// naming the field. The result is valid, but for runs the kind refuses: then it comes with
// the error, as from New.
func Parse(data []byte) (Sweep, error) {
	if len(data) > MaxJSON {
		return Sweep{}, errorf("sweep", "is %d bytes, more than the %d allowed", len(data), MaxJSON)
	}
	var raw struct {
		Base  json.RawMessage              `json:"base"`
		Grid  map[string][]json.RawMessage `json:"grid"`
		Seeds []json.Number                `json:"seeds"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return Sweep{}, errorf("sweep", "has an unknown field %s (a sweep has base, grid and seeds)", clipText(f))
		}
		return Sweep{}, errorf("sweep", "is not a valid JSON sweep {base, grid, seeds}: %s", clipText(err.Error()))
	}
	if dec.More() {
		return Sweep{}, errorf("sweep", "has trailing data after the JSON object")
	}
	if raw.Base == nil {
		return Sweep{}, errorf("base", "is missing: the spec every run starts from")
	}
	var base spec.Spec
	if err := base.UnmarshalJSON(raw.Base); err != nil {
		return Sweep{}, err
	}
	seeds := make([]uint64, len(raw.Seeds))
	for i, n := range raw.Seeds {
		v, err := strconv.ParseUint(n.String(), 10, 64)
		if err != nil {
			return Sweep{}, errorf("seeds", "must be integers in [0, %d], got %s", uint64(spec.MaxSeed), clipText(n.String()))
		}
		seeds[i] = v
	}
	k, _ := spec.Lookup(base.Kind)
	grid := make(map[string][]string, len(raw.Grid))
	for name, vals := range raw.Grid {
		p := k.Param(name)
		if p == nil {
			if name == "seed" || name == "seeds" {
				return Sweep{}, errorf("grid", "seeds are listed in \"seeds\", not in the grid")
			}
			return Sweep{}, errorf(name, "kind %s has no such parameter", base.Kind)
		}
		texts := make([]string, len(vals))
		for i, v := range vals {
			t, err := jsonValueText(p, v)
			if err != nil {
				return Sweep{}, err
			}
			texts[i] = t
		}
		grid[name] = texts
	}
	return New(base, grid, seeds)
}

// jsonValueText turns one JSON value of the grid into the parameter's text form.
func jsonValueText(p *spec.Param, v json.RawMessage) (string, error) {
	switch p.Type {
	case spec.Choice:
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", errorf(p.Name, "grid values must be strings, one of %q", p.Choices)
		}
		return s, nil
	case spec.Bool:
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return "", errorf(p.Name, "grid values must be true or false")
		}
		if b {
			return "1", nil
		}
		return "0", nil
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		return "", errorf(p.Name, "grid values must be numbers in %s", p.Range())
	}
	return n.String(), nil
}

// Query returns the URL query form: the base spec's parameters (all of them), each grid
// parameter as a comma-separated list, and the seeds.
func (sw Sweep) Query() url.Values {
	q := sw.Base.Query()
	q.Del("seed")
	for _, a := range sw.Grid {
		q.Set(a.Param, strings.Join(a.Values, ","))
	}
	seeds := make([]string, len(sw.Seeds))
	for i, s := range sw.Seeds {
		seeds[i] = strconv.FormatUint(s, 10)
	}
	q.Set("seeds", strings.Join(seeds, ","))
	return q
}

// Encode returns the query form as text, e.g. for a link. The grid's commas are left as they
// are (a comma needs no escape in a query), which keeps links readable.
func (sw Sweep) Encode() string { return strings.ReplaceAll(sw.Query().Encode(), "%2C", ",") }

// ParseQuery reads a sweep from its URL query form, strictly: keys other than kind, seeds and
// the kind's parameters, and anything Parse refuses, are errors naming the field. A parameter
// whose value holds commas is a grid axis; seeds defaults to "1".
func ParseQuery(q url.Values) (Sweep, error) {
	if n := len(q.Encode()); n > MaxQueryText {
		return Sweep{}, errorf("sweep", "the query is %d bytes, more than the %d read", n, MaxQueryText)
	}
	for key, vals := range q {
		if len(vals) > 1 {
			return Sweep{}, errorf(key, "is given %d times; list a grid's values once, separated by commas", len(vals))
		}
	}
	kind := q.Get("kind")
	if kind == "" {
		return Sweep{}, errorf("kind", "is missing (known: %s)", strings.Join(spec.KindNames(), ", "))
	}
	base, err := spec.New(kind, 0)
	if err != nil {
		return Sweep{}, err
	}
	k, _ := spec.Lookup(kind)
	grid := map[string][]string{}
	seeds := []uint64{1}
	for key, vals := range q {
		text := vals[0]
		switch key {
		case "kind":
			continue
		case "seed":
			return Sweep{}, errorf("seed", "a sweep lists its seeds in \"seeds\", e.g. seeds=1,2,3")
		case "seeds":
			seeds = seeds[:0]
			for _, f := range strings.Split(text, ",") {
				v, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
				if err != nil {
					return Sweep{}, errorf("seeds", "must be integers in [0, %d] separated by commas, got %q", uint64(spec.MaxSeed), clipText(f))
				}
				seeds = append(seeds, v)
			}
			continue
		}
		if k.Param(key) == nil {
			return Sweep{}, errorf(key, "kind %s has no such parameter (it has: %s)", kind, paramNames(k))
		}
		if strings.Contains(text, ",") {
			fields := strings.Split(text, ",")
			if len(fields) > MaxValues {
				return Sweep{}, errorf(key, "the grid lists %d values, more than the %d allowed", len(fields), MaxValues)
			}
			for i := range fields {
				fields[i] = strings.TrimSpace(fields[i])
			}
			grid[key] = fields
			continue
		}
		if err := base.SetText(key, text); err != nil {
			return Sweep{}, err
		}
	}
	return New(base, grid, seeds)
}

// ParseArg reads a sweep given on a command line: JSON (text starting with '{'), a preset's
// name, or a URL query.
func ParseArg(arg string) (Sweep, error) {
	arg = strings.TrimSpace(arg)
	if strings.HasPrefix(arg, "{") {
		return Parse([]byte(arg))
	}
	if p, ok := LookupPreset(arg); ok {
		return p.Sweep(), nil
	}
	q, err := url.ParseQuery(strings.TrimPrefix(arg, "?"))
	if err != nil {
		return Sweep{}, errorf("sweep", "is neither JSON, a preset (%s) nor a URL query: %v", strings.Join(PresetNames(), ", "), err)
	}
	return ParseQuery(q)
}

func paramNames(k *spec.Kind) string {
	names := make([]string, len(k.Params))
	for i := range k.Params {
		names[i] = k.Params[i].Name
	}
	return strings.Join(names, ", ")
}

func clipText(s string) string {
	const max = 40
	if len(s) > max {
		return strings.ToValidUTF8(s[:max], "") + "…"
	}
	return s
}

// UnmarshalJSON reads the JSON form as Parse does.
func (sw *Sweep) UnmarshalJSON(data []byte) error {
	p, err := Parse(data)
	if err != nil {
		return err
	}
	*sw = p
	return nil
}
