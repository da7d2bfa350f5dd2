package controls

import (
	"testing"
)

// TestSliderCommitRule: input events move the thumb and the shown value only; the change
// event commits, once.
func TestSliderCommitRule(t *testing.T) {
	width := param(t, "mlp", "width") // Int, log, [4, 1024]
	var committed []float64
	s := &Slider{ID: "net-width", Unit: "units", Scale: ScaleOf(width), Value: 64,
		OnCommit: func(v float64) { committed = append(committed, v) }}
	start := s.PosText()
	t.Run("at rest", func(t *testing.T) {
		if s.Text() != "64" || s.ValueText() != "64 units" || s.Moving() {
			t.Errorf("text %q, aria %q, moving %v; want 64, 64 units, false", s.Text(), s.ValueText(), s.Moving())
		}
	})
	t.Run("dragging", func(t *testing.T) {
		pos := s.Scale.Pos(200)
		s.Input(PosText(pos))
		if s.PosText() != PosText(pos) || s.Text() != "200" || s.ValueText() != "200 units" {
			t.Errorf("while dragging to 200: position %s (want %v), text %q, aria %q", s.PosText(), pos, s.Text(), s.ValueText())
		}
		if len(committed) != 0 || s.Value != 64 {
			t.Errorf("an input event committed %v (value %v); want nothing until the change", committed, s.Value)
		}
		s.Input("not a number") // ignored: the thumb stays where it was
		if s.PosText() != PosText(pos) {
			t.Errorf("a bad input event moved the thumb to %s", s.PosText())
		}
	})
	t.Run("released", func(t *testing.T) {
		s.Change(PosText(s.Scale.Pos(200)))
		if len(committed) != 1 || committed[0] != 200 || s.Value != 200 || s.Moving() {
			t.Errorf("after the change: committed %v, value %v, moving %v; want [200], 200, false", committed, s.Value, s.Moving())
		}
		if s.PosText() == start || s.Text() != "200" {
			t.Errorf("after the change: position %s (start %s), text %q", s.PosText(), start, s.Text())
		}
	})
	t.Run("a refused commit shows the caller's value", func(t *testing.T) {
		s.Input("0")
		s.Change("x")
		if len(committed) != 1 || s.Moving() || s.Text() != "200" {
			t.Errorf("after a bad change: committed %v, moving %v, text %q", committed, s.Moving(), s.Text())
		}
	})
	t.Run("special values are named", func(t *testing.T) {
		e := &Slider{Scale: ScaleOf(param(t, "mlp", "evalBatches")), Value: 0, Unit: "batches",
			Special: func(v float64) string {
				if v == 0 {
					return "all"
				}
				return ""
			}}
		if e.Text() != "all" || e.ValueText() != "all" {
			t.Errorf("evalBatches 0: text %q, aria %q; want all", e.Text(), e.ValueText())
		}
		e.Input("5")
		if e.Text() != "5" || e.ValueText() != "5 batches" {
			t.Errorf("evalBatches 5: text %q, aria %q", e.Text(), e.ValueText())
		}
	})
}
