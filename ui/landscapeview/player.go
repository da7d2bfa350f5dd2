package landscapeview

// Phase is where a run stands.
type Phase int

const (
	Ready   Phase = iota // built, no step taken
	Running              // advancing every frame
	Paused               // some steps taken, stopped by the user
	Done                 // every step taken (or every walker gone)
	Invalid              // the controls describe no valid run; see the error shown
)

func (p Phase) String() string {
	switch p {
	case Ready:
		return "ready"
	case Running:
		return "running"
	case Paused:
		return "paused"
	case Done:
		return "done"
	case Invalid:
		return "invalid"
	}
	return "unknown"
}

// Player is the play/pause/step/reset state machine of the view. It holds no simulation:
// the view asks it what each button does and tells it when a run ends.
type Player struct {
	Phase Phase
}

// CanPlay, CanPause, CanStep and CanReset say which buttons are enabled.
func (p *Player) CanPlay() bool  { return p.Phase == Ready || p.Phase == Paused }
func (p *Player) CanPause() bool { return p.Phase == Running }
func (p *Player) CanStep() bool  { return p.Phase == Ready || p.Phase == Paused }
func (p *Player) CanReset() bool { return p.Phase != Invalid }

// Play starts running; it reports whether the phase changed (the caller then starts its loop).
func (p *Player) Play() bool {
	if !p.CanPlay() {
		return false
	}
	p.Phase = Running
	return true
}

// Pause stops a running run; it reports whether the phase changed.
func (p *Player) Pause() bool {
	if !p.CanPause() {
		return false
	}
	p.Phase = Paused
	return true
}

// Stepped records a manual step: the run is paused, or done if that was its end.
func (p *Player) Stepped(done bool) {
	if done {
		p.Phase = Done
	} else {
		p.Phase = Paused
	}
}

// Finished records the end of the run.
func (p *Player) Finished() { p.Phase = Done }

// Reset goes back to the start of a run (valid controls) or to Invalid.
func (p *Player) Reset(valid bool) {
	if valid {
		p.Phase = Ready
	} else {
		p.Phase = Invalid
	}
}
