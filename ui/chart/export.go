package chart

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// CSV returns the data behind the chart in long form, one row per point, with the header
//
//	series,kind,x,x2,y,y2
//
// x2 is the right edge of a bar or step (empty otherwise), y2 the upper edge of a band. Values keep
// full precision; a value that is not finite is written as NaN, +Inf or -Inf.
func (c *Chart) CSV() string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"series", "kind", "x", "x2", "y", "y2"})
	for _, s := range c.Series {
		for k := range s.Y {
			row := []string{s.Name, s.Kind.String(), at(s.X, k), "", full(s.Y[k]), ""}
			switch s.Kind {
			case Bars, Step:
				row[3] = at(s.X, k+1)
			case Band:
				row[5] = at(s.Y2, k)
			}
			w.Write(row)
		}
	}
	w.Flush()
	return b.String()
}

func at(xs []float64, k int) string {
	if k < len(xs) {
		return full(xs[k])
	}
	return ""
}

func full(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// JSONData is the JSON form of a chart's data (see Chart.JSON).
type JSONData struct {
	ID     string       `json:"id,omitempty"`
	Title  string       `json:"title,omitempty"`
	X      JSONAxis     `json:"x"`
	Y      JSONAxis     `json:"y"`
	Series []JSONSeries `json:"series"`
}

// JSONAxis describes an axis in JSONData.
type JSONAxis struct {
	Label string `json:"label"`
	Unit  string `json:"unit,omitempty"`
	Log   bool   `json:"log,omitempty"`
}

// JSONSeries is one series in JSONData; values that are not finite are null.
type JSONSeries struct {
	Name string  `json:"name"`
	Kind string  `json:"kind"`
	X    Numbers `json:"x"`
	Y    Numbers `json:"y"`
	Y2   Numbers `json:"y2,omitempty"`
}

// Numbers is a []float64 whose JSON form writes NaN and ±Inf as null.
type Numbers []float64

// MarshalJSON implements json.Marshaler.
func (ns Numbers) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+len(ns)*12)
	b = append(b, '[')
	for i, v := range ns {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b = append(b, "null"...)
			continue
		}
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	return append(b, ']'), nil
}

// UnmarshalJSON implements json.Unmarshaler (null reads as NaN).
func (ns *Numbers) UnmarshalJSON(b []byte) error {
	var ps []*float64
	if err := json.Unmarshal(b, &ps); err != nil {
		return err
	}
	out := make(Numbers, len(ps))
	for i, p := range ps {
		if p == nil {
			out[i] = math.NaN()
		} else {
			out[i] = *p
		}
	}
	*ns = out
	return nil
}

// Data returns the chart's data in the form Chart.JSON writes.
func (c *Chart) Data() JSONData {
	d := JSONData{
		ID: c.ID, Title: c.Title,
		X:      JSONAxis{Label: c.X.Label, Unit: c.X.Unit, Log: c.X.Log},
		Y:      JSONAxis{Label: c.Y.Label, Unit: c.Y.Unit, Log: c.Y.Log},
		Series: make([]JSONSeries, len(c.Series)),
	}
	for i, s := range c.Series {
		d.Series[i] = JSONSeries{Name: s.Name, Kind: s.Kind.String(), X: s.X, Y: s.Y, Y2: s.Y2}
	}
	return d
}

// JSON returns the data behind the chart, indented, as JSONData.
func (c *Chart) JSON() []byte {
	b, err := json.MarshalIndent(c.Data(), "", " ")
	if err != nil { // cannot happen: every field marshals
		return []byte(`{"error":` + strconv.Quote(err.Error()) + `}`)
	}
	return b
}
