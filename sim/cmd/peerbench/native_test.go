//go:build !js && !wasip1

package main

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestParseShapes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // label/batch pairs, or the error's start
	}{
		{"784-128-128-10/100", "MLP 784-128-128-10 (depth 3)/100"},
		{"784-100-100-100-10/10, 784-16-10/1", "MLP 784-100-100-100-10 (depth 4)/10 MLP 784-16-10 (depth 2)/1"},
		{"784-128-10", "error: shape \"784-128-10\": want SIZES/BATCH"},
		{"784-128-10/0", "error: shape \"784-128-10/0\": batch"},
		{"784-x-10/5", "error: shape \"784-x-10/5\": layer width \"x\""},
		{"784/5", "error: shape \"784/5\": \"784\": want at least"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			shapes, err := parseShapes(tc.in)
			var got string
			if err != nil {
				got = "error: " + err.Error()
			} else {
				var parts []string
				for _, s := range shapes {
					parts = append(parts, label(s.sizes)+"/"+itoa(s.batch))
				}
				got = strings.Join(parts, " ")
			}
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("parseShapes(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func itoa(v int) string { return dashed([]int{v}) }

// TestStepFlops: 784-128-128-10 at b = 100: forward and weight gradient of every layer, the
// backward product of the upper two: 2·100·(2·100352 + 3·16384 + 3·1280) = 50.8 MFLOP.
func TestStepFlops(t *testing.T) {
	if got, want := stepFlops([]int{784, 128, 128, 10}, 100), 2.0*100*(2*784*128+3*128*128+3*128*10); got != want {
		t.Errorf("stepFlops = %v, want %v", got, want)
	}
}

// TestDrawCurves: the chart is well-formed SVG with one line per series and panel.
func TestDrawCurves(t *testing.T) {
	pts := []curvePoint{{16, 100, []float64{0.5, 0.1}}, {128, 100, []float64{2, 0.9}}, {1024, 100, []float64{40, 20}}}
	svg := drawCurves([]string{"PyTorch", "Go <avx2>"}, []panel{{"width", pts, func(p curvePoint) int { return p.width }}}, "CPU & co")
	d := xml.NewDecoder(strings.NewReader(svg))
	lines := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v", err)
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
			lines++
		}
	}
	if lines != 2 {
		t.Errorf("%d polylines, want 2", lines)
	}
}

func TestParseAlexNets(t *testing.T) {
	for _, tc := range []struct {
		in, want string // "ch/batch" pairs, or the error's start
	}{
		{"64/100", "64/100"},
		{"64/100, 16/10", "64/100 16/10"},
		{"", ""},
		{"64", "error: alexnet \"64\": want CH/BATCH"},
		{"0/100", "error: alexnet \"0/100\""},
		{"64/x", "error: alexnet \"64/x\""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			nets, err := parseAlexNets(tc.in)
			var got string
			if err != nil {
				got = "error: " + err.Error()
			} else {
				var parts []string
				for _, a := range nets {
					parts = append(parts, itoa(a.ch)+"/"+itoa(a.batch))
				}
				got = strings.Join(parts, " ")
			}
			if !strings.HasPrefix(got, tc.want) || (tc.want == "" && got != "") {
				t.Errorf("parseAlexNets(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
