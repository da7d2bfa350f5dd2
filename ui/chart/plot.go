package chart

import (
	"fmt"
	"strconv"

	"github.com/vugu/vugu/js"
)

// Plot shows a Chart with buttons that download it as SVG or PNG and its data as CSV or JSON. Use it as
//
//	<chart:Plot :Chart='c.SurvivalChart()'></chart:Plot>
//
// with "github.com/tailscope/tailscope/ui/chart" imported in the parent .vugu's script block.
// The buttons get the ids Chart.ID+"-svg", "-png", "-csv" and "-json" (when Chart.ID is set).
//
// The SVG is written into the page only when the chart's Fingerprint changes, so a page that
// re-renders often (progress reports, sliders) does not redraw unchanged charts; a chart may be
// changed in place or replaced.
type Plot struct {
	Chart *Chart

	err    string // the last export error, shown next to the buttons
	key    string // fingerprint of svg
	svg    string // the last SVG written
	drawnN int    // how many times the SVG was written (for tests)
}

// SVGText is the chart's SVG ("" without a chart), rebuilt only when the chart changed.
func (c *Plot) SVGText() string {
	if c.Chart == nil {
		return ""
	}
	key := strconv.FormatUint(c.Chart.Fingerprint(), 36)
	if key != c.key {
		c.key, c.svg = key, c.Chart.SVG()
	}
	return c.svg
}

// Populate writes the SVG into the chart's element (vg-js-populate, after each render) when the
// element does not hold it yet.
func (c *Plot) Populate(el js.Value) {
	svg := c.SVGText()
	if el.Get("tailscopeKey").Truthy() && el.Get("tailscopeKey").String() == c.key {
		return
	}
	el.Set("innerHTML", svg)
	el.Set("tailscopeKey", c.key)
	c.drawnN++
}

// ButtonID is the id of the export button for format ("svg", "csv", "json").
func (c *Plot) ButtonID(format string) string {
	if c.Chart == nil || c.Chart.ID == "" {
		return ""
	}
	return c.Chart.ID + "-" + format
}

// ExportLabel is the accessible name of the export button for format ("SVG", …): it names the
// chart, so that the page's many export rows are told apart.
func (c *Plot) ExportLabel(format string) string {
	what := "the chart"
	if c.Chart != nil && c.Chart.Title != "" {
		what = "“" + c.Chart.Title + "”"
	}
	switch format {
	case "SVG", "PNG":
		return "Download " + what + " as a " + format + " image"
	}
	return "Download the data of " + what + " as " + format
}

// Description is the chart's description for its caption ("" without a chart).
func (c *Plot) Description() string {
	if c.Chart == nil {
		return ""
	}
	return c.Chart.Description()
}

// Export downloads the chart in format: "svg", "png", "csv" or "json".
func (c *Plot) Export(format string) {
	c.err = ""
	if c.Chart == nil {
		return
	}
	var err error
	if format == "png" {
		w, h := c.Chart.size()
		name := c.Chart.baseName() + ".png"
		err = DownloadPNG(name, c.Chart.SVG(), int(w), int(h), PNGScale)
	} else {
		var name, mime string
		var data []byte
		name, mime, data, err = c.Chart.File(format)
		if err == nil {
			err = Download(name, mime, data)
		}
	}
	if err != nil {
		c.err = err.Error()
	}
}

// PNGScale is the resolution of PNG exports relative to the chart's view box (sharp on slides).
const PNGScale = 2

// baseName is the export file name without extension.
func (c *Chart) baseName() string {
	base := c.ID
	if base == "" {
		base = "chart"
	}
	return "tailscope-" + safeID(base)
}

// File returns the export of c in format ("svg", "csv" or "json"): a file name, its MIME type and
// its content.
func (c *Chart) File(format string) (name, mime string, data []byte, err error) {
	base := c.baseName()
	switch format {
	case "svg":
		return base + ".svg", "image/svg+xml", []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + c.SVG()), nil
	case "csv":
		return base + ".csv", "text/csv", []byte(c.CSV()), nil
	case "json":
		return base + ".json", "application/json", c.JSON(), nil
	}
	return "", "", nil, fmt.Errorf("chart: unknown export format %q (want svg, csv or json)", format)
}
