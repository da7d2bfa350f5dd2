package qrcode

import (
	"image"
	"image/color"
	"regexp"
	"strconv"
	"strings"
	"testing"

	qr "github.com/piglig/go-qr"
)

// raster draws the modules m with the quiet zone at scale pixels a module, as a camera would see
// the code (dark on light).
func raster(m [][]bool, scale int) *image.Gray {
	side := (len(m) + 2*Quiet) * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y, row := range m {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := range scale {
				for dx := range scale {
					img.SetGray((x+Quiet)*scale+dx, (y+Quiet)*scale+dy, color.Gray{})
				}
			}
		}
	}
	return img
}

// pathModules reads the dark modules back from the SVG's path (one "Mx yhNv1h-Nz" per run).
func pathModules(t *testing.T, svg string, n int) [][]bool {
	t.Helper()
	m := make([][]bool, n)
	for i := range m {
		m[i] = make([]bool, n)
	}
	re := regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
	for _, g := range re.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(g[1])
		y, _ := strconv.Atoi(g[2])
		w, _ := strconv.Atoi(g[3])
		for i := range w {
			m[y-Quiet][x-Quiet+i] = true
		}
	}
	return m
}

func TestSVGDecodesToTheLink(t *testing.T) {
	tests := []struct {
		name, text string
		side       int // modules a side: 17 + 4·version
	}{
		{"short", "https://tailscope.example/s/abc123", 29},
		{"estimator link", "http://127.0.0.1:8080/#estimator?kind=stable&seed=1&alpha=1.5&n=2000", 37},
		{"long network link", "https://tailscope.example/#network?kind=mlp&seed=7&dataset=synthetic&loss=ce&width=512&depth=3&batch=50&iters=2000&lr=0.1&eval=100&data=10000&test=2000", 49},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Matrix(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if len(m) != tt.side {
				t.Errorf("%d modules a side; want %d", len(m), tt.side)
			}
			svg, err := SVG(tt.text, "QR code & link")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(svg, `aria-label="QR code &amp; link"`) {
				t.Errorf("label not escaped in %.120s", svg)
			}
			want := strconv.Itoa(tt.side + 2*Quiet)
			if !strings.Contains(svg, `viewBox="0 0 `+want+" "+want+`"`) {
				t.Errorf("view box is not %s units a side: %.160s", want, svg)
			}
			got, err := qr.Decode(raster(pathModules(t, svg, len(m)), 4))
			if err != nil {
				t.Fatalf("decoding the SVG's modules: %v", err)
			}
			if got != tt.text {
				t.Errorf("decoded %q; want %q", got, tt.text)
			}
		})
	}
}

func TestTooLong(t *testing.T) {
	if _, err := SVG(strings.Repeat("x", 4000), "x"); err == nil {
		t.Error("SVG of 4000 bytes: no error; a QR code holds at most 2331 bytes at level Medium")
	}
}
