package ui

import (
	"errors"
	"strings"
	"testing"

	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/appstate"
	"github.com/tailscope/tailscope/ui/tourview"
)

func TestParseView(t *testing.T) {
	tests := []struct {
		in      string
		want    ViewID
		wantErr bool
	}{
		{"", ViewEstimator, false},
		{"estimator", ViewEstimator, false},
		{"landscape", ViewLandscape, false},
		{"network", ViewNetwork, false},
		{"Network", "", true},
		{"settings", "", true},
		{"estimator ", "", true},
	}
	for _, tt := range tests {
		got, err := ParseView(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseView(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzParseView(f *testing.F) {
	for _, s := range []string{"", "estimator", "landscape", "network", "x", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseView(s)
		if err != nil {
			if v != "" {
				t.Errorf("ParseView(%q) = %q with error %v; want empty view on error", s, v, err)
			}
			return
		}
		if s != "" && string(v) != s {
			t.Errorf("ParseView(%q) = %q; want the same name back", s, v)
		}
	})
}

func TestRootCurrentAndSelect(t *testing.T) {
	c := NewRoot()
	if got := c.Current(); got != DefaultView {
		t.Errorf("NewRoot().Current() = %q; want %q", got, DefaultView)
	}
	c.State.View = "bogus"
	if got := c.Current(); got != DefaultView {
		t.Errorf("Current() with State.View=%q = %q; want %q", c.State.View, got, DefaultView)
	}
	var notified []ViewID
	var links []string
	c.OnViewChange = func(v ViewID) { notified = append(notified, v) }
	c.State.OnChange = func(s *appstate.State) { links = append(links, s.Fragment()) }
	c.Select(ViewNetwork)
	if !c.Is(ViewNetwork) || c.Is(ViewEstimator) {
		t.Errorf("after Select(network): Is(network)=%v Is(estimator)=%v; want true, false", c.Is(ViewNetwork), c.Is(ViewEstimator))
	}
	if got, want := c.NavClass(ViewNetwork), "nav-item active"; got != want {
		t.Errorf("NavClass(network) = %q; want %q", got, want)
	}
	if got, want := c.NavClass(ViewLandscape), "nav-item"; got != want {
		t.Errorf("NavClass(landscape) = %q; want %q", got, want)
	}
	if got := c.NavCurrent(ViewNetwork); got != "page" {
		t.Errorf("NavCurrent(network) = %q; want page", got)
	}
	if got := c.Info().Title; got != "Network" {
		t.Errorf("Info().Title for network = %q; want %q", got, "Network")
	}
	if len(notified) != 1 || notified[0] != ViewNetwork {
		t.Errorf("OnViewChange calls = %v; want [network]", notified)
	}
	if len(links) != 1 || !strings.HasPrefix(links[0], "#network") {
		t.Errorf("State.OnChange saw %q; want one fragment starting #network", links)
	}
	if (&Root{}).Current() != DefaultView {
		t.Error("a Root without State does not show the default view")
	}
}

func TestRootLinkAndBanner(t *testing.T) {
	c := &Root{State: appstate.Parse("#estimator?kind=stable&seed=5&alpha=9&n=abc"), LinkBase: "http://host:8080/"}
	link := c.Link()
	if !strings.HasPrefix(link, "http://host:8080/#estimator?") || !strings.Contains(link, "seed=5") || !strings.Contains(link, "alpha=1.5") {
		t.Errorf("Link() = %q; want the base, the view, seed=5 and the default alpha=1.5", link)
	}
	b := c.Banner()
	if !strings.Contains(b, "alpha") || !strings.Contains(b, "n:") {
		t.Errorf("Banner() = %q; want it to name alpha and n", b)
	}
	c.DismissBanner()
	if got := c.Banner(); got != "" {
		t.Errorf("after DismissBanner, Banner() = %q; want empty", got)
	}
	c.CopyLink() // natively there is no clipboard: the text field and its note show
	if !c.LinkShown() || !strings.Contains(c.LinkNote(), "Copy the link from this box") {
		t.Errorf("CopyLink natively: shown %v, note %q; want the fallback field and its note", c.LinkShown(), c.LinkNote())
	}
}

func TestShareID(t *testing.T) {
	for _, tc := range []struct {
		path, id string
		ok       bool
	}{
		{"/s/abc123", "abc123", true}, {"/s/A-b_9", "A-b_9", true}, {"/s/", "", false}, {"/", "", false},
		{"/s/a/b", "", false}, {"/s/%2e%2e", "", false}, {"/share/x", "", false}, {"/s/" + strings.Repeat("x", 65), "", false},
	} {
		id, ok := ShareID(tc.path)
		if id != tc.id || ok != tc.ok {
			t.Errorf("ShareID(%q) = %q, %v; want %q, %v", tc.path, id, ok, tc.id, tc.ok)
		}
	}
}

func TestApplyShare(t *testing.T) {
	st := appstate.New()
	ApplyShare(st, "x1", []byte(`{"id":"x1","spec":{"kind":"stable","seed":9,"params":{"alpha":1.1}},"result":{"law":"SαS"}}`), nil)
	if sp, _ := st.Spec("estimator"); st.View != "estimator" || st.ShareID != "x1" || sp.Seed != 9 || spec.Must(sp.Stable()).Alpha != 1.1 ||
		string(st.Result) != `{"law":"SαS"}` || len(st.Ignored) != 0 {
		t.Errorf("good share: view %q, id %q, spec %v, result %s, ignored %v", st.View, st.ShareID, sp.Query(), st.Result, st.Ignored)
	}
	st = appstate.New()
	sweepShare := `{"spec":{"kind":"mlp","seed":1},"result":{"sweep_id":"w1","counts":{"done":2},"paper_table":{"params":["batch"],"rows":[{"values":["10"],"metrics":{"alpha":{"mean":1.5,"sd":0.1,"n":2}}}]}}}`
	ApplyShare(st, "p1", []byte(sweepShare), nil)
	if st.View != appstate.PaperView || st.ShareID != "p1" || !strings.Contains(string(st.Result), `"paper_table"`) || len(st.Ignored) != 0 {
		t.Errorf("a shared sweep: view %q, id %q, result %s, ignored %v; want the Paper view with the stored figures", st.View, st.ShareID, st.Result, st.Ignored)
	}
	for _, tc := range []struct {
		name, body string
		err        error
		want       string
	}{
		{"fetch error", "", errors.New("there is no such share"), "no such share"},
		{"not JSON", "<html>", nil, "not a share"},
		{"bad spec", `{"spec":{"kind":"stable","seed":1,"params":{"alpha":7}}}`, nil, "alpha"},
		{"unknown kind", `{"spec":{"kind":"zzz","seed":1}}`, nil, "kind"},
	} {
		st := appstate.New()
		ApplyShare(st, "y2", []byte(tc.body), tc.err)
		if st.ShareID != "" || st.View != appstate.DefaultView || !strings.Contains(st.IgnoredText(), tc.want) || !strings.Contains(st.IgnoredText(), "y2") {
			t.Errorf("%s: id %q, view %q, ignored %q; want the defaults and a message naming y2 and %q", tc.name, st.ShareID, st.View, st.IgnoredText(), tc.want)
		}
	}
}

func FuzzShareID(f *testing.F) {
	for _, s := range []string{"/s/abc", "/s/", "/", "/s/a/b", "/s/\x00", "/s/é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		id, ok := ShareID(path)
		if ok && (path != "/s/"+id || id == "" || strings.ContainsAny(id, "/?#%.")) {
			t.Errorf("ShareID(%q) = %q, true: not a plain token of the path", path, id)
		}
	})
}

func FuzzApplyShare(f *testing.F) {
	for _, s := range []string{`{"spec":{"kind":"stable","seed":1},"result":{"a":1}}`, `{}`, `null`, `[`, `{"spec":{"kind":"stable","seed":-1}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		st := appstate.New()
		ApplyShare(st, "id", body, nil)
		if st.ShareID == "" && len(st.Ignored) == 0 {
			t.Errorf("body %q: neither applied nor reported", body)
		}
		if st.ShareID != "" {
			sp, ok := st.Spec(st.View)
			if !ok || sp.Validate() != nil {
				t.Errorf("body %q: applied an invalid spec %v", body, sp)
			}
		}
	})
}

// noActions stands for a view's run: the page's keys call it.
type noActions struct{}

func (noActions) PlayPause() {}
func (noActions) Step()      {}
func (noActions) Reset()     {}

// TestKeysListed checks the list that "?" shows against the keys the page answers: every key the
// shell (in present mode, on a view with a run) or the tour (at a middle step) handles is listed,
// and every key listed is handled by one of them.
func TestKeysListed(t *testing.T) {
	listed := map[string]string{}
	for _, k := range Keys {
		for _, v := range k.Values {
			listed[v] = k.Label
		}
	}
	candidates := []string{"ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Escape", "Enter", "Tab",
		"Home", "End", "PageUp", "PageDown", "Backspace", "Delete", "Spacebar", "F11"}
	for r := ' '; r <= '~'; r++ {
		candidates = append(candidates, string(r))
	}
	for _, key := range candidates {
		t.Run(key, func(t *testing.T) {
			c := NewRoot()
			c.State.SetActions(string(c.Current()), noActions{})
			c.TogglePresent()
			byShell := c.Key(key)
			tour := &tourview.View{State: appstate.Parse("#tour?step=4")}
			tour.Compute(nil)
			byTour := tour.Key(key)
			label, ok := listed[key]
			switch {
			case (byShell || byTour) && !ok:
				t.Errorf("the page answers %q (shell %v, tour %v) but the list of keys leaves it out", key, byShell, byTour)
			case ok && !byShell && !byTour:
				t.Errorf("the list of keys shows %q (%s) but nothing answers it", label, key)
			}
		})
	}
}

// TestKeyReachesTheTour: the page's one keyboard listener (Root.Key) gives the shown tour its ←
// and → once the tour has registered, and leaves them alone after the tour is gone.
func TestKeyReachesTheTour(t *testing.T) {
	c := NewRoot()
	c.State = appstate.Parse("#tour?step=2")
	tour := &tourview.View{State: c.State}
	tour.Init(nil)
	tour.Compute(nil)
	for _, tt := range []struct {
		key      string
		handled  bool
		wantStep int
	}{
		{"ArrowRight", true, 3},
		{"ArrowRight", true, 4},
		{"ArrowLeft", true, 3},
		{"x", false, 3},
	} {
		t.Run(tt.key, func(t *testing.T) {
			if got := c.Key(tt.key); got != tt.handled {
				t.Errorf("Key(%q) = %v; want %v", tt.key, got, tt.handled)
			}
			if got := tour.Index(); got != tt.wantStep {
				t.Errorf("after %q the tour shows step %d; want %d", tt.key, got, tt.wantStep)
			}
		})
	}
	tour.Destroy(nil)
	if c.Key("ArrowLeft") || tour.Index() != 3 {
		t.Errorf("after the tour is destroyed, ← still reaches it (step %d)", tour.Index())
	}
}
