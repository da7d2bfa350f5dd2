package estimator

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"testing"
)

// FuzzAnalyze feeds arbitrary float64 data (any bit patterns: NaN, ±Inf,
// subnormals, ties, huge values) to Analyze and the stream: nothing may
// panic, and a Report must encode as JSON (all its numbers finite).
func FuzzAnalyze(f *testing.F) {
	enc := func(v ...float64) []byte {
		b := make([]byte, 8*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
		}
		return b
	}
	f.Add(enc(Sample(1.5, 1, 200, 1)...), uint8(0))
	f.Add(enc(1, 1, 1, 2, 2, 2, 0, 0, 0, -1, -1, -1e308, 1e308, 5e-324), uint8(3))
	f.Add(enc(0, 0, 0, 1), uint8(1))
	f.Add(enc(Sample(0.3, 1e-300, 150, 2)...), uint8(2))
	f.Fuzz(func(t *testing.T, b []byte, k1 uint8) {
		x := make([]float64, len(b)/8)
		for i := range x {
			x[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
		r, err := Analyze(x, Options{K1: int(k1)})
		if err == nil {
			if _, err := json.Marshal(r); err != nil {
				t.Fatalf("Report of %v does not encode: %v", x, err)
			}
		}
		s := MohammadiStream{K1: int(k1)}
		s.Add(x...)
		s.Estimate()
	})
}
