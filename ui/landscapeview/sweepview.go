package landscapeview

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/tailscope/tailscope/ui/internal/browseryield"
)

// The sweep computes in slices of sweepSlice, handing the thread back to the browser between
// them (browseryield.Yield: input and paint go first), and redraws its progress every sweepRenderEvery.
const (
	sweepSlice       = 40 * time.Millisecond
	sweepRenderEvery = time.Second // a redraw of the view costs more than the sweep's slices
)

// sweepState is the view's exit-time sweep: the sweep shown and the loop running it.
type sweepState struct {
	sweep  *Sweep
	cancel context.CancelFunc
	err    string
}

// RunSweep starts the sweep at the current spec's α and ε, a frame's work at a time, like the
// walkers' animation; the page answers input between slices and Stop cancels it.
func (c *View) RunSweep() {
	c.StopSweep()
	s, err := NewSweep(c.Spec())
	if err != nil {
		c.sw.err = errText(err)
		return
	}
	c.sw.sweep, c.sw.err = s, ""
	ctx, cancel := context.WithCancel(context.Background())
	c.sw.cancel = cancel
	env := c.Env
	if env == nil {
		env = c.env
	}
	step := func() bool {
		if ctx.Err() != nil || c.sw.sweep != s {
			return false
		}
		if err := s.AdvanceFor(ctx, sweepSlice); err != nil {
			if ctx.Err() == nil {
				c.sw.err = errText(err)
			}
			return false
		}
		if s.Done() {
			c.sw.cancel = nil
			return false
		}
		return true
	}
	if env == nil { // no page (tests): run to the end
		for step() {
		}
		return
	}
	go func() {
		var drawn time.Time
		for {
			env.Lock()
			more := step()
			if !more || time.Since(drawn) >= sweepRenderEvery {
				drawn = time.Now()
				env.UnlockRender()
			} else {
				env.UnlockOnly()
			}
			if !more {
				return
			}
			browseryield.Yield()
		}
	}()
}

// StopSweep cancels a running sweep; what it measured stays shown.
func (c *View) StopSweep() {
	if c.sw.cancel != nil {
		c.sw.cancel()
		c.sw.cancel = nil
	}
}

// SweepRunning reports whether the sweep runs.
func (c *View) SweepRunning() bool { return c.sw.cancel != nil }

// SweepShown is the sweep whose charts show (nil before the first).
func (c *View) SweepShown() *Sweep { return c.sw.sweep }

// SweepLabel is the text of the sweep's button.
func (c *View) SweepLabel() string {
	if c.sw.sweep != nil && !c.SweepRunning() {
		return "Run the sweep again"
	}
	return "Run the sweep"
}

// SweepProgress is the fraction of the sweep done, as the <progress> element's value.
func (c *View) SweepProgress() string {
	if c.sw.sweep == nil {
		return "0"
	}
	return strconv.FormatFloat(c.sw.sweep.Progress(), 'f', 3, 64)
}

// SweepPhase is "idle", "running", "stopped" or "done", for the page and tests.
func (c *View) SweepPhase() string {
	switch {
	case c.sw.sweep == nil:
		return "idle"
	case c.SweepRunning():
		return "running"
	case c.sw.sweep.Done():
		return "done"
	}
	return "stopped"
}

// SweepStatus says how far the sweep is.
func (c *View) SweepStatus() string {
	if c.sw.err != "" {
		return c.sw.err
	}
	s := c.sw.sweep
	if s == nil {
		return fmt.Sprintf("not run: %d basins, Lévy and Gaussian", len(SweepWidths)+len(SweepHeights))
	}
	done := 0
	for _, p := range s.Points {
		if p.Done {
			done++
		}
	}
	return fmt.Sprintf("%d of %d points (α = %s, ε = %s) · %s", done, len(s.Points), fmtNum(s.Alpha), fmtNum(s.Eps), c.SweepPhase())
}
