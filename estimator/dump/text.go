package dump

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// maxField caps the length of one number in text input.
const maxField = 64

// readText reads numbers separated by commas, spaces, tabs or newlines.
// Empty fields (two commas in a row, a comma at the start of a line) are
// errors; a comma at the end of a line is allowed. A field that is not a
// number is an error naming its line; on line 1 the message says that
// header lines are not supported; semicolons and binary data get their own
// messages. NaN and ±Inf are read as such (the
// estimators reject them with their count and first index).
func readText(r *bufio.Reader, maxValues int) ([]float64, []int, error) {
	var vals []float64
	line := 1
	var field []byte
	fieldsOnLine := 0
	cols := -1        // fields per line, while all lines agree
	lines := 0        // non-empty lines
	rect := true      // all non-empty lines hold the same number of fields
	lastComma := true // at line start a comma would be an empty field
	flush := func() error {
		if len(field) == 0 {
			return nil
		}
		v, err := strconv.ParseFloat(string(field), 64)
		if err != nil {
			var ne *strconv.NumError
			if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
				return fmt.Errorf("line %d: %q is out of the float64 range", line, field)
			}
			if isBinary(field) {
				return fmt.Errorf("line %d: binary data: not a .npy array, gzip or text of numbers", line)
			}
			if bytes.IndexByte(field, ';') >= 0 {
				return fmt.Errorf("line %d: %q: separate numbers with commas, spaces or newlines, not semicolons", line, field)
			}
			if line == 1 && len(vals) == 0 {
				return fmt.Errorf("line 1: %q is not a number (header lines are not supported: remove them)", field)
			}
			return fmt.Errorf("line %d: %q is not a number", line, field)
		}
		if len(vals) >= maxValues {
			return fmt.Errorf("more than %d values: %w", maxValues, ErrTooBig)
		}
		vals = append(vals, v)
		fieldsOnLine++
		field = field[:0]
		lastComma = false
		return nil
	}
	endLine := func() {
		if fieldsOnLine > 0 {
			lines++
			if cols == -1 {
				cols = fieldsOnLine
			} else if cols != fieldsOnLine {
				rect = false
			}
		}
		fieldsOnLine = 0
		line++
		lastComma = true
	}
	for {
		c, err := r.ReadByte()
		if err != nil {
			if err == io.EOF {
				break
			}
			return nil, nil, err
		}
		switch c {
		case ',':
			if len(field) == 0 && lastComma {
				return nil, nil, fmt.Errorf("line %d: empty field", line)
			}
			if err := flush(); err != nil {
				return nil, nil, err
			}
			lastComma = true
		case ' ', '\t', '\r':
			if err := flush(); err != nil {
				return nil, nil, err
			}
		case '\n':
			if err := flush(); err != nil {
				return nil, nil, err
			}
			endLine()
		default:
			if len(field) >= maxField {
				return nil, nil, fmt.Errorf("line %d: a field longer than %d bytes", line, maxField)
			}
			field = append(field, c)
		}
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	endLine()
	if len(vals) == 0 {
		return nil, nil, errors.New("no numbers")
	}
	shape := []int{len(vals)}
	if rect && cols > 1 && lines > 1 {
		shape = []int{len(vals) / cols, cols}
	}
	return vals, shape, nil
}

// isBinary reports whether a field that is not a number looks like binary
// data rather than text: control bytes or invalid UTF-8.
func isBinary(field []byte) bool {
	for _, c := range field {
		if c < 0x20 || c == 0x7f {
			return true
		}
	}
	return !utf8.Valid(field)
}
