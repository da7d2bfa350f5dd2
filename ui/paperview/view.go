package paperview

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/chart"
	"github.com/tailscope/tailscope/ui/networkview"
	"github.com/tailscope/tailscope/ui/worker"
	"github.com/vugu/vugu"
)

// ViewName is the view's name in the page state and the URL fragment.
const ViewName = appstate.PaperView

// PollEvery is how often a followed sweep's status is asked for.
const PollEvery = time.Second

// View is the Paper view's component (see the package doc). Use it as
//
//	<paperview:View :State='c.State' :Env='c.Env'></paperview:View>
type View struct {
	State *appstate.State
	Env   vugu.EventEnv

	env     vugu.EventEnv
	client  networkview.Client
	presets []Preset
	chosen  string // the preset shown
	loaded  bool   // presets asked for
	settled bool   // the server's presets arrived, or failed to: the panel's buttons stop moving
	err     string
	sweepID string // the sweep followed
	token   string // its cancel token, when this page started it
	status  *Status
	table   *Table // the followed sweep's last table
	charts  []*chart.Chart
	stop    context.CancelFunc
	link    string // the link's sweep in query form, once read
	here    *local // the sweep running (or run) in this page, nil for a server's

	shared    *Shared // the stored sweep of the share the page was opened from
	sharing   bool    // a share is being stored
	shareLink string  // the link of the share stored from this page
}

// Init takes the event environment when none is passed as a prop.
func (c *View) Init(ctx vugu.InitCtx) { c.env = ctx.EventEnv() }

// Destroy stops following the sweep (the sweep itself goes on on the server).
func (c *View) Destroy(ctx vugu.DestroyCtx) {
	if c.stop != nil {
		c.stop()
	}
}

func (c *View) eventEnv() vugu.EventEnv {
	if c.Env != nil {
		return c.Env
	}
	return c.env
}

// Compute follows the link: it loads the presets once and follows the sweep the link names.
func (c *View) Compute(ctx vugu.ComputeCtx) {
	if c.env == nil {
		c.env = ctx.EventEnv()
	}
	if c.State != nil && c.State.ShareID != "" && c.shared == nil && c.sweepID == "" {
		if sh, ok := ParseShared(c.State.Result); ok { // a shared sweep: its stored figures, no server call
			c.shared, c.charts, c.loaded = sh, sh.Table.Charts(), true
			return
		}
	}
	if !c.loaded {
		c.loaded = true
		c.presets = append(c.presets, pagePreset())
		c.loadPresets()
	}
	if c.State == nil {
		return
	}
	query := c.State.Queries[ViewName]
	id, preset := ParseLink(query)
	if q, err := url.ParseQuery(query); err == nil && q.Get("kind") != "" && id == "" && query != c.link {
		c.link, c.chosen = query, "link"
		c.estimateLink(q)
	}
	if preset != "" && c.chosen == "" {
		c.chosen = preset
	}
	if id != "" && id != c.sweepID {
		c.follow(id)
	}
}

func (c *View) loadPresets() {
	env := c.eventEnv()
	go func() {
		var ps []Preset
		err := c.client.JSON(context.Background(), "GET", "/api/sweeps/presets", nil, &ps)
		env.Lock()
		defer env.UnlockRender()
		c.settled = true
		if err != nil {
			c.err = "Could not load the sweep presets: " + err.Error()
			if c.chosen == "" {
				c.chosen = "page" // it needs no server
			}
			return
		}
		c.presets = append(slices.DeleteFunc(c.presets, func(p Preset) bool { return p.Name != "link" && p.Name != "page" }), ps...)
		if c.chosen == "" && len(ps) > 0 {
			c.chosen = ps[len(ps)-1].Name // the smaller grid: the one that finishes here
			for _, p := range ps {
				if p.Name == "cpu" {
					c.chosen = p.Name
				}
			}
		}
	}()
}

// estimateLink shows the sweep of the link as a preset named "link", with the server's estimate.
func (c *View) estimateLink(q url.Values) {
	body, err := LinkSweep(q)
	if err != nil {
		c.err = "The sweep in this link is not valid: " + err.Error()
		return
	}
	env := c.eventEnv()
	go func() {
		var est struct {
			Runs     int    `json:"runs"`
			Estimate []Cost `json:"estimate"`
			Refused  string `json:"refused"` // the server estimates a sweep it would refuse, and says why
		}
		err := c.client.JSON(context.Background(), "POST", "/api/sweeps/estimate", body, &est)
		env.Lock()
		defer env.UnlockRender()
		if err != nil {
			c.err = "The sweep in this link is not valid: " + err.Error()
			return
		}
		p := Preset{Name: "link", Label: "The sweep in this link", Help: "From the link: " + strings.ReplaceAll(q.Encode(), "%2C", ","), Sweep: body, Link: q.Encode(), Runs: est.Runs, Estimate: est.Estimate, Refused: est.Refused}
		c.presets = append([]Preset{p}, slices.DeleteFunc(c.presets, func(p Preset) bool { return p.Name == "link" })...)
	}()
}

// Presets are the server's sweep presets.
func (c *View) Presets() []Preset { return c.presets }

// Settled reports whether the server's presets have arrived (or failed to). Until then the
// chosen sweep and its buttons are not shown: the presets' buttons, above them, would push them
// down as they arrive, and a click aimed at Run would land beside it.
func (c *View) Settled() bool { return c.settled }

// Chosen is the preset shown (nil before the presets arrive).
func (c *View) Chosen() *Preset {
	for i := range c.presets {
		if c.presets[i].Name == c.chosen {
			return &c.presets[i]
		}
	}
	return nil
}

// ChosenClass marks the chosen preset's button.
func (c *View) ChosenClass(name string) string {
	if name == c.chosen {
		return "chosen"
	}
	return ""
}

// Choose shows preset name and its estimate; nothing starts.
func (c *View) Choose(name string) {
	c.chosen = name
	if c.State != nil && c.sweepID == "" {
		c.State.SetQuery(ViewName, LinkQuery("preset", name))
	}
}

// Start submits the chosen preset's sweep to the server and follows it.
func (c *View) Start() {
	p := c.Chosen()
	if p == nil {
		return
	}
	body := p.Sweep
	env := c.eventEnv()
	c.err = ""
	go func() {
		var out struct{ ID, CancelToken string }
		err := c.client.JSON(context.Background(), "POST", "/api/sweeps", json.RawMessage(body), &out)
		env.Lock()
		defer env.UnlockRender()
		if err != nil {
			c.err = "The server did not start the sweep: " + err.Error()
			return
		}
		c.follow(out.ID)
		c.token = out.CancelToken
		if c.State != nil {
			c.State.SetQuery(ViewName, LinkQuery("sweep", out.ID))
		}
	}()
}

// follow polls sweep id until it is finished (or another is followed), redrawing the charts
// whenever more runs are done. Called under the render lock.
func (c *View) follow(id string) {
	if c.stop != nil {
		c.stop()
	}
	ctx, stop := context.WithCancel(context.Background())
	c.sweepID, c.token, c.status, c.table, c.charts, c.stop, c.here = id, "", nil, nil, nil, stop, nil
	c.shared, c.shareLink = nil, ""
	env := c.eventEnv()
	path := "/api/sweeps/" + url.PathEscape(id)
	go func() {
		lastDone := -1
		for ctx.Err() == nil {
			var st Status
			err := c.client.JSON(ctx, "GET", path, nil, &st)
			var tab *Table
			if err == nil && st.Counts["done"] != lastDone {
				var t Table
				if err = c.client.JSON(ctx, "GET", path+"/table", nil, &t); err == nil {
					tab, lastDone = &t, st.Counts["done"]
				}
			}
			if ctx.Err() != nil {
				return
			}
			env.Lock()
			if err != nil {
				c.err = fmt.Sprintf("Could not follow sweep %s: %v", id, err)
			} else {
				c.err, c.status = "", &st
				if tab != nil {
					c.table, c.charts = tab, tab.Charts()
				}
			}
			env.UnlockRender()
			if err == nil && st.Finished && tab == nil {
				return
			}
			select {
			case <-ctx.Done():
			case <-time.After(PollEvery):
			}
		}
	}()
}

// RunHere runs the chosen preset's sweep in this page's Web Workers, worker.Slots() runs at a
// time, drawing the charts as runs finish; a sweep too big for a page is refused with its numbers.
func (c *View) RunHere() {
	p := c.Chosen()
	if p == nil {
		return
	}
	sw, err := CheckPage(p.Link)
	if err != nil {
		c.err = "Not in this browser: " + err.Error() + ". Start it on the server."
		return
	}
	if c.stop != nil {
		c.stop()
	}
	ctx, stop := context.WithCancel(context.Background())
	l := newLocal(sw, p.Sweep)
	c.sweepID, c.token, c.stop, c.here, c.err, c.shared, c.shareLink = "", "", stop, l, "", nil, ""
	c.status, c.table = l.view()
	c.charts = c.table.Charts()
	if c.State != nil {
		c.State.SetQuery(ViewName, LinkQuery("preset", p.Name))
	}
	env := c.eventEnv()
	next := make(chan int, sw.Count())
	for i := range sw.Count() {
		next <- i
	}
	close(next)
	for range min(worker.Slots(), sw.Count()) {
		go func() {
			for i := range next {
				env.Lock()
				if ctx.Err() != nil {
					env.UnlockRender()
					return
				}
				l.runs[i].State = "running"
				c.status = l.status()
				env.UnlockRender()
				in, _ := json.Marshal(sw.Run(i))
				out, err := worker.Run(ctx, RunJob, in, nil)
				env.Lock()
				r := &l.runs[i]
				switch {
				case ctx.Err() != nil:
					r.State = "cancelled"
				case err != nil:
					r.State, r.Error = "failed", err.Error()
				default:
					r.State, r.Result = "done", out
				}
				if c.here == l {
					c.status, c.table = l.view()
					c.charts = c.table.Charts()
				}
				env.UnlockRender()
			}
		}()
	}
}

// Cancel cancels the followed sweep on the server (only its creator holds the token), or stops
// every worker of the sweep running in this page (cancelling their context terminates them).
func (c *View) Cancel() {
	if c.here != nil {
		c.stop()
		for i, r := range c.here.runs {
			if r.State == "queued" || r.State == "running" {
				c.here.runs[i].State = "cancelled"
			}
		}
		c.status = c.here.status()
		return
	}
	id, tok := c.sweepID, c.token
	env := c.eventEnv()
	go func() {
		err := c.client.JSON(context.Background(), "DELETE", "/api/sweeps/"+url.PathEscape(id), nil, nil, "Authorization", "Bearer "+tok)
		if err != nil {
			env.Lock()
			c.err = "Could not cancel: " + err.Error()
			env.UnlockRender()
		}
	}()
}

// CanCancel reports whether the page may cancel the followed sweep.
func (c *View) CanCancel() bool {
	return (c.token != "" || c.here != nil) && c.status != nil && !c.status.Finished
}

// Running reports whether a sweep is followed and unfinished.
func (c *View) Running() bool { return c.sweepID != "" && (c.status == nil || !c.status.Finished) }

// Status is the followed sweep's status (nil before it arrives).
func (c *View) Status() *Status { return c.status }

// CanShare reports whether the followed sweep is finished, with its table, and not yet shared.
func (c *View) CanShare() bool {
	return c.here == nil && c.status != nil && c.status.Finished && c.table != nil && c.shareLink == "" && !c.sharing
}

// Share stores the finished sweep's figures as a share (POST /api/shares) and shows its link,
// which opens this view drawing them without recomputing.
func (c *View) Share() {
	body, err := shareBody(c.sweepID, c.status, c.table)
	if err != nil {
		c.err = "Could not share: " + err.Error()
		return
	}
	c.sharing, c.err = true, ""
	env := c.eventEnv()
	go func() {
		var out struct{ ID, URL string }
		err := c.client.JSON(context.Background(), "POST", "/api/shares", body, &out)
		env.Lock()
		defer env.UnlockRender()
		c.sharing = false
		if err != nil {
			c.err = "The server did not store the share: " + err.Error()
			return
		}
		c.shareLink = out.URL
	}()
}

// Shared reports whether the page shows a stored share's figures.
func (c *View) Shared() bool { return c.shared != nil }

// HasCoords reports whether the per-coordinate charts are shown (their notes go with them).
func (c *View) HasCoords() bool {
	if c.shared != nil {
		return c.shared.Table.HasCoords()
	}
	return c.table.HasCoords()
}

// CoordNotes are the sentences under the per-coordinate charts.
func (c *View) CoordNotes() []string { return CoordNotes }

// ShareLink is the link of the share stored from this page ("" before).
func (c *View) ShareLink() string { return c.shareLink }

// StatusText says where the followed sweep stands.
func (c *View) StatusText() string {
	if c.shared != nil {
		return c.shared.Text(c.State.ShareID)
	}
	if c.here != nil {
		return "In this browser: " + c.status.ProgressText()
	}
	if c.sweepID == "" {
		return ""
	}
	if c.status == nil {
		return "Sweep " + c.sweepID + ": asking the server…"
	}
	return "Sweep " + c.sweepID + ": " + c.status.ProgressText()
}

// ProgressValue is the fraction of runs finished, for the progress bar.
func (c *View) ProgressValue() string {
	if c.shared != nil {
		return "1"
	}
	if c.status == nil || len(c.status.Runs) == 0 {
		return "0"
	}
	n := c.status.Counts["done"] + c.status.Counts["failed"] + c.status.Counts["cancelled"]
	return fmt.Sprintf("%.3f", float64(n)/float64(len(c.status.Runs)))
}

// FailText is the first failed run's error, "" when none failed.
func (c *View) FailText() string {
	if c.status == nil {
		return ""
	}
	if e := c.status.FirstError(); e != "" {
		return "A run failed: " + e
	}
	return ""
}

// Error is the last error talking to the server.
func (c *View) Error() string { return c.err }

// Charts are the sweep's charts, filled in as runs finish.
func (c *View) Charts() []*chart.Chart { return c.charts }

// DoneCount is the number of runs done (data-done on the charts, for tests).
func (c *View) DoneCount() string {
	if c.shared != nil {
		return fmt.Sprint(c.shared.Counts["done"])
	}
	if c.status == nil {
		return "0"
	}
	return fmt.Sprint(c.status.Counts["done"])
}
