package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tailscope/tailscope/server/internal/browsertest"
	"github.com/tailscope/tailscope/ui/paperview"
)

// watchWorkers wraps the page's Worker constructor to count the Web Workers started and
// terminated and the messages they post (window.workerStats).
const watchWorkers = `(() => { const W = window.Worker; window.workerStats = {made: 0, ended: 0, msgs: 0};
	window.Worker = class extends W {
		constructor(...a) { super(...a); workerStats.made++; this.addEventListener("message", () => workerStats.msgs++) }
		terminate() { workerStats.ended++; super.terminate() }
	}; return "" })()`

// TestBrowserPaperHere drives "Run in this browser" in the Paper view: a synthetic sweep too big
// for a page and one on MNIST are refused with their numbers; a real mouse click runs the page's
// preset (16 runs) in Web Workers, the progress line counts the runs and the charts get their
// points, and the page asks the sweep routes nothing; Cancel (clicked) terminates every running
// worker, after which no worker posts anything; no console errors.
func TestBrowserPaperHere(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a browser and the engine")
	}
	app := paperServer(t)
	var sweepCalls atomic.Int32
	var slowPresets atomic.Bool // the presets answer 1.5 s late, as from a busy server
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/sweeps") {
			sweepCalls.Add(1)
		}
		if r.URL.Path == "/api/sweeps/presets" && slowPresets.Load() {
			time.Sleep(1500 * time.Millisecond)
		}
		app.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	tab := browsertest.New(t)
	console := watchConsole(tab)
	p := estPage{t, tab}
	status := func() string { return p.eval(`(document.getElementById("paper-status") || {}).textContent || ""`) }

	// Too big: 36 runs on spirals, refused with the numbers, as CheckPage says natively.
	big := "kind=mlp&dataset=spirals&n=2000&testN=200&iters=2000&evalEvery=1000&width=8,16,32,64,128,256&depth=2,3,4&seeds=1,2"
	_, bigErr := paperview.CheckPage(big)
	if bigErr == nil || !strings.Contains(bigErr.Error(), "it has 36 runs, about") {
		t.Fatalf("CheckPage(%s) = %v, want a refusal of 36 runs", big, bigErr)
	}
	loadApp(t, tab, srv.URL+"/#paper?"+big)
	p.poll("the estimate", `(() => { const e = document.getElementById("paper-estimate"); return !!e && e.textContent.startsWith("36 runs.") })()`, 30*time.Second)
	click(t, p, "paper-run-here")
	p.poll("the refusal", `!!document.getElementById("paper-error")`, 10*time.Second)
	if got, want := p.eval(`document.getElementById("paper-error").textContent`), "Not in this browser: "+bigErr.Error()+". Start it on the server."; got != want {
		t.Errorf("the refusal reads %q, want %q", got, want)
	}
	click(t, p, "paper-preset-cpu")
	click(t, p, "paper-run-here")
	p.poll("the MNIST refusal", `(document.getElementById("paper-error") || {}).textContent.includes("its dataset, mnist, is read from the server's files")`, 10*time.Second)

	// The page's preset, run here: no sweep route is asked.
	click(t, p, "paper-preset-page")
	p.poll("the page preset's estimate", `(() => { const e = document.getElementById("paper-estimate"); return !!e && e.textContent.startsWith("16 runs.") })()`, 10*time.Second)
	p.eval(watchWorkers)
	before := sweepCalls.Load()
	click(t, p, "paper-run-here")
	p.poll("the progress", `(() => { const s = document.getElementById("paper-status"); return !!s && s.textContent.startsWith("In this browser: ") && !!document.querySelector("#paper-progress progress") })()`, 10*time.Second)
	if s := status(); !strings.Contains(s, "of 16 runs done") {
		t.Errorf("the progress line %q does not count the 16 runs", s)
	}
	p.poll("the sweep to finish", `(() => { const s = document.getElementById("paper-status"); return !!s && s.textContent.includes("16 of 16 runs done") && s.textContent.includes("finished") })()`, 120*time.Second)
	p.poll("the charts", `document.querySelectorAll("#paper-charts svg").length === 2 && document.getElementById("paper-charts").dataset.done === "16"`, 10*time.Second)
	for _, id := range []string{"paper-alpha-width-1", "paper-alpha-depth-1"} {
		// 4 widths × 2 depths: 8 points on each chart (each with its title; the legend's have none).
		if n := p.eval(fmt.Sprintf(`String(document.querySelectorAll("#%s circle title").length)`, id)); n != "8" {
			t.Errorf("chart #%s has %s points, want 8", id, n)
		}
	}
	if made, _ := strconv.Atoi(p.eval(`String(workerStats.made)`)); made < 2 || made > 4 {
		t.Errorf("the sweep started %d Web Workers, want 2 … 4", made)
	}
	if n := sweepCalls.Load() - before; n != 0 {
		t.Errorf("the sweep in the browser asked the sweep routes %d times", n)
	}
	if b := p.eval(`String(!!document.getElementById("paper-share"))`); b != "false" {
		t.Error("a sweep run in the browser offers Share (the server has none of its results)")
	}
	for _, sz := range []struct{ w, h int64 }{{1400, 900}, {1920, 1080}, {390, 844}} {
		if err := chromedp.Do(tab, chromedp.EmulateViewport(sz.w, sz.h)); err != nil {
			t.Fatal(err)
		}
		p.poll("a frame at the new size", fmt.Sprintf(`window.innerWidth === %d`, sz.w), 5*time.Second)
		if w := p.eval(`String(document.documentElement.scrollWidth)`); w != fmt.Sprint(sz.w) {
			t.Errorf("the page is %s px wide on a %d px screen", w, sz.w)
		}
		browsertest.Screenshot(t, tab, fmt.Sprintf("paper-here-%dx%d", sz.w, sz.h))
	}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1400, 900)); err != nil {
		t.Fatal(err)
	}

	// Long runs: Cancel (clicked) terminates both running workers; nothing is posted after.
	// Each run is long enough (about 10¹¹ multiply-adds) that neither finishes before the click
	// on a quiet machine either: at widths 16 and 32 both once ended first.
	long := "kind=mlp&dataset=blobs&n=1000&testN=100&iters=20000&evalEvery=10000&width=96,128&seeds=1"
	if _, err := paperview.CheckPage(long); err != nil {
		t.Fatalf("the long sweep is refused: %v", err)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(browsertest.IdlePage())); err != nil {
		t.Fatal(err)
	}
	// With the server's presets late, the Run button appears once, where it stays: it does not
	// show before the presets' buttons above it are in, which would push it down under the mouse.
	slowPresets.Store(true)
	loadApp(t, tab, srv.URL+"/#paper?"+long)
	tops := p.eval(`new Promise((resolve) => {
		const tops = [], t0 = performance.now();
		const f = () => {
			const b = document.getElementById("paper-run-here");
			const top = b ? String(Math.round(b.getBoundingClientRect().top)) : "none";
			if (tops[tops.length - 1] !== top) tops.push(top);
			if (performance.now() - t0 < 3000) requestAnimationFrame(f); else resolve(tops.join(" "));
		};
		requestAnimationFrame(f);
	})`, chromedp.EvalAwaitPromise)
	slowPresets.Store(false)
	if f := strings.Fields(tops); len(f) != 2 || f[0] != "none" {
		t.Errorf("the Run button's top over the first 3 s, the presets 1.5 s late: %q; want it absent, then at one place", tops)
	}
	p.poll("the long sweep's estimate", `(() => { const e = document.getElementById("paper-estimate"); return !!e && e.textContent.startsWith("2 runs.") })()`, 30*time.Second)
	p.eval(watchWorkers)
	before = sweepCalls.Load()
	click(t, p, "paper-run-here")
	p.poll("both runs running", `(() => { const s = document.getElementById("paper-status"); return !!s && s.textContent.includes("0 of 2 runs done, 2 running") })()`, 10*time.Second)
	click(t, p, "paper-cancel")
	p.poll("the cancellation", `(() => { const s = document.getElementById("paper-status"); return !!s && s.textContent.includes("2 cancelled") && s.textContent.includes("finished") })()`, 30*time.Second)
	if st := p.eval(`workerStats.made + " " + workerStats.ended`); st != "2 2" {
		t.Errorf("workers started and terminated: %s, want 2 2", st)
	}
	msgs := p.eval(`String(workerStats.msgs)`)
	time.Sleep(1500 * time.Millisecond)
	if later := p.eval(`String(workerStats.msgs)`); later != msgs {
		t.Errorf("the workers posted %s messages before Cancel had taken effect and %s a second and a half later", msgs, later)
	}
	if n := sweepCalls.Load() - before; n != 0 {
		t.Errorf("the cancelled sweep asked the sweep routes %d times", n)
	}
	if errs := console.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
