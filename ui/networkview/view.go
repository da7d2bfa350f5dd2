package networkview

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/noise"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/chart"
	"github.com/tailscope/tailscope/ui/qrcode"
	"github.com/vugu/vugu"
)

// ViewName is the view's name in appstate.
const ViewName = "network"

// View is the Network view. Mount it as
//
//	<networkview:View vg-if='c.Is(ViewNetwork)' :State='c.State' :Env='c.Env'></networkview:View>
//
// with the page's shared *appstate.State (nil: the view keeps a state of its own, read from
// and written to the URL fragment). A page opened from a stored share (State.ShareID) with
// a result (State.Result) shows that result at once, without computing. The
// training session lives in the package (one per page), so it survives the view being
// hidden and shown again.
type View struct {
	State *appstate.State
	Env   vugu.EventEnv // the render loop's event environment; nil: the one Compute is given
}

// Page is the view's state that outlives a View component: the session, the server job,
// the messages. All of it is guarded by the Vugu event environment.
type Page struct {
	Sess    *Session
	Client  *Client
	State   *appstate.State
	Msg     string // the last control or server error, for the page
	Share   string // the link of the last stored result
	Storing bool   // a result is being stored
	Job     *Job   // the server run shown, if any

	// kept is the histogram of the latest measurement of a result from elsewhere, made from
	// the binned sample it kept, and keptFrom that measurement (recomputed when it changes).
	kept     *NoiseHistogram
	keptFrom *noise.Measurement
}

// Job is a run on the server that the view follows.
type Job struct {
	ID     string
	Spec   spec.Spec
	Status string
	Done   bool // the run ended on the server (finished, failed or cancelled): nothing to stop
	cancel context.CancelFunc
}

// The page's one Page, made by the first View built.
var page *Page

// NewPage returns a Page over st whose session loads data through client. It shows st's spec
// as it is: a fresh page's is the kind's page preset, and a link's is the link's, even when it
// equals a preset or the kind's table defaults.
func NewPage(env vugu.EventEnv, st *appstate.State, client *Client) *Page {
	sp, ok := st.Spec(ViewName)
	if !ok {
		sp = spec.MustPreset("mlp", spec.PagePreset)
		st.Specs[ViewName] = sp
	}
	p := &Page{Client: client, State: st}
	p.Sess = NewSession(env, client.Data(), sp)
	p.Sess.Workers = evalWorkers()
	p.Sess.Reset(sp)
	if st.ShareID != "" && len(st.Result) > 0 {
		var res mlp.Result
		if err := json.Unmarshal(st.Result, &res); err != nil || res.Spec.Kind != "mlp" {
			p.Msg = fmt.Sprintf("the stored result %s is not a network run's (%v); running its spec here instead", st.ShareID, err)
		} else {
			p.Sess.ShowResult(&res, "the stored result "+st.ShareID)
		}
	}
	return p
}

// Compute runs before each build: it makes the Page and follows changes of the shared
// state's spec (a link opened in the same page).
func (c *View) Compute(ctx vugu.ComputeCtx) {
	if c.State == nil {
		if page != nil {
			c.State = page.State
		} else {
			c.State = pageState()
		}
	}
	if page == nil {
		env := c.Env
		if env == nil {
			env = ctx.EventEnv()
		}
		page = NewPage(env, c.State, &Client{Base: pageOrigin()})
		if id := sharePathID(); id != "" && c.State.ShareID == "" {
			page.OpenShare(id) // a page whose shell did not load the share itself
		}
	}
	page.State = c.State
	c.State.SetActions(ViewName, page)
	if sp, ok := c.State.Spec(ViewName); ok && page.Sess.State != Remote && page.Job == nil && sp.Key() != page.Sess.Spec.Key() {
		page.Sess.Reset(sp)
	}
}

// P is the page (for the template).
func (c *View) P() *Page { return page }

// S is the session (for the template).
func (c *View) S() *Session { return page.Sess }

// Sliders returns the numeric controls.
func (c *View) Sliders() []Slider {
	var out []Slider
	sp := page.Sess.Spec
	for _, name := range Controls {
		if IsChoice(name) || !Shown(name, sp) {
			continue
		}
		out = append(out, SliderFor(name, sp))
	}
	return out
}

// Choices returns the choice parameter's options for the session's spec.
func (c *View) Choices(name string) []string { return Options(name, page.Sess.Spec) }

// ChoiceLabel is the text of a choice's option.
func ChoiceLabel(name, choice string) string {
	switch name + "=" + choice {
	case "dataset=mnist":
		return "MNIST digits (from the server)"
	case "dataset=blobs":
		return "3 blobs (made here)"
	case "dataset=spirals":
		return "2 spirals (made here)"
	case "dataset=cifar10":
		return "CIFAR-10 images (from the server)"
	case "dataset=cifar100":
		return "CIFAR-100 images (from the server)"
	case "arch=fc":
		return "fully connected"
	case "arch=alexnet":
		return "AlexNet (convolutional)"
	case "loss=ce":
		return "cross-entropy"
	case "loss=hinge":
		return "linear hinge"
	}
	return choice
}

// committer is the OnCommit of the slider called name: a new run with the changed spec.
func (c *View) committer(name string) func(float64) {
	return func(v float64) { page.SetValue(name, v) }
}

// SetValue applies a slider's committed value: a new run with the changed spec, or the
// message of the refusal.
func (p *Page) SetValue(name string, v float64) {
	sp, err := WithValue(p.Sess.Spec, name, v)
	if err != nil {
		p.Msg = err.Error()
		return
	}
	p.Apply(sp)
}

// OnChoice applies a choice.
func (c *View) OnChoice(name string, e vugu.DOMEvent) {
	sp, err := WithChoice(page.Sess.Spec, name, e.PropString("target", "value"))
	if err != nil {
		page.Msg = err.Error()
		return
	}
	page.Apply(sp)
}

// OnTestNoise applies the test-set noise checkbox.
func (c *View) OnTestNoise(e vugu.DOMEvent) {
	sp, err := WithTestNoise(page.Sess.Spec, e.PropBool("target", "checked"))
	if err != nil {
		page.Msg = err.Error()
		return
	}
	page.Apply(sp)
}

// OnSeed applies the seed's input.
func (c *View) OnSeed(e vugu.DOMEvent) {
	sp, err := WithSeed(page.Sess.Spec, strings.TrimSpace(e.PropString("target", "value")))
	if err != nil {
		page.Msg = err.Error()
		return
	}
	page.Apply(sp)
}

// Apply starts over with sp and records it in the shared state (and so in the URL).
func (p *Page) Apply(sp spec.Spec) {
	p.Msg, p.Share = "", ""
	p.StopJob()
	p.Sess.Reset(sp)
	p.State.SetSpec(ViewName, sp)
}

// PlayPause starts or pauses training (the Play button, and the page's Space key).
func (p *Page) PlayPause() {
	if !p.CanRun() {
		return
	}
	if p.Sess.Busy() {
		p.Sess.Pause()
		return
	}
	p.Sess.Start()
}

// Step trains one step, as the Step button does (the page's → key; appstate.Actions).
func (p *Page) Step() {
	if p.CanRun() && !p.Sess.Busy() {
		p.Sess.StepOnce()
	}
}

// Reset is ResetRun (the page's R key; appstate.Actions).
func (p *Page) Reset() { p.ResetRun() }

// PlayLabel is the text of the play/pause button.
func (p *Page) PlayLabel() string {
	if p.Sess.Busy() {
		return "Pause"
	}
	if p.Sess.Iter > 0 && p.CanRun() {
		return "Resume"
	}
	return "Play"
}

// CanRun reports whether play and step can do something.
func (p *Page) CanRun() bool {
	st := p.Sess.State
	return st == Loading || st == Ready || st == Running
}

// ResetRun starts the current spec over (and leaves a shown server result).
func (p *Page) ResetRun() {
	p.Msg, p.Share = "", ""
	p.StopJob()
	sp, ok := p.State.Spec(ViewName)
	if !ok {
		sp = p.Sess.Spec
	}
	p.Sess.Reset(sp)
}

// Dataset is the text describing the session's dataset.
func (p *Page) Dataset() string { return string(mlpParams(p.Sess.Spec).Dataset) }

// mlpParams are the typed parameters of s, an "mlp" spec (the view shows no other kind).
func mlpParams(s spec.Spec) spec.MLPParams {
	p, _ := s.MLP()
	return p
}

// Params are the typed parameters of the session's spec (for the template).
func (c *View) Params() spec.MLPParams { return mlpParams(page.Sess.Spec) }

// SeedText is the session's seed.
func (p *Page) SeedText() string { return fmt.Sprint(p.Sess.Spec.Seed) }

// ProgressText is the percentage done.
func (p *Page) ProgressText() string { return fmt.Sprintf("%.0f%%", 100*p.Sess.Frac) }

// Link is the link that reopens the spec shown, from the shared state.
func (p *Page) Link() string { return pageOrigin() + "/" + p.State.Fragment() }

// ShareQR is the QR code of a stored result's link, for a class to open it on their phones
// ("" when the link cannot be drawn).
func ShareQR(link string) vugu.HTML {
	svg, err := qrcode.SVG(link, "QR code of the link to the stored results")
	if err != nil {
		return ""
	}
	return vugu.HTML(svg)
}

// Latest is the latest measurement's line, "" before the first.
func (p *Page) Latest() string {
	ev := p.Sess.Evals
	if len(ev) == 0 {
		return ""
	}
	e := ev[len(ev)-1]
	return fmt.Sprintf("iteration %d: α̂ = %.3f [%.3f, %.3f], test accuracy %.1f%%, %.1f%% of the noise exactly 0",
		e.Iter, e.Alpha, e.Lo, e.Hi, 100*e.TestAcc, 100*e.ZeroFrac)
}

// Series returns every measurement's α̂ and training loss as "iter:α̂:loss" separated by
// spaces, with all digits (read by the browser tests from a data attribute).
func (p *Page) Series() string {
	var b strings.Builder
	for i, e := range p.Sess.Evals {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d:%.17g:%.17g", e.Iter, e.Alpha, e.TrainLoss)
	}
	return b.String()
}

// Rows returns the measurements for the table, newest first, at most n.
func (p *Page) Rows(n int) []mlp.Evaluation {
	ev := p.Sess.Evals
	out := make([]mlp.Evaluation, 0, min(n, len(ev)))
	for i := len(ev) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, ev[i])
	}
	return out
}

// Charts (for the template).
func (p *Page) LossChart() *chart.Chart     { return p.Sess.LossChart() }
func (p *Page) AccuracyChart() *chart.Chart { return p.Sess.AccuracyChart() }
func (p *Page) AlphaChart() *chart.Chart    { return p.Sess.AlphaChart() }
func (p *Page) HistChart() *chart.Chart     { return histChart(p.Histogram()) }
func (p *Page) LayerChart() *chart.Chart    { return p.Sess.LayerChart() }
func (p *Page) ZeroChart() *chart.Chart     { return p.Sess.ZeroChart() }
func (p *Page) NormChart() *chart.Chart     { return p.Sess.NormChart() }

// Histogram is the noise histogram shown: the session's, of a run in this page, or else, for a
// result from elsewhere (a server run, a stored share), the one its latest measurement kept.
func (p *Page) Histogram() *NoiseHistogram {
	if h := p.Sess.Histogram(); h != nil || p.Sess.State != Remote {
		return h
	}
	var m *noise.Measurement
	var e mlp.Evaluation
	for i := len(p.Sess.Evals) - 1; i >= 0 && m == nil; i-- {
		if e = p.Sess.Evals[i]; e.Noise != nil && e.Noise.SampleHist != nil {
			m = e.Noise
		}
	}
	if m != p.keptFrom {
		p.kept, p.keptFrom = nil, m
		if m != nil { // about 80 ms in a browser (the SαS density at CurvePoints points), once per measurement
			p.kept = histogramOf(m.SampleHist, e.Iter, e.Alpha, nil)
		}
	}
	return p.kept
}

// HistNote says where the histogram comes from, or why there is none.
func (p *Page) HistNote() string {
	h := p.Histogram()
	switch {
	case h != nil:
		return fmt.Sprintf("%d values sampled at random from the noise (%d exactly zero, left out; %d beyond the axes). SαS fit: α = %.2f, σ = %.3g; Gaussian: s = %.3g.",
			h.N, h.Zeros, h.Clipped, h.Alpha, h.Sigma, h.Std)
	case p.Sess.State == Remote:
		return "This result kept no binned noise sample (it was stored before results kept one): the histogram is drawn for runs in this page."
	}
	return "Appears at the first measurement."
}

// pollEvery is how often a server run is polled.
const pollEvery = time.Second

// RunOnServer sends the bigger version of the spec to the server's job API and follows it,
// showing its measurements in the charts as they come.
func (p *Page) RunOnServer(env vugu.EventEnv) {
	p.Msg, p.Share = "", ""
	sp, err := BiggerSpec(p.Sess.Spec)
	if err != nil {
		p.Msg = "the bigger run is not allowed: " + err.Error()
		return
	}
	p.StopJob()
	p.Sess.Pause()
	ctx, cancel := context.WithCancel(context.Background())
	job := &Job{Spec: sp, Status: "sending the spec to the server", cancel: cancel}
	p.Job = job
	go func() {
		id, err := p.Client.Submit(ctx, sp)
		env.Lock()
		if p.Job != job {
			env.UnlockOnly()
			return
		}
		if err != nil {
			p.Msg, p.Job = "the server did not take the run: "+err.Error(), nil
			env.UnlockRender()
			return
		}
		job.ID, job.Status = id, "queued on the server"
		env.UnlockRender()
		for {
			st, err := p.Client.Run(ctx, id)
			env.Lock()
			if p.Job != job {
				env.UnlockOnly()
				return
			}
			switch {
			case err != nil:
				job.Status = "cannot reach the server (" + err.Error() + "); retrying"
			case st.State == "done" && st.Result != nil:
				p.Sess.ShowResult(st.Result, "the server's run "+id)
				job.Status, job.Done = st.FinishedStatus(), true
				env.UnlockRender()
				return
			case st.Finished():
				job.Status, job.Done = fmt.Sprintf("%s on the server: %s", st.State, st.Error), true
				env.UnlockRender()
				return
			default:
				p.Sess.ShowPartial(sp, st.Partial, st.Progress, "the server's run "+id, st.Message)
				job.Status = fmt.Sprintf("%s on the server: %.0f%%", st.State, 100*st.Progress)
			}
			env.UnlockRender()
			select {
			case <-ctx.Done():
				return
			case <-time.After(pollEvery):
			}
		}
	}()
}

// StopJob stops following the server run (and cancels it there if it still runs).
func (p *Page) StopJob() {
	job := p.Job
	if job == nil {
		return
	}
	p.Job = nil
	job.cancel()
	if job.ID != "" && job.Status != "finished on the server" {
		go p.Client.Cancel(context.Background(), job.ID)
	}
}

// CancelJob is the Cancel button of a server run: it stops it and starts the local spec over.
func (p *Page) CancelJob() { p.ResetRun() }

// CanShare reports whether there is a result to store.
func (p *Page) CanShare() bool {
	return len(p.Sess.Evals) > 0 && (p.Sess.State == Finished || p.Sess.State == Remote && p.Sess.Run != nil || p.Sess.State == Ready)
}

// ShareResult stores the spec and the measurements so far on the server and shows the
// link that opens them without recomputing.
func (p *Page) ShareResult(env vugu.EventEnv) {
	res := p.Sess.Run
	if res == nil {
		res = &mlp.Result{Spec: p.Sess.Spec.Clone(), Evaluations: append([]mlp.Evaluation(nil), p.Sess.Evals...),
			Full: mlpParams(p.Sess.Spec).EvalBatches == 0}
		if e := res.Evaluations[0]; e.Noise != nil {
			res.Params = e.Noise.Params
		}
	}
	p.Share, p.Msg, p.Storing = "", "", true
	go func() {
		_, link, err := p.Client.Share(context.Background(), res.Spec, res)
		env.Lock()
		p.Storing = false
		if err != nil {
			p.Share, p.Msg = "", "storing the result failed: "+err.Error()
		} else {
			p.Share = link
		}
		env.UnlockRender()
	}()
}

// OpenShare loads a stored share: its result is shown at once; a share without a result
// starts its spec here.
func (p *Page) OpenShare(id string) {
	env := p.Sess.Env
	p.Sess.Stop()
	p.Sess.Phase = "opening the stored result " + id
	go func() {
		sp, res, err := p.Client.GetShare(context.Background(), id)
		env.Lock()
		defer env.UnlockRender()
		switch {
		case err != nil:
			p.Msg = "cannot open the stored result: " + err.Error()
			p.ResetRun()
		case res != nil:
			p.State.Specs[ViewName] = sp
			p.Sess.ShowResult(res, "the stored result "+id)
		default:
			p.Apply(sp)
		}
	}()
}
