package chart

import (
	"encoding/binary"
	"hash/fnv"
	"math"
)

// Fingerprint is a 64-bit hash of everything drawn: two charts with the same fingerprint draw
// the same SVG (up to hash collisions). Plot uses it to skip redrawing an unchanged chart; it
// costs one pass over the data, far less than writing the SVG.
func (c *Chart) Fingerprint() uint64 {
	h := fnv.New64a()
	var buf [8]byte
	num := func(v float64) {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
		h.Write(buf[:])
	}
	str := func(s string) {
		num(float64(len(s)))
		h.Write([]byte(s))
	}
	nums := func(vs []float64) {
		num(float64(len(vs)))
		for _, v := range vs {
			num(v)
		}
	}
	axis := func(a Axis) {
		str(a.Label)
		str(a.Unit)
		if a.Log {
			num(1)
		} else {
			num(0)
		}
		num(a.Min)
		num(a.Max)
	}
	str(c.ID)
	str(c.Title)
	str(c.Caption)
	axis(c.X)
	axis(c.Y)
	num(float64(c.Width))
	num(float64(c.Height))
	num(float64(len(c.Series)))
	for _, s := range c.Series {
		str(s.Name)
		num(float64(s.Kind))
		num(float64(s.Color))
		num(s.Width)
		if s.Dash {
			num(1)
		} else {
			num(0)
		}
		nums(s.X)
		nums(s.Y)
		nums(s.Y2)
		num(float64(len(s.Titles)))
		for _, t := range s.Titles {
			str(t)
		}
	}
	return h.Sum64()
}
