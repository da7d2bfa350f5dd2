package spec

import (
	"fmt"
	"reflect"
	"strings"
)

// Typed parameters. Each kind has a plain struct (ExitParams, WellsParams, MLPParams,
// StableParams) with one field per parameter, tagged with the parameter's name:
//
//	type StableParams struct {
//		Dist  Dist    `spec:"dist"`
//		Alpha float64 `spec:"alpha"`
//		…
//	}
//
// Field types follow the table: Float is float64, Int is int, Bool is bool and Choice is a
// string type whose constants are the table's choices. The struct is checked against its
// kind's table when the kind is registered, so a parameter added to one and not the other
// stops every program (and test) at start-up rather than panicking in a run. Code outside this
// package reads a spec through its kind's decoder (Spec.Stable, Spec.MLP, …) and never by name.

// typedField binds one struct field to the parameter it holds.
type typedField struct {
	index []int // reflect field index path (embedded structs)
	param *Param
}

// bindTyped checks that the struct type t has exactly one field per parameter of k, of the
// matching Go type, and returns the bindings in table order.
func bindTyped(k *Kind, t reflect.Type) ([]typedField, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("spec: kind %s: typed parameters %v are not a struct", k.Name, t)
	}
	byName := map[string][]int{}
	var walk func(t reflect.Type, prefix []int) error
	walk = func(t reflect.Type, prefix []int) error {
		for i := range t.NumField() {
			f := t.Field(i)
			index := append(append([]int(nil), prefix...), i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				if err := walk(f.Type, index); err != nil {
					return err
				}
				continue
			}
			name, ok := f.Tag.Lookup("spec")
			if !ok || name == "" {
				return fmt.Errorf("spec: kind %s: field %s.%s has no spec:\"name\" tag", k.Name, t.Name(), f.Name)
			}
			if _, dup := byName[name]; dup {
				return fmt.Errorf("spec: kind %s: two fields of %v are tagged %q", k.Name, t, name)
			}
			byName[name] = index
		}
		return nil
	}
	if err := walk(t, nil); err != nil {
		return nil, err
	}
	fields := make([]typedField, 0, len(k.Params))
	for i := range k.Params {
		p := &k.Params[i]
		index, ok := byName[p.Name]
		if !ok {
			return nil, fmt.Errorf("spec: kind %s: %v has no field tagged %q", k.Name, t, p.Name)
		}
		delete(byName, p.Name)
		ft := t.FieldByIndex(index).Type
		var want reflect.Kind
		switch p.Type {
		case Float:
			want = reflect.Float64
		case Int:
			want = reflect.Int
		case Bool:
			want = reflect.Bool
		case Choice:
			want = reflect.String
		}
		if ft.Kind() != want {
			return nil, fmt.Errorf("spec: kind %s: field %q of %v is a %v; the %v parameter needs a %v", k.Name, p.Name, t, ft, p.Type, want)
		}
		fields = append(fields, typedField{index: index, param: p})
	}
	if len(byName) > 0 {
		extra := make([]string, 0, len(byName))
		for name := range byName {
			extra = append(extra, name)
		}
		return nil, fmt.Errorf("spec: kind %s: %v has fields %s that the table does not declare", k.Name, t, strings.Join(extra, ", "))
	}
	return fields, nil
}

// decodeTyped fills *dst (a kind's typed struct) from s, which must be of kind.
func decodeTyped(s Spec, kind string, dst any) error {
	if s.Kind != kind {
		if _, ok := kinds[s.Kind]; !ok {
			return unknownKind(s.Kind)
		}
		return fieldErrorf("kind", "is %s where %s was expected", s.Kind, kind)
	}
	k := kinds[kind]
	v := reflect.ValueOf(dst).Elem()
	for _, f := range k.typed {
		x := s.value(f.param)
		fv := v.FieldByIndex(f.index)
		switch f.param.Type {
		case Float:
			fv.SetFloat(x.Num)
		case Int:
			fv.SetInt(int64(x.Num))
		case Bool:
			fv.SetBool(x.Num != 0)
		case Choice:
			fv.SetString(x.Str)
		}
	}
	return nil
}

// encodeTyped returns the spec of kind with seed and the values of src (a kind's typed struct),
// validated.
func encodeTyped(kind string, seed uint64, src any) (Spec, error) {
	s, err := New(kind, seed)
	if err != nil {
		return Spec{}, err
	}
	v := reflect.ValueOf(src)
	for _, f := range kinds[kind].typed {
		fv := v.FieldByIndex(f.index)
		var x Value
		switch f.param.Type {
		case Float:
			x.Num = fv.Float()
		case Int:
			x.Num = float64(fv.Int())
		case Bool:
			if fv.Bool() {
				x.Num = 1
			}
		case Choice:
			x.Str = fv.String()
		}
		s.Params[f.param.Name] = x
	}
	if err := s.Validate(); err != nil {
		return Spec{}, err
	}
	return s, nil
}

// choices lists a Choice parameter's allowed values from its typed constants, so that the
// table and the constants cannot disagree.
func choices[T ~string](cs ...T) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

// Must returns p, or panics if err is not nil; for tests and fixed defaults, as in
// spec.Must(s.MLP()).Width.
func Must[P any](p P, err error) P {
	if err != nil {
		panic(err)
	}
	return p
}
