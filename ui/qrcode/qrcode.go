// Package qrcode draws a link as a QR code in SVG, so that a class can open a share link from
// the projector with their phones.
//
// The code itself comes from github.com/piglig/go-qr (a maintained port of Nayuki's reference
// QR encoder, with a decoder that the tests use to read the code back); of the QR libraries
// served to this project it adds the least to main.wasm (about 110 kB gzipped, like
// skip2/go-qrcode, against 240 kB for yeqown/go-qrcode), and it is the only one with a decoder.
// The SVG is drawn here as one path of unit squares, which keeps the drawing small and crisp at
// any size.
package qrcode

import (
	"fmt"
	"html"
	"strings"

	qr "github.com/piglig/go-qr"
)

// Quiet is the width of the light margin around the code, in modules (the standard's minimum).
const Quiet = 4

// Matrix returns the modules of the QR code of text at error-correction level Medium (15% of
// the code may be lost): m[y][x] is true for a dark module. A text too long for a QR code is an
// error.
func Matrix(text string) ([][]bool, error) {
	code, err := qr.EncodeText(text, qr.Medium)
	if err != nil {
		return nil, fmt.Errorf("qrcode: encoding %d bytes: %w", len(text), err)
	}
	n := code.Size()
	m := make([][]bool, n)
	for y := range m {
		m[y] = make([]bool, n)
		for x := range m[y] {
			m[y][x] = code.Module(x, y)
		}
	}
	return m, nil
}

// SVG returns the QR code of text as an SVG element with the accessible name label: a
// view box of one unit per module plus the quiet zone, dark modules as one black path on
// white. The element has no size of its own; the page's style gives it one.
func SVG(text, label string) (string, error) {
	m, err := Matrix(text)
	if err != nil {
		return "", err
	}
	side := len(m) + 2*Quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`,
		side, side, html.EscapeString(label))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, side, side)
	for y, row := range m {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			run := 1 // a run of dark modules on a row is one rectangle
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+Quiet, y+Quiet, run, run)
			x += run - 1
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
