package iteratesview

import (
	"encoding/json"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/chart"
	"github.com/tailscope/tailscope/ui/worker"
	"github.com/vugu/vugu"
)

// ViewName is this view's name in appstate.
const ViewName = "iterates"

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

	env  vugu.EventEnv
	task worker.Task[Result] // the run of the spec, in a Web Worker

	surv, h *chart.Chart
}

// Init takes the event environment when none is passed as a prop.
func (c *View) Init(ctx vugu.InitCtx) { c.env = ctx.EventEnv() }

// Destroy stops the run in progress when the view leaves the page.
func (c *View) Destroy(ctx vugu.DestroyCtx) { c.task.Cancel() }

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
	if want := c.Edit.Key(); c.task.Wants(want) {
		c.start(want)
	}
}

func (c *View) start(key string) {
	input, err := json.Marshal(c.Edit)
	if err != nil {
		c.task.Fail(key, err)
		return
	}
	c.task.Start(c.eventEnv(), Job, key, input, func(res *Result) {
		c.surv, c.h = res.SurvivalChart(), res.HChart()
	})
}

// Cancel stops the run in progress.
func (c *View) Cancel() { c.task.Cancel() }

// Changed is called by the controls after each accepted change: it writes the spec to the shared
// state, which rewrites the link.
func (c *View) Changed() {
	c.task.Forget()
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
		c.task.Fail(c.Edit.Key(), err)
		return
	}
	c.Edit = sp
	c.Changed()
}

// Accessors for the template.

// Running reports whether a run is in progress.
func (c *View) Running() bool { return c.task.Running() }

// ShowProgress reports whether the progress bar shows (a run past worker.ProgressDelay).
func (c *View) ShowProgress() bool { return c.task.ShowProgress() }

// ProgressValue is the fraction done, as text for <progress>.
func (c *View) ProgressValue() string { return c.task.ProgressValue() }

// ProgressText is the run's last message.
func (c *View) ProgressText() string { return c.task.ProgressText() }

// RunState is "running", "error", "cancelled", "done" or "empty": the results' data-state, read
// by the browser tests.
func (c *View) RunState() string { return c.task.State(c.Edit.Key()) }

// Error is the last run's error, when it is about what is asked now.
func (c *View) Error() string { return c.task.Error(c.Edit.Key()) }

// Status is a short message (e.g. after Cancel).
func (c *View) Status() string { return c.task.Status() }

// Res is the result shown (nil before the first, and while an error is shown).
func (c *View) Res() *Result { return c.task.Result(c.Edit.Key()) }

// ResKey is the key of the result shown.
func (c *View) ResKey() string { return c.task.ResKey() }

// ResultsClass dims the results while a newer run goes on.
func (c *View) ResultsClass() string {
	if c.task.Running() {
		return "it-results stale"
	}
	return "it-results"
}

// Surv is the survival chart of the iterates.
func (c *View) Surv() *chart.Chart { return c.surv }

// H is the chart of h(s).
func (c *View) H() *chart.Chart { return c.h }
