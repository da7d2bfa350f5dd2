package landscapeview

import "testing"

func TestPlayer(t *testing.T) {
	type step struct {
		op      string
		want    Phase
		changed bool
	}
	tests := []struct {
		name  string
		start Phase
		steps []step
	}{
		{"play pause play", Ready, []step{{"play", Running, true}, {"pause", Paused, true}, {"play", Running, true}, {"finish", Done, true}}},
		{"no pause when ready", Ready, []step{{"pause", Ready, false}}},
		{"no play when done", Done, []step{{"play", Done, false}, {"reset", Ready, true}}},
		{"no play when invalid", Invalid, []step{{"play", Invalid, false}, {"resetInvalid", Invalid, true}}},
		{"step then end", Paused, []step{{"play", Running, true}, {"stepped", Paused, true}, {"play", Running, true}, {"steppedDone", Done, true}}},
	}
	for _, tt := range tests {
		p := Player{Phase: tt.start}
		for i, s := range tt.steps {
			changed := true
			switch s.op {
			case "play":
				changed = p.Play()
			case "pause":
				changed = p.Pause()
			case "finish":
				p.Finished()
			case "reset":
				p.Reset(true)
			case "resetInvalid":
				p.Reset(false)
			case "stepped":
				p.Stepped(false)
			case "steppedDone":
				p.Stepped(true)
			}
			if p.Phase != s.want || changed != s.changed {
				t.Errorf("%s, op %d (%s): phase %v, changed %v; want %v, %v", tt.name, i, s.op, p.Phase, changed, s.want, s.changed)
			}
		}
	}
	for ph, want := range map[Phase][4]bool{
		Ready: {true, false, true, true}, Running: {false, true, false, true}, Paused: {true, false, true, true},
		Done: {false, false, false, true}, Invalid: {false, false, false, false},
	} {
		p := Player{Phase: ph}
		if got := [4]bool{p.CanPlay(), p.CanPause(), p.CanStep(), p.CanReset()}; got != want {
			t.Errorf("%v: play/pause/step/reset enabled %v, want %v", ph, got, want)
		}
	}
}
