package mlp

import (
	"errors"
	"runtime"
	"testing"
)

// TestFloat64Availability: native builds train precision=float64; the browser's (js/wasm)
// refuses it with ErrNoFloat64, whose one line names the way out (the server run); the
// Network page's session shows that line as its run's failure (ui/networkview).
func TestFloat64Availability(t *testing.T) {
	s := small(t, "blobs", 1, map[string]string{"precision": "float64"})
	train, test, err := LoadData(s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewTrainer(s, train, test)
	if runtime.GOOS == "js" {
		if Float64Built() || !errors.Is(err, ErrNoFloat64) {
			t.Fatalf("js: Float64Built %v, NewTrainer error %v; want false and ErrNoFloat64", Float64Built(), err)
		}
		return
	}
	if !Float64Built() || err != nil {
		t.Fatalf("native: Float64Built %v, NewTrainer error %v; want a float64 trainer", Float64Built(), err)
	}
}
