// Package dump reads the numbers users hand to Tailscope's estimators:
// NumPy .npy arrays (float32/float64, either byte order, C or Fortran
// order, any shape), text files of numbers separated by commas, spaces or
// newlines (.csv, .txt), and gzip-compressed versions of either. It reads
// from an io.Reader, so the CLI and the browser's "use my data" share it;
// it does no other I/O.
//
// The format is found from the content (gzip and .npy magic numbers), not
// the name; the name only labels errors. Every error names the input and
// the problem. Sizes are capped (Options) so that a lying header or a
// decompression bomb gives an error, not an out-of-memory crash.
package dump

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Default caps.
const (
	DefaultMaxValues = 1 << 27 // 134M values: 1 GiB as float64
	DefaultMaxBytes  = 2 << 30 // 2 GiB of (decompressed) input
)

// Options configure Parse.
type Options struct {
	// MaxValues caps the number of values; 0 means DefaultMaxValues.
	MaxValues int
	// MaxBytes caps the bytes read after decompression; 0 means
	// DefaultMaxBytes.
	MaxBytes int64
}

// Data is a parsed array.
type Data struct {
	// Values in C (row-major) order: Fortran-order .npy data are
	// transposed, so the last axis always varies fastest.
	Values []float64
	// Shape of the array: the .npy shape; [rows, columns] for text of two
	// or more lines that all hold the same number (> 1) of values; else
	// [len(Values)].
	Shape []int
	// Format is "npy" or "text"; Gzip says whether it was compressed.
	Format string
	Gzip   bool
}

// Error is a parse error: the input's name and the problem.
type Error struct {
	Name    string
	Problem string
}

func (e *Error) Error() string { return e.Name + ": " + e.Problem }

// ErrTooBig is wrapped by errors about the caps.
var ErrTooBig = errors.New("too big")

// Parse reads one array from r. name labels errors ("-" for stdin).
func Parse(name string, r io.Reader, opt Options) (Data, error) {
	if opt.MaxValues <= 0 {
		opt.MaxValues = DefaultMaxValues
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	fail := func(format string, args ...any) (Data, error) {
		return Data{}, &Error{Name: name, Problem: fmt.Sprintf(format, args...)}
	}
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(6)
	var d Data
	var src io.Reader = br
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gunzip(br)
		if err != nil {
			return fail("bad gzip header: %v", err)
		}
		d.Gzip = true
		br = bufio.NewReaderSize(gzipErrs{zr}, 1<<16)
		src = br
		head, _ = br.Peek(6)
	}
	lim := &limitReader{r: src, left: opt.MaxBytes}
	var err error
	if bytes.Equal(head, npyMagic) {
		d.Format = "npy"
		d.Values, d.Shape, err = readNPY(bufio.NewReaderSize(lim, 1<<16), opt.MaxValues)
	} else {
		d.Format = "text"
		d.Values, d.Shape, err = readText(bufio.NewReaderSize(lim, 1<<16), opt.MaxValues)
	}
	if lim.over {
		return fail("more than %d bytes%s: %v", opt.MaxBytes, map[bool]string{true: " after decompression", false: ""}[d.Gzip], ErrTooBig)
	}
	if err != nil {
		var ge *gzipError
		if errors.As(err, &ge) {
			return fail("%v", ge)
		}
		return fail("%s", err.Error())
	}
	return d, nil
}

// limitReader reads at most left bytes and records an attempt to read more.
type limitReader struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// Probe one byte: at the cap exactly is fine, beyond is not.
		var b [1]byte
		n, err := l.r.Read(b[:])
		if n > 0 {
			l.over = true
			return 0, fmt.Errorf("input exceeds the size cap: %w", ErrTooBig)
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// gzipErrs marks read errors of the decompressor, which the parsers would
// otherwise report as truncation or bad text.
type gzipErrs struct{ r io.Reader }

type gzipError struct{ err error }

func (e *gzipError) Error() string { return "corrupt or truncated gzip stream: " + e.err.Error() }

func (g gzipErrs) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = &gzipError{err}
	}
	return n, err
}
