package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/tailscope/tailscope/server/internal/browsertest"
	"github.com/tailscope/tailscope/sim/spec"
	"github.com/tailscope/tailscope/ui/controls"
)

// slPage drives the sliders of one tab with real input: mouse events and key presses sent
// through the DevTools protocol, as a person's would arrive; no event is made up in the page.
type slPage struct {
	t   *testing.T
	tab context.Context
}

func (p slPage) eval(js string) string {
	p.t.Helper()
	return evalText(p.t, p.tab, js)
}

func (p slPage) poll(what, js string, timeout time.Duration) {
	p.t.Helper()
	if _, err := chromedp.Run(p.tab, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(pollEvery))); err != nil {
		browsertest.Screenshot(p.t, p.tab, "timeout")
		p.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// state is what a person sees of slider id: the thumb's position (the input's value), the
// number beside it, what a screen reader reads, and the page's link.
type slState struct{ pos, text, aria, hash string }

func (p slPage) state(id string) slState {
	p.t.Helper()
	s := p.eval(fmt.Sprintf(`(() => { const s = document.getElementById(%q);
		return [s.value, document.getElementById(%q + "-value").textContent.trim(), s.getAttribute("aria-valuetext"), location.hash].join("\n") })()`, id, id))
	f := strings.SplitN(s, "\n", 4)
	if len(f) != 4 {
		p.t.Fatalf("slider %s: state %q", id, s)
	}
	return slState{f[0], f[1], f[2], f[3]}
}

// frames waits for two painted frames: any redraw the last event caused has happened.
func (p slPage) frames() {
	p.t.Helper()
	if _, err := chromedp.Run(p.tab, chromedp.Evaluate[bool](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, chromedp.EvalAwaitPromise)); err != nil {
		p.t.Fatal(err)
	}
}

// drag presses the left button on slider id's thumb, moves the mouse in steps to the fraction
// to of its track, calls during (the button still down), and releases.
func (p slPage) drag(id string, to float64, during func()) {
	p.t.Helper()
	geo := p.eval(fmt.Sprintf(`(() => { const s = document.getElementById(%q); s.scrollIntoView({block: "center"});
		const r = s.getBoundingClientRect(); const f = (s.value - s.min) / (s.max - s.min);
		return [r.left, r.top + r.height / 2, r.width, f].join(" ") })()`, id))
	var left, y, width, from float64
	if _, err := fmt.Sscan(geo, &left, &y, &width, &from); err != nil {
		p.t.Fatalf("slider %s geometry %q: %v", id, geo, err)
	}
	const thumb = 16 // Chromium's thumb: its centre travels the track less half a thumb at each end
	x := func(f float64) float64 { return left + thumb/2 + f*(width-thumb) }
	held := func(ip *input.DispatchMouseEventParams) { ip.Button, ip.Buttons = input.MouseButtonLeft, 1 }
	actions := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x(from), y, held, chromedp.ClickCount(1))}
	for i := 1; i <= 8; i++ {
		actions = append(actions, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x(from+(to-from)*float64(i)/8), y, held))
	}
	if err := chromedp.Do(p.tab, actions...); err != nil {
		p.t.Fatalf("dragging %s: %v", id, err)
	}
	during()
	if err := chromedp.Do(p.tab, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x(to), y, chromedp.ButtonLeft, chromedp.ClickCount(1))); err != nil {
		p.t.Fatalf("releasing %s: %v", id, err)
	}
}

// press sends key to the focused element, as a keyboard does (key down, key up).
func (p slPage) press(key string) {
	p.t.Helper()
	if err := chromedp.Do(p.tab, chromedp.KeyEvent(key)); err != nil {
		p.t.Fatalf("pressing %q: %v", key, err)
	}
}

// checkDrag drags slider id to the fraction to of its track: while the button is down the
// number follows the thumb and nothing is committed (the link keeps its value); after the
// release the thumb stays, and the link carries the new value under param.
func (p slPage) checkDrag(id, param string, sc controls.Scale, to float64) (shown string) {
	p.t.Helper()
	start := p.state(id)
	p.drag(id, to, func() {
		mid := p.state(id)
		if mid.pos == start.pos {
			p.t.Fatalf("%s: dragging did not move the thumb (position %s)", id, mid.pos)
		}
		pos, _ := strconv.ParseFloat(mid.pos, 64)
		if want := sc.Format(sc.Value(pos)); mid.text != want {
			p.t.Errorf("%s while dragging: shows %q at position %s, want %q", id, mid.text, mid.pos, want)
		}
		if mid.hash != start.hash {
			p.t.Errorf("%s: the link changed before the thumb was released: %q", id, mid.hash)
		}
		p.frames()
		if again := p.state(id); again.pos != mid.pos || again.text != mid.text {
			p.t.Errorf("%s: the page's redraw moved the thumb back: position %s → %s, shown %q → %q", id, mid.pos, again.pos, mid.text, again.text)
		}
		shown = mid.text
	})
	want := param + "=" + strings.ReplaceAll(shown, "\u202f", "")
	p.poll(id+" committed to the link", fmt.Sprintf(`location.hash.includes(%q)`, want), 10*time.Second)
	p.frames()
	end := p.state(id)
	if end.text != shown || end.pos == start.pos {
		p.t.Errorf("%s after the release: position %s (start %s), shown %q; want %q where the thumb was left", id, end.pos, start.pos, end.text, shown)
	}
	return shown
}

// checkKeys focuses slider id and presses → n times: each press shows the next value of the
// scale, which is a different number from the last, and commits it to the link.
func (p slPage) checkKeys(id, param string, sc controls.Scale, unit string, n int) {
	p.t.Helper()
	if err := chromedp.Do(p.tab, chromedp.Focus(chromedp.ID(id))); err != nil {
		p.t.Fatalf("focusing %s: %v", id, err)
	}
	prev := p.state(id)
	pos, _ := strconv.ParseFloat(prev.pos, 64)
	for i := 1; i <= n; i++ {
		p.press(kb.ArrowRight)
		next := sc.Value(pos + sc.StepAttr())
		want := sc.Format(next)
		if want == prev.text {
			p.t.Fatalf("%s: the scale's next value after %q shows the same", id, prev.text)
		}
		link := param + "=" + strconv.FormatFloat(next, 'g', -1, 64)
		p.poll(fmt.Sprintf("%s after %d presses of →: %s and %s in the link", id, i, want, link),
			fmt.Sprintf(`document.getElementById(%q).textContent.trim() === %q && location.hash.includes(%q)`, id+"-value", want, link), 10*time.Second)
		got := p.state(id)
		if got.aria != controls.WithUnit(want, unit) {
			p.t.Errorf("%s: aria-valuetext %q, want %q", id, got.aria, controls.WithUnit(want, unit))
		}
		pos, prev = sc.Pos(next), got
	}
}

// scaleOf is the scale of a kind's parameter over its table's bounds, or over [lo, hi] where
// the view narrows them.
func scaleOf(t *testing.T, kind, name string, lohi ...float64) controls.Scale {
	t.Helper()
	k, ok := spec.Lookup(kind)
	if !ok || k.Param(name) == nil {
		t.Fatalf("no parameter %s.%s", kind, name)
	}
	p := *k.Param(name)
	if len(lohi) == 2 {
		return controls.NewScale(p, lohi[0], lohi[1])
	}
	return controls.ScaleOf(p)
}

// The TestBrowserSlider tests move the sliders of every view with the mouse and the keyboard:
// the thumb stays where it is left, the value shown and the link follow, and the run is
// rebuilt. Each has a browser of its own (and so the whole browser time budget).

func TestBrowserSliderNetwork(t *testing.T) {
	t.Parallel()
	tab := browsertest.New(t)
	srv, _ := testServer(t)
	check := consoleProblems(t, tab)
	{
		p := slPage{t, tab}
		sp := netSpec(t)
		loadApp(t, tab, srv.URL+"/#network?"+sp.Query().Encode())
		p.poll("the network view", `!!document.getElementById("net-width") && document.getElementById("net-width-value").textContent === "16"`, 20*time.Second)
		width := scaleOf(t, "mlp", "width")
		t0 := time.Now()

		// Train a little, so that a rebuilt run shows: its iteration starts at 0 again.
		if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("net-play"))); err != nil {
			t.Fatal(err)
		}
		p.poll("training", `Number(document.getElementById("net-iter").textContent) >= 20`, 20*time.Second)
		if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("net-play"))); err != nil { // pause
			t.Fatal(err)
		}

		shown := p.checkDrag("net-width", "width", width, 0.45)
		if shown == "16" {
			t.Fatalf("the drag left width at 16")
		}
		p.poll("the rebuilt run", `document.getElementById("net-iter").textContent === "0" && !document.getElementById("net-evals")`, 10*time.Second)
		t.Logf("%.1f s: dragged", time.Since(t0).Seconds())
		browsertest.Screenshot(t, tab, "dragged")

		// The new width trains.
		if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("net-play"))); err != nil {
			t.Fatal(err)
		}
		p.poll("the new run's training", `Number(document.getElementById("net-iter").textContent) >= 10`, 20*time.Second)
		if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("net-play"))); err != nil {
			t.Fatal(err)
		}

		// The keyboard: → steps through the displayed values; End, Home and PageUp (a tenth of
		// the stops, rounded as Chromium rounds to the step) on the learning rate, whose runs
		// are as cheap at either end.
		p.checkKeys("net-width", "width", width, "units", 3)
		t.Logf("%.1f s: keys", time.Since(t0).Seconds())
		lr := scaleOf(t, "mlp", "lr", 0.001, 2)
		for _, k := range []struct {
			name, key, text, link string
		}{
			{"End", kb.End, "2", "lr=2"},
			{"Home", kb.Home, "0.001", "lr=0.001"},
			{"PageUp", kb.PageUp, lr.Format(lr.Value(math.Round(lr.Max() / 10))), "lr=" + strconv.FormatFloat(lr.Value(math.Round(lr.Max()/10)), 'g', -1, 64)},
		} {
			if k.key != kb.End {
				p.press(k.key)
			} else if err := chromedp.Do(tab, chromedp.Focus(chromedp.ID("net-lr"))); err != nil {
				t.Fatal(err)
			} else {
				p.press(k.key)
			}
			p.poll(fmt.Sprintf("%s to %s", k.name, k.text), fmt.Sprintf(`document.getElementById("net-lr-value").textContent === %q && /[?&]%s(&|$)/.test(location.hash)`, k.text, strings.ReplaceAll(k.link, ".", "\\.")), 10*time.Second)
		}
		browsertest.Screenshot(t, tab, "keys")
	}
	check()
}

func TestBrowserSliderLandscape(t *testing.T) {
	t.Parallel()
	tab := browsertest.New(t)
	srv, _ := testServer(t)
	check := consoleProblems(t, tab)
	{
		p := slPage{t, tab}
		loadApp(t, tab, srv.URL+"/#landscape?kind=wells&seed=5&walkers=100&steps=4000")
		p.poll("the landscape view", `!!document.getElementById("ls-wl") && !!document.getElementById("ls-landscape-levy")`, 20*time.Second)
		curve := `document.querySelector("#ls-landscape-levy path[stroke='#000000']").getAttribute("d")`
		before := p.eval(curve)
		// A log slider: each press of → shows the next two-digit value (0.5, 0.51, 0.52, …).
		p.checkKeys("ls-wl", "wl", scaleOf(t, "wells", "wl"), "w", 4)
		if after := p.eval(curve); after == before {
			t.Error("moving the left well's width did not rebuild the landscape")
		}
		shown := p.checkDrag("ls-walkers", "walkers", scaleOf(t, "wells", "walkers", 1, 20000), 0.6)
		if shown == "100" {
			t.Error("the drag left the walkers at 100")
		}
		browsertest.Screenshot(t, tab, "moved")
	}
	check()
}

func TestBrowserSliderEstimator(t *testing.T) {
	t.Parallel()
	tab := browsertest.New(t)
	srv, _ := testServer(t)
	check := consoleProblems(t, tab)
	{
		p := slPage{t, tab}
		loadApp(t, tab, srv.URL+"/#estimator?alpha=1.5&n=2000&seed=1")
		done := `document.getElementById("est-results") && document.getElementById("est-results").dataset.state === "done"`
		p.poll("the estimates", done, 30*time.Second)
		summary := p.eval(`document.getElementById("est-summary").textContent`)
		shown := p.checkDrag("est-alpha", "alpha", scaleOf(t, "stable", "alpha"), 0.25)
		p.poll("the new estimates", fmt.Sprintf(`(%s) && document.getElementById("est-summary").textContent.includes("α = %.2f")`, done, mustFloat(t, shown)), 30*time.Second)
		if s := p.eval(`document.getElementById("est-summary").textContent`); s == summary {
			t.Errorf("the summary did not change after the drag: %q", s)
		}
		p.checkKeys("est-n", "n", scaleOf(t, "stable", "n"), "samples", 3)
		p.poll("the estimates at the new n", done, 30*time.Second)
		browsertest.Screenshot(t, tab, "moved")
	}
	check()
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, "\u202f", ""), 64)
	if err != nil {
		t.Fatalf("%q is not a number: %v", s, err)
	}
	return v
}
