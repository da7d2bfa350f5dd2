package spec

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Type is the type of a parameter's value.
type Type uint8

const (
	Float  Type = iota // a real number
	Int                // an integer, stored exactly in a float64 (|v| < 2^53)
	Choice             // one of a fixed list of strings
	Bool               // true or false, written as 1/0 in URLs and true/false in JSON
)

func (t Type) String() string {
	switch t {
	case Float:
		return "float"
	case Int:
		return "int"
	case Choice:
		return "choice"
	case Bool:
		return "bool"
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Param declares one parameter of an experiment kind.
type Param struct {
	Name string // key in JSON and URLs: lower camel case, e.g. "evalEvery"
	Type Type

	// Default is the default of a Float, Int or Bool (0 or 1) parameter;
	// DefaultChoice that of a Choice parameter.
	Default       float64
	DefaultChoice string

	// Min and Max bound Float and Int values; they are inclusive unless
	// MinOpen or MaxOpen is set (α ∈ (0, 2] has MinOpen).
	Min, Max         float64
	MinOpen, MaxOpen bool

	Choices []string // the allowed values of a Choice parameter

	// Presentation, used by the UI and by help texts.
	Label string  // short label, e.g. "tail index α"
	Unit  string  // e.g. "steps", "" when dimensionless
	Help  string  // one sentence
	Step  float64 // slider step; 0: derived from the type
	Log   bool    // the slider moves on a log scale
}

// Value is a parameter's value: Num for Float, Int and Bool (0 or 1), Str for Choice.
type Value struct {
	Num float64
	Str string
}

// FieldError reports an invalid spec field. Field is "kind", "seed" or a parameter name.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldErrorf(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// defaultValue returns p's default.
func (p *Param) defaultValue() Value {
	if p.Type == Choice {
		return Value{Str: p.DefaultChoice}
	}
	return Value{Num: p.Default}
}

// check reports whether v is an allowed value of p.
func (p *Param) check(v Value) *FieldError {
	switch p.Type {
	case Choice:
		if !slices.Contains(p.Choices, v.Str) {
			return fieldErrorf(p.Name, "must be one of %q, got %q", p.Choices, v.Str)
		}
		return nil
	case Bool:
		if v.Num != 0 && v.Num != 1 {
			return fieldErrorf(p.Name, "must be true or false (1 or 0), got %v", v.Num)
		}
		return nil
	}
	x := v.Num
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fieldErrorf(p.Name, "must be a finite number, got %v", x)
	}
	if p.Type == Int && x != math.Trunc(x) {
		return fieldErrorf(p.Name, "must be an integer, got %v", x)
	}
	lowOK := x > p.Min || (!p.MinOpen && x == p.Min)
	highOK := x < p.Max || (!p.MaxOpen && x == p.Max)
	if !lowOK || !highOK {
		return fieldErrorf(p.Name, "must be in %s, got %s", p.Range(), formatNum(x))
	}
	return nil
}

// Range describes p's allowed interval, e.g. "(0, 2]" or "[1, 10000] steps".
func (p *Param) Range() string {
	lo, hi := "[", "]"
	if p.MinOpen {
		lo = "("
	}
	if p.MaxOpen {
		hi = ")"
	}
	s := lo + formatNum(p.Min) + ", " + formatNum(p.Max) + hi
	if p.Unit != "" {
		s += " " + p.Unit
	}
	return s
}

// parse reads a value of p from its text form (as in a URL query).
func (p *Param) parse(text string) (Value, *FieldError) {
	switch p.Type {
	case Choice:
		v := Value{Str: text}
		return v, p.check(v)
	case Bool:
		switch text {
		case "1", "true":
			return Value{Num: 1}, nil
		case "0", "false":
			return Value{Num: 0}, nil
		}
		return Value{}, fieldErrorf(p.Name, "must be true or false (1 or 0), got %q", clip(text))
	}
	x, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return Value{}, fieldErrorf(p.Name, "must be a number, got %q", clip(text))
	}
	v := Value{Num: x}
	return v, p.check(v)
}

// format writes v in p's text form; parse(format(v)) == v.
func (p *Param) format(v Value) string {
	if p.Type == Choice {
		return v.Str
	}
	return formatNum(v.Num)
}

// formatNum writes x in the shortest form that parses back to x, integers below 1e21 in full
// (4194304, not 4.194304e+06), so that messages, help texts and links read naturally.
func formatNum(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e21 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// clip shortens user text quoted in an error message.
func clip(s string) string {
	const max = 40
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
