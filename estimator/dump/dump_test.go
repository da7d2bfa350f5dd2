package dump

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// npy builds a .npy file by hand, independently of WriteNPY.
func npy(descr string, fortran bool, shape string, data []byte) []byte {
	f := "False"
	if fortran {
		f = "True"
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, f, shape)
	h += strings.Repeat(" ", (64-(10+len(h)+1)%64)%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	b.WriteString(h)
	b.Write(data)
	return b.Bytes()
}

func f64(order binary.ByteOrder, v ...float64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		order.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return b
}

func f32(order binary.ByteOrder, v ...float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		order.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func TestParse(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	for _, c := range []struct {
		name   string
		in     []byte
		values []float64
		shape  []int
		format string
	}{
		{"f8 LE 1-D", npy("<f8", false, "(3,)", f64(le, 1, -2.5, 1e-300)), []float64{1, -2.5, 1e-300}, []int{3}, "npy"},
		{"f8 BE", npy(">f8", false, "(2,)", f64(be, 3, 4)), []float64{3, 4}, []int{2}, "npy"},
		{"f4 LE 2-D", npy("<f4", false, "(2, 2)", f32(le, 1, 2, 3, 0.5)), []float64{1, 2, 3, 0.5}, []int{2, 2}, "npy"},
		{"f4 BE", npy(">f4", false, "(1,)", f32(be, -7)), []float64{-7}, []int{1}, "npy"},
		// Fortran order: the array [[1,2,3],[4,5,6]] stored column by column.
		{"Fortran", npy("<f8", true, "(2, 3)", f64(le, 1, 4, 2, 5, 3, 6)), []float64{1, 2, 3, 4, 5, 6}, []int{2, 3}, "npy"},
		{"Fortran 3-D", npy("<f8", true, "(2, 1, 2)", f64(le, 1, 3, 2, 4)), []float64{1, 2, 3, 4}, []int{2, 1, 2}, "npy"},
		{"scalar", npy("<f8", false, "()", f64(le, 9)), []float64{9}, []int{1}, "npy"},
		{"gzip npy", gz(npy("<f8", false, "(2,)", f64(le, 5, 6))), []float64{5, 6}, []int{2}, "npy"},
		{"csv", []byte("1,2,3\n4,5,6\n"), []float64{1, 2, 3, 4, 5, 6}, []int{2, 3}, "text"},
		{"csv CRLF trailing comma", []byte("1, 2,\r\n3, 4,\r\n"), []float64{1, 2, 3, 4}, []int{2, 2}, "text"},
		{"txt ragged", []byte("1 2\n3\n\n  4e-3\t-5\n"), []float64{1, 2, 3, 4e-3, -5}, []int{5}, "text"},
		{"one column", []byte("1\n2\n3"), []float64{1, 2, 3}, []int{3}, "text"},
		{"nan inf", []byte("NaN, 1, -Inf"), []float64{math.NaN(), 1, math.Inf(-1)}, []int{3}, "text"},
		{"gzip text", gz([]byte("0.5 0.25")), []float64{0.5, 0.25}, []int{2}, "text"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse(c.name, bytes.NewReader(c.in), Options{})
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				return
			}
			if !slices.EqualFunc(d.Values, c.values, func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) ||
				!slices.Equal(d.Shape, c.shape) || d.Format != c.format {
				t.Errorf("%s: got %v shape %v format %s, want %v %v %s", c.name, d.Values, d.Shape, d.Format, c.values, c.shape, c.format)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	le := binary.LittleEndian
	good := npy("<f8", false, "(4,)", f64(le, 1, 2, 3, 4))
	for _, c := range []struct {
		name string
		in   []byte
		opt  Options
		want string
	}{
		{"header line", []byte("alpha,beta\n1,2\n"), Options{}, `line 1: "alpha" is not a number (header lines are not supported`},
		{"bad number", []byte("1,2\n3,x4\n"), Options{}, `line 2: "x4" is not a number`},
		{"empty field", []byte("1,,2\n"), Options{}, "line 1: empty field"},
		{"empty", nil, Options{}, "no numbers"},
		{"range", []byte("1e999"), Options{}, "out of the float64 range"},
		{"truncated npy", good[:len(good)-5], Options{}, "truncated data: shape [4] needs 32 bytes"},
		{"extra bytes", append(slices.Clone(good), 0, 0), Options{}, "2 bytes after the data"},
		{"int dtype", npy("<i8", false, "(1,)", make([]byte, 8)), Options{}, `unsupported dtype "<i8"`},
		{"bad header", npy("<f8", false, "(2,", f64(le, 1, 2)), Options{}, "npy: header"},
		{"version", append([]byte("\x93NUMPY\x09\x00"), 0, 0), Options{}, "unsupported format version 9.0"},
		{"lying shape", npy("<f8", false, "(1000000000000,)", f64(le, 1)), Options{}, "too big"},
		{"values cap", []byte("1 2 3 4 5"), Options{MaxValues: 3}, "more than 3 values"},
		{"bytes cap", []byte("1 2 3 4 5 6 7 8"), Options{MaxBytes: 6}, "more than 6 bytes"},
		{"gzip bomb", gz(bytes.Repeat([]byte("1 "), 1<<19)), Options{MaxBytes: 1000}, "more than 1000 bytes after decompression"},
		{"truncated gzip", gz([]byte("1 2 3 4 5 6 7 8 9 10 11 12"))[:20], Options{}, "corrupt or truncated gzip stream"},
		{"binary junk", []byte{0, 1, 2, 3}, Options{}, "binary data: not a .npy array, gzip or text of numbers"},
		{"binary after numbers", []byte("1 2 3\n\x00\x9c\xff"), Options{}, `line 2: binary data`},
		{"semicolons", []byte("1;2;3\n4;5;6\n"), Options{}, `line 1: "1;2;3": separate numbers with commas, spaces or newlines, not semicolons`},
		{"semicolon later", []byte("1.5 2.5\n3.5 4;5\n"), Options{}, `line 2: "4;5": separate numbers with commas`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.dat", bytes.NewReader(c.in), c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "f.dat: ") {
				t.Errorf("%s: error %v, want one starting with the file name and containing %q", c.name, err, c.want)
			}
		})
	}
	_, err := Parse("x", bytes.NewReader([]byte("1 2 3")), Options{MaxValues: 2})
	if !errors.Is(err, ErrTooBig) && !strings.Contains(err.Error(), "too big") {
		t.Errorf("cap error %v does not wrap ErrTooBig", err)
	}
}

func TestWriteNPYRoundTrip(t *testing.T) {
	v := []float64{1, -2, math.Pi, 1e-310, math.MaxFloat64, 0, 7}
	for _, shape := range [][]int{nil, {7}, {7, 1}, {1, 7}} {
		t.Run(fmt.Sprint(shape), func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteNPY(&b, v, shape); err != nil {
				t.Fatal(err)
			}
			if (b.Len()-len(v)*8)%64 != 0 {
				t.Errorf("shape %v: header not padded to 64 bytes", shape)
			}
			d, err := Parse("rt", &b, Options{})
			want := shape
			if want == nil {
				want = []int{7}
			}
			if err != nil || !slices.Equal(d.Values, v) || !slices.Equal(d.Shape, want) {
				t.Errorf("shape %v: round trip %v %v (err %v)", shape, d.Values, d.Shape, err)
			}
		})
	}
	if err := WriteNPY(&bytes.Buffer{}, v, []int{2, 3}); err == nil {
		t.Errorf("WriteNPY with a wrong shape: no error")
	}
}

func FuzzParse(f *testing.F) {
	le := binary.LittleEndian
	f.Add(npy("<f8", false, "(3,)", f64(le, 1, 2, 3)))
	f.Add(npy(">f4", true, "(2, 2)", f32(binary.BigEndian, 1, 2, 3, 4)))
	f.Add(npy("<f8", false, "()", f64(le, 1)))
	f.Add(gz(npy("<f4", false, "(1,)", f32(le, 1))))
	f.Add([]byte("1,2,3\n4,5,6\n"))
	f.Add([]byte("1 2\n3\n"))
	f.Add([]byte("a,b\n1,2"))
	f.Add(gz([]byte("0.5 NaN -Inf")))
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := Parse("fuzz", bytes.NewReader(in), Options{MaxValues: 1 << 16, MaxBytes: 1 << 20})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz: ") {
				t.Fatalf("error %q does not name the input", err)
			}
			return
		}
		n := 1
		for _, s := range d.Shape {
			n *= s
		}
		if n != len(d.Values) || len(d.Values) == 0 && d.Format == "text" {
			t.Fatalf("shape %v does not match %d values", d.Shape, len(d.Values))
		}
	})
}
