// Package qrcode draws a link as a QR code in SVG, so that a class can open a share link from
// the projector with their phones.
//
// The code comes from rsc.io/qr/coding, the encoder of Russ Cox's rsc.io/qr without its PNG
// writer. The three QR libraries first tried (github.com/piglig/go-qr, skip2/go-qrcode,
// yeqown/go-qrcode) each pull image/png and its compressors into main.wasm, 110–240 kB
// gzipped, which took the page past its 2 MB budget; coding needs only fmt, strconv and
// strings. The tests read every code back with piglig/go-qr's decoder, an independent
// implementation. The SVG is drawn here as one path of unit squares, small and crisp at any size.
package qrcode

import (
	"fmt"
	"html"
	"strings"

	"rsc.io/qr/coding"
)

// Quiet is the width of the light margin around the code, in modules (the standard's minimum).
const Quiet = 4

// Matrix returns the modules of the QR code of text at error-correction level M (15% of the
// code may be lost), in the smallest version that holds it: m[y][x] is true for a dark module.
// A text too long for a QR code is an error.
func Matrix(text string) ([][]bool, error) {
	enc := coding.String(text)
	v := coding.Version(coding.MinVersion)
	for ; v <= coding.MaxVersion && enc.Bits(v) > v.DataBytes(coding.M)*8; v++ {
	}
	if v > coding.MaxVersion {
		return nil, fmt.Errorf("qrcode: %d bytes are more than a QR code holds", len(text))
	}
	plan, err := coding.NewPlan(v, coding.M, 0)
	if err != nil {
		return nil, fmt.Errorf("qrcode: planning version %d: %w", v, err)
	}
	code, err := plan.Encode(enc)
	if err != nil {
		return nil, fmt.Errorf("qrcode: encoding %d bytes: %w", len(text), err)
	}
	m := make([][]bool, code.Size)
	for y := range m {
		m[y] = make([]bool, code.Size)
		for x := range m[y] {
			m[y][x] = code.Black(x, y)
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
