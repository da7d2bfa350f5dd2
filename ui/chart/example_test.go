package chart_test

import (
	"fmt"
	"strings"

	"github.com/tailscope/tailscope/ui/chart"
)

// A survival plot on log-log axes with a dashed guide line; Plot shows it in a page with its
// export buttons, SVG and CSV give the files.
func ExampleChart() {
	c := &chart.Chart{
		ID:    "tail",
		Title: "Tail of the noise",
		X:     chart.Axis{Label: "threshold t", Log: true},
		Y:     chart.Axis{Label: "P(|X| > t)", Log: true},
		Series: []chart.Series{
			{Name: "data", Kind: chart.Scatter, X: []float64{1, 10, 100}, Y: []float64{0.5, 0.02, 0.0008}},
			{Name: "slope −1.4", Kind: chart.Line, X: []float64{1, 100}, Y: []float64{0.5, 0.5 * 0.00158}, Dash: true, Color: 7},
		},
	}
	svg := c.SVG()
	fmt.Println(strings.HasPrefix(svg, "<svg"), strings.Contains(svg, "10⁻³"))
	fmt.Print(c.CSV())
	// Output:
	// true true
	// series,kind,x,x2,y,y2
	// data,scatter,1,,0.5,
	// data,scatter,10,,0.02,
	// data,scatter,100,,0.0008,
	// slope −1.4,line,1,,0.5,
	// slope −1.4,line,100,,0.00079,
}
