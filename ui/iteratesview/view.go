package iteratesview

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/chart"
	"github.com/tailscope/tailscope/ui/worker"
	"github.com/vugu/vugu"
)

// ViewName is this view's name in appstate.
const ViewName = "iterates"

// ProgressDelay is how long a run goes before its progress bar and Cancel button show.
const ProgressDelay = 200 * time.Millisecond

// View is the Iterates view. Mount it as
//
//	<iteratesview:View :State='c.State' :Env='c.Env'></iteratesview:View>
//
// State is the page's shared state (the view reads and writes its "iterates" spec there); Env is
// the render loop's event environment, which the background runs lock to publish their results.
type View struct {
	State *appstate.State
	Env   vugu.EventEnv

	// Edit is the controls' copy of the spec; each accepted change is written to State.
	Edit spec.Spec

	env     vugu.EventEnv
	res     *Result
	resKey  string
	err     string
	errKey  string
	running bool
	runKey  string
	slow    bool
	prog    spec.Progress
	cancel  context.CancelFunc
	stopped string // the key of a run the person cancelled: not restarted until something changes
	status  string

	surv, h *chart.Chart
}

// Init takes the event environment when none is passed as a prop.
func (c *View) Init(ctx vugu.InitCtx) { c.env = ctx.EventEnv() }

// Destroy stops the run in progress when the view leaves the page.
func (c *View) Destroy(ctx vugu.DestroyCtx) {
	if c.cancel != nil {
		c.cancel()
	}
}

func (c *View) eventEnv() vugu.EventEnv {
	if c.Env != nil {
		return c.Env
	}
	return c.env
}

// Compute runs before each render: it follows the shared state and starts a run when what is
// asked differs from what is shown.
func (c *View) Compute(ctx vugu.ComputeCtx) {
	if c.env == nil {
		c.env = ctx.EventEnv()
	}
	if c.State == nil {
		return
	}
	if sp, ok := c.State.Spec(ViewName); ok && sp.Key() != c.Edit.Key() {
		c.Edit = sp.Clone()
	}
	if c.Edit.Kind != "iterates" {
		return
	}
	want := c.Edit.Key()
	if c.running || want == c.resKey || want == c.errKey || want == c.stopped {
		return
	}
	c.start(want)
}

func (c *View) start(key string) {
	input, err := json.Marshal(c.Edit)
	if err != nil {
		c.err, c.errKey = err.Error(), key
		return
	}
	env := c.eventEnv()
	ctx, cancel := context.WithCancel(context.Background())
	c.running, c.runKey, c.cancel, c.slow, c.prog, c.status = true, key, cancel, false, spec.Progress{}, ""
	go func() {
		time.Sleep(ProgressDelay)
		env.Lock()
		if c.running && c.runKey == key {
			c.slow = true
		}
		env.UnlockRender()
	}()
	go func() {
		var last time.Time
		out, err := worker.Run(ctx, Job, input, func(p spec.Progress) {
			if time.Since(last) < 250*time.Millisecond {
				return
			}
			last = time.Now()
			env.Lock()
			if c.runKey == key {
				c.prog = p
			}
			env.UnlockRender()
		})
		var res Result
		if err == nil {
			err = json.Unmarshal(out, &res)
		}
		env.Lock()
		defer env.UnlockRender()
		cancel()
		c.running = false
		switch {
		case errors.Is(err, context.Canceled):
			c.stopped = key
			c.status = "Cancelled."
			if c.res != nil {
				c.status += " The charts still show the previous result."
			}
		case err != nil:
			c.err, c.errKey = err.Error(), key
		default:
			c.res, c.resKey, c.err, c.errKey = &res, key, "", ""
			c.surv, c.h = res.SurvivalChart(), res.HChart()
		}
	}()
}

// Cancel stops the run in progress.
func (c *View) Cancel() {
	if c.cancel != nil {
		c.cancel()
	}
}

// Changed is called by the controls after each accepted change: it writes the spec to the shared
// state, which rewrites the link.
func (c *View) Changed() {
	c.stopped = ""
	if c.State != nil {
		c.State.SetSpec(ViewName, c.Edit.Clone())
	}
}

// Presets are the kind's presets, for the scenario buttons.
func (c *View) Presets() []spec.Preset {
	k, ok := spec.Lookup("iterates")
	if !ok {
		return nil
	}
	return k.Presets
}

// UsePreset shows preset name.
func (c *View) UsePreset(name string) {
	sp, err := spec.NewPreset("iterates", name)
	if err != nil {
		c.err, c.errKey = err.Error(), c.Edit.Key()
		return
	}
	c.Edit = sp
	c.Changed()
}

// Accessors for the template.

// Running reports whether a run is in progress.
func (c *View) Running() bool { return c.running }

// ShowProgress reports whether the progress bar shows (a run past ProgressDelay).
func (c *View) ShowProgress() bool { return c.running && c.slow }

// ProgressValue is the fraction done, as text for <progress>.
func (c *View) ProgressValue() string { return strconv.FormatFloat(c.prog.Fraction, 'f', 3, 64) }

// ProgressText is the run's last message.
func (c *View) ProgressText() string {
	if c.prog.Message == "" {
		return "Working…"
	}
	return c.prog.Message + "…"
}

// RunState is "running", "error", "cancelled", "done" or "empty": the results' data-state, read
// by the browser tests.
func (c *View) RunState() string {
	want := c.Edit.Key()
	switch {
	case c.running:
		return "running"
	case c.err != "" && c.errKey == want:
		return "error"
	case c.stopped != "" && c.stopped == want:
		return "cancelled"
	case c.res != nil && c.resKey == want:
		return "done"
	}
	return "empty"
}

// Error is the last run's error, when it is about what is asked now.
func (c *View) Error() string {
	if c.err != "" && c.errKey == c.Edit.Key() {
		return c.err
	}
	return ""
}

// Status is a short message (e.g. after Cancel).
func (c *View) Status() string { return c.status }

// Res is the result shown (nil before the first, and while an error is shown).
func (c *View) Res() *Result {
	if c.Error() != "" {
		return nil
	}
	return c.res
}

// ResKey is the key of the result shown.
func (c *View) ResKey() string { return c.resKey }

// ResultsClass dims the results while a newer run goes on.
func (c *View) ResultsClass() string {
	if c.running {
		return "it-results stale"
	}
	return "it-results"
}

// Surv is the survival chart of the iterates.
func (c *View) Surv() *chart.Chart { return c.surv }

// H is the chart of h(s).
func (c *View) H() *chart.Chart { return c.h }
