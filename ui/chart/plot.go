package chart

import "fmt"

// Plot shows a Chart with buttons that download it as SVG and its data as CSV or JSON. Use it as
//
//	<chart:Plot :Chart='c.SurvivalChart()'></chart:Plot>
//
// with "github.com/tailscope/tailscope/ui/chart" imported in the parent .vugu's script block.
// The buttons get the ids Chart.ID+"-svg", "-csv" and "-json" (when Chart.ID is set).
type Plot struct {
	Chart *Chart

	err string // the last export error, shown next to the buttons
}

// SVGText is the chart's SVG ("" without a chart).
func (c *Plot) SVGText() string {
	if c.Chart == nil {
		return ""
	}
	return c.Chart.SVG()
}

// ButtonID is the id of the export button for format ("svg", "csv", "json").
func (c *Plot) ButtonID(format string) string {
	if c.Chart == nil || c.Chart.ID == "" {
		return ""
	}
	return c.Chart.ID + "-" + format
}

// Export downloads the chart in format: "svg", "csv" or "json".
func (c *Plot) Export(format string) {
	c.err = ""
	if c.Chart == nil {
		return
	}
	name, mime, data, err := c.Chart.File(format)
	if err == nil {
		err = Download(name, mime, data)
	}
	if err != nil {
		c.err = err.Error()
	}
}

// File returns the export of c in format ("svg", "csv" or "json"): a file name, its MIME type and
// its content.
func (c *Chart) File(format string) (name, mime string, data []byte, err error) {
	base := c.ID
	if base == "" {
		base = "chart"
	}
	base = "tailscope-" + safeID(base)
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
