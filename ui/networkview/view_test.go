package networkview

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/tailscope/tailscope/sim/mlp"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/chart"
	"github.com/vugu/vugu"
)

// TestNewPage: a fresh page shows the kind's page preset, which is what its empty link means,
// so the URL is left alone; a link's spec is kept, even one equal to the kind's table defaults;
// a stored share's result is shown without computing.
func TestNewPage(t *testing.T) {
	env := vugu.NewEventEnvImpl(&sync.RWMutex{}, make(chan bool, 1))
	env.Lock()
	defer env.UnlockOnly()

	st := appstate.New()
	var urls []string
	st.OnChange = func(s *appstate.State) { urls = append(urls, s.Fragment()) }
	p := NewPage(env, st, &Client{})
	defer p.Sess.Stop()
	if got, want := p.Sess.Spec.Key(), spec.MustPreset("mlp", spec.PagePreset).Key(); got != want {
		t.Errorf("fresh page: spec %s; want the page preset %s", got, want)
	}
	if len(urls) != 0 {
		t.Errorf("fresh page: the URL was rewritten %d times (%v); want it left alone", len(urls), urls)
	}

	tableDefaults := spec.MustNew("mlp", 1)
	st = appstate.Parse("#network?" + tableDefaults.Query().Encode())
	st.OnChange = func(s *appstate.State) { urls = append(urls, s.Fragment()) }
	p = NewPage(env, st, &Client{})
	defer p.Sess.Stop()
	if p.Sess.Spec.Key() != tableDefaults.Key() || len(urls) != 0 {
		t.Errorf("link equal to the table defaults: spec %s, URL rewritten %v; want the link's spec, untouched", p.Sess.Spec.Key(), urls)
	}

	linked := smallSpec(t)
	st = appstate.Parse("#network?" + linked.Query().Encode())
	p = NewPage(env, st, &Client{})
	defer p.Sess.Stop()
	if p.Sess.Spec.Key() != linked.Key() || p.Sess.State != Loading {
		t.Errorf("linked page: spec %s, state %v; want the link's spec, loading", p.Sess.Spec.Key(), p.Sess.State)
	}

	res, err := mlp.Run(context.Background(), linked, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(res)
	st.ShareID, st.Result = "abc", raw
	p = NewPage(env, st, &Client{})
	defer p.Sess.Stop()
	if p.Sess.State != Remote || len(p.Sess.Evals) != len(res.Evaluations) || p.Sess.Evals[2].Alpha != res.Evaluations[2].Alpha {
		t.Errorf("share page: state %v, %d measurements; want remote with the stored %d", p.Sess.State, len(p.Sess.Evals), len(res.Evaluations))
	}
	if p.CanRun() || p.PlayLabel() != "Play" || !p.CanShare() {
		t.Errorf("share page: CanRun %v, label %q, CanShare %v; want false, Play, true", p.CanRun(), p.PlayLabel(), p.CanShare())
	}
	if got := p.Series(); got == "" || got[:2] != "0:" {
		t.Errorf("share page: series %q", got)
	}
	// Its noise histogram is drawn from the binned sample the latest measurement kept.
	last := res.Evaluations[len(res.Evaluations)-1]
	kept := last.Noise.SampleHist
	if h := p.Histogram(); h == nil || h.Iter != last.Iter || h.Alpha != min(2, last.Alpha) || h.N != kept.N || len(h.Density) != HistBins {
		t.Errorf("share page: histogram %+v; want iteration %d, α %g, the %d values kept, %d bins", h, last.Iter, last.Alpha, kept.N, HistBins)
	} else if c := p.HistChart(); len(c.Series) != 3 || c.Series[0].Kind != chart.Bars {
		t.Errorf("share page: histogram chart with %d series; want bars and two fitted laws", len(c.Series))
	}
	// Reset leaves the stored result for the spec run here.
	p.ResetRun()
	if p.Sess.State != Loading || len(p.Sess.Evals) != 0 {
		t.Errorf("after reset: state %v, %d measurements", p.Sess.State, len(p.Sess.Evals))
	}

	st.Result = json.RawMessage(`{"spec": 3}`)
	p = NewPage(env, st, &Client{})
	defer p.Sess.Stop()
	if p.Sess.State == Remote || p.Msg == "" {
		t.Errorf("share page with a bad result: state %v, message %q; want a local run and a message", p.Sess.State, p.Msg)
	}
}
