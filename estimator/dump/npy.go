package dump

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

var npyMagic = []byte("\x93NUMPY")

// maxHeader caps the .npy header (NumPy writes a few hundred bytes).
const maxHeader = 1 << 20

// readNPY reads a .npy file (format versions 1, 2 and 3).
func readNPY(r *bufio.Reader, maxValues int) ([]float64, []int, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, nil, fmt.Errorf("npy: truncated preamble")
	}
	major := pre[6]
	var hlen int
	switch major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, nil, fmt.Errorf("npy: truncated header length")
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, nil, fmt.Errorf("npy: truncated header length")
		}
		h := binary.LittleEndian.Uint32(b[:])
		if h > maxHeader {
			return nil, nil, fmt.Errorf("npy: header of %d bytes, more than %d: %w", h, maxHeader, ErrTooBig)
		}
		hlen = int(h)
	default:
		return nil, nil, fmt.Errorf("npy: unsupported format version %d.%d (want 1, 2 or 3)", major, pre[7])
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, nil, fmt.Errorf("npy: truncated header (want %d bytes)", hlen)
	}
	h, err := parseHeader(string(hb))
	if err != nil {
		return nil, nil, fmt.Errorf("npy: header %q: %v", strings.TrimSpace(string(hb)), err)
	}
	var size int
	var order binary.ByteOrder
	switch h.descr {
	case "<f8", "=f8":
		size, order = 8, binary.LittleEndian
	case ">f8":
		size, order = 8, binary.BigEndian
	case "<f4", "=f4":
		size, order = 4, binary.LittleEndian
	case ">f4":
		size, order = 4, binary.BigEndian
	default:
		return nil, nil, fmt.Errorf("npy: unsupported dtype %q (want float32 or float64: <f4, >f4, <f8, >f8)", h.descr)
	}
	n := 1
	for _, d := range h.shape {
		if d != 0 && n > maxValues/d {
			return nil, nil, fmt.Errorf("npy: shape %v holds more than %d values: %w", h.shape, maxValues, ErrTooBig)
		}
		n *= d
	}
	if n > maxValues {
		return nil, nil, fmt.Errorf("npy: shape %v holds %d values, more than %d: %w", h.shape, n, maxValues, ErrTooBig)
	}
	// Read in chunks, so that a header claiming more data than the file
	// holds costs no more memory than the data that is there.
	vals := make([]float64, 0, min(n, 1<<16))
	buf := make([]byte, 1<<16-(1<<16)%size)
	for len(vals) < n {
		want := min((n-len(vals))*size, len(buf))
		got, err := io.ReadFull(r, buf[:want])
		for i := 0; i+size <= got; i += size {
			if size == 8 {
				vals = append(vals, math.Float64frombits(order.Uint64(buf[i:])))
			} else {
				vals = append(vals, float64(math.Float32frombits(order.Uint32(buf[i:]))))
			}
		}
		if err != nil {
			var ge *gzipError
			if errors.Is(err, ErrTooBig) || errors.As(err, &ge) {
				return nil, nil, err
			}
			return nil, nil, fmt.Errorf("npy: truncated data: shape %v needs %d bytes, got %d", h.shape, n*size, len(vals)*size+got%size)
		}
	}
	if extra, _ := io.Copy(io.Discard, io.LimitReader(r, 1<<20)); extra > 0 {
		return nil, nil, fmt.Errorf("npy: %d bytes after the data (shape %v): not one .npy array", extra, h.shape)
	}
	if h.fortran && len(h.shape) > 1 {
		vals = fortranToC(vals, h.shape)
	}
	shape := h.shape
	if len(shape) == 0 {
		shape = []int{1}
	}
	return vals, shape, nil
}

// fortranToC reorders column-major values into row-major order.
func fortranToC(v []float64, shape []int) []float64 {
	out := make([]float64, len(v))
	k := len(shape)
	idx := make([]int, k)
	// C strides.
	stride := make([]int, k)
	s := 1
	for i := k - 1; i >= 0; i-- {
		stride[i] = s
		s *= shape[i]
	}
	for f := range v {
		c := 0
		for i := range idx {
			c += idx[i] * stride[i]
		}
		out[c] = v[f]
		// Advance the Fortran index: the first axis varies fastest.
		for i := 0; i < k; i++ {
			idx[i]++
			if idx[i] < shape[i] {
				break
			}
			idx[i] = 0
		}
	}
	return out
}

type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseHeader parses the Python dict literal of a .npy header, e.g.
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }.
func parseHeader(s string) (npyHeader, error) {
	var h npyHeader
	p := &pyParser{s: s}
	if !p.eat('{') {
		return h, errors.New("not a dict")
	}
	seen := map[string]bool{}
	for {
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if !p.eat(':') {
			return h, fmt.Errorf("missing ':' after %q", key)
		}
		switch key {
		case "descr":
			if h.descr, err = p.str(); err != nil {
				return h, fmt.Errorf("descr: %v", err)
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
			default:
				return h, errors.New("fortran_order is neither True nor False")
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, fmt.Errorf("shape: %v", err)
			}
		default:
			return h, fmt.Errorf("unknown key %q", key)
		}
		seen[key] = true
		if !p.eat(',') {
			if !p.eat('}') {
				return h, errors.New("missing ',' or '}'")
			}
			break
		}
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("no %q key", k)
		}
	}
	return h, nil
}

type pyParser struct {
	s string
	i int
}

func (p *pyParser) skip() {
	for p.i < len(p.s) && strings.IndexByte(" \t\n\r", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyParser) eat(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *pyParser) word(w string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *pyParser) str() (string, error) {
	p.skip()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", errors.New("expected a quoted string")
	}
	q := p.s[p.i]
	j := strings.IndexByte(p.s[p.i+1:], q)
	if j < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+j]
	p.i += j + 2
	return v, nil
}

func (p *pyParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("expected '('")
	}
	shape := []int{}
	for {
		if p.eat(')') {
			return shape, nil
		}
		p.skip()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i {
			return nil, errors.New("expected a dimension")
		}
		d, err := strconv.Atoi(p.s[p.i:j])
		if err != nil || d > 1<<40 {
			return nil, fmt.Errorf("dimension %q out of range", p.s[p.i:j])
		}
		shape = append(shape, d)
		p.i = j
		if len(shape) > 32 {
			return nil, errors.New("more than 32 dimensions")
		}
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, errors.New("expected ',' or ')'")
			}
			return shape, nil
		}
	}
}

// WriteNPY writes values as a float64 little-endian, C-order .npy array
// (format 1.0) of the given shape (nil means one axis).
func WriteNPY(w io.Writer, values []float64, shape []int) error {
	if shape == nil {
		shape = []int{len(values)}
	}
	n := 1
	dims := make([]string, len(shape))
	for i, d := range shape {
		n *= d
		dims[i] = strconv.Itoa(d)
	}
	if n != len(values) {
		return fmt.Errorf("dump: shape %v holds %d values, have %d", shape, n, len(values))
	}
	t := strings.Join(dims, ", ")
	if len(shape) == 1 {
		t += ","
	}
	hdr := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", t)
	// Pad with spaces and a newline so that the data start at a multiple of 64.
	total := 10 + len(hdr) + 1
	hdr += strings.Repeat(" ", (64-total%64)%64) + "\n"
	if len(hdr) > 65535 {
		return errors.New("dump: header too long")
	}
	bw := bufio.NewWriter(w)
	bw.Write(npyMagic)
	bw.Write([]byte{1, 0})
	binary.Write(bw, binary.LittleEndian, uint16(len(hdr)))
	bw.WriteString(hdr)
	var b [8]byte
	for _, v := range values {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		bw.Write(b[:])
	}
	return bw.Flush()
}
