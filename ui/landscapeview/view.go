package landscapeview

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/chart"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"
)

// ViewName is the view's name in appstate and in the URL fragment.
const ViewName = "landscape"

// frameWork is the computing each animation frame does: the loop advances the run for about
// this long, then waits for the browser's next frame (nextFrame), so that the page paints and
// handles input between slices (Go's wasm runs on the page's one thread). At 60 frames a
// second this leaves about 6 ms of each frame to rendering and input.
const frameWork = 10 * time.Millisecond

// renderEvery spaces the redraws of a running animation: the frames in between only compute
// (and leave the browser idle time for input), since redrawing five charts costs more than a
// frame's computing. About 20 redraws a second.
const renderEvery = 50 * time.Millisecond

// StepFraction is the share of the run one press of Step advances.
const StepFraction = 100

// View is the Landscape view. Use it as
//
//	<landscapeview:View :State='c.State' :Env='c.Env'></landscapeview:View>
//
// State is the page's shared state (nil: the view keeps its own). The view reads its spec
// from State.Spec("landscape") and writes every control change back with State.SetSpec, which
// rewrites the share link. A spec changed from outside (a new link) is picked up on the next
// render. The background loop that animates the walkers takes the render lock of Env (or,
// when Env is not set, of the event environment received in Init).
type View struct {
	State *appstate.State `vugu:"data"`
	Env   vugu.EventEnv   `vugu:"data"`

	env    vugu.EventEnv
	own    *appstate.State // used when State is nil
	key    string          // spec key of the run built
	sim    *Sim
	ctrls  []*Control
	player Player
	err    string // the current controls' problem, naming the field
	notes  []string
	until  int64 // step at which the running loop stops (a Step press), 0: the end
	cancel context.CancelFunc
	bars   string // the bars' SVG last written into the page
	sw     sweepState
}

// Init keeps the event environment for the animation loop.
func (c *View) Init(ctx vugu.InitCtx) { c.env = ctx.EventEnv() }

// Destroy stops the animation when the view leaves the page.
func (c *View) Destroy(vugu.DestroyCtx) { c.stop(); c.StopSweep() }

func (c *View) state() *appstate.State {
	if c.State != nil {
		return c.State
	}
	if c.own == nil {
		c.own = appstate.New()
	}
	return c.own
}

// Spec is the spec the controls show.
func (c *View) Spec() spec.Spec {
	st := c.state()
	if sp, ok := st.Spec(ViewName); ok && (sp.Kind == "wells" || sp.Kind == "exit") {
		return sp
	}
	return spec.MustPreset(Kinds[0], spec.PagePreset)
}

// Compute rebuilds the run when the shared spec changed (first render, a new link).
func (c *View) Compute(vugu.ComputeCtx) {
	c.state().SetActions(ViewName, c) // the page's Space, → and R keys
	sp := c.Spec()
	if sp.Key() == c.key && c.ctrls != nil {
		return
	}
	c.notes = nil
	if capped, ferr := CapWalkers(sp); ferr != nil {
		c.notes = append(c.notes, ferr.Error())
		sp = capped
		c.state().SetSpec(ViewName, sp)
	}
	c.rebuild(sp, false)
}

// rebuild stops any run, builds the run of sp and shows its controls; with resume, a run that
// was playing goes on playing.
func (c *View) rebuild(sp spec.Spec, resume bool) {
	c.stop()
	c.key = sp.Key()
	c.ctrls = Controls(sp)
	c.err = ""
	sim, err := NewSim(sp)
	if err != nil {
		c.err = errText(err)
		c.sim = nil
		c.player.Reset(false)
		return
	}
	c.sim = sim
	c.player.Reset(true)
	if resume {
		c.Play()
	}
}

func errText(err error) string {
	var fe *spec.FieldError
	if errors.As(err, &fe) {
		return fmt.Sprintf("%s: %s", fe.Field, fe.Msg)
	}
	return err.Error()
}

// setSpec records a spec chosen on the page and rebuilds the run from it.
func (c *View) setSpec(sp spec.Spec, verr error) {
	wasRunning := c.player.Phase == Running
	c.state().SetSpec(ViewName, sp)
	c.notes = nil
	if verr != nil {
		c.stop()
		c.key = sp.Key()
		c.ctrls = Controls(sp)
		c.err = errText(verr)
		c.sim = nil
		c.player.Reset(false)
		return
	}
	c.rebuild(sp, wasRunning)
}

// Controls are the sliders and selects of the current kind.
func (c *View) Controls() []*Control { return c.ctrls }

// OnControl handles a choice made in control ctl's select.
func (c *View) OnControl(ctl *Control, e vugu.DOMEvent) {
	c.SetControl(ctl.Name, e.PropString("target", "value"))
}

// committer is the OnCommit of the slider called name: its value is applied when the thumb
// is released or a key moves it.
func (c *View) committer(name string) func(float64) {
	return func(v float64) { c.SetValue(name, v) }
}

// SetControl sets the control called name from its input's text (a slider position or a
// choice), as committing it does.
func (c *View) SetControl(name, text string) {
	c.set(name, func(ctl *Control) (spec.Spec, error) { return ctl.Apply(c.Spec(), text) })
}

// SetValue sets the slider called name to value v, as releasing its thumb there does.
func (c *View) SetValue(name string, v float64) {
	c.set(name, func(ctl *Control) (spec.Spec, error) { return ctl.ApplyValue(c.Spec(), v) })
}

func (c *View) set(name string, apply func(*Control) (spec.Spec, error)) {
	for _, ctl := range c.ctrls {
		if ctl.Name != name {
			continue
		}
		sp, err := apply(ctl)
		if err != nil && sp.Key() == c.Spec().Key() { // the value itself was refused: keep the spec
			c.err = errText(err)
			return
		}
		c.setSpec(sp, err)
		return
	}
	c.err = fmt.Sprintf("%s: no such control", name)
}

// OnKind switches between the "wells" and "exit" experiments: the new kind's page preset,
// keeping the seed.
func (c *View) OnKind(e vugu.DOMEvent) {
	k := e.PropString("target", "value")
	sp, err := spec.NewPreset(k, spec.PagePreset)
	if err != nil {
		c.err = errText(err)
		return
	}
	sp.Seed = c.Spec().Seed
	c.setSpec(sp, nil)
}

// OnSeed sets the seed from the seed field.
func (c *View) OnSeed(e vugu.DOMEvent) { c.SetSeed(e.PropString("target", "value")) }

// SetSeed sets the seed from its text; text that is not a seed is refused with a message.
func (c *View) SetSeed(text string) {
	text = strings.TrimSpace(text)
	v, err := strconv.ParseUint(text, 10, 64)
	if err != nil || v > spec.MaxSeed {
		c.err = fmt.Sprintf("seed: must be an integer in [0, %d], got %q", uint64(spec.MaxSeed), text)
		return
	}
	sp := c.Spec().Clone()
	sp.Seed = v
	c.setSpec(sp, sp.Validate())
}

// KindOptions are the experiments offered, with their labels.
func (c *View) KindOptions() [][2]string {
	var out [][2]string
	for _, k := range Kinds {
		if kd, ok := spec.Lookup(k); ok {
			out = append(out, [2]string{k, kd.Label})
		}
	}
	return out
}

// KindHelp is the help text of the current kind.
func (c *View) KindHelp() string {
	if kd, ok := spec.Lookup(c.Spec().Kind); ok {
		return kd.Help
	}
	return ""
}

// SeedText is the seed as shown in its field.
func (c *View) SeedText() string { return strconv.FormatUint(c.Spec().Seed, 10) }

// Play starts (or resumes) the animation to the end of the run.
func (c *View) Play() {
	if c.sim == nil || !c.player.Play() {
		return
	}
	c.until = 0
	c.start()
}

// PlayPause is Pause while the run plays, else Play (the page's Space key; appstate.Actions).
func (c *View) PlayPause() {
	if c.CanPause() {
		c.Pause()
		return
	}
	c.Play()
}

// Pause stops the animation; it is also the cancel of a Step in progress.
func (c *View) Pause() {
	if c.player.Pause() {
		c.stop()
	}
}

// Step advances the run by one StepFraction-th of its steps, in animation frames.
func (c *View) Step() {
	if c.sim == nil || !c.player.CanStep() {
		return
	}
	c.player.Play()
	c.until = min(c.sim.Steps, c.sim.Step()+c.StepSize())
	c.start()
}

// StepSize is the number of steps one press of Step takes.
func (c *View) StepSize() int64 {
	if c.sim == nil {
		return 1
	}
	return max(1, c.sim.Steps/StepFraction)
}

// Reset rebuilds the run from the same spec and seed.
func (c *View) Reset() {
	c.rebuild(c.Spec(), false)
}

func (c *View) stop() {
	if c.cancel != nil {
		c.cancel()
		c.cancel = nil
	}
}

// start launches the loop that advances the run a frame's worth at a time.
func (c *View) start() {
	c.stop()
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	env, sim := c.Env, c.sim
	if env == nil {
		env = c.env
	}
	if env == nil { // no page (tests): run synchronously to the target
		for c.tick(ctx, sim) {
		}
		return
	}
	go func() {
		var drawn time.Time
		for {
			env.Lock()
			if ctx.Err() != nil || c.sim != sim { // stopped or replaced: whoever did it redraws
				env.UnlockOnly()
				return
			}
			more := c.tick(ctx, sim)
			if !more || time.Since(drawn) >= renderEvery {
				drawn = time.Now()
				env.UnlockRender()
			} else {
				env.UnlockOnly()
			}
			if !more {
				return
			}
			nextFrame()
		}
	}()
}

// tick advances sim by one frame's work unless ctx was cancelled or sim replaced, and reports
// whether the loop goes on. It is called with the render lock held.
func (c *View) tick(ctx context.Context, sim *Sim) bool {
	if ctx.Err() != nil || c.sim != sim || c.player.Phase != Running {
		return false
	}
	var err error
	if c.until > 0 {
		// Never past the Step's target, whatever the frame budget allows.
		rest := c.until - sim.Step()
		if rest > 0 {
			_, err = sim.advanceCapped(frameWork, rest)
		}
	} else {
		_, err = sim.AdvanceFor(frameWork)
	}
	if err != nil {
		c.err = errText(err)
		c.player.Reset(false)
		c.stop()
		return false
	}
	if sim.Done() {
		c.player.Finished()
		c.stop()
		return false
	}
	if c.until > 0 && sim.Step() >= c.until {
		c.player.Stepped(false)
		c.stop()
		return false
	}
	return true
}

// Sim is the run shown (nil while the controls are invalid).
func (c *View) Sim() *Sim { return c.sim }

// Phase is the player's phase, for the page and tests.
func (c *View) Phase() Phase { return c.player.Phase }

// Err is the problem with the current controls, "" if none.
func (c *View) Err() string { return c.err }

// Notes are remarks about the link (e.g. walkers capped for the browser).
func (c *View) Notes() []string { return c.notes }

// ProgressText describes how far the run is.
func (c *View) ProgressText() string {
	s := c.sim
	if s == nil {
		return "no run"
	}
	txt := fmt.Sprintf("step %d of %d · time %s of %s", s.Step(), s.Steps, fmtTime(s.Time()), fmtTime(s.Duration()))
	if r := s.Rate(); r > 0 && c.player.Phase == Running {
		txt += fmt.Sprintf(" · %.2g walker-steps/s", r)
	}
	switch c.player.Phase {
	case Done:
		txt += " · done"
	case Paused:
		txt += " · paused"
	}
	return txt
}

// ProgressValue is the fraction of the run done, as the <progress> element's value.
func (c *View) ProgressValue() string {
	if c.sim == nil {
		return "0"
	}
	return strconv.FormatFloat(c.sim.Progress(), 'f', 4, 64)
}

// StepLabel is the text of the Step button.
func (c *View) StepLabel() string { return fmt.Sprintf("Step +%d", c.StepSize()) }

// PopulateBars draws the "where are the walkers" bars into el (vg-js-populate) when they
// changed since the last time.
func (c *View) PopulateBars(el js.Value) {
	if c.sim == nil || !el.Truthy() {
		return
	}
	svg := c.sim.BarsSVG()
	if svg == c.bars && el.Get("tailscopeBars").Truthy() {
		return
	}
	el.Set("innerHTML", svg)
	el.Set("tailscopeBars", true)
	c.bars = svg
}

// MeanText describes noise n's exit times against the theory.
func (c *View) MeanText(n *Noise) string {
	_, st := c.sim.Exits(n)
	s := fmt.Sprintf("%d of %d walkers have left", st.Exited, c.sim.Walkers)
	if st.Exited > 0 {
		s += fmt.Sprintf("; their mean exit time %s", fmtTime(st.Mean))
		if st.Exited < c.sim.Walkers {
			s += " (a lower bound while some remain)"
		}
	}
	if m := n.TheoryMean(); m == m {
		s += fmt.Sprintf("; theory %s — %s", fmtTime(m), n.TheoryNote)
	}
	return s + "."
}

// PopulatePanel draws n's landscape panel into el (vg-js-populate, after each render): the
// static drawing when el does not hold it yet, then the walkers' dots.
func (c *View) PopulatePanel(el js.Value, n *Noise) {
	if c.sim == nil || !el.Truthy() {
		return
	}
	p, err := c.sim.panel(n)
	if err != nil {
		c.err = err.Error()
		return
	}
	if k := el.Get("tailscopeKey"); !k.Truthy() || k.String() != p.key {
		el.Set("innerHTML", p.svg)
		el.Set("tailscopeKey", p.key)
	}
	d, _ := c.sim.dotsPath(n, p)
	if path := el.Call("querySelector", "path.ls-dots"); path.Truthy() {
		path.Call("setAttribute", "d", d)
	}
}

// ExportPanel downloads n's landscape chart (with its walkers) in format "svg", "png", "csv"
// or "json", as ui/chart's Plot does for the other charts.
func (c *View) ExportPanel(n *Noise, format string) {
	if c.sim == nil {
		return
	}
	ch := c.sim.LandscapeChart(n)
	var err error
	if format == "png" { // LandscapeChart has the default size
		err = chart.DownloadPNG("tailscope-"+ch.ID+".png", ch.SVG(), chart.DefaultWidth, chart.DefaultHeight, chart.PNGScale)
	} else {
		var name, mime string
		var data []byte
		if name, mime, data, err = ch.File(format); err == nil {
			err = chart.Download(name, mime, data)
		}
	}
	if err != nil {
		c.err = err.Error()
	}
}

// OnExport downloads the export key (one of Sim.Exports).
func (c *View) OnExport(key string) {
	if c.sim == nil {
		return
	}
	ex, err := c.sim.Export(key)
	if err != nil {
		c.err = err.Error()
		return
	}
	if err := chart.Download(ex.Name, ex.MIME, []byte(ex.Text)); err != nil {
		c.err = err.Error()
	}
}

// CanPlay, CanPause, CanStep and CanReset enable the player's buttons.
func (c *View) CanPlay() bool  { return c.sim != nil && c.player.CanPlay() }
func (c *View) CanPause() bool { return c.player.CanPause() }
func (c *View) CanStep() bool  { return c.sim != nil && c.player.CanStep() }
func (c *View) CanReset() bool { return c.sim != nil }
