//go:build !js && !wasip1

package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/tailscope/tailscope/sim/cpuinfo"
	"github.com/tailscope/tailscope/sim/nn"
)

// curvePoint is one step shape of the scaling curve with the median step time of each side.
type curvePoint struct {
	width, batch int
	ms           []float64 // per series, milliseconds per step
}

// curve widths (at batch 100) and batches (at width 128) of the scaling curve, 784-w-w-10.
var (
	curveWidths  = []int{16, 32, 64, 128, 256, 512, 1024}
	curveBatches = []int{1, 10, 100, 1000}
)

// runCurve measures the native step time of 784-w-w-10 against width (batch 100) and batch
// (width 128), Go with each fast kernel and PyTorch on one thread, and with -browser also Go's
// js/wasm step and TF.js's wasm backend in Chromium, alternating as the other benchmarks do, and
// returns a Markdown table; with svgPath it also draws the two curves there.
func runCurve(ctx context.Context, c config, svgPath string) (string, error) {
	if err := ensureTorch(ctx, c); err != nil {
		return "", err
	}
	tp, hello, err := startTorch(ctx, c)
	if err != nil {
		return "", err
	}
	defer tp.close()
	kernels := fastKernels()
	series := append([]string{fmt.Sprintf("PyTorch %v (%v)", hello["torch"], hello["blas"])}, prefixAll("Go ", kernels)...)
	// speeds: the columns "a ×b", as indices into series.
	type speed struct {
		name string
		a, b int
	}
	var speeds []speed
	for i, k := range kernels {
		speeds = append(speeds, speed{"speed ×PyTorch, " + k, i + 1, 0})
	}
	var pg *page
	if c.browser {
		if err := ensureNPM(ctx, c); err != nil {
			return "", err
		}
		if pg, err = openPage(ctx, c); err != nil {
			return "", err
		}
		defer pg.close()
		n := len(series)
		series = append(series, "Chromium Go wasm "+pg.impls[0], "Chromium TF.js 4.22 wasm (SIMD)")
		speeds = append(speeds, speed{"Go wasm ×TF.js wasm", n, n + 1})
	}
	measure := func(width, batch int) (curvePoint, error) {
		sizes := []int{784, width, width, 10}
		step := nn.NewBenchStep(sizes, batch, nn.CrossEntropy, 1)
		goSteps(step, 0.1)
		fmt.Fprintf(os.Stderr, "peerbench: curve %s b=%d\n", dashed(sizes), batch)
		fs := []func() (float64, error){func() (float64, error) {
			return tp.rate(fmt.Sprintf("step %s %d %g", dashed(sizes), batch, c.seconds))
		}}
		for _, k := range kernels {
			fs = append(fs, withKernel(k, func() (float64, error) { return goSteps(step, c.seconds), nil }))
		}
		if pg != nil {
			js := fmt.Sprintf("[%s], %d", strings.Join(strings.Split(dashed(sizes), "-"), ","), batch)
			goStep := pg.rate(fmt.Sprintf("peer.go('step', %g, %q, %s)", c.seconds, pg.impls[0], js))
			tfStep := pg.rate(fmt.Sprintf("peer.tfStep('wasm', %g, %s)", c.seconds, js))
			if _, err := pg.rate(fmt.Sprintf("peer.go('step', 0.1, %q, %s)", pg.impls[0], js))(); err != nil {
				return curvePoint{}, err
			}
			fs = append(fs, goStep, tfStep)
		}
		rates, err := roundRobin(c, fs...)
		if err != nil {
			return curvePoint{}, err
		}
		p := curvePoint{width: width, batch: batch}
		for _, r := range rates {
			p.ms = append(p.ms, 1e3/median(r))
		}
		return p, nil
	}
	var byWidth, byBatch []curvePoint
	for _, w := range curveWidths {
		p, err := measure(w, 100)
		if err != nil {
			return "", err
		}
		byWidth = append(byWidth, p)
	}
	for _, b := range curveBatches {
		p, err := measure(128, b)
		if err != nil {
			return "", err
		}
		byBatch = append(byBatch, p)
	}
	var out strings.Builder
	fmt.Fprintf(&out, "Step time of MLP 784-w-w-10 (depth 3), 1 thread (native, and in Chromium with -browser), ms per step (median of %d rounds × %.1f s); %s, %s.\n\n",
		c.rounds, c.seconds, cpuinfo.Describe(), strings.Join(series, ", "))
	table := func(title string, pts []curvePoint, x func(curvePoint) int) {
		var speedNames []string
		for _, sp := range speeds {
			speedNames = append(speedNames, sp.name)
		}
		fmt.Fprintf(&out, "| %s | %s | %s |\n|---:|%s\n", title, strings.Join(series, " | "), strings.Join(speedNames, " | "),
			strings.Repeat("---:|", len(series)+len(speeds)))
		for _, p := range pts {
			var cells []string
			for _, v := range p.ms {
				cells = append(cells, fmt.Sprintf("%.3g", v))
			}
			for _, sp := range speeds {
				cells = append(cells, fmt.Sprintf("%.2f×", p.ms[sp.b]/p.ms[sp.a]))
			}
			fmt.Fprintf(&out, "| %d | %s |\n", x(p), strings.Join(cells, " | "))
		}
		out.WriteString("\n")
	}
	table("width (b = 100)", byWidth, func(p curvePoint) int { return p.width })
	table("batch (width 128)", byBatch, func(p curvePoint) int { return p.batch })
	if svgPath != "" {
		svg := drawCurves(series, []panel{
			{"width w (batch 100)", byWidth, func(p curvePoint) int { return p.width }},
			{"batch b (width 128)", byBatch, func(p curvePoint) int { return p.batch }},
		}, cpuinfo.Describe())
		if err := os.WriteFile(svgPath, []byte(svg), 0o644); err != nil {
			return "", err
		}
	}
	return out.String(), nil
}

func prefixAll(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}

// panel is one log-log plot of the chart.
type panel struct {
	xlabel string
	pts    []curvePoint
	x      func(curvePoint) int
}

// drawCurves returns an SVG of the panels side by side: step time (log) against x (log), one
// line per series.
func drawCurves(series []string, panels []panel, cpu string) string {
	const pw, ph, ml, mt, mb, gap = 360.0, 260.0, 60.0, 40.0, 50.0, 40.0
	width := ml + float64(len(panels))*(pw+gap+ml) - ml
	height := mt + ph + mb + 20*float64(len(series))
	colors := []string{"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="18" font-size="14">MLP 784-w-w-10 step time, native, 1 thread (%s)</text>`+"\n", ml, escape(cpu))
	for pi, p := range panels {
		x0 := ml + float64(pi)*(pw+gap+ml)
		var ys []float64
		for _, pt := range p.pts {
			ys = append(ys, pt.ms...)
		}
		lo, hi := math.Floor(math.Log10(slices.Min(ys))), math.Ceil(math.Log10(slices.Max(ys)))
		xlo, xhi := math.Log10(float64(p.x(p.pts[0]))), math.Log10(float64(p.x(p.pts[len(p.pts)-1])))
		px := func(v int) float64 { return x0 + (math.Log10(float64(v))-xlo)/(xhi-xlo)*pw }
		py := func(v float64) float64 { return mt + ph - (math.Log10(v)-lo)/(hi-lo)*ph }
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#888"/>`+"\n", x0, mt, pw, ph)
		for e := lo; e <= hi; e++ {
			y := py(math.Pow(10, e))
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.1f" y="%.1f" text-anchor="end">%g ms</text>`+"\n",
				x0, y, x0+pw, y, x0-4, y+4, math.Pow(10, e))
		}
		for _, pt := range p.pts {
			x := px(p.x(pt))
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/><text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`+"\n",
				x, mt, x, mt+ph, x, mt+ph+16, p.x(pt))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", x0+pw/2, mt+ph+34, escape(p.xlabel))
		for si := range series {
			var pts []string
			for _, pt := range p.pts {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(p.x(pt)), py(pt.ms[si])))
			}
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", colors[si%len(colors)], strings.Join(pts, " "))
		}
	}
	for si, s := range series {
		y := mt + ph + mb + 20*float64(si) + 6
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="3"/><text x="%.1f" y="%.1f">%s</text>`+"\n",
			ml, y, ml+30, y, colors[si%len(colors)], ml+36, y+4, escape(s))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
