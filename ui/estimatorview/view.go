package estimatorview

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/sim/stable"
	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/chart"
	"github.com/tailscope/tailscope/ui/worker"
	"github.com/vugu/vugu"
)

// ViewName is this view's name in appstate.
const ViewName = "estimator"

// View is the Estimator view. Mount it as
//
//	<estimatorview:View :State='c.State' :Env='c.Env'></estimatorview:View>
//
// State is the page's shared state (the view reads and writes its "estimator" spec there); Env is
// the render loop's event environment, which the background runs lock to publish their results.
type View struct {
	State *appstate.State
	Env   vugu.EventEnv

	// Edit is the controls' copy of the spec; each accepted change is written to State.
	Edit spec.Spec

	env  vugu.EventEnv
	task worker.Task[Result] // the analysis of the sample or the file, in a Web Worker

	file    *userFile // the person's file, when shown instead of the sample
	fileErr string

	hist, surv, drift *chart.Chart // the charts of res
}

type userFile struct {
	name string
	data []byte
}

// Init takes the event environment when none is passed as a prop.
func (c *View) Init(ctx vugu.InitCtx) {
	c.env = ctx.EventEnv()
}

// Destroy stops the run in progress when the view leaves the page (another view is shown).
func (c *View) Destroy(ctx vugu.DestroyCtx) { c.task.Cancel() }

func (c *View) eventEnv() vugu.EventEnv {
	if c.Env != nil {
		return c.Env
	}
	return c.env
}

// Compute runs before each render: it follows the shared state (a link opened, the hash edited)
// and starts a run when what is asked differs from what is shown.
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
	if want := c.wantKey(); c.task.Wants(want) {
		c.start(want)
	}
}

// wantKey identifies what should be shown: the sample of the spec, or the file.
func (c *View) wantKey() string {
	if c.file != nil {
		return fmt.Sprintf("file:%s:%d:k1=%d", c.file.name, len(c.file.data), c.params().K1)
	}
	return c.Edit.Key()
}

func (c *View) start(key string) {
	req := Request{Spec: c.Edit.Clone()}
	var data []byte
	if c.file != nil {
		req.FileName, data = c.file.name, c.file.data
	}
	input, err := EncodeRequest(req, data)
	if err != nil {
		c.task.Fail(key, err)
		return
	}
	c.task.Start(c.eventEnv(), Job, key, input, func(res *Result) {
		c.hist, c.surv, c.drift = res.HistChart(), res.SurvivalChart(), res.DriftChart()
	})
}

// Cancel stops the run in progress.
func (c *View) Cancel() { c.task.Cancel() }

// Changed is called by the controls after each accepted change: it writes the spec to the shared
// state (which rewrites the link) and returns from a file to the sample.
func (c *View) Changed() {
	c.setFile(nil)
	if c.State != nil {
		c.State.SetSpec(ViewName, c.Edit.Clone())
	}
}

// Visible hides the parameters that do not apply to the chosen law.
func (c *View) Visible(name string) bool {
	switch name {
	case "alpha":
		return c.params().Dist == spec.DistSaS
	case "nu":
		return c.params().Dist == spec.DistStudent
	}
	return true
}

// params are the typed parameters of the spec being edited (a "stable" spec).
func (c *View) params() spec.StableParams {
	p, _ := c.Edit.Stable()
	return p
}

// ChoiceLabel names the laws in the distribution select.
func (c *View) ChoiceLabel(param, choice string) string {
	if param != "dist" {
		return ""
	}
	return map[string]string{
		"sas":     "symmetric α-stable (SαS)",
		"student": "Student-t",
		"mixture": "Gaussian mixture",
		"gauss":   "Gaussian",
	}[choice]
}

// BackToSample leaves the person's file for the sample of the controls.
func (c *View) BackToSample() { c.setFile(nil) }

// setFile shows f (nil: the sample) and tells the shared state that a file is not in the link.
func (c *View) setFile(f *userFile) {
	c.file, c.fileErr = f, ""
	c.task.Forget()
	if c.State != nil {
		what := ""
		if f != nil {
			what = "your file " + f.name
		}
		c.State.SetUnlinked(ViewName, what)
	}
}

// useFile shows the analysis of the person's file.
func (c *View) useFile(name string, data []byte) {
	c.setFile(&userFile{name: name, data: data})
}

// fileTooBig is the message for a file over MaxFileBytes.
func fileTooBig(name string, size int) string {
	return fmt.Sprintf("%s: the file has %s bytes; this page reads files of at most %d MiB", name, strconv.Itoa(size), MaxFileBytes>>20)
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
func (c *View) RunState() string { return c.task.State(c.wantKey()) }

// Error is the last run's error, when it is about what is asked now.
func (c *View) Error() string { return c.task.Error(c.wantKey()) }

// FileError is the message about a file that could not be read at all.
func (c *View) FileError() string { return c.fileErr }

// Status is a short message (e.g. after Cancel).
func (c *View) Status() string { return c.task.Status() }

// Res is the result shown: nil before the first, and while the latest run's error is shown
// (the previous result would read as the answer to what failed).
func (c *View) Res() *Result { return c.task.Result(c.wantKey()) }

// ResKey is the key of the result shown.
func (c *View) ResKey() string { return c.task.ResKey() }

// ShowingFile reports whether the person's file is shown.
func (c *View) ShowingFile() bool { return c.file != nil }

// FileNote says what became of the person's file: shown, being read, or not readable.
func (c *View) FileNote() string {
	if c.file == nil {
		return ""
	}
	switch {
	case c.Error() != "":
		return "Your file " + c.file.name + " could not be analysed (the message above says why)."
	case c.Res() == nil || c.ResKey() != c.wantKey():
		return "Reading your file " + c.file.name + "…"
	}
	return "Showing your file " + c.file.name + ". Moving a control above returns to the sample."
}

// FileName is the person's file's name.
func (c *View) FileName() string {
	if c.file == nil {
		return ""
	}
	return c.file.name
}

// ResultsClass dims the results while a newer run goes on.
func (c *View) ResultsClass() string {
	if c.task.Running() {
		return "est-results stale"
	}
	return "est-results"
}

// Charts.

// ShowCharts reports whether the charts show.
func (c *View) ShowCharts() bool { return c.Res() != nil }

// Hist is the histogram chart.
func (c *View) Hist() *chart.Chart { return c.hist }

// Surv is the survival chart.
func (c *View) Surv() *chart.Chart { return c.surv }

// Drift is the K1-drift chart.
func (c *View) Drift() *chart.Chart { return c.drift }

// SharedNote compares the shown result with the one stored with a share link, when the page was
// opened from /s/{id} and the result is the stored spec's.
func (c *View) SharedNote() string {
	res := c.Res()
	if c.State == nil || c.State.ShareID == "" || len(c.State.Result) == 0 || res == nil || c.file != nil {
		return ""
	}
	var stored stable.Result
	if err := json.Unmarshal(c.State.Result, &stored); err != nil || len(stored.Report.Estimates) == 0 {
		return ""
	}
	for _, e := range stored.Report.Estimates {
		if a, ok := res.Alpha(e.Method); ok && fmt.Sprintf("%.4f", a) != fmt.Sprintf("%.4f", e.Alpha) {
			return fmt.Sprintf("Shared result %s: its %s estimate was %.4f, this browser computes %.4f.", c.State.ShareID, e.Method, e.Alpha, a)
		}
	}
	return "Shared result " + c.State.ShareID + ": this browser reproduces its estimates."
}
