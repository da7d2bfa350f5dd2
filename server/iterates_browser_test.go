package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tailscope/tailscope/server/internal/browsertest"
	"github.com/tailscope/tailscope/sim/iterates"
	"github.com/tailscope/tailscope/sim/spec"
)

// itPage drives the Iterates view in one tab.
type itPage struct{ estPage }

func (p itPage) waitDone(timeout time.Duration) {
	p.t.Helper()
	p.poll("the chains", `(() => { const r = document.getElementById("it-results"), n = document.getElementById("it-on-noise");
		return !!r && r.dataset.state === "done" && !!n && n.textContent !== "" })()`, timeout)
}

func (p itPage) text(id string) string {
	p.t.Helper()
	return p.eval(fmt.Sprintf(`(() => { const e = document.getElementById(%q); return e ? e.textContent : "" })()`, id))
}

// number returns the first number after prefix in s.
func number(t *testing.T, s, prefix string) float64 {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(prefix) + `\s*([0-9.]+)`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%q has no number after %q", s, prefix)
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(m[1], "."), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBrowserIterates drives the Iterates view: the page's chains show heavy-tailed iterates with
// the numbers the server computes for the same spec; a scenario button moves to light tails and
// rewrites the link; a large run leaves the page responsive and Cancel stops it; no console errors.
func TestBrowserIterates(t *testing.T) {
	t.Parallel()
	srv, _ := testServer(t)
	tab := browsertest.New(t)
	console := watchConsole(tab)
	p := itPage{estPage{t, tab}}

	loadApp(t, tab, srv.URL+"/#iterates")
	p.waitDone(90 * time.Second)
	if h := p.text("it-headline"); !strings.Contains(h, "yet the iterates are heavy-tailed with infinite variance") {
		t.Errorf("headline %q", h)
	}
	// The same spec run natively: the page shows its numbers.
	want, err := iterates.Run(context.Background(), spec.MustPreset("iterates", spec.PagePreset), nil)
	if err != nil {
		t.Fatal(err)
	}
	its, theory := p.text("it-on-iterates"), p.text("it-on-theory")
	if hill := number(t, its, "tail index of ‖x − x*‖ is"); hill != round2(want.Iterates.Alpha) {
		t.Errorf("the page's Hill estimate %v, natively %.4f (%q)", hill, want.Iterates.Alpha, its)
	}
	if s := number(t, theory, "crosses zero at s ="); s != round2(want.Theory.TailIndex) {
		t.Errorf("the page's theory %v, natively %.4f (%q)", s, want.Theory.TailIndex, theory)
	}
	if !strings.Contains(theory, "η/b = 2/(σ²(b+d+1)) = 0.5,") {
		t.Errorf("theory %q does not give the critical η/b = 0.5 of d = 2, b = 1, σ = 1", theory)
	}
	if n := p.text("it-on-noise"); !strings.Contains(n, "light-tailed") {
		t.Errorf("noise sentence %q", n)
	}
	for _, id := range []string{"it-survival", "it-h"} {
		if n := p.eval(fmt.Sprintf(`String(document.querySelectorAll("#%s path, #%s polyline").length)`, id, id)); n == "0" || n == "" {
			t.Errorf("chart #%s draws nothing", id)
		}
	}
	browsertest.Screenshot(t, tab, "iterates-default")

	// The small-step scenario: light tails, and the link says so.
	if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("it-preset-light"))); err != nil {
		t.Fatal(err)
	}
	p.poll("the link to follow the scenario", `location.hash.includes("eta=0.05")`, 5*time.Second)
	p.waitDone(90 * time.Second)
	if h := p.text("it-headline"); !strings.Contains(h, "finite variance") {
		t.Errorf("headline at η = 0.05: %q", h)
	}

	// A large run: the page keeps answering and Cancel stops it.
	p.eval(`(() => { window.longTasks = []; new PerformanceObserver(l => { for (const e of l.getEntries()) window.longTasks.push(e.duration) })
		.observe({type: "longtask"}); location.hash = "#iterates?kind=iterates&seed=4&chains=300000&steps=1000"; return "" })()`)
	p.poll("the progress bar", `!!document.getElementById("it-progress")`, 20*time.Second)
	time.Sleep(time.Second)
	start := time.Now()
	if err := chromedp.Do(tab, chromedp.Click(chromedp.ID("it-cancel"))); err != nil {
		t.Fatal(err)
	}
	p.poll("the cancelled state", `document.getElementById("it-results").dataset.state === "cancelled"`, 10*time.Second)
	t.Logf("Cancel took %v", time.Since(start).Round(time.Millisecond))
	if d := time.Since(start); d > maxCancel {
		t.Errorf("Cancel took %v; want ≤ %v", d, maxCancel)
	}
	var nTasks int
	var maxTaskMs float64
	fmt.Sscan(p.eval(`(() => { const d = window.longTasks; return d.length + " " + Math.max(0, ...d).toFixed(0) })()`), &nTasks, &maxTaskMs)
	t.Logf("page-thread tasks over 50 ms during the run: %d, longest %.0f ms", nTasks, maxTaskMs)
	if time.Duration(maxTaskMs*float64(time.Millisecond)) > maxTask {
		t.Errorf("the page's thread was busy for %.0f ms at a stretch during the run; want ≤ %v", maxTaskMs, maxTask)
	}
	if errs := console.errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}

func round2(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 2, 64), 64)
	return r
}
